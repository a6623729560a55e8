package sync

// Fault drills: the real engine and cache against the simulator behind
// sim.Faults. Each drill syncs cleanly, turns one fault on, lets the
// simulator change, syncs again and checks what the cache and the endpoint
// status hold; then turns the fault off, syncs, and checks the cache caught
// up with the simulator.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/sync/api"
	"github.com/czyj/credwatch/sync/sim"
)

// drill is one fault drill: a simulator behind faults, a cache and an engine
// with one endpoint "hub" serving every feed.
type drill struct {
	t      *testing.T
	sim    *sim.Sim
	faults *sim.Faults
	srv    *httptest.Server
	db     *store.DB
	eng    *Engine
}

func newDrill(t *testing.T, ep Endpoint, opts Options) *drill {
	t.Helper()
	s := sim.New(sim.Options{Seed: 11, Records: 200, Today: testToday})
	f, err := sim.ParseFaults("")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.Wrap(s.Handler()))
	t.Cleanup(srv.Close)
	if ep.Name == "" {
		ep.Name = "hub"
	}
	if ep.Feeds == nil {
		ep.Feeds = credit.Feeds
	}
	if ep.PageSize == 0 {
		ep.PageSize = 97
	}
	if ep.Timeout == 0 {
		ep.Timeout = 5 * time.Second
	}
	ep.BaseURL = srv.URL
	db := openStore(t)
	eng, err := New(db, []Endpoint{ep}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return &drill{t: t, sim: s, faults: f, srv: srv, db: db, eng: eng}
}

func (d *drill) sync() error { return d.eng.SyncOnce(context.Background()) }

func (d *drill) mustSync(when string) {
	d.t.Helper()
	if err := d.sync(); err != nil {
		d.t.Fatalf("%s: sync: %v", when, err)
	}
}

func (d *drill) setFaults(spec string) {
	d.t.Helper()
	if err := d.faults.Set(spec); err != nil {
		d.t.Fatal(err)
	}
}

func (d *drill) status() credit.EndpointStatus {
	d.t.Helper()
	st, err := d.db.EndpointStatus("hub")
	if err != nil {
		d.t.Fatal(err)
	}
	return st
}

func (d *drill) digest() map[string]string {
	d.t.Helper()
	m, err := d.db.Digest()
	if err != nil {
		d.t.Fatal(err)
	}
	return m
}

func (d *drill) quarantine() []credit.Quarantined {
	d.t.Helper()
	q, err := d.db.Quarantine()
	if err != nil {
		d.t.Fatal(err)
	}
	return q
}

// step lets the simulator change a few times.
func (d *drill) step() {
	for range 3 {
		d.sim.Step()
	}
}

// liveKeys walks every feed of s directly (no faults) and returns the keys
// of its live items by feed.
func liveKeys(t *testing.T, s *sim.Sim) map[string][]string {
	t.Helper()
	h := s.Handler()
	out := map[string][]string{}
	for _, feed := range credit.Feeds {
		live := map[string]bool{}
		cursor := ""
		for {
			q := url.Values{"limit": {"1000"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, api.FeedPath(feed)+"?"+q.Encode(), nil))
			var p api.Page
			if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &p) != nil {
				t.Fatalf("walk %s: %d %.200s", feed, rec.Code, rec.Body.String())
			}
			for _, it := range p.Items {
				live[it.Key] = it.Op == api.OpUpsert
			}
			cursor = p.NextCursor
			if !p.HasMore {
				break
			}
		}
		for k, ok := range live {
			if ok {
				out[feed] = append(out[feed], naturalKey(feed, k))
			}
		}
		slices.Sort(out[feed])
	}
	return out
}

// cachedRecords reads the records of the given record keys that the cache
// holds.
func cachedRecords(t *testing.T, db *store.DB, keys map[string][]string) map[string]credit.Record {
	t.Helper()
	out := map[string]credit.Record{}
	for _, k := range credit.Kinds {
		for _, key := range keys[string(k)] {
			r, ok, err := db.Record(key)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				out[key] = r
			}
		}
	}
	return out
}

