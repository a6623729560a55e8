package audit

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

// TestRetentionIsByDaysNotCount: many entries never push one out; only
// day files older than the retention are removed, at Open and when a new
// day starts.
func TestRetentionIsByDaysNotCount(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	old := now.AddDate(0, 0, -200)
	recent := now.AddDate(0, 0, -100)
	for _, d := range []time.Time{old, recent} {
		name := filepath.Join(dir, "audit-"+d.In(Zone).Format("20060102")+".jsonl")
		if err := os.WriteFile(name, []byte(`{"seq":0,"at":"`+d.Format(time.RFC3339)+`","type":"ssh-connect","actor":"x"}`+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	l, err := Open(dir, 180)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := range 30000 {
		if i%1000 == 0 || i == 29999 {
			if err := l.Append(credit.Event{At: now, Type: credit.EventSSHRefused, Message: "flood"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	first := credit.Event{At: now.Add(-time.Second), Type: credit.EventSSHConnect, Actor: "张三\x1b[2J"}
	if err := l.Append(first); err != nil {
		t.Fatal(err)
	}
	var got []credit.Event
	if err := Read(dir, now.AddDate(0, 0, -365), func(ev credit.Event) error { got = append(got, ev); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1+31+1 {
		t.Fatalf("read %d entries; want the recent day's 1, 31 appended and 1 more", len(got))
	}
	if !got[0].At.Before(now.AddDate(0, 0, -99)) {
		t.Errorf("the 100-day-old entry is gone; retention is 180 days")
	}
	if got[len(got)-1].Actor != "张三" {
		t.Errorf("actor %q not sanitised", got[len(got)-1].Actor)
	}
	n := 0
	Read(dir, now.Add(-time.Minute), func(credit.Event) error { n++; return nil })
	if n != 32 {
		t.Errorf("since a minute ago: %d entries, want 32", n)
	}
	if fi, err := os.Stat(filepath.Join(dir, "audit-"+now.In(Zone).Format("20060102")+".jsonl")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("day file: %v %v; want 0600", err, fi)
	}
}
