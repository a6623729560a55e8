package sync

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	gosync "sync"
	"time"

	"github.com/czyj/credwatch/credit"
)

// Endpoint is one configured agency endpoint.
type Endpoint struct {
	Name     string
	BaseURL  string
	Feeds    []string      // feeds it serves: record kinds, "sharing", "repair"
	Token    string        // bearer token; never logged or shown
	Interval time.Duration // pause between successful passes (default 30s)
	Timeout  time.Duration // per request (default 15s)
	PageSize int           // items per page (default 500)
	CAFile   string        // extra PEM CA certificates for intranet TLS
	// Actions marks the endpoint that receives officers' actions (the
	// outbox). If none is marked, the first serving the repair feed does.
	Actions bool
	// MaxClockSkew is how far the endpoint's server_time may be from our
	// clock before its pages are refused (default 1h).
	MaxClockSkew time.Duration
	// InsecureSkipVerify turns TLS verification off. It exists for broken
	// intranet gateways only; every screen must say it is on.
	InsecureSkipVerify bool
	// MaxPages and MaxWalk are the ceiling of one feed's walk in one pass
	// (defaults DefaultMaxPages, DefaultMaxWalk): a walk that reaches
	// either stops with a *WalkError, keeping what it stored, and goes on
	// from there at the next pass. They stop a server that pages forever.
	MaxPages int
	MaxWalk  time.Duration
	// MaxRetryAfter caps the endpoint's Retry-After (default
	// DefaultMaxRetryAfter): a server cannot stop the polling for longer.
	MaxRetryAfter time.Duration
	// Source, if set, is read instead of BaseURL (which is then empty and
	// no HTTP is done): a database such as the 前置库 (sync/sqlsource).
	// Everything else (cursors, checks, quarantine, status, back-off,
	// ceilings) is as for an HTTP endpoint. The caller closes it.
	Source Source
}

// Defaults of the ceiling of one walk.
const (
	DefaultMaxPages = 5000
	DefaultMaxWalk  = 10 * time.Minute
	// DefaultMaxRetryAfter caps how long an endpoint's Retry-After can
	// keep the engine away.
	DefaultMaxRetryAfter = time.Hour
)

func (ep *Endpoint) maxPages() int {
	if ep.MaxPages <= 0 {
		return DefaultMaxPages
	}
	return ep.MaxPages
}

func (ep *Endpoint) maxWalk() time.Duration { return orDefault(ep.MaxWalk, DefaultMaxWalk) }

func (ep *Endpoint) maxRetryAfter() time.Duration {
	return orDefault(ep.MaxRetryAfter, DefaultMaxRetryAfter)
}

// DefaultInterval is the pause between an endpoint's successful passes
// when its configuration gives none (the domain's DefaultSyncInterval).
const DefaultInterval = credit.DefaultSyncInterval

func (ep *Endpoint) interval() time.Duration { return orDefault(ep.Interval, DefaultInterval) }
func (ep *Endpoint) timeout() time.Duration  { return orDefault(ep.Timeout, 15*time.Second) }
func (ep *Endpoint) pageSize() int {
	if ep.PageSize <= 0 {
		return 500
	}
	return ep.PageSize
}

func (ep *Endpoint) maxSkew() time.Duration { return orDefault(ep.MaxClockSkew, time.Hour) }

