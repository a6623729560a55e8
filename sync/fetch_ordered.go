package sync

import (
	"context"
	"errors"
	"net/http"
	gosync "sync"
)

// feedFetchers bounds how many feeds of one HTTP endpoint are fetched at
// once (fetchOrdered). An incremental pass of a few hundred changes is a
// page or two per feed: fetched one after another, the seven feeds' round
// trips (and the agency's work on each) add up before the pass can store
// anything; fetched at once, the pass waits for the slowest feed only.
var feedFetchers = 8

// listing is one entry of an endpoint's list of feeds as fetchOrdered
// walks it: the items of its walk, in order, then closed.
type listing struct {
	feed  string
	items chan item
	// prev is the listing of the same feed before this one, if any: this
	// walk starts where the feed got to when prev's walk ended.
	prev *listing
	// reached and has are set before walked is closed: the cursor the
	// feed's walks of the pass have reached (the last that ended
	// without error), as fetchFeeds' serial loop keeps it.
	reached string
	has     bool
	walked  chan struct{}
	// answered is closed when the walk has queued its first item that is
	// not a failure of the whole endpoint: the endpoint answered.
	answered chan struct{}
	// turn is closed when the store side starts taking the walk's items:
	// until then the walk stops after its first item.
	turn chan struct{}
}

// fetchOrdered is fetchFeeds for an HTTP endpoint: once the first feed's
// first request is answered, up to feedFetchers feeds are walked at once,
// each by a goroutine of its own along its cursor chain, and their items
// are queued (send) in the order the feeds are listed, each feed's in the
// order fetched, exactly as the serial walk queues them: the store side
// batches, stores and fails as it would, and every page still goes in one
// transaction with its cursor. Only the waiting overlaps: a later feed's
// first page is fetched while the earlier feeds are, and waits for its
// turn; the rest of its walk follows then (so at most one page a feed
// waits, and a walk's ceiling of time counts from its turn).
//
// A feed that fails on its own is queued as an error with more set, in
// its turn; the next feeds follow. Any other failure is queued, in its
// turn, as the last item: the later feeds' pages fetched meanwhile are
// dropped, not stored, so their cursors stay where they were and the next
// pass fetches them again. A source (Endpoint.Source) is never read this
// way: it need not be safe for concurrent use.
//
// Every goroutine it starts has stopped when it returns.
func (e *Engine) fetchOrdered(ctx context.Context, hc *http.Client, ep *Endpoint, feeds []string, starts []start, send func(item) bool) {
	wctx, cancel := context.WithCancel(ctx)
	var wg gosync.WaitGroup
	defer wg.Wait()
	defer cancel() // first: stops the walks still going

	ls := make([]*listing, len(feeds))
	last := map[string]*listing{}
	for i, feed := range feeds {
		ls[i] = &listing{feed: feed, items: make(chan item, 1), prev: last[feed], walked: make(chan struct{}), answered: make(chan struct{}), turn: make(chan struct{})}
		last[feed] = ls[i]
	}
	// Walks start in the order listed, each when a fetcher is free: the
	// walk whose items are queued next has always started, so the
	// bounded fetchers cannot all wait for a later walk's turn. The
	// first feed's first request goes alone: an endpoint that is down,
	// refuses our token or asks us to come back later (429) gets one
	// request a pass, as with the serial walk, not one per feed.
	sem := make(chan struct{}, feedFetchers)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, l := range ls {
			if i == 1 {
				select {
				case <-ls[0].answered:
				case <-ls[0].walked:
					select {
					case <-ls[0].answered:
					default:
						return // failed or stopped before any answer: the pass ends
					}
				case <-wctx.Done():
					return
				}
			}
			select {
			case sem <- struct{}{}:
			case <-wctx.Done():
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				e.background(func() { e.walkListing(wctx, hc, ep, l, starts[i]) })
			}()
		}
	}()

	for _, l := range ls {
		close(l.turn)
		for {
			var it item
			var ok bool
			select {
			case it, ok = <-l.items:
			case <-wctx.Done():
				return
			}
			if !ok {
				break
			}
			if !send(it) || it.err != nil && !it.more {
				return
			}
		}
		if wctx.Err() != nil {
			return // the walk stopped without an item saying why
		}
	}
	send(item{done: true})
}

// walkListing walks one listing's feed from its start (or where the
// feed's previous listing got to) into l.items, with an error item last if
// the walk failed, and then closes l.items and l.walked. It returns
// without an error item when ctx is done.
func (e *Engine) walkListing(ctx context.Context, hc *http.Client, ep *Endpoint, l *listing, st start) {
	answered, first := false, true
	defer close(l.walked)
	defer close(l.items)
	send := func(it item) bool {
		select {
		case l.items <- it:
			if !answered && (it.err == nil || it.more) {
				answered = true
				close(l.answered)
			}
		case <-ctx.Done():
			return false
		}
		if first {
			// Fetched ahead: go on once the store side takes this
			// feed's items (the walk's time starts then: fetchFeed).
			first = false
			select {
			case <-l.turn:
			case <-ctx.Done():
				return false
			}
		}
		return true
	}
	cursor, err := st.cursor, st.err
	if l.prev != nil {
		select {
		case <-l.prev.walked:
		case <-ctx.Done():
			return
		}
		l.reached, l.has = l.prev.reached, l.prev.has
		if l.has {
			cursor, err = l.reached, nil
		}
	}
	if err == nil {
		cursor, err = e.fetchFeed(ctx, hc, ep, l.feed, cursor, send)
	}
	if errors.Is(err, errStopped) {
		return
	}
	if err != nil {
		send(item{feed: l.feed, err: err, more: feedFault(err)})
		return
	}
	l.reached, l.has = cursor, true
}
