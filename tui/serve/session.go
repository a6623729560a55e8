package serve

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/tui"
	"github.com/czyj/credwatch/tui/i18n"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
)

// session is the state of one SSH session being served, all of it: whose
// it is, how to end it, its view or when its command last wrote, and what
// to tell the officer when the server ends it.
type session struct {
	key    officerKey // as it was when the session began
	addr   string
	ctx    context.Context // done when the session ends or the server ends it
	cancel context.CancelFunc

	mu      sync.Mutex
	program *tea.Program // the terminal session's program, once started
	tui     bool
	bye     string // why the server ended the session, told to the officer

	wrote activity // when its command last wrote (a session without a view)
}

// end asks the session to finish, telling the officer why. It never
// blocks: it may be called from the session's own program (idle), from
// the keys watch or from shutdown while the program is busy writing to a
// client that reads nothing.
func (l *session) end(why string) {
	l.mu.Lock()
	if l.bye == "" {
		l.bye = why
	}
	p := l.program
	l.mu.Unlock()
	l.cancel()
	if p != nil {
		go p.Send(goodbyeMsg{}) // returns when the program has ended, if not before
	}
}

// kill stops the session's program at once, without its last frame (the
// terminal is still restored); for shutdown when the grace runs out.
func (l *session) kill() {
	l.cancel()
	l.mu.Lock()
	p := l.program
	l.mu.Unlock()
	if p != nil {
		p.Kill()
	}
}

func (l *session) goodbye() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bye
}

// sessionOf returns the session of sess, if it holds a slot. It is kept
// by session, not in the session's context: that context is the
// connection's, shared by every session multiplexed over it.
func (s *Server) sessionOf(sess ssh.Session) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bySess[sess]
}

// admit takes a session slot for key, or says why not: the server is
// closing, max_sessions is reached (the last slot is kept for admins), or
// the key has max_sessions_per_key open.
func (s *Server) admit(sess ssh.Session, l *session) (refusal string, audit string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := string(l.key.Key.Marshal())
	switch {
	case s.closing:
		return s.msg("bye.shutdown"), ""
	case len(s.live) >= s.cfg.MaxSessions:
		return s.msgf("refused.full", s.cfg.MaxSessions), fmt.Sprintf("max_sessions (%d) reached", s.cfg.MaxSessions)
	case l.key.Role != roleAdmin && s.cfg.MaxSessions > 1 && len(s.live) >= s.cfg.MaxSessions-1:
		return s.msgf("refused.full", s.cfg.MaxSessions), fmt.Sprintf("max_sessions (%d) reached but for the slot kept for admins", s.cfg.MaxSessions)
	case s.perKey[id] >= s.cfg.MaxSessionsPerKey:
		return s.msgf("refused.perkey", s.perKey[id]), fmt.Sprintf("max_sessions_per_key (%d) reached", s.cfg.MaxSessionsPerKey)
	}
	s.live[l] = struct{}{}
	s.bySess[sess] = l
	s.perKey[id]++
	s.running.Add(1)
	return "", ""
}

// release gives the slot of sess, l, back.
func (s *Server) release(sess ssh.Session, l *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.live, l)
	delete(s.bySess, sess)
	id := string(l.key.Key.Marshal())
	if s.perKey[id]--; s.perKey[id] <= 0 {
		delete(s.perKey, id)
	}
	if len(s.live) == 0 {
		s.reads.Forget() // nobody to show the cache to: its memory goes back
		s.shared.Forget()
	}
}

