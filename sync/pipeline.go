package sync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/czyj/credwatch/credit"
)

// An endpoint's pass is a small pipeline: a fetcher goroutine fetches,
// checks and decodes page after page, feed after feed, along each feed's
// cursor chain, into a bounded queue, while the pass's goroutine stores the
// pages in batches, several pages of a feed per transaction (group commit):
// it takes what has queued up and waits a little (linger) for more. A
// transaction's fixed cost (opening the file, commit, fsync) is more than
// that of storing a page of 500 items: the 233 pages of 100k records cost
// 6 s of CPU one per transaction, 3.0 s eight, 2.5 s sixteen and 2.4 s
// thirty-two per transaction. The store's work also overlaps the next
// fetches, across feed boundaries too. Pages are stored in the order
// fetched, each batch all or nothing, so a stored cursor only ever follows
// pages that are stored.
var (
	// fetchAhead is how many fetched items may wait for the store: enough
	// for the fetcher to go on while a full batch is written. A decoded
	// page of 500 records holds about 0.65 MB. Larger pages (a SQL source
	// reads 5,000 rows a query) wait fewer at a time: fetchAheadRows
	// bounds the rows waiting, and so the memory (queueDepth).
	fetchAhead     = 16
	fetchAheadRows = 8000
	// maxBatchPages and maxBatchItems cap one transaction: a batch ends
	// at whichever is reached first.
	maxBatchPages = 16
	maxBatchItems = 8000
	// catchUpBatchItems takes the place of maxBatchItems in a pass that
	// is not a bulk load (see Engine.beginBulk): a catch-up after a
	// backlog, or a re-walk after the endpoint forgot our cursors. Its
	// items land all over a large cache (changed records, repairs served
	// in the order they changed, the hashed document-number index), and
	// a transaction's memory is about the pages it changes: bbolt copies
	// each changed leaf out of the file's mapping into a new buffer on
	// the heap when it commits. At 1M records a re-walk's batches of
	// 8,000 repairs changed enough leaves for 150-200 MB of mapped file
	// and 80 MB of heap per commit. A bulk load's items arrive in key
	// order, so it keeps the larger batches, and their speed. A process
	// holding the cache's data on its heap (the TUI, serve) bounds these
	// batches further by the nodes they change (Options.BatchNodes,
	// batchSizer).
	catchUpBatchItems = 2000
	// linger is how long the store side waits for more pages of a feed
	// once a batch has its first. A batch never waits for an error, the
	// next feed or the end of the pass, only for a page still being
	// fetched, and then for linger at most.
	linger = 200 * time.Millisecond
)

// queueDepth is how many fetched pages of pageSize items may wait for the
// store when a transaction stores up to maxItems: fetchAhead, fewer for
// large pages, no more than one transaction's worth, at least 2. A bulk
// load's batches of 8,000 items keep the fetcher 16 pages of 500 ahead; a
// catch-up's batches of 2,000 four. A catch-up's store side is the slower
// (its items land all over the cache), so its queue stays full, and while
// the TUI that holds the sync role loads its tables at start, every
// decoded page waiting (about 0.65 MB for 500 records) is heap on top of
// theirs.
func queueDepth(pageSize, maxItems int) int {
	pageSize = max(pageSize, 1)
	return max(2, min(fetchAhead, fetchAheadRows/pageSize, maxItems/pageSize))
}

// item is what the fetcher hands the store side, in the order fetched:
// exactly one of page, reset, err and done.
type item struct {
	feed  string
	page  *credit.Page // the next page of feed
	reset bool         // the endpoint forgot our cursor of feed: re-walk it (keeping its items); its pages from the beginning follow
	err   error        // fetching feed failed; nothing follows unless more
	more  bool         // with err: the failure is the feed's own (feedFault); the next feeds follow
	done  bool         // every feed is fetched; nothing follows
}

