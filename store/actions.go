package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// ErrUnknownAction is returned for an outbox sequence number not in the cache.
var ErrUnknownAction = errors.New("no such action in the outbox")

// RecordAction stores an officer's action durably, in one transaction: the
// outbox item (pending), its link to the record it concerns, the sign-off
// for ActionSignoff, and an event in the log. Only when it returns nil may a
// view say the action was done. Sync never deletes any of this.
func (db *DB) RecordAction(a credit.Action) (credit.OutboxItem, error) {
	var it credit.OutboxItem
	if a.ID == "" || a.Type == "" {
		return it, fmt.Errorf("record action: id and type are required")
	}
	a.Officer, a.Note, a.Receipt, a.Website = credit.Sanitize(a.Officer), credit.Sanitize(a.Note), credit.Sanitize(a.Receipt), credit.Sanitize(a.Website)
	err := db.update(func(tx *bolt.Tx) error {
		ob := tx.Bucket(bOutbox)
		seq, err := ob.NextSequence()
		if err != nil {
			return err
		}
		it = credit.OutboxItem{Seq: seq, Action: a, State: credit.OutboxPending, NextTry: a.At}
		if err := putJSON(ob, u64(seq), it); err != nil {
			return err
		}
		if a.RecordKey != "" {
			if err := tx.Bucket(bActsByRec).Put(append([]byte(a.RecordKey+"\x00"), u64(seq)...), nil); err != nil {
				return err
			}
			// Snapshots show the repair with the action applied.
			if err := logRepairChange(tx, []byte(a.RecordKey)); err != nil {
				return fmt.Errorf("change log: %w", err)
			}
		}
		if a.Type == credit.ActionSignoff {
			s := credit.Signoff{Date: a.Date, Officer: a.Officer, Depts: a.Depts, Note: a.Note, At: a.At, ActionID: a.ID, Failed: a.Failed}
			if err := putJSON(tx.Bucket(bSignoffs), []byte(a.Date.String()), s); err != nil {
				return err
			}
		}
		msg := string(a.Type)
		if a.RecordKey != "" {
			msg += " " + a.RecordKey
		}
		return appendEvent(tx, &credit.Event{At: a.At, Type: credit.EventAction, Actor: a.Officer, Message: msg, Depts: actionDepts(tx, a)}, db.maxEvents())
	})
	if err != nil {
		return it, fmt.Errorf("record %s action: %w", a.Type, err)
	}
	return it, nil
}

// Outbox returns every outbox item, newest first.
func (db *DB) Outbox() ([]credit.OutboxItem, error) {
	var out []credit.OutboxItem
	err := db.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bOutbox).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var it credit.OutboxItem
			if err := json.Unmarshal(v, &it); err != nil {
				return fmt.Errorf("decode outbox item: %w", err)
			}
			out = append(out, it)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read outbox of %s: %w", db.path, err)
	}
	return out, nil
}

// DueActions returns pending items whose next try is not after now, oldest
// first: what the sync engine sends next.
func (db *DB) DueActions(now time.Time) ([]credit.OutboxItem, error) {
	all, err := db.Outbox()
	if err != nil {
		return nil, err
	}
	var due []credit.OutboxItem
	for i := len(all) - 1; i >= 0; i-- {
		if it := all[i]; it.State == credit.OutboxPending && !it.NextTry.After(now) {
			due = append(due, it)
		}
	}
	return due, nil
}

// UpdateOutbox replaces the delivery state of item it.Seq (state, attempts,
// last error, next try, sent time and the agency's receipt; the action
// itself is never changed) and logs sends and failures.
func (db *DB) UpdateOutbox(it credit.OutboxItem) error {
	err := db.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bOutbox)
		v := b.Get(u64(it.Seq))
		if v == nil {
			return ErrUnknownAction
		}
		var cur credit.OutboxItem
		if err := json.Unmarshal(v, &cur); err != nil {
			return err
		}
		cur.State, cur.Attempts, cur.LastError, cur.NextTry, cur.SentAt = it.State, it.Attempts, credit.Sanitize(it.LastError), it.NextTry, it.SentAt
		cur.RemoteID, cur.ReceivedAt = credit.Sanitize(it.RemoteID), it.ReceivedAt
		if err := putJSON(b, u64(it.Seq), cur); err != nil {
			return err
		}
		ev := credit.Event{At: time.Now(), Actor: cur.Action.Officer, Message: string(cur.Action.Type) + " " + cur.Action.RecordKey, Depts: actionDepts(tx, cur.Action)}
		switch cur.State {
		case credit.OutboxSent:
			ev.Type, ev.At = credit.EventActionSent, cur.SentAt
		case credit.OutboxFailed:
			ev.Type, ev.Err = credit.EventActionFailed, cur.LastError
		default:
			return nil
		}
		return appendEvent(tx, &ev, db.maxEvents())
	})
	if err != nil {
		return fmt.Errorf("update outbox item %d: %w", it.Seq, err)
	}
	return nil
}

