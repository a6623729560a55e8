package sync

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/czyj/credwatch/sync/sim"

	"github.com/czyj/credwatch/credit"
)

// nodeStore is a slowStore that reports perItem nodes for every item a
// transaction stores, as store.DB.ApplyPagesLean reports bbolt's.
type nodeStore struct {
	*slowStore
	perItem int
}

func (s nodeStore) ApplyPagesLean(ps []*credit.Page) (int, error) {
	n := 0
	for _, p := range ps {
		n += pageItems(p)
	}
	return n * s.perItem, s.ApplyPages(ps)
}

// With a node budget (Options.BatchNodes), a pass that is not a bulk load
// sizes each batch by the nodes per item the last one changed: the first
// by firstNodesPerItem, the next by what the store reported, in the next
// pass too; the cache ends up the same.
func TestBatchNodesBoundCatchUp(t *testing.T) {
	const budget, perItem = 300, 3
	s, srv, db, _ := simHub(t, 5, 2000) // pages of 97 items
	// A slow store: the fetcher's pages queue up, so batches could grow.
	ns := nodeStore{&slowStore{Store: db, delay: 15 * time.Millisecond}, perItem}
	eng, err := New(ns, hub(srv.URL), Options{Now: testNow, BatchNodes: budget})
	if err != nil {
		t.Fatal(err)
	}
	// before is the items of each call but its last page.
	before := func(c []*credit.Page) int {
		n := 0
		for _, p := range c[:len(c)-1] {
			n += pageItems(p)
		}
		return n
	}
	ctx := context.Background()
	for pass := range 2 {
		ns.mu.Lock()
		ns.calls = nil
		ns.mu.Unlock()
		if err := eng.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if len(ns.calls) < 2 && pass == 0 {
			t.Fatalf("pass %d: %d transactions, want several", pass, len(ns.calls))
		}
		multi := false
		for i, c := range ns.calls {
			multi = multi || len(c) > 1
			limit := budget / perItem
			if i == 0 && pass == 0 {
				limit = int(budget / firstNodesPerItem)
			}
			if n := before(c); n >= limit {
				t.Errorf("pass %d, transaction %d: %d items before its last page, want fewer than %d", pass, i, n, limit)
			}
		}
		if pass == 0 && !multi {
			t.Errorf("pass %d: every transaction held one page; the bound was not tested", pass)
		}
		for range 30 {
			s.Step()
		}
	}
	if err := eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	want := s.Counts()
	for _, k := range credit.Kinds {
		if snap.Counts[k] != want[string(k)] {
			t.Errorf("%s records in cache = %d, simulator has %d", k, snap.Counts[k], want[string(k)])
		}
	}
}

// Without a budget, or in a bulk load, batches are bounded by items only.
func TestBatchSizerWithoutBudget(t *testing.T) {
	_, srv, db, _ := simHub(t, 5, 200)
	for _, tc := range []struct {
		opts       Options
		crossFeeds bool
	}{
		{Options{Now: testNow}, true},
		{Options{Now: testNow, BatchNodes: 10}, false},
	} {
		eng, err := New(nodeStore{&slowStore{Store: db}, 1}, hub(srv.URL), tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		b := eng.batchSizer(&eng.eps[0], 777, tc.crossFeeds)
		*b.perItem = 50
		if n := b.items("penalty"); n != 777 {
			t.Errorf("%+v, crossFeeds %v: %d items a batch, want 777", tc.opts.BatchNodes, tc.crossFeeds, n)
		}
	}
}

// nodeCounting records which batches were stored by ApplyPagesLean.
type nodeCounting struct {
	nodeStore
	lean []string // the first feed of each
}

func (s *nodeCounting) ApplyPagesLean(ps []*credit.Page) (int, error) {
	s.lean = append(s.lean, ps[0].Feed)
	return s.nodeStore.ApplyPagesLean(ps)
}

// A re-walk (the endpoint forgot our cursors: 410) is not held to the
// node budget: its batches are stored by ApplyPages, up to the item cap,
// and a full resync keeps its speed.
func TestBatchNodesSpareRewalk(t *testing.T) {
	first := sim.New(sim.Options{Seed: 4, Records: 1500, Today: testToday})
	var h atomic.Pointer[http.Handler]
	fh := first.Handler()
	h.Store(&fh)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*h.Load()).ServeHTTP(w, r) }))
	defer srv.Close()
	db := openStore(t)
	if eng, err := New(db, hub(srv.URL), Options{Now: testNow}); err != nil {
		t.Fatal(err)
	} else if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond)
	second := sim.New(sim.Options{Seed: 9, Records: 1500, Today: testToday}) // new cursors: 410
	sh := second.Handler()
	h.Store(&sh)
	ns := &nodeCounting{nodeStore: nodeStore{&slowStore{Store: db, delay: 15 * time.Millisecond}, 1000}}
	eng, err := New(ns, hub(srv.URL), Options{Now: testNow, BatchNodes: 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	rewalked := map[string]bool{}
	for len(eng.Events()) > 0 {
		if ev := <-eng.Events(); ev.Type == EventResync {
			rewalked[ev.Feed] = true
		}
	}
	if len(rewalked) == 0 {
		t.Fatal("no feed was re-walked")
	}
	for _, f := range ns.lean {
		if rewalked[f] {
			t.Errorf("a batch of the re-walk of %s was held to the node budget", f)
		}
	}
	multi := false
	for _, c := range ns.calls {
		multi = multi || len(c) > 1
	}
	if !multi {
		t.Error("every batch of the re-walk held one page: the item cap was not what bounded them")
	}
}
