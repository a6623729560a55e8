package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	credsync "github.com/czyj/credwatch/sync"
	"github.com/czyj/credwatch/sync/sim"
)

// syncedConfig syncs a small simulator into a fresh cache and returns a
// configuration file using that cache, with extra TOML prepended.
func syncedConfig(t *testing.T, extra string) string {
	t.Helper()
	today := credit.MustDate("2026-11-30")
	s := sim.New(sim.Options{Seed: 3, Records: 600, Today: today})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache.db")
	db, err := store.Open(cache, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := &app{today: today}
	eng, err := credsync.New(db, []credsync.Endpoint{{Name: "hub", BaseURL: srv.URL, Feeds: credit.Feeds}}, credsync.Options{Now: a.now})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.toml")
	body := extra + "cache = \"" + cache + "\"\n[[endpoint]]\nname = \"hub\"\nbase_url = \"" + srv.URL + "\"\nfeeds = [\"penalty\"]\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestCheckCommand(t *testing.T) {
	cfg := syncedConfig(t, "departments = [\"320412\"]\n")
	var out, errb bytes.Buffer
	code := run([]string{"--config", cfg, "--today", "2026-11-30", "check", "--json"}, &out, &errb)
	var rep struct {
		Date     string `json:"date"`
		Pass     bool   `json:"pass"`
		ExitCode int    `json:"exit_code"`
		Depts    []string
		Items    []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Count  int    `json:"count"`
			Keys   []string
		} `json:"items"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("not JSON (%v): %s %s", err, out.String(), errb.String())
	}
	if rep.Date != "2026-11-30" || len(rep.Items) != 10 || code != rep.ExitCode {
		t.Errorf("report %+v, exit %d", rep, code)
	}
	failing := 0
	for _, it := range rep.Items {
		if it.Status == "fail" {
			failing++
		}
	}
	if (failing > 0) != (code == 1) || rep.Pass != (code == 0) {
		t.Errorf("%d failing lines but exit %d (pass %v)", failing, code, rep.Pass)
	}

	out.Reset()
	if c := run([]string{"--config", cfg, "--today", "2026-11-30", "check"}, &out, &errb); c != code {
		t.Errorf("text report: exit %d, the JSON report's %d", c, code)
	}
	if !strings.Contains(out.String(), "departments: 武进区") || !strings.Contains(out.String(), "disclosure-overdue") {
		t.Errorf("text report:\n%s", out.String())
	}

	// A year the calendar does not know, and a missing cache: exit 2.
	if code := run([]string{"--config", cfg, "--today", "2031-03-03", "check"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "2031") {
		t.Errorf("unknown year: exit %d, %s", code, errb.String())
	}
	missing := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(missing, []byte("cache = \"/nonexistent/c.db\"\n"), 0o600)
	errb.Reset()
	if code := run([]string{"--config", missing, "check"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "/nonexistent/c.db") {
		t.Errorf("missing cache: exit %d, %s", code, errb.String())
	}
}
