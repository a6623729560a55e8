package credit

import (
	"strings"
	"testing"
)

func TestPipeline(t *testing.T) {
	r := DefaultRules()
	for _, tc := range []struct {
		name  string
		rep   *Repair
		today string
		want  PipelineStatus
		since string
		due   string
	}{
		{name: "nil", rep: nil, today: "2024-05-10", want: PipelineStatus{Stage: StageNotApplied}},
		{name: "nothing recorded", rep: &Repair{ReminderSent: MustDate("2024-05-01")}, today: "2024-05-10",
			want: PipelineStatus{Stage: StageNotApplied}},
		{name: "under review", rep: &Repair{Applied: MustDate("2024-05-06")}, today: "2024-05-10",
			want: PipelineStatus{Stage: StageUnderReview, AgeWorkingDays: 4}, since: "2024-05-06", due: "2024-05-17"},
		{name: "under review, due today", rep: &Repair{Applied: MustDate("2024-05-06")}, today: "2024-05-17",
			want: PipelineStatus{Stage: StageUnderReview, AgeWorkingDays: 10}, since: "2024-05-06", due: "2024-05-17"},
		{name: "under review, applied today", rep: &Repair{Applied: MustDate("2024-05-06")}, today: "2024-05-06",
			want: PipelineStatus{Stage: StageUnderReview}, since: "2024-05-06", due: "2024-05-17"},
		{name: "review stuck", rep: &Repair{Applied: MustDate("2024-05-06")}, today: "2024-05-20",
			want: PipelineStatus{Stage: StageUnderReview, Stuck: true, AgeWorkingDays: 11}, since: "2024-05-06", due: "2024-05-17"},
		{name: "review stuck over a weekend", rep: &Repair{Applied: MustDate("2024-05-06")}, today: "2024-05-18",
			want: PipelineStatus{Stage: StageUnderReview, Stuck: true, AgeWorkingDays: 10}, since: "2024-05-06", due: "2024-05-17"},
		{name: "review across national day", rep: &Repair{Applied: MustDate("2024-09-26")}, today: "2024-10-08",
			want: PipelineStatus{Stage: StageUnderReview, AgeWorkingDays: 4}, since: "2024-09-26", due: "2024-10-15"},
		{name: "rejected", rep: &Repair{Applied: MustDate("2024-05-06"), Reviewed: MustDate("2024-05-15"), Outcome: OutcomeRejected},
			today: "2024-08-01", want: PipelineStatus{Stage: StageRejected}, since: "2024-05-15"},
		{name: "rejected wins over a cancellation", rep: &Repair{Applied: MustDate("2024-05-06"), Reviewed: MustDate("2024-05-15"),
			Outcome: OutcomeRejected, Cancelled: MustDate("2024-05-16")},
			today: "2024-08-01", want: PipelineStatus{Stage: StageRejected}, since: "2024-05-15"},
		{name: "awaiting cancel", rep: &Repair{Applied: MustDate("2024-05-06"), Reviewed: MustDate("2024-05-15"), Outcome: OutcomeApproved},
			today: "2024-05-20", want: PipelineStatus{Stage: StageAwaitingCancel, AgeWorkingDays: 3}, since: "2024-05-15", due: "2024-05-29"},
		{name: "cancel stuck", rep: &Repair{Applied: MustDate("2024-05-06"), Reviewed: MustDate("2024-05-15"), Outcome: OutcomeApproved},
			today: "2024-05-30", want: PipelineStatus{Stage: StageAwaitingCancel, Stuck: true, AgeWorkingDays: 11}, since: "2024-05-15", due: "2024-05-29"},
		{name: "approved without review date", rep: &Repair{Applied: MustDate("2024-05-06"), Outcome: OutcomeApproved},
			today: "2024-05-07", want: PipelineStatus{Stage: StageAwaitingCancel, AgeWorkingDays: 1}, since: "2024-05-06", due: "2024-05-17"},
		{name: "awaiting regrade", rep: &Repair{Applied: MustDate("2024-05-06"), Reviewed: MustDate("2024-05-15"), Outcome: OutcomeApproved,
			Cancelled: MustDate("2024-05-20")},
			today: "2024-05-21", want: PipelineStatus{Stage: StageAwaitingRegrade, AgeWorkingDays: 1}, since: "2024-05-20", due: "2024-05-21"},
		{name: "regrade stuck", rep: &Repair{Applied: MustDate("2024-05-06"), Reviewed: MustDate("2024-05-15"), Outcome: OutcomeApproved,
			Cancelled: MustDate("2024-05-20")},
			today: "2024-05-22", want: PipelineStatus{Stage: StageAwaitingRegrade, Stuck: true, AgeWorkingDays: 2}, since: "2024-05-20", due: "2024-05-21"},
		{name: "regrade due on a saturday (calendar days)", rep: &Repair{Applied: MustDate("2024-05-06"), Outcome: OutcomeApproved,
			Cancelled: MustDate("2024-05-24")},
			today: "2024-05-27", want: PipelineStatus{Stage: StageAwaitingRegrade, Stuck: true, AgeWorkingDays: 1}, since: "2024-05-24", due: "2024-05-25"},
		{name: "cancellation before approval arrives", rep: &Repair{Applied: MustDate("2024-05-06"), Cancelled: MustDate("2024-05-20")},
			today: "2024-05-20", want: PipelineStatus{Stage: StageAwaitingRegrade}, since: "2024-05-20", due: "2024-05-21"},
		{name: "awaiting national", rep: &Repair{Applied: MustDate("2024-05-06"), Reviewed: MustDate("2024-05-15"), Outcome: OutcomeApproved,
			Cancelled: MustDate("2024-05-20"), Regraded: MustDate("2024-05-21")},
			today: "2024-05-28", want: PipelineStatus{Stage: StageAwaitingNational, AgeWorkingDays: 5}, since: "2024-05-21", due: "2024-05-28"},
		{name: "national stuck", rep: &Repair{Applied: MustDate("2024-05-06"), Reviewed: MustDate("2024-05-15"), Outcome: OutcomeApproved,
			Cancelled: MustDate("2024-05-20"), Regraded: MustDate("2024-05-21")},
			today: "2024-05-29", want: PipelineStatus{Stage: StageAwaitingNational, Stuck: true, AgeWorkingDays: 6}, since: "2024-05-21", due: "2024-05-28"},
		{name: "national across national day", rep: &Repair{Applied: MustDate("2024-09-02"), Outcome: OutcomeApproved,
			Cancelled: MustDate("2024-09-25"), Regraded: MustDate("2024-09-26")},
			today: "2024-10-08", want: PipelineStatus{Stage: StageAwaitingNational, AgeWorkingDays: 4}, since: "2024-09-26", due: "2024-10-09"},
		{name: "done", rep: &Repair{Applied: MustDate("2024-05-06"), Reviewed: MustDate("2024-05-15"), Outcome: OutcomeApproved,
			Cancelled: MustDate("2024-05-20"), Regraded: MustDate("2024-05-21"), NationalDone: MustDate("2024-05-24")},
			today: "2024-12-01", want: PipelineStatus{Stage: StageDone}, since: "2024-05-24"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Pipeline(tc.rep, MustDate(tc.today))
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			want.Since, want.Due = ds(tc.since), ds(tc.due)
			if got != want {
				t.Errorf("Pipeline =\n %+v\nwant\n %+v", got, want)
			}
		})
	}
}

