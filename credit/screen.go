package credit

// ScreenRequest asks a store for the data the views show (a Screen).
type ScreenRequest struct {
	// Today is the day the views are for: the daily check's window starts
	// on the working day before it, and the check keeps the repairs
	// failing on it.
	Today Date
	// Rules decide the check's window and which repairs fail.
	Rules *Rules
	// Prev is the last Screen this reader was given and still shows, nil
	// at start. The store may share its memory and read only what changed
	// since; a Screen it returns is always what a fresh read would give.
	Prev *Screen
}

// Screen is the data the views show, read for one ScreenRequest.
type Screen struct {
	// Snapshot is what the tabs show. Snapshot.Repairs has the officers'
	// actions overlaid (ApplyActions).
	Snapshot *Snapshot
	// Overview marks the first read, made as fast as the cache allows:
	// Snapshot has no Penalties or Repairs, and the views built from them
	// wait for the next read, which the reader should make at once.
	Overview bool
	// Unchanged says that Snapshot's Penalties and Repairs and Check's
	// data are those of the request's Prev (the same cache, data
	// generation and day); only the endpoints' statuses and the counts
	// may differ. What was built from them may be kept.
	Unchanged bool
	// Today is the request's Today.
	Today Date
	// Check is the daily check's data, its Repairs cut to those failing
	// on Today and its Endpoints Snapshot's (so the check and the header
	// never disagree); nil when CheckErr says why it could not be read.
	Check    *CheckData
	CheckErr error
	// Signoffs are the daily check's sign-offs by day, and Outbox the
	// outbox, newest first; each is nil when its error says why it could
	// not be read (keep the previous value).
	Signoffs    map[Date]Signoff
	SignoffsErr error
	Outbox      []OutboxItem
	OutboxErr   error
	// InUseSince is the day the cache came into use, zero when unknown.
	InUseSince Date
}
