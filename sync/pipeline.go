package sync

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/czyj/credwatch/credit"
)

// A feed is synced by a small pipeline: a fetcher goroutine fetches, checks
// and decodes page after page along the cursor chain into a bounded queue,
// while the syncing goroutine stores what has queued up, several pages per
// transaction (group commit). The store's commit and fsync then overlap the
// next fetch, and a store slower than the endpoint pays for one commit per
// batch instead of one per page. Pages are stored in the order fetched, each
// batch all or nothing, so the stored cursor only ever follows pages that
// are stored.
var (
	// fetchAhead is how many decoded pages may wait for the store.
	fetchAhead = 8
	// maxBatchPages and maxBatchItems cap one transaction: a batch ends
	// at whichever is reached first.
	maxBatchPages = 8
	maxBatchItems = 4000
)

// fetched is what the fetcher hands the store side: a decoded page, or the
// error that ended the fetch.
type fetched struct {
	page *credit.Page
	last bool // the endpoint has no more pages after page
	err  error
	// cursor is, with err, the cursor the failing request was made with.
	cursor string
}

// fetchError is a fetch that failed after every page fetched before it was
// stored.
type fetchError struct {
	err    error
	cursor string // that of the failing request
}

func (fe *fetchError) Error() string { return fe.err.Error() }

// syncFeed brings one feed of ep up to date from its stored cursor. If the
// endpoint no longer knows a cursor (410 Gone), the feed is forgotten and
// fetched anew from the beginning, once.
func (e *Engine) syncFeed(ctx context.Context, hc *http.Client, ep *Endpoint, feed string) error {
	cursor, err := e.store.Cursor(ep.Name, feed)
	if err != nil {
		return err
	}
	restarted := false
	for {
		err := e.runFeed(ctx, hc, ep, feed, cursor)
		fe, ok := err.(*fetchError)
		if !ok {
			return err // nil, a store error, or ctx's
		}
		var he *HTTPError
		if errors.As(fe.err, &he) && he.Status == http.StatusGone && fe.cursor != "" && !restarted {
			// The endpoint no longer knows our cursor: fetch the feed anew.
			// Every page fetched before the 410 is stored by now.
			if err := e.store.ResetFeed(feed); err != nil {
				return err
			}
			e.publish(Event{At: e.opts.Now(), Endpoint: ep.Name, Feed: feed, Type: EventResync})
			cursor, restarted = "", true
			continue
		}
		return fe.err
	}
}

// runFeed fetches feed from cursor on a goroutine and stores the pages in
// order, in batches, until the last page is stored (nil), a fetch fails (a
// *fetchError, returned once every page fetched before it is stored), a
// store fails or ctx is done. The fetcher has stopped when it returns.
func (e *Engine) runFeed(ctx context.Context, hc *http.Client, ep *Endpoint, feed, cursor string) error {
	fctx, cancel := context.WithCancel(ctx)
	queue := make(chan fetched, fetchAhead)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		defer close(queue)
		e.fetchPages(fctx, hc, ep, feed, cursor, queue)
	}()
	defer func() {
		cancel()
		<-stopped
	}()

	batch := make([]*credit.Page, 0, maxBatchPages)
	for {
		f, ok := <-queue
		if !ok {
			return queueClosed(ctx)
		}
		// Take what has queued up, to the end of the feed or the first
		// error, within the caps.
		batch, items := batch[:0], 0
		closed := false
	gather:
		for {
			if f.page != nil {
				batch = append(batch, f.page)
				items += len(f.page.Changes) + len(f.page.Quarantine)
			}
			if f.err != nil || f.last || len(batch) >= maxBatchPages || items >= maxBatchItems {
				break
			}
			select {
			case f, ok = <-queue:
				if !ok {
					closed = true
					break gather
				}
			default:
				f = fetched{}
				break gather
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if len(batch) > 0 {
			if err := e.store.ApplyPages(batch); err != nil {
				return err
			}
			for _, p := range batch {
				if n := len(p.Changes) + len(p.Quarantine); n > 0 {
					e.publish(Event{At: p.FetchedAt, Endpoint: ep.Name, Feed: feed, Type: EventPage, Items: n})
				}
			}
		}
		switch {
		case f.err != nil:
			return &fetchError{err: f.err, cursor: f.cursor}
		case f.last:
			return nil
		case closed:
			return queueClosed(ctx)
		}
	}
}

// queueClosed is the error of a fetcher that stopped without a last page
// or an error: only ctx being done makes it do that.
func queueClosed(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.New("sync: the fetcher stopped without a reason") // not reached
}

// fetchPages fetches, checks and decodes the pages of feed from cursor on,
// following each page's next cursor, and queues them; it ends after the
// last page, after queueing an error, or when ctx is done.
func (e *Engine) fetchPages(ctx context.Context, hc *http.Client, ep *Endpoint, feed, cursor string, queue chan<- fetched) {
	send := func(f fetched) bool {
		select {
		case queue <- f:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		p, err := fetchPage(ctx, hc, ep, feed, cursor)
		if err != nil {
			send(fetched{err: err, cursor: cursor})
			return
		}
		now := e.opts.Now()
		if err := checkClock(feed, p.ServerTime, now, ep.maxSkew()); err != nil {
			send(fetched{err: err, cursor: cursor})
			return
		}
		page := decodePage(ep.Name, feed, p, now)
		if !send(fetched{page: page, last: !p.HasMore}) || !p.HasMore {
			return
		}
		if p.NextCursor == cursor {
			// The page is stored, as it always was; the feed then fails.
			send(fetched{err: fmt.Errorf("%s: has_more is set but the cursor did not advance (%q)", feed, credit.Sanitize(cursor)), cursor: cursor})
			return
		}
		cursor = p.NextCursor
	}
}
