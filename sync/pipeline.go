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
	// page of 500 records holds about 0.65 MB.
	fetchAhead = 16
	// maxBatchPages and maxBatchItems cap one transaction: a batch ends
	// at whichever is reached first.
	maxBatchPages = 16
	maxBatchItems = 8000
	// linger is how long the store side waits for more pages of a feed
	// once a batch has its first. A batch never waits for an error, the
	// next feed or the end of the pass, only for a page still being
	// fetched, and then for linger at most.
	linger = 200 * time.Millisecond
)

// item is what the fetcher hands the store side, in the order fetched:
// exactly one of page, reset, err and done.
type item struct {
	feed  string
	page  *credit.Page // the next page of feed
	reset bool         // the endpoint forgot our cursor of feed: forget the feed; its pages from the beginning follow
	err   error        // fetching feed failed; nothing follows
	done  bool         // every feed is fetched; nothing follows
}

// syncFeeds brings every feed of ep up to date, in order, from its stored
// cursor. If the endpoint no longer knows a cursor (410 Gone), that feed is
// forgotten, once every page fetched before is stored, and fetched anew from
// the beginning, once. On failure it returns the feed that failed, after
// storing every page fetched before the failure. The fetcher has stopped
// when it returns.
func (e *Engine) syncFeeds(ctx context.Context, hc *http.Client, ep *Endpoint, feeds []string) (string, error) {
	fctx, cancel := context.WithCancel(ctx)
	queue := make(chan item, fetchAhead)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		defer close(queue)
		e.fetchFeeds(fctx, hc, ep, feeds, queue)
	}()
	defer func() {
		cancel()
		<-stopped
	}()

	q := queueReader{queue: queue}
	feed := "" // of the last item taken
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
		case it.err != nil:
			return feed, it.err
		case it.done:
			return "", nil
		case it.reset:
			if err := e.store.ResetFeed(feed); err != nil {
				return feed, err
			}
			e.publish(Event{At: e.opts.Now(), Endpoint: ep.Name, Feed: feed, Type: EventResync})
			continue
		}
		// Take the pages of this feed that have queued up, within the caps.
		batch = append(batch[:0], it.page)
		items := pageItems(it.page)
		var wait *time.Timer
		for len(batch) < maxBatchPages && items < maxBatchItems {
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
			if nx.page == nil || nx.feed != feed {
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
		if err := e.store.ApplyPages(batch); err != nil {
			return feed, err
		}
		for _, p := range batch {
			if n := pageItems(p); n > 0 {
				e.publish(Event{At: p.FetchedAt, Endpoint: ep.Name, Feed: feed, Type: EventPage, Items: n})
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
// them, then done; it ends early after queueing an error, or when ctx is
// done.
func (e *Engine) fetchFeeds(ctx context.Context, hc *http.Client, ep *Endpoint, feeds []string, queue chan<- item) {
	send := func(it item) bool {
		select {
		case queue <- it:
			return true
		case <-ctx.Done():
			return false
		}
	}
	// Every stored cursor is read before the first page is stored: read
	// later, it would wait for the store's transaction in progress. (Only
	// this pass writes them: passes of an endpoint are serialised, and
	// only the sync role holder syncs.) A feed listed twice continues
	// where the pass got to.
	type start struct {
		cursor string
		err    error
	}
	starts := make([]start, len(feeds))
	for i, feed := range feeds {
		starts[i].cursor, starts[i].err = e.store.Cursor(ep.Name, feed)
	}
	reached := map[string]string{}
	for i, feed := range feeds {
		cursor, err := starts[i].cursor, starts[i].err
		if c, ok := reached[feed]; ok {
			cursor, err = c, nil
		}
		if err != nil {
			send(item{feed: feed, err: err})
			return
		}
		next, ok := e.fetchFeed(ctx, hc, ep, feed, cursor, send)
		if !ok {
			return
		}
		reached[feed] = next
	}
	send(item{done: true})
}

// fetchFeed queues the pages of feed from cursor on, following each page's
// next cursor, until the last, and returns the cursor that follows it. It
// reports false if it queued an error or ctx is done.
func (e *Engine) fetchFeed(ctx context.Context, hc *http.Client, ep *Endpoint, feed, cursor string, send func(item) bool) (string, bool) {
	fail := func(err error) (string, bool) {
		send(item{feed: feed, err: err})
		return "", false
	}
	restarted := false
	for {
		p, err := fetchWire(ctx, hc, ep, feed, cursor)
		var he *HTTPError
		if errors.As(err, &he) && he.Status == http.StatusGone && cursor != "" && !restarted {
			// The endpoint no longer knows our cursor: fetch the feed anew.
			// The store side forgets the feed when it gets here.
			if !send(item{feed: feed, reset: true}) {
				return "", false
			}
			cursor, restarted = "", true
			continue
		}
		if err != nil {
			return fail(err)
		}
		now := e.opts.Now()
		if err := checkClock(feed, p.ServerTime, now, ep.maxSkew()); err != nil {
			return fail(err)
		}
		if !send(item{feed: feed, page: p.storePage(ep.Name, feed, now)}) {
			return "", false
		}
		if !p.HasMore {
			return p.NextCursor, true
		}
		if p.NextCursor == cursor {
			// The page is stored, as it always was; the feed then fails.
			return fail(fmt.Errorf("%s: has_more is set but the cursor did not advance (%q)", feed, credit.Sanitize(cursor)))
		}
		cursor = p.NextCursor
	}
}
