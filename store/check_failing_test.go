package store

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

// The check data read for a day's failing repairs (checkData with rules,
// as the TUI's reloads and the read model read it) is the whole read cut
// by Rules.KeepFailing: the repairs judged as they are read, those under
// review whose entry lacks their penalty's facts (a schema-2 cache) once
// the facts are added. The lists sized by the last read's lengths are the
// same as grown from nothing.
func TestCheckDataFailingIsKeepFailing(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	factsFixture(t, db, at)
	var reps []credit.Change
	for i := range 300 {
		rep := &credit.Repair{RecordKey: fmt.Sprintf("penalty/P%04d", i)}
		switch i % 4 {
		case 0: // applied days after the decision: too early
			rep.Applied = credit.MustDate("2026-06-10")
		case 1: // applied lately, under review within its time; too early for some tiers
			rep.Applied = credit.MustDate("2026-11-25")
		case 2: // approved in July, never cancelled: stuck
			rep.Applied, rep.Reviewed, rep.Outcome = credit.MustDate("2026-06-20"), credit.MustDate("2026-07-01"), credit.OutcomeApproved
		case 3: // approved lately
			rep.Applied, rep.Reviewed, rep.Outcome = credit.MustDate("2026-11-20"), credit.MustDate("2026-11-27"), credit.OutcomeApproved
		}
		reps = append(reps, credit.Change{Op: credit.OpUpsert, Key: rep.RecordKey, Repair: rep})
	}
	applyAll(t, db, &credit.Page{Endpoint: "e", Feed: "repair", Changes: reps, NextCursor: "r", FetchedAt: at})
	rules, today := credit.DefaultRules(), credit.DateOf(at)
	since, err := rules.LastWorkingDayStart(today)
	if err != nil {
		t.Fatal(err)
	}
	compare := func(name string) {
		t.Helper()
		whole, err := db.CheckDataLean(since)
		if err != nil {
			t.Fatal(err)
		}
		want := rules.KeepFailing(whole.Repairs, today)
		kept := map[int]int{} // by case of the loop above
		for _, rr := range want {
			var i int
			fmt.Sscanf(rr.Repair.RecordKey, "penalty/P%04d", &i)
			kept[i%4]++
		}
		if kept[0] != 75 || kept[1] == 0 || kept[1] == 75 || kept[2] != 75 || kept[3] != 0 {
			t.Fatalf("%s: the fixture keeps %v of each 75 by case; want every early application, some of those under review within their time, every stuck one, no recent approval", name, kept)
		}
		for _, lean := range []bool{true, false, true} {
			got, err := db.checkData(since, map[bool]int{true: leanReleaseEvery, false: checkReleaseEvery}[lean], rules, today)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Repairs, want) {
				t.Errorf("%s, lean %v: %d repairs kept, want the %d KeepFailing keeps", name, lean, len(got.Repairs), len(want))
			}
			got.Repairs, whole.Repairs = nil, nil
			if !reflect.DeepEqual(got, whole) {
				t.Errorf("%s, lean %v: the rest of the check data differs from CheckDataLean's", name, lean)
			}
		}
	}
	compare("schema 3")
	if err := db.update(legacyOpenRepairs); err != nil { // entries without their penalties' facts
		t.Fatal(err)
	}
	compare("open repairs as schema 2 wrote them")
}
