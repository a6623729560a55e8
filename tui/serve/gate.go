package serve

import (
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/czyj/credwatch/credit"
	gossh "golang.org/x/crypto/ssh"
)

// Limits on connections that have not authenticated, besides
// handshake_timeout and max_unauthenticated.
const (
	unauthPerAddr = 16               // connections authenticating at once from one address
	failsAllowed  = 10               // failed logins from one address before it must wait
	failWindow    = 10 * time.Minute // failures older than this are forgotten
	backoffFirst  = 10 * time.Second // the first wait; it doubles with every failure beyond failsAllowed
	backoffMax    = 10 * time.Minute
	authPoll      = 25 * time.Millisecond // how often a new connection is checked for having authenticated
)

// gate bounds what a connection can hold before it authenticates, as
// sshd's LoginGraceTime, MaxStartups and PerSourcePenalties do: it closes
// one that has not authenticated within the handshake timeout, refuses
// connections beyond max_unauthenticated (and unauthPerAddr from one
// address), and makes an address with repeated failed logins wait before
// it may connect again (unless it is in backoff_exempt). A connection that authenticated is audited when
// it logs in and out (ssh-login, ssh-logout), with or without sessions.
type gate struct {
	timeout time.Duration
	max     int
	exempt  []*net.IPNet // never wait after failures (backoff_exempt)
	s       *Server

	mu      sync.Mutex
	pending int
	byAddr  map[string]int
	fails   map[string]*failures
	byKey   map[string]int        // authenticated connections by the key's wire form
	waiting map[net.Conn]struct{} // connections not yet authenticated
	closed  bool                  // the server is shutting down: admit nothing
}

// connState is what the server knows of one connection's sessions, kept
// in its context (ctxConnKey) by the gate.
type connState struct {
	login    sync.Once // audits ssh-login: the gate's poll or the first session, whichever is first
	mu       sync.Mutex
	sessions int
	unused   time.Time // since when it has had no session
}

type ctxConnKey struct{}

func (c *connState) opened() {
	c.mu.Lock()
	c.sessions++
	c.mu.Unlock()
}

func (c *connState) closed() {
	c.mu.Lock()
	if c.sessions--; c.sessions == 0 {
		c.unused = time.Now()
	}
	c.mu.Unlock()
}

// unusedFor is how long the connection has had no session (0 while it has).
func (c *connState) unusedFor() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sessions > 0 {
		return 0
	}
	return time.Since(c.unused)
}

type failures struct {
	n     int
	last  time.Time
	until time.Time // refused until then
}

func newGate(timeout time.Duration, max int, exempt []string, s *Server) *gate {
	g := &gate{timeout: timeout, max: max, s: s, byAddr: map[string]int{}, fails: map[string]*failures{}, byKey: map[string]int{}, waiting: map[net.Conn]struct{}{}}
	for _, e := range exempt {
		if _, n, err := net.ParseCIDR(e); err == nil { // checked with the configuration
			g.exempt = append(g.exempt, n)
		}
	}
	return g
}

// exempted reports whether host is in backoff_exempt.
func (g *gate) exempted(host string) bool {
	ip := net.ParseIP(host)
	for _, n := range g.exempt {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

// hostOf is the address without its port.
func hostOf(a net.Addr) string {
	if a == nil {
		return ""
	}
	h, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return h
}

// conn is the server's ConnCallback: it admits c or refuses it (nil).
func (g *gate) conn(ctx ssh.Context, c net.Conn) net.Conn {
	host := hostOf(c.RemoteAddr())
	now := time.Now()
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	why := ""
	if f := g.fails[host]; f != nil && now.Before(f.until) {
		why = fmt.Sprintf("refused for %s after %d failed logins", f.until.Sub(now).Round(time.Second), f.n)
	} else if g.pending >= g.max {
		why = fmt.Sprintf("refused: %d connections are authenticating (max_unauthenticated)", g.pending)
	} else if g.byAddr[host] >= unauthPerAddr {
		why = fmt.Sprintf("refused: %d connections from this address are authenticating", g.byAddr[host])
	}
	if why != "" {
		g.mu.Unlock()
		g.s.auditRefused(c.RemoteAddr(), why)
		return nil
	}
	g.pending++
	g.byAddr[host]++
	g.waiting[c] = struct{}{}
	g.s.conns.Add(1)
	g.mu.Unlock()
	st := &connState{unused: time.Now()}
	ctx.SetValue(ctxConnKey{}, st)
	go g.watch(ctx, c, host, st)
	return c
}

// watch follows one connection: it closes it if it has not authenticated
// within the timeout, counts a failure if it ended without, and audits the
// login and logout of one that did. An authenticated connection is closed
// when it has had no session for idle_timeout (ssh -N, a forgotten
// ControlMaster: sshd's UnusedConnectionTimeout), or when its key already
// has twice max_sessions_per_key connections.
func (g *gate) watch(ctx ssh.Context, c net.Conn, host string, st *connState) {
	defer g.s.conns.Done()
	deadline := time.NewTimer(g.timeout)
	defer deadline.Stop()
	poll := time.NewTicker(authPoll)
	defer poll.Stop()
	var pub gossh.PublicKey
	for pub == nil {
		select {
		case <-ctx.Done():
			// A connection that authenticated and closed within authPoll
			// logged in and out: it is no failed login.
			pub, _ = ctx.Value(ssh.ContextKeyPublicKey).(gossh.PublicKey)
		case <-deadline.C:
			c.Close() // the handshake ends with an error; ctx is done next
			g.s.auditRefused(c.RemoteAddr(), fmt.Sprintf("closed: not authenticated within %s (handshake_timeout)", g.timeout))
			<-ctx.Done()
		case <-poll.C:
			pub, _ = ctx.Value(ssh.ContextKeyPublicKey).(gossh.PublicKey)
			continue
		}
		break
	}
	g.mu.Lock()
	g.pending--
	delete(g.waiting, c)
	if g.byAddr[host]--; g.byAddr[host] <= 0 {
		delete(g.byAddr, host)
	}
	if pub == nil {
		if !g.exempted(host) {
			g.failed(host)
		}
		g.mu.Unlock()
		return
	}
	delete(g.fails, host)
	id := string(pub.Marshal())
	g.byKey[id]++
	conns := g.byKey[id]
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		if g.byKey[id]--; g.byKey[id] <= 0 {
			delete(g.byKey, id)
		}
		g.mu.Unlock()
	}()

	started := time.Now()
	k, _ := g.s.keys.lookup(pub)
	g.login(ctx, st, pub)
	if most := 2 * g.s.cfg.MaxSessionsPerKey; conns > most {
		g.s.audit(credit.Event{Type: credit.EventSSHRefused, Actor: k.Name,
			Message: fmt.Sprintf("from %s: connection closed: the key has %d connections (twice max_sessions_per_key)", c.RemoteAddr(), conns-1)})
		c.Close()
	}
	idle := g.s.cfg.IdleTimeout
	t := time.NewTicker(min(max(idle/4, 100*time.Millisecond), time.Minute))
	defer t.Stop()
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case <-t.C:
			if st.unusedFor() >= idle {
				g.s.audit(credit.Event{Type: credit.EventSSHRefused, Actor: k.Name,
					Message: fmt.Sprintf("from %s: connection closed: no session for %s (idle_timeout)", c.RemoteAddr(), idle)})
				c.Close()
				<-ctx.Done()
				done = true
			}
		}
	}
	g.s.log.Info("logout", "user", k.Name, "remote", c.RemoteAddr().String(), "after", time.Since(started).Round(time.Second))
	g.s.audit(credit.Event{Type: credit.EventSSHLogout, Actor: k.Name,
		Message: fmt.Sprintf("from %s after %s", c.RemoteAddr(), time.Since(started).Round(time.Second))})
}

