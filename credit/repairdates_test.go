package credit

import (
	"reflect"
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
	type c = struct {
		name      string
		decided   string
		sev       Severity
		types     []string
		accident  bool
		applied   string
		fulfilled string
		set       string // rule set applied
		tier      Severity
		due       string // "" with notDisclosed or unknown
		minEnd    string
		from      string
		maxEnd    string
		review    string
		repair    bool
		notDisc   bool
		unknown   []string
		provis    []string
		appIssue  string // code of ApplicationIssue, "" for none
	}
	for _, tc := range []c{
		// changzhou-2022: 常应急〔2022〕19号 Art. 8 / 527, decisions before 2023-05-01.
		{name: "changzhou-2022 general", decided: "2022-09-30", sev: General, types: []string{"罚款"}, set: "changzhou-2022", tier: General,
			due: "2022-10-14", minEnd: "2022-12-30", from: "2022-12-31", maxEnd: "2023-09-30", repair: true},
		{name: "changzhou-2022 serious ends on 28 February", decided: "2022-08-31", sev: Serious, set: "changzhou-2022", tier: Serious,
			due: "2022-09-09", minEnd: "2023-02-28", from: "2023-03-01", maxEnd: "2025-08-31", repair: true},
		{name: "changzhou-2022 责令停产停业 not repairable (527 特定严重)", decided: "2022-09-30", sev: General, types: []string{"罚款", "责令停产停业"},
			set: "changzhou-2022", tier: General, due: "2022-10-14", minEnd: "2022-12-30", maxEnd: "2025-09-30"},
		{name: "changzhou-2022 accident graded general is serious", decided: "2022-09-30", sev: General, accident: true, set: "changzhou-2022", tier: Serious,
			due: "2022-10-14", minEnd: "2023-03-30", from: "2023-03-31", maxEnd: "2025-09-30", repair: true},
		{name: "boundary: last day of changzhou-2022", decided: "2023-04-30", sev: Serious, set: "changzhou-2022", tier: Serious,
			due: "2023-05-11", minEnd: "2023-10-30", from: "2023-10-31", maxEnd: "2026-04-30", repair: true},
		{name: "boundary: general 2023-04-28", decided: "2023-04-28", sev: General, set: "changzhou-2022", tier: General,
			due: "2023-05-11", minEnd: "2023-07-28", from: "2023-07-29", maxEnd: "2024-04-28", repair: true},

		// ndrc-2023: NDRC Order No. 58, 2023-05-01 to 2026-03-31.
		{name: "boundary: first day of ndrc-2023, serious 1 year", decided: "2023-05-01", sev: Serious, set: "ndrc-2023", tier: Serious,
			due: "2023-05-11", minEnd: "2024-05-01", from: "2024-05-02", maxEnd: "2026-05-01", repair: true},
		{name: "ndrc-2023 general 3 months, 3 years", decided: "2024-01-31", sev: General, types: []string{"罚款"}, set: "ndrc-2023", tier: General,
			due: "2024-02-08", minEnd: "2024-04-30", from: "2024-05-01", maxEnd: "2027-01-31", repair: true},
		{name: "ndrc-2023 serious", decided: "2024-01-31", sev: Serious, types: []string{"罚款"}, set: "ndrc-2023", tier: Serious,
			due: "2024-02-08", minEnd: "2025-01-31", from: "2025-02-01", maxEnd: "2027-01-31", repair: true},
		{name: "ndrc-2023 decided on 29 February", decided: "2024-02-29", sev: General, set: "ndrc-2023", tier: General,
			due: "2024-03-11", minEnd: "2024-05-29", from: "2024-05-30", maxEnd: "2027-02-28", repair: true},
		{name: "ndrc-2023 吊销许可证件 is repairable (Art. 2)", decided: "2024-06-03", sev: Serious, types: []string{"吊销许可证件"}, set: "ndrc-2023", tier: Serious,
			due: "2024-06-13", minEnd: "2025-06-03", from: "2025-06-04", maxEnd: "2027-06-03", repair: true},
		{name: "ndrc-2023 责令停产停业 is repairable", decided: "2024-01-31", sev: General, types: []string{"责令停产停业"}, set: "ndrc-2023", tier: General,
			due: "2024-02-08", minEnd: "2024-04-30", from: "2024-05-01", maxEnd: "2027-01-31", repair: true},
		{name: "ndrc-2023 accident graded general is serious", decided: "2024-01-31", sev: General, accident: true, set: "ndrc-2023", tier: Serious,
			due: "2024-02-08", minEnd: "2025-01-31", from: "2025-02-01", maxEnd: "2027-01-31", repair: true},
		{name: "boundary: last day of ndrc-2023", decided: "2026-03-31", sev: Serious, set: "ndrc-2023", tier: Serious,
			due: "2026-04-10", minEnd: "2027-03-31", from: "2027-04-01", maxEnd: "2029-03-31", repair: true},
		{name: "boundary: general 2026-03-31", decided: "2026-03-31", sev: General, set: "ndrc-2023", tier: General,
			due: "2026-04-10", minEnd: "2026-06-30", from: "2026-07-01", maxEnd: "2029-03-31", repair: true},

		// ndrc-2026: NDRC Order No. 36, from 2026-04-01.
		{name: "boundary: first day of ndrc-2026, serious", decided: "2026-04-01", sev: Serious, set: "ndrc-2026", tier: Serious,
			due: "2026-04-13", minEnd: "2027-04-01", from: "2027-04-02", maxEnd: "2029-04-01", repair: true},
		{name: "ndrc-2026 general", decided: "2026-04-01", sev: General, set: "ndrc-2026", tier: General,
			due: "2026-04-13", minEnd: "2026-07-01", from: "2026-07-02", maxEnd: "2027-04-01", repair: true},
		{name: "ndrc-2026 吊销许可证件 serious is repairable (issue 16 item 1)", decided: "2026-05-06", sev: Serious, types: []string{"吊销许可证件"},
			set: "ndrc-2026", tier: Serious, due: "2026-05-14", minEnd: "2027-05-06", from: "2027-05-07", maxEnd: "2029-05-06", repair: true},
		{name: "ndrc-2026 吊销许可证件 graded general is serious", decided: "2026-05-06", sev: General, types: []string{"吊销许可证件"},
			set: "ndrc-2026", tier: Serious, due: "2026-05-14", minEnd: "2027-05-06", from: "2027-05-07", maxEnd: "2029-05-06", repair: true},
		{name: "ndrc-2026 责令停产停业 general is repairable", decided: "2026-06-01", sev: General, types: []string{"责令停产停业"},
			set: "ndrc-2026", tier: General, due: "2026-06-10", minEnd: "2026-09-01", from: "2026-09-02", maxEnd: "2027-06-01", repair: true},
		{name: "ndrc-2026 minor: not disclosed, eligible on fulfilment (none recorded)", decided: "2026-05-06", sev: Minor, types: []string{"警告"},
			set: "ndrc-2026", tier: Minor, notDisc: true, minEnd: "2026-05-06", maxEnd: "2026-08-06", repair: true},
		{name: "ndrc-2026 minor fulfilled the same day", decided: "2026-05-06", sev: Minor, fulfilled: "2026-05-06",
			set: "ndrc-2026", tier: Minor, notDisc: true, minEnd: "2026-05-06", from: "2026-05-06", maxEnd: "2026-08-06", repair: true},
		{name: "ndrc-2026 minor applied without fulfilment", decided: "2026-05-06", sev: Minor, applied: "2026-05-11",
			set: "ndrc-2026", tier: Minor, notDisc: true, minEnd: "2026-05-06", maxEnd: "2026-08-06", repair: true,
			review: "2026-05-25", appIssue: IssueAppliedBeforeEligible},
		{name: "ndrc-2026 minor with accident is serious", decided: "2026-05-06", sev: Minor, accident: true,
			set: "ndrc-2026", tier: Serious, due: "2026-05-14", minEnd: "2027-05-06", from: "2027-05-07", maxEnd: "2029-05-06", repair: true},

		// Applications (item 7).
		{name: "applied before eligibility (issue 16 item 7)", decided: "2024-01-31", sev: Serious, applied: "2024-05-06", set: "ndrc-2023", tier: Serious,
			due: "2024-02-08", minEnd: "2025-01-31", from: "2025-02-01", maxEnd: "2027-01-31", repair: true, review: "2024-05-17", appIssue: IssueAppliedBeforeEligible},
		{name: "applied on the first eligible day", decided: "2024-01-31", sev: General, applied: "2024-05-01", set: "ndrc-2023", tier: General,
			due: "2024-02-08", minEnd: "2024-04-30", from: "2024-05-01", maxEnd: "2027-01-31", repair: true, review: "2024-05-16"},
		{name: "applied for an unrepairable penalty", decided: "2022-09-30", sev: General, types: []string{"责令停产停业"}, applied: "2023-01-03",
			set: "changzhou-2022", tier: General, due: "2022-10-14", minEnd: "2022-12-30", maxEnd: "2025-09-30", review: "2023-01-17", appIssue: IssueAppliedNotRepairable},
		{name: "review due across national day", decided: "2024-05-31", sev: General, applied: "2024-09-26", set: "ndrc-2023", tier: General,
			due: "2024-06-12", minEnd: "2024-08-31", from: "2024-09-01", maxEnd: "2027-05-31", review: "2024-10-15", repair: true},

		// Calendar years (items 8, 9).
		{name: "unknown 2028: month dates still computed (issue 16 item 8)", decided: "2027-12-28", sev: General, set: "ndrc-2026", tier: General,
			minEnd: "2028-03-28", from: "2028-03-29", maxEnd: "2028-12-28", repair: true, unknown: []string{"disclosure_due"}},
		{name: "unknown 2028 review", decided: "2027-06-01", sev: General, applied: "2027-12-27", set: "ndrc-2026", tier: General,
			due: "2027-06-11", minEnd: "2027-09-01", from: "2027-09-02", maxEnd: "2028-06-01", repair: true,
			unknown: []string{"review_due"}, provis: []string{"disclosure_due"}},
		{name: "2027 provisional", decided: "2027-03-10", sev: General, set: "ndrc-2026", tier: General,
			due: "2027-03-19", minEnd: "2027-06-10", from: "2027-06-11", maxEnd: "2028-03-10", repair: true, provis: []string{"disclosure_due"}},
		{name: "deadline crossing into 2027 is provisional", decided: "2026-12-28", sev: General, set: "ndrc-2026", tier: General,
			due: "2027-01-07", minEnd: "2027-03-28", from: "2027-03-29", maxEnd: "2027-12-28", repair: true, provis: []string{"disclosure_due"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Repair(PenaltyFacts{Decided: MustDate(tc.decided), Severity: tc.sev, PenaltyTypes: tc.types,
				Accident: tc.accident, Applied: ds(tc.applied), Fulfilled: ds(tc.fulfilled)})
			if err != nil {
				t.Fatal(err)
			}
			check := func(what string, got, want any) {
				t.Helper()
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %v, want %v", what, got, want)
				}
			}
			check("RuleSet", got.RuleSet, tc.set)
			check("Severity", got.Severity, tc.sev)
			check("Tier", got.Tier, tc.tier)
			check("Regraded set", got.Regraded != "", tc.tier != tc.sev)
			check("NotDisclosed", got.NotDisclosed, tc.notDisc)
			check("OnFulfilment", got.OnFulfilment, tc.tier == Minor)
			check("DisclosureDue", got.DisclosureDue, ds(tc.due))
			check("MinPeriodEnd", got.MinPeriodEnd, ds(tc.minEnd))
			check("EligibleFrom", got.EligibleFrom, ds(tc.from))
			check("MaxDisclosureEnd", got.MaxDisclosureEnd, ds(tc.maxEnd))
			check("ReviewDue", got.ReviewDue, ds(tc.review))
			check("Repairable", got.Repairable, tc.repair)
			check("Reason set", got.Reason != "", !tc.repair)
			check("Unknown", got.Unknown, tc.unknown)
			check("Provisional", got.Provisional, tc.provis)
			code := ""
			if got.ApplicationIssue != nil {
				code = got.ApplicationIssue.Code
			}
			check("ApplicationIssue", code, tc.appIssue)
			for _, ty := range tc.types {
				if !tc.repair && (ty == "责令停产停业" || ty == "吊销许可证件") && !strings.Contains(got.Reason, ty) {
					t.Errorf("Reason %q does not name %s", got.Reason, ty)
				}
			}
			if tc.accident && !strings.Contains(got.Regraded, "生产安全事故") {
				t.Errorf("Regraded %q does not name the accident", got.Regraded)
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
			_, err := r.Repair(PenaltyFacts{Decided: MustDate("2023-03-01"), Severity: Minor})
			return err
		}, "changzhou-2022"},
		{"minor under ndrc-2023", func() error {
			_, err := r.Repair(PenaltyFacts{Decided: MustDate("2025-05-01"), Severity: Minor})
			return err
		}, "ndrc-2023"},
		{"fulfilled before the decision", func() error {
			_, err := r.Repair(PenaltyFacts{Decided: MustDate("2026-05-06"), Severity: Minor, Fulfilled: MustDate("2026-05-05")})
			return err
		}, "before the decision"},
		{"minor under changzhou-2022 via RepairWith", func() error {
			_, err := r.RepairWith(cz, PenaltyFacts{Decided: MustDate("2026-05-06"), Severity: Minor})
			return err
		}, "轻微"},
		{"no severity", func() error { _, err := r.Repair(PenaltyFacts{Decided: MustDate("2025-05-01")}); return err }, "severity"},
		{"unknown severity", func() error {
			_, err := r.Repair(PenaltyFacts{Decided: MustDate("2025-05-01"), Severity: "severe"})
			return err
		}, "severe"},
		{"no decision date", func() error { _, err := r.Repair(PenaltyFacts{Severity: General}); return err }, "decision"},
		{"nil set", func() error {
			_, err := r.RepairWith(nil, PenaltyFacts{Decided: MustDate("2025-05-01"), Severity: General})
			return err
		}, "rule set"},
		{"licence record", func() error {
			_, err := r.RepairFor(&Record{Kind: Licence, ID: "x", Decided: MustDate("2025-05-01")}, nil)
			return err
		}, "licence/x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	t.Run("RepairWith ignores the set's dates", func(t *testing.T) {
		got, err := r.RepairWith(nd, PenaltyFacts{Decided: MustDate("2024-01-31"), Severity: Serious})
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
			if got.RuleSet != "ndrc-2023" || got.EligibleFrom.String() != "2024-05-01" || got.ReviewDue.String() != tc.review {
				t.Errorf("= %+v", got)
			}
		})
	}
}

