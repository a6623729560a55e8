package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// FaultsPath is the control path of fault injection: GET it for the current
// spec, PUT a new spec to it. It is served by Faults.Wrap, to loopback
// clients only, and never has faults applied.
const FaultsPath = "/_sim/faults"

// Error codes the fault modes answer with, besides CodeInternal.
const (
	CodeBadGateway  = "bad_gateway"  // 502
	CodeUnavailable = "unavailable"  // 503
	CodeRateLimited = "rate_limited" // 429
)

// Faults injects failures into the simulator's answers for drills: slow,
// failing, hanging, rate-limited, reset, cut-off, malformed, invalid,
// hostile and clock-skewed responses. The zero value injects nothing; use
// ParseFaults to configure one and Set to change it while it serves. Faults
// is safe for concurrent use.
//
// Its decisions come from a math/rand/v2 PCG source seeded by the spec's
// seed (default 1) each time a spec is set, so a client that makes its
// requests one after another meets the same faults on every run. Concurrent
// requests draw in the order they arrive.
//
// # Spec grammar
//
// A spec is a comma-separated list of rules; the empty spec and "off" turn
// every fault off. Spaces around rules and separators are ignored.
//
//	spec  = "" | "off" | rule { "," rule }
//	rule  = mode [ "=" value ] { ":" param "=" value }
//
// A probability P is a decimal from 0 to 1; a rule with no value means 1
// (always). A duration D is in Go syntax (200ms, 2s, 26280h). Each mode may
// appear once. Request faults are drawn once per request; item faults once
// per upsert item of a feed page.
//
//	latency=D[:jitter=D]      every request waits D, plus a uniform random part below jitter
//	5xx=P[:status=N][:retry=D] answer 500, 502 or 503 (N; default one of the three at random)
//	                          with a JSON error body; retry=D adds Retry-After (whole seconds).
//	                          Alias: error5xx
//	timeout=P                 hang without answering until the client gives up (its request
//	                          context ends) or the spec is changed
//	429=P[:retry=D]           answer 429 rate_limited with Retry-After D in whole seconds
//	                          (default 1s). Alias: ratelimit
//	reset=P                   hijack the connection and close it (TCP RST) without a response
//	truncate=P[:abort=1]      cut a 200 body in half; Content-Length matches the cut body, or,
//	                          with abort=1, announces the whole body and the connection drops
//	malformed=P               make a 200 body syntactically invalid JSON
//	invalid=P                 per upsert item: make the item fail validation (wrong kind,
//	                          missing dept, impossible date 2026-02-30, key mismatch, unknown
//	                          sharing kind, negative count), still valid JSON
//	hostile=P                 per upsert item: wrap its strings in terminal escape sequences
//	                          (CSI, OSC 52 clipboard writes, OSC 8 links), bidi overrides,
//	                          C1 controls and invalid UTF-8; every fourth hostile record gets
//	                          a 100 KB subject_name
//	clockskew=D               shift server_time, updated_at and last_push by D (may be negative)
//	gone=P                    answer a feed request that carries a cursor with 410
//	                          cursor_expired, as an adapter that rebuilt its log
//	undecodable=P             per upsert item: make the item unreadable as the contract's item
//	                          (in turn: key a number, op an object, data nested 10,001 deep);
//	                          the rest of the page stays valid JSON
//	redirect=PORT[:status=N]  answer every feed request with a redirect (307, or N of 301,
//	                          302, 303, 307, 308) to the same path and query on plain http at
//	                          this host and port PORT: a client that sends its token there
//	                          leaks it
//	leaktoken=P               answer 500 with an error message that quotes the request's
//	                          Authorization header (the client must not store or show it)
//	endless=empty|cycle       break the paging contract on every feed page: empty, answer no
//	                          items with has_more true and a fresh cursor; cycle, answer
//	                          has_more true with next_cursor "" (back to the start) once the
//	                          request carries a cursor
//	429=P[:retry=D][:date=1]  as above; date=1 sends Retry-After as an HTTP date
//	seed=N                    seed of the decisions (default 1)
//
// When several request faults are drawn for one request, the first of
// redirect, timeout, reset, 429, 5xx, gone and leaktoken wins. Body faults apply to 200 answers only, in
// the order invalid, hostile, clockskew, malformed, truncate; invalid,
// hostile and clockskew only change feed pages (and clockskew the health
// answer).
//
// Example: "5xx=0.5,latency=200ms,429=1:retry=2s,reset=0.3,invalid=0.2,clockskew=26280h".
type Faults struct {
	mu      sync.Mutex
	cfg     faultConfig
	rng     *rand.Rand
	changed chan struct{} // closed and replaced by every Set: wakes hanging requests
	reqID   atomic.Uint64
	counts  [numFaults]atomic.Int64
	// undecodableN turns the kind of unreadable item in turn.
	undecodableN atomic.Uint64
}

