package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// CheckData gathers, in one read transaction and from the indexes and
// aggregates only, what the daily check needs: records that first arrived
// on since's day (China time) or later, cached counts, the sharing list,
// undisclosed records, records disclosed on or after since's day, records
// with quality issues (including duplicate document numbers), the open
// repairs with their departments and officers' actions applied, and
// endpoint statuses. Its cost grows with the open work and the days since
// since, not with the size of the cache.
func (db *DB) CheckData(since time.Time) (*credit.CheckData, error) {
	return db.checkData(since, checkReleaseEvery, nil, 0)
}

// CheckDataLean is CheckData trading time for memory: it releases the
// cache file's mapped pages every 256 KB read instead of every 8 MB (see
// checkReleaseEvery). At 1M records CheckData maps about 100 MB of the
// file before it releases them; the TUI reads the check data again at
// every data change, in the background, and uses this.
func (db *DB) CheckDataLean(since time.Time) (*credit.CheckData, error) {
	return db.checkData(since, leanReleaseEvery, nil, 0)
}

// leanReleaseEvery is CheckDataLean's pageRelease interval. The kernel maps
// up to 16 pages around each page read, so a release every 1 MB still
// left 16 MB or so mapped at times.
const leanReleaseEvery = 256 << 10

// checkData is CheckData releasing the mapped pages every `every` bytes.
// With rules, its open repairs are those the daily check on today fails on
// (rules.KeepFailing), cut as they are read: the 70,000 open repairs of a
// 1M-record cache (31 MB) are never listed whole.
func (db *DB) checkData(since time.Time, every int, rules *credit.Rules, today credit.Date) (*credit.CheckData, error) {
	d := &credit.CheckData{Since: since, Received: map[string]map[credit.Kind]int{}, Cached: map[string]map[credit.Kind]int{}}
	err := db.view(func(tx *bolt.Tx) error {
		from := make([]byte, 4)
		binary.BigEndian.PutUint32(from, uint32(credit.DateOf(since)))
		c := tx.Bucket(bRecvDays).Cursor()
		for k, v := c.Seek(from); k != nil; k, v = c.Next() {
			_, dept, kind, ok := parseRecvDayKey(k)
			n, _ := binary.Varint(v)
			if !ok {
				return fmt.Errorf("malformed arrival count %q", k)
			}
			if d.Received[dept] == nil {
				d.Received[dept] = map[credit.Kind]int{}
			}
			d.Received[dept][kind] += int(n)
		}
		if err := eachJSON(tx.Bucket(bDeptStats), nil, func(s *credit.DeptStats) {
			for k, n := range s.Records {
				if d.Cached[s.Dept] == nil {
					d.Cached[s.Dept] = map[credit.Kind]int{}
				}
				d.Cached[s.Dept][k] = n
			}
		}); err != nil {
			return err
		}
		if err := eachJSON(tx.Bucket(bSharing), nil, func(s *sharingCounts) { d.Sharing = append(d.Sharing, s.entry()) }); err != nil {
			return err
		}
		if err := eachJSON(tx.Bucket(bEndpoints), nil, func(e *credit.EndpointStatus) { d.Endpoints = append(d.Endpoints, *e) }); err != nil {
			return err
		}
		in := interner{}
		rel := newPageReleaseEvery(tx, every)
		var unknown []int // undisclosed penalties whose entry lacks their facts
		d.Undisclosed = slices.Grow(d.Undisclosed, db.sizes.undisclosed.hint())
		if err := tx.Bucket(bUndisclosed).ForEach(func(k, v []byte) error {
			rel.add(len(k) + len(v))
			r, known, err := decodeRef(k[4:], v, in)
			if r.Kind == credit.Penalty && !known {
				unknown = append(unknown, len(d.Undisclosed))
			}
			d.Undisclosed = append(d.Undisclosed, r)
			return err
		}); err != nil {
			return err
		}
		dc := tx.Bucket(bDisclosed).Cursor()
		for k, _ := dc.Seek(from); k != nil; k, _ = dc.Next() {
			rel.add(4096) // the record's leaf, read at random
			r, ok, err := disclosedRef(tx, k[4:], in)
			if err != nil {
				return err
			}
			if ok {
				d.LateDisclosed = append(d.LateDisclosed, r)
			}
		}
		if err := readQuality(tx, d, in, rel, db.sizes.quality.hint()); err != nil {
			return err
		}
		var keep func(*credit.RepairRef) bool
		if rules != nil {
			keep = func(rr *credit.RepairRef) bool { return rules.Failing(rr, today) }
		}
		var review []int // open repairs under review whose entry lacks their penalty's facts
		if err := readOpenRepairs(tx, d, every, keep, db.sizes.failing.hint(), &review); err != nil {
			return err
		}
		if err := addPenaltyFacts(tx, d, unknown, review, in, rel); err != nil {
			return err
		}
		if keep != nil {
			d.Repairs = keepReviewed(d.Repairs, review, keep)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read daily-check data from %s: %w", db.path, err)
	}
	db.sizes.undisclosed.set(len(d.Undisclosed))
	db.sizes.quality.set(len(d.Quality))
	if rules != nil {
		db.sizes.failing.set(len(d.Repairs))
	}
	return d, nil
}

// keepReviewed drops, in place, the repairs at the indexes review (in
// ascending order) of repairs that keep does not report: readOpenRepairs
// judged the others as it read them, these once their penalty's facts
// were added. An empty result is nil.
func keepReviewed(repairs []credit.RepairRef, review []int, keep func(*credit.RepairRef) bool) []credit.RepairRef {
	j, r := 0, 0
	for i := range repairs {
		if r < len(review) && review[r] == i {
			r++
			if !keep(&repairs[i]) {
				continue
			}
		}
		repairs[j] = repairs[i]
		j++
	}
	clear(repairs[j:])
	if j == 0 {
		return nil
	}
	return repairs[:j]
}

// checkSizes are the lengths of the daily check's longest lists at the
// last read, which the next read sizes them by: grown by appending, a
// list of 46,000 references (4.8 MB, the quality list of the aged 1M
// cache) allocated five times its size as it grew, and the background
// reloads read them after every data change (docs/PERFORMANCE.md).
type checkSizes struct{ undisclosed, quality, failing sizeHint }

// sizeHint is a list's length at the last read; zero before any.
type sizeHint struct{ n atomic.Int64 }

func (h *sizeHint) set(n int) { h.n.Store(int64(n)) }

// hint is the capacity to give the list: its last length and a little
// more, for the records added since.
func (h *sizeHint) hint() int {
	n := int(h.n.Load())
	return n + n/32
}

// disclosedRef is the reference of the record with key, from its value in
// the records bucket (a penalty's facts from its body); ok is false if it
// is not cached.
func disclosedRef(tx *bolt.Tx, key []byte, in interner) (r credit.RecordRef, ok bool, err error) {
	v := tx.Bucket(bRecords).Get(key)
	if v == nil {
		return r, false, nil
	}
	var m recMeta
	if err := recordHeader(v, &m); err != nil {
		return r, false, fmt.Errorf("decode index entry of %s: %w", key, err)
	}
	r = credit.RecordRef{Key: string(key), Dept: m.Dept, Kind: m.Kind, Decided: m.Decided, Disclosed: m.Disclosed, Issues: m.Issues}
	if m.Kind == credit.Penalty {
		if r.Severity, r.Accident, err = recordFacts(v, in); err != nil {
			return r, false, fmt.Errorf("decode %s: %w", key, err)
		}
	}
	return r, true, nil
}

// sharingCounts is a sharing-list entry as the daily check reads it:
// without its rejections, which the check does not look at (it counts
// Rejected). Decoding the rejections into memory was half of the
// sharing list's cost in the first frame at 1M records.
type sharingCounts struct {
	Dept      string      `json:"dept"`
	Kind      credit.Kind `json:"kind"`
	Received  int         `json:"received"`
	Disclosed int         `json:"disclosed"`
	Rejected  int         `json:"rejected"`
	LastPush  time.Time   `json:"last_push"`
	UpdatedAt time.Time   `json:"updated_at"`
}

func (s *sharingCounts) entry() credit.SharingEntry {
	return credit.SharingEntry{Dept: s.Dept, Kind: s.Kind, Received: s.Received, Disclosed: s.Disclosed,
		Rejected: s.Rejected, LastPush: s.LastPush, UpdatedAt: s.UpdatedAt}
}

// addPenaltyFacts looks up, in the penalties' summaries, what the index
// entries did not carry (a schema-2 cache, see ref_facts.go and
// open_facts.go): the severity and accident flag of the undisclosed
// penalties at the indexes unknown of d.Undisclosed, and the summary of
// the penalties of the open repairs under review at the indexes review of
// d.Repairs.
//
// Each list is looked up in key order with one cursor moving forward, so
// each leaf of the summaries is read once. A lookup that leaves the
// cursor's leaf counts as a leaf read towards rel.
func addPenaltyFacts(tx *bolt.Tx, d *credit.CheckData, unknown, review []int, in interner, rel *pageRelease) error {
	pens := tx.Bucket(bPenalties)
	refs := make([]*credit.RecordRef, len(unknown))
	for j, i := range unknown {
		refs[j] = &d.Undisclosed[i]
	}
	slices.SortFunc(refs, func(a, b *credit.RecordRef) int { return strings.Compare(a.Key, b.Key) })
	c := orderedCursor{c: pens.Cursor()}
	for _, r := range refs {
		v, ok := c.seek([]byte(r.Key))
		if c.jumped {
			rel.add(4096)
		}
		if !ok {
			continue
		}
		sev, accident, err := summaryFacts(v, in)
		if err != nil {
			return fmt.Errorf("decode %s: %w", r.Key, err)
		}
		r.Severity, r.Accident = sev, accident
	}
	reps := make([]*credit.RepairRef, len(review))
	for j, i := range review {
		reps[j] = &d.Repairs[i]
	}
	slices.SortFunc(reps, func(a, b *credit.RepairRef) int { return strings.Compare(a.Repair.RecordKey, b.Repair.RecordKey) })
	c = orderedCursor{c: pens.Cursor()}
	for _, rr := range reps {
		key := []byte(rr.Repair.RecordKey)
		v, ok := c.seek(key)
		if c.jumped {
			rel.add(4096)
		}
		if !ok {
			continue
		}
		var p credit.PenaltySummary
		if err := decodeSummary(key, v, &p, in); err != nil {
			return fmt.Errorf("decode %s: %w", key, err)
		}
		rr.Penalty = &p
	}
	return nil
}

// orderedCursor finds keys given in ascending order: it steps forward
// through the leaf it is on when the key is near, and seeks from the root
// otherwise. The daily check joins its lists with the buckets that say
// more of their records this way (about 70,000 lookups at 1M records)
// rather than with a Get each, which descends the tree from the root.
type orderedCursor struct {
	c    *bolt.Cursor
	k, v []byte
	used bool
	// jumped says whether the last seek sought from the root.
	jumped bool
}

// cursorNear is how many keys orderedCursor steps over before it seeks.
const cursorNear = 16

// seek returns the value of key and whether there is one; key must not
// sort before the previous call's.
func (s *orderedCursor) seek(key []byte) ([]byte, bool) {
	if s.used {
		for n := 0; s.k != nil && bytes.Compare(s.k, key) < 0 && n < cursorNear; n++ {
			s.k, s.v = s.c.Next()
		}
	}
	s.jumped = !s.used || s.k != nil && bytes.Compare(s.k, key) < 0
	if s.jumped {
		s.k, s.v = s.c.Seek(key)
		s.used = true
	}
	if s.k == nil || !bytes.Equal(s.k, key) {
		return nil, false
	}
	return s.v, true
}

// summaryFacts decodes a penalties entry's severity and accident flag
// only (see decodeSummary).
func summaryFacts(v []byte, in interner) (credit.Severity, bool, error) {
	if len(v) == 0 || (v[0] != sumV1 && v[0] != sumV2) {
		return "", false, fmt.Errorf("unknown penalty summary encoding")
	}
	d := metaDecoder{b: v[1:], in: in}
	for range 4 { // Dept, SubjectName, USCC, DocNo
		d.skip()
	}
	sev := credit.Severity(d.istr())
	if d.err != nil || v[0] == sumV1 {
		return sev, false, d.err
	}
	d.varint()   // Decided
	d.varint()   // Disclosed
	d.skipStrs() // PenaltyTypes
	if d.err != nil {
		return "", false, d.err
	}
	if len(d.b) != 1 {
		return "", false, fmt.Errorf("penalty summary has %d bytes after its types, want the flags byte", len(d.b))
	}
	return sev, d.b[0]&sumAccident != 0, nil
}

// checkReleaseEvery is the daily check's pageRelease interval: its reads
// are a few MB at 1M records and the TUI's first frame waits for them, so
// it releases less often than the penalty scans, and sizes its list of open
// repairs with the bucket's Stats (one quick walk that maps the 8 MB bucket
// whole) rather than a counting pass. At 1M records the first frame took
// the same time as without any release (about 425 ms), `check` peaked at
// 120 MB instead of 171 MB; releasing every 1 MB and counting with a cursor
// cost 60 ms more for 60 MB.
const checkReleaseEvery = 8 << 20

// readQuality lists the records with quality issues, then those whose only
// issue is a shared document number; a duplicate gets IssueDuplicateDocNo.
//
// The list starts with capacity for hint references (its length at the
// last read) when Stats is not used to size it.
func readQuality(tx *bolt.Tx, d *credit.CheckData, in interner, rel *pageRelease, hint int) error {
	// Both buckets are keyed by record key: each is read in order, and
	// joined with the other by an orderedCursor.
	dup := orderedCursor{c: tx.Bucket(bDupDocNo).Cursor()}
	// Sized at once: grown by appending, the list (46,000 references on
	// the aged 1M cache) was copied a dozen times. Stats maps both buckets
	// whole (a few MB at 1M records): a lean read lets the list grow
	// instead (see checkReleaseEvery).
	if rel.every >= checkReleaseEvery {
		d.Quality = slices.Grow(d.Quality, tx.Bucket(bQuality).Stats().KeyN+tx.Bucket(bDupDocNo).Stats().KeyN)
	} else {
		d.Quality = slices.Grow(d.Quality, hint)
	}
	err := tx.Bucket(bQuality).ForEach(func(k, v []byte) error {
		rel.add(len(k) + len(v))
		r, _, err := decodeRef(k, v, in)
		if _, ok := dup.seek(k); ok {
			r.Issues = append(r.Issues, credit.IssueDuplicateDocNo)
		}
		d.Quality = append(d.Quality, r)
		return err
	})
	if err != nil {
		return err
	}
	quality := orderedCursor{c: tx.Bucket(bQuality).Cursor()}
	return tx.Bucket(bDupDocNo).ForEach(func(k, v []byte) error {
		rel.add(len(k) + len(v))
		if _, ok := quality.seek(k); ok {
			return nil
		}
		r, _, err := decodeRef(k, v, in)
		r.Issues = append(r.Issues, credit.IssueDuplicateDocNo)
		d.Quality = append(d.Quality, r)
		return err
	})
}

// readOpenRepairs lists the open repairs, with officers' actions applied,
// each one's department from its penalty ("" if it is not cached) and,
// under review, its penalty's facts (RepairRef.Penalty) where the entry
// carries them; it adds to review the indexes of those under review whose
// entry does not (a schema-2 entry, a repair an officer's action opened).
// With keep, it lists only the repairs keep reports, except those under
// review whose penalty's facts it adds to review: the caller judges those
// once it has them. The list then starts with room for hint. It releases
// the mapped pages every `every` bytes read. Its count starts afresh: a
// release due from the check's reads before would drop the pages Stats
// has just mapped, and the scan would map them again (36 ms more for the
// first frame at 1M records).
func readOpenRepairs(tx *bolt.Tx, d *credit.CheckData, every int, keep func(*credit.RepairRef) bool, hint int, review *[]int) error {
	rel := newPageReleaseEvery(tx, every)
	acts, err := actionsByRecord(tx)
	if err != nil {
		return err
	}
	in := interner{}
	set := tx.Bucket(bOpenRepairs)
	switch {
	case keep != nil: // some are kept: as many as the last read kept
		d.Repairs = make([]credit.RepairRef, 0, hint)
	case every < checkReleaseEvery:
		d.Repairs = make([]credit.RepairRef, 0, countKeys(tx, set)+len(acts))
	default: // quicker, and maps the bucket whole: see checkReleaseEvery
		d.Repairs = make([]credit.RepairRef, 0, set.Stats().KeyN+len(acts))
	}
	// add lists an open repair; e.known says whether e carries its
	// penalty's facts (else addPenaltyFacts looks them up).
	add := func(e *openEntry) error {
		rep := &e.rep
		if as, ok := acts[rep.RecordKey]; ok {
			credit.ApplyActions(rep, as)
		}
		if !rep.Open() { // an officer's action may have closed it
			return nil
		}
		rr := credit.RepairRef{Dept: e.dept, Repair: *rep}
		if underReview(rep) {
			if !e.known {
				*review = append(*review, len(d.Repairs))
				d.Repairs = append(d.Repairs, rr)
				return nil
			}
			p, err := e.openFactsOf(rep.RecordKey, in)
			if err != nil {
				return err
			}
			rr.Penalty = p
		}
		if keep == nil || keep(&rr) {
			if keep != nil && len(d.Repairs) == cap(d.Repairs) {
				// Doubled, not a quarter more as append grows a large
				// slice: the first read of a process has no hint, and
				// 27,000 failing repairs of the aged 1M cache (12 MB)
				// would allocate 60 MB growing.
				d.Repairs = slices.Grow(d.Repairs, max(len(d.Repairs), 64))
			}
			d.Repairs = append(d.Repairs, rr)
		}
		return nil
	}
	if err := set.ForEach(func(k, v []byte) error {
		rel.add(len(k) + len(v))
		e, err := decodeOpen(k, v, in)
		if err != nil {
			return err
		}
		return add(&e)
	}); err != nil {
		return err
	}
	// Repairs an officer's action opened (the set holds what the agencies
	// reported).
	for key := range acts {
		if set.Get([]byte(key)) != nil {
			continue
		}
		rep, found, err := getRepair(tx, []byte(key))
		if err != nil {
			return err
		}
		if !found {
			rep = credit.Repair{RecordKey: key}
		}
		m, _, err := getMeta(tx, []byte(key))
		if err != nil {
			return err
		}
		if err := add(&openEntry{dept: m.Dept, rep: rep}); err != nil {
			return err
		}
	}
	return nil
}

// underReview says whether a repair's application awaits 信用中国's
// review: the daily check then judges it by its penalty
// (Rules.earlyApplication).
func underReview(rep *credit.Repair) bool { return !rep.Applied.IsZero() && rep.Reviewed.IsZero() }
