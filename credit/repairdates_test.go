package credit

import (
	"strings"
	"testing"
)

func ds(s string) Date {
	if s == "" {
		return 0
	}
	return MustDate(s)
}

func TestRepair(t *testing.T) {
	r := DefaultRules()
	for _, tc := range []struct {
		name    string
		decided string
		sev     Severity
		types   []string
		applied string
		want    RepairDates // dates as strings below
		due     string
		minEnd  string
		from    string
		maxEnd  string
		review  string
	}{
		{name: "worked example: general decided 2024-01-31", decided: "2024-01-31", sev: General, types: []string{"罚款"},
			want: RepairDates{RuleSet: "changzhou-2022", Repairable: true},
			due:  "2024-02-08", minEnd: "2024-04-30", from: "2024-05-01", maxEnd: "2025-01-31"},
		{name: "serious decided 2024-01-31", decided: "2024-01-31", sev: Serious, types: []string{"罚款"},
			want: RepairDates{RuleSet: "changzhou-2022", Repairable: true},
			due:  "2024-02-08", minEnd: "2024-07-31", from: "2024-08-01", maxEnd: "2027-01-31"},
		{name: "general decided 2023-08-31", decided: "2023-08-31", sev: General, types: []string{"警告"},
			want: RepairDates{RuleSet: "changzhou-2022", Repairable: true},
			due:  "2023-09-11", minEnd: "2023-11-30", from: "2023-12-01", maxEnd: "2024-08-31"},
		{name: "serious decided 2023-08-31 ends on 29 February", decided: "2023-08-31", sev: Serious,
			want: RepairDates{RuleSet: "changzhou-2022", Repairable: true},
			due:  "2023-09-11", minEnd: "2024-02-29", from: "2024-03-01", maxEnd: "2026-08-31"},
		{name: "decided on 29 February", decided: "2024-02-29", sev: General,
			want: RepairDates{RuleSet: "changzhou-2022", Repairable: true},
			due:  "2024-03-11", minEnd: "2024-05-29", from: "2024-05-30", maxEnd: "2025-02-28"},
		{name: "boundary: serious decided 2026-03-31 (changzhou-2022)", decided: "2026-03-31", sev: Serious,
			want: RepairDates{RuleSet: "changzhou-2022", Repairable: true},
			due:  "2026-04-10", minEnd: "2026-09-30", from: "2026-10-01", maxEnd: "2029-03-31"},
		{name: "boundary: serious decided 2026-04-01 (ndrc-2026)", decided: "2026-04-01", sev: Serious,
			want: RepairDates{RuleSet: "ndrc-2026", Repairable: true},
			due:  "2026-04-13", minEnd: "2027-04-01", from: "2027-04-02", maxEnd: "2029-04-01"},
		{name: "boundary: general decided 2026-03-31", decided: "2026-03-31", sev: General,
			want: RepairDates{RuleSet: "changzhou-2022", Repairable: true},
			due:  "2026-04-10", minEnd: "2026-06-30", from: "2026-07-01", maxEnd: "2027-03-31"},
		{name: "boundary: general decided 2026-04-01", decided: "2026-04-01", sev: General,
			want: RepairDates{RuleSet: "ndrc-2026", Repairable: true},
			due:  "2026-04-13", minEnd: "2026-07-01", from: "2026-07-02", maxEnd: "2027-04-01"},
		{name: "minor under ndrc-2026: no minimum period", decided: "2026-05-06", sev: Minor, types: []string{"警告"},
			want: RepairDates{RuleSet: "ndrc-2026", Repairable: true},
			due:  "2026-05-14", minEnd: "2026-05-06", from: "2026-05-07", maxEnd: "2026-08-06"},
		{name: "not repairable: 责令停产停业", decided: "2024-01-31", sev: General, types: []string{"罚款", "责令停产停业"},
			want: RepairDates{RuleSet: "changzhou-2022"},
			due:  "2024-02-08", minEnd: "2024-04-30", from: "", maxEnd: "2027-01-31"},
		{name: "not repairable: 吊销许可证件, serious", decided: "2024-06-03", sev: Serious, types: []string{"吊销许可证件"},
			want: RepairDates{RuleSet: "changzhou-2022"},
			due:  "2024-06-13", minEnd: "2024-12-03", from: "", maxEnd: "2027-06-03"},
		{name: "not repairable under ndrc-2026 too", decided: "2026-06-01", sev: General, types: []string{"责令停产停业"},
			want: RepairDates{RuleSet: "ndrc-2026"},
			due:  "2026-06-10", minEnd: "2026-09-01", from: "", maxEnd: "2029-06-01"},
		{name: "责令关闭 stays repairable", decided: "2024-01-31", sev: General, types: []string{"责令关闭"},
			want: RepairDates{RuleSet: "changzhou-2022", Repairable: true},
			due:  "2024-02-08", minEnd: "2024-04-30", from: "2024-05-01", maxEnd: "2025-01-31"},
		{name: "review due across national day", decided: "2024-05-31", sev: General, applied: "2024-09-26",
			want: RepairDates{RuleSet: "changzhou-2022", Repairable: true},
			due:  "2024-06-12", minEnd: "2024-08-31", from: "2024-09-01", maxEnd: "2025-05-31", review: "2024-10-15"},
		{name: "review due over adjusted saturday", decided: "2024-01-31", sev: General, applied: "2024-05-06",
			want: RepairDates{RuleSet: "changzhou-2022", Repairable: true},
			due:  "2024-02-08", minEnd: "2024-04-30", from: "2024-05-01", maxEnd: "2025-01-31", review: "2024-05-17"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Repair(MustDate(tc.decided), tc.sev, tc.types, ds(tc.applied))
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			want.Decided, want.Severity = MustDate(tc.decided), tc.sev
			want.DisclosureDue, want.MinPeriodEnd, want.EligibleFrom = ds(tc.due), ds(tc.minEnd), ds(tc.from)
			want.MaxDisclosureEnd, want.ReviewDue = ds(tc.maxEnd), ds(tc.review)
			want.Reason = got.Reason
			if got != want {
				t.Errorf("Repair =\n %+v\nwant\n %+v", got, want)
			}
			if got.Repairable != (got.Reason == "") {
				t.Errorf("Repairable %t with Reason %q", got.Repairable, got.Reason)
			}
			for _, ty := range tc.types {
				if (ty == "责令停产停业" || ty == "吊销许可证件") && !strings.Contains(got.Reason, ty) {
					t.Errorf("Reason %q does not name %s", got.Reason, ty)
				}
			}
		})
	}
}

