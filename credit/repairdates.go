package credit

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// PenaltyFacts are what the rules need to know of one penalty to derive its
// dates.
type PenaltyFacts struct {
	Decided      Date     // 处罚决定日期
	Severity     Severity // the tier the deciding authority graded it (失信程度)
	PenaltyTypes []string // 处罚类别
	Accident     bool     // 涉及生产安全事故
	Applied      Date     // application to 信用中国, or zero
	// Fulfilled is the day the enterprise's legal obligations were fulfilled
	// (法定责任履行完毕), as the officer recorded it, or zero. It matters only
	// for a tier whose eligibility is a condition (Period.OnFulfilment).
	Fulfilled Date
}

// RepairDates are the dates the rules derive for one penalty. Every one of
// them comes from the rule set named in RuleSet.
//
// Dates counted in months (MinPeriodEnd, EligibleFrom, MaxDisclosureEnd)
// need no calendar and are always computed. Dates counted in working days
// (DisclosureDue, ReviewDue) are zero and named in Unknown when the count
// reaches a year the calendar does not know, and named in Provisional when
// it crosses a year whose schedule is provisional.
type RepairDates struct {
	RuleSet  string
	Decided  Date
	Severity Severity // as graded
	// Tier is the tier whose periods apply: Severity, unless the penalty
	// involves a production-safety accident or has a type the rule set puts
	// in the serious tier (Regraded says which).
	Tier     Severity
	Regraded string // why Tier differs from Severity (English and Chinese); "" when it does not

	// NotDisclosed: the tier is in principle not disclosed, so there is no
	// disclosure deadline (DisclosureDue is zero).
	NotDisclosed bool
	// DisclosureDue is the last day for disclosure: the 7th working day after
	// the decision.
	DisclosureDue Date
	// MinPeriodEnd is the last day of the tier's minimum disclosure period
	// (AddMonths(Decided, MinMonths)); for MinMonths 0 it is Decided.
	MinPeriodEnd Date
	// OnFulfilment: eligibility is the condition "legal obligations
	// fulfilled", not a date. EligibleFrom is then Fulfilled, or zero while
	// the officer has recorded no fulfilment.
	OnFulfilment bool
	Fulfilled    Date
	// EligibleFrom is the first day the enterprise may apply to Credit China:
	// the day after MinPeriodEnd. Zero when the penalty is not repairable
	// (and for OnFulfilment without a fulfilment day).
	EligibleFrom Date
	// MaxDisclosureEnd is the last day the record stays disclosed: the
	// tier's maximum period, or the not-repairable period if longer.
	MaxDisclosureEnd Date

	Repairable bool
	Reason     string // why not repairable (English and Chinese); "" when repairable

	// Applied is the application date given, and ReviewDue when Credit
	// China's review of it is due: ReviewWorkingDays working days later.
	Applied   Date
	ReviewDue Date
	// ApplicationIssue is set when the application was made before the
	// penalty became eligible, before its obligations were recorded as
	// fulfilled, or for a penalty that is not repairable: 信用中国 will refuse
	// it, whatever the review due day says.
	ApplicationIssue *Issue

	// Unknown names the working-day dates that could not be computed
	// ("disclosure_due", "review_due") because the calendar does not know
	// UnknownYears.
	Unknown      []string
	UnknownYears []int
	// Provisional names the working-day dates counted through a year whose
	// schedule is provisional (ProvisionalYears; see Calendar.Provisional).
	Provisional      []string
	ProvisionalYears []int
}

// Repair derives the repair dates of a penalty under the rule set in force
// on its decision date. See RepairWith.
func (r *Rules) Repair(f PenaltyFacts) (RepairDates, error) {
	set, err := r.RuleSetFor(f.Decided)
	if err != nil {
		return RepairDates{}, err
	}
	return r.RepairWith(set, f)
}

// Regrade returns the tier whose periods apply to a penalty under set, and
// why it differs from the graded severity ("" when it does not): a
// production-safety accident makes a penalty serious (常应急〔2022〕19号 第八条:
// 涉及生产安全事故等严重失信行为), and so does a type in set.SeriousTypes.
func (set *RuleSet) Regrade(sev Severity, types []string, accident bool) (Severity, string) {
	if sev == Serious || sev == "" {
		return sev, ""
	}
	if accident {
		return Serious, fmt.Sprintf("graded %s, but it involves a production-safety accident: serious (涉及生产安全事故，属严重失信，常应急〔2022〕19号第八条)", sev)
	}
	var hit []string
	for _, t := range types {
		if slices.Contains(set.SeriousTypes, t) && !slices.Contains(hit, t) {
			hit = append(hit, t)
		}
	}
	if len(hit) > 0 {
		return Serious, fmt.Sprintf("graded %s, but %s is in the serious tier under %s (%s属严重失信)",
			sev, strings.Join(hit, ", "), set.Name, strings.Join(hit, "、"))
	}
	return sev, ""
}

