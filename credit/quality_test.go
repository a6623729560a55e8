package credit

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const validUSCC = "91350100M000100Y43"

func validPenalty() *Record {
	return &Record{
		Kind: Penalty, ID: "p1", Dept: "320400",
		SubjectName: "常州某化工有限公司", SubjectKind: SubjectLegal, USCC: validUSCC, LegalRep: "张三",
		DocNo: "常应急罚〔2024〕12号", Decided: MustDate("2024-01-31"),
		Authority: "常州市应急管理局", SourceUnit: "常州市应急管理局",
		Violation: "未按规定开展安全培训", Facts: "……", Basis: "《中华人民共和国安全生产法》第九十七条",
		Content: "罚款人民币叁万元", PenaltyTypes: []string{"罚款"}, Severity: General, FineYuan: 30000,
		NoticeGiven: true, EducationDone: true, ReminderSet: true, // 三同步 done
	}
}

// Issue 16 items 4 and 6: an accident graded below serious, and a general
// penalty whose 三同步 steps are not all recorded.
func TestCheckRecordGradingAndThreeInStep(t *testing.T) {
	today := MustDate("2026-11-30")
	for _, tc := range []struct {
		name string
		edit func(r *Record)
		want []string
	}{
		{"valid", func(r *Record) {}, nil},
		{"accident graded general", func(r *Record) { r.Accident = true }, []string{IssueAccidentGrading}},
		{"accident graded minor", func(r *Record) { r.Accident, r.Severity = true, Minor }, []string{IssueAccidentGrading}},
		{"accident graded serious", func(r *Record) { r.Accident, r.Severity = true, Serious }, nil},
		{"no 三同步 at all", func(r *Record) { r.NoticeGiven, r.EducationDone, r.ReminderSet = false, false, false }, []string{IssueThreeInStep}},
		{"reminder missing", func(r *Record) { r.ReminderSet = false }, []string{IssueThreeInStep}},
		{"serious: 三同步 does not apply", func(r *Record) { r.Severity, r.NoticeGiven = Serious, false }, nil},
		{"责令停产停业: 三同步 does not apply", func(r *Record) {
			r.PenaltyTypes, r.NoticeGiven = []string{"罚款", "责令停产停业"}, false
		}, nil},
		{"accident graded general without 三同步: one issue, the grading", func(r *Record) {
			r.Accident, r.NoticeGiven = true, false
		}, []string{IssueAccidentGrading}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := validPenalty()
			tc.edit(r)
			var got []string
			for _, is := range CheckRecord(r, today) {
				got = append(got, is.Code)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("issues = %v, want %v", got, tc.want)
			}
		})
	}
}

func validLicence() *Record {
	return &Record{
		Kind: Licence, ID: "l1", SubjectName: "常州某化工有限公司", SubjectKind: SubjectLegal, USCC: validUSCC, LegalRep: "张三",
		DocNo: "（苏常）WH安许证字〔2024〕000001", Decided: MustDate("2024-03-01"),
		Authority: "常州市应急管理局", SourceUnit: "常州市应急管理局",
		LicenceCategory: "普通", Content: "危险化学品生产", ValidFrom: MustDate("2024-03-01"), ValidTo: MustDate("2027-02-28"),
	}
}

func codes(issues []Issue) []string {
	var out []string
	for _, i := range issues {
		out = append(out, i.Code)
	}
	return out
}

