package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
)

// Scoped is the cache as one officer may use it: reads are limited to the
// scope's departments, and actions are refused when the scope is read-only
// or the record is outside it, and stamped with the scope's officer. Every
// view and command that serves an officer goes through it, so the rules are
// enforced here, not only hidden in the UI.
type Scoped struct {
	db    *DB
	scope credit.Scope
}

// Scoped returns db as seen by scope.
func (db *DB) Scoped(scope credit.Scope) *Scoped { return &Scoped{db: db, scope: scope} }

// Scope returns the scope in force.
func (s *Scoped) Scope() credit.Scope { return s.scope }

// Snapshot reads what the views show, limited to the scope: the
// quarantine and outbox counts too count only what the scope may open.
func (s *Scoped) Snapshot() (*credit.Snapshot, error) {
	snap, err := s.db.Snapshot()
	if err != nil {
		return nil, err
	}
	return s.filter(snap)
}

// filter limits a snapshot to the scope, counts included.
func (s *Scoped) filter(snap *credit.Snapshot) (*credit.Snapshot, error) {
	if s.scope.All() {
		return snap, nil
	}
	out := s.scope.FilterSnapshot(snap)
	q, err := s.Quarantine()
	if err != nil {
		return nil, err
	}
	ob, err := s.Outbox()
	if err != nil {
		return nil, err
	}
	out.Quarantine, out.OutboxPending, out.OutboxFailed = len(q), 0, 0
	for _, it := range ob {
		switch it.State {
		case credit.OutboxPending:
			out.OutboxPending++
		case credit.OutboxFailed:
			out.OutboxFailed++
		}
	}
	return out, nil
}

// SnapshotSince is Snapshot for a reader that holds prev, an earlier
// Snapshot through the same scope: with every department in scope it
// patches prev's penalties and repairs (DB.SnapshotSince); a narrower
// scope's lists are filtered copies, so it reads them again.
func (s *Scoped) SnapshotSince(prev *credit.Snapshot) (*credit.Snapshot, error) {
	if !s.scope.All() {
		return s.Snapshot()
	}
	snap, _, err := s.db.SnapshotSince(prev)
	return snap, err
}

// Overview reads the overview (DB.Overview), limited to the scope.
func (s *Scoped) Overview() (*credit.Snapshot, error) {
	snap, err := s.db.Overview()
	if err != nil {
		return nil, err
	}
	return s.filter(snap)
}

// CheckData gathers the daily check's data, limited to the scope.
func (s *Scoped) CheckData(since time.Time) (*credit.CheckData, error) {
	d, err := s.db.CheckData(since)
	if err != nil {
		return nil, err
	}
	return s.scope.FilterCheckData(d), nil
}

// CheckDataLean is CheckData read as DB.CheckDataLean reads it.
func (s *Scoped) CheckDataLean(since time.Time) (*credit.CheckData, error) {
	d, err := s.db.CheckDataLean(since)
	if err != nil {
		return nil, err
	}
	return s.scope.FilterCheckData(d), nil
}

// Records returns the records with the given keys that the scope covers.
func (s *Scoped) Records(keys []string) ([]credit.Record, error) {
	recs, err := s.db.Records(keys)
	if err != nil {
		return nil, err
	}
	out := recs[:0]
	for _, r := range recs {
		if s.scope.Allows(r.Dept) {
			out = append(out, r)
		}
	}
	return out, nil
}

// DeptRecords returns a department's records if the scope covers it.
func (s *Scoped) DeptRecords(dept string, kind credit.Kind) ([]credit.Record, error) {
	if !s.scope.Allows(dept) {
		return nil, fmt.Errorf("department %s: %w", dept, credit.ErrOutOfScope)
	}
	return s.db.DeptRecords(dept, kind)
}

