package main

import (
	"fmt"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// withProfile runs fn, writing a CPU profile of the whole run to the file
// named by CREDWATCH_CPUPROFILE and a heap profile at its end to the file
// named by CREDWATCH_MEMPROFILE, if they are set (docs/PERFORMANCE.md uses
// them to see where a command's or the TUI's time and memory go), and an
// execution trace of a window of the run to CREDWATCH_TRACE (traceOnSignal).
// CREDWATCH_MEMPROFILE_PEAK names a file for the heap profile of the
// largest live heap of the run (watchPeakHeap).
func withProfile(fn func() int) int {
	traceOnSignal()
	if path := os.Getenv("CREDWATCH_MEMPROFILE"); path != "" {
		defer writeHeapProfile(path)
	}
	if path := os.Getenv("CREDWATCH_MEMPROFILE_PEAK"); path != "" {
		defer watchPeakHeap(path)()
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

// peakHeapEvery is how often watchPeakHeap reads the live heap.
const peakHeapEvery = 50 * time.Millisecond

// watchPeakHeap writes the heap profile to path whenever a completed
// collection found more live heap than any before it (by 2 MB or more),
// so that path ends up holding the in-use profile of the run's largest
// live heap (the profile's in-use figures are those of the last completed
// collection), with the live heap in path+".txt". It returns the function
// that stops watching. For measurements only: each write costs a few
// milliseconds of CPU.
func watchPeakHeap(path string) (stop func()) {
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		var peak uint64
		tick := time.NewTicker(peakHeapEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			metrics.Read(s)
			if s[0].Value.Kind() != metrics.KindUint64 {
				return
			}
			live := s[0].Value.Uint64()
			if live < peak+2<<20 {
				continue
			}
			peak = live
			writeHeapProfile(path)
			note := fmt.Sprintf("live heap %.1f MB at %s\n", float64(live)/(1<<20), time.Now().UTC().Format(time.RFC3339Nano))
			if err := os.WriteFile(path+".txt", []byte(note), 0o644); err != nil {
				fmt.Fprintf(os.Stderr, "credwatch: CREDWATCH_MEMPROFILE_PEAK: %v\n", err)
			}
		}
	}()
	return func() { close(done); <-stopped }
}
