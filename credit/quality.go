package credit

import (
	"errors"
	"slices"
	"strings"
)

// Issue is one data-quality problem of a record: something an officer must
// get the source unit to correct before, or after, it is disclosed.
type Issue struct {
	Code  string // stable identifier, e.g. "uscc-check"; see the Issue* constants
	Field string // the record's JSON field name, e.g. "uscc"
	Text  Text   // what is wrong, for a person (the catalogue words it)
}

// Issue codes. They are stable: configuration and saved views may refer to
// them.
const (
	IssueBadKind           = "bad-kind"
	IssueMissingSubject    = "missing-subject-name"
	IssueMissingSubjKind   = "missing-subject-kind"
	IssueBadSubjectKind    = "bad-subject-kind"
	IssueMissingUSCC       = "missing-uscc"
	IssueUSCCCheck         = "uscc-check"
	IssuePersonWithUSCC    = "person-with-uscc"
	IssueMissingLegalRep   = "missing-legal-rep"
	IssueMissingDocNo      = "missing-doc-no"
	IssueMissingDecided    = "missing-decision-date"
	IssueFutureDecision    = "future-decision"
	IssueMissingAuthority  = "missing-authority"
	IssueMissingSource     = "missing-source-unit"
	IssueDisclosedEarly    = "disclosed-before-decision"
	IssueMissingViolation  = "missing-violation"
	IssueMissingFacts      = "missing-facts"
	IssueMissingBasis      = "missing-basis"
	IssueMissingContent    = "missing-content"
	IssueMissingPenalty    = "missing-penalty-type"
	IssueBadPenaltyType    = "bad-penalty-type"
	IssueMissingSeverity   = "missing-severity"
	IssueBadSeverity       = "bad-severity"
	IssueNegativeFine      = "negative-fine"
	IssueMissingFine       = "missing-fine"
	IssueMissingLicenceCat = "missing-licence-category"
	IssueBadLicenceCat     = "bad-licence-category"
	IssueMissingValidity   = "missing-validity"
	IssueBadValidity       = "bad-validity"
	IssueDuplicateDocNo    = "duplicate-doc-no"

	// IssueAccidentGrading: a penalty involving a production-safety accident
	// graded below serious (常应急〔2022〕19号 第八条 makes it serious).
	IssueAccidentGrading = "accident-graded-below-serious"
	// IssueSeriousTypeGrading: a penalty type the rule set puts in the
	// serious tier, graded below serious (Rules.CheckPenalty).
	IssueSeriousTypeGrading = "serious-type-graded-below-serious"
	// IssueAppliedBeforeEligible / IssueAppliedNotRepairable: an application
	// to 信用中国 before eligibility, or for a penalty that is not repairable
	// (RepairDates.ApplicationIssue).
	IssueAppliedBeforeEligible = "applied-before-eligible"
	IssueAppliedNotRepairable  = "applied-not-repairable"
	// IssueThreeInStep: a general penalty whose 三同步 steps are not all
	// recorded. It is a duty the department missed rather than a data error:
	// the daily check shows it on its own line (CheckThreeInStepLine), not
	// under quality.
	IssueThreeInStep = "three-in-step-missing"
	// IssueBadValidUntil: 处罚有效期 (CF_YXQ) before the decision date.
	IssueBadValidUntil = "valid-until-before-decision"
	// IssuePublishUntil: 公示截止期 (CF_GSJZQ) differs from the maximum
	// disclosure end the rules give (Rules.CheckPenalty).
	IssuePublishUntil = "publish-until-mismatch"
)

// LicenceCategories lists 许可类别 (XK_XKLB) values.
var LicenceCategories = []string{"普通", "特许", "认可", "核准", "登记", "其他"}

