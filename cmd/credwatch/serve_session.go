package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/czyj/credwatch/credit"
	credsync "github.com/czyj/credwatch/sync"
	"github.com/czyj/credwatch/tui"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
)

// liveSession is one SSH session being served: whose it is, how to end
// it, and what to tell the officer when the server ends it.
type liveSession struct {
	key    officerKey
	ctx    context.Context // done when the session ends or the server ends it
	cancel context.CancelFunc

	mu      sync.Mutex
	program *tea.Program // the terminal session's program, once started
	tui     bool
	bye     string // why the server ended the session, told to the officer
}

// end asks the session to finish, telling the officer why.
func (l *liveSession) end(why string) {
	l.mu.Lock()
	if l.bye == "" {
		l.bye = why
	}
	p := l.program
	l.mu.Unlock()
	l.cancel()
	if p != nil {
		p.Send(goodbyeMsg{})
	}
}

func (l *liveSession) goodbye() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bye
}

type ctxLiveKey struct{}

func liveOf(sess ssh.Session) *liveSession {
	l, _ := sess.Context().Value(ctxLiveKey{}).(*liveSession)
	return l
}

// sessionMiddleware runs first for every session: it finds the officer of
// the key (refusing one removed from the file since the connection was
// authorised), enforces max_sessions, and audits the start and end.
func (s *sshServer) sessionMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		key, ok := s.keys.lookup(sess.PublicKey())
		if !ok { // removed from the keys file since the connection was authorised
			fmt.Fprintln(sess.Stderr(), s.msg("refused.key"))
			_ = sess.Exit(1)
			return
		}
		ctx, cancel := context.WithCancel(sess.Context())
		l := &liveSession{key: key, ctx: ctx, cancel: cancel}
		defer cancel()
		s.mu.Lock()
		switch {
		case s.closing:
			s.mu.Unlock()
			fmt.Fprintln(sess.Stderr(), s.msg("bye.shutdown"))
			_ = sess.Exit(1)
			return
		case len(s.live) >= s.cfg.MaxSessions:
			s.mu.Unlock()
			fmt.Fprintln(sess.Stderr(), s.msgf("refused.full", s.cfg.MaxSessions))
			s.audit(credit.Event{Type: credit.EventSSHRefused, Actor: key.Name,
				Message: fmt.Sprintf("from %s: max_sessions (%d) reached", sess.RemoteAddr(), s.cfg.MaxSessions)})
			_ = sess.Exit(1)
			return
		}
		s.live[l] = struct{}{}
		s.running.Add(1)
		s.mu.Unlock()
		started := time.Now()
		defer func() {
			s.mu.Lock()
			delete(s.live, l)
			s.mu.Unlock()
			s.audit(credit.Event{Type: credit.EventSSHDisconnect, Actor: key.Name,
				Message: fmt.Sprintf("from %s after %s", sess.RemoteAddr(), time.Since(started).Round(time.Second))})
			s.running.Done()
		}()
		sess.Context().SetValue(ctxLiveKey{}, l)
		go watchChannel(ctx, sess, func() { l.end("") })

		what := "command: " + oneLine(sess.RawCommand())
		if pty, _, isPty := sess.Pty(); isPty && len(sess.Command()) == 0 {
			what = fmt.Sprintf("terminal %s %dx%d", pty.Term, pty.Window.Width, pty.Window.Height)
		} else if len(sess.Command()) == 0 {
			what = "no command, no terminal"
		}
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

