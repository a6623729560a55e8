package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	credsync "github.com/czyj/credwatch/sync"
)

// jsonLines parses every line of out as one JSON object.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not a JSON line: %q: %v", line, err)
		}
		recs = append(recs, m)
	}
	return recs
}

func TestNewLoggerFormat(t *testing.T) {
	for _, tc := range []struct {
		name, format string
		env          map[string]string
		json         bool
	}{
		{"auto at a terminal", "auto", nil, false},
		{"default at a terminal", "", nil, false},
		{"auto under systemd (JOURNAL_STREAM)", "auto", map[string]string{"JOURNAL_STREAM": "8:12345"}, true},
		{"auto under systemd (INVOCATION_ID)", "", map[string]string{"INVOCATION_ID": "0f3c"}, true},
		{"text under systemd", "text", map[string]string{"JOURNAL_STREAM": "8:12345"}, false},
		{"json at a terminal", "json", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			log, err := newLogger(&b, tc.format, "info", func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			log.Info("listening", "addr", "127.0.0.1:2222")
			out := b.String()
			var m map[string]any
			isJSON := json.Unmarshal(b.Bytes(), &m) == nil
			if isJSON != tc.json {
				t.Fatalf("JSON %v, want %v: %q", isJSON, tc.json, out)
			}
			if !tc.json && (!strings.Contains(out, "level=INFO") || !strings.Contains(out, "addr=127.0.0.1:2222")) {
				t.Errorf("text line %q", out)
			}
		})
	}
	for _, bad := range [][2]string{{"xml", "info"}, {"json", "verbose"}} {
		if _, err := newLogger(&bytes.Buffer{}, bad[0], bad[1], func(string) string { return "" }); err == nil {
			t.Errorf("newLogger(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

// TestLogFlags: the global flags reach the logger, and a bad value is a
// usage error before the command runs.
func TestLogFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"--demo", "--log-format", "xml", "status"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "--log-format") {
		t.Errorf("--log-format xml: exit %d, %q", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"--demo", "--log-level", "loud", "status"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "--log-level") {
		t.Errorf("--log-level loud: exit %d, %q", code, errb.String())
	}
	a, err := newApp(globals{demo: true, logFormat: "json", logLevel: "warn"}, &out, &errb)
	if err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	a.log.Info("hidden")
	a.log.Warn("shown", "endpoint", "hub")
	recs := jsonLines(t, errb.String())
	if len(recs) != 1 || recs[0]["level"] != "WARN" || recs[0]["endpoint"] != "hub" {
		t.Errorf("--log-format json --log-level warn wrote %v", recs)
	}
}

// TestLogEventLevels: sync's events are logged as JSON with their fields
// as attributes, at levels that mean something.
func TestLogEventLevels(t *testing.T) {
	now := time.Now()
	evs := []credsync.Event{
		{At: now, Type: credsync.EventPage, Endpoint: "hub", Feed: "penalty", Items: 100, Bad: 2},
		{At: now, Type: credsync.EventError, Endpoint: "hub", Feed: "licence", Err: "HTTP 503", Retry: 30 * time.Second},
		{At: now, Type: credsync.EventPage, Endpoint: "hub", Feed: "penalty", Items: 40},
		{At: now, Type: credsync.EventDone, Endpoint: "hub"},
		{At: now, Type: credit.EventActionFailed, Endpoint: "hub", Actor: "张三", Message: "signoff"},
		{At: now, Type: credsync.EventDone, Endpoint: "hub"}, // a pass that stored nothing
	}
	for _, tc := range []struct {
		level string
		want  []string // "LEVEL msg" of each line
	}{
		{"debug", []string{"DEBUG page stored", "WARN endpoint failed", "DEBUG page stored", "INFO pass completed", "WARN action refused by the agencies", "DEBUG pass completed"}},
		{"info", []string{"WARN endpoint failed", "INFO pass completed", "WARN action refused by the agencies"}},
		{"warn", []string{"WARN endpoint failed", "WARN action refused by the agencies"}},
	} {
		t.Run(tc.level, func(t *testing.T) {
			var b bytes.Buffer
			log, err := newLogger(&b, "json", tc.level, func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			sl := newSyncLog(log)
			for _, ev := range evs {
				sl.event(ev)
			}
			recs := jsonLines(t, b.String())
			var got []string
			for _, r := range recs {
				got = append(got, r["level"].(string)+" "+r["msg"].(string))
				if r["endpoint"] != "hub" {
					t.Errorf("no endpoint attribute: %v", r)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("lines %q, want %q", got, tc.want)
			}
			for _, r := range recs {
				switch r["event"] {
				case "page":
					if r["feed"] != "penalty" || r["items"] != float64(100) && r["items"] != float64(40) || r["items"] == float64(100) && r["quarantined"] != float64(2) {
						t.Errorf("page line %v", r)
					}
				case "done":
					if r["level"] == "INFO" && r["items"] != float64(40) {
						t.Errorf("a pass after a failed one counts its own pages only: %v", r)
					}
				case "error":
					if r["feed"] != "licence" || r["error"] != "HTTP 503" || r["retry"] == nil {
						t.Errorf("error line %v", r)
					}
				case "action-failed":
					if r["actor"] != "张三" {
						t.Errorf("action line %v", r)
					}
				}
			}
		})
	}
}

// TestStoreErrorsLogged: a pass that could not write the cache is an
// error line; the nil the engine reports after a pass that wrote its
// success logs nothing.
func TestStoreErrorsLogged(t *testing.T) {
	cache := filepath.Join(t.TempDir(), "cache.db")
	lock, err := store.LockSync(cache, store.Holder{PID: os.Getpid(), Command: "test", Since: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()
	var b bytes.Buffer
	log, err := newLogger(&b, "json", "debug", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	onStoreError := storeErrors(lock, log, cache)
	onStoreError(nil)
	if b.Len() != 0 {
		t.Fatalf("a pass that wrote its success logged %q", b.String())
	}
	onStoreError(errors.New("no space left on device"))
	onStoreError(nil)
	recs := jsonLines(t, b.String())
	if len(recs) != 1 || recs[0]["level"] != "ERROR" || recs[0]["err"] != "no space left on device" || recs[0]["cache"] != cache {
		t.Errorf("lines %v; want one error naming the cache and the error", recs)
	}
}