// CheckRecord returns rec's data-quality issues as of today, in field order;
// nil when there are none. It checks:
//   - the common core for every kind: subject name and kind (法人及非法人组织,
//     自然人 or 个体工商户), document number, decision date (not after today),
//     authority and source unit;
//   - the credit code: legal entities and 个体工商户 need a valid one
//     (ValidateUSCC; the issue carries its Chinese reason), natural persons
//     carry none; legal entities also need a legal representative (penalties
//     and licences);
//   - penalties: 违法行为类型, 违法事实, 处罚依据, 处罚内容, at least one 处罚类别
//     from PenaltyTypes, a severity, and a fine that is not negative (and not
//     missing when 罚款 is among the types);
//   - licences: 许可类别 from LicenceCategories, 许可内容 and a validity period
//     that does not end before it starts.
//
// Duplicate document numbers need the other records: see DuplicateDocNos.
func CheckRecord(rec *Record, today Date) []Issue {
	var out []Issue
	add := func(code, field string, t Text) {
		out = append(out, Issue{Code: code, Field: field, Text: t})
	}
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }

	if !rec.Kind.Valid() {
		add(IssueBadKind, "kind", text("issue.bad-kind", rec.Kind))
	}
	if blank(rec.SubjectName) {
		add(IssueMissingSubject, "subject_name", text("issue.missing-subject-name"))
	}
	switch rec.SubjectKind {
	case "":
		add(IssueMissingSubjKind, "subject_kind", text("issue.missing-subject-kind"))
	case SubjectPerson:
		if rec.USCC != "" {
			add(IssuePersonWithUSCC, "uscc", text("issue.person-with-uscc"))
		}
	case SubjectLegal, SubjectIndividual:
		if rec.USCC == "" {
			add(IssueMissingUSCC, "uscc", text("issue.missing-uscc", rec.SubjectKind))
		} else if err := ValidateUSCC(rec.USCC); err != nil {
			var ue *USCCError
			if errors.As(err, &ue) {
				add(IssueUSCCCheck, "uscc", text("issue.uscc-check", ue.Text))
			} else {
				add(IssueUSCCCheck, "uscc", text("issue.uscc-invalid", err.Error()))
			}
		}
		if rec.SubjectKind == SubjectLegal && (rec.Kind == Penalty || rec.Kind == Licence) && blank(rec.LegalRep) {
			add(IssueMissingLegalRep, "legal_rep", text("issue.missing-legal-rep"))
		}
	default:
		add(IssueBadSubjectKind, "subject_kind", text("issue.bad-subject-kind", rec.SubjectKind, SubjectLegal, SubjectPerson, SubjectIndividual))
	}
	if blank(rec.DocNo) {
		add(IssueMissingDocNo, "doc_no", text("issue.missing-doc-no"))
	}
	switch {
	case rec.Decided.IsZero():
		add(IssueMissingDecided, "decided", text("issue.missing-decision-date"))
	case !today.IsZero() && rec.Decided > today:
		add(IssueFutureDecision, "decided", text("issue.future-decision", rec.Decided, today))
	}
	if blank(rec.Authority) {
		add(IssueMissingAuthority, "authority", text("issue.missing-authority"))
	}
	if blank(rec.SourceUnit) {
		add(IssueMissingSource, "source_unit", text("issue.missing-source-unit"))
	}
	if !rec.Disclosed.IsZero() && !rec.Decided.IsZero() && rec.Disclosed < rec.Decided {
		add(IssueDisclosedEarly, "disclosed", text("issue.disclosed-before-decision", rec.Disclosed, rec.Decided))
	}

	switch rec.Kind {
	case Penalty:
		out = append(out, checkPenalty(rec)...)
	case Licence:
		out = append(out, checkLicence(rec)...)
	}
	return out
}

