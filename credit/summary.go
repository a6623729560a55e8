package credit

// PenaltySummary is the part of a penalty that the repair, queue and
// sharing views list and compute with: who, which decision, how severe,
// when decided and disclosed. The cache keeps one per penalty beside the
// full record, so the views never decode (or hold) a million full records;
// a record's other fields are read when its detail is opened.
type PenaltySummary struct {
	ID           string
	Dept         string
	SubjectName  string
	USCC         string
	DocNo        string
	Severity     Severity
	Decided      Date
	Disclosed    Date
	PenaltyTypes []string
	Accident     bool // 涉及生产安全事故: the rules put it in the serious tier
	// 三同步 steps recorded (Record.NoticeGiven and so on), for the repair tab.
	NoticeGiven, EducationDone, ReminderSet bool
}

// Summarize returns the summary of a penalty record.
func Summarize(r *Record) PenaltySummary {
	return PenaltySummary{ID: r.ID, Dept: r.Dept, SubjectName: r.SubjectName, USCC: r.USCC, DocNo: r.DocNo,
		Severity: r.Severity, Decided: r.Decided, Disclosed: r.Disclosed, PenaltyTypes: r.PenaltyTypes, Accident: r.Accident,
		NoticeGiven: r.NoticeGiven, EducationDone: r.EducationDone, ReminderSet: r.ReminderSet}
}

// Key returns the penalty's natural key, "penalty/id".
func (p *PenaltySummary) Key() string { return RecordKey(Penalty, p.ID) }

// Record returns a penalty Record holding just the summary's fields: enough
// for Rules.Disclosure, Rules.RepairFor and CheckThreeInStep, which read no
// other field.
func (p *PenaltySummary) Record() Record {
	return Record{Kind: Penalty, ID: p.ID, Dept: p.Dept, SubjectName: p.SubjectName, USCC: p.USCC, DocNo: p.DocNo,
		Severity: p.Severity, Decided: p.Decided, Disclosed: p.Disclosed, PenaltyTypes: p.PenaltyTypes, Accident: p.Accident,
		NoticeGiven: p.NoticeGiven, EducationDone: p.EducationDone, ReminderSet: p.ReminderSet}
}