// syncFeeds brings every feed of ep up to date, in order, from its stored
// cursor. If the endpoint no longer knows a cursor (410 Gone), that feed is
// re-walked from the beginning (store: BeginRewalk), once per pass: its
// cached items stay until the walk ends. A feed that fails for a reason of
// its own (see feedFault) does not stop the others; any other failure ends
// the pass. It returns the first feed that failed and every failure,
// joined, after storing every page fetched before. The fetcher has stopped
// when it returns.
//
// maxItems caps the items of one transaction (maxBatchItems or
// catchUpBatchItems), and with crossFeeds Options.BatchNodes may lower it
// (batchSizer); a page is never split, so a batch holds at least one.
// With crossFeeds (a pass that is not a bulk load), a batch goes on across
// feed boundaries: an incremental pass of a few hundred changes over seven
// feeds is then one transaction (one open of the file, one commit, one
// pair of fsyncs), not seven. The pages still go in fetch order, all or
// nothing, each with its cursor (store.DB.ApplyPages takes pages of any
// feeds). A bulk load keeps one feed per batch: its items arrive in key
// order within a feed.
func (e *Engine) syncFeeds(ctx context.Context, hc *http.Client, ep *Endpoint, feeds []string, maxItems int, crossFeeds bool) (string, error) {
	fctx, cancel := context.WithCancel(ctx)
	queue := make(chan item, queueDepth(ep.pageSize(), maxItems))
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		defer close(queue)
		e.background(func() { e.fetchFeeds(fctx, hc, ep, feeds, queue, crossFeeds) })
	}()
	defer func() {
		cancel()
		<-stopped
	}()

	q := queueReader{queue: queue}
	size := e.batchSizer(ep, maxItems, crossFeeds)
	feed := "" // of the last item taken
	failed, errs := "", []error(nil)
	batch := make([]*credit.Page, 0, maxBatchPages)
	for {
		it, ok := q.take()
		if !ok {
			// Only ctx being done stops the fetcher without a last item.
			if err := ctx.Err(); err != nil {
				return feed, err
			}
			return feed, errors.New("sync: the fetcher stopped without a reason") // not reached
		}
		feed = it.feed
		switch {
		case it.err != nil && it.more:
			// The feed failed on its own; the fetcher goes on with the next.
			if failed == "" {
				failed = feed
			}
			errs = append(errs, it.err)
			continue
		case it.err != nil:
			if failed == "" {
				failed = feed
			}
			return failed, errors.Join(append(errs, it.err)...)
		case it.done:
			return failed, errors.Join(errs...)
		case it.reset:
			if err := e.store.BeginRewalk(ep.Name, feed); err != nil {
				return feed, &StoreError{Err: err}
			}
			e.publish(Event{At: e.opts.Now(), Endpoint: ep.Name, Feed: feed, Type: EventResync})
			size.rewalk(feed)
			continue
		}
		// Take the pages of this feed that have queued up, within the caps.
		batch = append(batch[:0], it.page)
		items := pageItems(it.page)
		var wait *time.Timer
		limit := size.items(feed)
		for len(batch) < maxBatchPages && items < limit {
			nx, ok := q.poll(nil, nil)
			if !ok && linger > 0 {
				if wait == nil {
					wait = time.NewTimer(linger)
				}
				nx, ok = q.poll(wait.C, ctx.Done())
			}
			if !ok {
				break
			}
			if nx.page == nil || (nx.feed != feed && !crossFeeds) {
				q.putBack(nx)
				break
			}
			batch = append(batch, nx.page)
			items += pageItems(nx.page)
		}
		if wait != nil {
			wait.Stop()
		}
		if err := ctx.Err(); err != nil {
			return feed, err
		}
		if err := size.apply(e.store, batch, feed, items); err != nil {
			return feed, errors.Join(append(errs, &StoreError{Err: err})...)
		}
		for _, p := range batch {
			if n := pageItems(p); n > 0 {
				e.publish(Event{At: p.FetchedAt, Endpoint: ep.Name, Feed: p.Feed, Type: EventPage, Items: n})
			}
		}
	}
}

func pageItems(p *credit.Page) int { return len(p.Changes) + len(p.Quarantine) }

// queueReader reads the fetcher's queue with one item of look-ahead.
type queueReader struct {
	queue <-chan item
	held  item
	has   bool
}

// take returns the next item, waiting for it; false if the queue is
// closed.
func (q *queueReader) take() (item, bool) {
	if q.has {
		q.has = false
		return q.held, true
	}
	it, ok := <-q.queue
	return it, ok
}

