// The bench_*_test.go files hold credwatch's end-to-end performance
// benchmarks, the measurements behind docs/PERFORMANCE.md: they drive the
// simulator, the sync engine, the store and the TUI together on data from
// the simulator's generator.
//
// Sizes: by default a small data set, so CI's `-benchtime=1x` run stays
// quick; CREDWATCH_BENCH_SIZES=100000 (a comma-separated list) picks others,
// and CREDWATCH_BENCH_1M=1 runs 100,000 and 1,000,000 records. Each size's
// cache is built once per run, through the real sync engine, and shared by
// the benchmarks; the ones that write to it work on a copy.
// (A detached comment: the package's doc is in main.go.)

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	credsync "github.com/czyj/credwatch/sync"
	"github.com/czyj/credwatch/sync/sim"
)

// today is a working day the calendar knows; every benchmark acts as if it
// were today.
var today = credit.MustDate("2026-03-18")

// now is today's date at the real time of day, the clock of the simulator,
// the engine and the TUI alike (the engine refuses a server clock far off).
func now() time.Time {
	offset := today.Time().Sub(credit.DateOf(time.Now()).Time())
	return time.Now().Add(offset).In(credit.ChinaZone)
}

// sizes are the record counts to benchmark: small by default (CI),
// CREDWATCH_BENCH_SIZES=n,m,... or CREDWATCH_BENCH_1M=1 for 100k and 1M.
func sizes() []int {
	if v := os.Getenv("CREDWATCH_BENCH_SIZES"); v != "" {
		var out []int
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				panic(fmt.Sprintf("CREDWATCH_BENCH_SIZES: bad size %q", f))
			}
			out = append(out, n)
		}
		return out
	}
	if os.Getenv("CREDWATCH_BENCH_1M") == "1" {
		return []int{100_000, 1_000_000}
	}
	return []int{3_000}
}

// envCount is the positive whole number in the environment variable name,
// or def when it is unset.
func envCount(tb testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q: want a whole number, at least 1", name, v)
	}
	return n
}

func sizeName(n int) string {
	switch {
	case n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// feeds is what the benchmark endpoint serves: every feed.
var feeds = credit.Feeds

// server is a running simulator over loopback.
type server struct {
	url   string
	sim   *sim.Sim
	close func() // stops serving
}

// fixture is one size's data: its simulator and a cache synced from it.
type fixture struct {
	n     int
	srv   server
	cache string // a synced cache; read-only for benchmarks, copy it to write
	raw   int64  // bytes of JSON of the records (items' data), as served
	// synced is the cache's size after the sync, before `sync --once`
	// compacts it (store.DB.MaybeCompact), which took compactTime.
	synced      int64
	compactTime time.Duration
	err         error
}

var (
	fixMu    gosync.Mutex
	fixtures = map[int]*fixture{}
	fixDir   string
)

// TestMain removes the fixtures' directory after the run. The state
// directory (the officers' remembered views, state_dir.go) of every
// in-process TUI and server is a temporary one, never the user's.
func TestMain(m *testing.M) {
	state, err := os.MkdirTemp("", "credwatch-state-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_STATE_HOME", state)
	os.Setenv("LOCALAPPDATA", state)
	code := m.Run()
	if fixDir != "" {
		os.RemoveAll(fixDir)
	}
	os.RemoveAll(state)
	os.Exit(code)
}

// getFixture builds (once per run) and returns the fixture of n records.
func getFixture(tb testing.TB, n int) *fixture {
	tb.Helper()
	fixMu.Lock()
	defer fixMu.Unlock()
	if f, ok := fixtures[n]; ok {
		if f.err != nil {
			tb.Fatal(f.err)
		}
		return f
	}
	f := &fixture{n: n}
	fixtures[n] = f
	f.err = f.build()
	if f.err != nil {
		tb.Fatal(f.err)
	}
	return f
}

func (f *fixture) build() error {
	if fixDir == "" {
		d, err := os.MkdirTemp("", "credwatch-perf-")
		if err != nil {
			return err
		}
		fixDir = d
	}
	f.srv = startSim(f.n)
	f.cache = filepath.Join(fixDir, fmt.Sprintf("cache-%d.db", f.n))
	if _, err := ingest(f.srv.url, f.cache); err != nil {
		return fmt.Errorf("build fixture of %d records: %w", f.n, err)
	}
	// As `credwatch sync --once` does after its pass.
	db, err := store.Open(f.cache, store.Options{})
	if err != nil {
		return err
	}
	fi, _ := os.Stat(f.cache)
	f.synced = fi.Size()
	t0 := time.Now()
	_, err = db.MaybeCompact()
	f.compactTime = time.Since(t0)
	if err := errors.Join(err, db.Close()); err != nil {
		return fmt.Errorf("compact fixture of %d records: %w", f.n, err)
	}
	res, err := rawFetch(f.srv.url)
	if err != nil {
		return err
	}
	f.raw = res.bytes
	return nil
}

// startSim serves a simulator of n records on loopback for the whole run.
func startSim(n int) server {
	s := sim.New(sim.Options{Seed: 1, Records: n, Today: today, Now: now})
	ts := httptest.NewServer(s.Handler())
	return server{url: ts.URL, sim: s, close: ts.Close}
}

// endpoint is the engine's endpoint for the simulator at url.
func endpoint(url string) credsync.Endpoint {
	return credsync.Endpoint{Name: "sim", BaseURL: url, Feeds: feeds, Timeout: time.Minute}
}

// ingest syncs every feed from the simulator at url into a new cache at
// path, as `credwatch sync --once` does (the cache opened shared, not
// exclusive), and returns the number of items stored.
func ingest(url, path string) (int64, error) {
	db, err := store.Open(path, store.Options{})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	eng, err := credsync.New(db, []credsync.Endpoint{endpoint(url)}, credsync.Options{Now: now})
	if err != nil {
		return 0, err
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
		return 0, err
	}
	st, err := db.EndpointStatus("sim")
	return st.Items, err
}

// copyCache copies the fixture's cache to a new file for a benchmark that
// writes to it.
func copyCache(tb testing.TB, src string) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), "cache.db")
	in, err := os.Open(src)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
	return dst
}

// benchBinaries are the binaries the benchmarks of the real binary run
// (the pty and serve benchmarks), by name: this tree built ("") unless
// CREDWATCH_BENCH_BIN lists others (comma-separated paths, named bin0,
// bin1, … in the results), to compare builds on one fixture, side by
// side in one run.
func benchBinaries(tb testing.TB) []struct{ name, path string } {
	v := os.Getenv("CREDWATCH_BENCH_BIN")
	if v == "" {
		return []struct{ name, path string }{{"", buildBinary(tb)}}
	}
	var out []struct{ name, path string }
	for i, p := range strings.Split(v, ",") {
		out = append(out, struct{ name, path string }{fmt.Sprintf("/bin%d", i), p})
	}
	return out
}

// stepSim makes the fixture's simulator change data every 100 ms (as
// `credwatch sim --tick 100ms` does) until the returned function is called.
func stepSim(f *fixture) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				f.srv.sim.Step()
			}
		}
	}()
	return func() { close(quit); <-done }
}
