package credit

import (
	"fmt"
	"slices"
	"strings"
)

// The monthly report (月度双公示通报 as a department sees it before the
// provincial bulletin): per department and kind, for the decisions of one
// month, the figures the bulletins publish. docs/report.md defines each
// figure and says where the definition comes from. Its figures use the
// same definitions as the daily check: a quality error is IsQualityIssue
// of CheckRecord's issues, and a disclosure's timeliness is
// Rules.Disclosure (DisclosureDue: the 7th working day after the decision).

// ReportRow is one department and kind of a month.
type ReportRow struct {
	Dept string `json:"dept"`
	Kind Kind   `json:"kind"`
	// Received (归集): records decided in the month that the cache holds.
	Received int `json:"received"`
	// Compliant (合规): of those, the records with no quality error.
	Compliant int `json:"compliant"`
	// OnTime (按时公示): disclosed by the 7th working day after the decision.
	OnTime int `json:"on_time"`
	// Late (迟报): disclosed after it, or not disclosed and past it as of
	// the report's day.
	Late int `json:"late"`
	// NotDueYet: not disclosed, the deadline not passed on the report's day.
	NotDueYet int `json:"not_due_yet"`
	// NotRequired: minor penalties in principle not disclosed (ndrc-2026).
	NotRequired int `json:"not_required"`
	// UndisclosedAtMonthEnd (未公示): not disclosed by the month's last day.
	UndisclosedAtMonthEnd int `json:"undisclosed_at_month_end"`
}

// ComplianceRate is 数据合规率: Compliant / Received (1 when none received).
func (r ReportRow) ComplianceRate() float64 { return ratio(r.Compliant, r.Received, 1) }

// LateRate is 迟报率: Late / Received (0 when none received).
func (r ReportRow) LateRate() float64 { return ratio(r.Late, r.Received, 0) }

func ratio(n, d int, empty float64) float64 {
	if d == 0 {
		return empty
	}
	return float64(n) / float64(d)
}

// ReportItem is a record behind a late or non-compliant figure.
type ReportItem struct {
	Key       string   `json:"key"`
	Dept      string   `json:"dept"`
	Kind      Kind     `json:"kind"`
	DocNo     string   `json:"doc_no"`
	Subject   string   `json:"subject_name"`
	Decided   Date     `json:"decided"`
	Due       Date     `json:"due,omitempty"`
	Disclosed Date     `json:"disclosed,omitempty"`
	LateBy    int      `json:"late_by_working_days,omitempty"`
	State     string   `json:"state"`            // DisclosureState in English
	Issues    []string `json:"issues,omitempty"` // quality issue codes
	Origin    *Origin  `json:"origin,omitempty"` // file, sheet and row of an imported record
}

// RepairReportRow is the repair side of one department for the month.
type RepairReportRow struct {
	Dept string `json:"dept"`
	// Applications (申请): repairs applied for in the month.
	Applications int `json:"applications"`
	// Approvals (通过): approved by 信用中国 with a review date in the month.
	Approvals int `json:"approvals"`
	// ReviewOverdue (审核超期): under review past the rule set's 10 working
	// days on the report's day (the daily check's stuck review).
	ReviewOverdue int `json:"review_overdue"`
	// Cancellations (注销): cancelled in the city system in the month.
	Cancellations int `json:"cancellations"`
	// NationalOwed (待国家企业信用信息公示系统修复): regraded, the bureau's
	// repair in the national system not recorded, on the report's day.
	NationalOwed int `json:"national_owed"`
}

// MonthReport is the report of one month for a set of departments.
type MonthReport struct {
	Month  Month             `json:"month"`
	AsOf   Date              `json:"as_of"`
	Rows   []ReportRow       `json:"rows"`
	Total  ReportRow         `json:"total"`
	Late   []ReportItem      `json:"late"`
	Bad    []ReportItem      `json:"non_compliant"`
	Repair []RepairReportRow `json:"repair"`
	// Quarantined counts the items in 异常数据: refused before they became
	// records, so no month is known for them; they are not in Received.
	Quarantined int `json:"quarantined"`
}

// IsQualityIssue reports whether an issue code is a data-quality error,
// the daily check's quality line and the report's 合规: every issue but
// the missing 三同步 steps, a duty rather than a data error.
func IsQualityIssue(code string) bool { return code != IssueThreeInStep }

// QualityErrors returns the quality error codes among rec's issues as of today.
func QualityErrors(rec *Record, today Date) []string {
	var out []string
	for _, is := range CheckRecord(rec, today) {
		if IsQualityIssue(is.Code) {
			out = append(out, is.Code)
		}
	}
	return out
}

