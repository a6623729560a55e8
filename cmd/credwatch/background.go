package main

import (
	"os"
	"runtime"
)

// interactiveProcs is the least number of Ps (GOMAXPROCS) the full-screen
// view and serve run with. On a 2-core machine, with GOMAXPROCS=2, a
// reload and the collector's workers held both Ps for tens of
// milliseconds at a time, and the goroutines a keystroke needs (the input
// reader back from its read, the program's event loop, the renderer)
// queued behind them for a P: 13-40 ms each, measured in execution traces
// of a 1M cache syncing (docs/PERFORMANCE.md). With more Ps than cores
// they get a P at once, and the kernel, which favours a thread that has
// just woken and one at normal priority over a background one
// (runBackground), runs them first.
const interactiveProcs = 4

// favourInput raises GOMAXPROCS to interactiveProcs unless the
// environment sets it.
func favourInput() {
	if os.Getenv("GOMAXPROCS") == "" && runtime.GOMAXPROCS(0) < interactiveProcs {
		runtime.GOMAXPROCS(interactiveProcs)
	}
}

// runBackground runs f (a reload or a sort of the full-screen view, a sync
// pass's writes, fetches and decoding in the view or serve) on a thread
// of its own at the lowest scheduling priority where the system
// allows it (backgroundPriority), and returns when f does. A panic in f is
// raised again in the caller, so that it is handled as before.
func runBackground(f func()) {
	done := make(chan any, 1)
	go func() {
		var crash any
		defer func() { done <- crash }()
		defer func() { crash = recover() }()
		// Never unlocked: the thread ends with this goroutine, and its
		// priority with it, so no other goroutine ever runs on it.
		runtime.LockOSThread()
		backgroundPriority()
		f()
	}()
	if crash := <-done; crash != nil {
		panic(crash)
	}
}