func TestRepairErrors(t *testing.T) {
	r := DefaultRules()
	cz, _ := r.RuleSetByName("changzhou-2022")
	nd, _ := r.RuleSetByName("ndrc-2026")
	for _, tc := range []struct {
		name string
		call func() error
		want string
	}{
		{"minor under changzhou-2022", func() error {
			_, err := r.Repair(MustDate("2025-05-01"), Minor, nil, 0)
			return err
		}, "changzhou-2022"},
		{"minor under changzhou-2022 via RepairWith", func() error {
			_, err := r.RepairWith(cz, MustDate("2026-05-06"), Minor, nil, 0)
			return err
		}, "轻微"},
		{"no severity", func() error { _, err := r.Repair(MustDate("2025-05-01"), "", nil, 0); return err }, "severity"},
		{"unknown severity", func() error { _, err := r.Repair(MustDate("2025-05-01"), "severe", nil, 0); return err }, "severe"},
		{"no decision date", func() error { _, err := r.Repair(0, General, nil, 0); return err }, "decision"},
		{"nil set", func() error { _, err := r.RepairWith(nil, MustDate("2025-05-01"), General, nil, 0); return err }, "rule set"},
		{"licence record", func() error {
			_, err := r.RepairFor(&Record{Kind: Licence, ID: "x", Decided: MustDate("2025-05-01")}, nil)
			return err
		}, "licence/x"},
		{"disclosure runs into 2028", func() error {
			_, err := r.Repair(MustDate("2027-12-28"), General, nil, 0)
			return err
		}, "2028"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	t.Run("RepairWith ignores the set's dates", func(t *testing.T) {
		got, err := r.RepairWith(nd, MustDate("2024-01-31"), Serious, nil, 0)
		if err != nil || got.RuleSet != "ndrc-2026" || got.MinPeriodEnd.String() != "2025-01-31" {
			t.Errorf("= %+v, %v", got, err)
		}
	})
}

func TestRepairFor(t *testing.T) {
	r := DefaultRules()
	rec := &Record{Kind: Penalty, ID: "p1", Decided: MustDate("2024-01-31"), Severity: General, PenaltyTypes: []string{"罚款"}}
	for _, tc := range []struct {
		name   string
		rep    *Repair
		review string
	}{
		{"no repair", nil, ""},
		{"not applied", &Repair{RecordKey: "penalty/p1"}, ""},
		{"applied", &Repair{RecordKey: "penalty/p1", Applied: MustDate("2024-05-06")}, "2024-05-17"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.RepairFor(rec, tc.rep)
			if err != nil {
				t.Fatal(err)
			}
			if got.EligibleFrom.String() != "2024-05-01" || got.ReviewDue.String() != tc.review {
				t.Errorf("= %+v", got)
			}
		})
	}
}
