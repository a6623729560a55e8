// Package serve is `credwatch serve`: the SSH server that serves the
// full-screen view and the plain-text commands to officers who log in with
// an authorised key (docs/serve.md). It holds the gate (who may connect,
// how many, how fast), the keys in force, the sessions and their limits,
// and writes the audit trail. The command (cmd/credwatch) owns the flags
// and the configuration, and gives the server the cache, the audit trail,
// the sync role, the commands and the view's settings (Config).
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/charmbracelet/wish/recover"
	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/store/audit"
	"github.com/czyj/credwatch/tui"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
)

// Config is what a Server needs. DB, Audit, Depts, HostKey and
// AuthorizedKeys are required; the limits must be positive (the command
// fills in the documented defaults of the [serve] table).
type Config struct {
	Listen             string        // address for ListenAndServe
	HostKey            string        // the private host key, created (ed25519, 0600) if missing
	AuthorizedKeys     string        // the officers' keys file (docs/serve.md)
	IdleTimeout        time.Duration // a session without input or output ends after this
	MaxSessions        int           // sessions at once; the last slot is kept for admins
	MaxSessionsPerKey  int           // sessions at once of one key
	HandshakeTimeout   time.Duration // to authenticate
	MaxUnauthenticated int           // connections authenticating at once
	BackoffExempt      []string      // networks (CIDR, checked by the caller) that never wait after failures
	KeepKeysOnError    bool          // keep the keys in force when the file becomes unusable

	DB    *store.DB         // the shared cache; the server neither opens nor closes it
	Audit *audit.Log        // the audit trail; the server neither opens nor closes it
	Depts *credit.Directory // the departments a key's credwatch-depts may name
	Lang  string            // "zh" (default) or "en": what the server says to officers

	// Version is in the server's SSH version string (credwatch_VERSION).
	Version string
	// Sync, when set, runs while the server serves (the sync role) and
	// starts a pass when an officer presses r.
	Sync Syncer
	// View returns the full-screen view's settings for a session of
	// scope; the server adds the session's store, events, renderer and
	// actions. Nil: sessions with a terminal get the usage, as without.
	View func(scope credit.Scope) tui.Deps
	// Warnings are shown on every screen (the configuration's).
	Warnings func() []string
	// Commands are what a session without a terminal may run, by name
	// (status, check, tail, export, report, audit). The server refuses
	// --out to export and report, and audit to all but admins.
	Commands map[string]Command
	// FollowEvery is how often the server polls the cache's event log for
	// the open views (default 300 ms).
	FollowEvery time.Duration
	// Pace makes the sessions move to a newer data generation together,
	// no more often than their tabs can be built (tui.Shared.Pace, given
	// to the read model): while the data changes faster, the generations
	// between are skipped. false: each generation is read as soon as a
	// session asks (the tests that count reads).
	Pace bool
	// Logger receives the server's diagnostics (default: discarded).
	// The audit trail is kept apart, in Audit.
	Logger *slog.Logger
}

// Syncer is the sync role the server holds while it serves.
type Syncer interface {
	// Run syncs until ctx is done.
	Run(ctx context.Context)
	// SyncNow asks for a pass, or says why none starts.
	SyncNow() error
}

// A Command runs one command line of a session without a terminal and
// returns its exit status. It must return when ctx is done (the session
// ended, or the server is shutting down).
type Command func(ctx context.Context, inv Invocation) int

// Invocation is one run of a Command: its arguments (after the name), the
// scope of the session's key, which events it may show, and where it
// writes (the session).
type Invocation struct {
	Args           []string
	Scope          credit.Scope
	Visible        func(credit.Event) bool
	Stdout, Stderr io.Writer
}

// Timings of the server.
const (
	KeysCheckEvery    = 2 * time.Second        // how often the keys file is checked for changes
	ShutdownGrace     = 5 * time.Second        // from SIGTERM to the process's exit, whatever the sessions do
	forceClose        = time.Second            // the part of ShutdownGrace left after sessions were asked to end
	ptyDrain          = 150 * time.Millisecond // for the PTY to pass the last output on before the channel closes
	channelProbeEvery = time.Second            // how often a session checks that its client still holds the channel
	syncNowEvery      = 10 * time.Second       // sessions' `r` starts at most one pass this often, server-wide
	refusedEvery      = time.Minute            // at most one refusal per address is audited this often; the rest are counted
)

