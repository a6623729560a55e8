package tui

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"weak"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// Shared is what the Models of one process share (Deps.Shared; an SSH
// server's sessions, issue 20): the repair and queue tabs, their rows and
// text indexes, which at 1M records are most of a Model's memory. They
// are built once from one snapshot's penalties and repairs for one day,
// language, set of departments and settings, and every Model given the
// same shows them read-only; what stays a Model's own is its tables'
// state (cursor, sort order, filter steps), made when the officer asks.
//
// Tabs are found by the identity of the penalties and repairs
// (credit.Penalties.Same), not by their generation: only Models given the
// very same lists (a store.ReadModel hands every reader of a generation
// and scope the same) share, and a Model given lists of its own builds its
// own, so a scope is never shown another's rows. Tabs no Model holds any
// more go with the garbage collector. Safe for concurrent use.
type Shared struct {
	mu     sync.Mutex
	slots  []*sharedSlot
	builds atomic.Int64
	// longest is the longest of the last builds (nanoseconds): each build
	// sets it to its own time or to the decayed longest, if more (Pace).
	longest atomic.Int64
	// reloading is held by the Model whose reload is reading and
	// building (queue).
	reloading chan struct{}
	// checks are the last daily check of each scope (shared_check.go).
	checks       []*sharedDailyCheck
	timely       []*sharedTimeliness
	checksShared atomic.Int64
	// busy is how long the Models sharing s have held the reload queue
	// in all (nanoseconds); roundFrom[key] what it was when tabs of key
	// were last built (round).
	busy      atomic.Int64
	roundFrom map[tabsKey]int64
}

// NewShared returns an empty Shared.
func NewShared() *Shared { return &Shared{reloading: make(chan struct{}, 1)} }

// queue waits until no other Model sharing s is reloading and returns the
// function that ends the caller's reload. After a sync pass every session
// reloads at once; one at a time, they leave the other core to the
// sessions' keys and frames instead of queueing them behind 32 reads and
// builds (a session shows its last data until its reload is done). A
// Model's first load does not queue: its officer is waiting for it.
func (s *Shared) queue() (done func()) {
	if s == nil || s.reloading == nil {
		return func() {}
	}
	s.reloading <- struct{}{}
	began := time.Now()
	return func() {
		s.busy.Add(int64(time.Since(began)))
		<-s.reloading
	}
}

// round returns how long the Models held the reload queue since tabs of
// key were last built (0 the first time), and starts the next round: the
// sessions' reloads of the last generation. Called with mu held.
func (s *Shared) round(key tabsKey) time.Duration {
	busy := s.busy.Load()
	from, ok := s.roundFrom[key]
	if s.roundFrom == nil {
		s.roundFrom = map[tabsKey]int64{}
	}
	for k := range s.roundFrom {
		if k.today != key.today {
			delete(s.roundFrom, k) // another day's
		}
	}
	s.roundFrom[key] = busy
	if !ok {
		return 0
	}
	return time.Duration(busy - from)
}

// Builds returns how many times tabs were built: once per snapshot,
// day, language, departments and settings, however many Models show them.
func (s *Shared) Builds() int64 { return s.builds.Load() }

// Pace is how often the Models sharing s can afford a new data generation:
// twice the longer of the time a generation's tabs took to build and the
// time the Models' reloads of the last generation held the reload queue
// (a round: from one build of a scope's tabs to the next; the longest of
// late, of any scope), so that while the data changes without pause
// building and reloading take at most about half of the processor time,
// and the sessions are mostly done with one generation before the next
// comes (each generation a session still shows is memory). Tabs patched from the last
// generation's (patchPenaltyTabs) take tens of milliseconds at 1M
// records; 32 sessions' reloads, a second or more. A server gives it to
// its read model (store.ReadModel.SetPace). 0 before any build.
func (s *Shared) Pace() time.Duration { return 2 * time.Duration(s.longest.Load()) }

// noteBuild counts a build that took took into Pace: the longest of late
// decays by a quarter with each build, so that a scope built once at a
// busy moment does not slow the pace for long.
func (s *Shared) noteBuild(took time.Duration) {
	for {
		old := s.longest.Load()
		next := max(int64(took), old-old/4)
		if s.longest.CompareAndSwap(old, next) {
			return
		}
	}
}

