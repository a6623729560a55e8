package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

func cursorKey(endpoint, feed string) []byte { return []byte(endpoint + "\x00" + feed) }

func quarantineKey(endpoint, feed, key string) []byte {
	return []byte(endpoint + "\x00" + feed + "\x00" + key)
}

// recMeta is the compact, always-decoded part of a record: what indexes,
// aggregates and the daily check need, so they never decode whole records.
type recMeta struct {
	Dept      string      `json:"d"`
	Kind      credit.Kind `json:"k"`
	ID        string      `json:"i"`
	DocNo     string      `json:"n,omitempty"`
	Decided   credit.Date `json:"dd"`
	Disclosed credit.Date `json:"ds,omitempty"`
	Received  int64       `json:"r"` // first arrival, unix nanoseconds
	Issues    []string    `json:"q,omitempty"`
	// Severity and Accident of a penalty are not in the header: the writer
	// sets them from the record, for its undisclosed index entry
	// (undisclosedValue). A header read back lacks them, so that entry of
	// a rewritten penalty is always written anew.
	Severity credit.Severity `json:"-"`
	Accident bool            `json:"-"`
}

// denseFill sets how full pages get before they split. The feeds deliver
// records roughly in source-id order, which bbolt's default (split at 50%)
// would leave half empty. Measured at 100k records (page fill):
//
//	records, penalties:  50% -> 77% / 50%; 100% -> 86% / 91%
//	by_doc_no (hashed, uniformly random keys): 50% -> 69%; 100% -> 21%
//
// so the buckets fed in id order fill completely, the append-only ones to
// 90%, and the randomly keyed ones keep the default. FillPercent is not
// stored; it applies to this transaction's writes.
func denseFill(tx *bolt.Tx) {
	tx.Bucket(bRecords).FillPercent = 1.0
	tx.Bucket(bPenalties).FillPercent = 1.0
	tx.Bucket(bByDept).FillPercent = 0.9
	tx.Bucket(bEvents).FillPercent = 0.9
}

// dateKey is a 4-byte big-endian Date followed by key.
func dateKey(d credit.Date, key []byte) []byte {
	b := make([]byte, 4, 4+len(key))
	binary.BigEndian.PutUint32(b, uint32(d))
	return append(b, key...)
}

func deptIndexKey(dept string, k credit.Kind, id string) []byte {
	return []byte(dept + "\x00" + string(k) + "\x00" + id)
}