// Server is `credwatch serve`: the SSH server, the keys in force, the
// sessions running and the audit trail, over the shared cache and sync
// role it was given.
type Server struct {
	cfg     Config
	db      *store.DB
	log     *slog.Logger
	keys    *keyring
	hub     *eventHub
	srv     *ssh.Server
	fp      string // host key fingerprint, for the log
	gate    *gate
	refused *refusals
	reload  chan struct{} // Reload's requests

	// The sessions' shared read model (issue 20): the cache's penalties,
	// repairs and check data read once per generation (reads), and the
	// tabs built from them once per scope, day and settings (shared).
	// rules and depts stand for the views' rules and departments when
	// View sets none (the TUI's defaults, made once), so that the
	// sessions share them.
	reads  *store.ReadModel
	shared *tui.Shared
	scav   *scavenger // frees a superseded generation's memory (scavenge.go)
	rules  *credit.Rules
	depts  *credit.Directory

	syncMu   sync.Mutex
	lastSync time.Time // when a session last asked for a pass

	mu      sync.Mutex
	live    map[*session]struct{}
	bySess  map[ssh.Session]*session
	perKey  map[string]int // open sessions by the key's wire form
	closing bool
	running sync.WaitGroup // session handlers
	conns   sync.WaitGroup // connection watchers (login, logout)
}

