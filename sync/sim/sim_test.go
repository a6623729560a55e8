package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

var testToday = credit.MustDate("2026-03-18")

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 18, 10, 30, 0, 0, credit.ChinaZone)}
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestSim(t *testing.T, seed int64, records int) (*Sim, *httptest.Server, *clock) {
	t.Helper()
	c := newClock()
	s := New(Options{Seed: seed, Records: records, Today: testToday, Now: c.Now})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv, c
}

// get fetches path and returns the status, the body and the response.
func get(t *testing.T, srv *httptest.Server, path, token string) (int, []byte, *http.Response) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b, resp
}

func feedURL(feed, cursor string, limit int) string {
	q := url.Values{}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if limit > 0 {
		q.Set("limit", itoa(limit))
	}
	u := api.FeedPath(feed)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func getPage(t *testing.T, srv *httptest.Server, feed, cursor string, limit int) api.Page {
	t.Helper()
	status, body, _ := get(t, srv, feedURL(feed, cursor, limit), "")
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", feedURL(feed, cursor, limit), status, body)
	}
	var p api.Page
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("decode page: %v", err)
	}
	return p
}

// walk reads a feed from cursor to its end and returns every item and the
// final cursor.
func walk(t *testing.T, srv *httptest.Server, feed, cursor string, limit int) ([]api.Item, string) {
	t.Helper()
	var items []api.Item
	for pages := 0; ; pages++ {
		if pages > 100000 {
			t.Fatal("walk did not end")
		}
		p := getPage(t, srv, feed, cursor, limit)
		if len(p.Items) > limit {
			t.Fatalf("page has %d items, limit %d", len(p.Items), limit)
		}
		if p.HasMore && len(p.Items) != limit {
			t.Fatalf("has_more with a short page of %d", len(p.Items))
		}
		if p.NextCursor == "" && len(p.Items) > 0 {
			t.Fatal("no next_cursor after items")
		}
		items = append(items, p.Items...)
		cursor = p.NextCursor
		if !p.HasMore {
			return items, cursor
		}
	}
}

// snapshot decodes every live item of every feed.
type snapshot struct {
	records map[string]*credit.Record // by kind/id
	sharing map[string]*credit.SharingEntry
	repairs map[string]*credit.Repair
}

func takeSnapshot(t *testing.T, srv *httptest.Server) snapshot {
	t.Helper()
	sn := snapshot{records: map[string]*credit.Record{}, sharing: map[string]*credit.SharingEntry{}, repairs: map[string]*credit.Repair{}}
	for _, f := range credit.Feeds {
		items, _ := walk(t, srv, f, "", api.MaxLimit)
		for _, it := range items {
			if it.Op == api.OpDelete {
				continue
			}
			var err error
			switch f {
			case credit.FeedSharing:
				var e credit.SharingEntry
				err = json.Unmarshal(it.Data, &e)
				sn.sharing[it.Key] = &e
			case credit.FeedRepair:
				var rp credit.Repair
				err = json.Unmarshal(it.Data, &rp)
				sn.repairs[it.Key] = &rp
			default:
				var r credit.Record
				err = json.Unmarshal(it.Data, &r)
				sn.records[r.Key()] = &r
				if r.ID != it.Key || string(r.Kind) != f {
					t.Errorf("feed %s: item key %q carries %s", f, it.Key, r.Key())
				}
			}
			if err != nil {
				t.Fatalf("feed %s item %s: %v", f, it.Key, err)
			}
		}
	}
	return sn
}

func TestDeterminism(t *testing.T) {
	tests := []struct {
		name         string
		seedA, seedB int64
		same         bool
	}{
		{"same seed", 7, 7, true},
		{"different seed", 7, 8, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, a, _ := newTestSim(t, tt.seedA, 0)
			_, b, _ := newTestSim(t, tt.seedB, 0)
			for _, f := range credit.Feeds {
				_, pa, _ := get(t, a, feedURL(f, "", 0), "")
				_, pb, _ := get(t, b, feedURL(f, "", 0), "")
				if eq := bytes.Equal(pa, pb); eq != tt.same && (tt.same || f == "penalty") {
					t.Errorf("feed %s: first pages equal = %v, want %v", f, eq, tt.same)
				}
			}
		})
	}
	t.Run("same seed after steps", func(t *testing.T) {
		sa, a, _ := newTestSim(t, 3, 500)
		sb, b, _ := newTestSim(t, 3, 500)
		for i := 0; i < 20; i++ {
			sa.Step()
			sb.Step()
		}
		for _, f := range credit.Feeds {
			ia, _ := walk(t, a, f, "", api.MaxLimit)
			ib, _ := walk(t, b, f, "", api.MaxLimit)
			ja, _ := json.Marshal(ia)
			jb, _ := json.Marshal(ib)
			if !bytes.Equal(ja, jb) {
				t.Errorf("feed %s differs after the same steps", f)
			}
		}
	})
}

