package sim

import (
	"container/heap"

	"github.com/czyj/credwatch/credit"
)

// stepIndex keeps, for Step, the two sets of live records it picks from at
// random, so that a step costs what it changes rather than a scan of every
// live record (at a million records the two scans took 80 ms a step, most of
// a core at a 100 ms tick):
//
//   - wait: records pushed to the platform, not disclosed, not rejected;
//   - cand: disclosed penalties without a repair whose repair period is over
//     by candDay (see repairable).
//
// Both hold positions in Sim.live, so the k-th member is the k-th record a
// scan of Sim.live in order would have found: Step's random choices, and so
// its output, are those of the scans. Every change to a record's pushed,
// Disclosed or Rejected, to its repair, or to its position goes through
// reindex or unindex.
type stepIndex struct {
	built bool
	wait  posSet
	cand  posSet
	// waitLatest is the latest decision date of any record ever put in wait.
	// While it is not after the step's day, every member of wait was decided
	// by then, as the scan requires; otherwise Step scans.
	waitLatest credit.Date
	candDay    credit.Date // the day cand is up to date for
	due        dueHeap     // penalties whose period ends after candDay
}

// indexState is a record's membership in the step index.
type indexState struct {
	inWait, inCand bool
	due            bool // in stepIndex.due, waiting for its day
}

// dueHeap orders penalties by the first day they may be reminded.
type dueHeap []dueItem

type dueItem struct {
	day credit.Date
	x   *rec
}

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].day < h[j].day }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(v any)        { *h = append(*h, v.(dueItem)) }
func (h *dueHeap) Pop() any {
	old := *h
	v := old[len(old)-1]
	old[len(old)-1] = dueItem{}
	*h = old[:len(old)-1]
	return v
}

// waiting reports whether x waits for disclosure (ignoring its decision date).
func waiting(x *rec) bool { return x.pushed && x.Disclosed.IsZero() && x.Rejected == "" }

// remindable returns the first day x may get a repair reminder, and whether
// it may ever get one now: a disclosed, repairable penalty without a repair.
func (s *Sim) remindable(x *rec) (credit.Date, bool) {
	if x.Kind != credit.Penalty || x.Disclosed.IsZero() || s.repairs[x.Key()] != nil {
		return 0, false
	}
	return repairable(x)
}

// indexFor brings the index up to day: built on first use, rebuilt if the
// clock went back, otherwise the penalties due by day moved into cand.
func (s *Sim) indexFor(day credit.Date) {
	ix := &s.idx
	if !ix.built || day < ix.candDay {
		s.rebuildIndex(day, len(s.live))
		return
	}
	for len(ix.due) > 0 && ix.due[0].day <= day {
		it := heap.Pop(&ix.due).(dueItem)
		if !it.x.due {
			continue // withdrawn or repaired since it was queued
		}
		it.x.due = false
		if !it.x.inCand {
			it.x.inCand = true
			ix.cand.add(it.x.pos, 1)
		}
	}
	ix.candDay = day
}

// rebuildIndex builds the index from every live record for day, with room
// for positions below twice size.
func (s *Sim) rebuildIndex(day credit.Date, size int) {
	ix := &s.idx
	ix.built, ix.candDay, ix.waitLatest, ix.due = true, day, 0, ix.due[:0]
	room := max(2*size, 1024)
	w, c := make([]bool, len(s.live)), make([]bool, len(s.live))
	for i, x := range s.live {
		x.indexState = indexState{}
		if waiting(x) {
			w[i], x.inWait = true, true
			ix.waitLatest = max(ix.waitLatest, x.Decided)
		}
		if e, ok := s.remindable(x); ok {
			if e <= day {
				c[i], x.inCand = true, true
			} else {
				x.due = true
				ix.due = append(ix.due, dueItem{e, x})
			}
		}
	}
	heap.Init(&ix.due)
	ix.wait.reset(room)
	ix.wait.load(w)
	ix.cand.reset(room)
	ix.cand.load(c)
}

// reindex brings x's membership up to date after a change to it or to its
// repair. It does nothing before the index is first built.
func (s *Sim) reindex(x *rec) {
	ix := &s.idx
	if !ix.built {
		return
	}
	if !ix.wait.room(x.pos) {
		s.rebuildIndex(ix.candDay, len(s.live))
		return
	}
	if w := waiting(x); w != x.inWait {
		x.inWait = w
		ix.wait.add(x.pos, sign(w))
		if w {
			ix.waitLatest = max(ix.waitLatest, x.Decided)
		}
	}
	e, ok := s.remindable(x)
	if c := ok && e <= ix.candDay; c != x.inCand {
		x.inCand = c
		ix.cand.add(x.pos, sign(c))
	}
	switch {
	case ok && e > ix.candDay:
		if !x.due {
			x.due = true
			heap.Push(&ix.due, dueItem{e, x})
		}
	default:
		x.due = false // a queued entry is skipped when it comes up
	}
}

// unindex takes x out of the index, before it leaves its position.
func (s *Sim) unindex(x *rec) {
	ix := &s.idx
	if x.inWait {
		ix.wait.add(x.pos, -1)
	}
	if x.inCand {
		ix.cand.add(x.pos, -1)
	}
	x.indexState = indexState{}
}

// move puts the live record x at position pos, keeping its membership.
func (s *Sim) move(x *rec, pos int) {
	st := x.indexState
	s.unindex(x)
	x.pos = pos
	x.indexState = st
	if x.inWait {
		s.idx.wait.add(pos, 1)
	}
	if x.inCand {
		s.idx.cand.add(pos, 1)
	}
}

func sign(on bool) int {
	if on {
		return 1
	}
	return -1
}