// sessionMiddleware runs first for every session: it finds the officer of
// the key (refusing one removed from the file since the connection was
// authorised), enforces the session limits, and audits the start and end.
func (s *Server) sessionMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		st, _ := sess.Context().Value(ctxConnKey{}).(*connState)
		if st != nil {
			s.gate.login(sess.Context(), st, sess.PublicKey())
		}
		key, ok := s.keys.lookup(sess.PublicKey())
		if !ok { // removed from the keys file since the connection was authorised
			fmt.Fprintln(sess.Stderr(), s.msg("refused.key"))
			s.audit(credit.Event{Type: credit.EventSSHRefused,
				Message: fmt.Sprintf("from %s: a session of key %s, no longer authorised", sess.RemoteAddr(), gossh.FingerprintSHA256(sess.PublicKey()))})
			_ = sess.Exit(1)
			return
		}
		ctx, cancel := context.WithCancel(sess.Context())
		defer cancel()
		l := &session{key: key, addr: sess.RemoteAddr().String(), ctx: ctx, cancel: cancel}
		if tell, why := s.admit(sess, l); tell != "" {
			fmt.Fprintln(sess.Stderr(), tell)
			if why != "" {
				s.log.Warn("session refused", "user", key.Name, "remote", l.addr, "reason", why)
				s.audit(credit.Event{Type: credit.EventSSHRefused, Actor: key.Name,
					Message: fmt.Sprintf("from %s: session refused: %s", sess.RemoteAddr(), why)})
			}
			_ = sess.Exit(1)
			return
		}
		if st != nil {
			st.opened()
			defer st.closed()
		}
		started := time.Now()
		defer func() {
			s.release(sess, l)
			s.log.Info("session ended", "user", key.Name, "remote", l.addr, "after", time.Since(started).Round(time.Second))
			s.audit(credit.Event{Type: credit.EventSSHDisconnect, Actor: key.Name,
				Message: fmt.Sprintf("from %s after %s", sess.RemoteAddr(), time.Since(started).Round(time.Second))})
			s.running.Done()
		}()
		go watchChannel(ctx, sess, func() { l.end("") })

		what := "command: " + oneLine(sess.RawCommand())
		if pty, _, isPty := sess.Pty(); isPty && len(sess.Command()) == 0 {
			what = fmt.Sprintf("terminal %s %dx%d", pty.Term, pty.Window.Width, pty.Window.Height)
		} else if len(sess.Command()) == 0 {
			what = "no command, no terminal"
		}
		s.log.Info("session", "user", key.Name, "remote", l.addr, "what", what)
		s.audit(credit.Event{Type: credit.EventSSHConnect, Actor: key.Name,
			Message: fmt.Sprintf("from %s as %q, key %s (line %d), role %s, departments %s, %s",
				sess.RemoteAddr(), sess.User(), gossh.FingerprintSHA256(key.Key), key.Line, key.Role, key.deptsText(), what)})
		next(sess)
	}
}

// watchChannel calls gone when the client closes the session's channel
// while keeping the connection (ssh -O, a multiplexed master): the
// connection's context ends only with the connection, and a quiet `tail -f`
// writes nothing that could fail. It asks the client for a reply, as
// OpenSSH's ClientAliveInterval does, and stops when ctx is done.
func watchChannel(ctx context.Context, sess ssh.Session, gone func()) {
	t := time.NewTicker(channelProbeEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := sess.SendRequest("keepalive@openssh.com", true, nil); err != nil {
			gone()
			return
		}
	}
}

// sessionStore is the cache as one session may use it: every call goes
// through the scope of the session's key as it is in force at that
// moment, so a key removed or downgraded by a reload reads and acts with
// its new rights (or none) even before its session has ended. Actions,
// done or refused, are audited.
type sessionStore struct {
	s *Server
	l *session
}

var _ tui.Store = sessionStore{}

// LoadScreen is store.LoadScreen over the session's scoped reads.
func (ss sessionStore) LoadScreen(req credit.ScreenRequest) (*credit.Screen, error) {
	return store.LoadScreen(ss, req)
}

// scoped is the store through the key's scope in force now.
func (ss sessionStore) scoped() (*store.Scoped, error) {
	k, ok := ss.s.keys.lookup(ss.l.key.Key)
	if !ok {
		return nil, fmt.Errorf("%s: %w", ss.s.msg("refused.key"), credit.ErrReadOnly)
	}
	return ss.s.db.Scoped(k.Scope()).Through(ss.s.reads), nil
}

// visible reports whether ev may be shown in the session now.
func (ss sessionStore) visible(ev credit.Event) bool {
	sc, err := ss.scoped()
	return err == nil && sc.EventVisible(ev)
}

func (ss sessionStore) Snapshot() (*credit.Snapshot, error) {
	sc, err := ss.scoped()
	if err != nil {
		return nil, err
	}
	return sc.Snapshot()
}

