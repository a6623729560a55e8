package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

// summaryFacts decodes what decodeSummary does of the severity and the
// accident flag, and fails where it fails.
func TestSummaryFacts(t *testing.T) {
	for name, p := range map[string]credit.PenaltySummary{
		"full":     {ID: "CF-1", Dept: "320412", SubjectName: "常州市某某化工有限公司", USCC: "91320412MA1XXXXX0X", DocNo: "常武应急罚〔2025〕1号", Severity: credit.Serious, Decided: credit.MustDate("2025-03-01"), Disclosed: credit.MustDate("2025-03-04"), PenaltyTypes: []string{"警告", "罚款"}},
		"empty":    {ID: "x"},
		"accident": {ID: "CF-2", Dept: "320412", Severity: credit.General, Decided: credit.MustDate("2025-03-01"), Accident: true},
		"三同步":      {ID: "CF-3", Dept: "320412", Severity: credit.Minor, Accident: true, NoticeGiven: true, ReminderSet: true},
	} {
		v := appendSummary(nil, &p)
		for _, in := range []interner{nil, {}} {
			sev, accident, err := summaryFacts(v, in)
			if err != nil || sev != p.Severity || accident != p.Accident {
				t.Errorf("%s: got %q %v (%v), want %q %v", name, sev, accident, err, p.Severity, p.Accident)
			}
		}
		for i := 0; i < len(v); i++ {
			if _, _, err := summaryFacts(v[:i], nil); err == nil {
				t.Errorf("%s truncated to %d bytes: no error", name, i)
			}
		}
		if _, _, err := summaryFacts(append(v, 0), nil); err == nil {
			t.Errorf("%s with a trailing byte: no error", name)
		}
		v1 := append([]byte{sumV1}, v[1:len(v)-1]...) // no flags byte
		if sev, accident, err := summaryFacts(v1, nil); err != nil || sev != p.Severity || accident {
			t.Errorf("%s as v1: got %q %v (%v), want %q and no accident flag", name, sev, accident, err, p.Severity)
		}
	}
}

// The check's penalty references get their summaries' severity and
// accident flag however they fall in the summaries' key order: near each
// other, far apart, listed twice (a quality issue and a shared document
// number), between records of other kinds, and after the last summary.
func TestCheckDataPenaltyFactsInKeyOrder(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	sevs := []credit.Severity{credit.Minor, credit.General, credit.Serious}
	want := map[string]credit.PenaltySummary{}
	var changes []credit.Change
	for i := range 300 {
		r := penalty(fmt.Sprintf("P%04d", i), "320412", "2026-06-01")
		r.Severity = sevs[i%3]
		r.Accident = i%7 == 0
		if i%5 != 0 {
			r.Disclosed = credit.MustDate("2026-06-03") // only every fifth is undisclosed
		}
		if i%11 == 0 {
			r.DocNo = "常武应急罚〔2025〕共用号" // shared: on the quality list too
		}
		if i >= 290 {
			r.USCC = "bad" // a quality issue, at the end of the key range
		}
		changes = append(changes, upsert(r))
		want[r.Key()] = credit.Summarize(r)
	}
	applyAll(t, db, &credit.Page{Endpoint: "e", Feed: "penalty", Changes: changes, NextCursor: "c", FetchedAt: at})
	lic := &credit.Record{Kind: credit.Licence, ID: "L1", Dept: "320412", DocNo: "常武应急罚〔2025〕共用号", Decided: credit.MustDate("2026-06-01"), UpdatedAt: at}
	applyAll(t, db, &credit.Page{Endpoint: "e", Feed: "licence", Changes: []credit.Change{upsert(lic)}, NextCursor: "c", FetchedAt: at})
	d, err := db.CheckData(at.Add(-24 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, list := range [][]credit.RecordRef{d.Undisclosed, d.LateDisclosed, d.Quality} {
		for _, r := range list {
			if r.Kind != credit.Penalty {
				continue
			}
			n++
			if w := want[r.Key]; r.Severity != w.Severity || r.Accident != w.Accident {
				t.Errorf("%s: severity %q accident %v, want %q %v", r.Key, r.Severity, r.Accident, w.Severity, w.Accident)
			}
		}
	}
	if n < 60+27 {
		t.Errorf("%d penalty references: the fixture did not list what it meant to (undisclosed %d, quality %d)", n, len(d.Undisclosed), len(d.Quality))
	}
}