// sharedSlot is one build of the tabs: while it runs (done open), the
// lists it builds from; then a weak pointer to what it built.
type sharedSlot struct {
	key  tabsKey
	pens credit.Penalties // while building
	reps credit.Repairs
	done chan struct{}
	tabs weak.Pointer[penaltyTabs]
}

// tabsKey is what the tabs depend on besides the penalties and repairs.
type tabsKey struct {
	today credit.Date
	en    bool
	days  int
	scope string
	rules *credit.Rules
	depts *credit.Directory
}

// penaltyTabs are the repair and queue tabs built from one snapshot's
// penalties and repairs, read-only once built. A built that shows them
// holds them (built.tabs), which keeps them in Shared.
type penaltyTabs struct {
	key           tabsKey
	pens          credit.Penalties
	reps          credit.Repairs
	repair, queue table.Indexed
	repairSum     string
	queueSum      string
	years         yearNotes // the years of the dates they show, and those unknown
}

// buildPenaltyTabs builds the repair and queue tabs from in: patched
// from in.prevTabs when they allow (patchPenaltyTabs), else in full.
func buildPenaltyTabs(in buildInput) *penaltyTabs {
	if t := patchPenaltyTabs(in.prevTabs, &in); t != nil {
		return t
	}
	t := &penaltyTabs{key: tabsKeyOf(&in), pens: in.snap.Penalties, reps: in.snap.Repairs}
	var src *repairRows
	src, t.repairSum = buildRepair(in, &t.years)
	t.repair = table.Index(src)
	var q *queueRows
	q, t.queueSum = buildQueue(in, &t.years)
	t.queue = table.Index(q)
	return t
}

// joinScope is a sorted scope as one string, for tabsKey.
func joinScope(scope []string) string { return strings.Join(scope, "\x00") }

// penaltyTabs returns the tabs of in: those already built from the same
// lists with the same settings, or built now (by one caller; the others
// asking meanwhile wait for it). Without a Shared, or without penalties
// and repairs (the empty tabs New shows), it builds them.
func (s *Shared) penaltyTabs(in buildInput) *penaltyTabs {
	if s == nil || in.snap.Penalties.Len() == 0 && in.snap.Repairs.Len() == 0 {
		return buildPenaltyTabs(in)
	}
	key := tabsKeyOf(&in)
	pens, reps := &in.snap.Penalties, &in.snap.Repairs
	for {
		s.mu.Lock()
		var wait chan struct{}
		var found *penaltyTabs
		live := s.slots[:0]
		for _, sl := range s.slots {
			if sl.done != nil {
				live = append(live, sl)
				if wait == nil && sl.key == key && sl.pens.Same(pens) && sl.reps.Same(reps) {
					wait = sl.done
				}
				continue
			}
			t := sl.tabs.Value()
			if t == nil {
				continue // no Model shows it any more
			}
			live = append(live, sl)
			if found == nil && sl.key == key && t.pens.Same(pens) && t.reps.Same(reps) {
				found = t
			}
		}
		clear(s.slots[len(live):])
		s.slots = live
		switch {
		case found != nil:
			s.mu.Unlock()
			return found
		case wait != nil:
			s.mu.Unlock()
			<-wait
			continue
		}
		sl := &sharedSlot{key: key, pens: *pens, reps: *reps, done: make(chan struct{})}
		s.slots = append(s.slots, sl)
		round := s.round(key)
		s.mu.Unlock()
		return s.build(sl, in, round)
	}
}

// build builds sl's tabs from in and ends sl's build, noting the longer of
// its time and round in Pace; a build that panics leaves no slot behind
// for others to wait on.
func (s *Shared) build(sl *sharedSlot, in buildInput, round time.Duration) (t *penaltyTabs) {
	defer func() {
		s.mu.Lock()
		if t != nil {
			sl.tabs = weak.Make(t)
		}
		sl.pens, sl.reps = credit.Penalties{}, credit.Repairs{}
		close(sl.done)
		sl.done = nil // a slot without tabs is dropped by the next look-up
		s.mu.Unlock()
	}()
	began := time.Now()
	t = buildPenaltyTabs(in)
	s.noteBuild(max(time.Since(began), round))
	s.builds.Add(1)
	return t
}
