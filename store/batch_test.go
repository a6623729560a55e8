package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

// Pages written in one ApplyPages (items sorted by key across pages) leave
// the same cache as the same pages written one by one: the last page wins
// for a key that several carry, quarantine included.
func TestApplyPagesEqualsOneByOne(t *testing.T) {
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	rec := func(id, dept, docNo string) credit.Change {
		r := penalty(id, dept, "2026-03-02")
		r.DocNo = docNo
		return upsert(r)
	}
	del := func(id string) credit.Change { return credit.Change{Op: credit.OpDelete, Key: "penalty/" + id} }
	bad := func(id string) credit.Quarantined {
		return credit.Quarantined{Endpoint: "e", Feed: "penalty", Key: "penalty/" + id, Reason: "bad", At: at}
	}
	pages := []*credit.Page{
		{Endpoint: "e", Feed: "penalty", FetchedAt: at, NextCursor: "c1",
			Changes:    []credit.Change{rec("9", "320412", "X"), rec("1", "320412", "X"), rec("5", "320411", "Y"), rec("7", "320411", "")},
			Quarantine: []credit.Quarantined{bad("3"), bad("4")}},
		{Endpoint: "e", Feed: "penalty", FetchedAt: at.Add(time.Second), NextCursor: "c2",
			Changes:    []credit.Change{del("9"), rec("3", "320402", "Y"), rec("5", "320402", "Y"), rec("2", "320412", "X")},
			Quarantine: []credit.Quarantined{bad("7")}},
		{Endpoint: "e", Feed: "penalty", FetchedAt: at.Add(2 * time.Second), NextCursor: "c3",
			Changes: []credit.Change{rec("9", "320404", "Z"), rec("1", "320412", "W")}},
	}
	one, _ := openTemp(t)
	for _, p := range pages {
		if err := one.ApplyPage(p); err != nil {
			t.Fatal(err)
		}
	}
	batch, _ := openTemp(t)
	if err := batch.ApplyPages(pages); err != nil {
		t.Fatal(err)
	}
	since := at.Add(-time.Hour)
	a, b := viewOf(t, one, since), viewOf(t, batch, since)
	q1, _ := one.Quarantine()
	q2, _ := batch.Quarantine()
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(q1, q2) {
		t.Errorf("one by one:\n%+v\n%+v\nbatched:\n%+v\n%+v", a.check, q1, b.check, q2)
	}
	if len(q2) != 2 || q2[0].Key != "penalty/4" || q2[1].Key != "penalty/7" {
		t.Errorf("quarantine %+v, want penalty/4 and penalty/7", q2)
	}
	for _, db := range []*DB{one, batch} {
		if c, _ := db.Cursor("e", "penalty"); c != "c3" {
			t.Errorf("cursor %q, want c3", c)
		}
	}
	if got := bucketKeys(t, batch, bDupDocNo); !reflect.DeepEqual(got, []string{"penalty/3", "penalty/5"}) {
		t.Errorf("duplicates %v", got)
	}
}

// The data generation moves with what the views show, not with an empty
// sync pass, an endpoint's failure or an event.
func TestDataGeneration(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	gen := func() uint64 {
		t.Helper()
		s, err := db.Overview()
		if err != nil {
			t.Fatal(err)
		}
		return s.Generation
	}
	steps := []struct {
		name  string
		write func() error
		moves bool
	}{
		{"a page of records", func() error {
			return db.ApplyPage(&credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at, Changes: []credit.Change{upsert(penalty("1", "320412", "2026-03-02"))}})
		}, true},
		{"an empty page", func() error {
			return db.ApplyPage(&credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at, NextCursor: "c"})
		}, false},
		{"an endpoint failure", func() error {
			return db.SaveEndpointStatus(credit.EndpointStatus{Name: "e", LastError: "down", Failures: 1})
		}, false},
		{"an event", func() error {
			return db.AppendEvent(credit.Event{At: at, Type: credit.EventError, Endpoint: "e", Err: "down"})
		}, false},
		{"a quarantined item", func() error {
			return db.ApplyPage(&credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at, Quarantine: []credit.Quarantined{{Endpoint: "e", Feed: "penalty", Key: "penalty/2", Reason: "bad"}}})
		}, true},
		{"an officer's action", func() error {
			_, err := db.RecordAction(credit.Action{ID: "a", Type: credit.ActionReminder, Officer: "张三", At: at, Date: credit.MustDate("2026-03-18"), RecordKey: "penalty/1"})
			return err
		}, true},
	}
	last := gen()
	for _, s := range steps {
		if err := s.write(); err != nil {
			t.Fatal(err)
		}
		g := gen()
		if (g != last) != s.moves {
			t.Errorf("%s: data generation %d -> %d", s.name, last, g)
		}
		last = g
	}
}
