package credit

// ThreeInStep is the 三同步 mechanism (Art. 7, 常信用办〔2022〕7号) for one
// record: when a general (一般) penalty is decided, the authority must at the
// same time give the repair notice (信用修复告知书), carry out integrity
// education or a warning talk (诚信教育/警示约谈) and set up the repair
// reminder (修复提醒).
type ThreeInStep struct {
	Applicable                  bool // a general penalty, not specially serious, no accident
	Why                         Text // why it does not apply; zero when it does
	Notice, Education, Reminder bool
}

// SpeciallySeriousTypes are the 处罚类别 that make a production-safety penalty
// 特定严重失信 (发改办财金〔2019〕527号: 责令停产停业, revocation of a licence);
// 常信用办〔2022〕7号 excludes such penalties from 三同步 whatever their grading.
var SpeciallySeriousTypes = []string{"责令停产停业", "吊销许可证件"}

// Complete reports whether nothing is missing: true when the mechanism does
// not apply or all three steps are done.
func (t ThreeInStep) Complete() bool {
	return !t.Applicable || (t.Notice && t.Education && t.Reminder)
}

// Missing returns the names of the steps not yet done; nil when Complete.
func (t ThreeInStep) Missing() []Text {
	if !t.Applicable {
		return nil
	}
	var out []Text
	if !t.Notice {
		out = append(out, text("three.notice"))
	}
	if !t.Education {
		out = append(out, text("three.education"))
	}
	if !t.Reminder {
		out = append(out, text("three.reminder"))
	}
	return out
}

// CheckThreeInStep reports the 三同步 steps of rec. The mechanism applies
// where 常信用办〔2022〕7号 says it does: to general (一般) penalties. It does
// not apply to serious (严重) ones, nor to those involving a production-safety
// accident (serious by Art. 8 whatever their grading), nor to specially
// serious ones (特定严重: SpeciallySeriousTypes), which the notice excludes;
// nor to minor (轻微) ones, a tier it does not know and that is in principle
// not disclosed; nor to the other four kinds.
func CheckThreeInStep(rec *Record) ThreeInStep {
	switch {
	case rec.Kind != Penalty:
		return ThreeInStep{Why: text("three.why.kind")}
	case rec.Severity != General:
		return ThreeInStep{Why: text("three.why.severity", rec.Severity, rec.Severity.Chinese())}
	case rec.Accident:
		return ThreeInStep{Why: text("three.why.accident")}
	}
	for _, t := range SpeciallySeriousTypes {
		if rec.HasPenaltyType(t) {
			return ThreeInStep{Why: text("three.why.special", t)}
		}
	}
	return ThreeInStep{Applicable: true, Notice: rec.NoticeGiven, Education: rec.EducationDone, Reminder: rec.ReminderSet}
}