// RepairWith derives the repair dates under the given rule set, whatever its
// date range (for "what if" questions). It fails if the set does not know
// the tier (a minor penalty under changzhou-2022, say). A working-day count
// that reaches a year the calendar does not know is not an error: that date
// is left zero and named in Unknown.
func (r *Rules) RepairWith(set *RuleSet, f PenaltyFacts) (RepairDates, error) {
	if set == nil {
		return RepairDates{}, errors.New("repair dates: no rule set")
	}
	if f.Decided.IsZero() {
		return RepairDates{}, errors.New("repair dates: no decision date")
	}
	if f.Severity == "" {
		return RepairDates{}, errors.New("repair dates: no severity (轻微/一般/严重)")
	}
	tier, why := set.Regrade(f.Severity, f.PenaltyTypes, f.Accident)
	period, ok := set.Periods[tier]
	if !ok {
		var known []string
		for _, s := range []Severity{Minor, General, Serious} {
			if _, ok := set.Periods[s]; ok {
				known = append(known, fmt.Sprintf("%s (%s)", s, s.Chinese()))
			}
		}
		return RepairDates{}, fmt.Errorf("repair dates: rule set %s (%s) has no %s (%s) tier; it knows %s",
			set.Name, set.Title, tier, tier.Chinese(), strings.Join(known, ", "))
	}
	if !f.Fulfilled.IsZero() && f.Fulfilled < f.Decided {
		return RepairDates{}, fmt.Errorf("repair dates: obligations fulfilled on %s, before the decision on %s", f.Fulfilled, f.Decided)
	}
	rd := RepairDates{RuleSet: set.Name, Decided: f.Decided, Severity: f.Severity, Tier: tier, Regraded: why,
		NotDisclosed: period.NotDisclosed, OnFulfilment: period.OnFulfilment, Applied: f.Applied}
	if !period.NotDisclosed {
		due, err := r.DisclosureDue(f.Decided)
		if err := rd.workingDay("disclosure_due", err); err != nil {
			return RepairDates{}, fmt.Errorf("repair dates: disclosure deadline: %w", err)
		}
		rd.DisclosureDue = due
		rd.provisional("disclosure_due", r.Cal.ProvisionalBetween(f.Decided, due))
	}
	rd.MinPeriodEnd = AddMonths(f.Decided, period.MinMonths)
	rd.MaxDisclosureEnd = AddMonths(f.Decided, period.MaxMonths)
	if bad := set.IsNotRepairable(f.PenaltyTypes); len(bad) > 0 {
		rd.Reason = fmt.Sprintf("penalty type %s is not repairable under %s; disclosed for %d months (%s类行政处罚不予信用修复，公示%d个月)",
			strings.Join(bad, ", "), set.Name, set.NotRepairableMonths, strings.Join(bad, "、"), set.NotRepairableMonths)
		if end := AddMonths(f.Decided, set.NotRepairableMonths); end > rd.MaxDisclosureEnd {
			rd.MaxDisclosureEnd = end
		}
	} else {
		rd.Repairable = true
		if period.OnFulfilment {
			rd.Fulfilled = f.Fulfilled
			rd.EligibleFrom = f.Fulfilled
		} else {
			rd.EligibleFrom = rd.MinPeriodEnd.AddDays(1)
		}
	}
	if !f.Applied.IsZero() {
		due, err := r.Cal.AddWorkingDays(f.Applied, set.ReviewWorkingDays)
		if err := rd.workingDay("review_due", err); err != nil {
			return RepairDates{}, fmt.Errorf("repair dates: review deadline: %w", err)
		}
		rd.ReviewDue = due
		rd.provisional("review_due", r.Cal.ProvisionalBetween(f.Applied, due))
		rd.ApplicationIssue = rd.checkApplication()
	}
	return rd, nil
}

