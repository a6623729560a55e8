package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Cursors returns the stored cursors of endpoint's feeds, in their order
// ("" for a feed not walked yet), read in one transaction: Cursor opens
// the file once per call when the cache is not held Exclusive, and a sync
// pass reads every feed's cursor before its first request.
func (db *DB) Cursors(endpoint string, feeds []string) ([]string, error) {
	out := make([]string, len(feeds))
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bCursors)
		for i, feed := range feeds {
			out[i] = string(b.Get(cursorKey(endpoint, feed)))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read cursors of %s: %w", endpoint, err)
	}
	return out, nil
}
