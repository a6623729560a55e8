package credit

import (
	"errors"
	"fmt"
)

// Stage is where a penalty's credit repair stands: Credit China's review, then
// the post-approval steps of Art. 9–10.
type Stage int

const (
	StageNotApplied       Stage = iota // no application to Credit China known
	StageUnderReview                   // applied; Credit China reviewing (审核中)
	StageRejected                      // Credit China rejected the application (terminal)
	StageAwaitingCancel                // approved; the enterprise must cancel the bad record in 常州市企业安全生产管理信息系统
	StageAwaitingRegrade               // cancelled; the city system recalculates the grade the next day
	StageAwaitingNational              // regraded; the bureau must repair in 国家企业信用信息公示系统
	StageDone                          // repaired in the national system (terminal)
)

// String returns the stage in English.
func (s Stage) String() string {
	switch s {
	case StageNotApplied:
		return "not applied"
	case StageUnderReview:
		return "under review"
	case StageRejected:
		return "rejected"
	case StageAwaitingCancel:
		return "awaiting cancellation"
	case StageAwaitingRegrade:
		return "awaiting regrade"
	case StageAwaitingNational:
		return "awaiting national repair"
	case StageDone:
		return "done"
	}
	return fmt.Sprintf("Stage(%d)", int(s))
}

// Chinese returns the stage's Chinese label, e.g. 待注销.
func (s Stage) Chinese() string {
	switch s {
	case StageNotApplied:
		return "未申请"
	case StageUnderReview:
		return "审核中"
	case StageRejected:
		return "审核未通过"
	case StageAwaitingCancel:
		return "待注销"
	case StageAwaitingRegrade:
		return "待重算等级"
	case StageAwaitingNational:
		return "待国家企业信用信息公示系统修复"
	case StageDone:
		return "已完成"
	}
	return s.String()
}

// Terminal reports whether nothing more is expected at this stage. Not
// applied is not terminal, but it has no deadline either.
func (s Stage) Terminal() bool { return s == StageRejected || s == StageDone }

// PipelineStatus is where one repair stands as of a day.
type PipelineStatus struct {
	Stage Stage
	Since Date // when the current stage began; zero for StageNotApplied
	// Due is when the current step is expected to be done; zero for
	// StageNotApplied and the terminal stages.
	Due Date
	// Stuck is true when today is after Due.
	Stuck bool
	// AgeWorkingDays counts the working days in (Since, today]; 0 for
	// StageNotApplied and the terminal stages.
	AgeWorkingDays int
}

// Pipeline places a repair in its stage as of today. rep may be nil (not
// applied).
//
// A later step's date implies the earlier steps: if the cache already holds
// the enterprise's cancellation but Credit China's approval has not arrived,
// the item is placed after the cancellation. A rejection is final whatever
// else is recorded. The review deadline uses the rule set in force on the
// application day (decision dates are not part of a Repair); the
// post-approval deadlines use r.Durations. The approval's day is Reviewed, or
// Applied if Credit China reported no review date.
func (r *Rules) Pipeline(rep *Repair, today Date) (PipelineStatus, error) {
	if rep == nil || (rep.Applied.IsZero() && rep.Outcome == "" && rep.Cancelled.IsZero() &&
		rep.Regraded.IsZero() && rep.NationalDone.IsZero()) {
		return PipelineStatus{Stage: StageNotApplied}, nil
	}
	if rep.Outcome != "" && rep.Outcome != OutcomeApproved && rep.Outcome != OutcomeRejected {
		return PipelineStatus{}, fmt.Errorf("repair %s: unknown review outcome %q", rep.RecordKey, rep.Outcome)
	}
	approvedOn := rep.Reviewed
	if approvedOn.IsZero() {
		approvedOn = rep.Applied
	}
	var st PipelineStatus
	var err error
	switch {
	case rep.Outcome == OutcomeRejected:
		st.Stage, st.Since = StageRejected, approvedOn
	case !rep.NationalDone.IsZero():
		st.Stage, st.Since = StageDone, rep.NationalDone
	case !rep.Regraded.IsZero():
		st.Stage, st.Since = StageAwaitingNational, rep.Regraded
		st.Due, err = r.Cal.AddWorkingDays(rep.Regraded, r.Durations.NationalWorkingDays)
	case !rep.Cancelled.IsZero():
		st.Stage, st.Since = StageAwaitingRegrade, rep.Cancelled
		st.Due = rep.Cancelled.AddDays(r.Durations.RegradeDays)
	case rep.Outcome == OutcomeApproved:
		if approvedOn.IsZero() {
			return PipelineStatus{}, fmt.Errorf("repair %s: approved without an application or review date", rep.RecordKey)
		}
		st.Stage, st.Since = StageAwaitingCancel, approvedOn
		st.Due, err = r.Cal.AddWorkingDays(approvedOn, r.Durations.CancelWorkingDays)
	default: // applied, no outcome yet
		if rep.Applied.IsZero() {
			return PipelineStatus{}, errors.New("repair " + rep.RecordKey + ": review outcome without an application date")
		}
		st.Stage, st.Since = StageUnderReview, rep.Applied
		var set *RuleSet
		if set, err = r.RuleSetFor(rep.Applied); err == nil {
			st.Due, err = r.Cal.AddWorkingDays(rep.Applied, set.ReviewWorkingDays)
		}
	}
	if err != nil {
		return PipelineStatus{}, fmt.Errorf("repair %s: %s deadline: %w", rep.RecordKey, st.Stage, err)
	}
	if st.Stage.Terminal() {
		return st, nil
	}
	st.Stuck = today > st.Due
	if today > st.Since {
		if st.AgeWorkingDays, err = r.Cal.WorkingDaysAfter(st.Since, today); err != nil {
			return PipelineStatus{}, fmt.Errorf("repair %s: age: %w", rep.RecordKey, err)
		}
	}
	return st, nil
}
