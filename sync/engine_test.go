package sync

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/sync/api"
	"github.com/czyj/credwatch/sync/sim"
)

var testToday = credit.MustDate("2026-11-30")

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "cache.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// simHub serves a fresh simulator (seed, records) and returns it, its
// server (closed when the test ends), an empty cache and an engine over one
// endpoint serving every feed.
func simHub(t *testing.T, seed int64, records int) (*sim.Sim, *httptest.Server, *store.DB, *Engine) {
	t.Helper()
	s := sim.New(sim.Options{Seed: seed, Records: records, Today: testToday})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	db := openStore(t)
	eng, err := New(db, hub(srv.URL), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return s, srv, db, eng
}

func hub(url string) []Endpoint {
	return []Endpoint{{Name: "hub", BaseURL: url, Feeds: credit.Feeds, PageSize: 97}}
}

// TestSyncEndsWithSimulatorDataInCache syncs a simulator into an empty cache,
// lets the simulator change, syncs incrementally, and checks the cache holds
// exactly the simulator's live items.
func TestSyncEndsWithSimulatorDataInCache(t *testing.T) {
	s, _, db, eng := simHub(t, 7, 800)
	ctx := context.Background()

	if err := eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		snap, err := db.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		want := s.Counts()
		for _, k := range credit.Kinds {
			if snap.Counts[k] != want[string(k)] {
				t.Errorf("%s: %s records in cache = %d, simulator has %d", when, k, snap.Counts[k], want[string(k)])
			}
		}
		if snap.Penalties.Len() != want["penalty"] {
			t.Errorf("%s: penalties = %d, want %d", when, snap.Penalties.Len(), want["penalty"])
		}
		if len(snap.Sharing) != want[credit.FeedSharing] {
			t.Errorf("%s: sharing rows = %d, want %d", when, len(snap.Sharing), want[credit.FeedSharing])
		}
		if snap.Repairs.Len() != want[credit.FeedRepair] {
			t.Errorf("%s: repairs = %d, want %d", when, snap.Repairs.Len(), want[credit.FeedRepair])
		}
		if len(snap.Endpoints) != 1 || !snap.Endpoints[0].Healthy() {
			t.Errorf("%s: endpoint status = %+v", when, snap.Endpoints)
		}
	}
	check("first sync")

	for i := 0; i < 5; i++ {
		s.Step()
	}
	if err := eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	check("after incremental sync")
}