// checkClock refuses a page whose server_time is further from our clock
// than max: every date shown depends on "today", so a server (or this
// machine) with a clock far off must be fixed, not trusted.
func checkClock(feed string, server, now time.Time, max time.Duration) error {
	if server.IsZero() {
		return nil
	}
	skew := server.Sub(now)
	dir := "ahead of"
	if skew < 0 {
		skew, dir = -skew, "behind"
	}
	if skew <= max {
		return nil
	}
	return fmt.Errorf("%s: server clock is %s %s ours (server_time %s, ours %s): fix the clock of the endpoint or of this machine",
		feed, skew.Round(time.Minute), dir, server.Format(time.RFC3339), now.Format(time.RFC3339))
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Options tune an Engine. Zero values are sensible defaults.
type Options struct {
	HTTPClient *http.Client     // default: proxy from environment, no global timeout, a connection kept for each feed fetched at once
	Now        func() time.Time // dates everything the engine stores (default time.Now)
	// ServerClock is what an endpoint's server_time is compared with
	// (checkClock); default Now. A demo or drill that pins the business
	// day (--today) passes that clock here, and keeps the wall clock in
	// Now: a pinned day never dates a stored time.
	ServerClock func() time.Time
	MaxBackoff  time.Duration  // cap of the retry delay (default 5 minutes)
	Rand        func() float64 // jitter source in [0,1) (default math/rand/v2)
	// OnStoreError, if set, hears of every pass that failed to write the
	// cache (a full disk, a read-only directory), which the cache itself
	// may be unable to record for other processes to see, and, with nil,
	// of every pass that wrote its success.
	OnStoreError func(error)
	// BatchNodes, if positive, bounds a catch-up's or re-walk's write
	// transactions by what they change rather than by their items alone:
	// the store's nodes (store.DB.ApplyPagesLean, which also releases
	// the file's mapped pages more often; about 10 KB of heap a node) a
	// batch may change, estimated from the batches before it
	// (batchSizer). A process that holds the cache's data on its heap
	// beside the sync (the TUI, serve) sets it; `sync` does not, and
	// keeps one transaction for an incremental pass.
	BatchNodes int
	// Background, if set, runs f (a pass's writes, its fetches and
	// decoding) at the host process's background priority and returns
	// when f does: the full-screen view and serve run their sync there,
	// so that the officers' keys do not wait for it (issue 20: a
	// keystroke's frame while sync passes run). Nil runs f as it is.
	Background func(f func())
}

// background runs f through Options.Background, or as it is.
func (e *Engine) background(f func()) {
	if e.opts.Background == nil {
		f()
		return
	}
	e.opts.Background(f)
}

// Engine syncs endpoints into a store in the background.
type Engine struct {
	store      credit.Store
	eps        []Endpoint
	opts       Options
	events     chan Event
	kicks      []chan struct{}
	busy       []gosync.Mutex // per endpoint: serialises its passes (Run vs SyncOnce)
	clients    []*http.Client // per endpoint
	outboxKick chan struct{}
	bulkMu     gosync.Mutex
	bulkPasses int // passes running in a bulk load of the store
	// perItem: per endpoint, the store's nodes per item of the last batch
	// that wrote any (batchSizer); guarded by busy.
	perItem []float64
}

// bulkLoader is a store that indexes a first sync faster as a bulk load
// (store.DB): between BeginBulkLoad and FinishBulkLoad it may leave some
// indexes to FinishBulkLoad, which completes them.
type bulkLoader interface {
	BeginBulkLoad() (bool, error)
	FinishBulkLoad() error
}

// New returns an engine for the given endpoints. Nothing happens until Run
// or SyncOnce. It fails only if an endpoint's CA file cannot be used.
func New(store credit.Store, eps []Endpoint, opts Options) (*Engine, error) {
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Transport: pooledTransport()}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ServerClock == nil {
		opts.ServerClock = opts.Now
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Minute
	}

	if opts.Rand == nil {
		opts.Rand = rand.Float64
	}
	e := &Engine{store: store, eps: eps, opts: opts, events: make(chan Event, 256), outboxKick: make(chan struct{}, 1)}
	e.busy = make([]gosync.Mutex, len(eps))
	e.perItem = make([]float64, len(eps))
	for i := range eps {
		e.kicks = append(e.kicks, make(chan struct{}, 1))
		hc, err := httpClientFor(&eps[i], opts.HTTPClient)
		if err != nil {
			return nil, err
		}
		e.clients = append(e.clients, hc)
	}
	return e, nil
}

// Endpoints returns the configured endpoints. Callers must not modify them.
func (e *Engine) Endpoints() []Endpoint { return e.eps }

// Events delivers progress. Events are dropped, never queued without bound,
// when nobody reads them; the store is always the source of truth, and its
// event log has every event (other processes follow it there).
func (e *Engine) Events() <-chan Event { return e.events }

// publish logs ev in the store (page events are logged by ApplyPage, in the
// page's own transaction) and offers it on the channel without blocking.
func (e *Engine) publish(ev Event) {
	if ev.Type != EventPage {
		_ = e.store.AppendEvent(ev) // a failing disk shows in the endpoint's status
	}
	e.offer(ev)
}

