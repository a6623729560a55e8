package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/csv"
	"fmt"
	"github.com/xuri/excelize/v2"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/store/audit"
	credsync "github.com/czyj/credwatch/sync"
	"github.com/czyj/credwatch/sync/sim"
	"github.com/czyj/credwatch/tui/serve"
	gossh "golang.org/x/crypto/ssh"
)

// Tests of `credwatch serve` as this command wires it: the server
// (tui/serve, whose own tests cover the gate, keys, sessions and shutdown)
// with credwatch's commands and view over SSH.

// serveFixture is a running `credwatch serve` on loopback over a cache
// synced from a small simulator, with four officers' keys.
type serveFixture struct {
	addr     string
	db       *store.DB
	hostKey  gossh.PublicKey
	keys     map[string]gossh.Signer // officer, readonly, admin, stranger
	lines    map[string]string       // the keys file line of each but stranger
	keysPath string
	auditDir string
	log      *lockedBuffer // the server's standard error
	stop     func()        // SIGTERM: ends the server and waits for it
	stopped  time.Duration // how long stop took
	srv      *serve.Server
}

const serveToday = "2026-11-30" // a Monday

// serveOpts change the fixture's [serve] table.
type serveOpts struct {
	idle        string // idle_timeout; default 10m
	maxSessions int    // default 8
	perKey      int    // max_sessions_per_key; default 4
	handshake   string // handshake_timeout; default 30s
	unauth      int    // max_unauthenticated; default 64
	keep        bool   // keep_keys_on_error
	extra       int    // more officer keys of 320412, named extra0, extra1, ...
	exempt      string // backoff_exempt, one network
}

func startServe(t *testing.T) *serveFixture { return startServeWith(t, serveOpts{}) }

