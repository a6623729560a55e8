package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// Snapshot reads, in one read transaction, everything the views show: the
// sharing list, endpoint statuses, department aggregates, every penalty with
// its repair status, the quarantine size and record counts per kind. Values
// are decoded inside the transaction; the result shares no memory with bbolt.
func (db *DB) Snapshot() (*credit.Snapshot, error) {
	s := &credit.Snapshot{Repairs: map[string]credit.Repair{}, Counts: map[credit.Kind]int{}, TakenAt: time.Now()}
	err := db.view(func(tx *bolt.Tx) error {
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
		if err := eachJSON(tx.Bucket(bRecords), []byte(string(credit.Penalty)+"/"), func(r *credit.Record) { s.Penalties = append(s.Penalties, *r) }); err != nil {
			return fmt.Errorf("penalties: %w", err)
		}
		if err := eachJSON(tx.Bucket(bRepairs), nil, func(r *credit.Repair) { s.Repairs[r.RecordKey] = *r }); err != nil {
			return fmt.Errorf("repairs: %w", err)
		}
		s.Quarantine = tx.Bucket(bQuarantine).Stats().KeyN
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read snapshot of %s: %w", db.path, err)
	}
	return s, nil
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
		return json.Unmarshal(v, &r)
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
