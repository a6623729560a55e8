package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/czyj/credwatch/store"
)

// startSimProcess runs `credwatch sim` on a free loopback port with no ticks
// (so the data stands still) and returns its base URL.
func startSimProcess(t *testing.T, bin string, records int) string {
	t.Helper()
	url, _ := startSimAt(t, bin, "127.0.0.1:0", records)
	return url
}

// startSimAt runs `credwatch sim` on listen (seed 5, today 2026-11-30, no
// ticks) and returns its base URL and a function that stops it (also
// called when the test ends).
func startSimAt(t *testing.T, bin, listen string, records int, extra ...string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	args := append([]string{"sim", "--listen", listen, "--records", fmt.Sprint(records),
		"--seed", "5", "--today", "2026-11-30", "--tick", "0s"}, extra...) // a later --seed wins
	cmd := exec.CommandContext(ctx, bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once gosync.Once
	stop := func() { once.Do(func() { cancel(); cmd.Wait() }) }
	t.Cleanup(stop)
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		re := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
		for sc.Scan() {
			if u := re.FindString(sc.Text()); u != "" {
				urls <- u
				break
			}
		}
		for sc.Scan() {
		}
	}()
	select {
	case u := <-urls:
		return u, stop
	case <-time.After(60 * time.Second):
		t.Fatal("simulator did not print its URL")
	}
	return "", stop
}

func writeConfig(t *testing.T, dir, url string) string {
	t.Helper()
	cfg := filepath.Join(dir, "config.toml")
	body := fmt.Sprintf(`cache = %q
[[endpoint]]
name = "hub"
base_url = %q
feeds = ["licence", "penalty", "coercion", "reward", "inspection", "sharing", "repair"]
page_size = 250
`, filepath.Join(dir, "cache.db"), url)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func digestOf(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := db.Digest()
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range s.Counts { // aggregates must agree with the records too
		d["count/"+string(k)] = fmt.Sprint(n)
	}
	return d
}

// TestCrashMidSyncLeavesConsistentCache kills `credwatch sync` with SIGKILL
// several times while it syncs a large simulated data set, then lets it
// finish, and compares the cache with one from an uninterrupted sync: no
// record lost or duplicated, cursors and aggregates consistent.
func TestCrashMidSyncLeavesConsistentCache(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test runs the real binary")
	}
	bin := buildBinary(t)
	url := startSimProcess(t, bin, 40000)
	crashed, clean := t.TempDir(), t.TempDir()
	crashedCfg, cleanCfg := writeConfig(t, crashed, url), writeConfig(t, clean, url)

	env := append(os.Environ(), "CREDWATCH_TODAY=2026-11-30")
	rng := rand.New(rand.NewPCG(1, 2))
	kills := 0
	var progress []int // records in the crashed cache after each kill
	for i := 0; i < 5; i++ {
		cmd := exec.Command(bin, "--config", crashedCfg, "--log-level", "debug", "sync", "--once")
		cmd.Env = env
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill at a random moment after the first page is stored, not at a
		// fixed time from start: on a loaded machine the start alone may
		// take longer than any fixed delay.
		firstPage, drained := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(drained)
			sc, seen := bufio.NewScanner(stderr), false
			for sc.Scan() {
				if !seen && strings.Contains(sc.Text(), "page stored") {
					seen = true
					close(firstPage)
				}
			}
			if !seen {
				close(firstPage)
			}
		}()
		select {
		case <-firstPage:
		case <-time.After(30 * time.Second):
		}
		time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
		if err := cmd.Process.Kill(); err == nil {
			kills++
		}
		<-drained // the pipe's reads end before Wait closes it
		if err := cmd.Wait(); err == nil {
			t.Logf("run %d finished before the kill", i)
		}
		progress = append(progress, recordsIn(t, filepath.Join(crashed, "cache.db")))
	}
	if kills < 3 {
		t.Fatalf("only %d of 5 runs were killed mid-sync", kills)
	}
	for _, cfg := range []string{crashedCfg, cleanCfg} {
		cmd := exec.Command(bin, "--config", cfg, "sync", "--once")
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("sync --once: %v\n%s", err, out)
		}
	}
	got, want := digestOf(t, filepath.Join(crashed, "cache.db")), digestOf(t, filepath.Join(clean, "cache.db"))
	if len(want) < 6 {
		t.Fatalf("digest has %d parts", len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s differs after %d kills: crashed %s, clean %s", k, kills, got[k], w)
		}
	}
	total := recordsIn(t, filepath.Join(clean, "cache.db"))
	partial := 0
	for _, n := range progress {
		if n > 0 && n < total {
			partial++
		}
	}
	if partial == 0 {
		t.Errorf("no kill landed mid-sync (records after each kill: %v of %d)", progress, total)
	}
	t.Logf("%d kills, records after each: %v of %d", kills, progress, total)

	// sync --full re-walks every feed keeping the cache: killed part way,
	// again and again, it never leaves fewer records; a plain pass then
	// resumes the walks and ends with the same cache.
	fullKills, midWalk := 0, 0
	var during []int
	for i := 0; i < 5; i++ {
		cmd := exec.Command(bin, "--config", crashedCfg, "sync", "--once", "--full")
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+rng.IntN(600)) * time.Millisecond)
		if err := cmd.Process.Kill(); err == nil {
			fullKills++
		}
		cmd.Wait()
		n := recordsIn(t, filepath.Join(crashed, "cache.db"))
		during = append(during, n)
		if walksIn(t, filepath.Join(crashed, "cache.db")) > 0 {
			midWalk++
		}
		if n != total {
			t.Errorf("sync --full killed after %d: %d records, %d before it began", i, n, total)
		}
	}
	cmd := exec.Command(bin, "--config", crashedCfg, "sync", "--once")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sync --once after the --full kills: %v\n%s", err, out)
	}
	got = digestOf(t, filepath.Join(crashed, "cache.db"))
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s differs after %d kills of sync --full: crashed %s, clean %s", k, fullKills, got[k], w)
		}
	}
	if midWalk == 0 {
		t.Errorf("no kill of sync --full landed mid-walk: the drill proves nothing")
	}
	t.Logf("%d kills of sync --full (%d mid-walk), records after each: %v of %d", fullKills, midWalk, during, total)
}