func TestCheckRecord(t *testing.T) {
	today := MustDate("2024-06-01")
	for _, tc := range []struct {
		name   string
		rec    func() *Record
		codes  []string
		fields []string
	}{
		{"valid penalty", validPenalty, nil, nil},
		{"valid licence", validLicence, nil, nil},
		{"valid coercion (common core only)", func() *Record {
			return &Record{Kind: Coercion, ID: "c", SubjectName: "某公司", SubjectKind: SubjectLegal, USCC: validUSCC,
				DocNo: "常应急强〔2024〕1号", Decided: MustDate("2024-02-01"), Authority: "市局", SourceUnit: "市局"}
		}, nil, nil},
		{"natural person without code", func() *Record {
			r := validPenalty()
			r.SubjectKind, r.USCC, r.LegalRep = SubjectPerson, "", ""
			return r
		}, nil, nil},
		{"individual business with code", func() *Record {
			r := validPenalty()
			r.SubjectKind, r.LegalRep = SubjectIndividual, ""
			return r
		}, nil, nil},
		{"bad kind", func() *Record { r := validPenalty(); r.Kind = "fine"; return r }, []string{"bad-kind"}, []string{"kind"}},
		{"missing subject name", func() *Record { r := validPenalty(); r.SubjectName = "  "; return r },
			[]string{"missing-subject-name"}, []string{"subject_name"}},
		{"missing subject kind", func() *Record { r := validPenalty(); r.SubjectKind = ""; return r },
			[]string{"missing-subject-kind"}, []string{"subject_kind"}},
		{"bad subject kind", func() *Record { r := validPenalty(); r.SubjectKind = "企业"; return r },
			[]string{"bad-subject-kind"}, []string{"subject_kind"}},
		{"legal entity without code", func() *Record { r := validPenalty(); r.USCC = ""; return r },
			[]string{"missing-uscc"}, []string{"uscc"}},
		{"individual business without code", func() *Record {
			r := validPenalty()
			r.SubjectKind, r.USCC = SubjectIndividual, ""
			return r
		}, []string{"missing-uscc"}, []string{"uscc"}},
		{"person with code", func() *Record { r := validPenalty(); r.SubjectKind = SubjectPerson; return r },
			[]string{"person-with-uscc"}, []string{"uscc"}},
		{"invalid code", func() *Record { r := validPenalty(); r.USCC = "91350100M000100Y44"; return r },
			[]string{"uscc-check"}, []string{"uscc"}},
		{"missing legal representative", func() *Record { r := validPenalty(); r.LegalRep = ""; return r },
			[]string{"missing-legal-rep"}, []string{"legal_rep"}},
		{"missing doc no", func() *Record { r := validPenalty(); r.DocNo = ""; return r },
			[]string{"missing-doc-no"}, []string{"doc_no"}},
		{"missing decision date", func() *Record { r := validPenalty(); r.Decided = 0; return r },
			[]string{"missing-decision-date"}, []string{"decided"}},
		{"decision in the future", func() *Record { r := validPenalty(); r.Decided = MustDate("2024-06-02"); return r },
			[]string{"future-decision"}, []string{"decided"}},
		{"decision today is fine", func() *Record { r := validPenalty(); r.Decided = today; return r }, nil, nil},
		{"missing authority", func() *Record { r := validPenalty(); r.Authority = ""; return r },
			[]string{"missing-authority"}, []string{"authority"}},
		{"missing source unit", func() *Record { r := validPenalty(); r.SourceUnit = ""; return r },
			[]string{"missing-source-unit"}, []string{"source_unit"}},
		{"disclosed before decision", func() *Record { r := validPenalty(); r.Disclosed = MustDate("2024-01-30"); return r },
			[]string{"disclosed-before-decision"}, []string{"disclosed"}},
		{"penalty without violation, facts, basis, content", func() *Record {
			r := validPenalty()
			r.Violation, r.Facts, r.Basis, r.Content = "", "", "", ""
			return r
		}, []string{"missing-violation", "missing-facts", "missing-basis", "missing-content"},
			[]string{"violation", "facts", "basis", "content"}},
		{"no penalty type", func() *Record { r := validPenalty(); r.PenaltyTypes, r.FineYuan = nil, 0; return r },
			[]string{"missing-penalty-type"}, []string{"penalty_types"}},
		{"unknown penalty type", func() *Record { r := validPenalty(); r.PenaltyTypes = []string{"罚款", "吊销执照"}; return r },
			[]string{"bad-penalty-type"}, []string{"penalty_types"}},
		{"no severity", func() *Record { r := validPenalty(); r.Severity = ""; return r },
			[]string{"missing-severity"}, []string{"severity"}},
		{"unknown severity", func() *Record { r := validPenalty(); r.Severity = "一般"; return r },
			[]string{"bad-severity"}, []string{"severity"}},
		{"negative fine", func() *Record { r := validPenalty(); r.FineYuan = -1; return r },
			[]string{"negative-fine"}, []string{"fine_yuan"}},
		{"罚款 without amount", func() *Record { r := validPenalty(); r.FineYuan = 0; return r },
			[]string{"missing-fine"}, []string{"fine_yuan"}},
		{"warning without amount is fine", func() *Record {
			r := validPenalty()
			r.PenaltyTypes, r.FineYuan = []string{"警告"}, 0
			return r
		}, nil, nil},
		{"licence without category", func() *Record { r := validLicence(); r.LicenceCategory = ""; return r },
			[]string{"missing-licence-category"}, []string{"licence_category"}},
		{"licence with bad category", func() *Record { r := validLicence(); r.LicenceCategory = "一般"; return r },
			[]string{"bad-licence-category"}, []string{"licence_category"}},
		{"licence without doc no and content", func() *Record { r := validLicence(); r.DocNo, r.Content = "", ""; return r },
			[]string{"missing-doc-no", "missing-content"}, []string{"doc_no", "content"}},
		{"licence without validity", func() *Record { r := validLicence(); r.ValidFrom, r.ValidTo = 0, 0; return r },
			[]string{"missing-validity", "missing-validity"}, []string{"valid_from", "valid_to"}},
		{"licence ending before it starts", func() *Record { r := validLicence(); r.ValidTo = MustDate("2024-02-01"); return r },
			[]string{"bad-validity"}, []string{"valid_to"}},
		{"licence needs no penalty fields", func() *Record { r := validLicence(); r.Severity = ""; return r }, nil, nil},
		{"empty penalty", func() *Record { return &Record{Kind: Penalty, ID: "e"} },
			[]string{"missing-subject-name", "missing-subject-kind", "missing-doc-no", "missing-decision-date",
				"missing-authority", "missing-source-unit", "missing-violation", "missing-facts", "missing-basis",
				"missing-content", "missing-penalty-type", "missing-severity"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			issues := CheckRecord(tc.rec(), today)
			if got := codes(issues); !slices.Equal(got, tc.codes) {
				t.Fatalf("codes = %v, want %v", got, tc.codes)
			}
			for i, is := range issues {
				if tc.fields != nil && is.Field != tc.fields[i] {
					t.Errorf("issue %s: field %q, want %q", is.Code, is.Field, tc.fields[i])
				}
				if !strings.HasPrefix(is.Text.Key, "issue."+is.Code) || is.Field == "" {
					t.Errorf("issue %+v lacks a field, or its text's key is not its code's", is)
				}
			}
		})
	}
}

