package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// withProfile runs fn, writing a CPU profile of the whole run to the file
// named by CREDWATCH_CPUPROFILE and a heap profile at its end to the file
// named by CREDWATCH_MEMPROFILE, if they are set (docs/PERFORMANCE.md uses
// them to see where a command's or the TUI's time and memory go), and an
// execution trace of a window of the run to CREDWATCH_TRACE (traceOnSignal).
func withProfile(fn func() int) int {
	traceOnSignal()
	if path := os.Getenv("CREDWATCH_MEMPROFILE"); path != "" {
		defer writeHeapProfile(path)
	}
	path := os.Getenv("CREDWATCH_CPUPROFILE")
	if path == "" {
		return fn()
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "credwatch: CREDWATCH_CPUPROFILE: %v\n", err)
		return fn()
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "credwatch: CREDWATCH_CPUPROFILE: %v\n", err)
		return fn()
	}
	defer pprof.StopCPUProfile()
	return fn()
}

func writeHeapProfile(path string) {
	f, err := os.Create(path)
	if err == nil {
		err = pprof.Lookup("heap").WriteTo(f, 0)
		f.Close()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "credwatch: CREDWATCH_MEMPROFILE: %v\n", err)
	}
}