// poll returns the next item if one is ready or arrives before wait fires
// or done is closed (nil channels: only one that is ready); false if there
// is none, or the queue is closed.
func (q *queueReader) poll(wait <-chan time.Time, done <-chan struct{}) (item, bool) {
	if q.has {
		q.has = false
		return q.held, true
	}
	if wait == nil && done == nil {
		select {
		case it, ok := <-q.queue:
			return it, ok
		default:
			return item{}, false
		}
	}
	select {
	case it, ok := <-q.queue:
		return it, ok
	case <-wait:
	case <-done:
	}
	return item{}, false
}

// putBack makes it the next item again.
func (q *queueReader) putBack(it item) { q.held, q.has = it, true }

// fetchFeeds fetches, checks and decodes the pages of every feed and queues
// them, then done. A feed that fails on its own (feedFault) is queued as an
// error with more set, and the next feed follows; any other failure is
// queued as the last item. It ends early when ctx is done.
//
// The queue holds the feeds' items in the order they are listed, each
// feed's pages in order, whether the feeds are fetched one after another
// or, with atOnce, at once (fetchOrdered; an HTTP endpoint's only). A bulk
// load fetches them one after another: its walks take minutes, and a
// later feed's first page would only wait, in memory.
func (e *Engine) fetchFeeds(ctx context.Context, hc *http.Client, ep *Endpoint, feeds []string, queue chan<- item, atOnce bool) {
	send := func(it item) bool {
		select {
		case queue <- it:
			return true
		case <-ctx.Done():
			return false
		}
	}
	starts := e.startCursors(ep, feeds)
	if atOnce && ep.Source == nil && feedFetchers > 1 && len(feeds) > 1 {
		e.fetchOrdered(ctx, hc, ep, feeds, starts, send)
		return
	}
	reached := map[string]string{}
	for i, feed := range feeds {
		cursor, err := starts[i].cursor, starts[i].err
		if c, ok := reached[feed]; ok {
			cursor, err = c, nil
		}
		if err == nil {
			cursor, err = e.fetchFeed(ctx, hc, ep, feed, cursor, send)
		}
		if errors.Is(err, errStopped) {
			return
		}
		if err != nil {
			more := feedFault(err)
			if !send(item{feed: feed, err: err, more: more}) || !more {
				return
			}
			continue
		}
		reached[feed] = cursor
	}
	send(item{done: true})
}

// start is where a feed's walk starts: its stored cursor, or why that
// could not be read.
type start struct {
	cursor string
	err    error
}

// startCursors reads the stored cursor of every feed. They are all read
// before the first page is stored: read later, they would wait for the
// store's transaction in progress. (Only this pass writes them: passes of
// an endpoint are serialised, and only the sync role holder syncs.) A feed
// listed twice continues where the pass got to (fetchFeeds).
func (e *Engine) startCursors(ep *Endpoint, feeds []string) []start {
	starts := make([]start, len(feeds))
	if cr, ok := e.store.(cursorsReader); ok {
		// One read of the cache for every feed, not one per feed.
		cs, err := cr.Cursors(ep.Name, feeds)
		for i := range starts {
			if err != nil {
				starts[i].err = err
			} else {
				starts[i].cursor = cs[i]
			}
		}
		return starts
	}
	for i, feed := range feeds {
		starts[i].cursor, starts[i].err = e.store.Cursor(ep.Name, feed)
	}
	return starts
}

// cursorsReader is a store that reads the cursors of several feeds at once
// (store.DB: one open of the file instead of one per feed).
type cursorsReader interface {
	Cursors(endpoint string, feeds []string) ([]string, error)
}

// StoreError is a pass that failed because the cache could not be
// written.
type StoreError struct{ Err error }

func (e *StoreError) Error() string { return e.Err.Error() }
func (e *StoreError) Unwrap() error { return e.Err }

// errStopped: the fetcher stopped because its context is done.
var errStopped = errors.New("sync: fetcher stopped")

// WalkError is a feed's walk ended because the endpoint broke the paging
// contract, or the walk hit its ceiling for one pass. The pages stored
// before stay stored; the feed fails; the other feeds go on.
type WalkError struct {
	Feed   string
	Reason string
}

func (e *WalkError) Error() string { return e.Feed + ": " + e.Reason }

