package sim

import (
	"fmt"
	"time"

	"github.com/czyj/credwatch/credit"
)

// Repair stages, in pipeline order. A repair is in the stage of the last step
// that happened.
const (
	stageReminded  = iota // 到期提醒 sent, no application yet
	stageApplied          // applied to Credit China, under review
	stageRejected         // Credit China rejected the application (final)
	stageApproved         // approved, the enterprise has not cancelled the bad record
	stageCancelled        // cancelled, the city system has not regraded
	stageRegraded         // regraded, the bureau has not repaired it nationally
	stageNational         // repaired in 国家企业信用信息公示系统 (final)
)

var stageWeights = [...]int{stageReminded: 12, stageApplied: 14, stageRejected: 8, stageApproved: 12, stageCancelled: 10, stageRegraded: 14, stageNational: 30}

func stageOf(rp *credit.Repair) int {
	switch {
	case !rp.NationalDone.IsZero():
		return stageNational
	case !rp.Regraded.IsZero():
		return stageRegraded
	case !rp.Cancelled.IsZero():
		return stageCancelled
	case rp.Outcome == credit.OutcomeRejected:
		return stageRejected
	case rp.Outcome == credit.OutcomeApproved:
		return stageApproved
	case !rp.Applied.IsZero():
		return stageApplied
	}
	return stageReminded
}

// repairable reports whether a penalty may be repaired at all (527号: not
// 责令停产停业 or 吊销许可证件 in production safety) and from which day:
// the day after 3 months (general) or 6 months (serious) from the decision,
// counted as the Civil Code counts months.
func repairable(x *rec) (credit.Date, bool) {
	if x.Kind != credit.Penalty || x.HasPenaltyType("责令停产停业") || x.HasPenaltyType("吊销许可证件") {
		return 0, false
	}
	months := 3
	if x.Severity == credit.Serious {
		months = 6
	}
	return addMonths(x.Decided, months) + 1, true
}

// ruleRepairable reports whether credwatch's built-in rules (simRules, by
// decision date) let a penalty be repaired at all: under NDRC Orders No. 58
// and No. 36 责令停产停业 and 吊销许可证件 no longer bar repair. The
// simulator checks the officers' actions against it. Its own repair
// progress (newRepair, step) still follows repairable, the city's 2022
// periods, so that the generated data stays as documented; a repair it
// makes of a serious penalty decided from 2023-05-01 may therefore be
// applied for before the order's 1 year, which credwatch flags.
func ruleRepairable(x *rec) bool {
	if x.Kind != credit.Penalty {
		return false
	}
	rd, err := simRules().Repair(credit.PenaltyFacts{Decided: x.Decided, Severity: x.Severity, PenaltyTypes: x.PenaltyTypes, Accident: x.Accident})
	return err == nil && rd.Repairable
}

// addMonths returns the corresponding day n months after d, or the last day
// of that month where it has no corresponding day.
func addMonths(d credit.Date, n int) credit.Date {
	y, m, day := d.YMD()
	first := credit.NewDate(y, m+time.Month(n), 1)
	fy, fm, _ := first.YMD()
	last := credit.NewDate(fy, fm+1, 0)
	_, _, lastDay := last.YMD()
	return credit.NewDate(fy, fm, min(day, lastDay))
}

// newRepair makes the repair of penalty x in a random stage, with dates that
// fit between its eligibility and today; some are stuck in a stage longer
// than they should be. It returns nil if x cannot have a repair yet.
func (s *Sim) newRepair(x *rec, today credit.Date, limit time.Time) *credit.Repair {
	r := s.rng
	eligible, ok := repairable(x)
	if !ok || x.Disclosed.IsZero() || eligible.After(today) {
		return nil
	}
	total := 0
	for _, w := range stageWeights {
		total += w
	}
	stage, n := 0, r.IntN(total)
	for stage = range stageWeights {
		if n < stageWeights[stage] {
			break
		}
		n -= stageWeights[stage]
	}
	reminds := x.Severity == credit.General && x.ReminderSet
	if stage == stageReminded && !reminds {
		stage = stageApplied
	}
	for ; stage >= stageApplied; stage-- {
		if rp := s.repairAt(x, stage, eligible, today); rp != nil {
			if reminds {
				rp.ReminderSent = eligible
			}
			s.finishRepair(rp, limit)
			return rp
		}
	}
	if !reminds {
		return nil
	}
	rp := &credit.Repair{RecordKey: x.Key(), ReminderSent: eligible}
	s.finishRepair(rp, limit)
	return rp
}

