package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/charmbracelet/wish/recover"
	"github.com/czyj/credwatch/audit"
	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/tui"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
)

// runServe runs the SSH server (docs/serve.md): one sync engine and one
// cache shared by every officer who logs in with an authorised key, each
// seeing their departments and acting only as their role allows. It runs
// until SIGINT or SIGTERM, then tells every session goodbye and closes.
func (a *app) runServe(args []string) int {
	fs := newFlags("serve")
	listen := fs.String("listen", "", "`ADDR` to listen on (default [serve] listen, else 127.0.0.1:2222)")
	hostKey := fs.String("host-key", "", "the server's private host key `FILE`, created (ed25519, 0600) if missing")
	authKeys := fs.String("authorized-keys", "", "the officers' keys `FILE` (docs/serve.md)")
	if code, ok := parseFlags(fs, args, a.stdout, a.stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		flagError(a.stderr, "serve", fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
		return 2
	}
	cfg, err := a.cfg.Serve.withDefaults()
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch serve: %v\n", err)
		return 2
	}
	cfg.Listen = firstNonEmpty(*listen, cfg.Listen)
	cfg.HostKey = firstNonEmpty(*hostKey, cfg.HostKey)
	cfg.AuthorizedKeys = firstNonEmpty(*authKeys, cfg.AuthorizedKeys)

	lowerGCTarget() // every session is a TUI
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	db, err := a.openCache(false)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch serve: %v\n", err)
		return 1
	}
	defer db.Close()
	al, err := audit.Open(auditDir(cfg, db.Path()), cfg.AuditRetentionDays)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch serve: %v\n", err)
		return 1
	}
	defer al.Close()
	s, err := newSSHServer(a, db, al, cfg)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch serve: %v\n", err)
		return 1
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch serve: %v\n", err)
		return 1
	}
	if err := s.serve(ctx, ln, hup); err != nil {
		fmt.Fprintf(a.stderr, "credwatch serve: %v\n", err)
		return 1
	}
	return 0
}

// auditDir is where the server keeps its audit trail: audit_dir, else
// "audit" next to the cache.
func auditDir(cfg ServeConfig, cachePath string) string {
	if cfg.AuditDir != "" {
		return cfg.AuditDir
	}
	return filepath.Join(filepath.Dir(cachePath), "audit")
}

// Timings of the server.
const (
	keysCheckEvery    = 2 * time.Second        // how often the keys file is checked for changes
	shutdownGrace     = 5 * time.Second        // from SIGTERM to the process's exit, whatever the sessions do
	forceClose        = time.Second            // the part of shutdownGrace left after sessions were asked to end
	ptyDrain          = 150 * time.Millisecond // for the PTY to pass the last output on before the channel closes
	channelProbeEvery = time.Second            // how often a session checks that its client still holds the channel
	syncNowEvery      = 10 * time.Second       // sessions' `r` starts at most one pass this often, server-wide
	refusedEvery      = time.Minute            // at most one refusal per address is audited this often; the rest are counted
)

// sshServer is `credwatch serve`: the SSH server, the shared cache and
// sync role, the keys in force, the sessions running and the audit trail.
type sshServer struct {
	a        *app
	db       *store.DB
	cfg      ServeConfig
	keys     *keyring
	hub      *eventHub
	sync     *syncer
	srv      *ssh.Server
	fp       string // host key fingerprint, for the log
	auditLog *audit.Log
	gate     *gate
	refused  *refusals

	syncMu   sync.Mutex
	lastSync time.Time // when a session last asked for a pass

	mu      sync.Mutex
	live    map[*liveSession]struct{}
	bySess  map[ssh.Session]*liveSession
	perKey  map[string]int // open sessions by the key's wire form
	closing bool
	running sync.WaitGroup // session handlers
	conns   sync.WaitGroup // connection watchers (login, logout)
}

