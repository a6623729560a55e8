package tui

import (
	"maps"
	"slices"
	"sort"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// A sync pass that changes data makes a new generation of the penalties
// and repairs, most of it shared with the last (credit.Penalties.Patch).
// Building the repair and queue tabs of 300k penalties from scratch for
// it took about a second of one core at 1M records, and the keys that
// arrived meanwhile waited for a core. patchPenaltyTabs makes the new
// tabs from the last ones instead: the rows of the penalties and repairs
// that did not change are taken as they were (their entries, their text
// in the index), those that did are placed and indexed anew, and the
// result is what a full build would make, row for row.

// patchFraction: a generation that changed more than one in patchFraction
// of the penalties or repairs is built in full.
const patchFraction = 8

// tabsKeyOf is what in's tabs depend on besides the penalties and
// repairs: tabs of one key differ only where those differ.
func tabsKeyOf(in *buildInput) tabsKey {
	scope := slices.Clone(in.scope)
	slices.Sort(scope)
	return tabsKey{today: in.today, en: in.cat.en, days: in.deadlineDays, scope: joinScope(slices.Compact(scope)),
		rules: in.rules, depts: in.depts}
}

// patchPenaltyTabs returns in's tabs made from prev, tabs of an earlier
// generation with the same key, or nil when they are to be built in full:
// no prev, another key (another day: every row's days left may change),
// too many changes, or an index that cannot take the new rows. prev is
// not modified; the new tabs share none of its arrays that either could
// modify.
func patchPenaltyTabs(prev *penaltyTabs, in *buildInput) *penaltyTabs {
	if prev == nil || prev.key != tabsKeyOf(in) {
		return nil
	}
	oldRep, ok1 := prev.repair.Source().(*repairRows)
	oldQ, ok2 := prev.queue.Source().(*queueRows)
	if !ok1 || !ok2 {
		return nil
	}
	pens, reps := &in.snap.Penalties, &in.snap.Repairs
	pd, ok := pens.DiffFrom(&prev.pens, max(pens.Len()/patchFraction, 16))
	if !ok {
		return nil
	}
	changedReps, ok := reps.DiffFrom(&prev.reps, max(reps.Len()/patchFraction, 16))
	if !ok {
		return nil
	}
	// The records whose rows may change: a penalty's row shows its
	// repair, a repair's row its penalty.
	touched := make(map[string]bool, len(pd.Changed)+len(changedReps))
	for _, id := range pd.Changed {
		touched[credit.RecordKey(credit.Penalty, id)] = true
	}
	for _, k := range changedReps {
		touched[k] = true
	}
	t := &penaltyTabs{key: prev.key, pens: *pens, reps: *reps}
	rsrc, rfrom := patchRepair(oldRep, in, &pd, touched)
	qsrc, qfrom := patchQueue(oldQ, in, &pd, touched)
	var ok3, ok4 bool
	if t.repair, ok3 = table.Patch(prev.repair, rsrc, rfrom); !ok3 {
		return nil
	}
	if t.queue, ok4 = table.Patch(prev.queue, qsrc, qfrom); !ok4 {
		return nil
	}
	t.repairSum = rsrc.summary(&t.years)
	t.queueSum = qsrc.summary(&t.years)
	return t
}

// patchRepair returns the repair rows of in made from old's: the entries
// of penalties not touched kept in their order, those touched placed anew
// and merged in. from[i] is the row of old that row i is, or -1.
func patchRepair(old *repairRows, in *buildInput, pd *credit.PenaltiesDiff, touched map[string]bool) (*repairRows, []int32) {
	src := newRepairRows(in, len(old.entries)+len(touched))
	src.sets = slices.Clone(old.sets)
	maps.Copy(src.search, old.search)
	// The old penalties whose rows go: changed, or their repair did.
	gone := make([]bool, old.pens.Len())
	for k := range touched {
		if i := penaltyIndex(&old.pens, k); i >= 0 {
			gone[i] = true
		}
	}
	var fresh []repairEntry
	for k := range touched {
		if i := penaltyIndex(&src.pens, k); i >= 0 {
			if e, ok := src.place(in, i); ok {
				fresh = append(fresh, e)
			}
		}
	}
	slices.SortFunc(fresh, src.compare)
	// Each fresh entry goes before the first old one that sorts after it
	// (no two entries compare equal): the old entries are in order, the
	// gone ones too.
	at := freshPlaces(len(fresh), len(old.entries), func(f, j int) bool {
		return compareRepair(old.entries[j], &old.pens, fresh[f], &src.pens) > 0
	})
	var from []int32
	src.entries, from = mergeFresh(src.entries[:0], old.entries, fresh, at, func(e *repairEntry) bool {
		if gone[e.pen] {
			return false
		}
		oldPen := e.pen
		e.pen = pd.Remap[oldPen]
		if e.flags&repError != 0 {
			if src.errs == nil {
				src.errs = map[int32]repairError{}
			}
			src.errs[e.pen] = old.errs[oldPen]
		}
		return true
	})
	src.setPos()
	return src, from
}

// patchQueue returns the queue rows of in made from old's as patchRepair
// does the repair rows.
func patchQueue(old *queueRows, in *buildInput, pd *credit.PenaltiesDiff, touched map[string]bool) (*queueRows, []int32) {
	src := newQueueRows(in)
	maps.Copy(src.search, old.search)
	for k, yr := range old.errYears {
		if !touched[k] {
			if src.errYears == nil {
				src.errYears = map[string]int{}
			}
			src.errYears[k] = yr
		}
	}
	var fresh []queueEntry
	for k := range touched {
		if rep, ok := in.snap.Repairs.Get(k); ok {
			if e, ok := src.place(in, k, &rep); ok {
				fresh = append(fresh, e)
			}
		}
	}
	sortQueue(fresh)
	at := freshPlaces(len(fresh), len(old.entries), func(f, j int) bool { return compareQueue(old.entries[j], fresh[f]) > 0 })
	var from []int32
	src.entries, from = mergeFresh(nil, old.entries, fresh, at, func(e *queueEntry) bool {
		if touched[e.key] {
			return false
		}
		if e.pen >= 0 {
			e.pen = pd.Remap[e.pen]
		}
		return true
	})
	return src, from
}

// mergeFresh appends to dst the old entries that keep (given a copy it
// may change) and the fresh ones, each fresh entry f before old entry
// at[f] (freshPlaces), and returns them with, for each, the index of the
// old entry it came from (-1: a fresh one).
func mergeFresh[E any](dst, old, fresh []E, at []int, keep func(*E) bool) ([]E, []int32) {
	n := len(old) + len(fresh)
	dst = slices.Grow(dst, n)
	from := make([]int32, 0, n)
	f := 0
	var e E // one copy for every entry: keep's argument escapes
	for r := range old {
		for ; f < len(fresh) && at[f] == r; f++ {
			dst = append(dst, fresh[f])
			from = append(from, -1)
		}
		e = old[r]
		if keep(&e) {
			dst = append(dst, e)
			from = append(from, int32(r))
		}
	}
	for ; f < len(fresh); f++ {
		dst = append(dst, fresh[f])
		from = append(from, -1)
	}
	return dst, from
}

// freshPlaces returns, for each of n fresh entries in order, the index of
// the first of m old entries in order that sorts after it (after(f, j):
// old entry j sorts after fresh entry f), m when none does.
func freshPlaces(n, m int, after func(f, j int) bool) []int {
	at := make([]int, n)
	lo := 0
	for f := range at {
		lo += sort.Search(m-lo, func(j int) bool { return after(f, lo+j) })
		at[f] = lo
	}
	return at
}