// cacheCounts returns the number of items the cache holds per feed.
func cacheCounts(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{credit.FeedSharing: len(snap.Sharing), credit.FeedRepair: snap.Repairs.Len()}
	for _, k := range credit.Kinds {
		out[string(k)] = snap.Counts[k]
	}
	return out
}

// referenceDigest syncs s without faults into a fresh cache, as endpoint
// "hub", and returns that cache's digest: what a cache that never saw a
// fault holds.
func referenceDigest(t *testing.T, s *sim.Sim) map[string]string {
	t.Helper()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	db := openStore(t)
	eng, err := New(db, hub(srv.URL), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	m, err := db.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sameDigest compares the named buckets of two digests.
func sameDigest(t *testing.T, when string, got, want map[string]string, buckets ...string) {
	t.Helper()
	for _, b := range buckets {
		if got[b] != want[b] {
			t.Errorf("%s: bucket %s differs", when, b)
		}
	}
}

var syncedContent = []string{"records", "by_dept", "sharing", "repairs", "cursors"}

// badText returns a description of every string reachable from v (struct
// fields, slices, maps, pointers) that holds a character a terminal would
// act on: C0 controls, DEL, C1 controls, bidi embeddings, overrides and
// isolates (U+202A-202E, U+2066-2069), or invalid UTF-8.
func badText(v any) []string {
	var out []string
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			if why := unsafeText(v.String()); why != "" {
				s := v.String()
				if len(s) > 80 {
					s = s[:80] + "..."
				}
				out = append(out, fmt.Sprintf("%s: %s in %q", path, why, s))
			}
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(path, v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(path+"."+v.Type().Field(i).Name, v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(fmt.Sprintf("%s[%d]", path, i), v.Index(i))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				walk(fmt.Sprintf("%s[%v]", path, k), k)
				walk(fmt.Sprintf("%s[%v]", path, k), v.MapIndex(k))
			}
		}
	}
	walk("", reflect.ValueOf(v))
	return out
}

func unsafeText(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f:
			return fmt.Sprintf("control %U", r)
		case r >= 0x80 && r <= 0x9f:
			return fmt.Sprintf("C1 control %U", r)
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return fmt.Sprintf("bidi control %U", r)
		}
	}
	return ""
}

func TestBadTextFindsControls(t *testing.T) {
	type inner struct{ S string }
	for _, s := range []string{"a\x1bb", "\x7f", "\u0085", "\u009b", "x\u202ey", "\u2066", "\xff", "\t"} {
		if len(badText(struct {
			A []inner
			M map[string]string
		}{A: []inner{{S: "ok"}, {S: s}}})) != 1 {
			t.Errorf("%q in a nested slice not found", s)
		}
		if len(badText(map[string]int{s: 1})) != 1 {
			t.Errorf("%q as a map key not found", s)
		}
	}
	if bad := badText(credit.Record{SubjectName: "常州某某公司\uFFFD…", Note: "（苏）WH安许证字〔2024〕000123"}); len(bad) != 0 {
		t.Errorf("clean record reported: %v", bad)
	}
}

