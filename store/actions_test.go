package store

import (
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

func TestActionsSurviveReopenAndFullResync(t *testing.T) {
	db, path := openTemp(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	r := penalty("7", "320412", "2026-01-05")
	db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "penalty", Changes: []credit.Change{upsert(r)}, FetchedAt: at})
	acts := []credit.Action{
		{ID: "k1", Type: credit.ActionSignoff, Officer: "张三", At: at, Date: credit.MustDate("2026-11-30"), Depts: []string{"320412"}, Note: "无异常"},
		{ID: "k2", Type: credit.ActionReminder, Officer: "张三", At: at, Date: credit.MustDate("2026-11-30"), RecordKey: r.Key()},
		{ID: "k3", Type: credit.ActionNationalDone, Officer: "张三", At: at, Date: credit.MustDate("2026-11-30"), RecordKey: r.Key(), Receipt: "GS2026-001"},
	}
	for _, a := range acts {
		if _, err := db.RecordAction(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.ResetSynced(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := db.Outbox()
	if len(out) != 3 || out[0].Action.ID != "k3" || out[2].State != credit.OutboxPending {
		t.Fatalf("outbox = %+v", out)
	}
	so, _ := db.Signoffs()
	if s := so[credit.MustDate("2026-11-30")]; s.Officer != "张三" || s.Note != "无异常" {
		t.Errorf("signoff = %+v", s)
	}
	snap, _ := db.Snapshot()
	rep, _ := snap.Repairs.Get(r.Key())
	if rep.ReminderSent != credit.MustDate("2026-11-30") || rep.NationalReceipt != "GS2026-001" {
		t.Errorf("repair overlay = %+v", rep)
	}
	if snap.OutboxPending != 3 {
		t.Errorf("pending = %d", snap.OutboxPending)
	}

	due, _ := db.DueActions(at)
	if len(due) != 3 || due[0].Action.ID != "k1" {
		t.Fatalf("due = %+v", due)
	}
	sent := due[0]
	sent.State, sent.SentAt, sent.Attempts = credit.OutboxSent, at, 1
	failed := due[1]
	failed.State, failed.LastError, failed.Attempts = credit.OutboxFailed, "422 record_key unknown", 1
	later := due[2]
	later.Attempts, later.NextTry = 1, at.Add(time.Minute)
	for _, it := range []credit.OutboxItem{sent, failed, later} {
		if err := db.UpdateOutbox(it); err != nil {
			t.Fatal(err)
		}
	}
	if due, _ := db.DueActions(at); len(due) != 0 {
		t.Errorf("due after updates = %+v", due)
	}
	if err := db.RetryAction(failed.Seq); err != nil {
		t.Fatal(err)
	}
	if err := db.RetryAction(sent.Seq); err == nil {
		t.Error("retrying a sent action succeeded")
	}
	due, _ = db.DueActions(at)
	if len(due) != 1 || due[0].Action.ID != "k2" {
		t.Errorf("due after retry = %+v", due)
	}
	evs, _ := db.LastEvents(10)
	var kinds []credit.EventType
	for _, e := range evs {
		kinds = append(kinds, e.Type)
	}
	want := map[credit.EventType]int{credit.EventAction: 3, credit.EventActionSent: 1, credit.EventActionFailed: 1}
	for k, n := range want {
		c := 0
		for _, x := range kinds {
			if x == k {
				c++
			}
		}
		if c != n {
			t.Errorf("%d %s events, want %d (all %v)", c, k, n, kinds)
		}
	}
}

func TestCheckDataFromIndexes(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "c.db"), Options{Exclusive: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	day1 := time.Date(2026, 11, 26, 10, 0, 0, 0, credit.ChinaZone)
	day2 := time.Date(2026, 11, 27, 10, 0, 0, 0, credit.ChinaZone)
	old := penalty("1", "320412", "2026-11-02") // undisclosed, overdue by 11-30
	old.Disclosed = 0
	dis := penalty("2", "320412", "2026-11-10")
	dis.Disclosed = credit.MustDate("2026-11-27")
	dupA := penalty("3", "320411", "2026-11-20")
	dupB := penalty("4", "320411", "2026-11-21")
	dupB.DocNo = dupA.DocNo
	dupA.Disclosed, dupB.Disclosed = credit.MustDate("2026-11-25"), credit.MustDate("2026-11-25")
	db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "penalty", Changes: []credit.Change{upsert(old)}, FetchedAt: day1})
	db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "penalty", Changes: []credit.Change{upsert(dis), upsert(dupA), upsert(dupB)}, FetchedAt: day2})
	// An update keeps the first arrival time.
	db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "penalty", Changes: []credit.Change{upsert(old)}, FetchedAt: day2})

	d, err := db.CheckData(time.Date(2026, 11, 27, 0, 0, 0, 0, credit.ChinaZone))
	if err != nil {
		t.Fatal(err)
	}
	if lean, err := db.CheckDataLean(d.Since); err != nil || !reflect.DeepEqual(lean, d) {
		t.Errorf("CheckDataLean = %+v, %v; CheckData %+v", lean, err, d)
	}
	if d.Received["320412"][credit.Penalty] != 1 || d.Received["320411"][credit.Penalty] != 2 {
		t.Errorf("received = %v", d.Received)
	}
	if len(d.Undisclosed) != 1 || d.Undisclosed[0].Key != old.Key() {
		t.Errorf("undisclosed = %+v", d.Undisclosed)
	}
	if len(d.LateDisclosed) != 1 || d.LateDisclosed[0].Key != dis.Key() {
		t.Errorf("disclosed since = %+v", d.LateDisclosed)
	}
	dups := 0
	for _, q := range d.Quality {
		for _, is := range q.Issues {
			if is == credit.IssueDuplicateDocNo {
				dups++
			}
		}
	}
	if dups != 2 {
		t.Errorf("duplicate doc-no issues = %d, want 2 (%+v)", dups, d.Quality)
	}
	if d.Cached["320412"][credit.Penalty] != 2 {
		t.Errorf("cached = %v", d.Cached)
	}
	recs, _ := db.DeptRecords("320411", credit.Penalty)
	if len(recs) != 2 || recs[0].ID != "3" {
		t.Errorf("dept records = %+v", recs)
	}
	got, _ := db.Records([]string{dupB.Key(), "penalty/none", old.Key()})
	if len(got) != 2 || got[0].ID != "4" || got[1].ID != "1" {
		t.Errorf("records = %+v", got)
	}
}