// workingDay records a working-day date that an unknown year kept from
// being computed; other errors are returned.
func (rd *RepairDates) workingDay(name string, err error) error {
	var unknown *UnknownYearError
	if errors.As(err, &unknown) {
		rd.Unknown = append(rd.Unknown, name)
		if !slices.Contains(rd.UnknownYears, unknown.Year) {
			rd.UnknownYears = append(rd.UnknownYears, unknown.Year)
			slices.Sort(rd.UnknownYears)
		}
		return nil
	}
	return err
}

func (rd *RepairDates) provisional(name string, years []int) {
	if len(years) == 0 {
		return
	}
	rd.Provisional = append(rd.Provisional, name)
	for _, y := range years {
		if !slices.Contains(rd.ProvisionalYears, y) {
			rd.ProvisionalYears = append(rd.ProvisionalYears, y)
		}
	}
	slices.Sort(rd.ProvisionalYears)
}

// checkApplication judges rd.Applied against eligibility.
func (rd *RepairDates) checkApplication() *Issue {
	switch {
	case !rd.Repairable:
		return &Issue{Code: IssueAppliedNotRepairable, Field: "applied", Text: text("issue.applied-not-repairable", rd.Applied, rd.RuleSet)}
	case rd.OnFulfilment && rd.Fulfilled.IsZero():
		return &Issue{Code: IssueAppliedBeforeEligible, Field: "applied", Text: text("issue.applied-before-fulfilment", rd.Applied)}
	case rd.Applied < rd.EligibleFrom:
		return &Issue{Code: IssueAppliedBeforeEligible, Field: "applied", Text: text("issue.applied-before-eligible", rd.Applied, rd.EligibleFrom)}
	}
	return nil
}

// Facts returns the facts of a penalty record; rep, which may be nil,
// supplies the application date and the recorded fulfilment of the
// obligations.
func Facts(rec *Record, rep *Repair) PenaltyFacts {
	f := PenaltyFacts{Decided: rec.Decided, Severity: rec.Severity, PenaltyTypes: rec.PenaltyTypes, Accident: rec.Accident}
	if rep != nil {
		f.Applied, f.Fulfilled = rep.Applied, rep.Fulfilled
	}
	return f
}

// RepairFor derives the repair dates of a penalty record; rep, which may be
// nil, supplies the application date. Records of other kinds are an error.
func (r *Rules) RepairFor(rec *Record, rep *Repair) (RepairDates, error) {
	if rec == nil {
		return RepairDates{}, errors.New("repair dates: no record")
	}
	if rec.Kind != Penalty {
		return RepairDates{}, fmt.Errorf("repair dates for %s: only penalties (行政处罚) are repaired, this is %s", rec.Key(), rec.Kind)
	}
	rd, err := r.Repair(Facts(rec, rep))
	if err != nil {
		return RepairDates{}, fmt.Errorf("%s: %w", rec.Key(), err)
	}
	return rd, nil
}

// CheckPenalty returns the issues of a penalty that need the rules: a type
// the rule set puts in the serious tier graded below serious, a 公示截止期
// (CF_GSJZQ) other than the maximum disclosure end, and an application made
// before eligibility or for an unrepairable penalty (rep, which may be nil,
// supplies it). A penalty the rules cannot place gives no
// issues here (RepairFor reports why). An accident graded below serious is
// CheckRecord's (IssueAccidentGrading), as it needs no rule set.
func (r *Rules) CheckPenalty(rec *Record, rep *Repair) []Issue {
	if rec == nil || rec.Kind != Penalty {
		return nil
	}
	rd, err := r.RepairFor(rec, rep)
	if err != nil {
		return nil
	}
	var out []Issue
	if rd.Tier != rd.Severity && !rec.Accident {
		out = append(out, Issue{Code: IssueSeriousTypeGrading, Field: "severity",
			Text: text("issue.serious-type-graded-below-serious", rd.Regraded, rd.Severity.Chinese(), rd.RuleSet)})
	}
	if !rec.PublishUntil.IsZero() && rec.PublishUntil != rd.MaxDisclosureEnd {
		out = append(out, Issue{Code: IssuePublishUntil, Field: "publish_until",
			Text: text("issue.publish-until-mismatch", rec.PublishUntil, rd.RuleSet, rd.MaxDisclosureEnd)})
	}
	if rd.ApplicationIssue != nil {
		out = append(out, *rd.ApplicationIssue)
	}
	return out
}