// program builds the full-screen view for a session with a terminal and
// no command; for any other session it returns nil and the command
// middleware runs. The view reads and acts through the key's scope, and
// draws every style with the session's own renderer.
func (s *sshServer) program(sess ssh.Session) *tea.Program {
	l := liveOf(sess)
	if _, _, isPty := sess.Pty(); !isPty || len(sess.Command()) > 0 || l == nil {
		return nil
	}
	scope := l.key.Scope()
	sa := s.sessionApp(io.Discard, io.Discard, scope)
	d := sa.tuiDeps(s.db.Path())
	d.Store = s.db.Scoped(scope)
	d.Events = s.hub.subscribe(l.ctx)
	d.SyncNow = s.sync.SyncNow
	d.ReadOnly = scope.ReadOnly
	d.NewActionID = credsync.NewIdempotencyKey
	d.Warnings = s.a.cfg.warnings()
	d.Renderer = sessionRenderer(sess)
	m := sessionModel{inner: tui.New(d), idle: s.cfg.IdleTimeout.Duration, last: time.Now(),
		onIdle: func() { l.end(s.msgf("bye.idle", s.cfg.IdleTimeout.Duration)) }}
	opts := append([]tea.ProgramOption{tea.WithAltScreen(), tea.WithoutSignalHandler(),
		tea.WithEnvironment(sessionEnv(sess))}, bm.MakeOptions(sess)...)
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

// commandMiddleware runs last: after a terminal session's view ended it
// tells the officer why the server ended it, if it did; for a session
// without a view it runs the command.
func (s *sshServer) commandMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		l := liveOf(sess)
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
			code = s.runCommand(l, sess, out, errOut)
		}
		if bye := l.goodbye(); bye != "" {
			fmt.Fprintln(errOut, bye)
		}
		if isPty {
			time.Sleep(ptyDrain)
		}
		_ = sess.Exit(code)
		next(sess)
	}
}

// runCommand runs a session's command line with the existing commands,
// writing to the session and reading through the key's scope.
func (s *sshServer) runCommand(l *liveSession, sess ssh.Session, out, errOut io.Writer) int {
	args := sess.Command()
	if len(args) == 0 {
		fmt.Fprint(errOut, s.msg("usage"))
		return 2
	}
	s.audit(credit.Event{Type: credit.EventSSHCommand, Actor: l.key.Name, Message: oneLine(sess.RawCommand())})
	sa := s.sessionApp(out, errOut, l.key.Scope())
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "status":
		return sa.runStatus(rest)
	case "check":
		return sa.runCheck(rest)
	case "tail":
		return sa.tail(l.ctx, rest)
	case "export", "report":
		for _, a := range rest {
			if a == "-out" || a == "--out" || strings.HasPrefix(a, "-out=") || strings.HasPrefix(a, "--out=") {
				fmt.Fprintf(errOut, "credwatch %s: --out writes on the server; over SSH the output goes to standard output (ssh ... export --view V > file.csv, ssh ... report --month 2026-11 > 11月.xlsx)\n", cmd)
				return 2
			}
		}
		if cmd == "report" {
			return sa.runReport(rest)
		}
		return sa.runExport(rest)
	case "help", "-h", "--help":
		fmt.Fprint(out, s.msg("usage"))
		return 0
	}
	fmt.Fprintf(errOut, "credwatch serve: unknown command %q\n%s", cmd, s.msg("usage"))
	return 2
}

// sessionApp is the server's app as one session's commands see it: its
// output, and the key's officer, departments and role.
func (s *sshServer) sessionApp(out, errOut io.Writer, scope credit.Scope) *app {
	sa := *s.a
	sa.stdout, sa.stderr, sa.scope = out, errOut, scope
	return &sa
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

// serveMessages are what the server says to officers, by language.
var serveMessages = map[string][2]string{
	"bye.shutdown": {"credwatch: 服务器正在关闭，会话已结束。请稍后重新连接。", "credwatch: the server is shutting down; session ended. Connect again later."},
	"bye.idle":     {"credwatch: 超过 %s 无操作，会话已结束。", "credwatch: no key pressed for %s; session ended."},
	"refused.key":  {"credwatch: 此密钥已被撤销。", "credwatch: this key is no longer authorised."},
	"refused.full": {"credwatch: 会话已达上限（%d），请稍后再试。", "credwatch: the server has its maximum of %d sessions; try again later."},
	"usage": {`credwatch serve: 不带终端时可执行的命令 / commands without a terminal:
  status [--json]                                  health of the cache and endpoints
  check [--json]                                   the daily check (每日核查)
  tail [-f] [-n N] [--json]                        the event log; -f follows it
  export --view check|sharing|sync|repair|queue [--format csv|json]
  report [--month YYYY-MM] [--format xlsx|text|csv|json]   the monthly 合规率 / 迟报率 report (> 11月.xlsx)
全屏界面 / the full-screen view: ssh -t (a terminal, no command)
`, ""},
}

func (s *sshServer) msg(id string) string {
	m := serveMessages[id]
	if s.a.lang == "en" && m[1] != "" {
		return m[1]
	}
	return m[0]
}

func (s *sshServer) msgf(id string, args ...any) string { return fmt.Sprintf(s.msg(id), args...) }