// newSSHServer checks the files and builds the server; it does not listen.
// The host key is created (ed25519, 0600, directory 0700) when missing; an
// existing one that others may read, or in a directory others may write,
// is refused, as sshd refuses such files.
func newSSHServer(a *app, db *store.DB, al *audit.Log, cfg ServeConfig) (*sshServer, error) {
	s := &sshServer{a: a, db: db, cfg: cfg, live: map[*liveSession]struct{}{}, bySess: map[ssh.Session]*liveSession{}, perKey: map[string]int{},
		keys: &keyring{path: cfg.AuthorizedKeys, dir: a.depts}, hub: newEventHub(),
		sync: &syncer{a: a, db: db, command: "credwatch serve"}, auditLog: al, refused: newRefusals()}
	s.gate = newGate(cfg.HandshakeTimeout.Duration, cfg.MaxUnauthenticated, cfg.BackoffExempt, s)
	if err := s.loadKeys(); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(cfg.HostKey); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("host key %s may be read by others (mode %04o): chmod 600 it", cfg.HostKey, fi.Mode().Perm())
	}
	srv, err := wish.NewServer(
		wish.WithAddress(cfg.Listen),
		wish.WithHostKeyPath(cfg.HostKey), // generates an ed25519 key 0600 when missing
		wish.WithPublicKeyAuth(s.authorise),
		// No password or keyboard-interactive handler: both are refused.
		// The connection's own idle timeout is a backstop for dead peers;
		// a session says goodbye at IdleTimeout without input or output.
		wish.WithIdleTimeout(cfg.IdleTimeout.Duration+time.Minute),
		wish.WithVersion("credwatch_"+version),
		ssh.AllocatePty(),
		s.hooks,
		wish.WithMiddleware(recover.MiddlewareWithLogger(&serveLog{w: a.stderr},
			s.commandMiddleware,
			bm.MiddlewareWithProgramHandler(s.program, termenv.Ascii),
			s.sessionMiddleware,
		)),
	)
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w", cfg.HostKey, err)
	}
	if err := checkSafePath(cfg.HostKey); err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if len(srv.HostSigners) > 0 {
		s.fp = gossh.FingerprintSHA256(srv.HostSigners[0].PublicKey())
	}
	s.srv = srv
	return s, nil
}

// hooks installs what wish has no option for: the limits on connections
// that have not authenticated (gate), and an audit line for every request
// the server refuses (subsystems such as sftp, port forwarding, other
// channel types).
func (s *sshServer) hooks(srv *ssh.Server) error {
	srv.ConnCallback = s.gate.conn
	srv.SessionRequestCallback = func(sess ssh.Session, req string) bool {
		if req == "subsystem" {
			s.refuseRequest(sess.Context(), "subsystem "+oneLine(sess.Subsystem()))
			return false
		}
		return true
	}
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{
		"session": ssh.DefaultSessionHandler,
		"default": func(_ *ssh.Server, _ *gossh.ServerConn, ch gossh.NewChannel, ctx ssh.Context) {
			s.refuseRequest(ctx, "channel "+oneLine(ch.ChannelType()))
			ch.Reject(gossh.Prohibited, "credwatch serve forwards nothing")
		},
	}
	srv.RequestHandlers = map[string]ssh.RequestHandler{
		"default": func(ctx ssh.Context, _ *ssh.Server, req *gossh.Request) (bool, []byte) {
			switch req.Type {
			case "keepalive@openssh.com", "no-more-sessions@openssh.com":
			default:
				s.refuseRequest(ctx, "request "+oneLine(req.Type))
			}
			return false, nil
		},
	}
	return nil
}

// refuseRequest audits a request refused on an authenticated connection.
func (s *sshServer) refuseRequest(ctx ssh.Context, what string) {
	actor := ""
	if pub, ok := ctx.Value(ssh.ContextKeyPublicKey).(ssh.PublicKey); ok {
		if k, ok := s.keys.lookup(pub); ok {
			actor = k.Name
		}
	}
	s.audit(credit.Event{Type: credit.EventSSHRefused, Actor: actor,
		Message: fmt.Sprintf("from %s as %q: %s refused", ctx.RemoteAddr(), ctx.User(), what)})
}