func TestPipelineErrors(t *testing.T) {
	r := DefaultRules()
	for _, tc := range []struct {
		name string
		rep  *Repair
		want string
	}{
		{"unknown outcome", &Repair{RecordKey: "penalty/x", Applied: MustDate("2024-05-06"), Outcome: "pending"}, "pending"},
		{"approved with no dates", &Repair{RecordKey: "penalty/x", Outcome: OutcomeApproved}, "penalty/x"},
		{"national deadline in 2028", &Repair{RecordKey: "penalty/x", Applied: MustDate("2027-12-01"), Outcome: OutcomeApproved,
			Cancelled: MustDate("2027-12-27"), Regraded: MustDate("2027-12-28")}, "2028"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Pipeline(tc.rep, MustDate("2027-12-29"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestPipelineDurationsConfigured(t *testing.T) {
	r, err := NewRules(BuiltinCalendar(), BuiltinRuleSets(), PipelineDurations{CancelWorkingDays: 3, RegradeDays: 2, NationalWorkingDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	rep := &Repair{Applied: MustDate("2024-05-06"), Reviewed: MustDate("2024-05-15"), Outcome: OutcomeApproved}
	if st, _ := r.Pipeline(rep, MustDate("2024-05-16")); st.Due.String() != "2024-05-20" {
		t.Errorf("cancel due %s, want 2024-05-20", st.Due)
	}
	rep.Cancelled = MustDate("2024-05-20")
	if st, _ := r.Pipeline(rep, MustDate("2024-05-16")); st.Due.String() != "2024-05-22" {
		t.Errorf("regrade due %s, want 2024-05-22", st.Due)
	}
	rep.Regraded = MustDate("2024-05-24")
	if st, _ := r.Pipeline(rep, MustDate("2024-05-16")); st.Due.String() != "2024-05-27" {
		t.Errorf("national due %s, want 2024-05-27", st.Due)
	}
}

func TestStageNames(t *testing.T) {
	for _, tc := range []struct {
		s        Stage
		en, zh   string
		terminal bool
	}{
		{StageNotApplied, "not applied", "未申请", false},
		{StageUnderReview, "under review", "审核中", false},
		{StageRejected, "rejected", "审核未通过", true},
		{StageAwaitingCancel, "awaiting cancellation", "待注销", false},
		{StageAwaitingRegrade, "awaiting regrade", "待重算等级", false},
		{StageAwaitingNational, "awaiting national repair", "待国家企业信用信息公示系统修复", false},
		{StageDone, "done", "已完成", true},
	} {
		t.Run(tc.en, func(t *testing.T) {
			if tc.s.String() != tc.en || tc.s.Chinese() != tc.zh || tc.s.Terminal() != tc.terminal {
				t.Errorf("%d: %q %q %t", tc.s, tc.s.String(), tc.s.Chinese(), tc.s.Terminal())
			}
		})
	}
}

// Every combination of steps: a repair that is not Open is never stuck and
// never an error, whatever the day; the store lists only Open ones for the
// daily check.
func TestRepairOpenCoversStuck(t *testing.T) {
	r := DefaultRules()
	d := MustDate("2025-06-02")
	dates := []Date{0, d}
	for _, outcome := range []string{"", OutcomeApproved, OutcomeRejected, "unknown"} {
		for _, applied := range dates {
			for _, reviewed := range dates {
				for _, cancelled := range dates {
					for _, regraded := range dates {
						for _, national := range dates {
							rep := Repair{RecordKey: "penalty/1", Applied: applied, Reviewed: reviewed, Outcome: outcome,
								Cancelled: cancelled, Regraded: regraded, NationalDone: national}
							if rep.Open() {
								continue
							}
							for _, today := range []Date{d, MustDate("2026-06-01")} {
								st, err := r.Pipeline(&rep, today)
								if err != nil || st.Stuck {
									t.Errorf("%+v is not Open, but on %s Pipeline gives %+v, %v", rep, today, st, err)
								}
							}
						}
					}
				}
			}
		}
	}
	if !(&Repair{Applied: d}).Open() || (&Repair{}).Open() || (&Repair{ReminderSent: d}).Open() {
		t.Error("Open of the plain cases is wrong")
	}
}