// repairAt lays out the dates of a repair in the given stage, working back
// from the last step; it returns nil if they do not fit after eligible.
func (s *Sim) repairAt(x *rec, stage int, eligible, today credit.Date) *credit.Repair {
	r := s.rng
	ago := func(lo, hi int) credit.Date { return today.AddDays(-between(r, lo, hi)) }
	stuck := func(p float64) bool { return chance(r, p) }
	rp := &credit.Repair{RecordKey: x.Key()}

	var last credit.Date // the date of the stage's own step
	switch stage {
	case stageApplied:
		last = ago(0, 8)
		if stuck(0.3) { // Credit China is past its 10 working days
			last = ago(16, 40)
		}
	case stageRejected: // some time after eligibility
		if span := int(today - eligible); span >= 20 {
			last = eligible.AddDays(between(r, 20, span))
		}
	case stageApproved:
		last = ago(0, 6)
		if stuck(0.35) {
			last = ago(30, 150)
		}
	case stageCancelled:
		last = today
		if stuck(0.4) { // regrading is due the next day
			last = ago(3, 20)
		}
	case stageRegraded:
		last = ago(0, 10)
		if stuck(0.35) {
			last = ago(25, 120)
		}
	case stageNational:
		if span := int(today - eligible); span >= 60 {
			last = eligible.AddDays(between(r, 60, span))
		}
	}
	if last.IsZero() {
		return nil
	}
	d := last
	if stage >= stageNational {
		rp.NationalDone = d
		rp.NationalReceipt = fmt.Sprintf("XYXF%s%05d", compactDate(d), between(r, 1, 99999))
		if w := d.AddDays(between(r, 1, 10)); chance(r, 0.2) && !w.After(today) {
			rp.WithdrawalNote = "已函告第三方信用服务网站撤下公示（" + w.String() + "）"
		}
		d = d.AddDays(-between(r, 1, 20))
	}
	if stage >= stageRegraded {
		rp.Regraded = d
		d = d.AddDays(-1)
	}
	if stage >= stageCancelled {
		rp.Cancelled = d
		d = d.AddDays(-between(r, 1, 15))
	}
	if stage >= stageApproved || stage == stageRejected {
		rp.Reviewed = d
		rp.Outcome = credit.OutcomeApproved
		if stage == stageRejected {
			rp.Outcome = credit.OutcomeRejected
		}
		d = subWeekdays(d, between(r, 3, 10))
	}
	rp.Applied = d
	if d.Before(eligible) {
		return nil
	}
	return rp
}

func (s *Sim) finishRepair(rp *credit.Repair, limit time.Time) {
	rp.UpdatedAt = stamp(s.rng, latest(rp.ReminderSent, rp.Applied, rp.Reviewed, rp.Cancelled, rp.Regraded, rp.NationalDone), limit)
}

func compactDate(d credit.Date) string {
	y, m, dd := d.YMD()
	return fmt.Sprintf("%04d%02d%02d", y, int(m), dd)
}

// advance moves a repair one step on, dated today. It reports false if the
// repair is in a final stage.
func (s *Sim) advance(rp *credit.Repair, today credit.Date, now time.Time) bool {
	r := s.rng
	switch stageOf(rp) {
	case stageReminded:
		rp.Applied = today
	case stageApplied:
		rp.Reviewed = today
		rp.Outcome = credit.OutcomeApproved
		if chance(r, 0.15) {
			rp.Outcome = credit.OutcomeRejected
		}
	case stageApproved:
		rp.Cancelled = today
	case stageCancelled:
		rp.Regraded = today
	case stageRegraded:
		rp.NationalDone = today
		rp.NationalReceipt = fmt.Sprintf("XYXF%s%05d", compactDate(today), between(r, 1, 99999))
	default:
		return false
	}
	rp.UpdatedAt = now
	return true
}