// TestCheckRecordUSCC covers every kind of invalid code; the issue must carry
// ValidateUSCC's reason.
func TestCheckRecordUSCC(t *testing.T) {
	if err := ValidateUSCC(validUSCC); err != nil {
		t.Fatalf("known valid code rejected: %v", err)
	}
	for _, tc := range []struct {
		name, code string
		reason     Text // "": any
	}{
		{"empty (legal entity)", "", Text{}},
		{"17 characters", "91350100M000100Y4", text("uscc.length", 17)},
		{"19 characters", "91350100M000100Y433", text("uscc.length", 19)},
		{"lower case", "91350100m000100Y43", text("uscc.lower-case", 9, byte('m'))},
		{"lower case check character", "91350100M000100y43", text("uscc.lower-case", 16, byte('y'))},
		{"letter I", "91350100MI00100Y43", text("uscc.bad-char", 10, byte('I'))},
		{"letter O", "91350100MO00100Y43", text("uscc.bad-char", 10, byte('O'))},
		{"letter Z", "91350100MZ00100Y43", text("uscc.bad-char", 10, byte('Z'))},
		{"letter S", "91350100MS00100Y43", text("uscc.bad-char", 10, byte('S'))},
		{"letter V", "91350100MV00100Y43", text("uscc.bad-char", 10, byte('V'))},
		{"symbol", "91350100M-00100Y43", text("uscc.bad-char", 10, byte('-'))},
		{"space", "91350100M 00100Y43", text("uscc.bad-char", 10, byte(' '))},
		{"letter in division code", "9135A100M000100Y43", text("uscc.division", 5, byte('A'))},
		{"letter at end of division code", "913501A0M000100Y43", text("uscc.division", 7, byte('A'))},
		{"bad organisation check character (17)", "91350100M000100X43", text("uscc.org-check", byte('4'), byte('6'))},
		{"bad check character (18)", "91350100M000100Y44", text("uscc.check", byte('4'), byte('3'))},
		{"transposed digits", "91351000M000100Y43", Text{}},
		{"full-width digit", "９1350100M000100Y43", text("uscc.non-ascii")},
		{"full-width letter", "91350100Ｍ000100Y43", text("uscc.non-ascii")},
		{"ideographic space", "91350100M000100Y4　", text("uscc.non-ascii")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := validPenalty()
			r.USCC = tc.code
			issues := CheckRecord(r, MustDate("2024-06-01"))
			if len(issues) != 1 {
				t.Fatalf("issues = %+v, want one", issues)
			}
			is := issues[0]
			if tc.code == "" {
				if is.Code != IssueMissingUSCC {
					t.Errorf("code %s, want missing-uscc", is.Code)
				}
				return
			}
			if is.Code != IssueUSCCCheck || is.Field != "uscc" {
				t.Errorf("issue %+v, want uscc-check on uscc", is)
			}
			err := ValidateUSCC(tc.code)
			ue, ok := err.(*USCCError)
			if !ok {
				t.Fatalf("ValidateUSCC(%q) = %v, want *USCCError", tc.code, err)
			}
			if !reflect.DeepEqual(is.Text, text("issue.uscc-check", ue.Text)) {
				t.Errorf("issue %+v does not carry the reason %+v", is, ue.Text)
			}
			if tc.reason.Key != "" && !reflect.DeepEqual(ue.Text, tc.reason) {
				t.Errorf("reason %+v, want %+v", ue.Text, tc.reason)
			}
		})
	}
}