// TestSnapshotRepairsWithActions checks the one-pass read of the repairs
// against the overlay it replaces: every reported repair, with actions
// applied where an officer acted, and a repair for each record an officer
// acted on that has none reported, before, between and after the others.
func TestSnapshotRepairsWithActions(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	var changes []credit.Change
	reported := map[string]credit.Repair{}
	for _, id := range []string{"20", "40", "60"} {
		rep := credit.Repair{RecordKey: "penalty/" + id, Applied: credit.MustDate("2026-06-01")}
		reported[rep.RecordKey] = rep
		changes = append(changes, credit.Change{Op: credit.OpUpsert, Key: rep.RecordKey, Repair: &rep})
	}
	if err := db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "repair", Changes: changes, NextCursor: "r1", FetchedAt: at}); err != nil {
		t.Fatal(err)
	}
	acted := []string{"10", "40", "50", "70"} // before, on, between and after the reported ones
	for i, id := range acted {
		a := credit.Action{ID: fmt.Sprint("a", i), Type: credit.ActionReminder, Officer: "张三", At: at,
			Date: credit.MustDate("2026-11-30"), RecordKey: "penalty/" + id}
		if _, err := db.RecordAction(a); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := range snap.Repairs.Len() {
		r := snap.Repairs.At(i)
		got = append(got, fmt.Sprintf("%s applied=%v reminded=%v", r.RecordKey, r.Applied, r.ReminderSent))
	}
	want := []string{
		"penalty/10 applied= reminded=2026-11-30",
		"penalty/20 applied=2026-06-01 reminded=",
		"penalty/40 applied=2026-06-01 reminded=2026-11-30",
		"penalty/50 applied= reminded=2026-11-30",
		"penalty/60 applied=2026-06-01 reminded=",
		"penalty/70 applied= reminded=2026-11-30",
	}
	if !slices.Equal(got, want) {
		t.Errorf("repairs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The outbox keeps every field of an item through RecordAction, a send
// recorded by UpdateOutbox (the agency's receipt: RemoteID, ReceivedAt)
// and a reopen of the cache: an item whose every field is set, each to a
// different value, comes back equal with no field zero. A field added to
// credit.OutboxItem and forgotten in UpdateOutbox fails here by name.
func TestOutboxItemKeepsEveryField(t *testing.T) {
	db, path := openTemp(t)
	var want credit.OutboxItem
	f := filler{zone: credit.ChinaZone}
	f.fill(reflect.ValueOf(&want).Elem(), "OutboxItem")
	if zero := zeroFields(reflect.ValueOf(want), "OutboxItem"); len(zero) > 0 {
		t.Fatalf("the filler left fields zero: %v", zero)
	}
	want.State = credit.OutboxSent
	it, err := db.RecordAction(want.Action)
	if err != nil {
		t.Fatal(err)
	}
	want.Seq = it.Seq
	if err := db.UpdateOutbox(want); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out, err := db.Outbox()
	if err != nil || len(out) != 1 {
		t.Fatalf("outbox = %+v, %v", out, err)
	}
	got := out[0]
	for _, path := range zeroFields(reflect.ValueOf(got), "OutboxItem") {
		t.Errorf("%s is lost (zero after the round trip)", path)
	}
	// Times come back in a zone of their own offset: compare instants.
	for _, p := range []struct {
		name      string
		got, want *time.Time
	}{
		{"Action.At", &got.Action.At, &want.Action.At},
		{"NextTry", &got.NextTry, &want.NextTry},
		{"SentAt", &got.SentAt, &want.SentAt},
		{"ReceivedAt", &got.ReceivedAt, &want.ReceivedAt},
	} {
		if !p.got.Equal(*p.want) {
			t.Errorf("%s = %v, want %v", p.name, *p.got, *p.want)
		}
		*p.got, *p.want = time.Time{}, time.Time{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	if got.RemoteID == "" || got.RemoteID != want.RemoteID {
		t.Errorf("receipt id = %q, want %q", got.RemoteID, want.RemoteID)
	}
}
