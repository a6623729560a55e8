package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	gosync "sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// BenchmarkServeSessions measures `credwatch serve` as a bureau meets it
// (issue 20): the real binary on a cache of each size, its sync engine
// running against the fixture's simulator, and N officers' terminal
// sessions opened one after another over SSH (x/crypto/ssh clients, a PTY
// of 100x30 each). It reports
//
//   - rss-1-MB, rss-N-MB: the server's resident memory (VmRSS) with one
//     and with N sessions open, each reading taken once the session has
//     read the whole cache (benchTerm.loaded), and peak-MB its high-water
//     mark (VmHWM);
//   - per-session-MB: (rss-N - rss-1) / (N - 1);
//   - rss-N-settled-MB, per-session-settled-MB: the same once the server
//     has settled (settle after the first session's load, and after the
//     key presses with all N open): what the bureau's server holds while
//     its officers work, after the scavenger returned superseded memory
//     (settled1 is read before the data changes, rss-N-settled after: it
//     counts what the changes hold too);
//   - per-session-still-MB: the same with both readings settled before
//     the data changes: what each session itself holds;
//   - first-frame-ms: from the last session's request of a shell to its
//     daily check on screen, with its results (the counts 未通过 n  注意 n
//     ... that only the check data brings, not the empty table's header
//     that the view draws before it has read anything) — the first frame
//     of a session with N-1 others open;
//   - key-p50-ms, key-p99-ms: with all N open, a tab key sent on one
//     session until the text that tab shows arrives (presses of them,
//     100 ms apart, alternating 每日核查 and 数据共享清单), while the
//     others stay open and the sync runs: the simulator changes data every
//     100 ms and the server's passes (every 2 s) bring the changes in, so
//     every session reloads new generations meanwhile;
//   - key-window-cores: the server's CPU time (user and system) over the
//     key presses, in cores (on Linux; 0 elsewhere).
//
// The server's endpoint is the fixture's (endpoint: the cache holds its
// cursors), so its passes are incremental, as a bureau's server runs every
// day. CREDWATCH_BENCH_SERVE_REWALK=1 names it anew instead: the server
// has no cursor for it and walks every feed from the start, rewriting
// nothing that is unchanged (a resync, as after an agency forgot its
// cursors), through the whole of the session opens and the key presses.
//
// N is CREDWATCH_BENCH_SESSIONS (default 4, so that CI's -benchtime=1x
// stays quick; docs/PERFORMANCE.md runs 32). CREDWATCH_BENCH_BIN=old,new
// runs the builds named one after the other on one fixture;
// CREDWATCH_BENCH_SERVE_CPUPROFILE=prefix writes each run's CPU profile of
// the server to prefix.N (the server is then stopped with SIGTERM, so
// that it writes it); CREDWATCH_BENCH_SERVE_TRACE=prefix an execution trace
// of the server during the key presses to prefix.N (go tool trace).
func BenchmarkServeSessions(b *testing.B) {
	n := 4
	if v := os.Getenv("CREDWATCH_BENCH_SESSIONS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 2 {
			b.Fatalf("CREDWATCH_BENCH_SESSIONS=%q: want a number of sessions, at least 2", v)
		}
	}
	if testing.Short() {
		b.Skip("runs the real binary")
	}
	bins := benchBinaries(b)
	for _, size := range sizes() {
		for _, bin := range bins {
			b.Run(sizeName(size)+bin.name, func(b *testing.B) {
				f := getFixture(b, size)
				for range b.N {
					serveSessions(b, bin.path, f, n)
				}
			})
		}
	}
}

