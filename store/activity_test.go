package store

import (
	"slices"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

func TestEventsSince(t *testing.T) {
	db, _ := openTemp(t)
	day := time.Date(2026, 11, 30, 0, 0, 0, 0, credit.ChinaZone)
	for _, ev := range []credit.Event{
		{At: day.Add(-time.Hour), Type: credit.EventDone, Endpoint: "yesterday"},
		{At: day.Add(8 * time.Hour), Type: credit.EventError, Endpoint: "zf", Err: "down"},
		{At: day.Add(9 * time.Hour), Type: credit.EventAction, Actor: "王五", Message: "remind", Depts: []string{"320412"}},
		{At: day.Add(9 * time.Hour), Type: credit.EventAction, Actor: "李四", Message: "remind", Depts: []string{"320402"}},
		{At: day.Add(10 * time.Hour), Type: credit.EventDone, Endpoint: "zf"},
	} {
		if err := db.AppendEvent(ev); err != nil {
			t.Fatal(err)
		}
	}
	names := func(evs []credit.Event) []string {
		var out []string
		for _, ev := range evs {
			out = append(out, string(ev.Type)+":"+ev.Endpoint+ev.Actor)
		}
		return out
	}
	evs, err := db.EventsSince(day, 100)
	if want := []string{"done:zf", "action:李四", "action:王五", "error:zf"}; err != nil || !slices.Equal(names(evs), want) {
		t.Errorf("EventsSince = %v, %v; want %v (newest first, nothing before the day)", names(evs), err, want)
	}
	if evs, _ := db.EventsSince(day, 2); len(evs) != 2 || evs[0].Endpoint != "zf" {
		t.Errorf("limit 2: %v", names(evs))
	}
	scoped := db.Scoped(credit.Scope{Officer: "王五", Depts: []string{"320412"}})
	evs, err = scoped.EventsSince(day, 100)
	if want := []string{"done:zf", "action:王五", "error:zf"}; err != nil || !slices.Equal(names(evs), want) {
		t.Errorf("scoped EventsSince = %v, %v; want %v", names(evs), err, want)
	}
	// An event stamped by another clock amid today's is skipped, not the
	// end of the walk; a long run of older ones is.
	db.AppendEvent(credit.Event{At: day.Add(-48 * time.Hour), Type: credit.EventAction, Actor: "王五", Message: "pinned day"})
	db.AppendEvent(credit.Event{At: day.Add(11 * time.Hour), Type: credit.EventDone, Endpoint: "late"})
	if evs, _ := db.EventsSince(day, 100); len(evs) != 5 || evs[0].Endpoint != "late" || evs[4].Endpoint != "zf" {
		t.Errorf("past an older event: %v", names(evs))
	}
	for range olderRun {
		db.AppendEvent(credit.Event{At: day.Add(-time.Minute), Type: credit.EventDone, Endpoint: "old"})
	}
	db.AppendEvent(credit.Event{At: day.Add(12 * time.Hour), Type: credit.EventDone, Endpoint: "new"})
	if evs, _ := db.EventsSince(day, 100); len(evs) != 1 || evs[0].Endpoint != "new" {
		t.Errorf("after %d older events the walk goes on: %v", olderRun, names(evs))
	}
}
