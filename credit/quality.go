package credit

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Issue is one data-quality problem of a record: something an officer must
// get the source unit to correct before, or after, it is disclosed.
type Issue struct {
	Code   string // stable identifier, e.g. "uscc-check"; see the Issue* constants
	Field  string // the record's JSON field name, e.g. "uscc"
	Reason string // English
	Zh     string // Chinese
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
	add := func(code, field, reason, zh string) {
		out = append(out, Issue{Code: code, Field: field, Reason: reason, Zh: zh})
	}
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }

	if !rec.Kind.Valid() {
		add(IssueBadKind, "kind", fmt.Sprintf("unknown kind %q", rec.Kind), fmt.Sprintf("信息类别“%s”无效", rec.Kind))
	}
	if blank(rec.SubjectName) {
		add(IssueMissingSubject, "subject_name", "subject name (行政相对人名称) is missing", "行政相对人名称为空")
	}
	switch rec.SubjectKind {
	case "":
		add(IssueMissingSubjKind, "subject_kind", "subject kind (行政相对人类别) is missing", "行政相对人类别为空")
	case SubjectPerson:
		if rec.USCC != "" {
			add(IssuePersonWithUSCC, "uscc", "a natural person (自然人) carries no unified social credit code",
				"自然人不应填写统一社会信用代码")
		}
	case SubjectLegal, SubjectIndividual:
		if rec.USCC == "" {
			add(IssueMissingUSCC, "uscc", "unified social credit code is missing for a "+rec.SubjectKind,
				rec.SubjectKind+"缺少统一社会信用代码")
		} else if err := ValidateUSCC(rec.USCC); err != nil {
			var ue *USCCError
			if errors.As(err, &ue) {
				add(IssueUSCCCheck, "uscc", "unified social credit code "+ue.Reason, "统一社会信用代码"+ue.Zh)
			} else {
				add(IssueUSCCCheck, "uscc", err.Error(), "统一社会信用代码无效")
			}
		}
		if rec.SubjectKind == SubjectLegal && (rec.Kind == Penalty || rec.Kind == Licence) && blank(rec.LegalRep) {
			add(IssueMissingLegalRep, "legal_rep", "legal representative (法定代表人) is missing for a legal entity",
				"法人及非法人组织缺少法定代表人")
		}
	default:
		add(IssueBadSubjectKind, "subject_kind",
			fmt.Sprintf("subject kind %q is not one of %s, %s, %s", rec.SubjectKind, SubjectLegal, SubjectPerson, SubjectIndividual),
			fmt.Sprintf("行政相对人类别“%s”无效", rec.SubjectKind))
	}
	if blank(rec.DocNo) {
		add(IssueMissingDocNo, "doc_no", "document number (决定书文号) is missing", "决定书文号为空")
	}
	switch {
	case rec.Decided.IsZero():
		add(IssueMissingDecided, "decided", "decision date is missing", "决定日期为空")
	case !today.IsZero() && rec.Decided > today:
		add(IssueFutureDecision, "decided", fmt.Sprintf("decision date %s is after today %s", rec.Decided, today),
			fmt.Sprintf("决定日期%s晚于今天%s", rec.Decided, today))
	}
	if blank(rec.Authority) {
		add(IssueMissingAuthority, "authority", "deciding authority is missing", "决定机关为空")
	}
	if blank(rec.SourceUnit) {
		add(IssueMissingSource, "source_unit", "source unit (数据来源单位) is missing", "数据来源单位为空")
	}
	if !rec.Disclosed.IsZero() && !rec.Decided.IsZero() && rec.Disclosed < rec.Decided {
		add(IssueDisclosedEarly, "disclosed", fmt.Sprintf("disclosed %s before the decision %s", rec.Disclosed, rec.Decided),
			fmt.Sprintf("公示日期%s早于决定日期%s", rec.Disclosed, rec.Decided))
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
	add := func(code, field, reason, zh string) {
		out = append(out, Issue{Code: code, Field: field, Reason: reason, Zh: zh})
	}
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	if blank(rec.Violation) {
		add(IssueMissingViolation, "violation", "violation type (违法行为类型) is missing", "违法行为类型为空")
	}
	if blank(rec.Facts) {
		add(IssueMissingFacts, "facts", "facts (违法事实) are missing", "违法事实为空")
	}
	if blank(rec.Basis) {
		add(IssueMissingBasis, "basis", "legal basis (处罚依据) is missing", "处罚依据为空")
	}
	if blank(rec.Content) {
		add(IssueMissingContent, "content", "penalty content (处罚内容) is missing", "处罚内容为空")
	}
	if len(rec.PenaltyTypes) == 0 {
		add(IssueMissingPenalty, "penalty_types", "penalty type (处罚类别) is missing", "处罚类别为空")
	}
	for _, t := range rec.PenaltyTypes {
		if !slices.Contains(PenaltyTypes, t) {
			add(IssueBadPenaltyType, "penalty_types", fmt.Sprintf("penalty type %q is not a national 处罚类别", t),
				fmt.Sprintf("处罚类别“%s”不在国家标准中", t))
		}
	}
	switch rec.Severity {
	case "":
		add(IssueMissingSeverity, "severity", "severity (一般/严重失信) is missing", "失信严重程度为空")
	case Minor, General, Serious:
	default:
		add(IssueBadSeverity, "severity", fmt.Sprintf("unknown severity %q", rec.Severity),
			fmt.Sprintf("失信严重程度“%s”无效", rec.Severity))
	}
	if rec.Accident && (rec.Severity == General || rec.Severity == Minor) {
		add(IssueAccidentGrading, "severity",
			fmt.Sprintf("involves a production-safety accident but is graded %s: it is serious (Art. 8); dates use the serious tier", rec.Severity),
			fmt.Sprintf("涉及生产安全事故但失信程度为%s，应为严重失信（第八条），日期按严重失信计算", rec.Severity.Chinese()))
	}
	if !rec.ValidUntil.IsZero() && !rec.Decided.IsZero() && rec.ValidUntil < rec.Decided {
		add(IssueBadValidUntil, "valid_until", fmt.Sprintf("处罚有效期 (CF_YXQ) %s is before the decision date %s", rec.ValidUntil, rec.Decided),
			fmt.Sprintf("处罚有效期%s早于处罚决定日期%s", rec.ValidUntil, rec.Decided))
	}
	if t := CheckThreeInStep(rec); !t.Complete() {
		add(IssueThreeInStep, "three_in_step",
			"三同步 not complete: missing "+strings.Join(t.MissingEnglish(), ", "),
			"三同步未落实："+strings.Join(t.Missing(), "、"))
	}
	switch {
	case rec.FineYuan < 0:
		add(IssueNegativeFine, "fine_yuan", fmt.Sprintf("fine %d yuan is negative", rec.FineYuan),
			fmt.Sprintf("罚款金额%d元为负数", rec.FineYuan))
	case rec.FineYuan == 0 && rec.HasPenaltyType("罚款"):
		add(IssueMissingFine, "fine_yuan", "penalty type 罚款 without a fine amount", "处罚类别含罚款但罚款金额为空")
	}
	return out
}