// New checks the files and builds the server; it does not listen. The
// keys file must be usable (its lines that are not are logged and grant
// nothing). The host key is created (ed25519, 0600, directory 0700) when
// missing; an existing one that others may read, or in a directory others
// may write, is refused, as sshd refuses such files.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.DB == nil || cfg.Audit == nil || cfg.Depts == nil:
		return nil, errors.New("serve: Config needs DB, Audit and Depts")
	case cfg.HostKey == "" || cfg.AuthorizedKeys == "":
		return nil, errors.New("serve: Config needs HostKey and AuthorizedKeys")
	case cfg.IdleTimeout <= 0 || cfg.HandshakeTimeout <= 0 || cfg.MaxSessions <= 0 || cfg.MaxSessionsPerKey <= 0 || cfg.MaxUnauthenticated <= 0:
		return nil, errors.New("serve: Config's timeouts and limits must be positive")
	}
	if cfg.FollowEvery <= 0 {
		cfg.FollowEvery = 300 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, db: cfg.DB, log: cfg.Logger, live: map[*session]struct{}{}, bySess: map[ssh.Session]*session{}, perKey: map[string]int{},
		keys: &keyring{path: cfg.AuthorizedKeys, dir: cfg.Depts}, hub: newEventHub(), refused: newRefusals(), reload: make(chan struct{}, 1),
		reads: cfg.DB.ReadModel(), shared: tui.NewShared(), scav: newScavenger(),
		rules: credit.DefaultRules(), depts: credit.NewDirectory(credit.DefaultDepartments())}
	if cfg.Pace {
		s.reads.SetPace(s.shared.Pace)
	}
	s.gate = newGate(cfg.HandshakeTimeout, cfg.MaxUnauthenticated, cfg.BackoffExempt, s)
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
		wish.WithIdleTimeout(cfg.IdleTimeout+time.Minute),
		wish.WithVersion("credwatch_"+cfg.Version),
		ssh.AllocatePty(),
		s.hooks,
		wish.WithMiddleware(recover.MiddlewareWithLogger(panicLog{s.log},
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

// HostKey is the server's public host key, for a client's known hosts.
func (s *Server) HostKey() gossh.PublicKey {
	if len(s.srv.HostSigners) == 0 {
		return nil
	}
	return s.srv.HostSigners[0].PublicKey()
}

// Sessions is the number of sessions holding a slot now.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// Reload asks the server to read the keys file again (SIGHUP) and apply
// it to the open sessions. It never blocks; the server also notices a
// changed file on its own within KeysCheckEvery.
func (s *Server) Reload() {
	select {
	case s.reload <- struct{}{}:
	default:
	}
}

// ListenAndServe listens on Config.Listen and serves (Serve).
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// hooks installs what wish has no option for: the limits on connections
// that have not authenticated (gate), and an audit line for every request
// the server refuses (subsystems such as sftp, port forwarding, other
// channel types).
func (s *Server) hooks(srv *ssh.Server) error {
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
func (s *Server) refuseRequest(ctx ssh.Context, what string) {
	actor := ""
	if pub, ok := ctx.Value(ssh.ContextKeyPublicKey).(ssh.PublicKey); ok {
		if k, ok := s.keys.lookup(pub); ok {
			actor = k.Name
		}
	}
	s.log.Warn("request refused", "user", actor, "remote", ctx.RemoteAddr().String(), "request", what)
	s.audit(credit.Event{Type: credit.EventSSHRefused, Actor: actor,
		Message: fmt.Sprintf("from %s as %q: %s refused", ctx.RemoteAddr(), ctx.User(), what)})
}

// Serve accepts connections on ln until ctx is done, with the sync role
// and the keys watch running; then it tells every session goodbye, closes
// every connection and ln, and returns within ShutdownGrace (5 s) whatever
// the sessions do. A Server serves once.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	last, err := s.db.LastSeq()
	if err != nil {
		return fmt.Errorf("read events of %s: %w", s.db.Path(), err)
	}
	var bg sync.WaitGroup
	bg.Add(3)
	if s.cfg.Sync != nil {
		bg.Add(1)
		go func() { defer bg.Done(); s.cfg.Sync.Run(ctx) }()
	}
	go func() { defer bg.Done(); s.flushRefusals(ctx) }()
	go func() { defer bg.Done(); s.hub.run(s.db.Follow(ctx, last, s.cfg.FollowEvery)) }()
	go func() { defer bg.Done(); s.watchKeys(ctx) }()

	s.log.Info("listening", "addr", ln.Addr().String(), "host_key", s.cfg.HostKey, "fingerprint", s.fp,
		"keys", s.cfg.AuthorizedKeys, "cache", s.db.Path(), "audit", s.cfg.Audit.Dir())
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
	deadline := time.Now().Add(ShutdownGrace - 250*time.Millisecond)
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
		s.log.Warn("the sync did not stop within the grace period; exiting anyway", "grace", ShutdownGrace)
	}
	s.log.Info("stopped")
	return err
}

// shutdown stops accepting, tells every session goodbye, and by deadline
// (less forceClose) kills the views still running and closes every
// connection. It returns by deadline whatever the sessions are doing: it
// never waits on a session while holding the server's lock, and never
// blocks on a program.
func (s *Server) shutdown(deadline time.Time) {
	s.mu.Lock()
	s.closing = true
	s.scav.stop()
	live := slices.Collect(maps.Keys(s.live))
	s.mu.Unlock()
	s.gate.close() // no connection is admitted (or counted in s.conns) from now
	// The listener is closed already (Serve), so new connections are
	// refused at once; the connections themselves are closed below. The
	// SSH server's own Shutdown is not called: it waits on a WaitGroup
	// that a connection finishing its handshake adds to at the same time
	// (charmbracelet/ssh trackConn), which the race detector reports as
	// a misuse of the WaitGroup.
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
		s.log.Warn("some sessions did not end within the grace period", "grace", ShutdownGrace)
	}
	waitUntil(&s.conns, deadline)
	s.auditCounted(s.refused.drain(time.Now(), true))
}

