package sync

// Tests of the concurrent walk of an endpoint's feeds (fetch_ordered.go):
// the store sees every feed's pages in the order the feeds are listed and
// each feed's in order, each page with its cursor; a feed that fails does
// not stop or corrupt the others; a failure of the endpoint keeps what was
// queued before it and nothing of the later feeds.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/sync/api"
)

// feedsServer serves each feed as pages pages of perPage records: page i
// for cursor "c<i>" ("" for page 0), naming "c<i+1>" next. Every answer
// waits delay, longer for the feeds listed first (slower), so that with
// feeds fetched at once the later ones answer first. fail, if set, may
// answer a feed's page with a status instead. It counts the requests and
// the most answered at once.
type feedsServer struct {
	srv              *httptest.Server
	pages, perPage   int
	delay            time.Duration
	slower           map[string]time.Duration
	fail             func(feed string, page int) int
	hook             func(feed string, page int) // called first, if set
	requests         atomic.Int64
	inFlight, maxFly atomic.Int64
}

func newFeedsServer(t *testing.T, pages, perPage int, delay time.Duration) *feedsServer {
	fs := &feedsServer{pages: pages, perPage: perPage, delay: delay, slower: map[string]time.Duration{}}
	fs.srv = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(fs.srv.Close)
	return fs
}

func (fs *feedsServer) serve(w http.ResponseWriter, r *http.Request) {
	fs.requests.Add(1)
	n := fs.inFlight.Add(1)
	defer fs.inFlight.Add(-1)
	for {
		m := fs.maxFly.Load()
		if n <= m || fs.maxFly.CompareAndSwap(m, n) {
			break
		}
	}
	feed := path.Base(r.URL.Path)
	time.Sleep(fs.delay + fs.slower[feed])
	page := 0
	if c := r.URL.Query().Get("cursor"); c != "" {
		page, _ = strconv.Atoi(strings.TrimPrefix(c, "c"))
	}
	if fs.hook != nil {
		fs.hook(feed, page)
	}
	if fs.fail != nil {
		if status := fs.fail(feed, page); status != 0 {
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(api.ErrorBody{Error: api.ErrorDetail{Code: "test", Message: http.StatusText(status)}})
			return
		}
	}
	p := api.Page{Feed: feed, NextCursor: fmt.Sprintf("c%d", page+1), HasMore: page+1 < fs.pages, ServerTime: testNow()}
	if page >= fs.pages { // past the end: nothing new
		p.NextCursor = fmt.Sprintf("c%d", page)
		json.NewEncoder(w).Encode(p)
		return
	}
	for i := range fs.perPage {
		id := fmt.Sprintf("%d-%d", page, i)
		data, _ := json.Marshal(credit.Record{Kind: credit.Kind(feed), ID: id, Dept: "320412", Decided: testToday, SubjectName: "常州某某公司"})
		p.Items = append(p.Items, api.Item{Op: api.OpUpsert, Key: id, Data: data})
	}
	json.NewEncoder(w).Encode(p)
}

// syncedStore is a store synced before (a record of another endpoint), so
// that a pass is not a bulk load, whose feeds are fetched one after
// another.
func syncedStore(t *testing.T) *store.DB {
	db := openStore(t)
	r := credit.Record{Kind: credit.Penalty, ID: "other", Dept: "320412", Decided: testToday, SubjectName: "常州某某公司"}
	err := db.ApplyPage(&credit.Page{Endpoint: "other", Feed: "penalty", FetchedAt: testNow(),
		Changes: []credit.Change{{Op: credit.OpUpsert, Key: credit.RecordKey(r.Kind, r.ID), Record: &r}}})
	if err != nil {
		t.Fatal(err)
	}
	if bulk, err := db.BeginBulkLoad(); err != nil || bulk {
		t.Fatalf("a synced store begins a bulk load (%v)", err)
	}
	return db
}

// recordFeeds are five record feeds, in the order listed.
var recordFeeds = []string{"licence", "penalty", "coercion", "reward", "inspection"}