func checkLicence(rec *Record) []Issue {
	var out []Issue
	add := func(code, field, reason, zh string) {
		out = append(out, Issue{Code: code, Field: field, Reason: reason, Zh: zh})
	}
	switch {
	case rec.LicenceCategory == "":
		add(IssueMissingLicenceCat, "licence_category", "licence category (许可类别) is missing", "许可类别为空")
	case !slices.Contains(LicenceCategories, rec.LicenceCategory):
		add(IssueBadLicenceCat, "licence_category",
			fmt.Sprintf("licence category %q is not one of %s", rec.LicenceCategory, strings.Join(LicenceCategories, "/")),
			fmt.Sprintf("许可类别“%s”无效", rec.LicenceCategory))
	}
	if strings.TrimSpace(rec.Content) == "" {
		add(IssueMissingContent, "content", "licence content (许可内容) is missing", "许可内容为空")
	}
	if rec.ValidFrom.IsZero() {
		add(IssueMissingValidity, "valid_from", "validity start (有效期自) is missing", "有效期自为空")
	}
	if rec.ValidTo.IsZero() {
		add(IssueMissingValidity, "valid_to", "validity end (有效期至) is missing", "有效期至为空")
	}
	if !rec.ValidFrom.IsZero() && !rec.ValidTo.IsZero() && rec.ValidTo < rec.ValidFrom {
		add(IssueBadValidity, "valid_to", fmt.Sprintf("validity ends %s before it starts %s", rec.ValidTo, rec.ValidFrom),
			fmt.Sprintf("有效期至%s早于有效期自%s", rec.ValidTo, rec.ValidFrom))
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
			out[key] = Issue{
				Code:   IssueDuplicateDocNo,
				Field:  "doc_no",
				Reason: fmt.Sprintf("document number %s is also used by %s", docNo, strings.Join(others, ", ")),
				Zh:     fmt.Sprintf("决定书文号%s与%s重复", docNo, strings.Join(others, "、")),
			}
		}
	}
	return out
}