// feedFault reports whether err is a failure of one feed, after which the
// endpoint's other feeds are still worth asking: a broken walk, or a 4xx
// answer about the feed (bad or expired cursor, unknown feed). Network
// errors, timeouts, unreadable bodies, 401, 403, 408, 429 and 5xx concern
// the whole endpoint and end the pass.
func feedFault(err error) bool {
	var we *WalkError
	var fe *FeedError
	if errors.As(err, &we) || errors.As(err, &fe) {
		return true
	}
	var he *HTTPError
	if errors.As(err, &he) {
		switch he.Status {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusRequestTimeout, http.StatusTooManyRequests:
			return false
		}
		return he.Status >= 400 && he.Status < 500
	}
	return false
}

// fetchFeed queues the pages of feed from cursor on, following each page's
// next cursor, until the last, and returns the cursor that follows it. It
// returns errStopped when ctx is done. A walk ends with a *WalkError when
// the endpoint breaks the paging contract (a page with no items but
// has_more, a cursor that does not advance, a cursor served before in the
// same walk) or the walk reaches its ceiling (Endpoint.MaxPages pages or
// MaxWalk time in one pass, not counting the wait to hand over its first
// page); the pages queued before are stored, so a walk stopped at its
// ceiling continues at the next pass.
func (e *Engine) fetchFeed(ctx context.Context, hc *http.Client, ep *Endpoint, feed, cursor string, send func(item) bool) (string, error) {
	restarted := false
	began := time.Now()
	pages := 0
	seen := map[string]bool{cursor: true}
	walkErr := func(format string, a ...any) (string, error) {
		return "", &WalkError{Feed: feed, Reason: fmt.Sprintf(format, a...)}
	}
	for {
		var p *wirePage
		var err error
		if ep.Source != nil {
			p, err = readSource(ctx, ep, feed, cursor, e.opts.Now())
		} else {
			p, err = fetchWire(ctx, hc, ep, feed, cursor)
		}
		var he *HTTPError
		if (errors.As(err, &he) && he.Status == http.StatusGone || errors.Is(err, ErrRewalk)) && cursor != "" && !restarted {
			// The endpoint no longer knows our cursor: walk the feed anew.
			// The store side starts the re-walk when it gets here.
			if !send(item{feed: feed, reset: true}) {
				return "", errStopped
			}
			cursor, restarted = "", true
			clear(seen)
			seen[""] = true
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return "", errStopped
			}
			return "", err
		}
		now := e.opts.Now()
		if err := checkClock(feed, p.ServerTime, e.opts.ServerClock(), ep.maxSkew()); err != nil {
			return "", err
		}
		if p.HasMore && p.items() == 0 {
			return walkErr("the endpoint broke the paging contract: a page after cursor %q has no items but has_more is true (walk stopped after %d pages)",
				credit.Sanitize(cursor), pages)
		}
		sp := p.storePage(ep.Name, feed, now)
		for i := range sp.Quarantine { // an item may quote the request's token too
			q := &sp.Quarantine[i]
			q.Raw, q.Reason = redact(q.Raw, ep.Token), redact(q.Reason, ep.Token)
		}
		handed := time.Now()
		if !send(item{feed: feed, page: sp}) {
			return "", errStopped
		}
		if pages == 0 {
			// The walk's time runs from its first page's hand-over: a
			// feed fetched ahead waits there for its turn (fetchOrdered).
			began = began.Add(time.Since(handed))
		}
		pages++
		if !p.HasMore {
			return p.NextCursor, nil
		}
		switch {
		case p.NextCursor == cursor:
			// The page is stored, as it always was; the feed then fails.
			return walkErr("has_more is set but the cursor did not advance (%q)", credit.Sanitize(cursor))
		case seen[p.NextCursor]:
			return walkErr("the endpoint's cursors cycle: next_cursor %q was already served in this walk (walk stopped after %d pages)",
				credit.Sanitize(p.NextCursor), pages)
		case pages >= ep.maxPages():
			return walkErr("walk stopped after %d pages, the ceiling of one pass (max_pages); it continues from there at the next pass", pages)
		case time.Since(began) >= ep.maxWalk():
			return walkErr("walk stopped after %s and %d pages, the ceiling of one pass (max_walk); it continues from there at the next pass",
				ep.maxWalk(), pages)
		}
		seen[p.NextCursor] = true
		cursor = p.NextCursor
	}
}
