package serve

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestScavengerFreesOnceAfterABurst: loads that follow each other closely
// (sessions reloading one at a time after a pass) free memory once, after
// the last; a burst longer than maxDelay frees at maxDelay; stop cancels.
func TestScavengerFreesOnceAfterABurst(t *testing.T) {
	var freed atomic.Int32
	s := &scavenger{quiet: 80 * time.Millisecond, maxDelay: time.Hour, free: func() { freed.Add(1) }}
	for range 5 {
		s.poke()
		time.Sleep(10 * time.Millisecond)
	}
	if n := freed.Load(); n != 0 {
		t.Fatalf("freed %d times during the burst", n)
	}
	waitFor(t, func() bool { return freed.Load() == 1 })
	time.Sleep(200 * time.Millisecond)
	if n := freed.Load(); n != 1 {
		t.Fatalf("freed %d times after one burst, want 1", n)
	}

	// Pokes every 20 ms for longer than maxDelay: freed at maxDelay,
	// not only after the burst.
	s.maxDelay = 150 * time.Millisecond
	start := time.Now()
	for time.Since(start) < 600*time.Millisecond && freed.Load() == 1 {
		s.poke()
		time.Sleep(20 * time.Millisecond)
	}
	if freed.Load() < 2 {
		t.Fatal("a burst longer than maxDelay never freed")
	}

	s.maxDelay = time.Hour
	before := freed.Load()
	s.poke()
	s.stop()
	time.Sleep(200 * time.Millisecond)
	if n := freed.Load(); n != before {
		t.Fatalf("freed after stop (%d -> %d)", before, n)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