func serveSessions(b *testing.B, bin string, f *fixture, n int) {
	dir := b.TempDir()
	cache := copyCache(b, f.cache)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var keys bytes.Buffer
	signers := make([]gossh.Signer, n)
	for i := range signers {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		if signers[i], err = gossh.NewSignerFromKey(priv); err != nil {
			b.Fatal(err)
		}
		role := `credwatch-role="admin"`
		if i%2 == 1 { // half the officers see one district: a scoped view
			role = `credwatch-role="officer",credwatch-depts="320412"`
		}
		fmt.Fprintf(&keys, "credwatch-name=\"值班员%d\",%s %s", i, role, gossh.MarshalAuthorizedKey(signers[i].PublicKey()))
	}
	name := endpoint(f.srv.url).Name
	if os.Getenv("CREDWATCH_BENCH_SERVE_REWALK") == "1" {
		name = "hub"
	}
	cfg := filepath.Join(dir, "config.toml")
	body := fmt.Sprintf(`cache = %q
[[endpoint]]
name = %q
base_url = %q
feeds = ["licence", "penalty", "coercion", "reward", "inspection", "sharing", "repair"]
interval = "2s"
[serve]
listen = %q
host_key = %q
authorized_keys = %q
max_sessions = %d
max_sessions_per_key = 2
`, cache, name, f.srv.url, addr, filepath.Join(dir, "host_key"), filepath.Join(dir, "authorized_keys"), n+4)
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), keys.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		b.Fatal(err)
	}
	var stderr lockedBuffer
	srv := exec.Command(bin, "--config", cfg, "--today", today.String(), "serve")
	srv.Env = append(os.Environ(), "HOME="+dir)
	prof := os.Getenv("CREDWATCH_BENCH_SERVE_CPUPROFILE")
	if prof != "" {
		prof = fmt.Sprintf("%s.%d", prof, time.Now().UnixNano())
		srv.Env = append(srv.Env, "CREDWATCH_CPUPROFILE="+prof)
	}
	trc := os.Getenv("CREDWATCH_BENCH_SERVE_TRACE")
	if trc != "" {
		trc = fmt.Sprintf("%s.%d", trc, time.Now().UnixNano())
		srv.Env = append(srv.Env, "CREDWATCH_TRACE="+trc)
	}
	srv.Stderr = &stderr
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		if prof != "" {
			srv.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { srv.Wait(); close(done) }()
			select {
			case <-done:
				b.Logf("CPU profile: %s", prof)
				return
			case <-time.After(30 * time.Second):
				b.Errorf("serve did not stop within 30 s of SIGTERM")
			}
		}
		srv.Process.Kill()
		srv.Wait()
	}()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("serve did not listen on %s\n%s", addr, stderr.String())
		}
	}

	b.ResetTimer()
	var sessions []*benchTerm
	defer func() {
		for _, s := range sessions {
			s.close()
		}
	}()
	var rss1, rssN, settled1 float64
	var lastFirst time.Duration
	for i := range n {
		s, first := openBenchTerm(b, addr, signers[i])
		sessions = append(sessions, s)
		lastFirst = first
		s.loaded(b)
		rss, _ := procMemMB(srv.Process.Pid)
		if i == 0 {
			rss1 = rss
			time.Sleep(settle)
			settled1, _ = procMemMB(srv.Process.Pid)
		}
		rssN = rss
	}
	// Settled again with all N open, before the data changes: the
	// sessions' own share, in the same state of the data as settled1.
	time.Sleep(settle)
	settledStill, _ := procMemMB(srv.Process.Pid)
	// The keys are pressed while the agency changes data (the simulator
	// steps every 100 ms) and the server's sync passes, every 2 s, bring
	// the changes in: every session then reloads a new generation.
	stop := stepSim(f)
	if trc != "" {
		traceWindow(srv.Process, true)
	}
	var took []time.Duration
	s := sessions[0]
	window := time.Now()
	cpu0 := procCPU(srv.Process.Pid)
	for i := range presses {
		key, want := "2", "归集"
		if i%2 == 1 {
			key, want = "1", "检查项"
		}
		at := time.Since(window)
		d := s.press(b, key, want)
		took = append(took, d)
		if trc != "" { // each key's start from the trace window's
			b.Logf("%q %.1f ms (at %.3f s)", key, float64(d.Microseconds())/1000, at.Seconds())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cores := (procCPU(srv.Process.Pid) - cpu0).Seconds() / time.Since(window).Seconds()
	stop()
	if trc != "" {
		traceWindow(srv.Process, false)
		b.Logf("trace of the key presses: %s", trc)
	}
	b.StopTimer()
	time.Sleep(settle)
	settledN, hwm := procMemMB(srv.Process.Pid)
	b.Logf("key to frame, in the order pressed (ms): %v", roundedMS(took))
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(rss1, "rss-1-MB")
	b.ReportMetric(rssN, fmt.Sprintf("rss-%d-MB", n))
	b.ReportMetric(hwm, "peak-MB")
	b.ReportMetric((rssN-rss1)/float64(n-1), "per-session-MB")
	b.ReportMetric(settledN, fmt.Sprintf("rss-%d-settled-MB", n))
	b.ReportMetric((settledN-settled1)/float64(n-1), "per-session-settled-MB")
	b.ReportMetric((settledStill-settled1)/float64(n-1), "per-session-still-MB")
	b.ReportMetric(ms(lastFirst), "first-frame-ms")
	b.ReportMetric(ms(took[len(took)/2]), "key-p50-ms")
	b.ReportMetric(ms(took[len(took)*99/100]), "key-p99-ms")
	b.ReportMetric(cores, "key-window-cores")
}

// procCPU returns the CPU time a process has used, user and system (0
// where /proc has no stat file: not Linux).
func procCPU(pid int) time.Duration {
	body, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command's name, which is in parentheses and
	// may hold spaces: state is the first, utime the 12th, stime the 13th.
	f := strings.Fields(string(body[bytes.LastIndexByte(body, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / clockTicks
}

// clockTicks is the unit of /proc/PID/stat's times (USER_HZ: 100 on
// Linux everywhere).
const clockTicks = 100

// roundedMS returns ds in whole milliseconds, for a log line.
func roundedMS(ds []time.Duration) []int64 {
	out := make([]int64, len(ds))
	for i, d := range ds {
		out[i] = d.Milliseconds()
	}
	return out
}

// presses is how many tab keys the benchmark times, 100 ms apart: about
// ten seconds, five of the server's sync passes with changes.
const presses = 80

// settle is how long the benchmark waits before its settled readings of
// the server's RSS: the server hands a superseded generation's memory back
// a second after the sessions' loads go quiet (tui/serve scavenger).
const settle = 3 * time.Second

// procMemMB returns a process's VmRSS and VmHWM in MB (0 where /proc has
// none: not Linux).
func procMemMB(pid int) (rss, hwm float64) {
	v := procStatusMB(pid)
	return v["VmRSS"], v["VmHWM"]
}

// procStatusMB returns the sizes /proc/PID/status gives in kB (VmRSS,
// VmHWM, RssAnon, RssFile, ...) in MB, by name; nil where there is no
// such file (the process has gone, or this is not Linux).
func procStatusMB(pid int) map[string]float64 {
	body, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil
	}
	v := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[2] == "kB" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			v[strings.TrimSuffix(f[0], ":")] = kb / 1024
		}
	}
	return v
}

// benchTerm is one SSH terminal session whose output is kept, so that a
// measurement can wait for a text to arrive.
type benchTerm struct {
	client *gossh.Client
	sess   *gossh.Session
	in     interface{ Write([]byte) (int, error) }
	mu     gosync.Mutex
	out    []byte
	seen   int // the output before this offset is what earlier waits consumed
	more   chan struct{}
}

func (t *benchTerm) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.out = append(t.out, p...)
	t.mu.Unlock()
	select {
	case t.more <- struct{}{}:
	default:
	}
	return len(p), nil
}

// openBenchTerm logs in with signer, asks for a PTY and a shell, and waits
// for the daily check; it returns the session and how long that took from
// the shell request.
func openBenchTerm(b *testing.B, addr string, signer gossh.Signer) (*benchTerm, time.Duration) {
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "duty", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 30 * time.Second})
	if err != nil {
		b.Fatalf("ssh: %v", err)
	}
	sess, err := c.NewSession()
	if err != nil {
		b.Fatal(err)
	}
	t := &benchTerm{client: c, sess: sess, more: make(chan struct{}, 1)}
	sess.Stdout = t
	if t.in, err = sess.StdinPipe(); err != nil {
		b.Fatal(err)
	}
	if err := sess.Setenv("LANG", "zh_CN.UTF-8"); err != nil {
		b.Logf("setenv: %v", err)
	}
	if err := sess.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
		b.Fatal(err)
	}
	began := time.Now()
	if err := sess.Shell(); err != nil {
		b.Fatal(err)
	}
	t.waitFor(b, checkReady, 5*time.Minute)
	return t, time.Since(began)
}

