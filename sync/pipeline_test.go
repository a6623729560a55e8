package sync

// Tests of the pipelined feed sync (pipeline.go): a fetcher running ahead of
// a slow store, group commits, and what a failure on either side leaves.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// slowStore wraps a store: every ApplyPages call (ApplyPage included) waits
// delay first, is recorded, and the failAt-th call (1-based) fails, as does
// the first call with pages of failFeed. onApply, if set, sees each call
// first.
type slowStore struct {
	credit.Store
	delay    time.Duration
	failAt   int
	failFeed string
	onApply  func(ps []*credit.Page)
	// failCursor fails reading the cursor of this feed.
	failCursor string

	mu    gosync.Mutex
	calls [][]*credit.Page // pages of each call, failed ones included
}

var errDiskOnFire = errors.New("disk on fire")

func (s *slowStore) Cursor(endpoint, feed string) (string, error) {
	if feed == s.failCursor {
		return "", errDiskOnFire
	}
	return s.Store.Cursor(endpoint, feed)
}

func (s *slowStore) ApplyPage(p *credit.Page) error { return s.ApplyPages([]*credit.Page{p}) }

func (s *slowStore) ApplyPages(ps []*credit.Page) error {
	if s.onApply != nil {
		s.onApply(ps)
	}
	time.Sleep(s.delay)
	s.mu.Lock()
	s.calls = append(s.calls, append([]*credit.Page(nil), ps...))
	n := len(s.calls)
	if s.failFeed != "" && ps[0].Feed == s.failFeed {
		s.failAt, s.failFeed = n, ""
	}
	s.mu.Unlock()
	if n == s.failAt {
		return errDiskOnFire
	}
	return s.Store.ApplyPages(ps)
}

// stored returns the pages of the successful calls, in order, and the
// number of pages of the largest call.
func (s *slowStore) stored() (pages []*credit.Page, largest int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, c := range s.calls {
		largest = max(largest, len(c))
		if i+1 != s.failAt {
			pages = append(pages, c...)
		}
	}
	return pages, largest
}

// feedServer serves record feeds as pages of perPage records: page i is
// served for cursor "c<i>" ("" for page 0) and names "c<i+1>" next. pages < 0
// never ends. answer may replace the response to a request (gen is
// the generation: record ids are "g<gen>-<page>-<i>"); it returns 0 to
// serve the page.
type feedServer struct {
	srv      *httptest.Server
	pages    int
	perPage  int
	gen      atomic.Int32
	requests atomic.Int64
	answer   func(fs *feedServer, page int) int
}

func newFeedServer(t *testing.T, pages, perPage int, answer func(fs *feedServer, page int) int) *feedServer {
	fs := &feedServer{pages: pages, perPage: perPage, answer: answer}
	fs.gen.Store(1)
	fs.srv = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(fs.srv.Close)
	return fs
}

func (fs *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	fs.requests.Add(1)
	page := 0
	if c := r.URL.Query().Get("cursor"); c != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(c, "c"))
		if err != nil {
			http.Error(w, "bad cursor", http.StatusBadRequest)
			return
		}
		page = n
	}
	if fs.answer != nil {
		if status := fs.answer(fs, page); status != 0 {
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(api.ErrorBody{Error: api.ErrorDetail{Code: "test", Message: http.StatusText(status)}})
			return
		}
	}
	feed := path.Base(r.URL.Path)
	p := api.Page{Feed: feed, NextCursor: fmt.Sprintf("c%d", page+1), HasMore: fs.pages < 0 || page+1 < fs.pages}
	for i := range fs.perPage {
		id := fs.id(page, i)
		data, _ := json.Marshal(credit.Record{Kind: credit.Kind(feed), ID: id, Dept: "320412", Decided: testToday, SubjectName: "常州某某公司"})
		p.Items = append(p.Items, api.Item{Op: api.OpUpsert, Key: id, Data: data})
	}
	json.NewEncoder(w).Encode(p)
}

func (fs *feedServer) id(page, i int) string { return fmt.Sprintf("g%d-%d-%d", fs.gen.Load(), page, i) }