func startServeWith(t *testing.T, o serveOpts) *serveFixture {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", t.TempDir()) // each test's officers' views start afresh
	if o.idle == "" {
		o.idle = "10m"
	}
	if o.maxSessions == 0 {
		o.maxSessions = 8
	}
	if o.perKey == 0 {
		o.perKey = 4
	}
	if o.handshake == "" {
		o.handshake = "30s"
	}
	if o.unauth == 0 {
		o.unauth = 64
	}
	today := credit.MustDate(serveToday)
	simSrv := httptest.NewServer(sim.New(sim.Options{Seed: 3, Records: 600, Today: today}).Handler())
	t.Cleanup(simSrv.Close)
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache.db")
	db, err := store.Open(cache, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eps := []credsync.Endpoint{{Name: "hub", BaseURL: simSrv.URL, Feeds: credit.Feeds}}
	seed := &app{today: today}
	eng, err := credsync.New(db, eps, credsync.Options{Now: time.Now, ServerClock: seed.now}) // stored times on the wall clock, as credwatch does
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "config.toml")
	cfg := "cache = \"" + cache + "\"\n[[endpoint]]\nname = \"hub\"\nbase_url = \"" + simSrv.URL + "\"\nfeeds = [\"penalty\", \"licence\", \"sharing\", \"repair\"]\n" +
		"[serve]\nhost_key = \"" + filepath.Join(dir, "state", "host_key") + "\"\nauthorized_keys = \"" + filepath.Join(dir, "authorized_keys") + "\"\n" +
		fmt.Sprintf("idle_timeout = %q\nmax_sessions = %d\nmax_sessions_per_key = %d\nhandshake_timeout = %q\nmax_unauthenticated = %d\nkeep_keys_on_error = %v\nbackoff_exempt = [%s]\n", o.idle, o.maxSessions, o.perKey, o.handshake, o.unauth, o.keep, o.exempt)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := newApp(globals{config: cfgPath, today: serveToday}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	f := &serveFixture{db: db, keys: map[string]gossh.Signer{}, lines: map[string]string{}}
	var lines []string
	who := []struct{ name, opts string }{
		{"officer", `credwatch-name="张三",credwatch-role="officer",credwatch-depts="320412"`},
		{"readonly", `credwatch-name="李四",credwatch-role="read-only",credwatch-depts="320412"`},
		{"admin", `credwatch-name="王五",credwatch-role="admin"`},
		{"stranger", ""},
	}
	for i := range o.extra {
		who = append(who, struct{ name, opts string }{fmt.Sprintf("extra%d", i), fmt.Sprintf(`credwatch-name="值班%d",credwatch-role="officer",credwatch-depts="320412"`, i)})
	}
	for _, k := range who {
		_, priv, _ := ed25519.GenerateKey(rand.Reader)
		signer, err := gossh.NewSignerFromKey(priv)
		if err != nil {
			t.Fatal(err)
		}
		f.keys[k.name] = signer
		if k.opts != "" {
			line := k.opts + " " + strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey()))) + " " + k.name + "@duty-pc"
			f.lines[k.name] = line
			lines = append(lines, line)
		}
	}
	if err := os.WriteFile(a.cfg.Serve.AuthorizedKeys, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sc, err := a.cfg.Serve.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	f.log = &lockedBuffer{}
	a.stderr = f.log
	if a.log, err = newLogger(f.log, "text", "debug", func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	f.keysPath = sc.AuthorizedKeys
	f.auditDir = filepath.Join(dir, "audit")
	al, err := audit.Open(f.auditDir, sc.AuditRetentionDays)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { al.Close() })
	f.srv, err = serve.New(a.serveConfig(db, al, sc))
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(sc.HostKey); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key: %v, mode %v; want a file 0600", err, fi.Mode())
	}
	f.hostKey = f.srv.HostKey()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.addr = ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.srv.Serve(ctx, ln) }()
	var once sync.Once
	f.stop = func() {
		once.Do(func() {
			began := time.Now()
			cancel()
			select {
			case err := <-done:
				f.stopped = time.Since(began)
				if err != nil {
					t.Errorf("serve: %v", err)
				}
			case <-time.After(15 * time.Second):
				f.stopped = time.Since(began)
				t.Error("serve did not stop within 15s")
			}
		})
	}
	t.Cleanup(f.stop)
	return f
}

// liveCount is the number of sessions holding a slot.
func (f *serveFixture) liveCount() int { return f.srv.Sessions() }

// eventually polls cond every 50 ms until it holds or timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (f *serveFixture) dial(t *testing.T, who string) *gossh.Client {
	t.Helper()
	c, err := f.dialErr(gossh.PublicKeys(f.keys[who]))
	if err != nil {
		t.Fatalf("ssh as %s: %v", who, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func (f *serveFixture) dialErr(auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", f.addr, &gossh.ClientConfig{User: "duty", Auth: auth,
		HostKeyCallback: gossh.FixedHostKey(f.hostKey), Timeout: 5 * time.Second})
}

// run runs a command in a session without a terminal.
func (f *serveFixture) run(t *testing.T, who, cmd string) (stdout, stderr string, code int) {
	t.Helper()
	sess, err := f.dial(t, who).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errb
	err = sess.Run(cmd)
	if ee, ok := err.(*gossh.ExitError); ok {
		code = ee.ExitStatus()
	} else if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	return out.String(), errb.String(), code
}

// command is a session running a command without a terminal.
type command struct {
	sess     *gossh.Session
	out, err *lockedBuffer
	done     chan error
}

func (f *serveFixture) start(t *testing.T, who, cmd string) *command {
	t.Helper()
	sess, err := f.dial(t, who).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	c := &command{sess: sess, out: &lockedBuffer{}, err: &lockedBuffer{}, done: make(chan error, 1)}
	sess.Stdout, sess.Stderr = c.out, c.err
	if err := sess.Start(cmd); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- sess.Wait() }()
	return c
}

// terminal is a session with a PTY running the full-screen view.
type terminal struct {
	sess *gossh.Session
	in   io.Writer
	out  *lockedBuffer
	done chan error
}