// MonthReport computes the report of month m as of asOf from the records
// and repairs of the departments in scope (all when depts is empty).
// Records of other months, and of departments out of scope, are skipped.
func (r *Rules) MonthReport(m Month, asOf Date, recs []Record, repairs []RepairRef, depts []string) (MonthReport, error) {
	in := func(d string) bool { return len(depts) == 0 || slices.Contains(depts, d) }
	first, last := m.First(), m.Last()
	rep := MonthReport{Month: m, AsOf: asOf}
	rows := map[[2]string]*ReportRow{}
	for i := range recs {
		rec := &recs[i]
		if !in(rec.Dept) || rec.Decided.Before(first) || rec.Decided.After(last) {
			continue
		}
		k := [2]string{rec.Dept, string(rec.Kind)}
		row := rows[k]
		if row == nil {
			row = &ReportRow{Dept: rec.Dept, Kind: rec.Kind}
			rows[k] = row
		}
		row.Received++
		issues := QualityErrors(rec, asOf)
		item := func(state string, d Disclosure) ReportItem {
			return ReportItem{Key: rec.Key(), Dept: rec.Dept, Kind: rec.Kind, DocNo: rec.DocNo, Subject: rec.SubjectName,
				Decided: rec.Decided, Due: d.Due, Disclosed: rec.Disclosed, LateBy: d.LateBy, State: state, Issues: issues, Origin: rec.Origin}
		}
		d, err := r.Disclosure(rec, asOf)
		if err != nil {
			return rep, fmt.Errorf("report %s: %s: %w", m, rec.Key(), err)
		}
		if len(issues) == 0 {
			row.Compliant++
		} else {
			rep.Bad = append(rep.Bad, item(d.State.String(), d))
		}
		switch d.State {
		case DisclosedOnTime:
			row.OnTime++
		case DisclosedLate, Overdue:
			row.Late++
			rep.Late = append(rep.Late, item(d.State.String(), d))
		case NotYetDue:
			row.NotDueYet++
		case NotRequired:
			row.NotRequired++
		}
		if rec.Disclosed.IsZero() || rec.Disclosed.After(last) {
			if d.State != NotRequired {
				row.UndisclosedAtMonthEnd++
			}
		}
	}
	for _, row := range rows {
		rep.Rows = append(rep.Rows, *row)
		t := &rep.Total
		t.Received += row.Received
		t.Compliant += row.Compliant
		t.OnTime += row.OnTime
		t.Late += row.Late
		t.NotDueYet += row.NotDueYet
		t.NotRequired += row.NotRequired
		t.UndisclosedAtMonthEnd += row.UndisclosedAtMonthEnd
	}
	slices.SortFunc(rep.Rows, func(a, b ReportRow) int {
		if c := strings.Compare(a.Dept, b.Dept); c != 0 {
			return c
		}
		return slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind)
	})
	byKey := func(a, b ReportItem) int { return strings.Compare(a.Key, b.Key) }
	slices.SortFunc(rep.Late, byKey)
	slices.SortFunc(rep.Bad, byKey)

	reps := map[string]*RepairReportRow{}
	within := func(d Date) bool { return !d.IsZero() && !d.Before(first) && !d.After(last) }
	for _, rr := range repairs {
		if !in(rr.Dept) {
			continue
		}
		row := reps[rr.Dept]
		if row == nil {
			row = &RepairReportRow{Dept: rr.Dept}
			reps[rr.Dept] = row
		}
		x := &rr.Repair
		if within(x.Applied) {
			row.Applications++
		}
		if x.Outcome == OutcomeApproved && within(x.Reviewed) {
			row.Approvals++
		}
		if within(x.Cancelled) {
			row.Cancellations++
		}
		st, err := r.Pipeline(x, asOf)
		if err != nil {
			return rep, fmt.Errorf("report %s: %w", m, err)
		}
		if st.Stage == StageUnderReview && st.Stuck {
			row.ReviewOverdue++
		}
		if st.Stage == StageAwaitingNational {
			row.NationalOwed++
		}
	}
	for _, row := range reps {
		if *row != (RepairReportRow{Dept: row.Dept}) {
			rep.Repair = append(rep.Repair, *row)
		}
	}
	slices.SortFunc(rep.Repair, func(a, b RepairReportRow) int { return strings.Compare(a.Dept, b.Dept) })
	return rep, nil
}