func (ss sessionStore) SnapshotSince(prev *credit.Snapshot) (*credit.Snapshot, error) {
	sc, err := ss.scoped()
	if err != nil {
		return nil, err
	}
	return sc.SnapshotSince(prev)
}

func (ss sessionStore) Overview() (*credit.Snapshot, error) {
	sc, err := ss.scoped()
	if err != nil {
		return nil, err
	}
	return sc.Overview()
}

func (ss sessionStore) CheckData(since time.Time) (*credit.CheckData, error) {
	sc, err := ss.scoped()
	if err != nil {
		return nil, err
	}
	return sc.CheckData(since)
}

func (ss sessionStore) CheckDataLean(since time.Time) (*credit.CheckData, error) {
	sc, err := ss.scoped()
	if err != nil {
		return nil, err
	}
	return sc.CheckDataLean(since)
}

// CheckDataFailing is store.Scoped.CheckDataFailing: LoadScreen reads the
// check data with it, once for every session (the read model).
func (ss sessionStore) CheckDataFailing(since time.Time, lean bool, rules *credit.Rules, today credit.Date) (*credit.CheckData, error) {
	sc, err := ss.scoped()
	if err != nil {
		return nil, err
	}
	return sc.CheckDataFailing(since, lean, rules, today)
}

func (ss sessionStore) Records(keys []string) ([]credit.Record, error) {
	sc, err := ss.scoped()
	if err != nil {
		return nil, err
	}
	return sc.Records(keys)
}

func (ss sessionStore) DeptRecords(dept string, kind credit.Kind) ([]credit.Record, error) {
	sc, err := ss.scoped()
	if err != nil {
		return nil, err
	}
	return sc.DeptRecords(dept, kind)
}

// RecordAction records the action with the key's rights in force now, and
// audits it, refused or not.
func (ss sessionStore) RecordAction(a credit.Action) (credit.OutboxItem, error) {
	sc, err := ss.scoped()
	var it credit.OutboxItem
	if err == nil {
		it, err = sc.RecordAction(a)
	}
	ev := credit.Event{Type: credit.EventAction, Actor: ss.l.key.Name,
		Message: fmt.Sprintf("from %s: %s %s", ss.l.addr, a.Type, a.RecordKey)}
	if err != nil {
		ev.Err = "refused: " + err.Error()
	} else {
		ev.Message += fmt.Sprintf(" (outbox %d, action %s)", it.Seq, it.Action.ID)
		ev.Depts = it.Action.Depts
	}
	ss.s.audit(ev)
	return it, err
}

func (ss sessionStore) Quarantine() ([]credit.Quarantined, error) {
	sc, err := ss.scoped()
	if err != nil {
		return nil, err
	}
	return sc.Quarantine()
}

func (ss sessionStore) Outbox() ([]credit.OutboxItem, error) {
	sc, err := ss.scoped()
	if err != nil {
		return nil, err
	}
	return sc.Outbox()
}

func (ss sessionStore) RetryAction(seq uint64) error {
	sc, err := ss.scoped()
	if err == nil {
		err = sc.RetryAction(seq)
	}
	ev := credit.Event{Type: credit.EventAction, Actor: ss.l.key.Name, Message: fmt.Sprintf("from %s: retry outbox %d", ss.l.addr, seq)}
	if err != nil {
		ev.Err = "refused: " + err.Error()
	}
	ss.s.audit(ev)
	return err
}

// InUseSince is the day the cache came into use (store.Scoped.InUseSince):
// LoadScreen starts a session's sign-off history there, as the local TUI's.
// Without it, every working day of the history before the cache existed
// counted as a missed sign-off over SSH.
func (ss sessionStore) InUseSince() (credit.Date, error) {
	sc, err := ss.scoped()
	if err != nil {
		return 0, err
	}
	return sc.InUseSince()
}

func (ss sessionStore) Signoffs() (map[credit.Date]credit.Signoff, error) {
	sc, err := ss.scoped()
	if err != nil {
		return nil, err
	}
	return sc.Signoffs()
}

