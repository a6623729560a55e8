package credit

import "testing"

// TestMonthReportHandComputed checks the report against figures worked
// out by hand from the 2026 calendar (no holiday in November or early
// December): a decision on Mon 2026-11-02 is due on Wed 11-11 (3, 4, 5,
// 6, 9, 10, 11); one on Fri 11-27 on Tue 12-08.
func TestMonthReportHandComputed(t *testing.T) {
	r := DefaultRules()
	rec := func(id string, decided, disclosed string) Record {
		p := validPenalty()
		p.ID, p.Dept, p.DocNo = id, "320412", "常武应急罚〔2026〕"+id+"号"
		p.Decided = MustDate(decided)
		if disclosed != "" {
			p.Disclosed = MustDate(disclosed)
		}
		return *p
	}
	onTime := rec("1", "2026-11-02", "2026-11-11")
	late := rec("2", "2026-11-02", "2026-11-12")
	late.SubjectName = "" // and not compliant
	overdue := rec("3", "2026-11-02", "")
	notDue := rec("4", "2026-11-27", "")
	october := rec("5", "2026-10-30", "")
	other := rec("6", "2026-11-02", "2026-11-03")
	other.Dept = "320402" // out of scope
	m, _ := ParseMonth("2026-11")
	rep, err := r.MonthReport(m, MustDate("2026-12-05"), []Record{onTime, late, overdue, notDue, october, other},
		[]RepairRef{
			{Dept: "320412", Repair: Repair{RecordKey: "penalty/9", Applied: MustDate("2026-11-10")}},                                                                                                                                  // review due 11-24: overdue on 12-05
			{Dept: "320412", Repair: Repair{RecordKey: "penalty/8", Applied: MustDate("2026-10-10"), Reviewed: MustDate("2026-11-03"), Outcome: OutcomeApproved, Cancelled: MustDate("2026-11-04"), Regraded: MustDate("2026-11-05")}}, // owed nationally
		}, []string{"320412"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 1 {
		t.Fatalf("rows: %+v", rep.Rows)
	}
	got := rep.Rows[0]
	want := ReportRow{Dept: "320412", Kind: Penalty, Received: 4, Compliant: 3, OnTime: 1, Late: 2, NotDueYet: 1, UndisclosedAtMonthEnd: 2}
	if got != want {
		t.Errorf("row:\n got %+v\nwant %+v", got, want)
	}
	if got.ComplianceRate() != 0.75 || got.LateRate() != 0.5 {
		t.Errorf("rates %v %v", got.ComplianceRate(), got.LateRate())
	}
	if len(rep.Late) != 2 || rep.Late[0].Key != "penalty/2" || rep.Late[0].LateBy != 1 || rep.Late[1].Key != "penalty/3" {
		t.Errorf("late items: %+v", rep.Late)
	}
	if len(rep.Bad) != 1 || rep.Bad[0].Key != "penalty/2" {
		t.Errorf("non-compliant items: %+v", rep.Bad)
	}
	wantRep := RepairReportRow{Dept: "320412", Applications: 1, Approvals: 1, ReviewOverdue: 1, Cancellations: 1, NationalOwed: 1}
	if len(rep.Repair) != 1 || rep.Repair[0] != wantRep {
		t.Errorf("repair: %+v, want %+v", rep.Repair, wantRep)
	}
}