// RecordAction stores an action if the scope may take it, as the scope's
// officer. A sign-off may only cover departments in the scope.
func (s *Scoped) RecordAction(a credit.Action) (credit.OutboxItem, error) {
	if s.scope.ReadOnly {
		return credit.OutboxItem{}, fmt.Errorf("%s: %w", a.Type, credit.ErrReadOnly)
	}
	if s.scope.Officer != "" {
		a.Officer = s.scope.Officer
	}
	if a.RecordKey != "" {
		recs, err := s.db.Records([]string{a.RecordKey})
		if err != nil {
			return credit.OutboxItem{}, err
		}
		if len(recs) == 0 {
			return credit.OutboxItem{}, fmt.Errorf("%s: no record %s in the cache", a.Type, a.RecordKey)
		}
		if !s.scope.Allows(recs[0].Dept) {
			return credit.OutboxItem{}, fmt.Errorf("%s %s: %w", a.Type, a.RecordKey, credit.ErrOutOfScope)
		}
	}
	for _, d := range a.Depts {
		if !s.scope.Allows(d) {
			return credit.OutboxItem{}, fmt.Errorf("%s for department %s: %w", a.Type, d, credit.ErrOutOfScope)
		}
	}
	if a.Type == credit.ActionSignoff && len(a.Depts) == 0 && !s.scope.All() {
		a.Depts = s.scope.Depts
	}
	return s.db.RecordAction(a)
}

// Quarantine returns the quarantined items the scope may see: with every
// department, all of them; otherwise those whose raw copy names one of
// the scope's departments ("dept"). An item that names none (it failed
// decoding, or its copy was cut short) concerns the installation and is
// left to views of every department.
func (s *Scoped) Quarantine() ([]credit.Quarantined, error) {
	q, err := s.db.Quarantine()
	if err != nil || s.scope.All() {
		return q, err
	}
	return slices.DeleteFunc(q, func(it credit.Quarantined) bool {
		var v struct {
			Dept string `json:"dept"`
		}
		return json.Unmarshal([]byte(it.Raw), &v) != nil || v.Dept == "" || !s.scope.Allows(v.Dept)
	}), nil
}

// Outbox returns the actions the scope may see, newest first: with every
// department, all of them; otherwise those whose record is in the scope
// and the sign-offs of the scope's departments only.
func (s *Scoped) Outbox() ([]credit.OutboxItem, error) {
	ob, err := s.db.Outbox()
	if err != nil || s.scope.All() {
		return ob, err
	}
	var keys []string
	for _, it := range ob {
		if it.Action.RecordKey != "" {
			keys = append(keys, it.Action.RecordKey)
		}
	}
	recs, err := s.db.Records(keys)
	if err != nil {
		return nil, err
	}
	dept := make(map[string]string, len(recs))
	for _, r := range recs {
		dept[credit.RecordKey(r.Kind, r.ID)] = r.Dept
	}
	return slices.DeleteFunc(ob, func(it credit.OutboxItem) bool {
		if it.Action.RecordKey != "" {
			d, ok := dept[it.Action.RecordKey]
			return !ok || !s.scope.Allows(d)
		}
		return !s.allowsAll(it.Action.Depts)
	}), nil
}

// allowsAll reports whether depts is not empty and the scope covers each.
func (s *Scoped) allowsAll(depts []string) bool {
	if len(depts) == 0 {
		return s.scope.All()
	}
	for _, d := range depts {
		if !s.scope.Allows(d) {
			return false
		}
	}
	return true
}

// EventVisible reports whether an event of the log may be shown through
// the scope. The sync engine's progress (pages, passes, errors) concerns
// the installation and is shown to all; an officer's action only where
// the scope covers every department it concerns; the SSH audit trail
// (ssh-*, written here by credwatch versions before the separate audit
// store) never: it is read with `credwatch audit`. Other events only
// through a scope of every department.
func (s *Scoped) EventVisible(ev credit.Event) bool {
	switch ev.Type {
	case credit.EventPage, credit.EventDone, credit.EventError, credit.EventResync:
		return true
	case credit.EventAction, credit.EventActionSent, credit.EventActionFailed:
		return s.allowsAll(ev.Depts)
	}
	return s.scope.All() && !strings.HasPrefix(string(ev.Type), "ssh-")
}

// RetryAction retries a failed action, unless the scope is read-only.
func (s *Scoped) RetryAction(seq uint64) error {
	if s.scope.ReadOnly {
		return fmt.Errorf("retry: %w", credit.ErrReadOnly)
	}
	return s.db.RetryAction(seq)
}

// Signoffs returns the daily-check sign-offs.
func (s *Scoped) Signoffs() (map[credit.Date]credit.Signoff, error) { return s.db.Signoffs() }

// InUseSince is DB.InUseSince: the cache's, whatever the scope.
func (s *Scoped) InUseSince() (credit.Date, error) { return s.db.InUseSince() }