// Fault kinds, for counting what was injected.
const (
	faultLatency = iota
	fault5xx
	faultTimeout
	fault429
	faultReset
	faultTruncate
	faultMalformed
	faultInvalid
	faultHostile
	faultClockSkew
	faultGone
	faultUndecodable
	faultRedirect
	faultLeakToken
	faultEndless
	numFaults
)

var faultNames = [numFaults]string{"latency", "5xx", "timeout", "429", "reset", "truncate", "malformed", "invalid", "hostile", "clockskew",
	"gone", "undecodable", "redirect", "leaktoken", "endless"}

// faultConfig is a parsed spec. Its zero value injects nothing.
type faultConfig struct {
	latency, jitter time.Duration
	p5xx            float64
	status5xx       int // 0: one of 500, 502, 503 at random
	retry5xx        time.Duration
	pTimeout        float64
	p429            float64
	retry429        time.Duration
	pReset          float64
	pTruncate       float64
	abortTruncate   bool
	pMalformed      float64
	pInvalid        float64
	pHostile        float64
	clockSkew       time.Duration
	pGone           float64
	pUndecodable    float64
	redirectPort    int
	redirectStatus  int
	pLeakToken      float64
	endless         string // "", "empty" or "cycle"
	date429         bool
	seed            uint64
}

// ParseFaults parses spec (see the grammar on Faults) and returns Faults
// configured with it. Errors name the rule and the part that is wrong.
func ParseFaults(spec string) (*Faults, error) {
	f := &Faults{}
	if err := f.Set(spec); err != nil {
		return nil, err
	}
	return f, nil
}

// Set replaces the configuration with spec and reseeds the decisions. On
// error the configuration is unchanged. Requests hanging in a timeout fault
// are released and served normally (unless the new spec hangs them again
// at their next request).
func (f *Faults) Set(spec string) error {
	cfg, err := parseFaultSpec(spec)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg = cfg
	f.rng = rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x5deece66d))
	if f.changed != nil {
		close(f.changed)
	}
	f.changed = make(chan struct{})
	return nil
}

// String returns the current spec in canonical form ("off" when nothing is
// injected); ParseFaults accepts it.
func (f *Faults) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg.String()
}

// Injected returns how many times each fault was injected since f was
// created, by mode name (latency, 5xx, timeout, 429, reset, truncate,
// malformed, invalid, hostile, clockskew); invalid and hostile count items.
func (f *Faults) Injected() map[string]int {
	out := make(map[string]int, numFaults)
	for i := range f.counts {
		out[faultNames[i]] = int(f.counts[i].Load())
	}
	return out
}

func (f *Faults) count(kind int, n int) { f.counts[kind].Add(int64(n)) }