func checkPenalty(rec *Record) []Issue {
	var out []Issue
	add := func(code, field string, t Text) {
		out = append(out, Issue{Code: code, Field: field, Text: t})
	}
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	if blank(rec.Violation) {
		add(IssueMissingViolation, "violation", text("issue.missing-violation"))
	}
	if blank(rec.Facts) {
		add(IssueMissingFacts, "facts", text("issue.missing-facts"))
	}
	if blank(rec.Basis) {
		add(IssueMissingBasis, "basis", text("issue.missing-basis"))
	}
	if blank(rec.Content) {
		add(IssueMissingContent, "content", text("issue.missing-content.penalty"))
	}
	if len(rec.PenaltyTypes) == 0 {
		add(IssueMissingPenalty, "penalty_types", text("issue.missing-penalty-type"))
	}
	for _, t := range rec.PenaltyTypes {
		if !slices.Contains(PenaltyTypes, t) {
			add(IssueBadPenaltyType, "penalty_types", text("issue.bad-penalty-type", t))
		}
	}
	switch rec.Severity {
	case "":
		add(IssueMissingSeverity, "severity", text("issue.missing-severity"))
	case Minor, General, Serious:
	default:
		add(IssueBadSeverity, "severity", text("issue.bad-severity", rec.Severity))
	}
	if rec.Accident && (rec.Severity == General || rec.Severity == Minor) {
		add(IssueAccidentGrading, "severity", text("issue.accident-graded-below-serious", rec.Severity, rec.Severity.Chinese()))
	}
	if !rec.ValidUntil.IsZero() && !rec.Decided.IsZero() && rec.ValidUntil < rec.Decided {
		add(IssueBadValidUntil, "valid_until", text("issue.valid-until-before-decision", rec.ValidUntil, rec.Decided))
	}
	if t := CheckThreeInStep(rec); !t.Complete() {
		add(IssueThreeInStep, "three_in_step", text("issue.three-in-step-missing", t.Missing()))
	}
	switch {
	case rec.FineYuan < 0:
		add(IssueNegativeFine, "fine_yuan", text("issue.negative-fine", rec.FineYuan))
	case rec.FineYuan == 0 && rec.HasPenaltyType("罚款"):
		add(IssueMissingFine, "fine_yuan", text("issue.missing-fine"))
	}
	return out
}

func checkLicence(rec *Record) []Issue {
	var out []Issue
	add := func(code, field string, t Text) {
		out = append(out, Issue{Code: code, Field: field, Text: t})
	}
	switch {
	case rec.LicenceCategory == "":
		add(IssueMissingLicenceCat, "licence_category", text("issue.missing-licence-category"))
	case !slices.Contains(LicenceCategories, rec.LicenceCategory):
		add(IssueBadLicenceCat, "licence_category", text("issue.bad-licence-category", rec.LicenceCategory, strings.Join(LicenceCategories, "/")))
	}
	if strings.TrimSpace(rec.Content) == "" {
		add(IssueMissingContent, "content", text("issue.missing-content.licence"))
	}
	if rec.ValidFrom.IsZero() {
		add(IssueMissingValidity, "valid_from", text("issue.missing-validity.from"))
	}
	if rec.ValidTo.IsZero() {
		add(IssueMissingValidity, "valid_to", text("issue.missing-validity.to"))
	}
	if !rec.ValidFrom.IsZero() && !rec.ValidTo.IsZero() && rec.ValidTo < rec.ValidFrom {
		add(IssueBadValidity, "valid_to", text("issue.bad-validity", rec.ValidTo, rec.ValidFrom))
	}
	return out
}

// DuplicateDocNos finds document numbers used by more than one record of the
// same kind. It returns "kind/docno" -> the keys of those records, in input
// order, for document numbers with two or more distinct records. Records
// without a document number are skipped; the same record given twice counts
// once.
func DuplicateDocNos(recs []*Record) map[string][]string {
	groups := map[string][]string{}
	for _, r := range recs {
		if r == nil || strings.TrimSpace(r.DocNo) == "" {
			continue
		}
		k := string(r.Kind) + "/" + r.DocNo
		if key := r.Key(); !slices.Contains(groups[k], key) {
			groups[k] = append(groups[k], key)
		}
	}
	for k, keys := range groups {
		if len(keys) < 2 {
			delete(groups, k)
		}
	}
	return groups
}

// DuplicateDocNoIssues turns DuplicateDocNos into one Issue per affected
// record: record key -> an IssueDuplicateDocNo naming the other records.
func DuplicateDocNoIssues(recs []*Record) map[string]Issue {
	out := map[string]Issue{}
	for k, keys := range DuplicateDocNos(recs) {
		docNo := k[strings.IndexByte(k, '/')+1:]
		for _, key := range keys {
			others := slices.DeleteFunc(slices.Clone(keys), func(s string) bool { return s == key })
			out[key] = Issue{Code: IssueDuplicateDocNo, Field: "doc_no", Text: text("issue.duplicate-doc-no", docNo, others)}
		}
	}
	return out
}