// checkCleanCache reads everything the cache holds that came from the
// endpoint (every live record, sharing row, repair, quarantined item and the
// endpoint status) and reports any string with a terminal control in it.
func checkCleanCache(t *testing.T, db *store.DB, keys map[string][]string) {
	t.Helper()
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	q, err := db.Quarantine()
	if err != nil {
		t.Fatal(err)
	}
	recs := cachedRecords(t, db, keys)
	var bad []string
	for _, part := range []struct {
		name string
		v    any
	}{{"records", recs}, {"sharing", snap.Sharing}, {"repairs", snap.Repairs.All()}, {"penalties", snap.Penalties.All()},
		{"endpoints", snap.Endpoints}, {"depts", snap.Depts}, {"quarantine", q}} {
		for _, b := range badText(part.v) {
			bad = append(bad, part.name+b)
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d stored strings hold terminal controls, e.g. %s", len(bad), strings.Join(bad[:min(5, len(bad))], "; "))
	}
	// Nothing duplicated: every penalty once, and the counts per kind are
	// exactly the distinct records the cache holds.
	seen := map[string]bool{}
	for _, p := range snap.Penalties.All() {
		if seen[p.ID] {
			t.Errorf("penalty %s twice in the cache", p.ID)
		}
		seen[p.ID] = true
	}
	held := map[credit.Kind]int{}
	for _, r := range recs {
		held[r.Kind]++
	}
	for _, k := range credit.Kinds {
		if snap.Counts[k] < held[k] {
			t.Errorf("%s: count %d below the %d records held", k, snap.Counts[k], held[k])
		}
	}
}

// faultDrill describes one mode's drill.
type faultDrill struct {
	name string
	spec string
	ep   Endpoint // Timeout etc.; name, URL and feeds are set by newDrill
	// fails: the faulted sync must fail with a status naming all of errHas.
	fails  bool
	errHas []string
	// during runs after the faulted sync, with the state before it.
	during func(t *testing.T, d *drill, before drillState, syncErr error)
	// recovers: after the fault is off and one more sync, the cache equals a
	// cache that never saw the fault. Data faults instead run after.
	recovers bool
	after    func(t *testing.T, d *drill, before drillState)
}

// drillState is what the drill remembers from before the fault.
type drillState struct {
	status  credit.EndpointStatus
	digest  map[string]string
	counts  map[string]int
	keys    map[string][]string // live keys in the simulator
	records map[string]credit.Record
}

func (d *drill) state() drillState {
	keys := liveKeys(d.t, d.sim)
	return drillState{status: d.status(), digest: d.digest(), counts: cacheCounts(d.t, d.db), keys: keys, records: cachedRecords(d.t, d.db, keys)}
}

func TestFaultDrills(t *testing.T) {
	drills := []faultDrill{
		{name: "latency", spec: "latency=40ms", ep: Endpoint{Timeout: time.Second}, recovers: true,
			during: func(t *testing.T, d *drill, before drillState, err error) {
				// Slow but within the timeout: the sync succeeds.
				if err != nil {
					t.Fatalf("sync with 40ms latency and a 1s timeout: %v", err)
				}
				if n := d.faults.Injected()["latency"]; n < len(credit.Feeds) {
					t.Errorf("latency injected %d times, want one per feed request", n)
				}
				// Slower than the timeout: every request times out.
				d.setFaults("latency=2500ms")
				start := time.Now()
				err = d.sync()
				st := d.status()
				t.Logf("latency 2.5s, timeout 1s: after %v: status %q, failures=%d", time.Since(start).Round(time.Millisecond), st.LastError, st.Failures)
				if err == nil || !strings.Contains(st.LastError, "deadline exceeded") || st.Failures != 1 {
					t.Errorf("err %v, status %+v: want a timeout", err, st)
				}
				if time.Since(start) > 2*time.Second {
					t.Errorf("a 1s timeout took %v", time.Since(start))
				}
			}},
		{name: "5xx", spec: "5xx=1:status=503", fails: true, errHas: []string{"fetch licence", "HTTP 503 unavailable", "maintenance"}, recovers: true},
		{name: "5xx 502", spec: "5xx=1:status=502", fails: true, errHas: []string{"HTTP 502 bad_gateway"}, recovers: true},
		{name: "timeout", spec: "timeout=1", ep: Endpoint{Timeout: 200 * time.Millisecond}, fails: true,
			errHas: []string{"fetch licence", "context deadline exceeded"}, recovers: true},
		{name: "ratelimit", spec: "429=1:retry=90s", ep: Endpoint{Interval: 8 * time.Second}, fails: true,
			errHas: []string{"HTTP 429 rate_limited"}, recovers: true,
			during: func(t *testing.T, d *drill, before drillState, err error) {
				// Retry-After beats the exponential backoff (base 1s here)
				// until the backoff grows past it; the cap of 5 minutes
				// never cuts it.
				for failures, want := range map[int]time.Duration{1: 90 * time.Second, 3: 90 * time.Second} {
					if got := d.eng.backoff(&d.eng.eps[0], failures, err); got != want {
						t.Errorf("backoff after %d failures = %v, want Retry-After %v", failures, got, want)
					}
				}
				if got := d.eng.backoff(&d.eng.eps[0], 9, err); got <= 90*time.Second {
					t.Errorf("backoff after 9 failures = %v, want the longer exponential one", got)
				}
			}},
		{name: "reset", spec: "reset=1", fails: true, errHas: []string{"fetch licence"}, recovers: true,
			during: func(t *testing.T, d *drill, before drillState, err error) {
				if st := d.status(); !strings.Contains(st.LastError, "EOF") && !strings.Contains(st.LastError, "reset") {
					t.Errorf("status %q names neither EOF nor reset", st.LastError)
				}
			}},
		{name: "truncate", spec: "truncate=1", fails: true, errHas: []string{"decode licence page", "unexpected end of JSON input"}, recovers: true},
		{name: "truncate abort", spec: "truncate=1:abort=1", fails: true, errHas: []string{"read licence page", "unexpected EOF"}, recovers: true},
		{name: "malformed", spec: "malformed=1", fails: true, errHas: []string{"decode licence page", "invalid character"}, recovers: true},
		{name: "invalid", spec: "invalid=1",
			during: func(t *testing.T, d *drill, before drillState, err error) {
				if err != nil {
					t.Fatalf("sync: %v; a page with bad items must still be applied", err)
				}
				q := d.quarantine()
				n := d.faults.Injected()["invalid"]
				t.Logf("invalid: %d items corrupted, %d quarantined; status %+v", n, len(q), d.status())
				if n == 0 || len(q) != n {
					t.Fatalf("quarantine holds %d items, %d were corrupted", len(q), n)
				}
				for _, x := range q {
					if x.Reason == "" || x.Endpoint != "hub" || x.Raw == "" {
						t.Errorf("quarantined %+v lacks a reason or a copy", x)
					}
					// The last good copy of a refused record is still there;
					// a refused new record is not in the cache.
					if !credit.Kind(x.Feed).Valid() {
						continue
					}
					got, ok, err := d.db.Record(x.Key)
					if err != nil {
						t.Fatal(err)
					}
					prev, had := before.records[x.Key]
					if ok != had || (ok && !reflect.DeepEqual(jsonOf(got), jsonOf(prev))) {
						t.Errorf("%s: refused item changed the cache (had %v, has %v)", x.Key, had, ok)
					}
				}
				checkReasons(t, q)
			},
			after: func(t *testing.T, d *drill, before drillState) {
				// The corrupted changes are not served again (the cursor is
				// past them), so they stay quarantined and the cache lacks
				// exactly them until the source changes them again or the
				// cache is rebuilt.
				q := d.quarantine()
				if len(q) == 0 {
					t.Fatal("quarantine emptied although nothing was served again")
				}
				missing := map[string]int{}
				for _, x := range q {
					if credit.Kind(x.Feed).Valid() {
						if _, had := before.records[x.Key]; had {
							continue // the old copy is still counted
						}
					} else if slices.Contains(before.keys[x.Feed], x.Key) {
						continue
					}
					missing[x.Feed]++
				}
				got, want := cacheCounts(t, d.db), d.sim.Counts()
				for _, f := range credit.Feeds {
					if got[f]+missing[f] != want[f] {
						t.Errorf("%s: cache %d + %d quarantined new items, simulator %d", f, got[f], missing[f], want[f])
					}
				}
				rebuildMatchesSim(t, d)
			}},
		{name: "hostile", spec: "hostile=1",
			during: func(t *testing.T, d *drill, before drillState, err error) {
				if err != nil {
					t.Fatalf("sync: %v", err)
				}
				n := d.faults.Injected()["hostile"]
				if n == 0 {
					t.Fatal("no hostile item was served")
				}
				if q := d.quarantine(); len(q) != 0 {
					t.Errorf("hostile but valid items quarantined: %+v", q[0])
				}
				recs := cachedRecords(t, d.db, liveKeys(t, d.sim))
				cut := 0
				for key, r := range recs {
					if rc := utf8.RuneCountInString(r.SubjectName); rc > credit.MaxFieldRunes+1 {
						t.Errorf("%s: subject_name of %d runes stored", key, rc)
					}
					if strings.HasSuffix(r.SubjectName, "…") {
						cut++
					}
					if strings.Contains(string(jsonOf(r)), sim.HostileClipboardPayload) {
						t.Errorf("%s: the OSC 52 payload survived sanitising: %q", key, r.SubjectName)
					}
				}
				t.Logf("hostile: %d items served hostile, %d overlong names cut to %d runes", n, cut, credit.MaxFieldRunes)
				if cut == 0 {
					t.Error("no overlong name was cut")
				}
				if got := cacheCounts(t, d.db); !maps.Equal(got, d.sim.Counts()) {
					t.Errorf("counts %v, simulator %v", got, d.sim.Counts())
				}
			},
			after: func(t *testing.T, d *drill, before drillState) {
				if got := cacheCounts(t, d.db); !maps.Equal(got, d.sim.Counts()) {
					t.Errorf("counts %v, simulator %v", got, d.sim.Counts())
				}
				rebuildMatchesSim(t, d)
			}},
		// clockskew: see TestFaultDrillClockSkewIsRefused.
	}
	for _, dr := range drills {
		t.Run(dr.name, func(t *testing.T) {
			d := newDrill(t, dr.ep, Options{Now: testNow})
			d.mustSync("clean sync")
			before := d.state()
			if !before.status.Healthy() || before.counts["penalty"] == 0 {
				t.Fatalf("after a clean sync: status %+v, counts %v", before.status, before.counts)
			}
			time.Sleep(2 * time.Millisecond) // so a new success is visibly later

			d.setFaults(dr.spec)
			d.step()
			start := time.Now()
			err := d.sync()
			st := d.status()
			t.Logf("%s (%s): sync %v: status %q, failures=%d; cache %v", dr.name, dr.spec, time.Since(start).Round(time.Millisecond), st.LastError, st.Failures, cacheCounts(t, d.db))
			if dr.fails {
				if err == nil {
					t.Fatal("sync succeeded against the fault")
				}
				for _, w := range dr.errHas {
					if !strings.Contains(st.LastError, w) {
						t.Errorf("LastError %q does not mention %q", st.LastError, w)
					}
				}
				if st.Failures != 1 || !st.LastSuccess.Equal(before.status.LastSuccess) || !st.LastAttempt.After(before.status.LastSuccess) || st.ErrorSince.IsZero() {
					t.Errorf("status after one failed pass: %+v (before: %+v)", st, before.status)
				}
				// The last good data is all still there, unchanged.
				sameDigest(t, "after the failed sync", d.digest(), before.digest, append(syncedContent, "quarantine")...)
			} else if err == nil && (!st.Healthy() || !st.LastSuccess.After(before.status.LastSuccess)) {
				t.Errorf("status after a successful pass: %+v", st)
			}
			if dr.during != nil {
				dr.during(t, d, before, err)
			}
			checkCleanCache(t, d.db, liveKeys(t, d.sim))

			d.setFaults("off")
			d.mustSync("sync after the fault")
			st = d.status()
			if !st.Healthy() || st.Failures != 0 {
				t.Errorf("status after recovery: %+v", st)
			}
			checkCleanCache(t, d.db, liveKeys(t, d.sim))
			if dr.recovers {
				if got := cacheCounts(t, d.db); !maps.Equal(got, d.sim.Counts()) {
					t.Errorf("counts %v, simulator %v", got, d.sim.Counts())
				}
				sameDigest(t, "after recovery", d.digest(), referenceDigest(t, d.sim), syncedContent...)
				if q := d.quarantine(); len(q) != 0 {
					t.Errorf("quarantine after a transport fault: %+v", q)
				}
			}
			if dr.after != nil {
				dr.after(t, d, before)
			}
		})
	}
}

func jsonOf(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// checkReasons checks that the quarantine reasons name what was wrong.
func checkReasons(t *testing.T, q []credit.Quarantined) {
	t.Helper()
	known := []string{"record of kind", "record has no department", "2026-02-30", "served under key", "unknown kind or negative counts"}
	for _, x := range q {
		ok := false
		for _, k := range known {
			ok = ok || strings.Contains(x.Reason, k)
		}
		if !ok {
			t.Errorf("quarantine reason %q of %s names none of %q", x.Reason, x.Key, known)
		}
	}
}

// rebuildMatchesSim rebuilds the cache from the beginning, as `credwatch
// sync --full` does, and checks it then equals a cache that never saw a
// fault, with an empty quarantine: the way back from a data fault.
func rebuildMatchesSim(t *testing.T, d *drill) {
	t.Helper()
	if err := d.db.ResetSynced(); err != nil {
		t.Fatal(err)
	}
	d.mustSync("rebuild")
	sameDigest(t, "after a rebuild", d.digest(), referenceDigest(t, d.sim), append(syncedContent, "quarantine")...)
	if got := cacheCounts(t, d.db); !maps.Equal(got, d.sim.Counts()) {
		t.Errorf("after a rebuild: counts %v, simulator %v", got, d.sim.Counts())
	}
}

// TestFaultDrillRunHonoursRetryAfter runs the engine's loop against a
// server answering 429 with Retry-After 1s and a backoff capped far below
// it: the loop must ask once, not every few milliseconds. A 5xx without
// Retry-After under the same cap is retried quickly, which shows the drill
// can tell the difference.
func TestFaultDrillRunHonoursRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		spec, mode string
		max        int
	}{
		{"429=1:retry=1s", "429", 1},
		{"5xx=1", "5xx", 1 << 30},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			d := newDrill(t, Endpoint{Interval: time.Hour}, Options{Now: testNow, MaxBackoff: 10 * time.Millisecond})
			d.setFaults(tc.spec)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { d.eng.Run(ctx); close(done) }()
			time.Sleep(600 * time.Millisecond)
			cancel()
			<-done
			n := d.faults.Injected()[tc.mode]
			t.Logf("%s: %d requests in 600ms with the backoff capped at 10ms", tc.spec, n)
			if n > tc.max || n == 0 {
				t.Errorf("%d requests in 600ms, want 1..%d", n, min(tc.max, 1000))
			}
			if tc.mode == "5xx" && n < 5 {
				t.Errorf("only %d retries without Retry-After: the cap does not work, the drill proves nothing", n)
			}
			if st := d.status(); st.Failures < 1 || !strings.Contains(st.LastError, "HTTP") {
				t.Errorf("status %+v", st)
			}
		})
	}
}