func parseFaultSpec(spec string) (faultConfig, error) {
	cfg := faultConfig{seed: 1}
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "off" {
		return cfg, nil
	}
	seen := map[string]bool{}
	for _, rule := range strings.Split(spec, ",") {
		rule = strings.TrimSpace(rule)
		if rule == "" {
			return cfg, fmt.Errorf("fault spec %q: empty rule (two commas or a trailing comma?)", spec)
		}
		parts := strings.Split(rule, ":")
		mode, value, hasValue := strings.Cut(strings.TrimSpace(parts[0]), "=")
		mode, value = strings.TrimSpace(mode), strings.TrimSpace(value)
		switch mode {
		case "error5xx":
			mode = "5xx"
		case "ratelimit":
			mode = "429"
		}
		if seen[mode] {
			return cfg, fmt.Errorf("fault rule %q: mode %s is given twice", rule, mode)
		}
		seen[mode] = true
		params := map[string]string{}
		for _, p := range parts[1:] {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if !ok || k == "" || v == "" {
				return cfg, fmt.Errorf("fault rule %q: parameter %q: want name=value", rule, p)
			}
			if _, dup := params[k]; dup {
				return cfg, fmt.Errorf("fault rule %q: parameter %s is given twice", rule, k)
			}
			params[k] = v
		}
		r := ruleParser{rule: rule, value: value, hasValue: hasValue, params: params}
		switch mode {
		case "latency":
			cfg.latency = r.duration(false)
			cfg.jitter = r.paramDuration("jitter", 0)
		case "5xx":
			cfg.p5xx = r.prob()
			cfg.status5xx = r.paramStatus("status", 0, "500, 502 or 503", 500, 502, 503)
			cfg.retry5xx = r.paramDuration("retry", 0)
		case "timeout":
			cfg.pTimeout = r.prob()
		case "429":
			cfg.p429 = r.prob()
			cfg.retry429 = r.paramDuration("retry", time.Second)
			cfg.date429 = r.paramBool("date")
		case "gone":
			cfg.pGone = r.prob()
		case "undecodable":
			cfg.pUndecodable = r.prob()
		case "leaktoken":
			cfg.pLeakToken = r.prob()
		case "redirect":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 || n > 65535 {
				r.fail("want redirect=PORT, a port from 1 to 65535")
			}
			cfg.redirectPort = n
			cfg.redirectStatus = r.paramStatus("status", http.StatusTemporaryRedirect, "301, 302, 303, 307 or 308", 301, 302, 303, 307, 308)
		case "endless":
			if value != "empty" && value != "cycle" {
				r.fail("want endless=empty or endless=cycle")
			}
			cfg.endless = value
		case "reset":
			cfg.pReset = r.prob()
		case "truncate":
			cfg.pTruncate = r.prob()
			cfg.abortTruncate = r.paramBool("abort")
		case "malformed":
			cfg.pMalformed = r.prob()
		case "invalid":
			cfg.pInvalid = r.prob()
		case "hostile":
			cfg.pHostile = r.prob()
		case "clockskew":
			cfg.clockSkew = r.duration(true)
		case "seed":
			if !hasValue {
				r.fail("want seed=N")
			}
			n, err := strconv.ParseUint(value, 10, 64)
			if err != nil {
				r.fail("seed %q: want a non-negative integer", value)
			}
			cfg.seed = n
		default:
			return cfg, fmt.Errorf("fault rule %q: unknown mode %q; modes are latency, 5xx, timeout, 429, reset, truncate, malformed, invalid, hostile, clockskew, gone, undecodable, redirect, leaktoken, endless, seed", rule, mode)
		}
		if r.err == nil {
			for k := range params {
				r.fail("unknown parameter %q", k)
				break
			}
		}
		if r.err != nil {
			return cfg, r.err
		}
	}
	return cfg, nil
}

// ruleParser reads the value and parameters of one rule, keeping the first
// error.
type ruleParser struct {
	rule     string
	value    string
	hasValue bool
	params   map[string]string
	err      error
}

func (r *ruleParser) fail(format string, a ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("fault rule %q: %s", r.rule, fmt.Sprintf(format, a...))
	}
}

func (r *ruleParser) prob() float64 {
	if !r.hasValue {
		return 1
	}
	p, err := strconv.ParseFloat(r.value, 64)
	if err != nil || p < 0 || p > 1 || p != p {
		r.fail("probability %q: want a number from 0 to 1", r.value)
		return 0
	}
	return p
}

func (r *ruleParser) duration(negativeOK bool) time.Duration {
	if !r.hasValue {
		r.fail("want a duration, e.g. 200ms")
		return 0
	}
	d, err := time.ParseDuration(r.value)
	if err != nil || (d < 0 && !negativeOK) {
		r.fail("duration %q: want a Go duration such as 200ms or 26280h%s", r.value, map[bool]string{false: ", not negative", true: ""}[negativeOK])
		return 0
	}
	return d
}

func (r *ruleParser) take(name string) (string, bool) {
	v, ok := r.params[name]
	delete(r.params, name)
	return v, ok
}

