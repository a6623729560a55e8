package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store/audit"
)

// TestAuditCommand: credwatch audit reads the serve audit trail from
// [serve] audit_dir, since a day or a time, as text or JSON lines.
func TestAuditCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	trail := filepath.Join(dir, "trail")
	os.WriteFile(cfg, []byte("cache = \""+filepath.Join(dir, "cache.db")+"\"\n[serve]\naudit_dir = \""+trail+"\"\n"), 0o600)
	l, err := audit.Open(trail, 180)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(credit.ChinaZone)
	for _, ev := range []credit.Event{
		{At: now.AddDate(0, 0, -10), Type: credit.EventSSHLogin, Actor: "张三", Message: "old"},
		{At: now.Add(-time.Hour), Type: credit.EventSSHLogin, Actor: "张三", Message: "from 10.1.2.7"},
		{At: now.Add(-time.Minute), Type: credit.EventAction, Actor: "张三", Message: "signoff", Err: "refused: read-only"},
	} {
		if err := l.Append(ev); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	run := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := run(append([]string{"--config", cfg, "audit"}, args...), &out, &errb)
		return out.String(), errb.String(), code
	}
	out, errs, code := run()
	if code != 0 || strings.Count(out, "\n") != 2 || strings.Contains(out, "old") || !strings.Contains(out, `actor="张三"`) {
		t.Errorf("default (7 days): exit %d, %q\n%s", code, errs, out)
	}
	out, _, _ = run("--since", now.AddDate(0, 0, -11).Format("2006-01-02"), "--json")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var ev credit.Event
	if len(lines) != 3 || json.Unmarshal([]byte(lines[2]), &ev) != nil || ev.Err != "refused: read-only" {
		t.Errorf("--since 11 days ago --json: %d lines\n%s", len(lines), out)
	}
	if _, errs, code := run("--since", "yesterday"); code != 2 || !strings.Contains(errs, "--since") {
		t.Errorf("bad --since: exit %d, %q", code, errs)
	}
}
