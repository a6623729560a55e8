package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// Snapshot reads, in one read transaction, everything the views show: the
// overview (see Overview) plus every penalty's summary with its repair
// status. Values
// are decoded inside the transaction; the result shares no memory with bbolt.
func (db *DB) Snapshot() (*credit.Snapshot, error) {
	s, _, err := db.SnapshotSince(nil)
	return s, err
}

// SnapshotSince is Snapshot for a reader that holds prev, an earlier
// Snapshot: when prev was read from this cache (Snapshot.Cache) and the
// change log (changes.go) covers every data generation since prev's, the
// penalties are prev's with only the summaries written since read and
// patched in (patched is then true), and the repairs likewise (when every
// one of those generations logged its repairs); the result shares prev's
// memory. Otherwise, and when prev is nil, it reads them all. Either way
// the result is what Snapshot would return.
func (db *DB) SnapshotSince(prev *credit.Snapshot) (s *credit.Snapshot, patched bool, err error) {
	s, patched, _, err = db.snapshotSince(prev)
	return s, patched, err
}

// snapshotSince is SnapshotSince, saying also whether the repairs were
// patched.
func (db *DB) snapshotSince(prev *credit.Snapshot) (s *credit.Snapshot, patched, repsPatched bool, err error) {
	s = newSnapshot()
	err = db.view(func(tx *bolt.Tx) error {
		if err := readOverview(tx, s); err != nil {
			return err
		}
		if prev != nil && prev.Cache != "" && prev.Cache == s.Cache {
			pens, reps, repsOK, ok := changedKeys(tx, prev.Generation, s.Generation)
			if ok {
				p, ok, err := patchPenalties(tx, prev, pens)
				if err != nil {
					return fmt.Errorf("penalties changed since generation %d: %w", prev.Generation, err)
				}
				s.Penalties, patched = p, ok
			}
			if ok && repsOK {
				r, err := patchRepairs(tx, prev, reps)
				if err != nil {
					return fmt.Errorf("repairs changed since generation %d: %w", prev.Generation, err)
				}
				s.Repairs, repsPatched = r, true
			}
		}
		if !patched {
			// Sized up front: growing a list of 300k summaries copies
			// it about twenty times.
			var pens credit.PenaltiesBuilder
			pens.Grow(s.Counts[credit.Penalty])
			if err := eachSummary(tx, pens.Add); err != nil {
				return fmt.Errorf("penalties: %w", err)
			}
			s.Penalties = pens.Done()
		}
		if !repsPatched {
			reps, err := readRepairs(tx)
			if err != nil {
				return err
			}
			s.Repairs = reps
		}
		return nil
	})
	if err != nil {
		return nil, false, false, fmt.Errorf("read snapshot of %s: %w", db.path, err)
	}
	return s, patched, repsPatched, nil
}

// patchPenalties returns prev's penalties with the summaries of keys (the
// change log's since prev's generation) read again, or ok false when the
// patched list would carry too much dead text.
func patchPenalties(tx *bolt.Tx, prev *credit.Snapshot, keys [][]byte) (credit.Penalties, bool, error) {
	var upserts []credit.PenaltySummary
	var deletes []string
	in := interner{}
	b := tx.Bucket(bPenalties)
	for _, k := range keys {
		v := b.Get(k)
		if v == nil {
			deletes = append(deletes, strings.TrimPrefix(string(k), string(credit.Penalty)+"/"))
			continue
		}
		var p credit.PenaltySummary
		if err := decodeSummary(k, v, &p, in); err != nil {
			return credit.Penalties{}, false, fmt.Errorf("decode %s: %w", k, err)
		}
		upserts = append(upserts, p)
	}
	q, ok := prev.Penalties.Patch(upserts, deletes)
	return q, ok, nil
}

// patchRepairs returns prev's repairs with those of the records of keys
// (the change log's since prev's generation) read again, with officers'
// actions applied as readRepairs applies them.
func patchRepairs(tx *bolt.Tx, prev *credit.Snapshot, keys [][]byte) (credit.Repairs, error) {
	var upserts []credit.Repair
	var deletes []string
	for _, k := range keys {
		rep, found, err := getRepair(tx, k)
		if err != nil {
			return credit.Repairs{}, err
		}
		acts, err := actionsOf(tx, k)
		if err != nil {
			return credit.Repairs{}, fmt.Errorf("officer actions on %s: %w", k, err)
		}
		if !found && len(acts) == 0 {
			deletes = append(deletes, string(k))
			continue
		}
		if !found {
			rep = credit.Repair{RecordKey: string(k)}
		}
		credit.ApplyActions(&rep, acts)
		upserts = append(upserts, rep)
	}
	return prev.Repairs.Patch(upserts, deletes), nil
}

// Overview is Snapshot without the penalties and repairs: the sharing list,
// endpoint statuses, department aggregates, the quarantine size, record
// counts per kind and the outbox counts. It decodes no record, so it costs
// the same at any cache size; `credwatch status` and the TUI's first frame
// read it.
func (db *DB) Overview() (*credit.Snapshot, error) {
	s := newSnapshot()
	if err := db.view(func(tx *bolt.Tx) error { return readOverview(tx, s) }); err != nil {
		return nil, fmt.Errorf("read overview of %s: %w", db.path, err)
	}
	return s, nil
}

func newSnapshot() *credit.Snapshot {
	return &credit.Snapshot{Counts: map[credit.Kind]int{}, TakenAt: time.Now()}
}

