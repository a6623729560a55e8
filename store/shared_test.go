package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

// TestTwoHandlesShareOneFile uses two DB values on one file, as two
// processes would: each sees the other's writes, and neither blocks the
// other between transactions.
func TestTwoHandlesShareOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.db")
	a, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(path, Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("second opener refused: %v", err)
	}
	g0, _ := b.Generation()
	r := penalty("1", "320412", "2026-01-05")
	if err := a.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "penalty", Changes: []credit.Change{upsert(r)}, NextCursor: "c1", FetchedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	g1, _ := b.Generation()
	if g1 <= g0 {
		t.Errorf("generation %d -> %d after a write by the other handle", g0, g1)
	}
	if _, ok, err := b.Record(r.Key()); !ok || err != nil {
		t.Errorf("other handle does not see the record: %v", err)
	}
	if err := b.AppendEvent(credit.Event{Type: credit.EventDone, Endpoint: "zf"}); err != nil {
		t.Fatal(err)
	}
	evs, err := a.EventsAfter(0, 10)
	if err != nil || len(evs) != 2 || evs[0].Type != credit.EventPage || evs[1].Seq != 2 {
		t.Errorf("events = %+v, %v", evs, err)
	}
}

func TestReadOnlyRefusesWrites(t *testing.T) {
	_, path := openTemp(t)
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.AppendEvent(credit.Event{Type: credit.EventDone}); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("write through a read-only handle: %v", err)
	}
}

func TestSyncLockNamesHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.db")
	me := Holder{PID: os.Getpid(), Command: "credwatch sync", Host: "duty-pc", Since: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)}
	l, err := LockSync(path, me)
	if err != nil {
		t.Fatal(err)
	}
	_, err = LockSync(path, Holder{PID: 1, Command: "credwatch (TUI)"})
	if !errors.Is(err, ErrSyncHeld) || !strings.Contains(err.Error(), "credwatch sync, pid") || !strings.Contains(err.Error(), path) {
		t.Errorf("second LockSync: %v", err)
	}
	if h, ok := SyncHolder(path); !ok || h.Host != "duty-pc" {
		t.Errorf("holder = %+v %v", h, ok)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	l2, err := LockSync(path, Holder{PID: 2})
	if err != nil {
		t.Fatalf("lock not released: %v", err)
	}
	l2.Unlock()
}

func TestFollowDeliversNewEvents(t *testing.T) {
	db, _ := openTemp(t)
	db.AppendEvent(credit.Event{Type: credit.EventDone, Endpoint: "old"})
	last, _ := db.LastSeq()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := db.Follow(ctx, last, 10*time.Millisecond)
	for i := 0; i < 3; i++ {
		db.AppendEvent(credit.Event{Type: credit.EventError, Endpoint: "x", Err: "boom\x1b[2J"})
	}
	for i := 0; i < 3; i++ {
		select {
		case ev := <-ch:
			if ev.Endpoint != "x" || ev.Err != "boom" {
				t.Errorf("event %d = %+v", i, ev)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("event %d not delivered", i)
		}
	}
}

func TestEventLogIsBounded(t *testing.T) {
	const keep = 50
	db, err := Open(filepath.Join(t.TempDir(), "c.db"), Options{Exclusive: true, MaxEvents: keep})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 0; i < keep+25; i++ {
		if err := db.AppendEvent(credit.Event{Type: credit.EventDone}); err != nil {
			t.Fatal(err)
		}
	}
	evs, _ := db.EventsAfter(0, keep+100)
	if len(evs) != keep || evs[0].Seq != 26 {
		t.Errorf("kept %d events starting at %d, want %d starting at 26", len(evs), evs[0].Seq, keep)
	}
}