// close makes the gate admit no more connections, for shutdown.
func (g *gate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
}

// closeWaiting closes the connections that have not authenticated (the
// SSH server's Close closes only those that have), for shutdown.
func (g *gate) closeWaiting() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for c := range g.waiting {
		c.Close()
	}
}

// login audits the login of an authenticated connection, once: the
// gate's poll notices it within authPoll, and a session that starts
// sooner has it audited first, so that ssh-login precedes ssh-connect.
func (g *gate) login(ctx ssh.Context, st *connState, pub gossh.PublicKey) {
	st.login.Do(func() {
		k, _ := g.s.keys.lookup(pub)
		g.s.log.Info("login", "user", k.Name, "remote", ctx.RemoteAddr().String(), "role", k.Role, "depts", k.deptsText())
		g.s.audit(credit.Event{Type: credit.EventSSHLogin, Actor: k.Name,
			Message: fmt.Sprintf("from %s as %q, key %s (line %d), role %s, departments %s, client %s",
				ctx.RemoteAddr(), ctx.User(), gossh.FingerprintSHA256(pub), k.Line, k.Role, k.deptsText(), oneLine(ctx.ClientVersion()))})
	})
}

// failed counts a connection from host that ended without authenticating;
// beyond failsAllowed in failWindow the address waits, longer each time.
// g.mu is held.
func (g *gate) failed(host string) {
	now := time.Now()
	f := g.fails[host]
	if f == nil || now.Sub(f.last) > failWindow {
		f = &failures{}
		g.fails[host] = f
	}
	f.n++
	f.last = now
	if over := f.n - failsAllowed; over > 0 {
		wait := backoffFirst << min(over-1, 16)
		f.until = now.Add(min(wait, backoffMax))
	}
	if len(g.fails) > 10000 { // forget the oldest quiet ones rather than grow without bound
		for h, o := range g.fails {
			if now.Sub(o.last) > failWindow || len(g.fails) > 10000 {
				delete(g.fails, h)
			}
		}
	}
}

// refusals rate-limits the audit of refused connections per address.
type refusals struct {
	mu sync.Mutex
	by map[string]*refusalCount
}

type refusalCount struct {
	last   time.Time
	missed int
}

func newRefusals() *refusals { return &refusals{by: map[string]*refusalCount{}} }

// allow reports whether a refusal from host at now is to be audited, and
// how many from host were not since the last one that was.
func (r *refusals) allow(host string, now time.Time) (bool, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.by[host]
	if c == nil {
		if len(r.by) > 10000 {
			for h, o := range r.by {
				if now.Sub(o.last) > refusedEvery {
					delete(r.by, h)
				}
			}
		}
		r.by[host] = &refusalCount{last: now}
		return true, 0
	}
	if now.Sub(c.last) < refusedEvery {
		c.missed++
		return false, 0
	}
	missed := c.missed
	c.last, c.missed = now, 0
	return true, missed
}

// drain returns the refusals counted and not audited, by address, for the
// addresses whose last audited refusal is at least refusedEvery old (all
// of them with all), and forgets them.
func (r *refusals) drain(now time.Time, all bool) map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for h, c := range r.by {
		if c.missed > 0 && (all || now.Sub(c.last) >= refusedEvery) {
			out[h] = c.missed
			c.missed = 0
			c.last = now
		}
	}
	return out
}