// Cursor returns the stored cursor of an endpoint's feed, or "" if the feed
// has never been synced.
func (db *DB) Cursor(endpoint, feed string) (string, error) {
	var c string
	err := db.view(func(tx *bolt.Tx) error {
		c = string(tx.Bucket(bCursors).Get(cursorKey(endpoint, feed)))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("read cursor of %s/%s: %w", endpoint, feed, err)
	}
	return c, nil
}

// ApplyPage writes p in one transaction: each change with its index entry and
// the department aggregates, the quarantined items, the cursor, the
// endpoint's success and, if the page held items, a page event in the log.
// Applying the same page twice leaves the same state (upserts replace,
// deletes of absent keys do nothing), so a page retried after a crash never
// duplicates anything.
func (db *DB) ApplyPage(p *credit.Page) error { return db.ApplyPages([]*credit.Page{p}) }

// ApplyPages writes several pages, in order, in one transaction, each as
// ApplyPage would: all of them or none. The sync engine hands it the pages
// that arrived while the previous transaction was committing, so a fast feed
// pays for one commit (and fsync) per batch instead of per page.
func (db *DB) ApplyPages(pages []*credit.Page) error {
	_, err := db.applyPagesTx(pages, false)
	return err
}

// ApplyPagesLean is ApplyPages for a process that holds much on its heap
// beside the write (the TUI, serve): it keeps less of the transaction in
// memory, for more page faults, and reports what the transaction changed.
//
// It releases the file pages the transaction maps every leanReleaseItems
// items and every leanReleaseTick (releaseOften), not every
// writeReleaseItems and releaseTick: in the TUI started with a backlog
// (100k records) each catch-up commit mapped 20-25 MB of the file between
// two releases, beside the TUI's tables. A bulk load keeps ApplyPages'
// intervals whichever is called.
//
// nodes is how many of bbolt's nodes the transaction held when it
// committed: every leaf it changed and the branches above them, each a
// copy of its page's elements on the heap, and at the commit a new page
// buffer of its own. That, more than the number of items, is a write
// transaction's memory (about 10 KB a node): a catch-up's changed records
// spread over a 100k cache changed 0.8-2 nodes an item, a re-walk's
// unchanged records one node per hundred items. The sync engine sizes its
// next batch by it (sync.Options.BatchNodes). 0 when nothing was written.
func (db *DB) ApplyPagesLean(pages []*credit.Page) (nodes int, err error) {
	return db.applyPagesTx(pages, true)
}

func (db *DB) applyPagesTx(pages []*credit.Page, lean bool) (int, error) {
	if len(pages) == 0 {
		return 0, nil
	}
	data := slices.ContainsFunc(pages, func(p *credit.Page) bool { return len(p.Changes)+len(p.Quarantine) > 0 })
	nodes := 0
	err := db.writeData(func(tx *bolt.Tx) (bool, error) {
		denseFill(tx)
		removed, err := db.applyPages(tx, pages, lean)
		st := tx.Stats()
		nodes = int(st.GetNodeCount())
		return data || removed > 0, err
	})
	if err != nil {
		return 0, fmt.Errorf("store %d page(s) of %s/%s: %w", len(pages), pages[0].Endpoint, pages[0].Feed, err)
	}
	return nodes, nil
}

// writeReleaseItems is how many items a write transaction stores between
// two releases of the file pages its reads mapped (see pageRelease, which
// here counts items, not bytes). A batch's items are sorted by key, but
// what they look up is not always near them: an open repair reads its
// penalty's record, a re-walk compares every record with the stored one.
// At 1M records one batch of 8,000 repairs mapped up to 350 MB of the file
// that way (the kernel maps up to 16 neighbouring pages per fault). The
// release only unmaps clean pages of a read-only shared mapping of the
// file; nothing is written to the file before the commit, and a page read
// again is mapped again from the page cache.
//
// ApplyPagesLean releases every leanReleaseItems: a catch-up's items each
// read leaves of their own all over the file (1.6-2 nodes an item at
// 100k), so 500 of them map most of a 100k cache.
const (
	writeReleaseItems = 500
	leanReleaseItems  = 100
)

// itemOp is one item of a page: a change, or an item put in quarantine.
type itemOp struct {
	page   int
	key    string
	change *credit.Change
	bad    *credit.Quarantined
}

// applyPages writes pages inside tx. Their items are written in key order:
// feeds deliver ids in shuffled windows, and sorted inserts touch each page
// once and fill it before it splits (across batches the windows overlap,
// so a large first sync still needs compacting: compact.go). The sort is
// stable, so the items of one key keep
// their pages' order and the last page still wins, as when the pages are
// applied one after another. Cursors, endpoint status and events follow, page
// by page.
func (db *DB) applyPages(tx *bolt.Tx, pages []*credit.Page, lean bool) (removed int, err error) {
	var ops []itemOp
	for i, p := range pages {
		for j := range p.Changes {
			ops = append(ops, itemOp{page: i, key: p.Changes[j].Key, change: &p.Changes[j]})
		}
		for j := range p.Quarantine {
			ops = append(ops, itemOp{page: i, key: p.Quarantine[j].Key, bad: &p.Quarantine[j]})
		}
	}
	slices.SortStableFunc(ops, func(a, b itemOp) int { return strings.Compare(a.key, b.key) })
	w := pageWriter{tx: tx, stats: map[string]*credit.DeptStats{}, deferDocNo: docNoDeferred(tx)}
	every := writeReleaseItems
	if lean && !w.deferDocNo { // not in a bulk load
		every = leanReleaseItems
		releaseOften(tx)
	}
	rel := newPageReleaseEvery(tx, every)
	for _, op := range ops {
		rel.add(1)
		p := pages[op.page]
		w.endpoint, w.at = p.Endpoint, p.FetchedAt
		if op.bad != nil {
			if err := putJSON(tx.Bucket(bQuarantine), quarantineKey(op.bad.Endpoint, op.bad.Feed, op.bad.Key), op.bad); err != nil {
				return 0, err
			}
			continue
		}
		if err := w.apply(p.Feed, op.change); err != nil {
			return 0, fmt.Errorf("item %q: %w", op.key, err)
		}
	}
	for _, p := range pages {
		if err := noteWalked(tx, p); err != nil {
			return 0, fmt.Errorf("re-walk of %s/%s: %w", p.Endpoint, p.Feed, err)
		}
	}
	var perPage []int
	for _, p := range pages {
		n := 0
		if p.WalkEnd {
			var err error
			if n, err = endWalk(tx, &w, p.Endpoint, p.Feed, p.FetchedAt); err != nil {
				return 0, fmt.Errorf("end re-walk of %s/%s: %w", p.Endpoint, p.Feed, err)
			}
		}
		perPage = append(perPage, n)
		removed += n
	}
	if err := w.flushStats(); err != nil {
		return 0, err
	}
	for i, p := range pages {
		if err := db.finishPage(tx, p, perPage[i]); err != nil {
			return 0, err
		}
	}
	return removed, nil
}

// finishPage records a written page: its feed's cursor, the endpoint's
// progress (LastAttempt; a page is not a success, see
// credit.EndpointStatus), the end of the feed's walk if the page ends it,
// and, if the page held items, a page event in the log; removed > 0 logs
// the end of a re-walk that removed that many items.
func (db *DB) finishPage(tx *bolt.Tx, p *credit.Page, removed int) error {
	if err := tx.Bucket(bCursors).Put(cursorKey(p.Endpoint, p.Feed), []byte(p.NextCursor)); err != nil {
		return err
	}
	st, err := getEndpoint(tx, p.Endpoint)
	if err != nil {
		return err
	}
	st.Name = p.Endpoint
	st.LastAttempt = p.FetchedAt
	st.Items += int64(len(p.Changes))
	if p.WalkEnd {
		if st.FeedsDone == nil {
			st.FeedsDone = map[string]time.Time{}
		}
		st.FeedsDone[p.Feed] = p.FetchedAt
	}
	if err := putJSON(tx.Bucket(bEndpoints), []byte(p.Endpoint), st); err != nil {
		return err
	}
	if removed > 0 {
		if err := appendEvent(tx, &credit.Event{At: p.FetchedAt, Type: credit.EventResyncDone, Endpoint: p.Endpoint,
			Feed: p.Feed, Items: removed}, db.maxEvents()); err != nil {
			return err
		}
	}
	if len(p.Changes)+len(p.Quarantine) == 0 {
		return nil
	}
	return appendEvent(tx, &credit.Event{At: p.FetchedAt, Type: credit.EventPage, Endpoint: p.Endpoint,
		Feed: p.Feed, Items: len(p.Changes), Bad: len(p.Quarantine)}, db.maxEvents())
}

type pageWriter struct {
	tx       *bolt.Tx
	endpoint string
	at       time.Time
	stats    map[string]*credit.DeptStats
	// deferDocNo: a bulk load is in progress (bulk.go), so by_doc_no and
	// the duplicate set are left to FinishBulkLoad.
	deferDocNo bool
	// scratch is applyRecord's buffer for a record's encoding.
	scratch []byte
}

func (w *pageWriter) apply(feed string, c *credit.Change) error {
	// An item that now decodes and validates leaves the quarantine.
	if err := w.tx.Bucket(bQuarantine).Delete(quarantineKey(w.endpoint, feed, c.Key)); err != nil {
		return err
	}
	switch feed {
	case credit.FeedSharing:
		return putOrDelete(w.tx.Bucket(bSharing), c.Key, c.Op, c.Sharing)
	case credit.FeedRepair:
		return putRepair(w.tx, c.Key, c.Op, c.Repair)
	}
	if !credit.Kind(feed).Valid() {
		return fmt.Errorf("unknown feed %q", feed)
	}
	return w.applyRecord(c)
}

func (w *pageWriter) applyRecord(c *credit.Change) error {
	recs := w.tx.Bucket(bRecords)
	key := []byte(c.Key)
	old, hadOld, err := getMeta(w.tx, key)
	if err != nil {
		return err
	}
	if c.Op == credit.OpDelete {
		if !hadOld {
			return nil
		}
		if err := w.reindex(key, &old, nil); err != nil {
			return err
		}
		if err := putSummary(w.tx, key, old.Kind, nil); err != nil {
			return err
		}
		return recs.Delete(key)
	}
	r := c.Record
	if r == nil {
		return fmt.Errorf("upsert without a record")
	}
	m := recMeta{Dept: r.Dept, Kind: r.Kind, ID: r.ID, DocNo: r.DocNo, Decided: r.Decided, Disclosed: r.Disclosed, Received: w.at.UnixNano(),
		Severity: r.Severity, Accident: r.Accident}
	if hadOld {
		m.Received = old.Received // "received" means first arrival
	}
	for _, is := range credit.CheckRecord(r, credit.DateOf(w.at)) {
		m.Issues = append(m.Issues, is.Code)
	}
	// Encoded into the writer's scratch buffer and compared with the value
	// stored; only a changed record's is copied for Put (bbolt keeps the
	// value until the commit). A re-walk serves every record anew and
	// most are unchanged: a fresh buffer for each was 14% of what a server
	// allocated through a 1M resync.
	w.scratch = appendRecord(w.scratch[:0], r, &m)
	val := w.scratch
	if hadOld && bytes.Equal(recs.Get(key), val) {
		// The same record again (a re-walk after a 410 serves every record
		// anew): its value, summary and index entries stand as they are.
		// It still counts as received. A penalty's summary written by an
		// older build (sumV1) is written anew, as sync --full promises.
		if r.Kind == credit.Penalty {
			if v := w.tx.Bucket(bPenalties).Get(key); len(v) == 0 || v[0] != sumV2 {
				if err := putSummary(w.tx, key, r.Kind, r); err != nil {
					return err
				}
			}
		}
		if err := w.count(r.Dept, r.Kind, 0); err != nil {
			return err
		}
		w.noteReceived(r)
		return nil
	}
	if err := recs.Put(key, bytes.Clone(val)); err != nil {
		return err
	}
	if hadOld && old.Kind != r.Kind {
		if err := putSummary(w.tx, key, old.Kind, nil); err != nil {
			return err
		}
	}
	if err := putSummary(w.tx, key, r.Kind, r); err != nil {
		return err
	}
	var prev *recMeta
	if hadOld {
		prev = &old
	}
	if err := w.reindex(key, prev, &m); err != nil {
		return err
	}
	w.noteReceived(r)
	return nil
}

// noteReceived records in the department's stats that r arrived now; the
// stats of r's department are loaded (count).
func (w *pageWriter) noteReceived(r *credit.Record) {
	s := w.stats[r.Dept]
	if w.at.After(s.LastReceived) {
		s.LastReceived = w.at
	}
	if r.UpdatedAt.After(s.LastChange[r.Kind]) {
		s.LastChange[r.Kind] = r.UpdatedAt
	}
}

// indexEntry is one secondary index entry of a record.
type indexEntry struct {
	bucket string
	key    string
	value  string
}

// indexEntries lists the index entries of a record with key and header m.
// The entries the daily check lists (undisclosed records, quality issues)
// carry the record's reference (refValue), so the check reads no record.
func indexEntries(key []byte, m *recMeta) []indexEntry {
	out := make([]indexEntry, 0, 4)
	out = append(out, indexEntry{bucket: string(bByDept), key: string(deptIndexKey(m.Dept, m.Kind, m.ID))})
	if m.Disclosed.IsZero() {
		out = append(out, indexEntry{string(bUndisclosed), string(dateKey(m.Decided, key)), string(undisclosedValue(m))})
	} else {
		out = append(out, indexEntry{bucket: string(bDisclosed), key: string(dateKey(m.Disclosed, key))})
	}
	if m.DocNo != "" {
		out = append(out, indexEntry{bucket: string(bByDocNo), key: string(docNoGroup(m.Kind, m.DocNo)) + string(key)})
	}
	if len(m.Issues) > 0 {
		out = append(out, indexEntry{string(bQuality), string(key), string(refValue(m))})
	}
	return out
}

// indexEntries is the package's indexEntries without the by_doc_no entry
// during a bulk load.
func (w *pageWriter) indexEntries(key []byte, m *recMeta) []indexEntry {
	out := indexEntries(key, m)
	if w.deferDocNo {
		out = slices.DeleteFunc(out, func(e indexEntry) bool { return e.bucket == string(bByDocNo) })
	}
	return out
}

func sameKey(a indexEntry) func(indexEntry) bool {
	return func(b indexEntry) bool { return a.bucket == b.bucket && a.key == b.key }
}

// reindex moves a record's index entries, department count and arrival
// count from old to m (either may be nil: a new record, a deletion),
// touching only the entries that differ.
func (w *pageWriter) reindex(key []byte, old, m *recMeta) error {
	var before, after []indexEntry
	if old != nil {
		before = w.indexEntries(key, old)
	}
	if m != nil {
		after = w.indexEntries(key, m)
	}
	for _, e := range before {
		if slices.ContainsFunc(after, sameKey(e)) {
			continue // rewritten below if its value changed
		}
		if err := w.tx.Bucket([]byte(e.bucket)).Delete([]byte(e.key)); err != nil {
			return err
		}
	}
	for _, e := range after {
		if slices.Contains(before, e) {
			continue
		}
		if err := w.tx.Bucket([]byte(e.bucket)).Put([]byte(e.key), []byte(e.value)); err != nil {
			return err
		}
	}
	if err := w.refreshRefs(key, old, m); err != nil {
		return err
	}
	// The duplicate set follows the number itself: two numbers may share
	// an index entry's hash.
	if !w.deferDocNo && (old == nil || m == nil || old.Kind != m.Kind || old.DocNo != m.DocNo) {
		if old != nil && old.DocNo != "" {
			if err := docNoRemoved(w.tx, old.Kind, old.DocNo, key); err != nil {
				return err
			}
		}
		if m != nil && m.DocNo != "" {
			if err := docNoAdded(w.tx, m.Kind, m.DocNo); err != nil {
				return err
			}
		}
	}
	if old != nil && m != nil && old.Dept == m.Dept && old.Kind == m.Kind {
		return w.count(m.Dept, m.Kind, 0) // loads the aggregate for LastReceived
	}
	if old != nil {
		if err := w.count(old.Dept, old.Kind, -1); err != nil {
			return err
		}
		if err := addReceived(w.tx, receivedDay(old.Received), old.Dept, old.Kind, -1); err != nil {
			return err
		}
	}
	if m != nil {
		if err := w.count(m.Dept, m.Kind, +1); err != nil {
			return err
		}
		return addReceived(w.tx, receivedDay(m.Received), m.Dept, m.Kind, +1)
	}
	return nil
}

// refreshRefs rewrites the record's reference in the duplicate set when it
// changed while the entry stays, and a penalty's department and facts in
// its open repair (the penalty's summary is written before this).
func (w *pageWriter) refreshRefs(key []byte, old, m *recMeta) error {
	if m == nil {
		if old != nil && old.Kind == credit.Penalty {
			return refreshOpenRepair(w.tx, key, true) // its penalty is gone
		}
		return nil
	}
	if !w.deferDocNo && old != nil && old.Kind == m.Kind && old.DocNo == m.DocNo && m.DocNo != "" {
		dup := w.tx.Bucket(bDupDocNo)
		if v := dup.Get(key); v != nil {
			if ref := refValue(m); string(v) != string(ref) {
				if err := dup.Put(key, ref); err != nil {
					return err
				}
			}
		}
	}
	if m.Kind == credit.Penalty {
		return refreshOpenRepair(w.tx, key, false)
	}
	return nil
}

// count adjusts a department's record count, loading its aggregate once per page.
func (w *pageWriter) count(dept string, k credit.Kind, delta int) error {
	s, ok := w.stats[dept]
	if !ok {
		s = &credit.DeptStats{}
		if v := w.tx.Bucket(bDeptStats).Get([]byte(dept)); v != nil {
			if err := json.Unmarshal(v, s); err != nil {
				return fmt.Errorf("decode stats of %s: %w", dept, err)
			}
		}
		s.Dept = dept
		if s.Records == nil {
			s.Records = map[credit.Kind]int{}
		}
		if s.LastChange == nil {
			s.LastChange = map[credit.Kind]time.Time{}
		}
		w.stats[dept] = s
	}
	s.Records[k] += delta
	return nil
}

func (w *pageWriter) flushStats() error {
	b := w.tx.Bucket(bDeptStats)
	for dept, s := range w.stats {
		if err := putJSON(b, []byte(dept), s); err != nil {
			return err
		}
	}
	return nil
}

func putOrDelete[T any](b *bolt.Bucket, key, op string, v *T) error {
	if op == credit.OpDelete {
		return b.Delete([]byte(key))
	}
	if v == nil {
		return fmt.Errorf("upsert without data")
	}
	return putJSON(b, []byte(key), v)
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return b.Put(key, data)
}

func getEndpoint(tx *bolt.Tx, name string) (credit.EndpointStatus, error) {
	var st credit.EndpointStatus
	if v := tx.Bucket(bEndpoints).Get([]byte(name)); v != nil {
		if err := json.Unmarshal(v, &st); err != nil {
			return st, fmt.Errorf("decode status of endpoint %s: %w", name, err)
		}
	}
	return st, nil
}

// SaveEndpointStatus replaces the stored status of st.Name.
func (db *DB) SaveEndpointStatus(st credit.EndpointStatus) error {
	err := db.updateStatus(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bEndpoints), []byte(st.Name), st)
	})
	if err != nil {
		return fmt.Errorf("save status of endpoint %s: %w", st.Name, err)
	}
	return nil
}

