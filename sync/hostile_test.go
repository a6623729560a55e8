package sync

// Hostile servers: each test serves what a broken or malicious agency
// endpoint can send within (or just outside) the contract, and checks that
// the engine loses no cached data, leaks no token, ends every pass, and
// reports honestly (issue: sync that can never lose or leak).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/sync/api"
)

// penaltyItem is the JSON of an upsert of a valid penalty with id.
func penaltyItem(id string) string {
	data, _ := json.Marshal(credit.Record{Kind: credit.Penalty, ID: id, Dept: "320412", Decided: testToday, SubjectName: "常州某某公司"})
	return fmt.Sprintf(`{"op":"upsert","key":%q,"data":%s}`, id, data)
}

// pageJSON is a page body of feed with the raw items.
func pageJSON(feed string, next string, more bool, items ...string) string {
	return fmt.Sprintf(`{"feed":%q,"items":[%s],"next_cursor":%q,"has_more":%v,"server_time":%q}`,
		feed, strings.Join(items, ","), next, more, testNow().Format(time.RFC3339))
}

// scripted is an endpoint whose answers a test writes: answer gets the
// feed and cursor of each request and writes the response.
type scripted struct {
	srv      *httptest.Server
	mu       gosync.Mutex
	answer   func(w http.ResponseWriter, feed, cursor string)
	requests atomic.Int64
	auth     []string // Authorization headers received
}

func newScripted(t *testing.T, answer func(w http.ResponseWriter, feed, cursor string)) *scripted {
	s := &scripted{answer: answer}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.mu.Lock()
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		answer := s.answer
		s.mu.Unlock()
		answer(w, strings.TrimPrefix(r.URL.Path, "/v1/feeds/"), r.URL.Query().Get("cursor"))
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *scripted) set(answer func(w http.ResponseWriter, feed, cursor string)) {
	s.mu.Lock()
	s.answer = answer
	s.mu.Unlock()
}