func (r *ruleParser) paramDuration(name string, def time.Duration) time.Duration {
	v, ok := r.take(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		r.fail("%s %q: want a non-negative Go duration such as 2s", name, v)
		return def
	}
	return d
}

// paramBool reads parameter name as 1 or 0 (false if absent).
func (r *ruleParser) paramBool(name string) bool {
	v, ok := r.take(name)
	if !ok {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.fail("%s %q: want 1 or 0", name, v)
	}
	return b
}

// paramStatus reads parameter name as one of the HTTP statuses allowed
// (said in words by want); def if absent.
func (r *ruleParser) paramStatus(name string, def int, want string, allowed ...int) int {
	v, ok := r.take(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || !slices.Contains(allowed, n) {
		r.fail("%s %q: want %s", name, v, want)
		return def
	}
	return n
}

// String formats c as a canonical spec.
func (c faultConfig) String() string {
	var rules []string
	prob := func(p float64) string { return strconv.FormatFloat(p, 'g', -1, 64) }
	if c.latency > 0 || c.jitter > 0 {
		s := "latency=" + c.latency.String()
		if c.jitter > 0 {
			s += ":jitter=" + c.jitter.String()
		}
		rules = append(rules, s)
	}
	if c.p5xx > 0 {
		s := "5xx=" + prob(c.p5xx)
		if c.status5xx != 0 {
			s += ":status=" + strconv.Itoa(c.status5xx)
		}
		if c.retry5xx > 0 {
			s += ":retry=" + c.retry5xx.String()
		}
		rules = append(rules, s)
	}
	if c.pTimeout > 0 {
		rules = append(rules, "timeout="+prob(c.pTimeout))
	}
	if c.p429 > 0 {
		s := "429=" + prob(c.p429) + ":retry=" + c.retry429.String()
		if c.date429 {
			s += ":date=1"
		}
		rules = append(rules, s)
	}
	if c.pReset > 0 {
		rules = append(rules, "reset="+prob(c.pReset))
	}
	if c.pTruncate > 0 {
		s := "truncate=" + prob(c.pTruncate)
		if c.abortTruncate {
			s += ":abort=1"
		}
		rules = append(rules, s)
	}
	if c.pMalformed > 0 {
		rules = append(rules, "malformed="+prob(c.pMalformed))
	}
	if c.pInvalid > 0 {
		rules = append(rules, "invalid="+prob(c.pInvalid))
	}
	if c.pHostile > 0 {
		rules = append(rules, "hostile="+prob(c.pHostile))
	}
	if c.clockSkew != 0 {
		rules = append(rules, "clockskew="+c.clockSkew.String())
	}
	if c.pGone > 0 {
		rules = append(rules, "gone="+prob(c.pGone))
	}
	if c.pUndecodable > 0 {
		rules = append(rules, "undecodable="+prob(c.pUndecodable))
	}
	if c.redirectPort > 0 {
		s := "redirect=" + strconv.Itoa(c.redirectPort)
		if c.redirectStatus != http.StatusTemporaryRedirect {
			s += ":status=" + strconv.Itoa(c.redirectStatus)
		}
		rules = append(rules, s)
	}
	if c.pLeakToken > 0 {
		rules = append(rules, "leaktoken="+prob(c.pLeakToken))
	}
	if c.endless != "" {
		rules = append(rules, "endless="+c.endless)
	}
	if len(rules) == 0 {
		return "off"
	}
	if c.seed != 1 {
		rules = append(rules, "seed="+strconv.FormatUint(c.seed, 10))
	}
	return strings.Join(rules, ",")
}

// bodyFaults reports whether c changes 200 bodies, so that answers must be
// buffered.
func (c faultConfig) bodyFaults() bool {
	return c.pTruncate > 0 || c.pMalformed > 0 || c.pInvalid > 0 || c.pHostile > 0 || c.clockSkew != 0 ||
		c.pUndecodable > 0 || c.endless != ""
}

// plan is what happens to one request, drawn when it arrives.
type plan struct {
	cfg                         faultConfig
	rng                         *rand.Rand // for item faults; owned by the request
	changed                     <-chan struct{}
	latency                     time.Duration
	timeout, reset, limit, fail bool
	gone, leakToken             bool
	status                      int
	truncate, malformed         bool
	malformedKind               int
	cursor                      string // of the request, for endless=cycle
}

func (f *Faults) draw() plan {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rng == nil { // zero value
		f.cfg = faultConfig{seed: 1}
		f.rng = rand.New(rand.NewPCG(1, 1^0x5deece66d))
		f.changed = make(chan struct{})
	}
	c, r := f.cfg, f.rng
	p := plan{cfg: c, changed: f.changed, latency: c.latency}
	hit := func(prob float64) bool { return prob > 0 && (prob >= 1 || r.Float64() < prob) }
	if c.jitter > 0 {
		p.latency += time.Duration(r.Int64N(int64(c.jitter)))
	}
	p.timeout = hit(c.pTimeout)
	p.reset = hit(c.pReset)
	p.limit = hit(c.p429)
	p.fail = hit(c.p5xx)
	if p.fail {
		p.status = c.status5xx
		if p.status == 0 {
			p.status = []int{500, 502, 503}[r.IntN(3)]
		}
	}
	p.gone = hit(c.pGone)
	p.leakToken = hit(c.pLeakToken)
	p.malformed = hit(c.pMalformed)
	p.malformedKind = r.IntN(len(malformations))
	p.truncate = hit(c.pTruncate)
	if c.pInvalid > 0 || c.pHostile > 0 || c.pUndecodable > 0 {
		p.rng = rand.New(rand.NewPCG(r.Uint64(), r.Uint64()))
	}
	return p
}

// Wrap returns next with fault injection in front of it, and the control
// path FaultsPath; it is meant for Options.Wrap.
func (f *Faults) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == FaultsPath {
			f.serveControl(w, r)
			return
		}
		f.serve(next, w, r)
	})
}

