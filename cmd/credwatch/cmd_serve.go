package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/charmbracelet/wish/recover"
	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
)

// runServe runs the SSH server (docs/serve.md): one sync engine and one
// cache shared by every officer who logs in with an authorised key, each
// seeing their departments and acting only as their role allows. It runs
// until SIGINT or SIGTERM, then tells every session goodbye and closes.
func (a *app) runServe(args []string) int {
	fs := flag.NewFlagSet("credwatch serve", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	listen := fs.String("listen", "", "address to listen on (default [serve] listen, else 127.0.0.1:2222)")
	hostKey := fs.String("host-key", "", "the server's private host key, created (ed25519, 0600) if missing")
	authKeys := fs.String("authorized-keys", "", "the officers' keys file (docs/serve.md)")
	fs.Usage = func() {
		fmt.Fprint(a.stderr, `Usage: credwatch serve [--listen ADDR] [--host-key FILE] [--authorized-keys FILE]

Serves credwatch over SSH: a session with a terminal gets the full-screen
view; a session without one runs status, check, tail [-f] or export as its
command line asks (ssh -p 2222 HOST tail -f). Only public keys listed in the
authorised keys file get in, each with an officer's name, departments and
role (officer, read-only, admin). This process syncs the cache. SIGHUP (or
editing the file) reloads the keys; SIGTERM ends every session and exits.
See docs/serve.md.
`)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(a.stderr, "credwatch serve: unexpected argument %q\n", fs.Arg(0))
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
	s, err := newSSHServer(a, db, cfg)
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

// Timings of the server.
const (
	keysCheckEvery    = 2 * time.Second        // how often the keys file is checked for changes
	shutdownGrace     = 5 * time.Second        // how long sessions get to say goodbye
	ptyDrain          = 150 * time.Millisecond // for the PTY to pass the last output on before the channel closes
	channelProbeEvery = time.Second            // how often a session checks that its client still holds the channel
)

// sshServer is `credwatch serve`: the SSH server, the shared cache and
// sync role, the keys in force and the sessions running.
type sshServer struct {
	a    *app
	db   *store.DB
	cfg  ServeConfig
	keys *keyring
	hub  *eventHub
	sync *syncer
	srv  *ssh.Server
	fp   string // host key fingerprint, for the log

	mu      sync.Mutex
	live    map[*liveSession]struct{}
	closing bool
	running sync.WaitGroup // session handlers
}

// newSSHServer checks the files and builds the server; it does not listen.
// The host key is created (ed25519, 0600, directory 0700) when missing; an
// existing one that others may read is refused, as ssh refuses such keys.
func newSSHServer(a *app, db *store.DB, cfg ServeConfig) (*sshServer, error) {
	s := &sshServer{a: a, db: db, cfg: cfg, live: map[*liveSession]struct{}{},
		keys: &keyring{path: cfg.AuthorizedKeys, dir: a.depts}, hub: newEventHub(),
		sync: &syncer{a: a, db: db, command: "credwatch serve"}}
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
		// a terminal session says goodbye at IdleTimeout without input.
		wish.WithIdleTimeout(cfg.IdleTimeout.Duration+time.Minute),
		wish.WithVersion("credwatch_"+version),
		ssh.AllocatePty(),
		wish.WithMiddleware(recover.MiddlewareWithLogger(&serveLog{w: a.stderr},
			s.commandMiddleware,
			bm.MiddlewareWithProgramHandler(s.program, termenv.Ascii),
			s.sessionMiddleware,
		)),
	)
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w", cfg.HostKey, err)
	}
	if len(srv.HostSigners) > 0 {
		s.fp = gossh.FingerprintSHA256(srv.HostSigners[0].PublicKey())
	}
	s.srv = srv
	return s, nil
}

// serve accepts connections on ln until ctx is done, with the sync role
// and the keys watch running; then it says goodbye to every session and
// waits for them (at most shutdownGrace) before closing what is left.
func (s *sshServer) serve(ctx context.Context, ln net.Listener, hup <-chan os.Signal) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	last, err := s.db.LastSeq()
	if err != nil {
		return fmt.Errorf("read events of %s: %w", s.db.Path(), err)
	}
	var bg sync.WaitGroup
	bg.Add(3)
	go func() { defer bg.Done(); s.sync.run(ctx) }()
	go func() { defer bg.Done(); s.hub.run(s.db.Follow(ctx, last, followEvery)) }()
	go func() { defer bg.Done(); s.watchKeys(ctx, hup) }()

	fmt.Fprintf(s.a.stderr, "credwatch serve: listening on %s (host key %s, %s); keys from %s; cache %s\n",
		ln.Addr(), s.cfg.HostKey, s.fp, s.cfg.AuthorizedKeys, s.db.Path())
	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(ln) }()
	select {
	case err = <-served: // the listener failed
	case <-ctx.Done():
	}
	if errors.Is(err, ssh.ErrServerClosed) {
		err = nil
	}
	s.shutdown()
	cancel()
	bg.Wait()
	return err
}