// program builds the full-screen view for a session with a terminal and
// no command; for any other session it returns nil and the command
// middleware runs. The view reads and acts through the key's scope in
// force (sessionStore), and draws every style with the session's own
// renderer. Exports are not written on the server: the view shows the
// command that streams the same table to the officer's machine.
func (s *Server) program(sess ssh.Session) *tea.Program {
	l := s.sessionOf(sess)
	if _, _, isPty := sess.Pty(); !isPty || len(sess.Command()) > 0 || l == nil {
		return nil
	}
	if s.cfg.View == nil {
		return nil
	}
	scope := l.key.Scope()
	d := s.cfg.View(scope)
	ss := sessionStore{s: s, l: l}
	d.Store = ss
	d.Events = s.hub.subscribe(l.ctx, ss.visible)
	d.SyncNow = s.syncNow
	d.ReadOnly = scope.ReadOnly
	d.Warnings = s.warningsFor(l.key)
	d.Renderer = sessionRenderer(sess)
	// One read model for every session: the Store's reads through
	// s.reads, the tabs built from them through s.shared, with the same
	// rules and departments.
	d.Shared = s.shared
	if d.Rules == nil {
		d.Rules = s.rules
	}
	if d.Depts == nil {
		d.Depts = s.depts
	}
	d.ExportCommand = exportCommand(sess)
	// The bell and y's OSC 52 go to this session's terminal only, and a
	// copy never touches the server's own clipboard.
	d.Output, d.Remote = sessionOutput(sess), true
	// A load that put a new generation on screen may have left the old
	// one garbage: the scavenger hands it back once the sessions settle.
	tm := tui.New(d).WithHooks(tui.Hooks{Rebuilt: s.scav.poke})
	m := sessionModel{inner: tm, idle: s.cfg.IdleTimeout, last: time.Now(),
		onIdle: func() { l.end(s.msgf("bye.idle", s.cfg.IdleTimeout)) }}
	opts := append(append(tm.ProgramOptions(), tea.WithoutSignalHandler(),
		tea.WithEnvironment(sessionEnv(sess))), bm.MakeOptions(sess)...)
	p := tea.NewProgram(m, opts...)
	l.mu.Lock()
	l.program, l.tui = p, true
	bye := l.bye
	l.mu.Unlock()
	if bye != "" { // the server began shutting down meanwhile
		go p.Send(goodbyeMsg{})
	}
	return p
}

// exportCommand returns the TUI's ExportCommand for a session: the ssh
// command line, for the officer's own machine, that streams an export
// of the table to a file there.
func exportCommand(sess ssh.Session) func(tui.ExportRequest) string {
	host, port := "HOST", "2222"
	if h, p, err := net.SplitHostPort(sess.LocalAddr().String()); err == nil {
		host, port = h, p
	}
	user := sess.User()
	if user == "" || strings.IndexFunc(user, func(r rune) bool { return !plainWordRune(r) }) >= 0 {
		user = "duty"
	}
	return func(r tui.ExportRequest) string { return exportCommandLine(port, user, host, r) }
}

// exportCommandLine is the command line exportCommand shows. ssh joins
// the words after the host with spaces and the server splits them again
// as a POSIX shell would, so a value with spaces or quotes is quoted for
// the server, and the whole remote command once more for the officer's
// shell (double quotes, which cmd.exe and PowerShell read too). Plain
// values (letters, digits, CJK, - _ . / :) are not quoted at all.
func exportCommandLine(port, user, host string, r tui.ExportRequest) string {
	words := []string{"export", "--view", r.View}
	if r.Format != "csv" {
		words = append(words, "--format", r.Format)
	}
	if r.Filter != "" {
		words = append(words, "--filter", remoteWord(r.Filter))
	}
	if r.Dept != "" {
		words = append(words, "--dept", remoteWord(r.Dept))
	}
	if r.Sort != "" {
		words = append(words, "--sort", remoteWord(r.Sort))
		if r.Desc {
			words = append(words, "--desc")
		}
	}
	remote := strings.Join(words, " ")
	if strings.ContainsAny(remote, "'") {
		remote = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`").Replace(remote) + `"`
	}
	return fmt.Sprintf("ssh -p %s %s@%s %s > %s.%s", port, user, host, remote, r.View, r.Format)
}

// plainWordRune reports whether r needs no quoting in a shell word.
func plainWordRune(r rune) bool {
	return r == '-' || r == '_' || r == '.' || r == '/' || r == ':' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' ||
		r > 0x7f && !unicode.IsSpace(r)
}

