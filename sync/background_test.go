package sync

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/czyj/credwatch/sync/sim"
)

// Options.Background runs every part of a pass that Run makes: the pass
// itself (its writes), its fetcher and each feed's walk, so that every
// request of an incremental pass is made at least three Background calls
// deep (more while other feeds' walks run; the first feed's first request
// goes alone, at exactly three). A part left out of it runs at the host's
// normal priority, and the officers' keys wait for it.
func TestBackgroundRunsThePassItsFetcherAndWalks(t *testing.T) {
	s := sim.New(sim.Options{Seed: 5, Records: 300, Today: testToday})
	var depth, calls atomic.Int64
	var least, requests atomic.Int64
	least.Store(1 << 30)
	var watching atomic.Bool
	h := s.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if watching.Load() {
			requests.Add(1)
			for d := depth.Load(); d < least.Load(); {
				if least.CompareAndSwap(least.Load(), d) {
					break
				}
			}
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	db := openStore(t)
	background := func(f func()) {
		calls.Add(1)
		depth.Add(1)
		defer depth.Add(-1)
		f()
	}
	eng, err := New(db, hub(srv.URL), Options{Now: testNow, Background: background})
	if err != nil {
		t.Fatal(err)
	}
	// The first sync is a bulk load, feed by feed; the incremental pass
	// after it fetches the feeds at once, each in a walk of its own.
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	for len(eng.Events()) > 0 { // the first sync's
		<-eng.Events()
	}
	s.Step()
	watching.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan struct{})
	go func() { eng.Run(ctx); close(finished) }()
	deadline := time.After(10 * time.Second)
wait:
	for {
		select {
		case ev := <-eng.Events():
			if ev.Type == EventDone {
				break wait
			}
		case <-deadline:
			t.Fatal("no pass ended within 10 s")
		}
	}
	cancel()
	<-finished
	if requests.Load() == 0 {
		t.Fatal("the pass made no request")
	}
	if got := least.Load(); got < 3 {
		t.Errorf("a request made %d Background calls deep, want 3 (the pass, its fetcher, the feed's walk); %d calls in all", got, calls.Load())
	}
}