func TestPaging(t *testing.T) {
	tests := []struct {
		name  string
		steps int
	}{
		{"fresh", 0},
		{"after 40 steps", 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, srv, c := newTestSim(t, 1, 1500)
			for i := 0; i < tt.steps; i++ {
				c.Add(3 * time.Second)
				s.Step()
			}
			counts := s.Counts()
			deletes := 0
			for _, f := range credit.Feeds {
				items, _ := walk(t, srv, f, "", 7)
				seen := map[string]bool{}
				live := 0
				for _, it := range items {
					if seen[it.Key] {
						t.Errorf("feed %s: key %s served twice", f, it.Key)
					}
					seen[it.Key] = true
					switch it.Op {
					case api.OpUpsert:
						live++
						if len(it.Data) == 0 {
							t.Errorf("feed %s: upsert %s without data", f, it.Key)
						}
					case api.OpDelete:
						deletes++
						if len(it.Data) != 0 {
							t.Errorf("feed %s: delete %s with data", f, it.Key)
						}
					default:
						t.Errorf("feed %s: op %q", f, it.Op)
					}
				}
				if live != counts[f] {
					t.Errorf("feed %s: %d live keys walked, Counts says %d", f, live, counts[f])
				}
			}
			if deletes == 0 {
				t.Error("no deletes in any feed; withdrawn records should appear as deletes")
			}
		})
	}

	t.Run("incremental after Step", func(t *testing.T) {
		s, srv, c := newTestSim(t, 2, 800)
		cursors := map[string]string{}
		for _, f := range credit.Feeds {
			_, cursors[f] = walk(t, srv, f, "", 50)
		}
		c.Add(time.Minute)
		stepAt := c.Now()
		changed := 0
		for i := 0; i < 5; i++ {
			s.Step()
		}
		for _, f := range credit.Feeds {
			items, next := walk(t, srv, f, cursors[f], 50)
			changed += len(items)
			for _, it := range items {
				if it.Op == api.OpDelete {
					continue
				}
				var meta struct {
					UpdatedAt time.Time `json:"updated_at"`
				}
				if err := json.Unmarshal(it.Data, &meta); err != nil {
					t.Fatal(err)
				}
				if !meta.UpdatedAt.Equal(stepAt) {
					t.Errorf("feed %s: incremental item %s updated %v, want only changes of the step at %v", f, it.Key, meta.UpdatedAt, stepAt)
				}
			}
			p := getPage(t, srv, f, next, 50)
			if len(p.Items) != 0 || p.HasMore || p.NextCursor != next {
				t.Errorf("feed %s: caught up, yet %d items, has_more=%v, next_cursor %q (want %q)", f, len(p.Items), p.HasMore, p.NextCursor, next)
			}
		}
		if changed == 0 {
			t.Error("five steps changed nothing")
		}
	})

	t.Run("compaction", func(t *testing.T) {
		s, srv, _ := newTestSim(t, 4, 300)
		_, cur := walk(t, srv, credit.FeedSharing, "", api.MaxLimit)
		for i := 0; i < 60; i++ {
			s.Step()
		}
		items, _ := walk(t, srv, credit.FeedSharing, cur, api.MaxLimit)
		seen := map[string]bool{}
		for _, it := range items {
			if seen[it.Key] {
				t.Errorf("sharing row %s served twice in one catch-up", it.Key)
			}
			seen[it.Key] = true
		}
		if len(items) == 0 || len(items) > s.Counts()[credit.FeedSharing] {
			t.Errorf("catch-up returned %d sharing rows; want 1..%d", len(items), s.Counts()[credit.FeedSharing])
		}
	})

	t.Run("default and maximum limit", func(t *testing.T) {
		_, srv, _ := newTestSim(t, 1, 3000)
		if p := getPage(t, srv, "inspection", "", 0); len(p.Items) != api.DefaultLimit || !p.HasMore {
			t.Errorf("no limit: %d items, has_more=%v; want %d and more", len(p.Items), p.HasMore, api.DefaultLimit)
		}
		if p := getPage(t, srv, "inspection", "", api.MaxLimit); len(p.Items) != api.MaxLimit {
			t.Errorf("limit %d: %d items", api.MaxLimit, len(p.Items))
		}
	})
}