// offer offers ev on the channel without blocking; the caller has logged
// it in the store.
func (e *Engine) offer(ev Event) {
	select {
	case e.events <- ev:
	default:
	}
}

// SyncNow asks every endpoint to start a pass at once, cutting short any
// wait (including a backoff). It never blocks.
func (e *Engine) SyncNow() {
	select {
	case e.outboxKick <- struct{}{}:
	default:
	}
	for _, k := range e.kicks {
		select {
		case k <- struct{}{}:
		default:
		}
	}
}

// Run syncs every endpoint concurrently and independently until ctx is
// done, and sends officers' actions from the outbox; one failing endpoint
// never delays another. It returns when all its goroutines have stopped.
func (e *Engine) Run(ctx context.Context) {
	var wg gosync.WaitGroup
	if i := e.actionEndpoint(); i >= 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.outboxLoop(ctx, i)
		}()
	}
	for i := range e.eps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.loop(ctx, i)
		}()
	}
	wg.Wait()
}

// SyncOnce sends due actions once, then runs one pass of every endpoint
// concurrently and returns the errors of those that failed, joined.
func (e *Engine) SyncOnce(ctx context.Context) error {
	e.SendOutbox(ctx, e.actionEndpoint())
	errs := make([]error, len(e.eps))
	var wg gosync.WaitGroup
	for i := range e.eps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			feed, err := e.pass(ctx, i)
			if err != nil && ctx.Err() == nil {
				e.recordFailure(&e.eps[i], feed, err, 0, 0)
			}
			errs[i] = redactErr(err, e.eps[i].Token)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (e *Engine) loop(ctx context.Context, i int) {
	ep := &e.eps[i]
	failures := 0
	for {
		var feed string
		var err error
		e.background(func() { feed, err = e.pass(ctx, i) })
		if ctx.Err() != nil {
			return
		}
		wait := ep.interval()
		if err != nil {
			failures++
			wait = e.backoff(ep, failures, err)
			e.recordFailure(ep, feed, err, wait, failures)
		} else {
			failures = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-e.kicks[i]:
			t.Stop()
		case <-t.C:
		}
	}
}

// backoff is exponential from the endpoint's interval/8 (at least 1s),
// doubled per consecutive failure, capped, with ±20% jitter; a Retry-After
// from the server is honoured when longer, up to Endpoint.MaxRetryAfter.
func (e *Engine) backoff(ep *Endpoint, failures int, err error) time.Duration {
	base := max(ep.interval()/8, time.Second)
	d := base
	for i := 1; i < failures && d < e.opts.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, e.opts.MaxBackoff)
	d = time.Duration(float64(d) * (0.8 + 0.4*e.opts.Rand()))
	var he *HTTPError
	if errors.As(err, &he) && he.RetryAfter > d {
		d = min(he.RetryAfter, ep.maxRetryAfter())
	}
	return d
}

// pass fetches and stores every feed of endpoint i until each has no more
// pages. On failure it returns the feed that failed; the caller records it.
func (e *Engine) pass(ctx context.Context, i int) (string, error) {
	ep := &e.eps[i]
	e.busy[i].Lock()
	defer e.busy[i].Unlock()
	bl, bulk, err := e.beginBulk()
	if err != nil {
		return "", err
	}
	maxItems := catchUpBatchItems
	if bulk {
		maxItems = maxBatchItems
	}
	feed, err := e.syncFeeds(ctx, e.clients[i], ep, ep.Feeds, maxItems, !bulk)
	if bulk {
		err = e.endBulk(ctx, bl, err)
	}
	if err != nil {
		if ctx.Err() != nil {
			return feed, ctx.Err()
		}
		return feed, err
	}
	e.recordSuccess(ep)
	return "", nil
}

