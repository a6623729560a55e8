package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// DefaultMaxEvents is how many events the log keeps unless Options say
// otherwise; older ones are dropped.
const DefaultMaxEvents = 20000

// appendEvent writes ev at the next sequence number inside tx and trims the
// log to keep events.
func appendEvent(tx *bolt.Tx, ev *credit.Event, keep uint64) error {
	b := tx.Bucket(bEvents)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	ev.Seq = seq
	ev.Endpoint, ev.Err, ev.Message, ev.Actor = credit.Sanitize(ev.Endpoint), credit.Sanitize(ev.Err), credit.Sanitize(ev.Message), credit.Sanitize(ev.Actor)
	if err := putJSON(b, u64(seq), ev); err != nil {
		return err
	}
	if seq > keep {
		c := b.Cursor()
		for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) <= seq-keep; k, _ = c.First() {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// AppendEvent adds ev to the event log, assigning its Seq.
func (db *DB) AppendEvent(ev credit.Event) error {
	if err := db.updateStatus(func(tx *bolt.Tx) error { return appendEvent(tx, &ev, db.maxEvents()) }); err != nil {
		return fmt.Errorf("append %s event: %w", ev.Type, err)
	}
	return nil
}

func (db *DB) maxEvents() uint64 {
	if db.opts.MaxEvents > 0 {
		return uint64(db.opts.MaxEvents)
	}
	return DefaultMaxEvents
}

// EventsAfter returns up to limit events with Seq > after, oldest first.
func (db *DB) EventsAfter(after uint64, limit int) ([]credit.Event, error) {
	var out []credit.Event
	err := db.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bEvents).Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			var ev credit.Event
			if err := json.Unmarshal(v, &ev); err != nil {
				return fmt.Errorf("decode event %d: %w", binary.BigEndian.Uint64(k), err)
			}
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", db.path, err)
	}
	return out, nil
}

// LastEvents returns the newest n events, oldest first.
func (db *DB) LastEvents(n int) ([]credit.Event, error) {
	var out []credit.Event
	err := db.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bEvents).Cursor()
		for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
			var ev credit.Event
			if err := json.Unmarshal(v, &ev); err != nil {
				return fmt.Errorf("decode event %d: %w", binary.BigEndian.Uint64(k), err)
			}
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", db.path, err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Follow sends every event after seq on the returned channel as other
// processes (or this one) append them, polling every interval, until ctx is
// done. A read error is retried at the next poll; the channel is closed when
// ctx ends.
func (db *DB) Follow(ctx context.Context, after uint64, interval time.Duration) <-chan credit.Event {
	ch := make(chan credit.Event, 64)
	go func() {
		defer close(ch)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			evs, err := db.EventsAfter(after, 500)
			if err == nil {
				for _, ev := range evs {
					select {
					case ch <- ev:
						after = ev.Seq
					case <-ctx.Done():
						return
					}
				}
				if len(evs) == 500 {
					continue
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return ch
}

// LastSeq returns the sequence number of the newest event (0 if none).
func (db *DB) LastSeq() (uint64, error) {
	var seq uint64
	err := db.view(func(tx *bolt.Tx) error {
		seq = tx.Bucket(bEvents).Sequence()
		return nil
	})
	return seq, err
}