// RetryAction puts a failed (or pending) item back in line for an
// immediate send.
func (db *DB) RetryAction(seq uint64) error {
	err := db.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bOutbox)
		v := b.Get(u64(seq))
		if v == nil {
			return ErrUnknownAction
		}
		var it credit.OutboxItem
		if err := json.Unmarshal(v, &it); err != nil {
			return err
		}
		if it.State == credit.OutboxSent {
			return fmt.Errorf("action %d was already sent", seq)
		}
		it.State, it.NextTry = credit.OutboxPending, time.Time{}
		return putJSON(b, u64(seq), it)
	})
	if err != nil {
		return fmt.Errorf("retry action %d: %w", seq, err)
	}
	return nil
}

// InUseSince returns the day the cache came into use (created, or first
// opened for writing by a credwatch that records it); zero if it has not
// been recorded yet.
func (db *DB) InUseSince() (credit.Date, error) {
	var d credit.Date
	err := db.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bMeta).Get(keyInUseSince)
		if v == nil {
			return nil
		}
		var err error
		d, err = credit.ParseDate(string(v))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("read when %s came into use: %w", db.path, err)
	}
	return d, nil
}

// Signoffs returns the daily-check sign-offs by day.
func (db *DB) Signoffs() (map[credit.Date]credit.Signoff, error) {
	out := map[credit.Date]credit.Signoff{}
	err := db.view(func(tx *bolt.Tx) error {
		return eachJSON(tx.Bucket(bSignoffs), nil, func(s *credit.Signoff) { out[s.Date] = *s })
	})
	if err != nil {
		return nil, fmt.Errorf("read sign-offs of %s: %w", db.path, err)
	}
	return out, nil
}

// actionsOf returns the actions on the record of key, in the order they
// were recorded (as actionsByRecord lists them).
func actionsOf(tx *bolt.Tx, key []byte) ([]credit.Action, error) {
	var out []credit.Action
	ob := tx.Bucket(bOutbox)
	prefix := append(bytes.Clone(key), 0)
	c := tx.Bucket(bActsByRec).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) != len(prefix)+8 {
			continue // a longer key that shares the prefix
		}
		v := ob.Get(k[len(prefix):])
		if v == nil {
			continue
		}
		var it credit.OutboxItem
		if err := json.Unmarshal(v, &it); err != nil {
			return nil, fmt.Errorf("decode outbox item: %w", err)
		}
		out = append(out, it.Action)
	}
	return out, nil
}

// actionsByRecord reads every action linked to a record, by record key.
func actionsByRecord(tx *bolt.Tx) (map[string][]credit.Action, error) {
	out := map[string][]credit.Action{}
	ob := tx.Bucket(bOutbox)
	err := tx.Bucket(bActsByRec).ForEach(func(k, _ []byte) error {
		if len(k) < 9 {
			return nil
		}
		rec, seq := string(k[:len(k)-9]), k[len(k)-8:]
		v := ob.Get(seq)
		if v == nil {
			return nil
		}
		var it credit.OutboxItem
		if err := json.Unmarshal(v, &it); err != nil {
			return fmt.Errorf("decode outbox item: %w", err)
		}
		out[rec] = append(out[rec], it.Action)
		return nil
	})
	return out, err
}

// outboxCounts counts pending and failed items.
func outboxCounts(tx *bolt.Tx) (pending, failed int, err error) {
	err = eachJSON(tx.Bucket(bOutbox), nil, func(it *credit.OutboxItem) {
		switch it.State {
		case credit.OutboxPending:
			pending++
		case credit.OutboxFailed:
			failed++
		}
	})
	return
}

// actionDepts are the departments an action concerns: its record's, or
// the sign-off's. A record no longer cached gives none (the event is then
// shown only to views of every department).
func actionDepts(tx *bolt.Tx, a credit.Action) []string {
	if a.RecordKey == "" {
		return a.Depts
	}
	v := tx.Bucket(bRecords).Get([]byte(a.RecordKey))
	if v == nil {
		return nil
	}
	var r credit.Record
	if decodeRecord(v, &r, nil, nil) != nil || r.Dept == "" {
		return nil
	}
	return []string{r.Dept}
}
