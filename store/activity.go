package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// EventsSince returns the events of the log stamped at or after since,
// newest first in the log's order, at most limit of them (the TUI's
// activity log). It walks the log back from its newest event. The log is
// in the order the events were written, which is their time order but
// for the clocks of different processes and for the few events stamped
// with another clock (an action recorded under a pinned --today): an
// older event is skipped, and the walk stops after olderRun of them in a
// row.
func (db *DB) EventsSince(since time.Time, limit int) ([]credit.Event, error) {
	return db.eventsSince(since, limit, nil)
}

// olderRun is how many events older than since in a row end EventsSince.
const olderRun = 100

func (db *DB) eventsSince(since time.Time, limit int, keep func(credit.Event) bool) ([]credit.Event, error) {
	var out []credit.Event
	err := db.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bEvents).Cursor()
		older := 0
		for k, v := c.Last(); k != nil && len(out) < limit && older < olderRun; k, v = c.Prev() {
			var ev credit.Event
			if err := json.Unmarshal(v, &ev); err != nil {
				return fmt.Errorf("decode event %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if ev.At.Before(since) {
				older++
				continue
			}
			older = 0
			if keep == nil || keep(ev) {
				out = append(out, ev)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", db.path, err)
	}
	return out, nil
}

// EventsSince is DB.EventsSince limited to the events the scope may show
// (EventVisible).
func (s *Scoped) EventsSince(since time.Time, limit int) ([]credit.Event, error) {
	return s.db.eventsSince(since, limit, s.EventVisible)
}
