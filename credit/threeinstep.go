package credit

// ThreeInStep is the 三同步 mechanism (Art. 7, 常信用办〔2022〕7号) for one
// record: when a general (一般) penalty is decided, the authority must at the
// same time give the repair notice (信用修复告知书), carry out integrity
// education or a warning talk (诚信教育/警示约谈) and set up the repair
// reminder (修复提醒).
type ThreeInStep struct {
	Applicable                  bool // a general penalty
	Notice, Education, Reminder bool
}

// Complete reports whether nothing is missing: true when the mechanism does
// not apply or all three steps are done.
func (t ThreeInStep) Complete() bool {
	return !t.Applicable || (t.Notice && t.Education && t.Reminder)
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

// CheckThreeInStep reports the 三同步 steps of rec. The mechanism applies to
// general penalties only: not to serious (严重) ones, which the notice
// excludes, not to minor (轻微) ones, a tier it does not know, and not to the
// other four kinds.
func CheckThreeInStep(rec *Record) ThreeInStep {
	if rec.Kind != Penalty || rec.Severity != General {
		return ThreeInStep{}
	}
	return ThreeInStep{Applicable: true, Notice: rec.NoticeGiven, Education: rec.EducationDone, Reminder: rec.ReminderSet}
}
