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
	rm    *ReadModel // Through; nil: every read is the reader's own
}

// Scoped returns db as seen by scope.
func (db *DB) Scoped(scope credit.Scope) *Scoped { return &Scoped{db: db, scope: scope} }

// Through returns s reading the penalties, repairs and check data through
// m, shared with the other readers of m, limited to the scope here as
// Snapshot and CheckData limit them: what the reader gets is what it got
// without m, but shared, so it must not modify it (see ReadModel).
func (s *Scoped) Through(m *ReadModel) *Scoped {
	c := *s
	c.rm = m
	return &c
}

// Scope returns the scope in force.
func (s *Scoped) Scope() credit.Scope { return s.scope }

// Snapshot reads what the views show, limited to the scope: the
// quarantine and outbox counts too count only what the scope may open.
func (s *Scoped) Snapshot() (*credit.Snapshot, error) {
	if s.rm != nil {
		return s.sharedSnapshot()
	}
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

// sharedSnapshot is Snapshot through the read model: the overview is
// read now, the penalties and repairs are the model's of the same
// generation (or of a newer one, with its overview), limited to the scope
// by scopeLists once per generation and scope, and the counts by filter.
func (s *Scoped) sharedSnapshot() (*credit.Snapshot, error) {
	ov, err := s.rm.overview()
	if err != nil {
		return nil, err
	}
	full, err := s.rm.full(ov)
	if err != nil {
		return nil, err
	}
	if full.Cache != ov.Cache || full.Generation != ov.Generation {
		ov = overviewOf(full) // newer than ov: its own overview goes with its lists
	}
	pens, reps := full.Penalties, full.Repairs
	if !s.scope.All() {
		pens, reps = s.rm.listsFor(full, s.scope, s.scopeLists)
	}
	out, err := s.filter(ov)
	if err != nil {
		return nil, err
	}
	if out == ov {
		c := *ov
		out = &c
	}
	out.Penalties, out.Repairs = pens, reps
	return out, nil
}

// scopeLists returns the penalties and repairs of snap that the scope may
// see: those FilterSnapshot keeps (all of them, shared, with every
// department).
func (s *Scoped) scopeLists(snap *credit.Snapshot) (credit.Penalties, credit.Repairs) {
	f := s.scope.FilterSnapshot(&credit.Snapshot{Penalties: snap.Penalties, Repairs: snap.Repairs})
	return f.Penalties, f.Repairs
}

// SnapshotSince is Snapshot for a reader that holds prev, an earlier
// Snapshot through the same scope: with every department in scope it
// patches prev's penalties and repairs (DB.SnapshotSince); a narrower
// scope's lists are filtered copies, so it reads them again. Through a
// read model it is Snapshot: the model patches its own last read.
func (s *Scoped) SnapshotSince(prev *credit.Snapshot) (*credit.Snapshot, error) {
	if s.rm != nil {
		return s.sharedSnapshot()
	}
	if !s.scope.All() {
		return s.Snapshot()
	}
	snap, _, err := s.db.SnapshotSince(prev)
	return snap, err
}

// Overview reads the overview (DB.Overview), limited to the scope;
// through a read model, once per state of the cache for every reader.
func (s *Scoped) Overview() (*credit.Snapshot, error) {
	read := s.db.Overview
	if s.rm != nil {
		read = s.rm.overview
	}
	snap, err := read()
	if err != nil {
		return nil, err
	}
	return s.filter(snap)
}

// CheckDataFailing is CheckData (CheckDataLean when lean) with its
// repairs cut to those the daily check on today fails on
// (rules.KeepFailing), as LoadScreen keeps it. Through a read model it is
// read once per generation, day and rules for every reader, and shared:
// the CheckData is the caller's, its slices and maps are not.
func (s *Scoped) CheckDataFailing(since time.Time, lean bool, rules *credit.Rules, today credit.Date) (*credit.CheckData, error) {
	if s.rm == nil {
		every := checkReleaseEvery
		if lean {
			every = leanReleaseEvery
		}
		d, err := s.db.checkData(since, every, rules, today)
		if err != nil {
			return nil, err
		}
		return s.scope.FilterCheckData(d), nil
	}
	d, err := s.rm.checkFailing(since, lean, rules, today)
	if err != nil {
		return nil, err
	}
	if !s.scope.All() {
		d = s.rm.checkFor(d, s.scope, s.scope.FilterCheckData)
	}
	c := *d
	return &c, nil
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