func TestErrors(t *testing.T) {
	_, srv, _ := newTestSim(t, 1, 200)
	_, other, _ := newTestSim(t, 99, 200)
	foreign := getPage(t, other, "penalty", "", 5).NextCursor
	own := getPage(t, srv, "licence", "", 5).NextCursor
	tests := []struct {
		name   string
		method string
		path   string
		status int
		code   string
	}{
		{"unknown feed", "GET", "/v1/feeds/permits", 404, CodeUnknownFeed},
		{"limit not a number", "GET", "/v1/feeds/penalty?limit=ten", 400, CodeBadLimit},
		{"limit zero", "GET", "/v1/feeds/penalty?limit=0", 400, CodeBadLimit},
		{"limit negative", "GET", "/v1/feeds/penalty?limit=-5", 400, CodeBadLimit},
		{"limit too large", "GET", "/v1/feeds/penalty?limit=1001", 400, CodeBadLimit},
		{"cursor garbage", "GET", "/v1/feeds/penalty?cursor=%21%21", 400, CodeBadCursor},
		{"cursor of another feed", "GET", "/v1/feeds/penalty?cursor=" + own, 400, CodeBadCursor},
		{"cursor of another instance", "GET", "/v1/feeds/penalty?cursor=" + foreign, 410, CodeCursorExpired},
		{"no such path", "GET", "/v2/feeds/penalty", 404, CodeNotFound},
		{"POST", "POST", "/v1/feeds/penalty", 405, CodeMethod},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			var body api.ErrorBody
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("decode error body: %v", err)
			}
			if body.Error.Code != tt.code || body.Error.Message == "" {
				t.Errorf("error = %+v, want code %s and a message", body.Error, tt.code)
			}
			if body.Error.RequestID == "" || body.Error.RequestID != resp.Header.Get(RequestIDHeader) {
				t.Errorf("request_id %q, header %q", body.Error.RequestID, resp.Header.Get(RequestIDHeader))
			}
		})
	}
}

func TestAuth(t *testing.T) {
	s := New(Options{Seed: 1, Records: 100, Today: testToday, Token: "s3cret", Now: newClock().Now})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	tests := []struct {
		name   string
		path   string
		header string
		status int
	}{
		{"no token", "/v1/feeds/penalty", "", 401},
		{"wrong token", "/v1/feeds/penalty", "Bearer nope", 401},
		{"wrong scheme", "/v1/feeds/penalty", "Basic czNjcmV0", 401},
		{"right token", "/v1/feeds/penalty", "Bearer s3cret", 200},
		{"unknown feed still needs a token", "/v1/feeds/x", "", 401},
		{"health needs none", "/v1/health", "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+tt.path, nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status == 401 {
				var body api.ErrorBody
				_ = json.NewDecoder(resp.Body).Decode(&body)
				if body.Error.Code != CodeUnauthorized {
					t.Errorf("code %q", body.Error.Code)
				}
				if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
				}
			}
		})
	}
}

func TestCodes(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		t.Run("seed "+itoa(int(seed)), func(t *testing.T) {
			_, srv, _ := newTestSim(t, seed, 0)
			sn := takeSnapshot(t, srv)
			withCode, valid := 0, 0
			subjects := map[string]int{}
			for key, r := range sn.records {
				subjects[r.SubjectKind]++
				if r.SubjectKind == credit.SubjectPerson {
					if r.USCC != "" {
						t.Errorf("%s: natural person %s has code %s", key, r.SubjectName, r.USCC)
					}
					continue
				}
				if r.USCC == "" {
					t.Errorf("%s: %s %s has no code", key, r.SubjectKind, r.SubjectName)
					continue
				}
				withCode++
				if credit.ValidateUSCC(r.USCC) == nil {
					valid++
					if div := r.USCC[2:8]; !strings.Contains("320481 320413 320412 320411 320402 320404 320400", div) {
						t.Errorf("%s: code %s has division %s", key, r.USCC, div)
					}
				}
			}
			share := float64(valid) / float64(withCode)
			if share < 0.975 || share > 0.998 {
				t.Errorf("%d of %d codes valid (%.2f%%), want about 99%%", valid, withCode, 100*share)
			}
			for _, k := range []string{credit.SubjectLegal, credit.SubjectIndividual, credit.SubjectPerson} {
				if subjects[k] == 0 {
					t.Errorf("no subjects of kind %s", k)
				}
			}
		})
	}
}