// serve accepts connections on ln until ctx is done, with the sync role
// and the keys watch running; then it shuts down (shutdown) and returns
// within shutdownGrace.
func (s *sshServer) serve(ctx context.Context, ln net.Listener, hup <-chan os.Signal) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	last, err := s.db.LastSeq()
	if err != nil {
		return fmt.Errorf("read events of %s: %w", s.db.Path(), err)
	}
	var bg sync.WaitGroup
	bg.Add(4)
	go func() { defer bg.Done(); s.sync.run(ctx) }()
	go func() { defer bg.Done(); s.flushRefusals(ctx) }()
	go func() { defer bg.Done(); s.hub.run(s.db.Follow(ctx, last, followEvery)) }()
	go func() { defer bg.Done(); s.watchKeys(ctx, hup) }()

	fmt.Fprintf(s.a.stderr, "credwatch serve: listening on %s (host key %s, %s); keys from %s; cache %s; audit %s\n",
		ln.Addr(), s.cfg.HostKey, s.fp, s.cfg.AuthorizedKeys, s.db.Path(), s.auditLog.Dir())
	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(ln) }()
	listening := true
	select {
	case err = <-served: // the listener failed
		listening = false
	case <-ctx.Done():
	}
	if errors.Is(err, ssh.ErrServerClosed) {
		err = nil
	}
	// A margin within the grace for what follows: closing the cache and
	// the audit, and the process's exit.
	deadline := time.Now().Add(shutdownGrace - 250*time.Millisecond)
	// Close the listener here too: the SSH server closes only the
	// listeners its Serve has registered, which it may not have yet.
	ln.Close()
	s.shutdown(deadline)
	if listening {
		select {
		case <-served:
		case <-time.After(time.Until(deadline)):
		}
	}
	cancel()
	if !waitUntil(&bg, deadline) {
		fmt.Fprintln(s.a.stderr, "credwatch serve: the sync did not stop within the grace period; exiting anyway")
	}
	fmt.Fprintln(s.a.stderr, "credwatch serve: stopped")
	return err
}

// shutdown stops accepting, tells every session goodbye, and by deadline
// (less forceClose) kills the views still running and closes every
// connection. It returns by deadline whatever the sessions are doing: it
// never waits on a session while holding the server's lock, and never
// blocks on a program.
func (s *sshServer) shutdown(deadline time.Time) {
	s.mu.Lock()
	s.closing = true
	live := slices.Collect(maps.Keys(s.live))
	s.mu.Unlock()
	s.gate.close() // no connection is admitted (or counted in s.conns) from now
	// Close the listeners now (new connections are refused at once); the
	// connections themselves are closed below.
	go func() {
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		defer cancel()
		_ = s.srv.Shutdown(ctx)
	}()
	for _, l := range live {
		l.end(s.msg("bye.shutdown"))
	}
	if !waitUntil(&s.running, deadline.Add(-forceClose)) {
		s.mu.Lock()
		live = slices.Collect(maps.Keys(s.live))
		s.mu.Unlock()
		for _, l := range live {
			l.kill()
		}
	}
	_ = s.srv.Close()
	s.gate.closeWaiting()
	if !waitUntil(&s.running, deadline) {
		fmt.Fprintln(s.a.stderr, "credwatch serve: some sessions did not end within the grace period")
	}
	waitUntil(&s.conns, deadline)
	s.auditCounted(s.refused.drain(time.Now(), true))
}

// flushRefusals audits, every refusedEvery until ctx is done, the
// refusals counted but not audited one by one, so that the count of a
// flood is in the trail even when no refusal follows it.
func (s *sshServer) flushRefusals(ctx context.Context) {
	t := time.NewTicker(refusedEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			s.auditCounted(s.refused.drain(now, false))
		}
	}
}

// auditCounted audits refusals counted by address.
func (s *sshServer) auditCounted(counted map[string]int) {
	for _, h := range slices.Sorted(maps.Keys(counted)) {
		s.audit(credit.Event{Type: credit.EventSSHRefused, Items: counted[h],
			Message: fmt.Sprintf("from %s: %d more refusals not logged one by one", h, counted[h])})
	}
}

// waitUntil waits for wg until deadline and reports whether it finished.
func waitUntil(wg *sync.WaitGroup, deadline time.Time) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(time.Until(deadline)):
		return false
	}
}

// authorise lets a connection in when its key is in the keys file. A
// connection refused is audited once, however many keys it tries, and
// refusals from one address at most once per refusedEvery (counted).
func (s *sshServer) authorise(ctx ssh.Context, pub ssh.PublicKey) bool {
	if _, ok := s.keys.lookup(pub); ok {
		return true
	}
	if ctx.Value(ctxRefused) == nil {
		ctx.SetValue(ctxRefused, true)
		why := "is not authorised"
		if e := s.keys.failure(); e != "" {
			why = "refused: the keys file is unusable (" + e + ")"
		}
		s.auditRefused(ctx.RemoteAddr(), fmt.Sprintf("as %q: key %s %s %s", ctx.User(), pub.Type(), gossh.FingerprintSHA256(pub), why))
	}
	return false
}

