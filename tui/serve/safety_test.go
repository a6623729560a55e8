package serve

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui"
	gossh "golang.org/x/crypto/ssh"
)

// Tests of issue 14: `credwatch serve` safe for a whole bureau.

// waitEnd waits for a terminal session to end.
func (tm *terminal) waitEnd(t *testing.T, timeout time.Duration, why string) {
	t.Helper()
	select {
	case <-tm.done:
	case <-time.After(timeout):
		t.Fatalf("%s: the session did not end within %s; screen:\n%q", why, timeout, tail(ansi.Strip(tm.out.String()), 1500))
	}
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

func (c *command) waitEnd(t *testing.T, timeout time.Duration, why string) error {
	t.Helper()
	select {
	case err := <-c.done:
		return err
	case <-time.After(timeout):
		t.Fatalf("%s: the command did not end within %s; stderr %q", why, timeout, c.err.String())
	}
	return nil
}

// sessionOfKey returns an open session of who's key.
func (f *serveFixture) sessionOfKey(t *testing.T, who string) *session {
	t.Helper()
	want := string(f.keys[who].PublicKey().Marshal())
	f.srv.mu.Lock()
	defer f.srv.mu.Unlock()
	for l := range f.srv.live {
		if string(l.key.Key.Marshal()) == want {
			return l
		}
	}
	t.Fatalf("no open session of %s", who)
	return nil
}

func (f *serveFixture) countAudit(t *testing.T, typ credit.EventType, actor, contains string) int {
	t.Helper()
	n := 0
	for _, ev := range f.audited(t) {
		if ev.Type == typ && (actor == "" || ev.Actor == actor) && strings.Contains(ev.Message+" "+ev.Err, contains) {
			n++
		}
	}
	return n
}

// writeKeys replaces the keys file with the lines of who, in order.
func (f *serveFixture) writeKeys(t *testing.T, lines ...string) {
	t.Helper()
	if err := os.WriteFile(f.keysPath, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Item 1. An idle terminal session used to deadlock: the idle check called
// Program.Send from inside the program's own Update, the session never
// ended, its slot stayed taken and the next SIGTERM hung.
func TestServeIdleSessionEndsAndFreesItsSlot(t *testing.T) {
	// 3 s: long enough that a loaded machine still draws each session's
	// first frame before its idle limit (with 1 s a session could end
	// before the frame the test waits for).
	f := startServeWith(t, serveOpts{idle: "3s"})
	var tms []*terminal
	for _, who := range []string{"officer", "readonly", "admin"} {
		tm := f.terminal(t, who, nil)
		tm.waitFor(t, 10*time.Second, "每日核查")
		tms = append(tms, tm)
	}
	for _, tm := range tms {
		tm.waitEnd(t, 12*time.Second, "idle")
		out := tm.out.String()
		bye, leave := strings.LastIndex(out, "无操作"), strings.LastIndex(out, "\x1b[?1049l")
		if bye < 0 || leave < 0 || leave > bye {
			t.Errorf("idle goodbye at %d, leaving the alternate screen at %d; want both, the goodbye after:\n%q", bye, leave, tail(out, 600))
		}
	}
	eventually(t, 3*time.Second, "every slot free", func() bool { return f.liveCount() == 0 })
	eventually(t, 3*time.Second, "three ssh-disconnect in the audit", func() bool {
		return f.countAudit(t, credit.EventSSHDisconnect, "", "") == 3
	})
	// The server still serves, and stops at once.
	if out, _, code := f.run(t, "officer", "status"); code != 0 && !strings.Contains(out, "武进区") {
		t.Errorf("status after the idle sessions: exit %d\n%s", code, out)
	}
	f.stop()
	if f.stopped > ShutdownGrace {
		t.Errorf("shutdown took %s; the grace is %s", f.stopped, ShutdownGrace)
	}
}

// Item 1. Shutdown finishes within its grace with busy sessions of every
// kind, and the server lock is not held while sessions end (a login during
// shutdown is refused at once rather than hanging after the banner).
func TestServeShutdownWithinGraceWithBusySessions(t *testing.T) {
	f := startServeWith(t, serveOpts{maxSessions: 16})
	var tms []*terminal
	for _, who := range []string{"officer", "officer", "readonly", "admin", "admin"} {
		tm := f.terminal(t, who, nil)
		tms = append(tms, tm)
	}
	for _, tm := range tms {
		tm.waitFor(t, 15*time.Second, "每日核查")
	}
	var cmds []*command
	for _, who := range []string{"readonly", "readonly", "officer"} {
		cmds = append(cmds, f.start(t, who, "tail -f -n 5"))
	}
	eventually(t, 5*time.Second, "8 sessions", func() bool { return f.liveCount() == 8 })
	// A session whose client reads nothing: its output backs up.
	stalled, err := f.dial(t, "admin").NewSession()
	if err != nil {
		t.Fatal(err)
	}
	block := make(chan struct{})
	defer close(block)
	stalled.Stdout = writerFunc(func(p []byte) (int, error) { <-block; return len(p), nil })
	if err := stalled.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := stalled.Shell(); err != nil {
		t.Fatal(err)
	}
	var typing sync.WaitGroup
	stop := make(chan struct{})
	typing.Add(1)
	go func() { // keep one view busy redrawing
		defer typing.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				io.WriteString(tms[0].in, "j")
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	f.stop()
	close(stop)
	typing.Wait()
	if f.stopped > ShutdownGrace {
		t.Errorf("shutdown took %s with 9 busy sessions; the grace is %s", f.stopped, ShutdownGrace)
	}
	for _, tm := range tms {
		tm.waitEnd(t, 3*time.Second, "shutdown")
	}
	for _, c := range cmds {
		c.waitEnd(t, 3*time.Second, "shutdown")
	}
	if n := f.liveCount(); n != 0 {
		t.Errorf("%d sessions still hold a slot after shutdown", n)
	}
	if n := f.countAudit(t, credit.EventSSHDisconnect, "", ""); n != 9 {
		t.Errorf("%d ssh-disconnect in the audit, want 9", n)
	}
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(p []byte) (int, error) { return w(p) }

// Item 2. Removing a key ends its open sessions (terminal and tail -f)
// with a message; changing a key's role ends its sessions too, and the
// officer reconnects with the new rights; an action through a session of a
// removed key is refused, and audited, from the moment of the reload.
func TestServeReloadAppliesToOpenSessions(t *testing.T) {
	f := startServe(t)
	off := f.terminal(t, "officer", nil)
	adm := f.terminal(t, "admin", nil)
	ro := f.terminal(t, "readonly", nil)
	for _, tm := range []*terminal{off, adm, ro} {
		tm.waitFor(t, 10*time.Second, "每日核查")
	}
	follow := f.start(t, "officer", "tail -f -n 0")
	eventually(t, 5*time.Second, "4 sessions", func() bool { return f.liveCount() == 4 })
	revoked := f.sessionOfKey(t, "officer")
	admSess := f.sessionOfKey(t, "admin")

	downgraded := strings.Replace(f.lines["admin"], `credwatch-role="admin"`, `credwatch-role="read-only",credwatch-depts="320412"`, 1)
	f.writeKeys(t, f.lines["readonly"], downgraded)
	began := time.Now()
	off.waitEnd(t, 4*time.Second, "revoked key")
	adm.waitEnd(t, 4*time.Second, "downgraded key")
	if err := follow.waitEnd(t, 4*time.Second, "revoked key's tail -f"); err == nil {
		t.Error("tail -f of a revoked key exited 0")
	}
	t.Logf("sessions of the changed keys ended %s after the file was written (checked every %s)", time.Since(began).Round(10*time.Millisecond), KeysCheckEvery)
	if s := ansi.Strip(off.out.String()); !strings.Contains(s, "已被撤销") {
		t.Errorf("no revocation message:\n%q", tail(s, 500))
	}
	if s := ansi.Strip(adm.out.String()); !strings.Contains(s, "权限已变更") {
		t.Errorf("no rights-changed message:\n%q", tail(s, 500))
	}
	if !strings.Contains(follow.err.String(), "已被撤销") {
		t.Errorf("tail -f stderr %q; want the revocation message", follow.err.String())
	}
	select {
	case <-ro.done:
		t.Fatal("the unchanged read-only key's session ended too")
	default:
	}

	// The store of a removed key's session refuses, whatever the view does.
	_, err := sessionStore{s: f.srv, l: revoked}.RecordAction(credit.Action{ID: "x-1", Type: credit.ActionSignoff, At: time.Now(), Date: credit.MustDate(serveToday)})
	if err == nil {
		t.Fatal("a revoked key's session recorded a sign-off")
	}
	if len(signoffs(t, f.db)) != 0 {
		t.Fatal("a sign-off is in the store")
	}
	if f.countAudit(t, credit.EventAction, "张三", "refused") != 1 {
		t.Error("the refused action is not in the audit")
	}
	// So does the store of a session of the downgraded key, at once.
	_, err = sessionStore{s: f.srv, l: admSess}.RecordAction(credit.Action{ID: "x-2", Type: credit.ActionSignoff, At: time.Now(), Date: credit.MustDate(serveToday)})
	if !errors.Is(err, credit.ErrReadOnly) {
		t.Errorf("a sign-off through the downgraded admin's session: %v; want read-only", err)
	}
	if _, err := f.dialErr(gossh.PublicKeys(f.keys["officer"])); err == nil {
		t.Error("a removed key logged in")
	}
	// The downgraded admin gets in again, read-only and limited to 320412.
	k, ok := f.srv.keys.lookup(f.keys["admin"].PublicKey())
	if !ok || k.Role != roleReadOnly {
		t.Fatalf("admin's key after the reload: %+v", k)
	}
	if _, errs, code := f.run(t, "admin", "audit"); code == 0 {
		t.Errorf("a key downgraded from admin read the audit (%q)", errs)
	}
	ro.quit(t)
}

// Item 2. A keys file that becomes unusable (writable by others, deleted)
// takes every key out of force: sessions end with a message and logins are
// refused until it is fixed; keep_keys_on_error keeps the keys instead.
func TestServeUnusableKeysFile(t *testing.T) {
	for _, tc := range []struct {
		name   string
		keep   bool
		break_ func(path string) error
	}{
		{"writable by group", false, func(p string) error { return os.Chmod(p, 0o660) }},
		{"deleted", false, os.Remove},
		{"writable by group, keep_keys_on_error", true, func(p string) error { return os.Chmod(p, 0o660) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := startServeWith(t, serveOpts{keep: tc.keep})
			tm := f.terminal(t, "admin", nil)
			tm.waitFor(t, 10*time.Second, "每日核查")
			data, _ := os.ReadFile(f.keysPath)
			if err := tc.break_(f.keysPath); err != nil {
				t.Fatal(err)
			}
			if tc.keep {
				tm.waitFor(t, 2*KeysCheckEvery+time.Second, "仍沿用上次加载的密钥")
				if _, _, code := f.run(t, "officer", "status"); code != 0 {
					t.Errorf("keep_keys_on_error: status exit %d", code)
				}
				if !strings.Contains(f.log.String(), "keep_keys_on_error") {
					t.Errorf("the server did not say it keeps the keys:\n%s", f.log.String())
				}
				tm.quit(t)
				return
			}
			tm.waitEnd(t, 3*KeysCheckEvery+time.Second, "unusable keys file")
			if s := ansi.Strip(tm.out.String()); !strings.Contains(s, "密钥文件不可用") {
				t.Errorf("no message on the admin's screen:\n%q", tail(s, 500))
			}
			if _, err := f.dialErr(gossh.PublicKeys(f.keys["admin"])); err == nil {
				t.Fatal("a login was accepted with the keys file unusable")
			}
			if f.countAudit(t, credit.EventSSHKeys, "", "every login refused") != 1 {
				t.Error("no ssh-keys audit saying every login is refused")
			}
			os.Remove(f.keysPath)
			if err := os.WriteFile(f.keysPath, data, 0o600); err != nil {
				t.Fatal(err)
			}
			eventually(t, 2*KeysCheckEvery+time.Second, "keys in force after the fix", func() bool { return f.srv.keys.failure() == "" })
			if c, err := f.dialErr(gossh.PublicKeys(f.keys["admin"])); err != nil {
				t.Errorf("login after the fix: %v", err)
			} else {
				c.Close()
			}
		})
	}
}

// Item 3. tail over SSH shows a scoped officer the sync progress and the
// actions of their departments only, and no SSH audit line; audit is for
// admins; the outbox and quarantine of the session's store are scoped.
func TestServeScopesTailOutboxAndAudit(t *testing.T) {
	f := startServe(t)
	snap, err := f.db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	other := ""
	for i := range snap.Penalties.Len() {
		if snap.Penalties.Dept(i) != "320412" {
			other = credit.RecordKey(credit.Penalty, snap.Penalties.ID(i))
			break
		}
	}
	if other == "" {
		t.Fatal("no penalty outside 320412 in the fixture")
	}
	// The admin marks a reminder on another district's penalty, over SSH's store.
	adm := f.terminal(t, "admin", nil)
	adm.waitFor(t, 10*time.Second, "每日核查")
	if _, err := (sessionStore{s: f.srv, l: f.sessionOfKey(t, "admin")}).RecordAction(credit.Action{ID: "adm-1", Type: credit.ActionReminder, RecordKey: other, At: time.Now(), Date: credit.MustDate(serveToday)}); err != nil {
		t.Fatal(err)
	}
	off := f.terminal(t, "officer", nil)
	off.waitFor(t, 10*time.Second, "每日核查")
	ss := sessionStore{s: f.srv, l: f.sessionOfKey(t, "officer")}
	if ob, _ := ss.Outbox(); len(ob) != 0 {
		t.Errorf("320412's outbox over SSH holds %+v", ob)
	}
	if s, _ := ss.Snapshot(); s.OutboxPending != 0 {
		t.Errorf("320412's snapshot counts %d pending actions", s.OutboxPending)
	}
	// The sign-off history starts where the local TUI's does: the day the
	// cache came into use.
	want, err := f.db.InUseSince()
	if err != nil || want.IsZero() {
		t.Fatalf("the cache's first day of use: %v, %v", want, err)
	}
	if sc, err := ss.LoadScreen(credit.ScreenRequest{Today: credit.MustDate(serveToday), Rules: credit.DefaultRules()}); err != nil || sc.InUseSince != want {
		t.Errorf("a session's screen starts the sign-off history on %v (%v), want %v", sc.InUseSince, err, want)
	}

	out, _, code := f.run(t, "officer", "tail -n 500")
	if code != 0 {
		t.Fatalf("tail: exit %d", code)
	}
	for _, leak := range []string{other, "王五", "ssh-", "SHA256:"} {
		if strings.Contains(out, leak) {
			t.Errorf("tail for 320412 shows %q:\n%s", leak, out)
		}
	}
	if !strings.Contains(out, "done") && !strings.Contains(out, "page") {
		t.Errorf("tail for 320412 shows no sync progress:\n%s", out)
	}
	if out, _, _ := f.run(t, "admin", "tail -n 500"); !strings.Contains(out, other) {
		t.Errorf("the admin's tail does not show the action on %s:\n%s", other, out)
	}
	if evs, _ := f.db.LastEvents(1000); len(evs) > 0 {
		for _, ev := range evs {
			if strings.HasPrefix(string(ev.Type), "ssh-") {
				t.Fatalf("the sync event log holds audit event %+v", ev)
			}
		}
	}
	if _, errs, code := f.run(t, "officer", "audit"); code != 1 || !strings.Contains(errs, "仅限管理员") {
		t.Errorf("audit as an officer: exit %d, %q", code, errs)
	}
	out, errs, code := f.run(t, "admin", "audit --since "+time.Now().Format("2006-01-02"))
	if code != 0 || !strings.Contains(out, "ssh-login") || !strings.Contains(out, `actor="张三"`) || !strings.Contains(out, "adm-1") {
		t.Errorf("audit as the admin: exit %d, %q\n%s", code, errs, out)
	}
	if f.countAudit(t, credit.EventSSHRefused, "张三", "audit refused") != 1 {
		t.Error("the officer's refused audit command is not audited")
	}
	adm.quit(t)
	off.quit(t)
}

// Item 5. One key cannot take every slot: max_sessions_per_key, and the
// last slot is kept for admins.
func TestServeSessionLimits(t *testing.T) {
	f := startServeWith(t, serveOpts{maxSessions: 4, perKey: 2})
	ro1, ro2 := f.start(t, "readonly", "tail -f -n 0"), f.start(t, "readonly", "tail -f -n 0")
	eventually(t, 5*time.Second, "2 sessions", func() bool { return f.liveCount() == 2 })
	if _, errs, code := f.run(t, "readonly", "status"); code != 1 || !strings.Contains(errs, "已有 2 个会话") {
		t.Errorf("third session of one key: exit %d, %q", code, errs)
	}
	off := f.start(t, "officer", "tail -f -n 0")
	eventually(t, 5*time.Second, "3 sessions", func() bool { return f.liveCount() == 3 })
	if _, errs, code := f.run(t, "officer", "status"); code != 1 || !strings.Contains(errs, "会话已达上限") {
		t.Errorf("an officer taking the admins' slot: exit %d, %q", code, errs)
	}
	if out, errs, code := f.run(t, "admin", "status"); code != 0 || !strings.Contains(out, "武进区") {
		t.Errorf("the admin in the kept slot: exit %d, %q", code, errs)
	}
	if n := f.countAudit(t, credit.EventSSHRefused, "", "max_sessions_per_key"); n != 1 {
		t.Errorf("%d ssh-refused for the per-key limit, want 1", n)
	}
	for _, c := range []*command{ro1, ro2, off} {
		c.sess.Close()
	}
	eventually(t, 5*time.Second, "slots freed", func() bool { return f.liveCount() == 0 })
}

// Item 5. A command that writes nothing for idle_timeout ends.
func TestServeIdleCommandEnds(t *testing.T) {
	f := startServeWith(t, serveOpts{idle: "1s"})
	c := f.start(t, "readonly", "tail -f -n 0")
	err := c.waitEnd(t, 6*time.Second, "idle tail -f")
	var ee *gossh.ExitError
	if !errors.As(err, &ee) || ee.ExitStatus() != 1 || !strings.Contains(c.err.String(), "无输出") {
		t.Errorf("idle tail -f: %v, stderr %q; want exit 1 with the idle message", err, c.err.String())
	}
	eventually(t, 3*time.Second, "slot freed", func() bool { return f.liveCount() == 0 })
}

// Item 6. Holding r in a session starts one pass, not one per key press;
// the event log gets no audit lines; refused connections from one address
// are audited once a minute with a count.
func TestServeSyncNowCoalescedAndRefusalsCounted(t *testing.T) {
	f := startServe(t)
	passes := func() int {
		evs, _ := f.db.LastEvents(20000)
		n := 0
		for _, ev := range evs {
			if ev.Type == credit.EventDone {
				n++
			}
		}
		return n
	}
	tm := f.terminal(t, "readonly", nil)
	tm.waitFor(t, 10*time.Second, "每日核查")
	time.Sleep(time.Second)
	before := passes()
	for range 40 {
		io.WriteString(tm.in, "r")
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond)
	if n := passes() - before; n > 2 {
		t.Errorf("40 presses of r started %d passes; want at most 2", n)
	}
	tm.quit(t)
	for range 6 {
		if c, err := f.dialErr(gossh.PublicKeys(f.keys["stranger"])); err == nil {
			c.Close()
		}
	}
	if n := f.countAudit(t, credit.EventSSHRefused, "", "is not authorised"); n != 1 {
		t.Errorf("6 refused connections from one address gave %d audit lines; want 1 (the rest counted)", n)
	}
	f.srv.refused.mu.Lock()
	missed := f.srv.refused.by["127.0.0.1"].missed
	f.srv.refused.mu.Unlock()
	if missed != 5 {
		t.Errorf("%d refusals counted, want 5", missed)
	}
	f.stop()
	if n := f.countAudit(t, credit.EventSSHRefused, "", "from 127.0.0.1: 5 more refusals"); n != 1 {
		t.Errorf("the 5 refusals counted are not in the audit after shutdown (%d lines)", n)
	}
}

// dialFrom dials the server from a local address of the loopback network
// (127.0.0.0/8), as another machine would.
func (f *serveFixture) dialFrom(ip string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", f.addr)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(5 * time.Second))
	cc, chans, reqs, err := gossh.NewClientConn(c, f.addr, &gossh.ClientConfig{User: "duty", Auth: auth, HostKeyCallback: gossh.FixedHostKey(f.hostKey)})
	if err != nil {
		c.Close()
		return nil, err
	}
	c.SetDeadline(time.Time{})
	return gossh.NewClient(cc, chans, reqs), nil
}

// closedWithin reports whether the server closes c within d (reading and
// discarding what it sends, such as its version line).
func closedWithin(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// Item 7. Connections that never authenticate are closed after
// handshake_timeout, at most 8 from one address are held at once, an
// address with repeated failed logins waits, and a login from elsewhere
// works during the flood.
// failCount is the number of failed logins counted for host in its
// current window.
func (g *gate) failCount(host string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f := g.fails[host]; f != nil {
		return f.n
	}
	return 0
}

func TestServeUnauthenticatedConnectionsBounded(t *testing.T) {
	f := startServeWith(t, serveOpts{handshake: "1s", exempt: `"127.0.0.5/32"`})
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}
	var flood []net.Conn
	for range 40 { // a bounded flood
		c, err := d.Dial("tcp", f.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		flood = append(flood, c)
	}
	if out, errs, code := f.run(t, "officer", "status"); code != 0 || !strings.Contains(out, "武进区") {
		t.Errorf("a login during the flood: exit %d, %q\n%s", code, errs, out)
	}
	// Which of them the server admitted depends on the order it accepted
	// them in; all but unauthPerAddr are closed at once.
	var mu sync.Mutex
	var open []net.Conn
	var wg sync.WaitGroup
	for _, c := range flood {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !closedWithin(c, 500*time.Millisecond) {
				mu.Lock()
				open = append(open, c)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(open) != unauthPerAddr {
		t.Errorf("%d of %d connections from one address still open after 0.5 s; want %d", len(open), len(flood), unauthPerAddr)
	}
	for i, c := range open {
		if !closedWithin(c, 2*time.Second) {
			t.Fatalf("connection %d not closed after the 1s handshake timeout", i)
		}
	}
	if f.countAudit(t, credit.EventSSHRefused, "", "from 127.0.0.2") == 0 {
		t.Error("the flood left no ssh-refused in the audit")
	}
	// Failed logins from one address: beyond 10, it waits.
	var refusedAt int
	for i := range 14 {
		c, err := f.dialFrom("127.0.0.3", gossh.PublicKeys(f.keys["stranger"]))
		if err == nil {
			c.Close()
			t.Fatal("an unknown key got in")
		}
		t.Logf("attempt %d: %v", i+1, err)
		if !strings.Contains(err.Error(), "unable to authenticate") {
			if refusedAt == 0 {
				refusedAt = i + 1
			}
			continue
		}
		// The server counts a failure when it sees the connection closed,
		// which on a loaded machine may be after the client dialled again:
		// wait until it has, so the attempt that is refused is exact.
		eventually(t, 3*time.Second, fmt.Sprintf("failure %d counted", i+1), func() bool {
			return f.srv.gate.failCount("127.0.0.3") >= i+1
		})
	}
	if refusedAt != failsAllowed+2 {
		t.Errorf("the address was first refused at attempt %d; want %d (after %d failures)", refusedAt, failsAllowed+2, failsAllowed+1)
	}
	if c, err := f.dialFrom("127.0.0.3", gossh.PublicKeys(f.keys["officer"])); err == nil {
		c.Close()
		t.Error("an address in back-off got in (sshd's PerSourcePenalties refuse it too)")
	}
	if c, err := f.dialFrom("127.0.0.4", gossh.PublicKeys(f.keys["officer"])); err != nil {
		t.Errorf("a login from another address during the back-off: %v", err)
	} else {
		c.Close()
	}
	// backoff_exempt: an office behind one address does not wait.
	for range 14 {
		if c, err := f.dialFrom("127.0.0.5", gossh.PublicKeys(f.keys["stranger"])); err == nil {
			c.Close()
		}
	}
	if c, err := f.dialFrom("127.0.0.5", gossh.PublicKeys(f.keys["officer"])); err != nil {
		t.Errorf("a login from an exempt address after 14 failures: %v", err)
	} else {
		c.Close()
	}
	eventually(t, 3*time.Second, "nothing pending", func() bool {
		f.srv.gate.mu.Lock()
		defer f.srv.gate.mu.Unlock()
		return f.srv.gate.pending == 0 && len(f.srv.gate.byAddr) == 0
	})
}

// Item 8. The keys file and the host key are checked as sshd's
// StrictModes does: the file and every directory above it owned by this
// user or root and not writable by others.
func TestCheckSafePath(t *testing.T) {
	root := t.TempDir()
	mk := func(t *testing.T, rel string, dirMode, fileMode os.FileMode) string {
		p := filepath.Join(root, t.Name(), rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), fileMode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, fileMode)
		os.Chmod(filepath.Dir(p), dirMode)
		return p
	}
	asRoot := os.Getuid() == 0
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T) string
		want  string // "" for accepted
		root  bool   // needs root (chown)
	}{
		{"0600 in a 0700 directory", func(t *testing.T) string { return mk(t, "d/keys", 0o700, 0o600) }, "", false},
		{"0620 file", func(t *testing.T) string { return mk(t, "d/keys", 0o700, 0o620) }, "may be written by others", false},
		{"0777 directory", func(t *testing.T) string { return mk(t, "d/keys", 0o777, 0o600) }, "directory", false},
		{"group-writable directory two levels up", func(t *testing.T) string {
			p := mk(t, "d/e/keys", 0o700, 0o600)
			os.Chmod(filepath.Dir(filepath.Dir(p)), 0o770)
			return p
		}, "may be written by others", false},
		{"file owned by another user", func(t *testing.T) string {
			p := mk(t, "d/keys", 0o700, 0o600)
			os.Chown(p, 65534, 65534)
			return p
		}, "owned by uid 65534", true},
		{"directory owned by another user", func(t *testing.T) string {
			p := mk(t, "d/keys", 0o755, 0o600)
			os.Chown(filepath.Dir(p), 65534, 65534)
			return p
		}, "owned by uid 65534", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root && !asRoot {
				t.Skip("needs root to chown")
			}
			err := checkSafePath(tc.setup(t))
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("checkSafePath: %v; want %q", err, tc.want)
			}
		})
	}
}

// Item 8. A host key in a directory others may write is refused.
func TestServeRefusesHostKeyInUnsafeDirectory(t *testing.T) {
	f := startServe(t)
	f.stop()
	cfg := f.srv.cfg
	dir := filepath.Join(t.TempDir(), "open")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	key, err := os.ReadFile(cfg.HostKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, path string }{
		{"an existing key in a 0777 directory", filepath.Join(dir, "host_key")},
		{"a new key below a 0777 directory", filepath.Join(dir, "state", "host_key")},
	} {
		if tc.name[:4] == "an e" {
			if err := os.WriteFile(tc.path, key, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		cfg.HostKey = tc.path
		if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "may be written by others") {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// Item 8. A line with an option given twice is refused, not last-wins.
func TestParseAuthorizedKeysRepeatedOption(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := gossh.NewSignerFromKey(priv)
	key := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))
	for _, line := range []string{
		`credwatch-name="张三",credwatch-role="officer",credwatch-depts="320412",credwatch-role="admin" ` + key,
		`credwatch-name="张三",credwatch-name="王五",credwatch-role="admin" ` + key,
		`restrict,restrict,credwatch-name="张三",credwatch-role="admin" ` + key,
	} {
		keys, problems := parseAuthorizedKeys([]byte(line+"\n"), credit.NewDirectory(credit.DefaultDepartments()))
		if len(keys) != 0 || len(problems) != 1 || !strings.Contains(problems[0], "twice") {
			t.Errorf("%s: keys %v, problems %q; want refused as repeated", line[:40], keys, problems)
		}
	}
}

// Item 9. An authenticated connection without any session (ssh -N) is
// audited when it logs in and out; a refused subsystem (sftp), channel
// (ssh -L) and global request (ssh -R) are audited with what was refused.
func TestServeAuditsEveryLoginAndRefusal(t *testing.T) {
	f := startServe(t)
	c := f.dial(t, "officer")
	time.Sleep(200 * time.Millisecond)
	c.Close()
	eventually(t, 3*time.Second, "ssh-login and ssh-logout of a connection without sessions", func() bool {
		return f.countAudit(t, credit.EventSSHLogin, "张三", "") == 1 && f.countAudit(t, credit.EventSSHLogout, "张三", "") == 1
	})
	c = f.dial(t, "readonly")
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestSubsystem("sftp"); err == nil {
		t.Error("the sftp subsystem was accepted")
	}
	if _, err := c.Dial("tcp", "127.0.0.1:22"); err == nil {
		t.Error("a direct-tcpip channel was accepted")
	}
	if _, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
		t.Error("a remote forward was accepted")
	}
	for _, want := range []string{"subsystem sftp refused", "channel direct-tcpip refused", "request tcpip-forward refused"} {
		if f.countAudit(t, credit.EventSSHRefused, "李四", want) != 1 {
			t.Errorf("no ssh-refused %q by 李四 in the audit", want)
		}
	}
}

// The "done when": 40 sessions, idle ones, revoked ones, busy ones
// and a bounded flood of failed logins and silent connections, then
// SIGTERM: every slot is freed, every session and connection is in the
// audit, and the server returns within the grace.
func TestServeFortySessions(t *testing.T) {
	if testing.Short() {
		t.Skip("40 sessions: not with -short")
	}
	f := startServeWith(t, serveOpts{idle: "8s", maxSessions: 48, perKey: 4, extra: 7, handshake: "60s"})
	began := time.Now()
	var idle, busy []*terminal
	var revoked, follows []*command
	for i := range 4 { // 16 idle views
		for range 4 {
			idle = append(idle, f.terminal(t, fmt.Sprintf("extra%d", i), nil))
		}
	}
	for i := 4; i < 7; i++ { // 12 tail -f of keys to be revoked
		for range 4 {
			revoked = append(revoked, f.start(t, fmt.Sprintf("extra%d", i), "tail -f -n 0"))
		}
	}
	for _, who := range []string{"admin", "officer"} { // 8 views in use
		for range 4 {
			busy = append(busy, f.terminal(t, who, nil))
		}
	}
	for range 4 { // 4 tail -f with events to show
		follows = append(follows, f.start(t, "readonly", "tail -f -n 0"))
	}
	eventually(t, 30*time.Second, "40 sessions", func() bool { return f.liveCount() == 40 })
	t.Logf("40 sessions open after %s", time.Since(began).Round(time.Millisecond))

	stop := make(chan struct{})
	var bg sync.WaitGroup
	bg.Add(3)
	go func() { // the busy ones type and get events
		defer bg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(500 * time.Millisecond):
			}
			for _, tm := range busy {
				io.WriteString(tm.in, "j")
			}
			f.db.AppendEvent(credit.Event{At: time.Now(), Type: credit.EventError, Endpoint: "探针", Err: "keep-alive"})
		}
	}()
	var failed int
	go func() { // a bounded flood of failed logins
		defer bg.Done()
		for range 60 {
			if c, err := f.dialFrom("127.0.0.9", gossh.PublicKeys(f.keys["stranger"])); err == nil {
				c.Close()
			} else {
				failed++
			}
		}
	}()
	var silent []net.Conn // held until shutdown, which must close them
	go func() {           // and of connections that never authenticate
		defer bg.Done()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.8")}}
		for range 20 {
			if c, err := d.Dial("tcp", f.addr); err == nil {
				silent = append(silent, c)
			}
		}
	}()
	defer func() {
		for _, c := range silent {
			c.Close()
		}
	}()

	var keep []string
	for _, who := range []string{"officer", "readonly", "admin", "extra0", "extra1", "extra2", "extra3"} {
		keep = append(keep, f.lines[who])
	}
	f.writeKeys(t, keep...)
	for _, c := range revoked {
		c.waitEnd(t, 3*KeysCheckEvery, "revoked")
	}
	for _, tm := range idle {
		tm.waitEnd(t, 15*time.Second, "idle")
	}
	eventually(t, 5*time.Second, "12 sessions left", func() bool { return f.liveCount() == 12 })
	close(stop)
	bg.Wait()
	if failed != 60 {
		t.Errorf("%d of 60 failed logins failed", failed)
	}
	f.stop()
	t.Logf("SIGTERM with 12 busy sessions: stopped in %s", f.stopped.Round(time.Millisecond))
	if f.stopped > ShutdownGrace {
		t.Errorf("shutdown took %s; the grace is %s", f.stopped, ShutdownGrace)
	}
	for _, tm := range busy {
		tm.waitEnd(t, 2*time.Second, "shutdown")
	}
	for _, c := range follows {
		c.waitEnd(t, 2*time.Second, "shutdown")
	}
	f.srv.mu.Lock()
	live, perKey := len(f.srv.live), len(f.srv.perKey)
	f.srv.mu.Unlock()
	f.srv.gate.mu.Lock()
	pending := f.srv.gate.pending
	f.srv.gate.mu.Unlock()
	if live != 0 || perKey != 0 || pending != 0 {
		t.Errorf("after shutdown: %d sessions, %d keys counted, %d connections pending", live, perKey, pending)
	}
	for typ, want := range map[credit.EventType]int{
		credit.EventSSHConnect: 40, credit.EventSSHDisconnect: 40, credit.EventSSHLogin: 40, credit.EventSSHLogout: 40,
	} {
		if n := f.countAudit(t, typ, "", ""); n != want {
			t.Errorf("%d %s in the audit, want %d", n, typ, want)
		}
	}
	if f.countAudit(t, credit.EventSSHRefused, "", "127.0.0.9") == 0 || f.countAudit(t, credit.EventSSHRefused, "", "127.0.0.8") == 0 {
		t.Error("the flood is not in the audit")
	}
}

// An authenticated connection without a session is closed after
// idle_timeout (sshd's UnusedConnectionTimeout), and one key cannot hold
// more than twice max_sessions_per_key connections.
func TestServeUnusedAndExcessConnectionsClosed(t *testing.T) {
	f := startServeWith(t, serveOpts{idle: "1s", perKey: 1})
	c := f.dial(t, "officer")
	closed := make(chan error, 1)
	go func() { closed <- c.Wait() }()
	select {
	case <-closed:
	case <-time.After(4 * time.Second):
		t.Fatal("a connection without sessions was not closed after idle_timeout")
	}
	if f.countAudit(t, credit.EventSSHRefused, "张三", "no session for 1s") != 1 {
		t.Error("the closing of the unused connection is not audited")
	}
	var conns []*gossh.Client
	for range 3 {
		conns = append(conns, f.dial(t, "admin"))
	}
	third := make(chan error, 1)
	go func() { third <- conns[2].Wait() }()
	select {
	case <-third:
	case <-time.After(2 * time.Second):
		t.Fatal("a third connection of a key with max_sessions_per_key = 1 stayed open")
	}
	if f.countAudit(t, credit.EventSSHRefused, "王五", "twice max_sessions_per_key") != 1 {
		t.Error("the excess connection is not audited")
	}
}

// A reload that only reorders a key's departments changes nothing.
func TestOfficerKeySameAccess(t *testing.T) {
	a := officerKey{Name: "张三", Role: roleOfficer, Depts: []string{"320412", "320411"}}
	for _, tc := range []struct {
		name string
		b    officerKey
		same bool
	}{
		{"reordered", officerKey{Name: "张三", Role: roleOfficer, Depts: []string{"320411", "320412"}}, true},
		{"one department less", officerKey{Name: "张三", Role: roleOfficer, Depts: []string{"320412"}}, false},
		{"read-only", officerKey{Name: "张三", Role: roleReadOnly, Depts: []string{"320412", "320411"}}, false},
		{"renamed", officerKey{Name: "李四", Role: roleOfficer, Depts: []string{"320412", "320411"}}, false},
	} {
		if got := a.sameAccess(tc.b); got != tc.same {
			t.Errorf("%s: sameAccess %v, want %v", tc.name, got, tc.same)
		}
	}
}

// Two views over one connection (OpenSSH's ControlMaster multiplexes
// sessions so): each is its own session, told goodbye at shutdown and
// counted against the key's limit.
func TestServeSessionsSharingOneConnection(t *testing.T) {
	f := startServeWith(t, serveOpts{perKey: 2})
	c := f.dial(t, "admin")
	var tms []*terminal
	for range 2 {
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if err := sess.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
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
		tm.waitFor(t, 10*time.Second, "今日尚未签核")
		tms = append(tms, tm)
	}
	sess, _ := c.NewSession()
	var out, errb lockedBuffer
	sess.Stdout, sess.Stderr = &out, &errb
	if err := sess.Run("status"); err == nil || !strings.Contains(errb.String(), "已有 2 个会话") {
		t.Errorf("a third session over one connection with max_sessions_per_key 2: %v, %q", err, errb.String())
	}
	f.stop()
	for i, tm := range tms {
		tm.waitEnd(t, 3*time.Second, "shutdown")
		if s := ansi.Strip(tm.out.String()); !strings.Contains(s, "服务器正在关闭") {
			t.Errorf("view %d over the shared connection got no goodbye:\n%q", i, tail(s, 400))
		}
	}
}

// The export command shown in a view survives the officer's shell and the
// server's splitting of the command line: a value with spaces, quotes or
// shell characters reaches export as it was on screen.
func TestServeExportCommandLineRoundTrips(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	f := startServe(t)
	dir := t.TempDir()
	for _, v := range []string{"宏达", "宏达 机械", `it's "x" $HOME`, "a\\b`c`;|&"} {
		line := exportCommandLine("2222", "duty", "127.0.0.1", tui.ExportRequest{View: "repair", Format: "csv", Sort: v})
		// The officer's shell; ssh sends the words after the host joined by spaces.
		sh := exec.Command("sh", "-c", `ssh() { shift 3; printf '%s' "$*"; }; `+line)
		sh.Dir = dir
		if out, err := sh.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
		remote, err := os.ReadFile(filepath.Join(dir, "repair.csv"))
		if err != nil {
			t.Fatal(err)
		}
		_, errs, code := f.run(t, "admin", string(remote))
		if want := fmt.Sprintf("no column %q", v); code != 1 || !strings.Contains(errs, want) {
			t.Errorf("%s\nsent %q: exit %d, %q; want the error naming %s", line, remote, code, errs, want)
		}
	}
	if line := exportCommandLine("2261", "duty", "10.1.2.3", tui.ExportRequest{View: "queue", Format: "csv", Filter: "2025", Sort: "企业名称", Desc: true}); line != "ssh -p 2261 duty@10.1.2.3 export --view queue --filter 2025 --sort 企业名称 --desc > queue.csv" {
		t.Errorf("plain values are quoted: %s", line)
	}
}