// RecordEndpoint changes the stored status of an endpoint with change
// (given the stored status, or a zero one with Name set) and appends ev to
// the event log, in one transaction: the end of a sync pass costs one
// commit, not a read and two commits.
func (db *DB) RecordEndpoint(name string, change func(*credit.EndpointStatus), ev credit.Event) error {
	err := db.updateStatus(func(tx *bolt.Tx) error {
		st, err := getEndpoint(tx, name)
		if err != nil {
			return err
		}
		st.Name = name
		change(&st)
		if err := putJSON(tx.Bucket(bEndpoints), []byte(name), st); err != nil {
			return err
		}
		return appendEvent(tx, &ev, db.maxEvents())
	})
	if err != nil {
		return fmt.Errorf("record %s of endpoint %s: %w", ev.Type, name, err)
	}
	return nil
}

// EndpointStatus returns the stored status of an endpoint, or a zero status
// with Name set if it has none.
func (db *DB) EndpointStatus(name string) (credit.EndpointStatus, error) {
	var st credit.EndpointStatus
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		st, err = getEndpoint(tx, name)
		return err
	})
	st.Name = name
	return st, err
}

// syncedBuckets hold only what sync fetched; everything in them can be
// fetched again. Officer actions (sign-offs, outbox) never live in them.
var syncedBuckets = [][]byte{bRecords, bPenalties, bByDept, bSharing, bRepairs, bOpenRepairs, bCursors, bDeptStats, bQuarantine,
	bRecvDays, bUndisclosed, bDisclosed, bByDocNo, bDupDocNo, bQuality, bRewalk}

