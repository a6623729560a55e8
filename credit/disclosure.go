package credit

import (
	"errors"
	"fmt"
)

// DisclosureState says whether a record reached public disclosure on time.
type DisclosureState int

const (
	DisclosedOnTime DisclosureState = iota // disclosed on or before the deadline
	DisclosedLate                          // disclosed after the deadline
	Overdue                                // not disclosed, deadline passed
	NotYetDue                              // not disclosed, deadline not passed
	NotRequired                            // a tier in principle not disclosed (ndrc-2026 minor): no deadline
)

// String returns the state in English.
func (s DisclosureState) String() string {
	switch s {
	case NotYetDue:
		return "not yet due"
	case DisclosedOnTime:
		return "disclosed on time"
	case DisclosedLate:
		return "disclosed late"
	case Overdue:
		return "overdue"
	case NotRequired:
		return "not disclosed (minor)"
	}
	return fmt.Sprintf("DisclosureState(%d)", int(s))
}

// Chinese returns 未到期, 按时公示, 逾期公示 or 逾期未公示.
func (s DisclosureState) Chinese() string {
	switch s {
	case NotYetDue:
		return "未到期"
	case DisclosedOnTime:
		return "按时公示"
	case DisclosedLate:
		return "逾期公示"
	case Overdue:
		return "逾期未公示"
	case NotRequired:
		return "原则上不予公示"
	}
	return s.String()
}

// Disclosure is a record's disclosure timeliness.
type Disclosure struct {
	State DisclosureState
	Due   Date
	// LateBy counts working days late: for DisclosedLate, from Due to the
	// disclosure; for Overdue, from Due to today. A disclosure (or today) on
	// a day off counts as falling on the next working day, so LateBy is at
	// least 1 in both states. It is 0 otherwise.
	LateBy int
}

// DisclosureDue returns the disclosure deadline of a decision: the 7th
// working day after the decision date, the decision day itself not counted.
func (r *Rules) DisclosureDue(decided Date) (Date, error) {
	if decided.IsZero() {
		return 0, errors.New("disclosure deadline: no decision date")
	}
	return r.Cal.AddWorkingDays(decided, r.DisclosureWorkingDays)
}

// Disclosure judges rec's disclosure from rec.Decided and rec.Disclosed as of
// today. It applies to all five kinds. A penalty of a tier that is in
// principle not disclosed (Period.NotDisclosed) has no deadline: NotRequired
// while undisclosed, DisclosedOnTime (with no Due) if the sector disclosed
// it anyway.
func (r *Rules) Disclosure(rec *Record, today Date) (Disclosure, error) {
	if r.notDisclosed(rec) {
		if rec.Disclosed.IsZero() {
			return Disclosure{State: NotRequired}, nil
		}
		return Disclosure{State: DisclosedOnTime}, nil
	}
	due, err := r.DisclosureDue(rec.Decided)
	if err != nil {
		return Disclosure{}, fmt.Errorf("%s: %w", rec.Key(), err)
	}
	out := Disclosure{Due: due}
	end := rec.Disclosed
	switch {
	case !rec.Disclosed.IsZero() && rec.Disclosed <= due:
		out.State = DisclosedOnTime
		return out, nil
	case !rec.Disclosed.IsZero():
		out.State = DisclosedLate
	case today <= due:
		out.State = NotYetDue
		return out, nil
	default:
		out.State = Overdue
		end = today
	}
	if out.LateBy, err = r.workingDaysLate(due, end); err != nil {
		return Disclosure{}, fmt.Errorf("%s: %w", rec.Key(), err)
	}
	return out, nil
}

// workingDaysLate counts the working days from due (a working day) to end
// (after due), taking an end on a day off as the next working day.
func (r *Rules) workingDaysLate(due, end Date) (int, error) {
	n, err := r.Cal.WorkingDaysAfter(due, end)
	if err != nil {
		return 0, err
	}
	w, err := r.Cal.IsWorkingDay(end)
	if err != nil {
		return 0, err
	}
	if !w {
		n++
	}
	return n, nil
}

// notDisclosed reports whether rec is a penalty whose tier, under the rule
// set in force on its decision date, is in principle not disclosed.
func (r *Rules) notDisclosed(rec *Record) bool {
	if rec.Kind != Penalty || rec.Decided.IsZero() {
		return false
	}
	set, err := r.RuleSetFor(rec.Decided)
	if err != nil {
		return false
	}
	tier, _ := set.Regrade(rec.Severity, rec.PenaltyTypes, rec.Accident)
	p, ok := set.Periods[tier]
	return ok && p.NotDisclosed
}