// flushRefusals audits, every refusedEvery until ctx is done, the
// refusals counted but not audited one by one, so that the count of a
// flood is in the trail even when no refusal follows it.
func (s *Server) flushRefusals(ctx context.Context) {
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
func (s *Server) auditCounted(counted map[string]int) {
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
func (s *Server) authorise(ctx ssh.Context, pub ssh.PublicKey) bool {
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
func (s *Server) auditRefused(addr net.Addr, what string) {
	ok, more := s.refused.allow(hostOf(addr), time.Now())
	if !ok {
		return
	}
	s.log.Warn("refused", "remote", addr.String(), "reason", what, "unlogged_before", more)
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
func (s *Server) loadKeys() error {
	n, problems, err := s.keys.load()
	if err != nil {
		return err
	}
	ev := credit.Event{Type: credit.EventSSHKeys, Items: n, Message: fmt.Sprintf("%d keys from %s", n, s.cfg.AuthorizedKeys)}
	if len(problems) > 0 {
		ev.Err = fmt.Sprintf("%d lines refused: %s", len(problems), joinProblems(problems))
		for _, p := range problems {
			s.log.Warn("key refused: this key gets no access", "file", s.cfg.AuthorizedKeys, "problem", p)
		}
	}
	s.audit(ev)
	if s.srv != nil { // a reload, not the start
		s.log.Info("keys reloaded", "keys", n, "file", s.cfg.AuthorizedKeys)
	}
	s.applyKeys()
	s.tellAdmins()
	return nil
}

// warningsFor are the warnings on every screen of a session of key: the
// configuration's, and for an admin a keys file kept in force although it
// can no longer be used (keep_keys_on_error).
func (s *Server) warningsFor(key officerKey) []string {
	var w []string
	if s.cfg.Warnings != nil {
		w = s.cfg.Warnings()
	}
	if f := s.keys.failure(); f != "" && key.Role == roleAdmin && s.cfg.KeepKeysOnError {
		w = append(w, credit.Sanitize(s.msgf("warn.keys", f)))
	}
	return w
}

// tellAdmins updates the warnings of the admins' open views.
func (s *Server) tellAdmins() {
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
func (s *Server) applyKeys() {
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
		s.log.Info("session ended: its key was removed or its rights changed", "user", l.key.Name, "remote", l.addr)
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
func (s *Server) watchKeys(ctx context.Context) {
	t := time.NewTicker(KeysCheckEvery)
	defer t.Stop()
	missing := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.reload:
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
func (s *Server) keysUnusable(err error) {
	if s.cfg.KeepKeysOnError {
		first := s.keys.failure() == ""
		s.keys.setFailure(err.Error(), false)
		if first {
			s.log.Error("keys file unusable; keep_keys_on_error: the keys loaded before stay in force", "file", s.cfg.AuthorizedKeys, "err", err)
			s.audit(credit.Event{Type: credit.EventSSHKeys, Err: err.Error(), Message: "the keys loaded before stay in force (keep_keys_on_error)"})
			s.tellAdmins()
		}
		return
	}
	if s.keys.failure() == err.Error() {
		return // said already
	}
	s.keys.setFailure(err.Error(), true)
	s.log.Error("keys file unusable; every login is refused and every session ended until it is fixed", "file", s.cfg.AuthorizedKeys, "err", err)
	s.audit(credit.Event{Type: credit.EventSSHKeys, Err: err.Error(), Message: "no key in force: every login refused until the file is fixed"})
	s.applyKeys()
}

// audit appends ev to the audit trail. A failure is logged (error); it
// does not end the session.
func (s *Server) audit(ev credit.Event) {
	ev.At = time.Now().In(credit.ChinaZone) // the trail's own time, not the --today of a drill
	if err := s.cfg.Audit.Append(ev); err != nil {
		s.log.Error("audit trail not written", "err", err, "event", string(ev.Type), "user", ev.Actor)
	}
}

// syncNow asks the engine for a pass on a session's behalf: at most one
// every syncNowEvery for the whole server, so that holding `r` in any
// number of sessions neither floods the agencies nor the event log. An
// error says why no pass starts (one was just asked for; or the server
// does not hold the sync role).
func (s *Server) syncNow() error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	now := time.Now()
	if !s.lastSync.IsZero() && now.Sub(s.lastSync) < syncNowEvery {
		return fmt.Errorf("a pass was asked for %s ago; at most one every %s", now.Sub(s.lastSync).Round(time.Second), syncNowEvery)
	}
	if s.cfg.Sync == nil {
		return errors.New("this server does not sync")
	}
	if err := s.cfg.Sync.SyncNow(); err != nil {
		return err
	}
	s.lastSync = now
	return nil
}

// panicLog is where the recover middleware reports a session's panic.
type panicLog struct{ log *slog.Logger }

func (l panicLog) Printf(format string, v ...any) {
	l.log.Error("session panicked", "panic", fmt.Sprintf(format, v...))
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