// beginBulk starts or continues a bulk load of the store if it is empty
// or one is pending (a first sync: see store.DB.BeginBulkLoad), and counts
// this pass in it.
func (e *Engine) beginBulk() (bulkLoader, bool, error) {
	bl, ok := e.store.(bulkLoader)
	if !ok {
		return nil, false, nil
	}
	e.bulkMu.Lock()
	defer e.bulkMu.Unlock()
	bulk, err := bl.BeginBulkLoad()
	if err != nil || !bulk {
		return nil, false, err
	}
	e.bulkPasses++
	return bl, true, nil
}

// endBulk ends a pass's part in a bulk load, given the pass's error. The
// last pass of the engine in the load to end, successful or not, finishes
// it, so the views are complete as soon as the first sync ends, or fails,
// and do not wait for a retry. When ctx is done it does not (the process
// is stopping): the store keeps the load pending, and the next pass
// finishes it.
func (e *Engine) endBulk(ctx context.Context, bl bulkLoader, err error) error {
	e.bulkMu.Lock()
	defer e.bulkMu.Unlock()
	e.bulkPasses--
	if e.bulkPasses > 0 || ctx.Err() != nil {
		return err
	}
	if ferr := bl.FinishBulkLoad(); ferr != nil {
		return errors.Join(err, ferr)
	}
	return err
}

// endpointRecorder is a store that changes an endpoint's status and logs
// an event in one transaction (store.DB.RecordEndpoint).
type endpointRecorder interface {
	RecordEndpoint(name string, change func(*credit.EndpointStatus), ev credit.Event) error
}

// recordSuccess records a pass that completed: every feed walked to its
// end with no error. Only this resets the failure count.
func (e *Engine) recordSuccess(ep *Endpoint) {
	now := e.opts.Now()
	success := func(st *credit.EndpointStatus) {
		st.LastAttempt, st.LastSuccess = now, now
		st.LastError, st.Failures, st.ErrorSince, st.RetryAt = "", 0, time.Time{}, time.Time{}
		st.Feeds, st.Interval = ep.Feeds, ep.interval()
	}
	ev := Event{At: now, Endpoint: ep.Name, Type: EventDone}
	if r, ok := e.store.(endpointRecorder); ok {
		err := r.RecordEndpoint(ep.Name, success, ev)
		if e.opts.OnStoreError != nil {
			e.opts.OnStoreError(err)
		}
		e.offer(ev)
		return
	}
	st, err := e.store.EndpointStatus(ep.Name)
	if err != nil {
		st = credit.EndpointStatus{Name: ep.Name}
	}
	success(&st)
	err = e.store.SaveEndpointStatus(st)
	if e.opts.OnStoreError != nil {
		e.opts.OnStoreError(err)
	}
	e.publish(ev)
}

// recordFailure records a pass that failed: one more consecutive failure
// (at least n, the caller's own count: a failure the cache could not
// record still counts), the error (the token redacted) and, when the
// engine will retry by itself, when (retry > 0).
func (e *Engine) recordFailure(ep *Endpoint, feed string, err error, retry time.Duration, n int) {
	now := e.opts.Now()
	st, serr := e.store.EndpointStatus(ep.Name)
	if serr != nil {
		st = credit.EndpointStatus{Name: ep.Name}
	}
	if st.Failures == 0 {
		st.ErrorSince = now
	}
	st.Failures = max(st.Failures+1, n)
	st.LastAttempt = now
	st.LastError = credit.Sanitize(redact(err.Error(), ep.Token))
	st.Feeds, st.Interval = ep.Feeds, ep.interval()
	st.RetryAt = time.Time{}
	if retry > 0 {
		st.RetryAt = now.Add(retry)
	}
	serr = e.store.SaveEndpointStatus(st)
	var se *StoreError
	if e.opts.OnStoreError != nil && (serr != nil || errors.As(err, &se)) {
		note := redactErr(err, ep.Token)
		if serr != nil {
			note = fmt.Errorf("%v; and recording the failure: %w", note, serr)
		}
		e.opts.OnStoreError(note)
	}
	e.publish(Event{At: now, Endpoint: ep.Name, Feed: feed, Type: EventError, Err: st.LastError, Retry: retry})
}

// redactErr is err with the token redacted from its text (nil stays nil).
func redactErr(err error, token string) error {
	if err == nil {
		return nil
	}
	if s := redact(err.Error(), token); s != err.Error() {
		return errors.New(s)
	}
	return err
}