// remoteWord quotes w, if it needs it, for the server's splitting of the
// command line (single quotes, as a POSIX shell).
func remoteWord(w string) string {
	if w != "" && strings.IndexFunc(w, func(r rune) bool { return !plainWordRune(r) }) < 0 {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}

// commandMiddleware runs last: after a terminal session's view ended it
// tells the officer why the server ended it, if it did; for a session
// without a view it runs the command.
func (s *Server) commandMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		l := s.sessionOf(sess)
		if l == nil {
			next(sess)
			return
		}
		var out, errOut io.Writer = sess, sess.Stderr()
		pty, _, isPty := sess.Pty()
		if w := ptyOutput(pty); isPty && w != nil {
			out, errOut = w, w // the PTY turns \n into \r\n
		}
		l.mu.Lock()
		ranTUI := l.tui
		l.mu.Unlock()
		code := 0
		if !ranTUI {
			l.wrote.touch()
			go s.watchIdleCommand(l)
			code = s.runCommand(l, sess, activityWriter{out, &l.wrote}, activityWriter{errOut, &l.wrote})
		}
		if bye := l.goodbye(); bye != "" {
			fmt.Fprintln(errOut, bye)
			if code == 0 {
				code = 1
			}
		}
		if isPty {
			time.Sleep(ptyDrain)
		}
		_ = sess.Exit(code)
		next(sess)
	}
}

// activity is when a command last wrote to its session.
type activity struct{ at atomic.Int64 }

func (a *activity) touch()               { a.at.Store(time.Now().UnixNano()) }
func (a *activity) since() time.Duration { return time.Since(time.Unix(0, a.at.Load())) }

type activityWriter struct {
	w   io.Writer
	act *activity
}

func (w activityWriter) Write(p []byte) (int, error) {
	w.act.touch()
	return w.w.Write(p)
}

// watchIdleCommand ends a command that wrote nothing for idle_timeout
// (a `tail -f` of a quiet log, a command the client never reads), so that
// it does not hold a slot for ever.
func (s *Server) watchIdleCommand(l *session) {
	idle := s.cfg.IdleTimeout
	t := time.NewTicker(min(max(idle/4, 100*time.Millisecond), time.Minute))
	defer t.Stop()
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-t.C:
			if l.wrote.since() >= idle {
				l.end(s.msgf("bye.idlecmd", idle))
				return
			}
		}
	}
}

// runCommand runs a session's command line with Config.Commands, writing
// to the session and reading through the key's scope.
func (s *Server) runCommand(l *session, sess ssh.Session, out, errOut io.Writer) int {
	args := sess.Command()
	if len(args) == 0 {
		fmt.Fprint(errOut, s.msg("usage"))
		return 2
	}
	s.audit(credit.Event{Type: credit.EventSSHCommand, Actor: l.key.Name, Message: fmt.Sprintf("from %s: %s", l.addr, oneLine(sess.RawCommand()))})
	s.log.Debug("command", "user", l.key.Name, "remote", l.addr, "command", oneLine(sess.RawCommand()))
	cmd, rest := args[0], args[1:]
	run, known := s.cfg.Commands[cmd]
	switch {
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprint(out, s.msg("usage"))
		return 0
	case !known:
		fmt.Fprintf(errOut, "credwatch serve: unknown command %q\n%s", cmd, s.msg("usage"))
		return 2
	case cmd == "export" || cmd == "report":
		for _, a := range rest {
			if a == "-out" || a == "--out" || strings.HasPrefix(a, "-out=") || strings.HasPrefix(a, "--out=") {
				fmt.Fprintf(errOut, "credwatch %s: --out writes on the server; over SSH the output goes to standard output (ssh ... export --view V > file.csv, ssh ... report --month 2026-11 > 11月.xlsx)\n", cmd)
				return 2
			}
		}
	case cmd == "audit" && l.key.Role != roleAdmin:
		fmt.Fprintln(errOut, s.msg("refused.audit"))
		s.audit(credit.Event{Type: credit.EventSSHRefused, Actor: l.key.Name, Message: fmt.Sprintf("from %s: audit refused (role %s)", l.addr, l.key.Role)})
		return 1
	}
	ss := sessionStore{s: s, l: l}
	return run(l.ctx, Invocation{Args: rest, Scope: l.key.Scope(), Visible: ss.visible, Stdout: out, Stderr: errOut})
}