func TestRepairStages(t *testing.T) {
	for _, seed := range []int64{1, 5} {
		t.Run("seed "+itoa(int(seed)), func(t *testing.T) {
			_, srv, _ := newTestSim(t, seed, 0)
			sn := takeSnapshot(t, srv)
			stages := map[int]int{}
			stuck := map[string]int{}
			for key, rp := range sn.repairs {
				if rp.RecordKey != key {
					t.Errorf("repair key %s, record_key %s", key, rp.RecordKey)
				}
				r := sn.records[key]
				if r == nil || r.Kind != credit.Penalty {
					t.Errorf("repair %s: no such penalty", key)
					continue
				}
				eligible, ok := repairable(&rec{Record: *r})
				if !ok {
					t.Errorf("repair %s of a penalty that cannot be repaired (%v)", key, r.PenaltyTypes)
				}
				st := stageOf(rp)
				stages[st]++
				steps := []credit.Date{rp.ReminderSent, rp.Applied, rp.Reviewed, rp.Cancelled, rp.Regraded, rp.NationalDone}
				prev := eligible
				for _, d := range steps {
					if d.IsZero() {
						continue
					}
					if d.Before(prev) || d.After(testToday) {
						t.Errorf("repair %s: dates out of order or in the future: %+v (eligible %s)", key, rp, eligible)
						break
					}
					prev = d
				}
				switch {
				case st == stageApplied && int(testToday-rp.Applied) > 14:
					stuck["review overdue"]++
				case st == stageApproved && int(testToday-rp.Reviewed) > 30:
					stuck["not cancelled"]++
				case st == stageRegraded && int(testToday-rp.Regraded) > 20:
					stuck["not repaired nationally"]++
				case st == stageNational && rp.NationalReceipt == "":
					t.Errorf("repair %s done nationally without receipt", key)
				}
			}
			names := []string{"reminded", "applied", "rejected", "approved", "cancelled", "regraded", "national"}
			for st, name := range names {
				if stages[st] == 0 {
					t.Errorf("no repair in stage %s (%v)", name, stages)
				}
			}
			for _, k := range []string{"review overdue", "not cancelled", "not repaired nationally"} {
				if stuck[k] == 0 {
					t.Errorf("no repair stuck: %s", k)
				}
			}
		})
	}
}

func TestSharingConsistent(t *testing.T) {
	tests := []struct {
		name  string
		steps int
	}{
		{"fresh", 0},
		{"after 50 steps", 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, srv, c := newTestSim(t, 6, 2000)
			for i := 0; i < tt.steps; i++ {
				c.Add(3 * time.Second)
				s.Step()
			}
			sn := takeSnapshot(t, srv)
			for _, d := range credit.DefaultDepartments() {
				for _, k := range credit.Kinds {
					if _, ok := sn.sharing[credit.SharingKey(d.ID, k)]; ok != d.OwnsKind(k) {
						t.Errorf("sharing row %s/%s present = %v, owns = %v", d.ID, k, ok, d.OwnsKind(k))
					}
				}
			}
			stale := 0
			for key, e := range sn.sharing {
				// The platform received what was decided up to the last push.
				pushedUpTo := credit.DateOf(e.LastPush)
				if int(testToday-pushedUpTo) >= 3 {
					stale++
				}
				var want credit.SharingEntry
				rejected := map[string]string{}
				for _, r := range sn.records {
					if r.Dept != e.Dept || r.Kind != e.Kind || r.Decided.After(pushedUpTo) {
						continue
					}
					want.Received++
					if !r.Disclosed.IsZero() {
						want.Disclosed++
						if r.Rejected != "" {
							t.Errorf("record %s both disclosed and rejected", r.Key())
						}
					}
					if r.Rejected != "" {
						want.Rejected++
						rejected[r.ID] = r.Rejected
					}
				}
				if e.Received != want.Received || e.Disclosed != want.Disclosed || e.Rejected != want.Rejected {
					t.Errorf("%s: received/disclosed/rejected %d/%d/%d, records say %d/%d/%d",
						key, e.Received, e.Disclosed, e.Rejected, want.Received, want.Disclosed, want.Rejected)
				}
				if len(e.Rejections) != e.Rejected {
					t.Errorf("%s: %d rejections listed, %d counted", key, len(e.Rejections), e.Rejected)
				}
				for _, rj := range e.Rejections {
					if rejected[rj.RecordID] != rj.Reason {
						t.Errorf("%s: rejection %+v, record says %q", key, rj, rejected[rj.RecordID])
					}
				}
			}
			if stale == 0 {
				t.Error("no department's pushes are stale")
			}
		})
	}
}