// walksIn counts the feeds whose re-walk is in progress in the cache.
func walksIn(t *testing.T, path string) int {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w, err := db.Rewalks()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, feeds := range w {
		n += len(feeds)
	}
	return n
}

func recordsIn(t *testing.T, path string) int {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		return 0
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range s.Counts {
		n += c
	}
	return n
}

// --today moves the business date only: a sync run with a pinned day
// dates what it stores on the wall clock, so a later `status` without the
// pin finds every endpoint fresh, not days stale.
func TestPinnedDayNeverDatesStoredTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	bin := buildBinary(t)
	url := startSimProcess(t, bin, 300) // the simulator's day is 2026-11-30
	dir := t.TempDir()
	cfg := writeConfig(t, dir, url)
	run := func(env []string, args ...string) (string, int) {
		cmd := exec.Command(bin, append([]string{"--config", cfg}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	base := slices.DeleteFunc(os.Environ(), func(s string) bool { return strings.HasPrefix(s, "CREDWATCH_TODAY=") })
	if out, code := run(append(base, "CREDWATCH_TODAY=2026-11-30"), "sync", "--once"); code != 0 {
		t.Fatalf("sync --once with a pinned day: exit %d\n%s", code, out)
	}
	before := time.Now()
	out, code := run(base, "status", "--json")
	var rep statusReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	if code != 0 || rep.Health != "healthy" || len(rep.Endpoints) != 1 || rep.Endpoints[0].LastSuccess == nil ||
		before.Sub(*rep.Endpoints[0].LastSuccess) > time.Minute {
		t.Errorf("status without the pin after a pinned sync: exit %d, %s (%s), endpoints %+v", code, rep.Health, rep.Reason, rep.Endpoints)
	}
}

// One truth: on a synced cache the figures `check --json` reports equal
// the rows `export` writes for the same view (the sharing list's overdue
// and late columns, for every kind; the drill-down rows of each check line
// that names records), and `status --json` agrees with the check's
// endpoint line.
func TestFiguresAgreeAcrossCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	bin := buildBinary(t)
	for _, c := range []struct {
		seed, records int
	}{{5, 3000}, {11, 800}, {23, 6000}} {
		t.Run(fmt.Sprintf("seed %d, %d records", c.seed, c.records), func(t *testing.T) {
			// Invalid items make quarantine; later ticks withdraw records.
			url, _ := startSimAt(t, bin, "127.0.0.1:0", c.records, "--seed", fmt.Sprint(c.seed), "--faults", "invalid=0.01")
			figuresAgree(t, bin, url)
		})
	}
}

func figuresAgree(t *testing.T, bin, url string) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, url)
	env := append(os.Environ(), "CREDWATCH_TODAY=2026-11-30")
	run := func(args ...string) []byte {
		cmd := exec.Command(bin, append([]string{"--config", cfg}, args...)...)
		cmd.Env = env
		out, err := cmd.Output()
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			t.Fatal(err)
		}
		return out
	}
	run("sync", "--once")
	var check struct {
		Items []struct {
			ID    string   `json:"id"`
			Count int      `json:"count"`
			Keys  []string `json:"keys"`
		} `json:"items"`
	}
	if err := json.Unmarshal(run("check", "--json"), &check); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, it := range check.Items {
		count[it.ID] = it.Count
		if len(it.Keys) > 0 && len(it.Keys) != it.Count {
			t.Errorf("check line %s counts %d but names %d records", it.ID, it.Count, len(it.Keys))
		}
	}
	var rows []map[string]any
	if err := json.Unmarshal(run("export", "--view", "sharing", "--format", "json"), &rows); err != nil {
		t.Fatal(err)
	}
	// Counts are JSON numbers (null where the reckoning is unknown).
	num := func(v any) int {
		f, _ := v.(float64)
		return int(f)
	}
	overdue, late, kinds := 0, 0, map[string]bool{}
	for _, r := range rows {
		overdue += num(r["overdue"])
		late += num(r["late"])
		if num(r["overdue"]) > 0 {
			kinds[fmt.Sprint(r["kind"])] = true
		}
	}
	if overdue != count["disclosure-overdue"] || late != count["disclosure-late"] {
		t.Errorf("export sharing: overdue %d, late %d; check: %d, %d", overdue, late, count["disclosure-overdue"], count["disclosure-late"])
	}
	if overdue == 0 || len(kinds) < 2 {
		t.Errorf("overdue %d over kinds %v: the data set proves nothing", overdue, kinds)
	}
	staleDepts := map[string]bool{}
	for _, r := range rows {
		if s, _ := r["push_state"].(string); s != "" {
			staleDepts[fmt.Sprint(r["dept"])] = true
		}
	}
	if len(staleDepts) != count["push-stale"] {
		t.Errorf("export sharing: %d departments with a stale push; check: %d", len(staleDepts), count["push-stale"])
	}
	var st statusReport
	if err := json.Unmarshal(run("status", "--json"), &st); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for _, e := range st.Endpoints {
		if e.State == "failing" || e.State == "incomplete" || e.State == "never" {
			bad++
		}
	}
	if bad != count["endpoints"] {
		t.Errorf("status: %d endpoints failing or incomplete; check's endpoint line: %d", bad, count["endpoints"])
	}
}
