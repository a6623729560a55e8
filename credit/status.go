package credit

import "time"

// EndpointStatus is what the sync engine knows about one configured endpoint.
type EndpointStatus struct {
	Name  string   `json:"name"`
	Feeds []string `json:"feeds"`
	// LastAttempt is the last sign of work: a page stored, a pass ended
	// or failed.
	LastAttempt time.Time `json:"last_attempt"`
	// LastSuccess is the end of the last complete pass: every feed walked
	// to its end with no error. A page stored is not a success.
	LastSuccess time.Time `json:"last_success"`
	LastError   string    `json:"last_error,omitempty"`
	ErrorSince  time.Time `json:"error_since"` // start of the current run of failures
	Failures    int       `json:"failures"`    // consecutive failed passes
	Items       int64     `json:"items"`       // items applied since the cache was created
	// FeedsDone holds, per feed, when its last complete walk ended (a
	// page with has_more false was stored). A feed missing here has never
	// been walked to its end: its cached data may be partial.
	FeedsDone map[string]time.Time `json:"feeds_done,omitempty"`
	// RetryAt is when the engine means to try again after the last failed
	// pass (back-off or the endpoint's Retry-After); zero after a success.
	RetryAt time.Time `json:"retry_at,omitzero"`
	// Interval is the pause between passes the syncing process used, so
	// that every view judges staleness alike (JudgeEndpoint).
	Interval time.Duration `json:"interval_ns,omitempty"`
}

// Judge is JudgeEndpoint with the status's own feeds and interval, at
// now: the verdict of a view that has only the cache (the daily check).
func (s EndpointStatus) Judge(now time.Time) EndpointState {
	if now.IsZero() {
		return JudgeEndpoint(s, s.Feeds, 0, now)
	}
	return JudgeEndpoint(s, s.Feeds, s.Interval, now)
}

// Bad reports whether the state is one every view counts as not OK:
// failing, incomplete or stale. (never is shown as not synced.)
func (s EndpointState) Bad() bool {
	return s == StateFailing || s == StateIncomplete || s == StateStale
}

// Healthy reports whether the last pass completed and none failed since.
func (s EndpointStatus) Healthy() bool { return s.LastError == "" && !s.LastSuccess.IsZero() }

// Incomplete lists the feeds of feeds that have never been walked to
// their end (see FeedsDone).
func (s EndpointStatus) Incomplete(feeds []string) []string {
	var out []string
	for _, f := range feeds {
		if _, ok := s.FeedsDone[f]; !ok {
			out = append(out, f)
		}
	}
	return out
}

// EndpointState is the one verdict on an endpoint's health that every
// view shows (status, the sync tab, the daily check).
type EndpointState string

// Endpoint states, from best to worst as the views sort them.
const (
	StateOK EndpointState = "ok" // the last pass completed within StaleAfter intervals
	// StateStale: the last complete pass is older than StaleAfter
	// intervals, with no failure recorded since (the syncing process is
	// stopped, or nothing syncs this cache).
	StateStale EndpointState = "stale"
	// StateIncomplete: some configured feed has never been walked to its
	// end; what the cache holds of it may be partial.
	StateIncomplete EndpointState = "incomplete"
	StateNever      EndpointState = "never"   // no page ever stored, no attempt
	StateFailing    EndpointState = "failing" // the last pass failed
)

// StaleAfter is how many sync intervals may pass since an endpoint's last
// complete pass before it is stale.
const StaleAfter = 3

// DefaultSyncInterval is the pause between an endpoint's successful sync
// passes when its configuration gives none; views judge staleness by it
// too.
const DefaultSyncInterval = 30 * time.Second

// JudgeEndpoint decides the state of an endpoint serving feeds, polled
// every interval, at now. interval 0 skips the staleness test (a view
// that does not know the interval). The order of the tests is the
// contract: failing, then never, then incomplete, then stale, then ok.
func JudgeEndpoint(st EndpointStatus, feeds []string, interval time.Duration, now time.Time) EndpointState {
	switch {
	case st.LastError != "":
		return StateFailing
	case st.LastSuccess.IsZero() && st.LastAttempt.IsZero() && len(st.FeedsDone) == 0:
		return StateNever
	case st.LastSuccess.IsZero() || len(st.Incomplete(feeds)) > 0:
		return StateIncomplete
	case interval > 0 && now.Sub(st.LastSuccess) > StaleAfter*interval:
		return StateStale
	}
	return StateOK
}

// Stalled reports whether a process holding the sync role looks stopped:
// it has shown no sign of work (lastWork: the newest LastAttempt of the
// endpoints, or when it took the role) for StaleAfter intervals (at least
// 30 s: a slow request is work), and no endpoint has a retry scheduled after now (a long
// Retry-After is waiting, not stalling).
func Stalled(lastWork, retryAt time.Time, interval time.Duration, now time.Time) bool {
	if lastWork.IsZero() || interval <= 0 || retryAt.After(now) {
		return false
	}
	return now.Sub(lastWork) > max(StaleAfter*interval, 30*time.Second)
}

// DeptStats aggregates what the cache holds for one department; the store
// maintains it at write time so views need not scan records.
type DeptStats struct {
	Dept         string             `json:"dept"`
	Records      map[Kind]int       `json:"records"`
	LastReceived time.Time          `json:"last_received"` // when sync last stored a record of this department
	LastChange   map[Kind]time.Time `json:"last_change"`   // newest UpdatedAt per kind
}