func TestEventsAreDeliveredAndNeverBlock(t *testing.T) {
	s := sim.New(sim.Options{Seed: 1, Records: 300, Today: testToday})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	eng, err := New(openStore(t), hub(srv.URL), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	// Nobody reads events during several passes: publishing must not block.
	for i := 0; i < 3; i++ {
		s.Step()
		if err := eng.SyncOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	var pages, done int
	for len(eng.Events()) > 0 {
		switch ev := <-eng.Events(); ev.Type {
		case EventPage:
			pages++
		case EventDone:
			done++
		}
	}
	if pages == 0 || done != 3 {
		t.Errorf("pages=%d done=%d, want pages>0 and done=3", pages, done)
	}
}

// TestOneDownEndpointDoesNotStopOthers runs the engine with one endpoint
// refusing connections and one healthy one.
func TestOneDownEndpointDoesNotStopOthers(t *testing.T) {
	s := sim.New(sim.Options{Seed: 3, Records: 200, Today: testToday})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close() // connection refused from now on
	db := openStore(t)
	eng, err := New(db, []Endpoint{
		{Name: "down", BaseURL: down.URL, Feeds: []string{"licence"}, Interval: time.Hour},
		{Name: "up", BaseURL: srv.URL, Feeds: []string{"penalty"}, Interval: time.Hour},
	}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan struct{})
	go func() { eng.Run(ctx); close(finished) }()
	deadline := time.After(10 * time.Second)
	for {
		up, _ := db.EndpointStatus("up")
		dn, _ := db.EndpointStatus("down")
		if up.Healthy() && dn.Failures > 0 {
			if !strings.Contains(dn.LastError, "licence") {
				t.Errorf("down endpoint error %q does not name the feed", dn.LastError)
			}
			break
		}
		select {
		case <-deadline:
			t.Fatalf("up=%+v down=%+v", up, dn)
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	select {
	case <-finished:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestBadItemsAreQuarantinedNotDropped(t *testing.T) {
	good, _ := json.Marshal(credit.Record{Kind: credit.Penalty, ID: "g1", Dept: "320412", Decided: testToday,
		SubjectName: "常州\x1b]52;c;cHduZWQ=\x07某某公司\u202e"})
	page := api.Page{Feed: "penalty", NextCursor: "1", Items: []api.Item{
		{Op: "upsert", Key: "g1", Data: good},
		{Op: "upsert", Key: "b1", Data: json.RawMessage(`{"kind":"penalty","id":"b1","dept":"320412","decided":"2026-02-30"}`)},
		{Op: "upsert", Key: "b2", Data: json.RawMessage(`{"kind":"licence","id":"b2","dept":"320412","decided":"2026-02-03"}`)},
		{Op: "explode", Key: "b3"},
	}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(page)
	}))
	defer srv.Close()
	db := openStore(t)
	eng, err := New(db, []Endpoint{{Name: "x", BaseURL: srv.URL, Feeds: []string{"penalty"}}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	r, ok, err := db.Record("penalty/g1")
	if err != nil || !ok {
		t.Fatalf("good record missing: %v", err)
	}
	if r.SubjectName != "常州某某公司" {
		t.Errorf("subject name not sanitised: %q", r.SubjectName)
	}
	q, _ := db.Quarantine()
	if len(q) != 3 {
		t.Fatalf("quarantine = %+v, want 3 items", q)
	}
	reasons := q[0].Reason + "|" + q[1].Reason + "|" + q[2].Reason
	for _, w := range []string{"2026-02-30", "kind \"licence\"", "unknown op"} {
		if !strings.Contains(reasons, w) {
			t.Errorf("reasons %q do not mention %q", reasons, w)
		}
	}
}

func TestHTTPErrorsAreReportedWithRetryAfter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
		json.NewEncoder(w).Encode(api.ErrorBody{Error: api.ErrorDetail{Code: "rate_limited", Message: "slow down\x1b[2J"}})
	}))
	defer srv.Close()
	db := openStore(t)
	eng, err := New(db, []Endpoint{{Name: "x", BaseURL: srv.URL, Feeds: []string{"penalty"}}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	err = eng.SyncOnce(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	st, _ := db.EndpointStatus("x")
	if st.Failures != 1 || !strings.Contains(st.LastError, "HTTP 429 rate_limited: slow down") || strings.Contains(st.LastError, "\x1b") {
		t.Errorf("status = %+v", st)
	}
	if d := eng.backoff(&eng.eps[0], 1, err); d != 120*time.Second {
		t.Errorf("backoff = %v, want Retry-After 120s", d)
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	eng, err := New(nil, nil, Options{MaxBackoff: time.Minute, Rand: func() float64 { return 0.5 }})
	if err != nil {
		t.Fatal(err)
	}
	ep := &Endpoint{Interval: 16 * time.Second}
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, time.Minute, time.Minute}
	for i, w := range want {
		if got := eng.backoff(ep, i+1, context.DeadlineExceeded); got != w {
			t.Errorf("failure %d: backoff %v, want %v", i+1, got, w)
		}
	}
}

// TestExpiredCursorRefetchesFeed points a synced cache at a restarted
// simulator, which no longer knows the stored cursors (410): each feed is
// fetched anew and the cache ends equal to the new simulator.
func TestExpiredCursorRefetchesFeed(t *testing.T) {
	first := sim.New(sim.Options{Seed: 4, Records: 300, Today: testToday})
	var h atomic.Pointer[http.Handler]
	fh := first.Handler()
	h.Store(&fh)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*h.Load()).ServeHTTP(w, r) }))
	defer srv.Close()
	db := openStore(t)
	eng, err := New(db, hub(srv.URL), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond)
	second := sim.New(sim.Options{Seed: 9, Records: 120, Today: testToday})
	sh := second.Handler()
	h.Store(&sh)
	for len(eng.Events()) > 0 {
		<-eng.Events()
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	resyncs := 0
	for len(eng.Events()) > 0 {
		if ev := <-eng.Events(); ev.Type == EventResync {
			resyncs++
		}
	}
	if resyncs != len(credit.Feeds) {
		t.Errorf("resync events = %d, want one per feed (%d)", resyncs, len(credit.Feeds))
	}
	snap, _ := db.Snapshot()
	want := second.Counts()
	for _, k := range credit.Kinds {
		if snap.Counts[k] != want[string(k)] {
			t.Errorf("%s: cache %d, new simulator %d", k, snap.Counts[k], want[string(k)])
		}
	}
	if snap.Repairs.Len() != want[credit.FeedRepair] || len(snap.Sharing) != want[credit.FeedSharing] {
		t.Errorf("repairs %d/%d sharing %d/%d", snap.Repairs.Len(), want[credit.FeedRepair], len(snap.Sharing), want[credit.FeedSharing])
	}
}

// testNow is the clock the simulator uses by default for testToday: that
// day, at the real time of day in China.
func testNow() time.Time {
	t := time.Now().In(credit.ChinaZone)
	h, m, s := t.Clock()
	return testToday.Time().Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second + time.Duration(t.Nanosecond()))
}
