package credit

import (
	"errors"
	"fmt"
	"strings"
)

// RepairDates are the dates the rules derive for one penalty. Every one of
// them comes from the rule set named in RuleSet.
type RepairDates struct {
	RuleSet  string
	Decided  Date
	Severity Severity

	// DisclosureDue is the last day for disclosure: the 7th working day after
	// the decision.
	DisclosureDue Date
	// MinPeriodEnd is the last day of the severity's minimum disclosure
	// period (AddMonths(Decided, MinMonths)); for MinMonths 0 it is Decided.
	MinPeriodEnd Date
	// EligibleFrom is the first day the enterprise may apply to Credit China:
	// the day after MinPeriodEnd. Zero when the penalty is not repairable.
	EligibleFrom Date
	// MaxDisclosureEnd is the last day the record stays disclosed: the
	// severity's maximum period, or the not-repairable period if longer.
	MaxDisclosureEnd Date

	Repairable bool
	Reason     string // why not repairable (English and Chinese); "" when repairable

	// ReviewDue is when Credit China's review of the application is due:
	// ReviewWorkingDays working days after the application. Zero unless an
	// application date was given.
	ReviewDue Date
}

// Repair derives the repair dates of a penalty decided on decided, under the
// rule set in force on that day. applied is the Credit China application
// date, or zero. See RepairWith.
func (r *Rules) Repair(decided Date, sev Severity, penaltyTypes []string, applied Date) (RepairDates, error) {
	set, err := r.RuleSetFor(decided)
	if err != nil {
		return RepairDates{}, err
	}
	return r.RepairWith(set, decided, sev, penaltyTypes, applied)
}

// RepairWith derives the repair dates under the given rule set, whatever its
// date range (for "what if" questions). It fails if the set does not know sev
// (a minor penalty under changzhou-2022, say), and with a *UnknownYearError if
// a working-day count reaches a year the calendar does not know.
func (r *Rules) RepairWith(set *RuleSet, decided Date, sev Severity, penaltyTypes []string, applied Date) (RepairDates, error) {
	if set == nil {
		return RepairDates{}, errors.New("repair dates: no rule set")
	}
	if decided.IsZero() {
		return RepairDates{}, errors.New("repair dates: no decision date")
	}
	if sev == "" {
		return RepairDates{}, errors.New("repair dates: no severity (一般/严重)")
	}
	period, ok := set.Periods[sev]
	if !ok {
		var known []string
		for _, s := range []Severity{Minor, General, Serious} {
			if _, ok := set.Periods[s]; ok {
				known = append(known, fmt.Sprintf("%s (%s)", s, s.Chinese()))
			}
		}
		return RepairDates{}, fmt.Errorf("repair dates: rule set %s (%s) has no %s (%s) tier; it knows %s",
			set.Name, set.Title, sev, sev.Chinese(), strings.Join(known, ", "))
	}
	rd := RepairDates{RuleSet: set.Name, Decided: decided, Severity: sev}
	var err error
	if rd.DisclosureDue, err = r.DisclosureDue(decided); err != nil {
		return RepairDates{}, fmt.Errorf("repair dates: disclosure deadline: %w", err)
	}
	rd.MinPeriodEnd = AddMonths(decided, period.MinMonths)
	rd.MaxDisclosureEnd = AddMonths(decided, period.MaxMonths)
	if bad := set.IsNotRepairable(penaltyTypes); len(bad) > 0 {
		rd.Reason = fmt.Sprintf("penalty type %s is not repairable under %s; disclosed for %d months (%s类行政处罚不予信用修复，公示%d个月)",
			strings.Join(bad, ", "), set.Name, set.NotRepairableMonths, strings.Join(bad, "、"), set.NotRepairableMonths)
		if end := AddMonths(decided, set.NotRepairableMonths); end > rd.MaxDisclosureEnd {
			rd.MaxDisclosureEnd = end
		}
	} else {
		rd.Repairable = true
		rd.EligibleFrom = rd.MinPeriodEnd.AddDays(1)
	}
	if !applied.IsZero() {
		if rd.ReviewDue, err = r.Cal.AddWorkingDays(applied, set.ReviewWorkingDays); err != nil {
			return RepairDates{}, fmt.Errorf("repair dates: review deadline: %w", err)
		}
	}
	return rd, nil
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
	var applied Date
	if rep != nil {
		applied = rep.Applied
	}
	rd, err := r.Repair(rec.Decided, rec.Severity, rec.PenaltyTypes, applied)
	if err != nil {
		return RepairDates{}, fmt.Errorf("%s: %w", rec.Key(), err)
	}
	return rd, nil
}