// terminalSized starts a session with a PTY of cols columns running the
// full-screen view.
func (f *serveFixture) terminalSized(t *testing.T, who string, env map[string]string, cols int) *terminal {
	t.Helper()
	sess, err := f.dial(t, who).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := sess.RequestPty("xterm-256color", 30, cols, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		t.Fatal(err)
	}
	tm := &terminal{sess: sess, out: &lockedBuffer{}, done: make(chan error, 1)}
	sess.Stdout, sess.Stderr = tm.out, tm.out
	if tm.in, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() { tm.done <- sess.Wait() }()
	return tm
}

// waitFor waits until the screen bytes received hold every want.
func (tm *terminal) waitFor(t *testing.T, timeout time.Duration, want ...string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := ansi.Strip(tm.out.String()) // a style may cover each character on its own
		missing := ""
		for _, w := range want {
			if !strings.Contains(s, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q not on screen within %s; received:\n%q", missing, timeout, tail(s, 3000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (tm *terminal) send(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, err := io.WriteString(tm.in, k); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// quit leaves the view with q and waits for the session to end. Tests
// quit before the client disconnects: charmbracelet/ssh closes the PTY as
// soon as the connection goes, while Bubble Tea may still be reading it,
// which the race detector reports (in library code).
func (tm *terminal) quit(t *testing.T) {
	t.Helper()
	tm.send(t, "q")
	select {
	case <-tm.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the session did not end after q")
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestServeScopeLimitsCommands: export and status over SSH show only the
// key's district; an admin sees them all; --out is refused.
func TestServeScopeLimitsCommands(t *testing.T) {
	f := startServe(t)
	depts := func(who string) map[string]bool {
		out, errs, code := f.run(t, who, "export --view sharing --format csv")
		if code != 0 {
			t.Fatalf("export as %s: exit %d: %s", who, code, errs)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("export as %s: %v\n%s", who, err, out)
		}
		m := map[string]bool{}
		for _, r := range recs[1:] {
			m[r[0]] = true
		}
		return m
	}
	if got := depts("officer"); len(got) != 1 || !got["武进区"] {
		t.Errorf("officer of 320412 sees departments %v; want only 武进区", got)
	}
	if got := depts("admin"); len(got) < 2 {
		t.Errorf("admin sees departments %v; want all", got)
	}
	out, _, _ := f.run(t, "officer", "status")
	if !strings.Contains(out, "武进区") || strings.Contains(out, "新北区") || strings.Contains(out, "溧阳市") {
		t.Errorf("status for 320412 shows other departments:\n%s", out)
	}
	if _, errs, code := f.run(t, "admin", "export --view sync --out /tmp/x.csv"); code != 2 || !strings.Contains(errs, "--out") {
		t.Errorf("export --out over SSH: exit %d, %q; want refused", code, errs)
	}
	if _, errs, code := f.run(t, "officer", "rm -rf /"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: exit %d, %q", code, errs)
	}
}

// TestServeTailFollows: `tail -f` without a terminal streams an event
// written to the store, and ends when the session is closed.
func TestServeTailFollows(t *testing.T) {
	f := startServe(t)
	sess, err := f.dial(t, "readonly").NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out lockedBuffer
	sess.Stdout = &out
	if err := sess.Start("tail -f -n 0"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := f.db.AppendEvent(credit.Event{At: time.Now(), Type: credit.EventError, Endpoint: "探针", Err: "marker-7f3a"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "marker-7f3a") {
		if time.Now().After(deadline) {
			t.Fatalf("the event did not arrive; got %q", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(out.String(), `endpoint="探针"`) {
		t.Errorf("event line %q", out.String())
	}
	sess.Close()
	deadline = time.Now().Add(5 * time.Second)
	for {
		if f.liveCount() == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("tail -f still running on the server after the session closed")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServeReport: the monthly report over SSH is the officer's district
// only, as xlsx on standard output that excelize opens; --out is refused.
func TestServeReport(t *testing.T) {
	f := startServe(t)
	out, errs, code := f.run(t, "officer", "report --month 2026-10")
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	x, err := excelize.OpenReader(strings.NewReader(out))
	if err != nil {
		t.Fatalf("the report is not an xlsx: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows("汇总")
	if err != nil || len(rows) < 3 {
		t.Fatalf("summary sheet: %v %q", err, rows)
	}
	for _, r := range rows[1:] {
		if r[0] != "武进区" && r[0] != "合计" {
			t.Errorf("officer of 320412 gets a row of %q", r[0])
		}
	}
	if _, errs, code := f.run(t, "officer", "report --out /tmp/x.xlsx"); code != 2 || !strings.Contains(errs, "--out") {
		t.Errorf("report --out over SSH: exit %d, %q; want refused", code, errs)
	}
}

// Item 4. e in a terminal session writes no file on the server: it shows
// the ssh command that exports the same table, with the screen's filter,
// and that command gives the filtered rows.
func TestServeExportShowsCommandAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("CREDWATCH_EXPORT_DIR", dir)
	f := startServe(t)
	tm := f.terminalSized(t, "readonly", map[string]string{"NO_COLOR": "1"}, 220)
	tm.waitFor(t, 10*time.Second, "每日核查")
	tm.send(t, "4", "/")
	tm.send(t, "2025", "\r", "e", "e", "E")
	tm.waitFor(t, 5*time.Second, "在本机终端运行")
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Fatalf("export wrote %d files on the server, e.g. %s", len(ents), ents[0].Name())
	}
	re := regexp.MustCompile(`ssh -p (\d+) duty@127\.0\.0\.1 (export --view repair(?: --format json)? --filter 2025) > repair\.(?:csv|json)`)
	m := re.FindStringSubmatch(ansi.Strip(tm.out.String()))
	if m == nil {
		t.Fatalf("no export command on screen:\n%q", tail(ansi.Strip(tm.out.String()), 1500))
	}
	if _, port, _ := net.SplitHostPort(f.addr); m[1] != port {
		t.Errorf("command names port %s, the server listens on %s", m[1], port)
	}
	tm.quit(t)
	out, errs, code := f.run(t, "readonly", m[2])
	if code != 0 {
		t.Fatalf("%s: exit %d: %s", m[2], code, errs)
	}
	format := "csv"
	if strings.Contains(m[2], "json") {
		format = "json"
	}
	all, _, _ := f.run(t, "readonly", "export --view repair --format "+format)
	if len(out) < 100 || len(out) >= len(all) {
		t.Errorf("filtered export %d bytes, unfiltered %d", len(out), len(all))
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("%d files on the server after the exports", len(ents))
	}
}

// tail -f over SSH flushes what it printed even when the last event of a
// burst is one the key may not see.
func TestServeTailFollowFlushesBeforeAHiddenEvent(t *testing.T) {
	f := startServe(t)
	c := f.start(t, "officer", "tail -f -n 0")
	eventually(t, 5*time.Second, "tail -f running", func() bool { return f.liveCount() == 1 })
	time.Sleep(300 * time.Millisecond)
	f.db.AppendEvent(credit.Event{At: time.Now(), Type: credit.EventError, Endpoint: "探针", Err: "visible-5d1c"})
	f.db.AppendEvent(credit.Event{At: time.Now(), Type: credit.EventAction, Actor: "王五", Message: "reminder_sent penalty/x", Depts: []string{"320411"}})
	eventually(t, 3*time.Second, "the visible event printed", func() bool { return strings.Contains(c.out.String(), "visible-5d1c") })
	if strings.Contains(c.out.String(), "王五") {
		t.Errorf("tail -f for 320412 printed another district's action:\n%s", c.out.String())
	}
	c.sess.Close()
}
