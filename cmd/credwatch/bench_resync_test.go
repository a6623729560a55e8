//go:build linux

package main

import (
	"os"
	"testing"
	"time"
)

// BenchmarkResyncTUI starts the TUI, holding the sync role, on a copy of
// the fixture's cache just after the agency forgot every cursor (issue 20):
// a new simulator of the same size and seed (a restart: every stored cursor
// is from an earlier run of its logs, so every feed answers 410 and is
// re-walked, and its repairs are regenerated), the real binary in a 120x40
// pty syncing every 10 s, for CREDWATCH_BENCH_RESYNC_RUN (default 10s; at
// 1M the whole resync takes 3-5 minutes on a loaded machine). It reports
// the peak VmRSS sampled every 50 ms (peak-MB), with RssAnon and RssFile at
// that sample and when it came (peak-at-s), and VmHWM. Target: ≤ 300 MB at
// 1M. CREDWATCH_BENCH_CACHE names a cache to start from instead of the
// fixture's, which is then not built (it must come from a simulator of the
// same size and seed 1, as the fixture's does). The restarted simulator
// lives in the benchmark's process (about 1.4 GB at 1M); its memory is not
// the TUI's.
func BenchmarkResyncTUI(b *testing.B) {
	if testing.Short() {
		b.Skip("runs the real binary")
	}
	run := envDuration(b, "CREDWATCH_BENCH_RESYNC_RUN", 10*time.Second)
	bins := benchBinaries(b)
	for _, size := range sizes() {
		// A cache of the same size and seed given in CREDWATCH_BENCH_CACHE
		// (a fixture's, kept) spares building the fixture: only its cache
		// is used.
		cache := os.Getenv("CREDWATCH_BENCH_CACHE")
		if cache == "" {
			cache = getFixture(b, size).cache
		}
		for _, bin := range bins {
			b.Run(sizeName(size)+bin.name, func(b *testing.B) {
				for range b.N {
					b.StopTimer()
					dir := b.TempDir()
					cache := copyCache(b, cache)
					// The restart: a simulator whose cursors the cache has
					// never seen. Each run has its own, so each re-walks.
					srv := startSim(size)
					cfg := ptyConfig(b, dir, cache, srv.url, "10s")
					runSampled(b, bin.path, cfg, dir, run, srv.close)
				}
			})
		}
	}
}
