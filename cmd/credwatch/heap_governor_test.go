package main

import (
	"math"
	"runtime/debug"
	gosync "sync"
	"testing"
	"time"
)

// bound sets a memory limit at least heapLimitMin over the live heap,
// unless GOMEMLIMIT is set.
func TestHeapGovernorBound(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	t.Setenv("GOMEMLIMIT", "")
	debug.SetMemoryLimit(math.MaxInt64)
	newHeapGovernor().bound()
	if got := debug.SetMemoryLimit(-1); got < heapLimitMin || got == math.MaxInt64 {
		t.Errorf("memory limit %d, want at least %d and set", got, heapLimitMin)
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(math.MaxInt64)
	g := newHeapGovernor()
	g.bound()
	g.input()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set, the limit became %d", got)
	}
	if g.gc == nil {
		t.Error("without GOGC set, the GC target is not relaxed while typing")
	}
	t.Setenv("GOGC", "50")
	if newHeapGovernor().gc != nil {
		t.Error("with GOGC set, the governor still sets the GC target")
	}
}

// The limit and the GC target are relaxed while keys come, and back once
// they have been quiet; a bound while relaxed stays relaxed; keys before
// the first bound change nothing.
func TestHeapGovernorRelaxesWhileTyping(t *testing.T) {
	var mu gosync.Mutex
	limit := int64(math.MaxInt64)
	sets, percent := 0, tuiGCPercent
	g := &heapGovernor{quiet: 50 * time.Millisecond, now: time.Now, set: func(l int64) {
		mu.Lock()
		defer mu.Unlock()
		limit, sets = l, sets+1
	}, gc: func(p int) {
		mu.Lock()
		defer mu.Unlock()
		percent = p
	}}
	get := func() (int64, int) { mu.Lock(); defer mu.Unlock(); return limit, sets }
	gcTarget := func() int { mu.Lock(); defer mu.Unlock(); return percent }

	g.input()
	if l, n := get(); l != math.MaxInt64 || n != 0 {
		t.Fatalf("a key before any bound set the limit to %d", l)
	}
	const base = 200 << 20
	g.boundTo(base)
	if l, _ := get(); l != base {
		t.Fatalf("limit %d after bound, want %d", l, base)
	}
	g.input()
	if l, _ := get(); l != relaxedLimit(base) {
		t.Fatalf("limit %d while typing, want %d", l, relaxedLimit(base))
	}
	if p := gcTarget(); p != relaxedGCPercent {
		t.Fatalf("GC target %d while typing, want %d", p, relaxedGCPercent)
	}
	// Keys every 20 ms for 200 ms keep it relaxed, with one call only.
	_, before := get()
	for range 10 {
		time.Sleep(20 * time.Millisecond)
		g.input()
		if l, _ := get(); l != relaxedLimit(base) {
			t.Fatalf("limit %d while keys still come", l)
		}
	}
	if _, n := get(); n != before {
		t.Errorf("%d calls to set the limit while it stayed relaxed, want none", n-before)
	}
	g.boundTo(base * 2) // a rebuild while typing
	if l, _ := get(); l != relaxedLimit(base*2) {
		t.Fatalf("limit %d after a bound while typing, want %d", l, relaxedLimit(base*2))
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if l, _ := get(); l == base*2 {
			break
		}
		if time.Now().After(deadline) {
			l, _ := get()
			t.Fatalf("limit %d 5 s after the last key, want %d", l, base*2)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if p := gcTarget(); p != tuiGCPercent {
		t.Errorf("GC target %d once the keys are quiet, want %d", p, tuiGCPercent)
	}
	g.input()
	if l, _ := get(); l != relaxedLimit(base*2) {
		t.Errorf("limit %d at a key after settling, want it relaxed again", l)
	}
	if p := gcTarget(); p != relaxedGCPercent {
		t.Errorf("GC target %d at a key after settling, want %d", p, relaxedGCPercent)
	}
}