func engineFor(t *testing.T, db *store.DB, ep Endpoint) *Engine {
	t.Helper()
	if ep.Name == "" {
		ep.Name = "hub"
	}
	if ep.Timeout == 0 {
		ep.Timeout = 5 * time.Second
	}
	eng, err := New(db, []Endpoint{ep}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

func penaltyCount(t *testing.T, db *store.DB) int {
	t.Helper()
	s, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	return s.Counts[credit.Penalty]
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(api.ErrorBody{Error: api.ErrorDetail{Code: code, Message: msg}})
}

// Case 1: a 410 must not empty the feed before the new walk has
// completed. The walk from the beginning fails once (503), is cut off by
// a reset connection, and expires again: the cache keeps every record
// throughout; when a walk completes, exactly the records it did not
// deliver go.
func TestExpiredCursorKeepsTheFeedUntilTheNewWalkCompletes(t *testing.T) {
	const old = 40
	var oldItems, newItems []string
	for i := range old {
		oldItems = append(oldItems, penaltyItem(fmt.Sprintf("P%03d", i)))
	}
	// The rebuilt log: 30 of the old records (10 were withdrawn while it
	// was rebuilt) and 5 new ones, over 7 pages of 5.
	for i := 10; i < old+5; i++ {
		newItems = append(newItems, penaltyItem(fmt.Sprintf("P%03d", i)))
	}
	srv := newScripted(t, func(w http.ResponseWriter, feed, cursor string) {
		if cursor == "" {
			fmt.Fprint(w, pageJSON(feed, "old-end", false, oldItems...))
			return
		}
		fmt.Fprint(w, pageJSON(feed, cursor, false))
	})
	db := openStore(t)
	eng := engineFor(t, db, Endpoint{BaseURL: srv.srv.URL, Feeds: []string{"penalty"}})
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := penaltyCount(t, db); n != old {
		t.Fatalf("first sync: %d penalties", n)
	}

	// The endpoint rebuilt its log; the walk from "" fails on its third page
	// in one of several ways, each pass.
	var failure atomic.Value
	newLog := func(w http.ResponseWriter, feed, cursor string) {
		page := 0
		if strings.HasPrefix(cursor, "new-") {
			page, _ = strconv.Atoi(strings.TrimPrefix(cursor, "new-"))
		} else if cursor != "" {
			writeError(w, http.StatusGone, "cursor_expired", "cursor is from an earlier run")
			return
		}
		if page == 2 {
			switch failure.Load().(string) {
			case "503":
				writeError(w, http.StatusServiceUnavailable, "unavailable", "down for maintenance")
				return
			case "reset":
				hj, _ := w.(http.Hijacker)
				c, _, _ := hj.Hijack()
				c.Close()
				return
			case "410":
				writeError(w, http.StatusGone, "cursor_expired", "the log was rebuilt again")
				return
			}
		}
		end := min(page*5+5, len(newItems))
		fmt.Fprint(w, pageJSON(feed, fmt.Sprintf("new-%d", page+1), end < len(newItems), newItems[page*5:end]...))
	}
	srv.set(newLog)
	for _, f := range []string{"503", "reset", "410"} {
		failure.Store(f)
		if err := eng.SyncOnce(context.Background()); err == nil {
			t.Fatalf("%s: the pass succeeded", f)
		}
		// Every old record is still there, and the two pages the walk got
		// through added their new records... of which there are none in
		// pages 0-1 (P010-P019 are old ones).
		if n := penaltyCount(t, db); n < old {
			t.Fatalf("after a re-walk failed with %s: %d penalties, fewer than the %d before it began", f, n, old)
		}
		st, _ := db.EndpointStatus("hub")
		if credit.JudgeEndpoint(st, []string{"penalty"}, 0, testNow()) != credit.StateFailing {
			t.Errorf("%s: state %s", f, credit.JudgeEndpoint(st, []string{"penalty"}, 0, testNow()))
		}
	}
	failure.Store("")
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	snap, _ := db.Snapshot()
	if snap.Counts[credit.Penalty] != len(newItems) {
		t.Errorf("after the walk completed: %d penalties, want the rebuilt log's %d", snap.Counts[credit.Penalty], len(newItems))
	}
	for i := range old + 5 {
		id := fmt.Sprintf("P%03d", i)
		if ok := snap.Penalties.Index(id) >= 0; ok != (i >= 10) {
			t.Errorf("%s in the cache: %v, want %v", id, ok, i >= 10)
		}
	}
}

// Case 2: keys whose bytes are not valid UTF-8 are refused one by one,
// under their own bytes: two that decode alike never collapse.
func TestInvalidUTF8KeysAreQuarantinedApart(t *testing.T) {
	bad := func(key string) string {
		return `{"op":"upsert","key":"` + key + `","data":{"kind":"penalty","id":"` + key + `","dept":"320412","decided":"2026-11-30"}}`
	}
	srv := newScripted(t, func(w http.ResponseWriter, feed, cursor string) {
		fmt.Fprint(w, pageJSON(feed, "c1", false, bad("HCOLL\xff"), bad("HCOLL\xfe"), bad(`HCOLL\ud800`), bad("HCOLL\uFFFD"), penaltyItem("GOOD")))
	})
	db := openStore(t)
	eng := engineFor(t, db, Endpoint{BaseURL: srv.srv.URL, Feeds: []string{"penalty"}})
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	q, err := db.Quarantine()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, it := range q {
		keys[it.Key] = true
		if credit.Sanitize(it.Key) != it.Key || credit.Sanitize(it.Raw) != it.Raw {
			t.Errorf("quarantine entry not clean text: %q", it.Key)
		}
	}
	if len(q) != 4 || len(keys) != 4 {
		t.Errorf("quarantine %d entries, %d keys, want 4 apart: %v", len(q), len(keys), keys)
	}
	if !keys[`penalty/HCOLL\xff`] || !keys[`penalty/HCOLL\xfe`] {
		t.Errorf("quarantine keys %v: want the raw bytes shown", keys)
	}
	if n := penaltyCount(t, db); n != 1 {
		t.Errorf("%d penalties stored, want only GOOD", n)
	}
}

// Case 3: one bad item (a key or op of the wrong JSON type, a value nested
// 10,000 deep) is quarantined alone; the page's good items and the later
// pages arrive, and the cursor advances.
func TestOneBadItemDoesNotBlockTheFeed(t *testing.T) {
	deep := strings.Repeat("[", 10001) + strings.Repeat("]", 10001)
	srv := newScripted(t, func(w http.ResponseWriter, feed, cursor string) {
		switch cursor {
		case "":
			fmt.Fprint(w, pageJSON(feed, "c1", true,
				penaltyItem("A1"),
				`{"op":"upsert","key":12345,"data":{}}`,
				`{"op":{"x":1},"key":"B2","data":{}}`,
				`{"op":"upsert","key":"B3","data":{"kind":"penalty","id":"B3","dept":"320412","decided":"2026-11-30","facts":`+deep+`}}`,
				`"not an object"`,
				penaltyItem("A2")))
		default:
			fmt.Fprint(w, pageJSON(feed, "c2", false, penaltyItem("A3")))
		}
	})
	db := openStore(t)
	eng := engineFor(t, db, Endpoint{BaseURL: srv.srv.URL, Feeds: []string{"penalty"}})
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := penaltyCount(t, db); n != 3 {
		t.Errorf("%d penalties, want A1, A2 and the next page's A3", n)
	}
	q, _ := db.Quarantine()
	reasons := map[string]string{}
	for _, it := range q {
		reasons[it.Key] = it.Reason
	}
	if len(q) != 4 || !strings.Contains(reasons["penalty/B3"], "depth") || !strings.Contains(reasons["penalty/12345"], "not a JSON string") ||
		!strings.Contains(reasons["penalty/B2"], "op") {
		t.Errorf("quarantine: %v", reasons)
	}
	if c, _ := db.Cursor("hub", "penalty"); c != "c2" {
		t.Errorf("cursor %q, want c2", c)
	}
}

// Case 4: the token goes only to the configured origin. A redirect from
// https to http is refused naming both URLs; one to another port is
// followed without the Authorization header.
func TestTokenStaysWithTheOrigin(t *testing.T) {
	plain := newScripted(t, func(w http.ResponseWriter, feed, cursor string) {
		fmt.Fprint(w, pageJSON(feed, "c1", false, penaltyItem("R1")))
	})
	const token = "s3cret-token-4711"
	t.Run("https to http", func(t *testing.T) {
		tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, plain.srv.URL+r.URL.Path+"?"+r.URL.RawQuery, http.StatusFound)
		}))
		defer tls.Close()
		db := openStore(t)
		eng, err := New(db, []Endpoint{{Name: "hub", BaseURL: tls.URL, Feeds: []string{"penalty"}, Token: token}},
			Options{Now: testNow, HTTPClient: tls.Client()})
		if err != nil {
			t.Fatal(err)
		}
		before := plain.requests.Load()
		err = eng.SyncOnce(context.Background())
		if err == nil || !strings.Contains(err.Error(), "leaves https") || !strings.Contains(err.Error(), tls.URL) || !strings.Contains(err.Error(), plain.srv.URL) {
			t.Errorf("error %v: want the https->http redirect refused, naming both URLs", err)
		}
		if strings.Contains(err.Error(), token) || plain.requests.Load() != before {
			t.Errorf("the redirect was followed (%d requests) or the token named: %v", plain.requests.Load()-before, err)
		}
	})
	t.Run("another port", func(t *testing.T) {
		front := newScripted(t, nil)
		front.set(func(w http.ResponseWriter, feed, cursor string) {})
		front.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			front.mu.Lock()
			front.auth = append(front.auth, r.Header.Get("Authorization"))
			front.mu.Unlock()
			http.Redirect(w, r, plain.srv.URL+r.URL.Path+"?"+r.URL.RawQuery, http.StatusTemporaryRedirect)
		})
		db := openStore(t)
		eng := engineFor(t, db, Endpoint{BaseURL: front.srv.URL, Feeds: []string{"penalty"}, Token: token})
		plain.mu.Lock()
		plain.auth = nil
		plain.mu.Unlock()
		if err := eng.SyncOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		plain.mu.Lock()
		defer plain.mu.Unlock()
		front.mu.Lock()
		defer front.mu.Unlock()
		if len(front.auth) == 0 || front.auth[0] != "Bearer "+token {
			t.Errorf("the configured origin got %q", front.auth)
		}
		for _, a := range plain.auth {
			if a != "" {
				t.Errorf("the server on another port got Authorization %q", a)
			}
		}
		if len(plain.auth) == 0 {
			t.Error("the redirect was not followed")
		}
	})
}