// checkReady is the daily check's summary once the check data is read;
// repairsRead the repair tab's once the penalties are (the view shows
// 处罚 0 条 before it has read any).
var (
	checkReady  = regexp.MustCompile(`未通过 \d+  注意 \d+`)
	repairsRead = regexp.MustCompile(`处罚 [1-9]\d* 条`)
)

// loaded returns once the session has read the whole cache, not only
// what its first frame needs: its repair tab shows its totals, which the
// full read brings; then it is back on the daily check. The server's RSS
// is read after this, so that it counts what a session holds once it has
// loaded.
func (t *benchTerm) loaded(b *testing.B) {
	for _, k := range []struct {
		key  string
		want *regexp.Regexp
	}{{"4", repairsRead}, {"1", checkReady}} {
		t.mu.Lock()
		t.seen = len(t.out)
		t.mu.Unlock()
		if _, err := t.in.Write([]byte(k.key)); err != nil {
			b.Fatal(err)
		}
		t.waitFor(b, k.want, 5*time.Minute)
	}
}

// press sends key and returns how long until want arrived after it.
func (t *benchTerm) press(b *testing.B, key, want string) time.Duration {
	t.mu.Lock()
	t.seen = len(t.out)
	t.mu.Unlock()
	began := time.Now()
	if _, err := t.in.Write([]byte(key)); err != nil {
		b.Fatal(err)
	}
	t.wait(b, want, 10*time.Second)
	return time.Since(began)
}

// wait returns when want has arrived since the last press.
func (t *benchTerm) wait(b *testing.B, want string, timeout time.Duration) {
	t.waitFor(b, regexp.MustCompile(regexp.QuoteMeta(want)), timeout)
}

// waitFor returns when text matching want has arrived since the last
// press.
func (t *benchTerm) waitFor(b *testing.B, want *regexp.Regexp, timeout time.Duration) {
	deadline := time.After(timeout)
	for {
		t.mu.Lock()
		got := want.Match(t.out[t.seen:])
		t.mu.Unlock()
		if got {
			return
		}
		select {
		case <-t.more:
		case <-deadline:
			t.mu.Lock()
			tail := t.out[max(0, len(t.out)-2000):]
			t.mu.Unlock()
			b.Fatalf("%s did not arrive within %s; last output %q", want, timeout, tail)
		}
	}
}

func (t *benchTerm) close() {
	t.sess.Close()
	t.client.Close()
}