// Issue 16 item 3: the officer records the fulfilment of a minor penalty's
// obligations (ActionFulfilled); the repair then carries it and the penalty
// is eligible from that day.
func TestFulfilmentRecorded(t *testing.T) {
	r := DefaultRules()
	rec := &Record{Kind: Penalty, ID: "m1", Decided: MustDate("2026-05-06"), Severity: Minor, PenaltyTypes: []string{"警告"}}
	rep := &Repair{RecordKey: rec.Key()}
	before, err := r.RepairFor(rec, rep)
	if err != nil || !before.OnFulfilment || !before.EligibleFrom.IsZero() {
		t.Fatalf("before: %+v %v", before, err)
	}
	ApplyActions(rep, []Action{
		{Type: ActionFulfilled, RecordKey: rec.Key(), Date: MustDate("2026-05-20")},
		{Type: ActionFulfilled, RecordKey: rec.Key(), Date: MustDate("2026-06-01")}, // the first recorded stands
	})
	after, err := r.RepairFor(rec, rep)
	if err != nil || rep.Fulfilled != MustDate("2026-05-20") || after.EligibleFrom != MustDate("2026-05-20") || after.Fulfilled != MustDate("2026-05-20") {
		t.Errorf("after: repair %+v dates %+v %v", rep, after, err)
	}
	reported := &Repair{RecordKey: rec.Key(), Fulfilled: MustDate("2026-05-18")}
	ApplyActions(reported, []Action{{Type: ActionFulfilled, Date: MustDate("2026-05-20")}})
	if reported.Fulfilled != MustDate("2026-05-18") {
		t.Errorf("a reported fulfilment was overwritten: %s", reported.Fulfilled)
	}
}