// Case 5: an error body that quotes the token (or any bearer credential)
// is stored and shown without it.
func TestTokenIsRedactedFromErrors(t *testing.T) {
	const token = "tok-0123456789abcdef"
	srv := newScripted(t, func(w http.ResponseWriter, feed, cursor string) {
		writeError(w, http.StatusUnauthorized, "unauthorized", "token "+token+" refused; header was Authorization: Bearer "+token+", also Bearer abc.def-ghi")
	})
	db := openStore(t)
	eng := engineFor(t, db, Endpoint{BaseURL: srv.srv.URL, Feeds: []string{"penalty"}, Token: token})
	err := eng.SyncOnce(context.Background())
	st, _ := db.EndpointStatus("hub")
	evs, _ := db.LastEvents(10)
	texts := []string{fmt.Sprint(err), st.LastError}
	for _, ev := range evs {
		texts = append(texts, ev.Err)
	}
	for _, s := range texts {
		if strings.Contains(s, token) || strings.Contains(s, "abc.def") {
			t.Errorf("token in %q", s)
		}
	}
	if !strings.Contains(st.LastError, "[redacted]") || !strings.Contains(st.LastError, "HTTP 401") {
		t.Errorf("LastError %q", st.LastError)
	}
}

// Case 6: a walk that never ends is stopped: empty pages with has_more, a
// cursor cycle, and the ceiling of pages and time; the endpoint's other
// feeds still sync in the same pass.
func TestEndlessWalksEnd(t *testing.T) {
	for _, tc := range []struct {
		name string
		ep   Endpoint
		page func(feed, cursor string, n int) string
		want string
	}{
		{"empty pages with has_more", Endpoint{}, func(feed, cursor string, n int) string {
			return pageJSON(feed, fmt.Sprintf("e%d", n), true)
		}, "no items but has_more"},
		{"cursor cycle", Endpoint{}, func(feed, cursor string, n int) string {
			next := map[string]string{"": "A", "A": "B", "B": "A"}[cursor]
			return pageJSON(feed, next, true, penaltyItem("C"+cursor))
		}, "cycle"},
		{"page ceiling", Endpoint{MaxPages: 25}, func(feed, cursor string, n int) string {
			return pageJSON(feed, fmt.Sprintf("f%d", n), true, penaltyItem(fmt.Sprintf("F%d", n)))
		}, "after 25 pages"},
		{"time ceiling", Endpoint{MaxWalk: 300 * time.Millisecond}, func(feed, cursor string, n int) string {
			time.Sleep(20 * time.Millisecond)
			return pageJSON(feed, fmt.Sprintf("t%d", n), true, penaltyItem(fmt.Sprintf("T%d", n)))
		}, "max_walk"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int64
			srv := newScripted(t, func(w http.ResponseWriter, feed, cursor string) {
				if feed != "penalty" {
					fmt.Fprint(w, pageJSON(feed, "done", false, penaltyItem("X")[0:0]))
					return
				}
				fmt.Fprint(w, tc.page(feed, cursor, int(n.Add(1))))
			})
			db := openStore(t)
			ep := tc.ep
			ep.BaseURL, ep.Feeds = srv.srv.URL, []string{"penalty", "sharing"}
			eng := engineFor(t, db, ep)
			start := time.Now()
			err := eng.SyncOnce(context.Background())
			var we *WalkError
			if !errors.As(err, &we) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want a walk error saying %q", err, tc.want)
			}
			if d := time.Since(start); d > 5*time.Second || n.Load() > 1000 {
				t.Errorf("the pass took %s and %d requests", d, n.Load())
			}
			if c, _ := db.Cursor("hub", "sharing"); c != "done" {
				t.Errorf("the next feed did not sync (cursor %q)", c)
			}
			st, _ := db.EndpointStatus("hub")
			if st.Failures != 1 || !strings.Contains(st.LastError, tc.want) {
				t.Errorf("status %+v", st)
			}
		})
	}
}

