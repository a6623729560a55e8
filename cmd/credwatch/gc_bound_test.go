package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// boundHeap sets a memory limit at least heapLimitMin over the live heap,
// unless GOMEMLIMIT is set.
func TestBoundHeap(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	t.Setenv("GOMEMLIMIT", "")
	debug.SetMemoryLimit(math.MaxInt64)
	boundHeap()
	if got := debug.SetMemoryLimit(-1); got < heapLimitMin || got == math.MaxInt64 {
		t.Errorf("memory limit %d, want at least %d and set", got, heapLimitMin)
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(math.MaxInt64)
	boundHeap()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set, the limit became %d", got)
	}
}
