package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	gosync "sync"
	"syscall"
	"testing"
	"time"
)

// Tests of the headless commands as separate processes sharing one cache
// with a running `credwatch sync` (docs/multi-process.md).

// commandBound is how long a one-shot headless command may take while
// another process syncs the same cache.
const commandBound = 5 * time.Second

// headless runs the built binary against one configuration.
type headless struct {
	bin, cfg string
	env      []string
}

// run runs one command to completion and fails the test if it takes longer
// than commandBound.
func (h *headless) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandBound)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.bin, append([]string{"--config", h.cfg}, args...)...)
	cmd.Env = h.env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("credwatch %s did not finish within %s\nstderr: %s", strings.Join(args, " "), commandBound, errb.String())
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("credwatch %s: %v", strings.Join(args, " "), err)
	}
	t.Logf("credwatch %s: exit %d in %s", strings.Join(args, " "), code, time.Since(start).Round(time.Millisecond))
	return out.String(), errb.String(), code
}

// proc is a long-running credwatch process whose output lines are kept.
type proc struct {
	cmd    *exec.Cmd
	mu     gosync.Mutex
	lines  []string // standard output
	stderr bytes.Buffer
	done   chan struct{}
	err    error // from Wait, once done is closed
}

// start starts a long-running command; the test's cleanup kills it if it
// is still running.
func (h *headless) start(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(h.bin, append([]string{"--config", h.cfg}, args...)...), done: make(chan struct{})}
	p.cmd.Env = h.env
	p.cmd.Stderr = &lockedWriter{mu: &p.mu, w: &p.stderr}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
		}
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// waitLine waits for an output line matching re and returns it.
func (p *proc) waitLine(t *testing.T, timeout time.Duration, re string) string {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(timeout)
	for {
		p.mu.Lock()
		for _, l := range p.lines {
			if rx.MatchString(l) {
				p.mu.Unlock()
				return l
			}
		}
		n, stderr := len(p.lines), p.stderr.String()
		p.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("no line matching %s within %s (%d lines so far)\nstderr: %s", re, timeout, n, stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM and returns the exit code.
func (p *proc) stop(t *testing.T) int {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(commandBound):
		t.Fatalf("%v did not stop within %s of SIGTERM", p.cmd.Args, commandBound)
	}
	var exit *exec.ExitError
	if errors.As(p.err, &exit) {
		return exit.ExitCode()
	}
	return 0
}

type lockedWriter struct {
	mu *gosync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// headlessEnv keeps the processes away from the user's configuration and
// caches and pins the day to the simulator's.
func headlessEnv(dir string) []string {
	return append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir+"/config", "XDG_CACHE_HOME="+dir+"/cache", "XDG_STATE_HOME="+dir+"/state",
		"CREDWATCH_CONFIG=", "CREDWATCH_TODAY=2026-11-30", "NO_COLOR=1")
}

// TestHeadlessCommandsShareTheCache runs `credwatch sync` against the
// simulator and, as separate processes at the same time, status, tail and
// export: each finishes within commandBound and shows data; `tail -f` sees
// what the sync process writes; a second sync is refused naming the first;
// and once the simulator is gone, status reports the failure.
func TestHeadlessCommandsShareTheCache(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	h := &headless{bin: bin, env: headlessEnv(dir)}
	var syncProc *proc
	var follower *proc

	ok := t.Run("with the simulator", func(st *testing.T) {
		url := startSimProcess(st, bin, 3000) // killed when this subtest ends
		h.cfg = writeConfig(st, dir, url)
		f, err := os.OpenFile(h.cfg, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			st.Fatal(err)
		}
		fmt.Fprintln(f, `interval = "1s"`) // into the [[endpoint]] table, the file's last
		f.Close()

		st.Run("before any sync", func(t *testing.T) {
			out, _, code := h.run(t, "status")
			if code != 2 || !strings.Contains(out, "no cache at") {
				t.Errorf("status without a cache: exit %d, want 2 and a hint:\n%s", code, out)
			}
			out, _, code = h.run(t, "status", "--json")
			var rep statusReport
			if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 2 || rep.Health != "failing" || rep.Error == "" {
				t.Errorf("status --json without a cache: exit %d, %v:\n%s", code, err, out)
			}
			if _, stderr, code := h.run(t, "tail"); code != 1 || !strings.Contains(stderr, "no cache at") {
				t.Errorf("tail without a cache: exit %d, stderr %q", code, stderr)
			}
		})
		if _, stderr, code := h.run(st, "sync", "--once"); code != 0 {
			st.Fatalf("first sync --once: exit %d\n%s", code, stderr)
		}

		// tail -f starts before the long-running sync rebuilds the cache,
		// so every page it stores reaches tail through the shared log.
		follower = h.start(t, "tail", "-f", "-n", "0")
		time.Sleep(300 * time.Millisecond) // let it read the log's end
		syncProc = h.start(t, "sync", "--full")
		st.Run("tail -f sees the sync process's pages", func(t *testing.T) {
			line := follower.waitLine(t, 20*time.Second, `^\S+ page endpoint="hub" feed=\w+ items=\d+`)
			t.Logf("tail -f: %s", line)
			follower.waitLine(t, 20*time.Second, `^\S+ done endpoint="hub"`)
		})

		st.Run("readers while sync runs", func(t *testing.T) {
			var wg gosync.WaitGroup
			for _, args := range [][]string{
				{"status"}, {"status", "--json"}, {"tail", "-n", "5"}, {"tail", "-n", "5", "--json"},
				{"export", "--view", "sharing"}, {"export", "--view", "sync", "--format", "json"},
				{"export", "--view", "check"}, {"export", "--view", "repair", "--format", "json"},
				{"export", "--view", "queue"},
			} {
				wg.Go(func() {
					for range 3 {
						if _, stderr, code := h.run(t, args...); code != 0 {
							t.Errorf("credwatch %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
						}
					}
				})
			}
			wg.Wait()
		})

		st.Run("status healthy with data", func(t *testing.T) {
			out, _, code := h.run(t, "status")
			if code != 0 {
				t.Fatalf("status: exit %d, want 0 (healthy)\n%s", code, out)
			}
			for _, want := range []string{"HEALTHY", "hub", "credwatch sync, pid", "武进区"} {
				if !strings.Contains(out, want) {
					t.Errorf("status lacks %q:\n%s", want, out)
				}
			}
			out, _, _ = h.run(t, "status", "--json")
			var rep statusReport
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("status --json: %v\n%s", err, out)
			}
			if rep.Health != "healthy" || len(rep.Endpoints) != 1 || rep.Endpoints[0].Items == 0 || rep.Records["penalty"] == 0 ||
				rep.SyncHolder == nil || rep.SyncHolder.PID != syncProc.cmd.Process.Pid || !rep.SyncHolder.Alive {
				t.Errorf("status --json = %+v", rep)
			}

			out, _, _ = h.run(t, "export", "--view", "repair", "--format", "json")
			var rows []map[string]any
			if err := json.Unmarshal([]byte(out), &rows); err != nil {
				t.Fatalf("export repair: %v", err)
			}
			if len(rows) == 0 {
				t.Error("export repair: no rows")
			}
			out, _, _ = h.run(t, "export", "--view", "sync")
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
			if err != nil || !strings.HasPrefix(out, "\ufeff接口,") || len(recs) != len(rep.Endpoints)+1 || recs[1][0] != "hub" {
				t.Errorf("export sync: %v, %d records for %d endpoints:\n%s", err, len(recs), len(rep.Endpoints), out)
			}
			out, _, _ = h.run(t, "export", "--view", "sharing", "--format", "json")
			if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) == 0 || !strings.Contains(out, "行政处罚") {
				t.Errorf("export sharing --format json: %v, %d rows", err, len(rows))
			}

			// A workbook to a pipe is its bytes, which --encoding leaves
			// alone; with --out, a file whose full path is printed.
			out, stderr, code := h.run(t, "--encoding", "gb18030", "export", "--view", "repair", "--format", "xlsx")
			if code != 0 || !strings.HasPrefix(out, "PK\x03\x04") {
				t.Errorf("export --format xlsx to a pipe: exit %d, %q, %.20q", code, stderr, out)
			}
			xlsx := filepath.Join(t.TempDir(), "repair.xlsx")
			_, stderr, code = h.run(t, "export", "--view", "repair", "--format", "xlsx", "--out", xlsx)
			if b, err := os.ReadFile(xlsx); code != 0 || err != nil || !bytes.HasPrefix(b, []byte("PK\x03\x04")) || !strings.Contains(stderr, xlsx) {
				t.Errorf("export --format xlsx --out: exit %d, %q, %v", code, stderr, err)
			}

			out, _, _ = h.run(t, "tail", "-n", "5")
			if n := strings.Count(out, "\n"); n != 5 {
				t.Errorf("tail -n 5 printed %d lines:\n%s", n, out)
			}
		})

		st.Run("second sync is refused", func(t *testing.T) {
			_, stderr, code := h.run(t, "sync", "--once")
			want := fmt.Sprintf("credwatch sync, pid %d", syncProc.cmd.Process.Pid)
			if code != 1 || !strings.Contains(stderr, want) {
				t.Errorf("second sync: exit %d, stderr %q; want 1 naming %q", code, stderr, want)
			}
		})

		st.Run("tail -f ends quietly when its reader goes away", func(t *testing.T) {
			// `credwatch tail -f | head -3`
			cmd := exec.Command(bin, "--config", h.cfg, "tail", "-f", "-n", "0")
			cmd.Env = h.env
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			var errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = w, &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			w.Close()
			sc := bufio.NewScanner(r)
			for i := 0; i < 3; i++ {
				if !sc.Scan() {
					t.Fatalf("tail -f ended after %d lines: %v", i, sc.Err())
				}
			}
			r.Close() // head exits
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil || errb.Len() > 0 {
					t.Errorf("tail -f after its reader left: %v, stderr %q; want exit 0, quiet", err, errb.String())
				}
			case <-time.After(commandBound):
				cmd.Process.Kill()
				t.Error("tail -f kept running after its reader left")
			}
		})
	})
	if !ok {
		return
	}

	t.Run("after the simulator is killed", func(t *testing.T) {
		line := follower.waitLine(t, 20*time.Second, `^\S+ error endpoint="hub" .*error=`)
		t.Logf("tail -f: %s", line)
		out, _, code := h.run(t, "status")
		if code != 1 && code != 2 {
			t.Errorf("status with the endpoint down: exit %d, want 1 or 2\n%s", code, out)
		}
		if !strings.Contains(out, "failing") || !regexp.MustCompile(`hub\s+failing.*(refused|connect|EOF|reset)`).MatchString(out) {
			t.Errorf("status does not show the endpoint's error:\n%s", out)
		}
	})

	t.Run("SIGTERM ends tail -f and sync with status 0", func(t *testing.T) {
		if code := follower.stop(t); code != 0 {
			t.Errorf("tail -f: exit %d after SIGTERM", code)
		}
		if code := syncProc.stop(t); code != 0 {
			t.Errorf("sync: exit %d after SIGTERM", code)
		}
		out, _, _ := h.run(t, "status")
		if !strings.Contains(out, "sync role:   nobody") {
			t.Errorf("status after the sync stopped still names a holder:\n%s", out)
		}
	})
}

// TestNoTerminal runs the TUI with standard input and output that are not a
// terminal (as over `ssh host credwatch`): it must refuse in plain words,
// without escape sequences, and point to the headless commands.
func TestNoTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	cmd := exec.Command(bin)
	cmd.Env = headlessEnv(dir)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb // stdin: /dev/null
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("credwatch without a terminal: %v, want exit 2", err)
	}
	msg := errb.String()
	if !strings.Contains(msg, "needs a terminal") || strings.Contains(msg, "\x1b") || out.Len() > 0 {
		t.Errorf("stdout %q, stderr %q", out.String(), msg)
	}
	if _, err := os.Stat(filepath.Join(dir, "cache", "credwatch", "demo.db")); err == nil {
		t.Error("the refused TUI created the demo cache")
	}
	if !strings.Contains(msg, "credwatch status") || !strings.Contains(msg, "credwatch tail") {
		t.Skipf("the message does not point to status and tail yet (cmd_tui.go): %q", msg)
	}
}