func TestDuplicateDocNos(t *testing.T) {
	rec := func(k Kind, id, doc string) *Record { return &Record{Kind: k, ID: id, DocNo: doc} }
	a := rec(Penalty, "1", "常应急罚〔2024〕1号")
	b := rec(Penalty, "2", "常应急罚〔2024〕1号")
	c := rec(Penalty, "3", "常应急罚〔2024〕1号")
	d := rec(Licence, "4", "常应急罚〔2024〕1号") // same number, other kind
	e := rec(Penalty, "5", "常应急罚〔2024〕2号")
	f := rec(Penalty, "6", "")
	g := rec(Penalty, "7", "")
	for _, tc := range []struct {
		name string
		recs []*Record
		want map[string][]string
	}{
		{"none", []*Record{a, e, d}, map[string][]string{}},
		{"pair", []*Record{a, b, e}, map[string][]string{"penalty/常应急罚〔2024〕1号": {"penalty/1", "penalty/2"}}},
		{"three in input order", []*Record{c, e, a, d, b}, map[string][]string{"penalty/常应急罚〔2024〕1号": {"penalty/3", "penalty/1", "penalty/2"}}},
		{"same record twice", []*Record{a, a, e}, map[string][]string{}},
		{"empty doc numbers ignored", []*Record{f, g}, map[string][]string{}},
		{"nil records ignored", []*Record{nil, a}, map[string][]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := DuplicateDocNos(tc.recs)
			if !maps.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("= %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("issues", func(t *testing.T) {
		got := DuplicateDocNoIssues([]*Record{a, b, c, e})
		if len(got) != 3 {
			t.Fatalf("%d issues, want 3: %v", len(got), got)
		}
		is := got["penalty/2"]
		if is.Code != "duplicate-doc-no" || is.Field != "doc_no" ||
			!reflect.DeepEqual(is.Text, text("issue.duplicate-doc-no", "常应急罚〔2024〕1号", []string{"penalty/1", "penalty/3"})) {
			t.Errorf("issue = %+v", is)
		}
	})
}