// fetcherRunning reports whether any goroutine is inside fetchFeeds.
func fetcherRunning() bool {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Contains(string(buf[:n]), ".(*Engine).fetch") || strings.Contains(string(buf[:n]), ".(*Engine).walkListing")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// waitNoFetcher fails the test if a fetcher goroutine is still running a
// moment after the sync returned.
func waitNoFetcher(t *testing.T) {
	t.Helper()
	for range 100 {
		if !fetcherRunning() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Error("a fetcher goroutine is still running after the sync returned")
}

// TestFetchFailureKeepsPagesFetchedBefore lets the fetcher run ahead of a
// slow store into a 503 on page 6: pages 0-5, fetched before it, are all
// stored, the cursor is page 5's next cursor, and the sync fails with the
// 503.
func TestFetchFailureKeepsPagesFetchedBefore(t *testing.T) {
	fs := newFeedServer(t, 10, 20, func(_ *feedServer, page int) int {
		if page == 6 {
			return http.StatusServiceUnavailable
		}
		return 0
	})
	db := openStore(t)
	ss := &slowStore{Store: db, delay: 40 * time.Millisecond}
	eng, err := New(ss, []Endpoint{{Name: "x", BaseURL: fs.srv.URL, Feeds: []string{"penalty"}}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	err = eng.SyncOnce(context.Background())
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusServiceUnavailable {
		t.Fatalf("sync error %v, want the 503 of page 6", err)
	}
	waitNoFetcher(t)
	if c, err := db.Cursor("x", "penalty"); err != nil || c != "c6" {
		t.Errorf("stored cursor %q (%v), want c6: the next cursor of page 5, the last one fetched", c, err)
	}
	for page := range 7 {
		for i := range 20 {
			_, ok, err := db.Record(credit.RecordKey(credit.Penalty, fs.id(page, i)))
			if err != nil {
				t.Fatal(err)
			}
			if ok != (page < 6) {
				t.Fatalf("page %d item %d: in cache %v, want %v", page, i, ok, page < 6)
			}
		}
	}
	pages, largest := ss.stored()
	t.Logf("%d pages stored, in %d calls, the largest of %d pages", len(pages), len(ss.calls), largest)
	if st, _ := db.EndpointStatus("x"); st.Failures != 1 || !strings.Contains(st.LastError, "HTTP 503") || st.Items != 120 {
		t.Errorf("endpoint status %+v", st)
	}
}

// TestStoreFailureStopsFetcher serves a feed that never ends; the third
// store call fails. The sync returns that error, the fetcher stops with it
// (no request after, no goroutine left), and the cache holds exactly what
// the two successful calls stored.
func TestStoreFailureStopsFetcher(t *testing.T) {
	fs := newFeedServer(t, -1, 10, nil)
	db := openStore(t)
	ss := &slowStore{Store: db, delay: 20 * time.Millisecond, failAt: 3}
	eng, err := New(ss, []Endpoint{{Name: "x", BaseURL: fs.srv.URL, Feeds: []string{"penalty"}}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- eng.SyncOnce(context.Background()) }()
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("sync did not return after the store failed")
	}
	if !errors.Is(err, errDiskOnFire) {
		t.Fatalf("sync error %v, want the store's", err)
	}
	waitNoFetcher(t)
	asked := fs.requests.Load()
	time.Sleep(100 * time.Millisecond)
	if n := fs.requests.Load(); n != asked {
		t.Errorf("%d requests after the sync returned", n-asked)
	}
	pages, _ := ss.stored()
	// At most: stored pages, the failed batch, the queue, one page waiting
	// to be queued and one request in flight.
	if limit := int64(len(pages) + maxBatchPages + fetchAhead + 2); asked > limit {
		t.Errorf("%d pages fetched, %d stored: the fetcher ran on past the failure (limit %d)", asked, len(pages), limit)
	}
	c, err := db.Cursor("x", "penalty")
	if err != nil || len(pages) == 0 || c != pages[len(pages)-1].NextCursor {
		t.Errorf("stored cursor %q (%v) after %d stored pages", c, err, len(pages))
	}
	if st, _ := db.EndpointStatus("x"); st.Items != int64(10*len(pages)) || !strings.Contains(st.LastError, "disk on fire") {
		t.Errorf("endpoint status %+v after %d stored pages", st, len(pages))
	}
	t.Logf("%d requests, %d pages stored in 2 calls", asked, len(pages))
}

// TestCancelStopsFetcher cancels a sync of a never-ending feed while the
// fetcher runs: the sync returns ctx's error at once and the fetcher stops.
func TestCancelStopsFetcher(t *testing.T) {
	fs := newFeedServer(t, -1, 10, nil)
	db := openStore(t)
	ss := &slowStore{Store: db, delay: 20 * time.Millisecond}
	eng, err := New(ss, []Endpoint{{Name: "x", BaseURL: fs.srv.URL, Feeds: []string{"penalty"}}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- eng.SyncOnce(ctx) }()
	// The check for a leftover fetcher must see one while it runs.
	for deadline := time.Now().Add(5 * time.Second); !fetcherRunning() || fs.requests.Load() < 3; {
		if time.Now().After(deadline) {
			t.Fatal("no fetcher goroutine seen during the sync")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err = <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("sync did not return within 2s of the cancel")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("sync error %v, want the context's", err)
	}
	waitNoFetcher(t)
	pages, _ := ss.stored()
	if c, _ := db.Cursor("x", "penalty"); len(pages) > 0 && c != pages[len(pages)-1].NextCursor {
		t.Errorf("stored cursor %q, the last stored page's next cursor is %q", c, pages[len(pages)-1].NextCursor)
	}
}

// TestPagesAreStoredInBatches syncs a simulator through a slow store: pages
// that queue up while the store works are written together, within the
// caps, every fetched page is stored once and in order, and the cache ends
// equal to one synced through the plain store.
func TestPagesAreStoredInBatches(t *testing.T) {
	s, srv, db, _ := simHub(t, 5, 2000)
	var requests atomic.Int64
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		srv.Config.Handler.ServeHTTP(w, r)
	}))
	defer counting.Close()
	ss := &slowStore{Store: db, delay: 15 * time.Millisecond}
	eng, err := New(ss, hub(counting.URL), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	pages, largest := ss.stored()
	t.Logf("%d requests, %d pages stored in %d calls, the largest of %d pages", requests.Load(), len(pages), len(ss.calls), largest)
	if int64(len(pages)) != requests.Load() {
		t.Errorf("%d pages stored, %d fetched", len(pages), requests.Load())
	}
	if largest < 2 || len(ss.calls) >= len(pages) {
		t.Errorf("no batching: %d pages in %d calls", len(pages), len(ss.calls))
	}
	for _, c := range ss.calls {
		items := 0
		for _, p := range c[:len(c)-1] {
			items += len(p.Changes) + len(p.Quarantine)
		}
		// slowStore hides the store's bulk load: a catch-up pass's cap.
		if len(c) > maxBatchPages || items >= catchUpBatchItems {
			t.Errorf("a call of %d pages (%d items before the last) is over the caps", len(c), items)
		}
		// A pass that is not a bulk load may batch across feeds, in the
		// order of the endpoint's feeds.
		for i := 1; i < len(c); i++ {
			if feedIndex(c[i].Feed) < feedIndex(c[i-1].Feed) {
				t.Errorf("a call stores feed %s after %s", c[i].Feed, c[i-1].Feed)
			}
		}
	}
	// In order: within a feed, each page follows the one stored before it.
	last := map[string]string{}
	for _, p := range pages {
		if c, ok := last[p.Feed]; ok && c == p.NextCursor {
			t.Errorf("%s: page with next cursor %q stored twice", p.Feed, c)
		}
		last[p.Feed] = p.NextCursor
	}
	for feed, c := range last {
		if got, _ := db.Cursor("hub", feed); got != c {
			t.Errorf("%s: stored cursor %q, the last page's is %q", feed, got, c)
		}
	}
	if got := cacheCounts(t, db); !maps.Equal(got, s.Counts()) {
		t.Errorf("counts %v, simulator %v", got, s.Counts())
	}
	got, err := db.Digest()
	if err != nil {
		t.Fatal(err)
	}
	sameDigest(t, "batched sync", got, referenceDigest(t, s), syncedContent...)
}

// TestGoneMidFeedStoresFetchedPagesThenRefetches: the endpoint forgets its
// cursors (410) at page 3 of a first sync, while earlier pages may still
// wait for a slow store. Those are stored, then the feed is reset and
// fetched anew from the beginning, once: the cache holds exactly the new
// generation.
func TestGoneMidFeedStoresFetchedPagesThenRefetches(t *testing.T) {
	var gone atomic.Bool
	fs := newFeedServer(t, 6, 15, func(fs *feedServer, page int) int {
		if page == 3 && !gone.Swap(true) {
			fs.gen.Store(2) // the restarted endpoint serves new ids
			return http.StatusGone
		}
		return 0
	})
	db := openStore(t)
	ss := &slowStore{Store: db, delay: 30 * time.Millisecond}
	eng, err := New(ss, []Endpoint{{Name: "x", BaseURL: fs.srv.URL, Feeds: []string{"penalty"}}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
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
	if resyncs != 1 {
		t.Errorf("%d resync events, want 1", resyncs)
	}
	pages, _ := ss.stored()
	if len(pages) != 3+6 {
		t.Errorf("%d pages stored, want the 3 before the 410 and the 6 after", len(pages))
	}
	if c, _ := db.Cursor("x", "penalty"); c != "c6" {
		t.Errorf("stored cursor %q, want c6", c)
	}
	if got := cacheCounts(t, db)["penalty"]; got != 6*15 {
		t.Errorf("%d penalties in the cache, want the new generation's %d", got, 6*15)
	}
	for page := range 6 {
		if _, ok, _ := db.Record(credit.RecordKey(credit.Penalty, fmt.Sprintf("g2-%d-0", page))); !ok {
			t.Errorf("new generation's page %d missing", page)
		}
	}
	if _, ok, _ := db.Record(credit.RecordKey(credit.Penalty, "g1-0-0")); ok {
		t.Error("a record fetched before the 410 survived the reset")
	}
}

// TestCursorNotAdvancingStoresPageThenFails: a page that says has_more but
// names its own cursor as the next is stored, and the feed then fails.
func TestCursorNotAdvancingStoresPageThenFails(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := r.URL.Query().Get("cursor")
		next := "c1"
		if c != "" {
			next = c
		}
		data, _ := json.Marshal(credit.Record{Kind: credit.Penalty, ID: "r" + c, Dept: "320412", Decided: testToday})
		json.NewEncoder(w).Encode(api.Page{Feed: "penalty", NextCursor: next, HasMore: true,
			Items: []api.Item{{Op: api.OpUpsert, Key: "r" + c, Data: data}}})
	}))
	defer srv.Close()
	db := openStore(t)
	eng, err := New(db, []Endpoint{{Name: "x", BaseURL: srv.URL, Feeds: []string{"penalty"}}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	err = eng.SyncOnce(context.Background())
	if err == nil || !strings.Contains(err.Error(), "cursor did not advance") {
		t.Fatalf("sync error %v", err)
	}
	waitNoFetcher(t)
	for _, id := range []string{"r", "rc1"} {
		if _, ok, _ := db.Record(credit.RecordKey(credit.Penalty, id)); !ok {
			t.Errorf("record %s not stored", id)
		}
	}
	if c, _ := db.Cursor("x", "penalty"); c != "c1" {
		t.Errorf("stored cursor %q, want c1", c)
	}
}

// TestFetcherRunsAcrossFeeds syncs two feeds into an empty cache (a bulk
// load, whose batches keep to one feed) through a slow store that fails on
// the second: the fetcher is already fetching the second feed while the
// first is stored, the first is stored entirely, and the failure is the
// second feed's.
func TestFetcherRunsAcrossFeeds(t *testing.T) {
	fs := newFeedServer(t, 4, 10, nil)
	db := openStore(t)
	var aheadAtLastLicence atomic.Int64
	ss := &slowStore{Store: db, delay: 40 * time.Millisecond, failFeed: "penalty"}
	ss.onApply = func(ps []*credit.Page) {
		if last := ps[len(ps)-1]; last.Feed == "licence" && last.NextCursor == "c4" {
			aheadAtLastLicence.Store(fs.requests.Load())
		}
	}
	eng, err := New(slowBulkStore{ss, db}, []Endpoint{{Name: "x", BaseURL: fs.srv.URL, Feeds: []string{"licence", "penalty"}}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(context.Background()); !errors.Is(err, errDiskOnFire) {
		t.Fatalf("sync error %v, want the store's", err)
	}
	waitNoFetcher(t)
	if n := aheadAtLastLicence.Load(); n <= 4 {
		t.Errorf("%d requests when the last licence page was stored: the penalty feed was not fetched meanwhile", n)
	}
	if c, _ := db.Cursor("x", "licence"); c != "c4" {
		t.Errorf("licence cursor %q, want c4", c)
	}
	if c, _ := db.Cursor("x", "penalty"); c != "" {
		t.Errorf("penalty cursor %q, want none: its first batch failed", c)
	}
	var failed []Event
	for len(eng.Events()) > 0 {
		if ev := <-eng.Events(); ev.Type == EventError {
			failed = append(failed, ev)
		}
	}
	if len(failed) != 1 || failed[0].Feed != "penalty" || !strings.Contains(failed[0].Err, "disk on fire") {
		t.Errorf("error events %+v, want one of feed penalty", failed)
	}
}

// setLinger sets how long a batch waits for more pages, for one test.
func setLinger(t *testing.T, d time.Duration) {
	old := linger
	linger = d
	t.Cleanup(func() { linger = old })
}

// TestLingerNeverDelaysTheEnd sets a batch's wait for more pages far beyond
// the test's patience: the end of a feed, the end of the pass and a fetch
// error all end a batch at once, so syncs return promptly.
func TestLingerNeverDelaysTheEnd(t *testing.T) {
	setLinger(t, time.Hour)
	s, _, db, eng := simHub(t, 8, 600)
	start := time.Now()
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("sync of %d feeds took %v", len(credit.Feeds), d)
	}
	if got := cacheCounts(t, db); !maps.Equal(got, s.Counts()) {
		t.Errorf("counts %v, simulator %v", got, s.Counts())
	}

	fs := newFeedServer(t, 10, 5, func(_ *feedServer, page int) int {
		if page == 4 {
			return http.StatusBadGateway
		}
		return 0
	})
	db = openStore(t)
	eng, err := New(db, []Endpoint{{Name: "x", BaseURL: fs.srv.URL, Feeds: []string{"penalty"}}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if err := eng.SyncOnce(context.Background()); err == nil || !strings.Contains(err.Error(), "HTTP 502") {
		t.Fatalf("sync error %v, want the 502", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("a failing sync took %v", d)
	}
	if c, _ := db.Cursor("x", "penalty"); c != "c4" {
		t.Errorf("stored cursor %q, want c4", c)
	}
}

// TestLingerBoundsTheWait: while the request for page 3 hangs, pages 0-2
// are stored after at most linger, not when the request ends.
func TestLingerBoundsTheWait(t *testing.T) {
	setLinger(t, 50*time.Millisecond)
	release := make(chan struct{})
	fs := newFeedServer(t, 6, 5, func(_ *feedServer, page int) int {
		if page == 3 {
			<-release
		}
		return 0
	})
	db := openStore(t)
	eng, err := New(db, []Endpoint{{Name: "x", BaseURL: fs.srv.URL, Feeds: []string{"penalty"}}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- eng.SyncOnce(context.Background()) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := db.Cursor("x", "penalty")
		if err != nil {
			t.Fatal(err)
		}
		if c == "c3" {
			break
		}
		if time.Now().After(deadline) {
			close(release)
			t.Fatalf("stored cursor %q 10s into a hung request for page 3, want c3", c)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c, _ := db.Cursor("x", "penalty"); c != "c6" {
		t.Errorf("stored cursor %q, want c6", c)
	}
}

// TestFeedListedTwiceAndCursorReadFailure: a feed listed twice continues
// where the pass got to, as it did when each feed read its stored cursor
// when it started; a cursor that cannot be read fails its feed, after the
// feeds before it are stored.
func TestFeedListedTwiceAndCursorReadFailure(t *testing.T) {
	fs := newFeedServer(t, 3, 5, nil)
	db := openStore(t)
	ss := &slowStore{Store: db, failCursor: "reward"}
	eng, err := New(ss, []Endpoint{{Name: "x", BaseURL: fs.srv.URL, Feeds: []string{"penalty", "penalty", "licence", "reward"}}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(context.Background()); !errors.Is(err, errDiskOnFire) {
		t.Fatalf("sync error %v, want the cursor read's", err)
	}
	// penalty: pages 0-2, then page 3 asked for with cursor c3; licence:
	// pages 0-2.
	if n := fs.requests.Load(); n != 3+1+3 {
		t.Errorf("%d requests, want 7", n)
	}
	for feed, want := range map[string]string{"penalty": "c4", "licence": "c3", "reward": ""} {
		if c, _ := db.Cursor("x", feed); c != want {
			t.Errorf("%s: stored cursor %q, want %q", feed, c, want)
		}
	}
	var failed []Event
	for len(eng.Events()) > 0 {
		if ev := <-eng.Events(); ev.Type == EventError {
			failed = append(failed, ev)
		}
	}
	if len(failed) != 1 || failed[0].Feed != "reward" {
		t.Errorf("error events %+v, want one of feed reward", failed)
	}
}

// slowBulkStore is a slowStore that keeps the bulk load of the store it
// wraps, so the engine runs a first sync as one.
type slowBulkStore struct {
	*slowStore
	bulk interface {
		BeginBulkLoad() (bool, error)
		FinishBulkLoad() error
	}
}

func (s slowBulkStore) BeginBulkLoad() (bool, error) { return s.bulk.BeginBulkLoad() }
func (s slowBulkStore) FinishBulkLoad() error        { return s.bulk.FinishBulkLoad() }

// A bulk load batches up to maxBatchItems per transaction; any other pass
// (a catch-up, a re-walk) up to catchUpBatchItems, and never splits a page.
func TestCatchUpBatchesAreSmaller(t *testing.T) {
	defer func(n int) { catchUpBatchItems = n }(catchUpBatchItems)
	catchUpBatchItems = 97 // one page of hub's
	largest := func(bulk bool) int {
		_, srv, db, _ := simHub(t, 5, 2000)
		ss := &slowStore{Store: db, delay: 15 * time.Millisecond}
		var st credit.Store = ss
		if bulk {
			st = slowBulkStore{ss, db}
		}
		eng, err := New(st, hub(srv.URL), Options{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if err := eng.SyncOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		_, n := ss.stored()
		if !bulk {
			// Batches may cross feeds (a feed's last page is often
			// short): none holds the cap before its last page.
			n = 1
			for _, c := range ss.calls {
				items := 0
				for _, p := range c[:len(c)-1] {
					items += pageItems(p)
				}
				if items >= catchUpBatchItems {
					n = items
				}
			}
		}
		return n
	}
	if n := largest(false); n != 1 {
		t.Errorf("a pass that is not a bulk load stored %d items before its last page in one transaction, want at most 96", n)
	}
	if n := largest(true); n < 2 {
		t.Errorf("a bulk load stored at most %d page per transaction, want batches", n)
	}
}

// feedIndex is feed's place in credit.Feeds (hub's order of feeds).
func feedIndex(feed string) int { return slices.Index(credit.Feeds, feed) }

// TestSmallPassIsOneTransaction syncs a few changes of every feed after the
// first sync: the pass stores them in one transaction, not one per feed
// (an incremental sync of the whole binary pays a transaction's open,
// commit and fsyncs once), and the cache holds the simulator's items.
func TestSmallPassIsOneTransaction(t *testing.T) {
	s, srv, db, eng := simHub(t, 3, 400)
	ctx := context.Background()
	if err := eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		s.Step()
	}
	ss := &slowStore{Store: db}
	eng2, err := New(ss, hub(srv.URL), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng2.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	pages, _ := ss.stored()
	feeds := map[string]bool{}
	for _, p := range pages {
		feeds[p.Feed] = true
	}
	// One, or two if a loaded machine took longer than linger to fetch.
	if len(ss.calls) > 2 || len(feeds) != len(credit.Feeds) {
		t.Errorf("%d pages of %d feeds stored in %d transactions, want one (two at most) of all %d feeds", len(pages), len(feeds), len(ss.calls), len(credit.Feeds))
	}
	// The cache equals one synced afresh from the simulator.
	fresh := openStore(t)
	eng3, err := New(fresh, hub(srv.URL), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng3.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := db.Digest()
	if err != nil {
		t.Fatal(err)
	}
	want, err := fresh.Digest()
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("cache synced incrementally differs from one synced afresh: %d vs %d entries", len(got), len(want))
	}
}

// The fetcher runs no more than one transaction's worth of pages ahead of
// the store: a bulk load's 16 pages of 500, a catch-up's 4, a SQL
// source's large pages 2 at least.
func TestQueueDepth(t *testing.T) {
	for _, c := range []struct{ pageSize, maxItems, want int }{
		{500, maxBatchItems, 16},
		{500, catchUpBatchItems, 4},
		{100, catchUpBatchItems, 16},
		{5000, maxBatchItems, 2},
		{5000, catchUpBatchItems, 2},
		{0, catchUpBatchItems, 16},
	} {
		if got := queueDepth(c.pageSize, c.maxItems); got != c.want {
			t.Errorf("queueDepth(%d, %d) = %d, want %d", c.pageSize, c.maxItems, got, c.want)
		}
	}
}
