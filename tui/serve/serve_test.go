package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
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
	"github.com/czyj/credwatch/tui"
	gossh "golang.org/x/crypto/ssh"
)

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
	srv      *Server
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
	exempt      string // backoff_exempt, one network (quoted as in TOML)
}

func startServe(t *testing.T) *serveFixture { return startServeWith(t, serveOpts{}) }

func startServeWith(t *testing.T, o serveOpts) *serveFixture {
	t.Helper()
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
	db, err := store.Open(filepath.Join(dir, "cache.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eps := []credsync.Endpoint{{Name: "hub", BaseURL: simSrv.URL, Feeds: credit.Feeds}}
	eng, err := credsync.New(db, eps, credsync.Options{Now: time.Now, ServerClock: businessClock(today)}) // stored times on the wall clock, as credwatch does
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
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
	f.keysPath = filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(f.keysPath, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f.auditDir = filepath.Join(dir, "audit")
	al, err := audit.Open(f.auditDir, 180)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { al.Close() })
	f.log = &lockedBuffer{}
	cfg := Config{
		HostKey: filepath.Join(dir, "state", "host_key"), AuthorizedKeys: f.keysPath,
		IdleTimeout: mustDuration(t, o.idle), MaxSessions: o.maxSessions, MaxSessionsPerKey: o.perKey,
		HandshakeTimeout: mustDuration(t, o.handshake), MaxUnauthenticated: o.unauth, KeepKeysOnError: o.keep,
		DB: db, Audit: al, Depts: credit.NewDirectory(credit.DefaultDepartments()), Lang: "zh", Version: "test",
		Sync: engineSyncer{eng},
		View: func(scope credit.Scope) tui.Deps {
			return tui.Deps{Endpoints: []tui.EndpointInfo{{Name: "hub", Feeds: credit.Feeds}}, Today: today, Now: businessClock(today),
				Clock: time.Now, Lang: "zh", CachePath: db.Path(), Officer: scope.Officer, OfficerDepts: scope.Depts, ReadOnly: true}
		},
		Commands:    fakeCommands(db, f.auditDir),
		FollowEvery: 300 * time.Millisecond,
		Logger:      slog.New(slog.NewJSONHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if o.exempt != "" {
		cfg.BackoffExempt = []string{strings.Trim(o.exempt, `"`)}
	}
	f.srv, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(cfg.HostKey); err != nil || fi.Mode().Perm() != 0o600 {
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

func mustDuration(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// businessClock is the wall clock moved to today, as credwatch --today
// moves it.
func businessClock(today credit.Date) func() time.Time {
	return func() time.Time {
		t := time.Now().In(credit.ChinaZone)
		if credit.DateOf(t) == today {
			return t
		}
		h, m, s := t.Clock()
		return today.Time().Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
	}
}

// engineSyncer is the fixture's sync role: the engine on the simulator.
type engineSyncer struct{ eng *credsync.Engine }

func (e engineSyncer) Run(ctx context.Context) { e.eng.Run(ctx) }
func (e engineSyncer) SyncNow() error {
	e.eng.SyncNow()
	return nil
}

// audited returns the audit trail so far.
func (f *serveFixture) audited(t *testing.T) []credit.Event {
	t.Helper()
	var evs []credit.Event
	if err := audit.Read(f.auditDir, time.Now().Add(-time.Hour), func(ev credit.Event) error {
		evs = append(evs, ev)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return evs
}

// liveCount is the number of sessions holding a slot.
func (f *serveFixture) liveCount() int {
	f.srv.mu.Lock()
	defer f.srv.mu.Unlock()
	return len(f.srv.live)
}

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

// terminal is a session with a PTY running the full-screen view.
type terminal struct {
	sess *gossh.Session
	in   io.Writer
	out  *lockedBuffer
	done chan error
}

func (f *serveFixture) terminal(t *testing.T, who string, env map[string]string) *terminal {
	t.Helper()
	return f.terminalSized(t, who, env, 100)
}

// terminalSized is terminal with a PTY of cols columns.
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

func signoffs(t *testing.T, db *store.DB) map[credit.Date]credit.Signoff {
	t.Helper()
	so, err := db.Signoffs()
	if err != nil {
		t.Fatal(err)
	}
	return so
}

// TestServeOfficerSignsOffOverSSH: a PTY session gets the TUI on 每日核查;
// s, a note and enter sign off, recorded as the key's officer for their
// department; the connection and the action are in the audit trail.
func TestServeOfficerSignsOffOverSSH(t *testing.T) {
	f := startServe(t)
	tm := f.terminal(t, "officer", nil)
	tm.waitFor(t, 10*time.Second, "每日核查", "今日尚未签核")
	if !strings.Contains(tm.out.String(), "\x1b[") {
		t.Error("no escape sequence at all on a colour terminal")
	}
	tm.send(t, "s")
	tm.waitFor(t, 5*time.Second, "备注")
	tm.send(t, "远程核查无误", "\r")
	deadline := time.Now().Add(5 * time.Second)
	for {
		so, ok := signoffs(t, f.db)[credit.MustDate(serveToday)]
		if ok {
			if so.Officer != "张三" || so.Note != "远程核查无误" || strings.Join(so.Depts, ",") != "320412" {
				t.Fatalf("sign-off %+v; want by 张三 for 320412 with the note", so)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no sign-off in the store; screen:\n%q", tail(tm.out.String(), 2000))
		}
		time.Sleep(50 * time.Millisecond)
	}
	tm.quit(t)
	// The end of the session is audited after the client has seen it end.
	want := []credit.EventType{credit.EventSSHConnect, credit.EventAction, credit.EventSSHDisconnect}
	deadline = time.Now().Add(3 * time.Second)
	for {
		evs := f.audited(t)
		seen := map[credit.EventType]bool{}
		for _, ev := range evs {
			if ev.Actor == "张三" {
				seen[ev.Type] = true
			}
		}
		missing := ""
		for _, w := range want {
			if !seen[w] {
				missing = string(w)
			}
		}
		if missing == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s event by 张三 in the log", missing)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServeReadOnlyCannotAct: the sign-off key does nothing for a
// read-only key, and the store is unchanged; the store refuses the action
// too (the UI is not the only guard).
func TestServeReadOnlyCannotAct(t *testing.T) {
	f := startServe(t)
	tm := f.terminal(t, "readonly", map[string]string{"NO_COLOR": "1"})
	tm.waitFor(t, 10*time.Second, "每日核查")
	tm.send(t, "s", "想签核", "\r")
	time.Sleep(500 * time.Millisecond)
	if n := len(signoffs(t, f.db)); n != 0 {
		t.Fatalf("%d sign-offs after a read-only officer pressed s", n)
	}
	out, _ := f.db.Outbox()
	if len(out) != 0 {
		t.Fatalf("outbox %+v after a read-only session", out)
	}
	if strings.Contains(tm.out.String(), "\x1b[7m") || strings.Contains(tm.out.String(), "\x1b[1m") || strings.Contains(tm.out.String(), "\x1b[38;") {
		t.Errorf("colours or attributes drawn with NO_COLOR=1 from the client:\n%q", tail(tm.out.String(), 1500))
	}
	tm.quit(t)
	k, _ := f.srv.keys.lookup(f.keys["readonly"].PublicKey())
	if _, err := f.db.Scoped(k.Scope()).RecordAction(credit.Action{Type: credit.ActionSignoff, Date: credit.MustDate(serveToday)}); err == nil {
		t.Fatal("the read-only key's scope recorded an action")
	}
}

// TestServeRefusesUnknownKeysAndPasswords: a key not in the file and a
// password both fail authentication, and the refusal is audited.
func TestServeRefusesUnknownKeysAndPasswords(t *testing.T) {
	f := startServe(t)
	if c, err := f.dialErr(gossh.PublicKeys(f.keys["stranger"])); err == nil {
		c.Close()
		t.Fatal("an unknown key got in")
	}
	if c, err := f.dialErr(gossh.Password("123456")); err == nil {
		c.Close()
		t.Fatal("a password got in")
	}
	evs := f.audited(t)
	found := false
	for _, ev := range evs {
		found = found || ev.Type == credit.EventSSHRefused && strings.Contains(ev.Message, gossh.FingerprintSHA256(f.keys["stranger"].PublicKey()))
	}
	if !found {
		t.Error("no ssh-refused event naming the unknown key")
	}
}

// TestServeShutdownSaysGoodbye: on shutdown a terminal session is told why
// and closed, and the server returns.
func TestServeShutdownSaysGoodbye(t *testing.T) {
	f := startServe(t)
	tm := f.terminal(t, "admin", nil)
	tm.waitFor(t, 10*time.Second, "每日核查")
	go f.stop()
	select {
	case <-tm.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not end on shutdown")
	}
	if !strings.Contains(tm.out.String(), "服务器正在关闭") {
		t.Errorf("no goodbye on screen:\n%q", tail(tm.out.String(), 800))
	}
}

func TestParseAuthorizedKeys(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := gossh.NewSignerFromKey(priv)
	key := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))
	dir := credit.NewDirectory(credit.DefaultDepartments())
	for _, tc := range []struct {
		name, line string
		want       string // "" for refused, else name/role/depts
		problem    string
	}{
		{"officer", `credwatch-name="张三",credwatch-role="officer",credwatch-depts="320412,320411" ` + key + " zs", "张三/officer/320412,320411", ""},
		{"admin, restrict ignored", `restrict,credwatch-name="王五",credwatch-role="admin" ` + key, "王五/admin/", ""},
		{"read-only everywhere", `credwatch-name="赵六",credwatch-role="read-only",credwatch-depts="*" ` + key, "赵六/read-only/", ""},
		{"no options", key + " someone", "", "credwatch-name"},
		{"no role", `credwatch-name="张三",credwatch-depts="320412" ` + key, "", "credwatch-role"},
		{"bad role", `credwatch-name="张三",credwatch-role="boss",credwatch-depts="320412" ` + key, "", "officer, read-only or admin"},
		{"officer without depts", `credwatch-name="张三",credwatch-role="officer" ` + key, "", "credwatch-depts"},
		{"officer everywhere", `credwatch-name="张三",credwatch-role="officer",credwatch-depts="*" ` + key, "", "admin"},
		{"unknown dept", `credwatch-name="张三",credwatch-role="officer",credwatch-depts="999999" ` + key, "", "999999"},
		{"from= not enforced, so refused", `from="10.0.0.0/8",credwatch-name="张三",credwatch-role="admin" ` + key, "", "from"},
		{"not a key", `credwatch-name="张三" ssh-ed25519 AAAA`, "", "not an authorized_keys entry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys, problems := parseAuthorizedKeys([]byte("# comment\n\n"+tc.line+"\n"), dir)
			if tc.want == "" {
				if len(keys) != 0 || len(problems) != 1 || !strings.Contains(problems[0], tc.problem) || !strings.HasPrefix(problems[0], "line 3:") {
					t.Fatalf("keys %v, problems %q; want refused mentioning %q on line 3", keys, problems, tc.problem)
				}
				return
			}
			if len(keys) != 1 || len(problems) != 0 {
				t.Fatalf("keys %v, problems %q", keys, problems)
			}
			k := keys[0]
			if got := k.Name + "/" + k.Role + "/" + strings.Join(k.Depts, ","); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
	_, problems := parseAuthorizedKeys([]byte(`credwatch-name="a",credwatch-role="admin" `+key+"\n"+`credwatch-name="b",credwatch-role="admin" `+key+"\n"), dir)
	if len(problems) != 1 || !strings.Contains(problems[0], "line 1") {
		t.Errorf("a key listed twice: %q", problems)
	}
}

// TestServeLogs: the server's log (Config.Logger, JSON here) is one object
// a line with its level and attributes: the start, a login, its session
// and logout at info, a refused key at warn, the stop at info.
func TestServeLogs(t *testing.T) {
	f := startServe(t)
	if _, errs, code := f.run(t, "officer", "status"); code != 0 {
		t.Fatalf("status: exit %d, %q", code, errs)
	}
	if c, err := f.dialErr(gossh.PublicKeys(f.keys["stranger"])); err == nil {
		c.Close()
		t.Fatal("an unknown key got in")
	}
	f.stop() // closes the officer's connection: its logout is logged
	type line struct {
		Level, Msg, User, Remote, Reason, Addr string
	}
	var lines []line
	for _, s := range strings.Split(strings.TrimSpace(f.log.String()), "\n") {
		var l line
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			t.Fatalf("not a JSON line: %q: %v", s, err)
		}
		lines = append(lines, l)
	}
	for _, want := range []struct {
		level, msg, user string
		check            func(line) bool
	}{
		{"INFO", "listening", "", func(l line) bool { return l.Addr == f.addr }},
		{"INFO", "login", "张三", func(l line) bool { return strings.HasPrefix(l.Remote, "127.0.0.1:") }},
		{"INFO", "session", "张三", func(l line) bool { return strings.HasPrefix(l.Remote, "127.0.0.1:") }},
		{"INFO", "session ended", "张三", func(line) bool { return true }},
		{"INFO", "logout", "张三", func(line) bool { return true }},
		{"WARN", "refused", "", func(l line) bool {
			return strings.HasPrefix(l.Remote, "127.0.0.1:") && strings.Contains(l.Reason, "is not authorised")
		}},
		{"INFO", "stopped", "", func(line) bool { return true }},
	} {
		found := false
		for _, l := range lines {
			found = found || l.Level == want.level && l.Msg == want.msg && l.User == want.user && want.check(l)
		}
		if !found {
			t.Errorf("no %s %q line of %q in the log:\n%s", want.level, want.msg, want.user, f.log.String())
		}
	}
}
