package credit

import "fmt"

// ThreeInStep is the 三同步 mechanism (Art. 7, 常信用办〔2022〕7号) for one
// record: when a general (一般) penalty is decided, the authority must at the
// same time give the repair notice (信用修复告知书), carry out integrity
// education or a warning talk (诚信教育/警示约谈) and set up the repair
// reminder (修复提醒).
type ThreeInStep struct {
	Applicable                  bool   // a general penalty, not specially serious, no accident
	Why, WhyZh                  string // why it does not apply, in English and Chinese; "" when it does
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

// MissingEnglish returns the English names of the steps not yet done.
func (t ThreeInStep) MissingEnglish() []string {
	if !t.Applicable {
		return nil
	}
	var out []string
	if !t.Notice {
		out = append(out, "repair notice")
	}
	if !t.Education {
		out = append(out, "integrity education")
	}
	if !t.Reminder {
		out = append(out, "repair reminder")
	}
	return out
}

// Missing returns the Chinese names of the steps not yet done; nil when
// Complete.
func (t ThreeInStep) Missing() []string {
	if !t.Applicable {
		return nil
	}
	var out []string
	if !t.Notice {
		out = append(out, "信用告知")
	}
	if !t.Education {
		out = append(out, "诚信教育")
	}
	if !t.Reminder {
		out = append(out, "修复提醒")
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
		return ThreeInStep{Why: "only penalties", WhyZh: "仅适用于行政处罚"}
	case rec.Severity != General:
		return ThreeInStep{Why: fmt.Sprintf("%s penalty: only general ones", rec.Severity),
			WhyZh: fmt.Sprintf("%s失信，仅适用于一般行政处罚", rec.Severity.Chinese())}
	case rec.Accident:
		return ThreeInStep{Why: "involves a production-safety accident: serious", WhyZh: "涉及生产安全事故，属严重失信"}
	}
	for _, t := range SpeciallySeriousTypes {
		if rec.HasPenaltyType(t) {
			return ThreeInStep{Why: "specially serious penalty type " + t, WhyZh: t + "属特定严重失信"}
		}
	}
	return ThreeInStep{Applicable: true, Notice: rec.NoticeGiven, Education: rec.EducationDone, Reminder: rec.ReminderSet}
}