func TestRecordsOption(t *testing.T) {
	for _, n := range []int{1, 120, 3000} {
		t.Run("records "+itoa(n), func(t *testing.T) {
			s, srv, _ := newTestSim(t, 1, n)
			counts := s.Counts()
			total := 0
			for _, k := range credit.Kinds {
				total += counts[string(k)]
			}
			if total != n {
				t.Errorf("%d records across the five kinds, want %d (%v)", total, n, counts)
			}
			if n < 100 {
				return
			}
			sn := takeSnapshot(t, srv)
			first := credit.NewDate(2023, 3, 19)
			today := 0
			for key, r := range sn.records {
				if r.Decided.Before(first) || r.Decided.After(testToday) {
					t.Errorf("%s decided %s, outside the three years before %s", key, r.Decided, testToday)
				}
				if r.Decided == testToday {
					today++
				}
				if !r.Disclosed.IsZero() && r.Disclosed.Before(r.Decided) {
					t.Errorf("%s disclosed %s before decided %s", key, r.Disclosed, r.Decided)
				}
				if r.DocNo == "" && r.Rejected != rejectDocNo {
					t.Errorf("%s has no document number but is not rejected for it", key)
				}
			}
			if n >= 3000 && today == 0 {
				t.Error("no record decided today")
			}
		})
	}
}

func TestPenalties(t *testing.T) {
	_, srv, _ := newTestSim(t, 1, 0)
	sn := takeSnapshot(t, srv)
	var n, serious, accident, fines, general, threeInStep int
	types := map[string]int{}
	for key, r := range sn.records {
		if r.Kind != credit.Penalty {
			continue
		}
		n++
		for _, pt := range r.PenaltyTypes {
			types[pt]++
		}
		if r.HasPenaltyType("罚款") {
			fines++
			if r.FineYuan < 10000 || r.FineYuan > 500000 {
				t.Errorf("%s: fine %d yuan outside 1–50万", key, r.FineYuan)
			}
		} else if r.FineYuan != 0 {
			t.Errorf("%s: fine %d without 罚款", key, r.FineYuan)
		}
		switch r.Severity {
		case credit.Serious:
			serious++
			if r.Accident {
				accident++
			}
			if r.NoticeGiven || r.EducationDone || r.ReminderSet {
				t.Errorf("%s: 三同步 flags on a serious penalty", key)
			}
		case credit.General:
			general++
			if r.Accident {
				t.Errorf("%s: accident but general", key)
			}
			if r.NoticeGiven && r.EducationDone && r.ReminderSet {
				threeInStep++
			}
		default:
			t.Errorf("%s: severity %q", key, r.Severity)
		}
		if !strings.HasPrefix(r.Basis, "《") || r.Violation == "" || r.Facts == "" {
			t.Errorf("%s: basis %q, violation %q", key, r.Basis, r.Violation)
		}
	}
	if p := float64(serious) / float64(n); p < 0.15 || p > 0.28 {
		t.Errorf("%.0f%% serious, want about 20%%", 100*p)
	}
	if accident == 0 || float64(fines)/float64(n) < 0.75 {
		t.Errorf("%d accidents, %d of %d with fines", accident, fines, n)
	}
	if p := float64(threeInStep) / float64(general); p < 0.75 || p > 0.95 {
		t.Errorf("三同步 complete on %.0f%% of general penalties, want most but not all", 100*p)
	}
	for _, pt := range []string{"罚款", "警告", "责令停产停业", "吊销许可证件"} {
		if types[pt] == 0 {
			t.Errorf("no penalty of type %s", pt)
		}
	}
}

func TestStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, s, err := Start(ctx, "127.0.0.1:0", Options{Seed: 1, Records: 200, Today: testToday, Tick: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("base URL %q", base)
	}
	resp, err := http.Get(base + "/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	var h Health
	_ = json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if h.Status != "ok" || credit.DateOf(h.ServerTime) != testToday {
		t.Errorf("health %+v, want ok on %s", h, testToday)
	}
	before := s.Counts()["penalty"] + s.Counts()["inspection"]
	deadline := time.Now().Add(5 * time.Second)
	for s.Counts()["penalty"]+s.Counts()["inspection"] == before {
		if time.Now().After(deadline) {
			t.Fatal("Run produced no new records")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	deadline = time.Now().Add(5 * time.Second)
	for {
		if _, err := http.Get(base + "/v1/health"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("server still answers after cancel")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestOrder checks that every feed serves items in the order they last
// changed, also after ticks.
func TestOrder(t *testing.T) {
	s, srv, c := newTestSim(t, 8, 1000)
	for i := 0; i < 10; i++ {
		c.Add(time.Second)
		s.Step()
	}
	for _, f := range credit.Feeds {
		items, _ := walk(t, srv, f, "", 100)
		var last time.Time
		for _, it := range items {
			if it.Op == api.OpDelete {
				continue
			}
			var meta struct {
				UpdatedAt time.Time `json:"updated_at"`
			}
			if err := json.Unmarshal(it.Data, &meta); err != nil {
				t.Fatal(err)
			}
			if meta.UpdatedAt.Before(last) {
				t.Errorf("feed %s: %s updated %v after an item updated %v", f, it.Key, meta.UpdatedAt, last)
				break
			}
			last = meta.UpdatedAt
		}
	}
}

// TestSyncWhileChanging walks every feed while ticks change it, then catches
// up, and checks that applying what was served gives exactly the server's
// state: nothing skipped, deletes applied, no stale versions left.
func TestSyncWhileChanging(t *testing.T) {
	s, srv, c := newTestSim(t, 9, 1500)
	state := map[string]map[string]string{} // feed -> key -> data
	cursors := map[string]string{}
	apply := func(f string, items []api.Item) {
		if state[f] == nil {
			state[f] = map[string]string{}
		}
		for _, it := range items {
			if it.Op == api.OpDelete {
				delete(state[f], it.Key)
			} else {
				state[f][it.Key] = string(it.Data)
			}
		}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				c.Add(time.Second)
				s.Step()
				time.Sleep(time.Millisecond)
			}
		}
	}()
	for _, f := range credit.Feeds {
		items, next := walk(t, srv, f, "", 7)
		apply(f, items)
		cursors[f] = next
	}
	close(stop)
	<-done
	for _, f := range credit.Feeds {
		items, _ := walk(t, srv, f, cursors[f], 50)
		apply(f, items)
		fresh, _ := walk(t, srv, f, "", api.MaxLimit)
		want := map[string]string{}
		for _, it := range fresh {
			if it.Op == api.OpUpsert {
				want[it.Key] = string(it.Data)
			}
		}
		if len(want) != len(state[f]) {
			t.Errorf("feed %s: client holds %d items, server %d", f, len(state[f]), len(want))
		}
		for k, v := range want {
			if state[f][k] != v {
				t.Errorf("feed %s: item %s differs from the server's", f, k)
				break
			}
		}
	}
}

// TestQuality runs the domain's data-quality checks over the generated
// records: the only problems are the ones seeded on purpose (credit codes,
// missing document numbers, general penalties without all of 三同步, and
// a 公示截止期 under the old periods), at about the intended rates, and
// document numbers are unique.
func TestQuality(t *testing.T) {
	_, srv, _ := newTestSim(t, 1, 0)
	sn := takeSnapshot(t, srv)
	issues := map[string]int{}
	var all []*credit.Record
	general := 0
	rules := credit.DefaultRules()
	for _, r := range sn.records {
		all = append(all, r)
		if r.Kind == credit.Penalty && r.Severity == credit.General {
			general++
		}
		for _, is := range append(credit.CheckRecord(r, testToday), rules.CheckPenalty(r, nil)...) {
			issues[is.Code]++
		}
	}
	for code, n := range issues {
		switch code {
		case credit.IssueUSCCCheck:
			if n < 10 || n > 60 {
				t.Errorf("%d records with a bad credit code, want about 1%% of %d", n, len(all))
			}
		case credit.IssueMissingDocNo:
			if n > 15 {
				t.Errorf("%d records without a document number, want a few", n)
			}
		case credit.IssueThreeInStep:
			if n < general/20 || n > general/4 {
				t.Errorf("%d general penalties without all of 三同步, want about 15%% of %d", n, general)
			}
		case credit.IssuePublishUntil:
			if n == 0 || n > len(all)/20 {
				t.Errorf("%d penalties with a mismatched 公示截止期, want about 1 in 40 of the penalties", n)
			}
		default:
			t.Errorf("unintended quality issue %s on %d records", code, n)
		}
	}
	if d := credit.DuplicateDocNos(all); len(d) != 0 {
		t.Errorf("duplicate document numbers: %v", d)
	}
}