// shutdown stops accepting, tells every session goodbye, and closes the
// connections still open after shutdownGrace.
func (s *sshServer) shutdown() {
	s.mu.Lock()
	s.closing = true
	for l := range s.live {
		l.end(s.msg("bye.shutdown"))
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.running.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(shutdownGrace):
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if s.srv.Shutdown(ctx) != nil {
		s.srv.Close()
	}
	fmt.Fprintln(s.a.stderr, "credwatch serve: stopped")
}

// authorise lets a connection in when its key is in the keys file. A
// connection refused is audited once, however many keys it tries.
func (s *sshServer) authorise(ctx ssh.Context, pub ssh.PublicKey) bool {
	if _, ok := s.keys.lookup(pub); ok {
		return true
	}
	if ctx.Value(ctxRefused) == nil {
		ctx.SetValue(ctxRefused, true)
		s.audit(credit.Event{Type: credit.EventSSHRefused,
			Message: fmt.Sprintf("from %s as %q: key %s %s is not authorised", ctx.RemoteAddr(), ctx.User(), pub.Type(), gossh.FingerprintSHA256(pub))})
	}
	return false
}

type ctxKey string

const ctxRefused ctxKey = "credwatch-refused"

// loadKeys (re)reads the keys file and audits the outcome.
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
	return nil
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
// ctx is done. A file that cannot be read keeps the keys in force.
func (s *sshServer) watchKeys(ctx context.Context, hup <-chan os.Signal) {
	t := time.NewTicker(keysCheckEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		case <-t.C:
			if !s.keys.changed() {
				continue
			}
		}
		if err := s.loadKeys(); err != nil {
			fmt.Fprintf(s.a.stderr, "credwatch serve: %v; the keys loaded before stay in force\n", err)
			s.audit(credit.Event{Type: credit.EventSSHKeys, Err: err.Error()})
		}
	}
}

// audit appends ev to the event log, where `credwatch tail` and every view
// see it. A failure is reported on the server's standard error; it does not
// end the session.
func (s *sshServer) audit(ev credit.Event) {
	ev.At = s.a.now()
	if err := s.db.AppendEvent(ev); err != nil {
		fmt.Fprintf(s.a.stderr, "credwatch serve: audit: %v\n", err)
	}
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
	subs   map[chan credit.Event]struct{}
	closed bool
}

func newEventHub() *eventHub { return &eventHub{subs: map[chan credit.Event]struct{}{}} }

// run publishes every event from ch until it closes, then closes every
// subscription. The server's own audit events are not passed on: they are
// not sync progress, which is what the views show.
func (h *eventHub) run(ch <-chan credit.Event) {
	for ev := range ch {
		if isAuditEvent(ev.Type) {
			continue
		}
		h.mu.Lock()
		for c := range h.subs {
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
// is done, when it is closed.
func (h *eventHub) subscribe(ctx context.Context) <-chan credit.Event {
	c := make(chan credit.Event, 64)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(c)
		return c
	}
	h.subs[c] = struct{}{}
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

func isAuditEvent(t credit.EventType) bool {
	switch t {
	case credit.EventSSHConnect, credit.EventSSHCommand, credit.EventSSHDisconnect, credit.EventSSHRefused, credit.EventSSHKeys:
		return true
	}
	return false
}