// storedOrder is the feed and cursor of every page stored, in order.
func storedOrder(ss *slowStore) []string {
	pages, _ := ss.stored()
	var out []string
	for _, p := range pages {
		out = append(out, p.Feed+":"+p.NextCursor)
	}
	return out
}

// TestFeedsFetchedAtOnceAreStoredInListedOrder: five feeds of three pages,
// the first feeds the slowest to answer. The feeds are fetched at once
// (several requests in flight), yet the store gets every page in the
// serial walk's order: the feeds as listed, each feed's pages in order,
// each with its cursor; the cache holds every record and cursor.
func TestFeedsFetchedAtOnceAreStoredInListedOrder(t *testing.T) {
	fs := newFeedsServer(t, 3, 4, 5*time.Millisecond)
	for i, feed := range recordFeeds {
		fs.slower[feed] = time.Duration(len(recordFeeds)-i) * 10 * time.Millisecond
	}
	db := syncedStore(t)
	ss := &slowStore{Store: db}
	eng, err := New(ss, []Endpoint{{Name: "x", BaseURL: fs.srv.URL, Feeds: recordFeeds}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitNoFetcher(t)
	if n := fs.maxFly.Load(); n < 2 {
		t.Errorf("at most %d request in flight: the feeds were not fetched at once", n)
	}
	var want []string
	for _, feed := range recordFeeds {
		for page := 1; page <= 3; page++ {
			want = append(want, fmt.Sprintf("%s:c%d", feed, page))
		}
	}
	if got := storedOrder(ss); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("pages stored in the order\n%v\nwant\n%v", got, want)
	}
	for _, feed := range recordFeeds {
		if c, _ := db.Cursor("x", feed); c != "c3" {
			t.Errorf("%s: cursor %q, want c3", feed, c)
		}
		for page := range 3 {
			for i := range 4 {
				if _, ok, err := db.Record(credit.RecordKey(credit.Kind(feed), fmt.Sprintf("%d-%d", page, i))); err != nil || !ok {
					t.Fatalf("%s page %d item %d: in cache %v (%v)", feed, page, i, ok, err)
				}
			}
		}
	}
}

// TestFailingFeedDoesNotStopTheOthers: the second feed answers 404 on its
// second page (a failure of that feed alone) while the others are fetched
// at once: every other feed is stored whole; the failing one keeps its
// first page, with its cursor, and fails the pass.
func TestFailingFeedDoesNotStopTheOthers(t *testing.T) {
	db, _, _ := syncFailingAt(t, "penalty", http.StatusNotFound)
	for _, feed := range recordFeeds {
		want := "c3"
		if feed == "penalty" {
			want = "c1"
		}
		if c, _ := db.Cursor("x", feed); c != want {
			t.Errorf("%s: cursor %q, want %s", feed, c, want)
		}
	}
	if st, _ := db.EndpointStatus("x"); st.Items != 4*3*4+4 {
		t.Errorf("%d items stored, want %d", st.Items, 4*3*4+4)
	}
}

// TestEndpointFailureKeepsEarlierFeedsOnly: the third feed's second page
// answers 503, a failure of the whole endpoint. The feeds listed before it
// are stored whole, its first page with its cursor; the feeds after it,
// fetched meanwhile, are not stored at all: their cursors stay, and the
// next pass fetches them.
func TestEndpointFailureKeepsEarlierFeedsOnly(t *testing.T) {
	db, fs, eng := syncFailingAt(t, "coercion", http.StatusServiceUnavailable)
	for feed, want := range map[string]string{"licence": "c3", "penalty": "c3", "coercion": "c1", "reward": "", "inspection": ""} {
		if c, _ := db.Cursor("x", feed); c != want {
			t.Errorf("%s: cursor %q, want %q", feed, c, want)
		}
	}
	if _, ok, _ := db.Record(credit.RecordKey(credit.Reward, "0-0")); ok {
		t.Error("a reward is stored: a feed listed after the failure was stored")
	}
	fs.fail = nil
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, feed := range recordFeeds {
		if c, _ := db.Cursor("x", feed); c != "c3" {
			t.Errorf("after the next pass, %s: cursor %q, want c3", feed, c)
		}
	}
	if st, _ := db.EndpointStatus("x"); st.Items != 5*3*4 {
		t.Errorf("%d items stored, want %d: each page once", st.Items, 5*3*4)
	}
}

// TestDownEndpointGetsOneRequestAPass: an endpoint answering 503 to
// everything gets one request a pass, not one per feed: the other feeds
// are fetched only once the first has answered.
func TestDownEndpointGetsOneRequestAPass(t *testing.T) {
	fs := newFeedsServer(t, 3, 4, 0)
	fs.fail = func(string, int) int { return http.StatusServiceUnavailable }
	db := syncedStore(t)
	eng, err := New(db, []Endpoint{{Name: "x", BaseURL: fs.srv.URL, Feeds: recordFeeds}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := eng.SyncOnce(context.Background()); err == nil {
			t.Fatal("sync of a down endpoint succeeded")
		}
	}
	waitNoFetcher(t)
	if n := fs.requests.Load(); n != 3 {
		t.Errorf("%d requests in 3 passes, want 3", n)
	}
}

// TestFeedFetchedAheadWaitsForItsTurn: the second feed's first page is
// fetched while the first feed is still walked, and its walk goes no
// further until the first's has ended; the time it waited does not count
// in its ceiling (max_walk), so a long first walk does not stop it.
func TestFeedFetchedAheadWaitsForItsTurn(t *testing.T) {
	fs := newFeedsServer(t, 3, 2, 0)
	aheadAsked := make(chan struct{})
	var firstDone, secondBeforeFirstDone atomic.Bool
	fs.hook = func(feed string, page int) {
		switch {
		case feed == "penalty" && page == 0:
			close(aheadAsked)
		case feed == "penalty" && !firstDone.Load():
			secondBeforeFirstDone.Store(true)
		case feed == "licence" && page == 2:
			// The first feed's last page: asked for after the second
			// feed's first; answered well beyond the ceiling later.
			<-aheadAsked
			time.Sleep(1500 * time.Millisecond)
			firstDone.Store(true)
		}
	}
	db := syncedStore(t)
	ep := Endpoint{Name: "x", BaseURL: fs.srv.URL, Feeds: []string{"licence", "penalty"}, MaxWalk: time.Second}
	eng, err := New(db, []Endpoint{ep}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatalf("sync: %v (the second feed's wait for its turn counted in its ceiling?)", err)
	}
	waitNoFetcher(t)
	if secondBeforeFirstDone.Load() {
		t.Error("the second feed's walk went past its first page before the first feed's walk ended")
	}
	for _, feed := range ep.Feeds {
		if c, _ := db.Cursor("x", feed); c != "c3" {
			t.Errorf("%s: cursor %q, want c3", feed, c)
		}
	}
}

// syncFailingAt syncs the five record feeds (3 pages of 4 items each, fetched
// at once) from a server whose feed answers status on its second page,
// checks that the pass fails with that status, and returns the cache (once
// no fetcher is left running), the server and the engine.
func syncFailingAt(t *testing.T, failing string, status int) (*store.DB, *feedsServer, *Engine) {
	t.Helper()
	fs := newFeedsServer(t, 3, 4, 2*time.Millisecond)
	fs.fail = func(feed string, page int) int {
		if feed == failing && page == 1 {
			return status
		}
		return 0
	}
	db := syncedStore(t)
	eng, err := New(db, []Endpoint{{Name: "x", BaseURL: fs.srv.URL, Feeds: recordFeeds}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	err = eng.SyncOnce(context.Background())
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != status {
		t.Fatalf("sync error %v, want the %d of %s", err, status, failing)
	}
	waitNoFetcher(t)
	return db, fs, eng
}