// Case 7: Retry-After is read in both forms and capped; the retry time is
// recorded; a kick (the TUI's r) does not wait for it.
func TestRetryAfterIsCapped(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"315360000":                     315360000 * time.Second,
		"99999999999999999999":          time.Duration(1<<63 - 1),
		"Thu, 01 Jan 2036 00:00:00 GMT": time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC).Sub(now),
		"-5":                            0,
		"soon":                          0,
	} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", v, got, want)
		}
	}
	var served atomic.Int64
	srv := newScripted(t, func(w http.ResponseWriter, feed, cursor string) {
		served.Add(1)
		w.Header().Set("Retry-After", "315360000")
		writeError(w, http.StatusTooManyRequests, "rate_limited", "come back in ten years")
	})
	db := openStore(t)
	eng := engineFor(t, db, Endpoint{BaseURL: srv.srv.URL, Feeds: []string{"penalty"}, Interval: time.Hour})
	ep := &eng.eps[0]
	he := &HTTPError{Status: 429, RetryAfter: parseRetryAfter("315360000", now)}
	if d := eng.backoff(ep, 1, he); d != DefaultMaxRetryAfter {
		t.Errorf("backoff %s, want the cap %s", d, DefaultMaxRetryAfter)
	}
	ep.MaxRetryAfter = 90 * time.Second
	if d := eng.backoff(ep, 1, he); d != 90*time.Second {
		t.Errorf("backoff %s, want the configured cap", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { eng.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for served.Load() < 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	var st credit.EndpointStatus
	for time.Now().Before(deadline) { // the failure is recorded after the answer
		if st, _ = db.EndpointStatus("hub"); !st.RetryAt.IsZero() {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := st.RetryAt.Sub(st.LastAttempt); got != 90*time.Second {
		t.Errorf("retry scheduled %s after the failure, want 90s", got)
	}
	eng.SyncNow()
	for served.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if served.Load() < 2 {
		t.Error("a kick did not start a pass during the Retry-After wait")
	}
}

// Case 8: a pass interrupted after some pages is not a success: the
// endpoint stays incomplete until a pass completes.
func TestInterruptedFirstSyncIsIncomplete(t *testing.T) {
	block := make(chan struct{})
	srv := newScripted(t, func(w http.ResponseWriter, feed, cursor string) {
		n, _ := strconv.Atoi(strings.TrimPrefix(cursor, "p"))
		if n == 3 {
			<-block
		}
		fmt.Fprint(w, pageJSON(feed, fmt.Sprintf("p%d", n+1), n < 5, penaltyItem(fmt.Sprintf("I%d", n))))
	})
	db := openStore(t)
	eng := engineFor(t, db, Endpoint{BaseURL: srv.srv.URL, Feeds: []string{"penalty", "sharing"}})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for penaltyCount(t, db) < 3 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		close(block)
	}()
	_ = eng.SyncOnce(ctx)
	st, _ := db.EndpointStatus("hub")
	if got := credit.JudgeEndpoint(st, []string{"penalty", "sharing"}, time.Minute, testNow()); got != credit.StateIncomplete || !st.LastSuccess.IsZero() {
		t.Errorf("after an interrupted first sync: %s, last success %v", got, st.LastSuccess)
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	st, _ = db.EndpointStatus("hub")
	if got := credit.JudgeEndpoint(st, []string{"penalty", "sharing"}, time.Minute, testNow()); got != credit.StateOK {
		t.Errorf("after a complete pass: %s", got)
	}
}

// Case 9: what came back is described: status, content type, first bytes.
func TestErrorTextsSayWhatCameBack(t *testing.T) {
	big := strings.Repeat("<p>overloaded</p>", 5<<20) // 85 MB
	for name, tc := range map[string]struct {
		status int
		ctype  string
		body   string
		want   []string
	}{
		"html 200": {200, "text/html", "<!DOCTYPE html><html><body>Gateway login</body></html>", []string{"HTTP 200", "text/html", "<!DOCTYPE html>", "invalid character"}},
		"huge 500": {500, "text/html", big, []string{"HTTP 500", "text/html", "<p>overloaded</p>"}},
	} {
		t.Run(name, func(t *testing.T) {
			srv := newScripted(t, func(w http.ResponseWriter, feed, cursor string) {
				w.Header().Set("Content-Type", tc.ctype)
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			})
			db := openStore(t)
			// 85 MB under -race on a loaded machine takes longer than the
			// tests' usual 5 s: the timeout is not what this case tests.
			err := engineFor(t, db, Endpoint{BaseURL: srv.srv.URL, Feeds: []string{"penalty"}, Timeout: time.Minute}).SyncOnce(context.Background())
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v does not say %q", err, w)
				}
			}
			if err != nil && strings.Contains(err.Error(), "larger than") {
				t.Errorf("error %v blames the size", err)
			}
		})
	}
}

// Case 12: failures count failed passes; pages stored by a failing pass do
// not reset the count or pass for a success.
func TestFailuresCountPasses(t *testing.T) {
	srv := newScripted(t, func(w http.ResponseWriter, feed, cursor string) {
		if feed == "penalty" {
			fmt.Fprint(w, pageJSON(feed, "c", false, penaltyItem("OK1")))
			return
		}
		writeError(w, http.StatusInternalServerError, "internal", "the server failed")
	})
	db := openStore(t)
	eng := engineFor(t, db, Endpoint{BaseURL: srv.srv.URL, Feeds: []string{"penalty", "sharing"}})
	for range 3 {
		if err := eng.SyncOnce(context.Background()); err == nil {
			t.Fatal("pass succeeded")
		}
	}
	st, _ := db.EndpointStatus("hub")
	if st.Failures != 3 || !st.LastSuccess.IsZero() {
		t.Errorf("after three failed passes: failures %d, last success %v", st.Failures, st.LastSuccess)
	}
	var notes []error
	eng.opts.OnStoreError = func(err error) { notes = append(notes, err) }
	srv.set(func(w http.ResponseWriter, feed, cursor string) { fmt.Fprint(w, pageJSON(feed, "c", false)) })
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	st, _ = db.EndpointStatus("hub")
	if st.Failures != 0 || st.LastSuccess.IsZero() || len(notes) != 1 || notes[0] != nil {
		t.Errorf("after a complete pass: %+v, store notes %v", st, notes)
	}
}
