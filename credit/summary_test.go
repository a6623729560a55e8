package credit

import (
	"reflect"
	"testing"
)

// The views judge disclosure and repair dates from summaries: the results
// must be those of the full records.
func TestSummaryRecordKeepsRules(t *testing.T) {
	r := DefaultRules()
	today := MustDate("2026-11-30")
	var recs []Record
	for _, decided := range []string{"2022-03-01", "2024-02-29", "2025-12-31", "2026-03-31", "2026-04-01", "2026-11-20"} {
		for _, sev := range []Severity{Minor, General, Serious} {
			for _, types := range [][]string{nil, {"罚款"}, {"警告", "责令停产停业"}, {"吊销许可证件"}} {
				for _, disclosed := range []Date{0, MustDate(decided).AddDays(3), MustDate(decided).AddDays(40)} {
					for _, accident := range []bool{false, true} {
						recs = append(recs, Record{Kind: Penalty, ID: "1", Dept: "320412", SubjectName: "某公司", USCC: "91320412MA1XXXXX0X",
							DocNo: "常应急罚〔2026〕1号", Decided: MustDate(decided), Severity: sev, PenaltyTypes: types, Disclosed: disclosed,
							Facts: "事实", Basis: "依据", Content: "内容", FineYuan: 1000, Accident: accident, NoticeGiven: true, ReminderSet: accident})
					}
				}
			}
		}
	}
	rep := &Repair{RecordKey: "penalty/1", Applied: MustDate("2026-10-09")}
	for i := range recs {
		full := &recs[i]
		sum := Summarize(full)
		lite := sum.Record()
		if !reflect.DeepEqual(CheckThreeInStep(full), CheckThreeInStep(&lite)) {
			t.Errorf("%+v: 三同步 %+v from the record, %+v from the summary", sum, CheckThreeInStep(full), CheckThreeInStep(&lite))
		}
		if sum.Key() != full.Key() {
			t.Fatalf("key %q, want %q", sum.Key(), full.Key())
		}
		d1, err1 := r.Disclosure(full, today)
		d2, err2 := r.Disclosure(&lite, today)
		if !reflect.DeepEqual(d1, d2) || (err1 == nil) != (err2 == nil) {
			t.Errorf("%+v: disclosure %+v/%v from the record, %+v/%v from the summary", sum, d1, err1, d2, err2)
		}
		for _, rp := range []*Repair{nil, rep} {
			a1, err1 := r.RepairFor(full, rp)
			a2, err2 := r.RepairFor(&lite, rp)
			if !reflect.DeepEqual(a1, a2) || (err1 == nil) != (err2 == nil) {
				t.Errorf("%+v: repair %+v/%v from the record, %+v/%v from the summary", sum, a1, err1, a2, err2)
			}
		}
	}
}