// auditRefused audits a refused connection from addr, at most once per
// refusedEvery and address; the refusals not audited are counted in the
// next line from that address.
func (s *sshServer) auditRefused(addr net.Addr, what string) {
	ok, more := s.refused.allow(hostOf(addr), time.Now())
	if !ok {
		return
	}
	msg := fmt.Sprintf("from %s %s", addr, what)
	if more > 0 {
		msg += fmt.Sprintf(" (and %d more refusals from this address not logged one by one)", more)
	}
	s.audit(credit.Event{Type: credit.EventSSHRefused, Message: msg})
}

type ctxKey string

const ctxRefused ctxKey = "credwatch-refused"

// loadKeys (re)reads the keys file, audits the outcome and applies it to
// the open sessions (applyKeys). A file that cannot be used refuses every
// login and ends every session, unless keep_keys_on_error.
func (s *sshServer) loadKeys() error {
	n, problems, err := s.keys.load()
	if err != nil {
		return err
	}
	ev := credit.Event{Type: credit.EventSSHKeys, Items: n, Message: fmt.Sprintf("%d keys from %s", n, s.cfg.AuthorizedKeys)}
	if len(problems) > 0 {
		ev.Err = fmt.Sprintf("%d lines refused: %s", len(problems), joinProblems(problems))
		for _, p := range problems {
			fmt.Fprintf(s.a.stderr, "credwatch serve: %s: %s (this key gets no access)\n", s.cfg.AuthorizedKeys, p)
		}
	}
	s.audit(ev)
	if s.srv != nil { // a reload, not the start
		fmt.Fprintf(s.a.stderr, "credwatch serve: reloaded %d keys from %s\n", n, s.cfg.AuthorizedKeys)
	}
	s.applyKeys()
	s.tellAdmins()
	return nil
}

// warningsFor are the warnings on every screen of a session of key: the
// configuration's, and for an admin a keys file kept in force although it
// can no longer be used (keep_keys_on_error).
func (s *sshServer) warningsFor(key officerKey) []string {
	w := s.a.cfg.warnings()
	if f := s.keys.failure(); f != "" && key.Role == roleAdmin && s.cfg.KeepKeysOnError {
		w = append(w, credit.Sanitize(s.msgf("warn.keys", f)))
	}
	return w
}

// tellAdmins updates the warnings of the admins' open views.
func (s *sshServer) tellAdmins() {
	s.mu.Lock()
	live := slices.Collect(maps.Keys(s.live))
	s.mu.Unlock()
	for _, l := range live {
		if l.key.Role != roleAdmin {
			continue
		}
		l.mu.Lock()
		p := l.program
		l.mu.Unlock()
		if p != nil {
			go p.Send(tui.WarningsMsg(s.warningsFor(l.key)))
		}
	}
}

// applyKeys ends the sessions whose key is no longer in force (removed,
// or the file unusable) and those whose name, role or departments changed:
// the officer is told why, and reconnects with the rights now in force.
// Until a session has ended, every read and action of it goes through the
// keys in force (sessionStore), so nothing is done with the old rights.
func (s *sshServer) applyKeys() {
	s.mu.Lock()
	live := slices.Collect(maps.Keys(s.live))
	s.mu.Unlock()
	for _, l := range live {
		k, ok := s.keys.lookup(l.key.Key)
		switch {
		case !ok && s.keys.failure() != "":
			l.end(s.msg("bye.keys"))
		case !ok:
			l.end(s.msg("bye.revoked"))
		case !k.sameAccess(l.key):
			l.end(s.msg("bye.changed"))
		default:
			continue
		}
		s.audit(credit.Event{Type: credit.EventSSHKeys, Actor: l.key.Name,
			Message: fmt.Sprintf("session from %s ended: its key was removed or its rights changed", l.addr)})
		fmt.Fprintf(s.a.stderr, "credwatch serve: ended the session of %s from %s: its key was removed or its rights changed\n", l.key.Name, l.addr)
	}
}

func joinProblems(ps []string) string {
	if len(ps) > 5 {
		ps = append(ps[:5:5], fmt.Sprintf("and %d more", len(ps)-5))
	}
	out := ""
	for i, p := range ps {
		if i > 0 {
			out += "; "
		}
		out += p
	}
	return out
}

