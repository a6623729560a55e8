package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// Digest returns, per bucket of synced content (records, the department
// index, the sharing list, repairs, cursors and quarantine), a SHA-256 over
// its keys and values in order. Two caches that synced the same data hold
// the same digests, however often their syncs were interrupted. Bucket
// contents that record when things happened locally (endpoint statuses,
// department aggregates' timestamps) are not included.
func (db *DB) Digest() (map[string]string, error) {
	out := map[string]string{}
	err := db.view(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bRecords, bByDept, bSharing, bRepairs, bCursors, bQuarantine} {
			h := sha256.New()
			err := tx.Bucket(name).ForEach(func(k, v []byte) error {
				if string(name) == string(bRecords) {
					var err error
					if v, err = syncedPart(v); err != nil {
						return fmt.Errorf("record %s: %w", k, err)
					}
				}
				fmt.Fprintf(h, "%d:%s=%d:%s;", len(k), k, len(v), v)
				return nil
			})
			if err != nil {
				return err
			}
			out[string(name)] = hex.EncodeToString(h.Sum(nil))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("digest %s: %w", db.path, err)
	}
	return out, nil
}

// syncedPart is a record value without what this cache added (the time of
// first arrival and the quality issues found that day).
func syncedPart(v []byte) ([]byte, error) {
	var r credit.Record
	var m recMeta
	if err := decodeRecord(v, &r, &m, nil); err != nil {
		return nil, err
	}
	m.Received, m.Issues = 0, nil
	return appendRecord(nil, &r, &m), nil
}
