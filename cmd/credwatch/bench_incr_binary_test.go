package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"
)

// BenchmarkIncrementalBinary times `credwatch sync --once` as the officer
// meets it: the real binary, from process start to exit, syncing about
// 1,000 changed records across the seven feeds into a cache of the size
// synced from the simulator. The simulator (in this process, --tick 0) is
// stepped between runs until about 1,000 changes wait; the first run
// calibrates how many steps that takes.
//
// CREDWATCH_BENCH_RUNS runs (default 5, so that CI's -benchtime=1x stays
// quick; docs/PERFORMANCE.md runs 25) are timed; reported are p50-ms,
// p90-ms and max-ms, cpu-p50-ms (the median CPU time of a run, user and
// system: less moved by a loaded machine than the wall time), and changes
// (the mean items a run stored). With CREDWATCH_BENCH_BASELINE naming
// another build of credwatch, the runs alternate between the two binaries
// on the same cache, each with its own ~1,000 changes, and base-p50-ms,
// base-p90-ms and base-cpu-p50-ms report the baseline: a before/after
// measured side by side on a loaded machine.
func BenchmarkIncrementalBinary(b *testing.B) {
	if testing.Short() {
		b.Skip("runs the real binary")
	}
	runs := envCount(b, "CREDWATCH_BENCH_RUNS", 5)
	base := os.Getenv("CREDWATCH_BENCH_BASELINE")
	bin := buildRelease(b)
	for _, n := range sizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			for range b.N {
				incrementalBinary(b, bin, base, n, runs)
			}
		})
	}
}

// buildRelease builds cmd/credwatch as .ci/build.sh builds a release:
// static, stripped (a larger, dynamically linked test build starts slower).
func buildRelease(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "credwatch")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var passItems = regexp.MustCompile(`msg="pass completed".* items=(\d+)`)

func incrementalBinary(b *testing.B, bin, base string, n, runs int) {
	dir := b.TempDir()
	srv := startSim(n)
	cfg := filepath.Join(dir, "config.toml")
	body := fmt.Sprintf(`cache = %q
[[endpoint]]
name = "hub"
base_url = %q
feeds = ["licence", "penalty", "coercion", "reward", "inspection", "sharing", "repair"]
`, filepath.Join(dir, "cache.db"), srv.url)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		b.Fatal(err)
	}
	// syncOnce runs one pass of binary, returning its wall time, the
	// items it stored and its CPU time (user and system).
	syncOnce := func(binary string) (time.Duration, int, time.Duration) {
		cmd := exec.Command(binary, "--config", cfg, "--today", today.String(), "--log-format", "text", "sync", "--once")
		cmd.Env = append(os.Environ(), "HOME="+dir)
		t0 := time.Now()
		out, err := cmd.CombinedOutput()
		d := time.Since(t0)
		if err != nil {
			b.Fatalf("sync --once: %v\n%s", err, out)
		}
		items := 0
		for _, m := range passItems.FindAllSubmatch(out, -1) {
			k, _ := strconv.Atoi(string(m[1]))
			items += k
		}
		return d, items, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b.StopTimer()
	syncOnce(bin) // the initial sync of n records (and its compaction)
	// Calibrate: how many changes do 100 steps make?
	steps := 100
	for range steps {
		srv.sim.Step()
	}
	_, got, _ := syncOnce(bin)
	if got > 0 {
		steps = max(1, steps*1000/got)
	}
	var times, baseTimes, cpu, baseCPU []float64
	total := 0
	for i := 0; i < runs*2; i++ {
		binary, into, intoCPU := bin, &times, &cpu
		if i%2 == 1 {
			if base == "" {
				continue
			}
			binary, into, intoCPU = base, &baseTimes, &baseCPU
		}
		for range steps {
			srv.sim.Step()
		}
		b.StartTimer()
		d, items, c := syncOnce(binary)
		b.StopTimer()
		if items == 0 {
			b.Fatalf("run %d stored no changes", i)
		}
		if binary == bin {
			total += items
		}
		*into = append(*into, float64(d.Microseconds())/1000)
		*intoCPU = append(*intoCPU, float64(c.Microseconds())/1000)
	}
	b.ReportMetric(incrQuantile(times, 0.5), "p50-ms")
	b.ReportMetric(incrQuantile(times, 0.9), "p90-ms")
	b.ReportMetric(slices.Max(times), "max-ms")
	b.ReportMetric(incrQuantile(cpu, 0.5), "cpu-p50-ms")
	b.ReportMetric(float64(total)/float64(len(times)), "changes")
	if len(baseTimes) > 0 {
		b.ReportMetric(incrQuantile(baseTimes, 0.5), "base-p50-ms")
		b.ReportMetric(incrQuantile(baseTimes, 0.9), "base-p90-ms")
		b.ReportMetric(incrQuantile(baseCPU, 0.5), "base-cpu-p50-ms")
	}
	b.Logf("runs (ms): %v", times)
	b.Logf("CPU of the runs (ms): %v", cpu)
	if len(baseTimes) > 0 {
		b.Logf("baseline runs (ms): %v", baseTimes)
		b.Logf("CPU of the baseline runs (ms): %v", baseCPU)
	}
}

// incrQuantile is the q-quantile of xs by the nearest-rank method.
func incrQuantile(xs []float64, q float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}