// serveControl answers GET (the spec) and PUT (a new spec) on FaultsPath,
// to loopback clients only.
func (f *Faults) serveControl(w http.ResponseWriter, r *http.Request) {
	w.Header().Set(RequestIDHeader, f.requestID())
	if !fromLoopback(r) {
		WriteError(w, http.StatusForbidden, "forbidden", "fault control is served to loopback clients only")
		return
	}
	switch r.Method {
	case http.MethodGet:
	case http.MethodPut:
		b, err := io.ReadAll(io.LimitReader(r.Body, 4097))
		if err != nil {
			WriteError(w, http.StatusBadRequest, "bad_fault_spec", "read spec: "+err.Error())
			return
		}
		if len(b) > 4096 {
			WriteError(w, http.StatusRequestEntityTooLarge, "bad_fault_spec", "a fault spec is at most 4096 bytes")
			return
		}
		if err := f.Set(string(b)); err != nil {
			WriteError(w, http.StatusBadRequest, "bad_fault_spec", err.Error())
			return
		}
	default:
		w.Header().Set("Allow", "GET, PUT")
		WriteError(w, http.StatusMethodNotAllowed, CodeMethod, r.Method+" is not allowed; GET the fault spec or PUT a new one")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintln(w, f.String())
}

func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

func (f *Faults) requestID() string { return fmt.Sprintf("sim-fault-%06d", f.reqID.Add(1)) }

func (f *Faults) serve(next http.Handler, w http.ResponseWriter, r *http.Request) {
	p := f.draw()
	ctx := r.Context()
	if p.latency > 0 {
		f.count(faultLatency, 1)
		t := time.NewTimer(p.latency)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	feedPath := strings.HasPrefix(r.URL.Path, "/"+api.Version+"/feeds/")
	switch {
	case p.cfg.redirectPort > 0 && feedPath:
		f.count(faultRedirect, 1)
		host := r.Host
		if h, _, err := net.SplitHostPort(r.Host); err == nil {
			host = h
		}
		to := url.URL{Scheme: "http", Host: net.JoinHostPort(host, strconv.Itoa(p.cfg.redirectPort)), Path: r.URL.Path, RawQuery: r.URL.RawQuery}
		w.Header().Set(RequestIDHeader, f.requestID())
		http.Redirect(w, r, to.String(), p.cfg.redirectStatus)
		return
	case p.timeout:
		f.count(faultTimeout, 1)
		select {
		case <-ctx.Done():
			return
		case <-p.changed: // the spec changed: serve after all
		}
	case p.reset:
		f.count(faultReset, 1)
		resetConn(w)
		return
	case p.limit:
		f.count(fault429, 1)
		w.Header().Set(RequestIDHeader, f.requestID())
		if p.cfg.date429 {
			w.Header().Set("Retry-After", time.Now().Add(p.cfg.retry429).UTC().Format(http.TimeFormat))
		} else {
			w.Header().Set("Retry-After", retryAfter(p.cfg.retry429))
		}
		WriteError(w, http.StatusTooManyRequests, CodeRateLimited, "too many requests (simulated); retry after "+p.cfg.retry429.String())
		return
	case p.fail:
		f.count(fault5xx, 1)
		w.Header().Set(RequestIDHeader, f.requestID())
		if p.cfg.retry5xx > 0 {
			w.Header().Set("Retry-After", retryAfter(p.cfg.retry5xx))
		}
		code, msg := CodeInternal, "the server failed (simulated)"
		switch p.status {
		case http.StatusBadGateway:
			code, msg = CodeBadGateway, "the upstream source system did not answer (simulated)"
		case http.StatusServiceUnavailable:
			code, msg = CodeUnavailable, "down for maintenance (simulated)"
		}
		WriteError(w, p.status, code, msg)
		return
	case p.gone && feedPath && r.URL.Query().Get("cursor") != "":
		f.count(faultGone, 1)
		w.Header().Set(RequestIDHeader, f.requestID())
		WriteError(w, http.StatusGone, CodeCursorExpired, "cursor is from an earlier run of this feed's log (simulated); discard it and sync the feed again from the beginning")
		return
	case p.leakToken:
		f.count(faultLeakToken, 1)
		w.Header().Set(RequestIDHeader, f.requestID())
		WriteError(w, http.StatusInternalServerError, CodeInternal, "the server failed handling the request with header Authorization: "+r.Header.Get("Authorization")+" (simulated)")
		return
	}
	if !p.cfg.bodyFaults() {
		next.ServeHTTP(w, r)
		return
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	next.ServeHTTP(rec, r)
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	body := rec.body.Bytes()
	if rec.status != http.StatusOK {
		w.WriteHeader(rec.status)
		_, _ = w.Write(body)
		return
	}
	p.cursor = r.URL.Query().Get("cursor")
	body = f.changeBody(&p, r.URL.Path, body)
	if p.malformed {
		f.count(faultMalformed, 1)
		body = malformations[p.malformedKind](body)
	}
	full := len(body)
	if p.truncate {
		f.count(faultTruncate, 1)
		body = body[:len(body)/2]
		if p.cfg.abortTruncate {
			// Announce the whole body, send half, drop the connection.
			w.Header().Set("Content-Length", strconv.Itoa(full))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body)
			if fl, ok := w.(http.Flusher); ok {
				fl.Flush()
			}
			panic(http.ErrAbortHandler)
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// retryAfter formats d as Retry-After delay-seconds, rounded up.
func retryAfter(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

// resetConn closes the client's connection without an answer, with a TCP
// RST where it can.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// recorder buffers an answer so body faults can change it.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}

// malformations make a JSON object syntactically invalid, each differently.
var malformations = []func([]byte) []byte{
	func(b []byte) []byte { // a stray comma: {,"feed":...
		return insertAfterFirst(b, '{', ",")
	},
	func(b []byte) []byte { // a bare word where a value belongs
		if i := bytes.Index(b, []byte(`"has_more":`)); i >= 0 {
			j := i + len(`"has_more":`)
			return append(append(append([]byte{}, b[:j]...), "NaN,"...), b[j:]...)
		}
		return insertAfterFirst(b, '{', "NaN")
	},
	func(b []byte) []byte { // single quotes, as some hand-written adapters do
		if bytes.IndexByte(b, '"') < 0 {
			return insertAfterFirst(b, '{', `'x':1`)
		}
		return bytes.Replace(b, []byte(`"`), []byte(`'`), 2)
	},
}

func insertAfterFirst(b []byte, c byte, s string) []byte {
	i := bytes.IndexByte(b, c)
	if i < 0 {
		return append([]byte(s), b...)
	}
	return append(append(append([]byte{}, b[:i+1]...), s...), b[i+1:]...)
}

// changeBody applies the item and clock faults to a 200 answer of path.
func (f *Faults) changeBody(p *plan, path string, body []byte) []byte {
	c := p.cfg
	feed, isFeed := strings.CutPrefix(path, "/"+api.Version+"/feeds/")
	if !isFeed {
		if c.clockSkew != 0 && path == "/"+api.Version+"/health" {
			var m map[string]json.RawMessage
			if json.Unmarshal(body, &m) == nil && shiftTime(m, "server_time", c.clockSkew) {
				if b, err := json.Marshal(m); err == nil {
					f.count(faultClockSkew, 1)
					return append(b, '\n')
				}
			}
		}
		return body
	}
	if c.pInvalid == 0 && c.pHostile == 0 && c.clockSkew == 0 && c.pUndecodable == 0 && c.endless == "" {
		return body
	}
	var page api.Page
	if err := json.Unmarshal(body, &page); err != nil {
		return body
	}
	if c.endless != "" {
		f.count(faultEndless, 1)
		switch {
		case c.endless == "empty":
			page.Items, page.HasMore = []api.Item{}, true
			page.NextCursor = fmt.Sprintf("%s.e%d", page.NextCursor, f.reqID.Add(1))
		case p.cursor != "":
			page.HasMore, page.NextCursor = true, ""
		}
	}
	hit := func(prob float64) bool { return prob > 0 && (prob >= 1 || p.rng.Float64() < prob) }
	hostileN, undecodable := 0, 0 // undecodable: on this page
	for i := range page.Items {
		it := &page.Items[i]
		if it.Op != api.OpUpsert || len(it.Data) == 0 {
			continue
		}
		if hit(c.pUndecodable) {
			f.count(faultUndecodable, 1)
			switch f.undecodableN.Add(1) % 3 {
			case 0:
				it.Key = undecodableKey
			case 1:
				it.Op = undecodableOp
			default:
				it.Data = json.RawMessage(`"` + undecodableData + `"`)
			}
			undecodable++
			continue
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(it.Data, &m) != nil {
			continue
		}
		if hit(c.pInvalid) {
			f.count(faultInvalid, 1)
			invalidate(m, feed, p.rng)
		}
		if hit(c.pHostile) {
			f.count(faultHostile, 1)
			makeHostile(m, feed, hostileN%4 == 0)
			hostileN++
		}
		if c.clockSkew != 0 {
			shiftTime(m, "updated_at", c.clockSkew)
			shiftTime(m, "last_push", c.clockSkew)
		}
		if b, err := json.Marshal(m); err == nil {
			it.Data = b
		}
	}
	if c.clockSkew != 0 {
		f.count(faultClockSkew, 1)
		page.ServerTime = page.ServerTime.Add(c.clockSkew)
	}
	b, err := json.Marshal(page)
	if err != nil {
		return body
	}
	// JSON cannot carry invalid UTF-8 in a string, so the bytes go in after
	// encoding, as a broken adapter would send them.
	b = bytes.ReplaceAll(b, []byte(invalidUTF8Marker), []byte("\xff\xfe\xc3("))
	if undecodable > 0 {
		b = bytes.ReplaceAll(b, []byte(`"`+undecodableKey+`"`), []byte("4711"))
		b = bytes.ReplaceAll(b, []byte(`"`+undecodableOp+`"`), []byte(`{"upsert":true}`))
		b = bytes.ReplaceAll(b, []byte(`"`+undecodableData+`"`), []byte(strings.Repeat("[", 10001)+strings.Repeat("]", 10001)))
	}
	return append(b, '\n')
}

// shiftTime adds d to the RFC 3339 time m[key], if there is one.
func shiftTime(m map[string]json.RawMessage, key string, d time.Duration) bool {
	raw, ok := m[key]
	if !ok {
		return false
	}
	var t time.Time
	if json.Unmarshal(raw, &t) != nil {
		return false
	}
	b, err := json.Marshal(t.Add(d))
	if err != nil {
		return false
	}
	m[key] = b
	return true
}

func setJSON(m map[string]json.RawMessage, key string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called with strings and numbers
	}
	m[key] = b
}

func getString(m map[string]json.RawMessage, key string) string {
	var s string
	_ = json.Unmarshal(m[key], &s)
	return s
}

// invalidate makes the item m of feed fail the client's validation in one of
// several ways, keeping it valid JSON.
func invalidate(m map[string]json.RawMessage, feed string, r *rand.Rand) {
	switch feed {
	case credit.FeedSharing:
		switch r.IntN(4) {
		case 0:
			setJSON(m, "kind", "permit") // no such kind
		case 1:
			setJSON(m, "received", -1) // negative count
		case 2:
			setJSON(m, "dept", getString(m, "dept")+"-x") // key mismatch
		default:
			setJSON(m, "last_push", "2026-02-30T10:00:00+08:00") // impossible date
		}
	case credit.FeedRepair:
		switch r.IntN(2) {
		case 0:
			setJSON(m, "record_key", getString(m, "record_key")+"-x") // key mismatch
		default:
			setJSON(m, "applied", "2026-02-30") // impossible date
		}
	default:
		switch r.IntN(4) {
		case 0:
			other := "licence"
			if feed == other {
				other = "penalty"
			}
			setJSON(m, "kind", other) // wrong kind
		case 1:
			delete(m, "dept") // missing department
		case 2:
			setJSON(m, "decided", "2026-02-30") // impossible date
		default:
			setJSON(m, "id", getString(m, "id")+"-x") // key mismatch
		}
	}
}

// Payloads of the hostile mode. Each is removed whole by a correct
// sanitiser, except invalid UTF-8 (which becomes U+FFFD) and the overlong
// name (which is cut).
const (
	hostileOSC52 = "\x1b]52;c;cm0gLXJmIH4vKg==\x07" // writes "rm -rf ~/*" to the clipboard
	hostileCSI   = "\x1b[2J\x1b[H\x1b[31m"          // clear screen, home, red
	hostileOSC8  = "\x1b]8;;http://evil.example/\x1b\\"
	hostileBidi  = "\u202e\u2066"
	hostileC1    = "\u0085\u009b31m\u009d0;owned\u009c"
	// The undecodable markers are replaced after encoding: by a key that
	// is a number, an op that is an object, data nested 10,001 deep.
	undecodableKey  = "@@undecodable-key@@"
	undecodableOp   = "@@undecodable-op@@"
	undecodableData = "@@undecodable-data@@"
	// invalidUTF8Marker is replaced by invalid bytes after encoding.
	invalidUTF8Marker = "@@invalid-utf8@@"
	// HostileNameBytes is the size of the overlong subject_name.
	HostileNameBytes = 100 << 10
)

// HostileClipboardPayload is the base64 text of the OSC 52 clipboard write
// the hostile mode sends; it must never appear in anything a client stores.
const HostileClipboardPayload = "cm0gLXJmIH4vKg=="

// makeHostile wraps the item's strings in escape sequences and controls.
// With overlong, a record's subject_name becomes 100 KB.
func makeHostile(m map[string]json.RawMessage, feed string, overlong bool) {
	wrap := func(key, before, after string) {
		if _, ok := m[key]; ok {
			setJSON(m, key, before+getString(m, key)+after)
		}
	}
	switch feed {
	case credit.FeedSharing:
		var rej []map[string]any
		if json.Unmarshal(m["rejections"], &rej) == nil {
			for _, x := range rej {
				if s, ok := x["reason"].(string); ok {
					x["reason"] = hostileOSC52 + s + hostileBidi + invalidUTF8Marker
				}
			}
			if len(rej) > 0 {
				setJSON(m, "rejections", rej)
			}
		}
	case credit.FeedRepair:
		wrap("outcome", hostileCSI, hostileBidi)
		wrap("national_receipt", hostileOSC52, hostileC1)
		wrap("withdrawal_note", hostileOSC8, invalidUTF8Marker)
	default:
		name := getString(m, "subject_name")
		if overlong {
			name = strings.Repeat("长", HostileNameBytes/len("长")) + name
		}
		setJSON(m, "subject_name", hostileOSC52+name+hostileBidi)
		wrap("legal_rep", hostileCSI, "\x1b[0m")
		wrap("authority", hostileOSC8, "\x1b]8;;\x1b\\")
		wrap("content", hostileBidi, "\u2069\u202c")
		wrap("note", hostileC1, "")
		wrap("doc_no", "", invalidUTF8Marker)
		wrap("facts", "\x1bP1$r\x1b\\", "\x07\x08\x7f")
	}
}
