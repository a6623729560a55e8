package store

import (
	"fmt"
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

// Snapshot reads what the views show, limited to the scope.
func (s *Scoped) Snapshot() (*credit.Snapshot, error) {
	snap, err := s.db.Snapshot()
	if err != nil {
		return nil, err
	}
	return s.scope.FilterSnapshot(snap), nil
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
	return s.scope.FilterSnapshot(snap), nil
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

// Quarantine returns the quarantined items (they concern the installation:
// an item that failed validation may not even name a department).
func (s *Scoped) Quarantine() ([]credit.Quarantined, error) { return s.db.Quarantine() }

// Outbox returns the outbox (it concerns the installation, not a scope).
func (s *Scoped) Outbox() ([]credit.OutboxItem, error) { return s.db.Outbox() }

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
