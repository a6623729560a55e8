package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

var faultNow = time.Date(2026, 3, 18, 10, 30, 0, 0, credit.ChinaZone)

// faultServer serves a small simulator behind faults configured with spec.
func faultServer(t *testing.T, spec string) (*Faults, *httptest.Server) {
	t.Helper()
	f, err := ParseFaults(spec)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Seed: 5, Records: 300, Today: testToday, Now: func() time.Time { return faultNow }})
	srv := httptest.NewServer(f.Wrap(s.Handler()))
	t.Cleanup(srv.Close)
	return f, srv
}

// fetch GETs path with a client that gives up after timeout and returns the
// status, headers and body, or the error of the request or of reading the
// body.
func fetch(srv *httptest.Server, path string, timeout time.Duration) (int, http.Header, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body, err
}

func control(t *testing.T, srv *httptest.Server, method, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+FaultsPath, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestParseFaults(t *testing.T) {
	good := []struct{ spec, canonical string }{
		{"", "off"},
		{"off", "off"},
		{" 5xx = 0.5 , latency=200ms ", "latency=200ms,5xx=0.5"},
		{"5xx=0.5,latency=200ms,429=1:retry=2s,reset=0.3,truncate=1,malformed=1,invalid=0.2,hostile=1,clockskew=26280h,timeout=1",
			"latency=200ms,5xx=0.5,timeout=1,429=1:retry=2s,reset=0.3,truncate=1,malformed=1,invalid=0.2,hostile=1,clockskew=26280h0m0s"},
		{"error5xx=1:status=503:retry=30s", "5xx=1:status=503:retry=30s"},
		{"ratelimit", "429=1:retry=1s"},
		{"truncate:abort=1,seed=9", "truncate=1:abort=1,seed=9"},
		{"latency=10ms:jitter=5ms", "latency=10ms:jitter=5ms"},
		{"clockskew=-8760h", "clockskew=-8760h0m0s"},
		{"5xx=0", "off"},
		{"seed=3", "off"},
	}
	for _, tt := range good {
		t.Run("ok "+tt.spec, func(t *testing.T) {
			f, err := ParseFaults(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.String(); got != tt.canonical {
				t.Errorf("String() = %q, want %q", got, tt.canonical)
			}
			if _, err := ParseFaults(f.String()); err != nil {
				t.Errorf("canonical form does not parse: %v", err)
			}
		})
	}
	bad := []struct{ spec, msg string }{
		{"5xx=2", `"5xx=2": probability "2"`},
		{"5xx=-0.1", "from 0 to 1"},
		{"5xx=NaN", "from 0 to 1"},
		{"latency", `"latency": want a duration`},
		{"latency=fast", `duration "fast"`},
		{"latency=-1s", "not negative"},
		{"5xx=1:status=404", `status "404": want 500, 502 or 503`},
		{"429=1:retry=soon", `retry "soon"`},
		{"429=1:wait=2s", `unknown parameter "wait"`},
		{"429=1:retry", `parameter "retry": want name=value`},
		{"explode=1", `unknown mode "explode"`},
		{"5xx=1,,reset=1", "empty rule"},
		{"reset=1,", "empty rule"},
		{"5xx=1,error5xx=0.5", "mode 5xx is given twice"},
		{"seed=x", `seed "x"`},
		{"truncate=1:abort=maybe", `abort "maybe"`},
	}
	for _, tt := range bad {
		t.Run("bad "+tt.spec, func(t *testing.T) {
			_, err := ParseFaults(tt.spec)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %v, want one mentioning %q", err, tt.msg)
			}
		})
	}
}

// checkItemInvalid reports why the client must refuse an upsert item of
// feed, as sync/decode.go checks it, or "" if it would accept it.
func checkItemInvalid(feed string, it api.Item) string {
	switch feed {
	case credit.FeedSharing:
		var s credit.SharingEntry
		if err := json.Unmarshal(it.Data, &s); err != nil {
			return err.Error()
		}
		if s.Key() != it.Key || !s.Kind.Valid() || s.Received < 0 {
			return "bad sharing entry"
		}
	case credit.FeedRepair:
		var r credit.Repair
		if err := json.Unmarshal(it.Data, &r); err != nil {
			return err.Error()
		}
		if r.RecordKey != it.Key {
			return "key mismatch"
		}
	default:
		var r credit.Record
		if err := json.Unmarshal(it.Data, &r); err != nil {
			return err.Error()
		}
		if string(r.Kind) != feed || r.ID != it.Key || r.Dept == "" || r.Decided.IsZero() {
			return "bad record"
		}
	}
	return ""
}

func TestFaultModes(t *testing.T) {
	const page = "/v1/feeds/penalty?limit=50"
	t.Run("off passes through", func(t *testing.T) {
		_, srv := faultServer(t, "")
		code, _, body, err := fetch(srv, page, 5*time.Second)
		var p api.Page
		if err != nil || code != 200 || json.Unmarshal(body, &p) != nil || len(p.Items) != 50 {
			t.Fatalf("status %d, err %v, body %.100q", code, err, body)
		}
	})
	t.Run("latency", func(t *testing.T) {
		f, srv := faultServer(t, "latency=80ms:jitter=20ms")
		start := time.Now()
		code, _, _, err := fetch(srv, page, 5*time.Second)
		if d := time.Since(start); err != nil || code != 200 || d < 80*time.Millisecond {
			t.Errorf("status %d, err %v after %v; want 200 after at least 80ms", code, err, d)
		}
		if f.Injected()["latency"] != 1 {
			t.Errorf("injected %v", f.Injected())
		}
	})
	t.Run("5xx", func(t *testing.T) {
		_, srv := faultServer(t, "5xx=1:status=503:retry=5s")
		code, h, body, err := fetch(srv, page, 5*time.Second)
		var eb api.ErrorBody
		if err != nil || code != 503 || json.Unmarshal(body, &eb) != nil {
			t.Fatalf("status %d, err %v, body %q", code, err, body)
		}
		if eb.Error.Code != CodeUnavailable || h.Get("Retry-After") != "5" || eb.Error.RequestID == "" || h.Get(RequestIDHeader) != eb.Error.RequestID {
			t.Errorf("body %+v, headers %v", eb, h)
		}
	})
	t.Run("5xx statuses", func(t *testing.T) {
		_, srv := faultServer(t, "5xx=1")
		seen := map[int]bool{}
		for range 30 {
			code, _, _, err := fetch(srv, page, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			seen[code] = true
		}
		if len(seen) != 3 || !seen[500] || !seen[502] || !seen[503] {
			t.Errorf("statuses %v, want 500, 502 and 503", seen)
		}
	})
	t.Run("429", func(t *testing.T) {
		_, srv := faultServer(t, "429=1:retry=1500ms")
		code, h, body, err := fetch(srv, page, 5*time.Second)
		if err != nil || code != 429 || h.Get("Retry-After") != "2" || !bytes.Contains(body, []byte(CodeRateLimited)) {
			t.Errorf("status %d, Retry-After %q, err %v, body %q", code, h.Get("Retry-After"), err, body)
		}
	})
	t.Run("reset", func(t *testing.T) {
		_, srv := faultServer(t, "reset=1")
		if code, _, _, err := fetch(srv, page, 5*time.Second); err == nil {
			t.Errorf("status %d, want a connection error", code)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		f, srv := faultServer(t, "timeout=1")
		start := time.Now()
		_, _, _, err := fetch(srv, page, 150*time.Millisecond)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
			t.Errorf("err %v after %v, want the client's deadline", err, time.Since(start))
		}
		// A hanging request is released, and served, when the spec changes.
		done := make(chan int, 1)
		go func() {
			code, _, _, _ := fetch(srv, page, 10*time.Second)
			done <- code
		}()
		for f.Injected()["timeout"] < 2 {
			time.Sleep(5 * time.Millisecond)
		}
		if err := f.Set("off"); err != nil {
			t.Fatal(err)
		}
		select {
		case code := <-done:
			if code != 200 {
				t.Errorf("released request: status %d, want 200", code)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("request still hangs after the fault was turned off")
		}
	})
	t.Run("truncate", func(t *testing.T) {
		_, clean := faultServer(t, "")
		_, _, want, _ := fetch(clean, page, 5*time.Second)
		_, srv := faultServer(t, "truncate=1")
		code, _, body, err := fetch(srv, page, 5*time.Second)
		if err != nil || code != 200 || len(body) != len(want)/2 || json.Valid(body) || !bytes.HasPrefix(want, body) {
			t.Errorf("status %d, err %v, %d of %d bytes, valid %v", code, err, len(body), len(want), json.Valid(body))
		}
	})
	t.Run("truncate abort", func(t *testing.T) {
		_, srv := faultServer(t, "truncate=1:abort=1")
		_, _, body, err := fetch(srv, page, 5*time.Second)
		if !errors.Is(err, io.ErrUnexpectedEOF) || len(body) == 0 {
			t.Errorf("err %v after %d bytes, want unexpected EOF after half the body", err, len(body))
		}
	})
	t.Run("malformed", func(t *testing.T) {
		_, srv := faultServer(t, "malformed=1")
		code, _, body, err := fetch(srv, page, 5*time.Second)
		if err != nil || code != 200 || json.Valid(body) {
			t.Errorf("status %d, err %v, valid %v", code, err, json.Valid(body))
		}
		for i, m := range malformations {
			for _, in := range []string{`{"feed":"x","items":[],"next_cursor":"","has_more":false}`, `{}`, `{"status":"ok"}`} {
				if out := m([]byte(in)); json.Valid(out) {
					t.Errorf("malformation %d of %s is valid JSON: %s", i, in, out)
				}
			}
		}
	})
	t.Run("invalid", func(t *testing.T) {
		f, srv := faultServer(t, "invalid=1")
		reasons := map[string]int{}
		for _, feed := range credit.Feeds {
			code, _, body, err := fetch(srv, api.FeedPath(feed)+"?limit=40", 5*time.Second)
			var p api.Page
			if err != nil || code != 200 || json.Unmarshal(body, &p) != nil {
				t.Fatalf("%s: status %d, err %v, body %.200q", feed, code, err, body)
			}
			for _, it := range p.Items {
				if it.Op != api.OpUpsert {
					continue
				}
				why := checkItemInvalid(feed, it)
				if why == "" {
					t.Errorf("%s item %s passes validation: %s", feed, it.Key, it.Data)
				}
				reasons[why]++
			}
		}
		if len(reasons) < 4 || f.Injected()["invalid"] == 0 {
			t.Errorf("reasons %v, injected %v: want several kinds of invalid item", reasons, f.Injected())
		}
	})
	t.Run("hostile", func(t *testing.T) {
		_, srv := faultServer(t, "hostile=1")
		code, _, body, err := fetch(srv, page, 5*time.Second)
		if err != nil || code != 200 {
			t.Fatalf("status %d, err %v", code, err)
		}
		if utf8.Valid(body) {
			t.Error("body has no invalid UTF-8")
		}
		var p api.Page
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatalf("hostile page is not JSON: %v", err)
		}
		long := 0
		for _, it := range p.Items {
			var r credit.Record
			if err := json.Unmarshal(it.Data, &r); err != nil {
				t.Fatalf("item %s: %v", it.Key, err)
			}
			if checkItemInvalid("penalty", it) != "" {
				t.Errorf("hostile item %s fails validation", it.Key)
			}
			for _, w := range []string{"\x1b]52;c;" + HostileClipboardPayload + "\x07", "\u202e"} {
				if !strings.Contains(r.SubjectName, w) {
					t.Errorf("item %s subject_name lacks %q", it.Key, w)
				}
			}
			if !strings.Contains(r.Note+r.Content+r.LegalRep, "\u009b") && r.Note != "" {
				t.Errorf("item %s has no C1 control", it.Key)
			}
			if len(r.SubjectName) >= HostileNameBytes {
				long++
			}
			if credit.Sanitize(r.SubjectName) == r.SubjectName {
				t.Errorf("item %s subject_name is clean", it.Key)
			}
		}
		if long == 0 || long == len(p.Items) {
			t.Errorf("%d of %d names overlong, want some", long, len(p.Items))
		}
	})
	t.Run("clockskew", func(t *testing.T) {
		const skew = 26280 * time.Hour
		_, clean := faultServer(t, "")
		_, srv := faultServer(t, "clockskew=26280h")
		var a, b api.Page
		_, _, body, _ := fetch(clean, page, 5*time.Second)
		_ = json.Unmarshal(body, &a)
		_, _, body, err := fetch(srv, page, 5*time.Second)
		if err != nil || json.Unmarshal(body, &b) != nil || len(a.Items) != len(b.Items) {
			t.Fatalf("err %v, %d vs %d items", err, len(a.Items), len(b.Items))
		}
		if d := b.ServerTime.Sub(a.ServerTime); d != skew {
			t.Errorf("server_time moved %v, want %v", d, skew)
		}
		for i := range a.Items {
			var ra, rb credit.Record
			_ = json.Unmarshal(a.Items[i].Data, &ra)
			_ = json.Unmarshal(b.Items[i].Data, &rb)
			if d := rb.UpdatedAt.Sub(ra.UpdatedAt); d != skew {
				t.Errorf("item %s updated_at moved %v", a.Items[i].Key, d)
			}
		}
		var h Health
		_, _, body, _ = fetch(srv, "/v1/health", 5*time.Second)
		if json.Unmarshal(body, &h) != nil || !h.ServerTime.Equal(faultNow.Add(skew)) {
			t.Errorf("health server_time %v, want %v", h.ServerTime, faultNow.Add(skew))
		}
	})
	t.Run("errors pass through body faults", func(t *testing.T) {
		_, srv := faultServer(t, "truncate=1,malformed=1,invalid=1")
		code, _, body, err := fetch(srv, "/v1/feeds/permits", 5*time.Second)
		if err != nil || code != 404 || !json.Valid(body) {
			t.Errorf("status %d, err %v, body %q: a simulator error must pass unchanged", code, err, body)
		}
	})
}

func TestFaultControl(t *testing.T) {
	f, srv := faultServer(t, "5xx=1,reset=1,timeout=1,truncate=1")
	if code, body := control(t, srv, http.MethodGet, ""); code != 200 || body != "5xx=1,timeout=1,reset=1,truncate=1\n" {
		t.Errorf("GET: %d %q", code, body)
	}
	if code, body := control(t, srv, http.MethodPut, "429=1:retry=3s"); code != 200 || body != "429=1:retry=3s\n" {
		t.Errorf("PUT: %d %q", code, body)
	}
	if code, h, _, _ := fetch(srv, "/v1/health", 5*time.Second); code != 429 || h.Get("Retry-After") != "3" {
		t.Errorf("after PUT: health status %d", code)
	}
	code, body := control(t, srv, http.MethodPut, "5xx=7")
	if code != 400 || !strings.Contains(body, "bad_fault_spec") || !strings.Contains(body, "5xx=7") {
		t.Errorf("bad PUT: %d %q", code, body)
	}
	if f.String() != "429=1:retry=3s" {
		t.Errorf("a bad spec changed the faults to %q", f.String())
	}
	if code, body := control(t, srv, http.MethodPut, ""); code != 200 || body != "off\n" {
		t.Errorf("PUT empty: %d %q", code, body)
	}
	if code, _, _, err := fetch(srv, "/v1/health", 5*time.Second); code != 200 || err != nil {
		t.Errorf("after off: health %d %v", code, err)
	}
	if code, _ := control(t, srv, http.MethodPost, "5xx=1"); code != 405 {
		t.Errorf("POST: %d, want 405", code)
	}

	// Only loopback clients may look or change.
	req := httptest.NewRequest(http.MethodPut, FaultsPath, strings.NewReader("5xx=1"))
	req.RemoteAddr = "192.0.2.7:40000"
	rec := httptest.NewRecorder()
	f.Wrap(http.NotFoundHandler()).ServeHTTP(rec, req)
	if rec.Code != 403 || f.String() != "off" {
		t.Errorf("from 192.0.2.7: %d, faults %q", rec.Code, f.String())
	}
	for _, addr := range []string{"127.0.0.1:1", "[::1]:1", "[::ffff:127.0.0.1]:1"} {
		req := httptest.NewRequest(http.MethodGet, FaultsPath, nil)
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		f.Wrap(http.NotFoundHandler()).ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Errorf("from %s: %d, want 200", addr, rec.Code)
		}
	}
}

// outcomes makes n requests one after another and returns their statuses
// (0 for a reset).
func outcomes(t *testing.T, spec string, n int) []int {
	_, srv := faultServer(t, spec)
	var out []int
	for range n {
		code, _, _, _ := fetch(srv, "/v1/health", 5*time.Second)
		out = append(out, code)
	}
	return out
}

func TestFaultsAreReproducible(t *testing.T) {
	const spec = "5xx=0.3,429=0.2,reset=0.1"
	a, b := outcomes(t, spec, 40), outcomes(t, spec, 40)
	if !equalInts(a, b) {
		t.Errorf("same seed, different faults:\n%v\n%v", a, b)
	}
	if c := outcomes(t, spec+",seed=2", 40); equalInts(a, c) {
		t.Errorf("seeds 1 and 2 give the same faults: %v", a)
	}
	kinds := map[int]bool{}
	for _, c := range a {
		kinds[c] = true
	}
	if !kinds[200] || !kinds[429] || len(kinds) < 4 {
		t.Errorf("statuses %v: want a mix of successes and each fault", a)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFaultsConcurrentUse switches faults while requests run (for -race).
func TestFaultsConcurrentUse(t *testing.T) {
	f, srv := faultServer(t, "")
	var wg gosync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				_, _, _, _ = fetch(srv, "/v1/feeds/sharing?limit=20", 2*time.Second)
			}
		})
	}
	for _, spec := range []string{"5xx=0.5", "invalid=0.5,hostile=0.5,clockskew=1h", "truncate=0.5,malformed=0.5", "latency=1ms:jitter=2ms", "429=0.5", "off"} {
		if err := f.Set(spec); err != nil {
			t.Fatal(err)
		}
		_ = f.String()
		_ = f.Injected()
		time.Sleep(10 * time.Millisecond)
	}
	wg.Wait()
}

func TestZeroFaultsInjectNothing(t *testing.T) {
	var f Faults
	s := New(Options{Seed: 5, Records: 50, Today: testToday, Now: func() time.Time { return faultNow }})
	srv := httptest.NewServer(f.Wrap(s.Handler()))
	defer srv.Close()
	if code, _, _, err := fetch(srv, "/v1/feeds/penalty", 5*time.Second); code != 200 || err != nil {
		t.Errorf("status %d, err %v", code, err)
	}
	if f.String() != "off" {
		t.Errorf("String() = %q", f.String())
	}
}