// watchKeys reloads the keys on SIGHUP and when the file changes, until
// ctx is done. A file that becomes unusable (deleted for two checks in a
// row, unreadable, or writable by others) takes every key out of force
// unless keep_keys_on_error is set.
func (s *sshServer) watchKeys(ctx context.Context, hup <-chan os.Signal) {
	t := time.NewTicker(keysCheckEvery)
	defer t.Stop()
	missing := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			missing = 2 // a reload asked for: a missing file is missing now
		case <-t.C:
			changed, err := s.keys.changed()
			switch {
			case err != nil && missing < 1:
				missing++ // an editor replacing the file: look again
				continue
			case err == nil && !changed:
				missing = 0
				continue
			}
		}
		if err := s.loadKeys(); err != nil {
			s.keysUnusable(err)
			continue
		}
		missing = 0
	}
}

// keysUnusable reports a keys file that can no longer be used and, unless
// keep_keys_on_error, takes every key out of force.
func (s *sshServer) keysUnusable(err error) {
	if s.cfg.KeepKeysOnError {
		first := s.keys.failure() == ""
		s.keys.setFailure(err.Error(), false)
		if first {
			fmt.Fprintf(s.a.stderr, "credwatch serve: %v; keep_keys_on_error: the keys loaded before stay in force\n", err)
			s.audit(credit.Event{Type: credit.EventSSHKeys, Err: err.Error(), Message: "the keys loaded before stay in force (keep_keys_on_error)"})
			s.tellAdmins()
		}
		return
	}
	if s.keys.failure() == err.Error() {
		return // said already
	}
	s.keys.setFailure(err.Error(), true)
	fmt.Fprintf(s.a.stderr, "credwatch serve: %v; every login is refused and every session ended until it is fixed\n", err)
	s.audit(credit.Event{Type: credit.EventSSHKeys, Err: err.Error(), Message: "no key in force: every login refused until the file is fixed"})
	s.applyKeys()
}

// audit appends ev to the audit trail. A failure is reported on the
// server's standard error; it does not end the session.
func (s *sshServer) audit(ev credit.Event) {
	ev.At = time.Now().In(credit.ChinaZone) // the trail's own time, not the --today of a drill
	if err := s.auditLog.Append(ev); err != nil {
		fmt.Fprintf(s.a.stderr, "credwatch serve: %v\n", err)
	}
}

// syncNow asks the engine for a pass on a session's behalf: at most one
// every syncNowEvery for the whole server, so that holding `r` in any
// number of sessions neither floods the agencies nor the event log. An
// error says why no pass starts (one was just asked for; or the server
// does not hold the sync role).
func (s *sshServer) syncNow() error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	now := time.Now()
	if !s.lastSync.IsZero() && now.Sub(s.lastSync) < syncNowEvery {
		return fmt.Errorf("a pass was asked for %s ago; at most one every %s", now.Sub(s.lastSync).Round(time.Second), syncNowEvery)
	}
	if err := s.sync.SyncNow(); err != nil {
		return err
	}
	s.lastSync = now
	return nil
}

// serveLog is where the recover middleware reports a session's panic.
type serveLog struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *serveLog) Printf(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "credwatch serve: "+format+"\n", v...)
}

// eventHub fans the cache's event log out to the terminal sessions: one
// follower for the whole server instead of one per session. Publishing
// never blocks; a session that falls behind misses events, not data (the
// next event reloads its view).
type eventHub struct {
	mu     sync.Mutex
	subs   map[chan credit.Event]func(credit.Event) bool
	closed bool
}

func newEventHub() *eventHub {
	return &eventHub{subs: map[chan credit.Event]func(credit.Event) bool{}}
}

// run publishes every event from ch until it closes, then closes every
// subscription.
func (h *eventHub) run(ch <-chan credit.Event) {
	for ev := range ch {
		h.mu.Lock()
		for c, visible := range h.subs {
			if !visible(ev) {
				continue
			}
			select {
			case c <- ev:
			default:
			}
		}
		h.mu.Unlock()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for c := range h.subs {
		close(c)
		delete(h.subs, c)
	}
}

// subscribe returns a channel of the events published from now until ctx
// is done, when it is closed, for which visible (called on the hub's
// goroutine) returns true.
func (h *eventHub) subscribe(ctx context.Context, visible func(credit.Event) bool) <-chan credit.Event {
	c := make(chan credit.Event, 64)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(c)
		return c
	}
	h.subs[c] = visible
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[c]; ok {
			delete(h.subs, c)
			close(c)
		}
	}()
	return c
}