// sessionOutput is where the session's program draws, as wish's
// MakeOptions chooses it: the PTY's slave when the server allocated one,
// else the session itself.
func sessionOutput(sess ssh.Session) io.Writer {
	pty, _, _ := sess.Pty()
	if out := ptyOutput(pty); out != nil && !sess.EmulatedPty() {
		return out
	}
	return sess
}

// sessionEnv is the client's environment as sent over SSH (ssh -o SetEnv,
// SendEnv), with TERM from its PTY request.
func sessionEnv(sess ssh.Session) []string {
	env := sess.Environ()
	if pty, _, ok := sess.Pty(); ok && pty.Term != "" {
		env = append(env, "TERM="+pty.Term)
	}
	return env
}

// sessionRenderer is the lipgloss renderer for the session's terminal: the
// colour profile from its TERM, COLORTERM, NO_COLOR and CLICOLOR (Ascii,
// no colour or attribute at all, for NO_COLOR or TERM=dumb), and a dark
// background unless COLORFGBG says it is light. It does not query the
// terminal: a query answered late would be read by the program as keys.
func sessionRenderer(sess ssh.Session) *lipgloss.Renderer {
	pty, _, ok := sess.Pty()
	out := ptyOutput(pty)
	if !ok || out == nil || pty.Term == "" || pty.Term == "dumb" {
		return lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.Ascii))
	}
	env := sessionEnv(sess)
	r := lipgloss.NewRenderer(out, termenv.WithEnvironment(environ(env)), termenv.WithColorCache(true))
	r.SetHasDarkBackground(darkBackground(environ(env).Getenv("COLORFGBG")))
	return r
}

// darkBackground reads COLORFGBG ("15;0": light text on black): a
// background colour 0-6 or 8 is dark, 7 or 9-15 light. Unset: dark.
func darkBackground(colorfgbg string) bool {
	i := strings.LastIndexByte(colorfgbg, ';')
	if i < 0 {
		return true
	}
	switch colorfgbg[i+1:] {
	case "7", "9", "10", "11", "12", "13", "14", "15":
		return false
	}
	return true
}

// environ is a session's environment for termenv.
type environ []string

func (e environ) Environ() []string { return e }

func (e environ) Getenv(k string) string {
	v := ""
	for _, kv := range e {
		if strings.HasPrefix(kv, k+"=") {
			v = kv[len(k)+1:] // the last one wins, as TERM is appended
		}
	}
	return v
}

// sessionModel wraps the TUI for one session: it quits when the server
// says goodbye, and when the officer has pressed no key for idle.
type sessionModel struct {
	inner  tea.Model
	idle   time.Duration
	last   time.Time
	onIdle func()
}

type goodbyeMsg struct{}
type idleCheckMsg struct{}

func (m sessionModel) Init() tea.Cmd { return tea.Batch(m.inner.Init(), m.idleCheck()) }

func (m sessionModel) idleCheck() tea.Cmd {
	if m.idle <= 0 {
		return nil
	}
	every := min(max(m.idle/4, time.Second), time.Minute)
	return tea.Tick(every, func(time.Time) tea.Msg { return idleCheckMsg{} })
}

func (m sessionModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg.(type) {
	case goodbyeMsg:
		return m, tea.Quit
	case idleCheckMsg:
		if time.Since(m.last) >= m.idle {
			m.onIdle()
			return m, tea.Quit
		}
		return m, m.idleCheck()
	case tea.KeyMsg, tea.MouseMsg:
		m.last = time.Now()
	}
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	return m, cmd
}

func (m sessionModel) View() string { return m.inner.View() }

// msg is what the server says to officers, in the configured language
// (the catalogue's "serve." messages).
func (s *Server) msg(id string) string { return i18n.New(s.cfg.Lang).T("serve." + id) }

func (s *Server) msgf(id string, args ...any) string {
	return i18n.New(s.cfg.Lang).F("serve."+id, args...)
}

// oneLine makes s safe for one audit or log line: control characters out,
// runs of white space as one space.
func oneLine(s string) string {
	return strings.Join(strings.Fields(credit.Sanitize(s)), " ")
}