func readOverview(tx *bolt.Tx, s *credit.Snapshot) error {
	s.Generation = getU64(tx.Bucket(bMeta).Get(keyDataGeneration))
	s.Cache = string(tx.Bucket(bMeta).Get(keyCacheID))
	if err := eachJSON(tx.Bucket(bSharing), nil, func(e *credit.SharingEntry) { s.Sharing = append(s.Sharing, *e) }); err != nil {
		return fmt.Errorf("sharing list: %w", err)
	}
	if err := eachJSON(tx.Bucket(bEndpoints), nil, func(e *credit.EndpointStatus) { s.Endpoints = append(s.Endpoints, *e) }); err != nil {
		return fmt.Errorf("endpoint status: %w", err)
	}
	if err := eachJSON(tx.Bucket(bDeptStats), nil, func(e *credit.DeptStats) {
		s.Depts = append(s.Depts, *e)
		for k, n := range e.Records {
			s.Counts[k] += n
		}
	}); err != nil {
		return fmt.Errorf("department stats: %w", err)
	}
	s.Quarantine = tx.Bucket(bQuarantine).Stats().KeyN
	var err error
	s.OutboxPending, s.OutboxFailed, err = outboxCounts(tx)
	return err
}

// readRepairs reads every repair with officers' actions applied (see
// credit.ApplyActions), and a repair for each record that has actions but
// none reported, in one pass in key order: the list is made once, at its
// size (at 1M records, 133k repairs: making it and then a copy with the
// actions cost 10 MB more at every reload).
func readRepairs(tx *bolt.Tx) (credit.Repairs, error) {
	acts, err := actionsByRecord(tx)
	if err != nil {
		return credit.Repairs{}, fmt.Errorf("officer actions: %w", err)
	}
	// The records with actions, in key order, merged into the scan.
	keys := slices.Sorted(maps.Keys(acts))
	var b credit.RepairsBuilder
	b.Grow(countKeys(tx, tx.Bucket(bRepairs)) + len(keys))
	next := 0
	// actionsOnly adds a repair for each record with actions and no
	// reported repair, before key.
	actionsOnly := func(key string, all bool) {
		for ; next < len(keys) && (all || keys[next] < key); next++ {
			r := credit.Repair{RecordKey: keys[next]}
			credit.ApplyActions(&r, acts[keys[next]])
			b.Add(&r)
		}
	}
	err = eachRepair(tx, func(r *credit.Repair) {
		actionsOnly(r.RecordKey, false)
		if next < len(keys) && keys[next] == r.RecordKey {
			credit.ApplyActions(r, acts[r.RecordKey])
			next++
		}
		b.Add(r)
	})
	if err != nil {
		return credit.Repairs{}, fmt.Errorf("repairs: %w", err)
	}
	actionsOnly("", true)
	return b.Done(), nil
}

// Records returns the cached records with the given natural keys, in that
// order; keys not in the cache are skipped.
func (db *DB) Records(keys []string) ([]credit.Record, error) {
	out := make([]credit.Record, 0, len(keys))
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bRecords)
		for _, k := range keys {
			v := b.Get([]byte(k))
			if v == nil {
				continue
			}
			var r credit.Record
			if err := decodeRecord(v, &r, nil, nil); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read records from %s: %w", db.path, err)
	}
	return out, nil
}

// DeptRecords returns every cached record of a department and kind, in
// source-id order, through the department index.
func (db *DB) DeptRecords(dept string, kind credit.Kind) ([]credit.Record, error) {
	var out []credit.Record
	err := db.view(func(tx *bolt.Tx) error {
		prefix := []byte(dept + "\x00" + string(kind) + "\x00")
		recs := tx.Bucket(bRecords)
		in := interner{}
		c := tx.Bucket(bByDept).Cursor()
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
			key := credit.RecordKey(kind, string(k[len(prefix):]))
			v := recs.Get([]byte(key))
			if v == nil {
				continue
			}
			var r credit.Record
			if err := decodeRecord(v, &r, nil, in); err != nil {
				return fmt.Errorf("decode %s: %w", key, err)
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s records of %s from %s: %w", kind, dept, db.path, err)
	}
	return out, nil
}

// Record returns the cached record with natural key key.
func (db *DB) Record(key string) (credit.Record, bool, error) {
	var r credit.Record
	found := false
	err := db.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bRecords).Get([]byte(key))
		if v == nil {
			return nil
		}
		found = true
		return decodeRecord(v, &r, nil, nil)
	})
	if err != nil {
		return r, false, fmt.Errorf("read record %s: %w", key, err)
	}
	return r, found, nil
}

// Quarantine returns the quarantined items in key order.
func (db *DB) Quarantine() ([]credit.Quarantined, error) {
	var out []credit.Quarantined
	err := db.view(func(tx *bolt.Tx) error {
		return eachJSON(tx.Bucket(bQuarantine), nil, func(q *credit.Quarantined) { out = append(out, *q) })
	})
	if err != nil {
		return nil, fmt.Errorf("read quarantine: %w", err)
	}
	return out, nil
}

// eachJSON decodes every value under prefix (all values if prefix is nil)
// into a fresh T and passes it to fn. fn must not keep the pointer.
func eachJSON[T any](b *bolt.Bucket, prefix []byte, fn func(*T)) error {
	c := b.Cursor()
	k, v := c.First()
	if prefix != nil {
		k, v = c.Seek(prefix)
	}
	for ; k != nil; k, v = c.Next() {
		if prefix != nil && !hasPrefix(k, prefix) {
			break
		}
		var t T
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("decode %q: %w", k, err)
		}
		fn(&t)
	}
	return nil
}

func hasPrefix(b, p []byte) bool { return len(b) >= len(p) && string(b[:len(p)]) == string(p) }