// TestFaultDrillOneFaultyEndpointOfTwo runs two endpoints concurrently with
// Engine.Run against one simulator: "good" serves penalties without faults,
// "bad" serves licences through 5xx faults. The good one keeps syncing (its
// LastSuccess advances and new penalties arrive) while the bad one fails.
func TestFaultDrillOneFaultyEndpointOfTwo(t *testing.T) {
	s := sim.New(sim.Options{Seed: 12, Records: 200, Today: testToday})
	good := httptest.NewServer(s.Handler())
	defer good.Close()
	f, err := sim.ParseFaults("")
	if err != nil {
		t.Fatal(err)
	}
	bad := httptest.NewServer(f.Wrap(s.Handler()))
	defer bad.Close()
	db := openStore(t)
	eng, err := New(db, []Endpoint{
		{Name: "good", BaseURL: good.URL, Feeds: []string{"penalty"}, Interval: 30 * time.Millisecond},
		{Name: "bad", BaseURL: bad.URL, Feeds: []string{"licence"}, Interval: 30 * time.Millisecond},
	}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	status := func(name string) credit.EndpointStatus {
		st, err := db.EndpointStatus(name)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	badBefore := status("bad")
	licencesBefore := cacheCounts(t, db)["licence"]
	if err := f.Set("5xx=1:status=503"); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { eng.Run(ctx); close(done) }()
	defer func() {
		cancel()
		<-done
	}()
	var successes []time.Time
	deadline := time.Now().Add(5 * time.Second)
	for len(successes) < 4 {
		s.Step() // new penalties (and licences) to fetch
		time.Sleep(40 * time.Millisecond)
		g := status("good")
		if g.LastError != "" {
			t.Fatalf("good endpoint failed: %q", g.LastError)
		}
		if len(successes) == 0 || g.LastSuccess.After(successes[len(successes)-1]) {
			successes = append(successes, g.LastSuccess)
		}
		if time.Now().After(deadline) {
			t.Fatalf("good endpoint's LastSuccess advanced only %d times in 5s", len(successes))
		}
	}
	b := status("bad")
	t.Logf("good: LastSuccess advanced %d times; bad: %q, failures=%d", len(successes), b.LastError, b.Failures)
	if b.Failures < 1 || !strings.Contains(b.LastError, "HTTP 503") || !b.LastSuccess.Equal(badBefore.LastSuccess) {
		t.Errorf("bad endpoint status %+v", b)
	}
	// The good endpoint's penalties follow the simulator; the bad one's
	// licences stay as they were before the fault.
	cancel()
	<-done
	var ferr *HTTPError
	if err := eng.SyncOnce(context.Background()); !errors.As(err, &ferr) || ferr.Status != 503 {
		t.Errorf("SyncOnce error %v, want the bad endpoint's 503", err)
	}
	got := cacheCounts(t, db)
	if want := s.Counts(); got["penalty"] != want["penalty"] || got["licence"] != licencesBefore {
		t.Errorf("penalties %d (simulator %d); licences %d (%d before the fault, simulator %d)", got["penalty"], want["penalty"], got["licence"], licencesBefore, want["licence"])
	}
}

// TestFaultDrillClockSkewIsRefused is the drill the engine does not pass
// yet: a server whose clock is three years ahead.
func TestFaultDrillClockSkewIsRefused(t *testing.T) {
	d := newDrill(t, Endpoint{}, Options{Now: testNow})
	d.mustSync("clean sync")
	before := d.state()
	d.setFaults("clockskew=26280h")
	d.step()
	if err := d.sync(); err == nil {
		t.Error("a page from a server three years ahead was accepted")
	}
	if st := d.status(); !strings.Contains(st.LastError, "clock") || st.Failures != 1 {
		t.Errorf("status %+v does not name the clock", st)
	}
	sameDigest(t, "after the refused sync", d.digest(), before.digest, append(syncedContent, "quarantine")...)
	snap, err := d.db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, ds := range snap.Depts {
		for k, at := range ds.LastChange {
			if at.After(testNow().Add(time.Hour)) {
				t.Errorf("department %s %s last changed in the future: %v", ds.Dept, k, at)
			}
		}
	}
	d.setFaults("off")
	d.mustSync("after the skew")
	sameDigest(t, "after recovery", d.digest(), referenceDigest(t, d.sim), syncedContent...)
}

// The simulator's hostile fault modes drill the engine's defences: a
// rebuilt log (gone) loses nothing, unreadable items (undecodable) are
// quarantined alone, a redirect to another port (redirect) and an error
// that quotes the header (leaktoken) do not leak the token, a walk that
// never ends (endless) ends, and a Retry-After date ten years away is
// capped. Each ends with the fault off and the cache equal to one that
// never saw it.
func TestFaultDrillsHostileServer(t *testing.T) {
	const token = "drill-token-8c1f"
	for _, tc := range []struct {
		name, spec string
		check      func(t *testing.T, d *drill, err error, before map[string]int)
		pageSize   int  // small: walks of several pages
		lossy      bool // the items refused are not served again after the fault
	}{
		{"gone", "gone=1", func(t *testing.T, d *drill, err error, before map[string]int) {
			if err == nil || !strings.Contains(err.Error(), "cursor_expired") {
				t.Errorf("error %v", err)
			}
			for feed, n := range cacheCounts(t, d.db) {
				if n < before[feed] {
					t.Errorf("%s: %d items after the re-walk failed, %d before", feed, n, before[feed])
				}
			}
		}, 10, false},
		{"undecodable", "undecodable=0.3", func(t *testing.T, d *drill, err error, _ map[string]int) {
			if err != nil {
				t.Errorf("a pass with unreadable items failed: %v", err)
			}
			reasons := map[string]int{}
			for _, q := range d.quarantine() {
				switch {
				case strings.Contains(q.Reason, "key is not a JSON string"):
					reasons["key"]++
				case strings.Contains(q.Reason, "op is missing or not a JSON string"):
					reasons["op"]++
				case strings.Contains(q.Reason, "depth"):
					reasons["depth"]++
				}
			}
			if reasons["key"] == 0 || reasons["op"] == 0 || reasons["depth"] == 0 {
				t.Errorf("quarantine reasons %v, want each kind", reasons)
			}
			if d.faults.Injected()["undecodable"] != reasons["key"]+reasons["op"]+reasons["depth"] {
				t.Errorf("%d injected, %v quarantined", d.faults.Injected()["undecodable"], reasons)
			}
		}, 0, true},
		{"leaktoken", "leaktoken=1", func(t *testing.T, d *drill, err error, _ map[string]int) {
			st := d.status()
			if err == nil || strings.Contains(err.Error(), token) || strings.Contains(st.LastError, token) || !strings.Contains(st.LastError, "[redacted]") {
				t.Errorf("error %v, status %q", err, st.LastError)
			}
		}, 0, false},
		{"endless empty", "endless=empty", func(t *testing.T, d *drill, err error, _ map[string]int) {
			if err == nil || !strings.Contains(err.Error(), "no items but has_more") {
				t.Errorf("error %v", err)
			}
		}, 0, false},
		{"endless cycle", "endless=cycle", func(t *testing.T, d *drill, err error, _ map[string]int) {
			if err == nil || !strings.Contains(err.Error(), "cycle") {
				t.Errorf("error %v", err)
			}
		}, 10, false},
		{"retry-after date", "429=1:retry=87600h:date=1", func(t *testing.T, d *drill, err error, _ map[string]int) {
			var he *HTTPError
			if !errors.As(err, &he) || he.RetryAfter < 87000*time.Hour {
				t.Fatalf("error %v: want the ten-year Retry-After read from the date", err)
			}
			if w := d.eng.backoff(&d.eng.eps[0], 1, err); w != DefaultMaxRetryAfter {
				t.Errorf("wait %s, want the cap", w)
			}
		}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDrill(t, Endpoint{Token: token, PageSize: tc.pageSize}, Options{Now: testNow})
			d.mustSync("clean")
			d.step()
			before := cacheCounts(t, d.db)
			d.setFaults(tc.spec)
			err := d.sync()
			tc.check(t, d, err, before)
			d.setFaults("")
			d.mustSync("fault off")
			if tc.lossy {
				// The way back is sync --full: a re-walk of every feed,
				// which also clears the quarantine it does not see again.
				for _, feed := range d.eng.eps[0].Feeds {
					if err := d.db.BeginRewalk("hub", feed); err != nil {
						t.Fatal(err)
					}
				}
				d.mustSync("re-walk")
				sameDigest(t, "after a re-walk", d.digest(), referenceDigest(t, d.sim), append(syncedContent, "quarantine")...)
				return
			}
			sameDigest(t, tc.name+" then off", d.digest(), referenceDigest(t, d.sim), "records", "sharing", "repairs")
		})
	}

	t.Run("redirect", func(t *testing.T) {
		var got []string
		var mu gosync.Mutex
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			got = append(got, r.Header.Get("Authorization"))
			mu.Unlock()
			w.WriteHeader(http.StatusNotFound)
		}))
		defer other.Close()
		u, _ := url.Parse(other.URL)
		d := newDrill(t, Endpoint{Token: token}, Options{Now: testNow})
		d.setFaults("redirect=" + u.Port())
		if err := d.sync(); err == nil {
			t.Error("a pass redirected to a server without the feeds succeeded")
		}
		mu.Lock()
		defer mu.Unlock()
		if len(got) == 0 {
			t.Fatal("the redirect was not followed: the drill proves nothing")
		}
		for _, a := range got {
			if a != "" {
				t.Errorf("the server on another port got Authorization %q", a)
			}
		}
	})
}
