package credit

import (
	"errors"
	"slices"
)

// Errors a Scope returns for actions it does not allow.
var (
	ErrReadOnly   = errors.New("read-only: actions are disabled for this officer")
	ErrOutOfScope = errors.New("the record belongs to a department outside this officer's scope")
)

// Scope is what one officer may see and do: their departments (all when
// empty) and whether they may act at all. It is applied in one place, the
// store's scoped view, so every screen, command and SSH session obeys it.
type Scope struct {
	Officer  string   // recorded as the actor of every action
	Depts    []string // departments the officer may see; empty: all
	ReadOnly bool     // no actions at all
}

// Allows reports whether the scope covers dept.
func (s Scope) Allows(dept string) bool { return len(s.Depts) == 0 || slices.Contains(s.Depts, dept) }

// All reports whether the scope covers every department.
func (s Scope) All() bool { return len(s.Depts) == 0 }

// FilterSnapshot returns the part of snap the scope may see. Endpoint
// statuses, the quarantine size and outbox counts concern the installation
// and are kept.
func (s Scope) FilterSnapshot(snap *Snapshot) *Snapshot {
	if s.All() {
		return snap
	}
	out := *snap
	out.Sharing = slices.DeleteFunc(slices.Clone(snap.Sharing), func(e SharingEntry) bool { return !s.Allows(e.Dept) })
	out.Depts = slices.DeleteFunc(slices.Clone(snap.Depts), func(d DeptStats) bool { return !s.Allows(d.Dept) })
	out.Penalties = snap.Penalties.Select(func(r *PenaltySummary) bool { return s.Allows(r.Dept) })
	keep := make(map[string]bool, out.Penalties.Len())
	for i := range out.Penalties.Len() {
		keep[RecordKey(Penalty, out.Penalties.ID(i))] = true
	}
	out.Repairs = snap.Repairs.Select(func(k string) bool { return keep[k] })
	out.Counts = map[Kind]int{}
	for _, d := range out.Depts {
		for k, n := range d.Records {
			out.Counts[k] += n
		}
	}
	return &out
}

// FilterCheckData returns the part of d the scope may see.
func (s Scope) FilterCheckData(d *CheckData) *CheckData {
	if s.All() {
		return d
	}
	out := *d
	out.Received, out.Cached = map[string]map[Kind]int{}, map[string]map[Kind]int{}
	for dept, m := range d.Received {
		if s.Allows(dept) {
			out.Received[dept] = m
		}
	}
	for dept, m := range d.Cached {
		if s.Allows(dept) {
			out.Cached[dept] = m
		}
	}
	out.Sharing = slices.DeleteFunc(slices.Clone(d.Sharing), func(e SharingEntry) bool { return !s.Allows(e.Dept) })
	refs := func(rs []RecordRef) []RecordRef {
		return slices.DeleteFunc(slices.Clone(rs), func(r RecordRef) bool { return !s.Allows(r.Dept) })
	}
	out.Undisclosed, out.LateDisclosed, out.Quality = refs(d.Undisclosed), refs(d.LateDisclosed), refs(d.Quality)
	out.Repairs = slices.DeleteFunc(slices.Clone(d.Repairs), func(r RepairRef) bool { return !s.Allows(r.Dept) })
	return &out
}
