//go:build unix

package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime/trace"
	"syscall"
)

// traceOnSignal, when CREDWATCH_TRACE names a file, writes an execution
// trace (go tool trace) to it from SIGUSR1 to SIGUSR2: a window of a long
// run, such as BenchmarkServeSessions's key presses (docs/PERFORMANCE.md),
// where a trace of the whole run would be gigabytes. It also writes heap
// profiles to the same name with ".heap0" (at SIGUSR1) and ".heap" (at
// SIGUSR2) appended: go tool pprof -sample_index=alloc_space -base
// NAME.heap0 NAME.heap shows what the window allocated.
func traceOnSignal() {
	path := os.Getenv("CREDWATCH_TRACE")
	if path == "" {
		return
	}
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGUSR1, syscall.SIGUSR2)
	go func() {
		var f *os.File
		for s := range sig {
			switch {
			case s == syscall.SIGUSR1 && f == nil:
				writeHeapProfile(path + ".heap0")
				var err error
				if f, err = os.Create(path); err != nil {
					fmt.Fprintf(os.Stderr, "credwatch: CREDWATCH_TRACE: %v\n", err)
					f = nil
					continue
				}
				if err := trace.Start(f); err != nil {
					fmt.Fprintf(os.Stderr, "credwatch: CREDWATCH_TRACE: %v\n", err)
					f.Close()
					f = nil
				}
			case s == syscall.SIGUSR2 && f != nil:
				trace.Stop()
				writeHeapProfile(path + ".heap") // what is live at the window's end
				if err := f.Close(); err != nil {
					fmt.Fprintf(os.Stderr, "credwatch: CREDWATCH_TRACE: %v\n", err)
				}
				f = nil
			}
		}
	}()
}
