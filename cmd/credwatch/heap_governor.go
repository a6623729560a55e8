package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// heapGovernor sets the full-screen view's soft memory limit.
//
// bound sets it from the live heap of the data on screen, measured after a
// rebuild has handed the previous generation back (hooks.Rebuilt): the
// live heap plus 60% of it, or plus 64 MB for a small cache. GOGC=30 lets
// the heap grow 30% over the live heap of the last collection, and a
// reload of a 1M cache holds two generations of the tables for a moment
// (live 105 -> 150 MB), which let the process reach 190-200 MB of heap
// while the catch-up after a backlog and the reload after it ran (issue
// 20, the TUI started with a backlog); with the limit the collector works
// harder only while the heap is near it, during those moments, and a
// reload takes longer instead. At 100k records (live 20 MB) the limit is
// above anything measured and changes nothing.
//
// But a reload near the limit collects about ten times back to back, and
// the collector's workers then take the cores a keystroke needs (at 1M
// while syncing, filter p99 41-42 ms with the limit, 31-33 ms without:
// docs/PERFORMANCE.md). So while the officer is at the keys (input, and
// inputQuiet after the last key) the limit is half as high again
// (relaxedLimit) and the GC target is relaxedGCPercent; both return once
// the keys have been quiet for inputQuiet. GOMEMLIMIT and GOGC in the
// environment win.
type heapGovernor struct {
	set func(limit int64) // debug.SetMemoryLimit
	// gc sets the GC target (debug.SetGCPercent): relaxedGCPercent while
	// the limit is relaxed, tuiGCPercent after. Nil when GOGC is set.
	gc    func(percent int)
	now   func() time.Time
	quiet time.Duration

	mu      sync.Mutex
	base    int64 // the limit bound chose; 0 before the first bound
	relaxed bool
	last    time.Time // the last key
	timer   *time.Timer
}

// heapLimitMin is the least bound leaves between the live heap and the
// memory limit.
const heapLimitMin = 64 << 20

// inputQuiet is how long after the last key the limit stays relaxed.
const inputQuiet = 2 * time.Second

// relaxedLimit is the limit while the officer is at the keys: half as much
// again as the limit bound chose, a bound on what GOGC alone would let the
// heap reach in a reload (about 1.3 times two generations).
func relaxedLimit(base int64) int64 { return base + base/2 }

// relaxedGCPercent is the GC target while the officer is at the keys. At
// tuiGCPercent a reload of a 1M cache, which allocates about 80 MB over a
// live heap of 105-150 MB, collected four times (the heap goal 136, 150,
// 163 and 190 MB in turn), and each collection took 40 ms of a core's
// time from a 2-core machine while the keys waited; at 100 it collects
// once or twice, and the relaxed limit still bounds the heap.
const relaxedGCPercent = 100

// newHeapGovernor returns the governor of this process's memory limit and,
// while the officer types, its GC target; it leaves the limit alone when
// GOMEMLIMIT is set, and the target when GOGC is.
func newHeapGovernor() *heapGovernor {
	g := &heapGovernor{set: func(l int64) { debug.SetMemoryLimit(l) }, now: time.Now, quiet: inputQuiet}
	if os.Getenv("GOMEMLIMIT") != "" {
		g.set = func(int64) {}
	}
	if os.Getenv("GOGC") == "" {
		g.gc = func(p int) { debug.SetGCPercent(p) }
	}
	return g
}

// bound sets the limit from the live heap now (see heapGovernor).
func (g *heapGovernor) bound() {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	live := int64(s[0].Value.Uint64())
	g.boundTo(live + max(live*6/10, heapLimitMin))
}

// boundTo makes base the limit, relaxed while the officer is at the keys.
func (g *heapGovernor) boundTo(base int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.base = base
	if g.relaxed {
		g.set(relaxedLimit(base))
	} else {
		g.set(base)
	}
}

// input notes a key or mouse event: the limit is relaxed until the keys
// have been quiet for inputQuiet. Before the first bound there is no limit
// to relax.
func (g *heapGovernor) input() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.last = g.now()
	if g.base == 0 || g.relaxed {
		return
	}
	g.relaxed = true
	g.set(relaxedLimit(g.base))
	if g.gc != nil {
		g.gc(relaxedGCPercent)
	}
	if g.timer == nil {
		g.timer = time.AfterFunc(g.quiet, g.settle)
	} else {
		g.timer.Reset(g.quiet)
	}
}

// settle restores the limit once the keys have been quiet long enough, or
// waits for the rest of the quiet time.
func (g *heapGovernor) settle() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.relaxed {
		return
	}
	if d := g.now().Sub(g.last); d < g.quiet {
		g.timer.Reset(g.quiet - d)
		return
	}
	g.relaxed = false
	g.set(g.base)
	if g.gc != nil {
		g.gc(tuiGCPercent)
	}
}