// ResetSynced empties everything sync fetched, and every cursor, in one
// transaction, so the next sync rebuilds the cache from the beginning. It
// keeps endpoint statuses and every bucket that holds officer actions.
func (db *DB) ResetSynced() error {
	err := db.update(func(tx *bolt.Tx) error {
		if err := markOverflow(tx); err != nil { // the penalties go without a key each
			return err
		}
		for _, name := range syncedBuckets {
			if err := tx.DeleteBucket(name); err != nil {
				return fmt.Errorf("drop %s: %w", name, err)
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return fmt.Errorf("recreate %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reset synced data in %s: %w", db.path, err)
	}
	return nil
}

// ResetFeed forgets one feed: its cursor at every endpoint, every item it
// delivered (with index entries, aggregates and quarantine). The sync
// engine calls it when an endpoint says the cursor has expired, then
// fetches the feed again from the beginning; deletions missed while the
// cursor was stale are thereby not kept.
//
// A record feed's items are deleted resetBatch at a time, each batch a
// transaction, and the cursors and quarantine go with the last. One
// transaction deleting a feed of a 1M-record cache touched most of the
// file and held every page it changed: `sync --once` after the agency
// forgot every cursor peaked at 1,232 MB (801 MB of it the file's pages);
// in batches of 10,000 at 566 MB, its peak elsewhere, taking 143 s instead
// of 117 s (batches of 2,000: 554 MB, 189 s). A reset interrupted
// between batches keeps the stale cursor, so the endpoint refuses it again
// at the next pass and the reset starts over. Readers meanwhile see the
// feed's items go, as they see them come back while it is fetched again.
func (db *DB) ResetFeed(feed string) error {
	if credit.Kind(feed).Valid() {
		for {
			done, err := db.resetRecordsBatch(feed)
			if err != nil {
				return fmt.Errorf("reset feed %s in %s: %w", feed, db.path, err)
			}
			if done {
				return nil
			}
		}
	}
	err := db.update(func(tx *bolt.Tx) error {
		switch feed {
		case credit.FeedSharing, credit.FeedRepair:
			names := [][]byte{bSharing}
			if feed == credit.FeedRepair {
				names = [][]byte{bRepairs, bOpenRepairs}
				if err := markOverflow(tx); err != nil { // the repairs go without a key each
					return err
				}
			}
			for _, name := range names {
				if err := tx.DeleteBucket(name); err != nil {
					return err
				}
				if _, err := tx.CreateBucket(name); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("unknown feed %q", feed)
		}
		return forgetFeed(tx, feed)
	})
	if err != nil {
		return fmt.Errorf("reset feed %s in %s: %w", feed, db.path, err)
	}
	return nil
}

// resetBatch is how many records ResetFeed deletes per transaction.
var resetBatch = 10000

// resetRecordsBatch deletes up to resetBatch records of the record feed
// feed, in one transaction, and when none are left forgets the feed's
// cursors and quarantine in it too; done says it did.
func (db *DB) resetRecordsBatch(feed string) (done bool, err error) {
	prefix := []byte(feed + "/")
	err = db.update(func(tx *bolt.Tx) error {
		w := pageWriter{tx: tx, stats: map[string]*credit.DeptStats{}, deferDocNo: docNoDeferred(tx)}
		var keys [][]byte
		c := tx.Bucket(bRecords).Cursor()
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix) && len(keys) < resetBatch; k, _ = c.Next() {
			keys = append(keys, append([]byte(nil), k...))
		}
		for _, k := range keys {
			if err := w.applyRecord(&credit.Change{Op: credit.OpDelete, Key: string(k)}); err != nil {
				return err
			}
		}
		if err := w.flushStats(); err != nil {
			return err
		}
		if done = len(keys) < resetBatch; !done {
			return nil // more to delete: the cursors stay until the last batch
		}
		return forgetFeed(tx, feed)
	})
	return done && err == nil, err
}

// forgetFeed deletes feed's cursor at every endpoint and its quarantined
// items.
func forgetFeed(tx *bolt.Tx, feed string) error {
	if err := deleteWhere(tx.Bucket(bCursors), func(k []byte) bool { return strings.HasSuffix(string(k), "\x00"+feed) }); err != nil {
		return err
	}
	return deleteWhere(tx.Bucket(bQuarantine), func(k []byte) bool { return strings.Contains(string(k), "\x00"+feed+"\x00") })
}

func deleteWhere(b *bolt.Bucket, match func(k []byte) bool) error {
	var keys [][]byte
	_ = b.ForEach(func(k, _ []byte) error {
		if match(k) {
			keys = append(keys, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
