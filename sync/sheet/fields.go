package sheet

import (
	"strings"

	"github.com/czyj/credwatch/credit"
)

// Field is one field of credit.Record a column can fill.
type Field string

// Fields, named by their agency API JSON name.
const (
	FSubjectName  Field = "subject_name"
	FSubjectKind  Field = "subject_kind"
	FUSCC         Field = "uscc"
	FLegalRep     Field = "legal_rep"
	FDocNo        Field = "doc_no"
	FDecided      Field = "decided"
	FAuthority    Field = "authority"
	FAuthCode     Field = "authority_code"
	FSourceUnit   Field = "source_unit"
	FSourceCode   Field = "source_unit_code"
	FContent      Field = "content"
	FNote         Field = "note"
	FViolation    Field = "violation"
	FFacts        Field = "facts"
	FBasis        Field = "basis"
	FPenaltyTypes Field = "penalty_types"
	FFineWan      Field = "fine_wan" // 罚款金额（万元）
	FFineYuan     Field = "fine_yuan"
	FSeverity     Field = "severity"
	FAccident     Field = "accident"
	FValidUntil   Field = "valid_until"
	FPublishUntil Field = "publish_until"
	FLicenceCat   Field = "licence_category"
	FCertName     Field = "cert_name"
	FLicenceNo    Field = "licence_no"
	FValidFrom    Field = "valid_from"
	FValidTo      Field = "valid_to"
	FLicenceState Field = "licence_status"
	FDisclosed    Field = "disclosed"
	FDept         Field = "dept"
	FKind         Field = "kind"
	FNoticeGiven  Field = "notice_given"
	FEducation    Field = "education_done"
	FReminderSet  Field = "reminder_set"
	// FIgnore marks a known column of the national templates that has no
	// field in credwatch (e.g. 证件类型); it is read and not stored.
	FIgnore Field = "-"
)

// column is one known header: its field code, its Chinese names, and the
// kind its code belongs to ("" for the common core).
type column struct {
	code  string
	kind  credit.Kind
	field Field
	names []string
}

// columns lists the national templates' columns (行政处罚 CF_, 行政许可 XK_),
// the common core used for coercion, reward and inspection, and the
// columns credwatch adds (dept, severity, accident, 公示日期, 三同步).
var columns = []column{
	// 行政处罚 (CF_)
	{"CF_XDR_MC", credit.Penalty, FSubjectName, []string{"行政相对人名称"}},
	{"CF_XDR_LB", credit.Penalty, FSubjectKind, []string{"行政相对人类别"}},
	{"CF_XDR_SHXYM", credit.Penalty, FUSCC, []string{"统一社会信用代码", "行政相对人代码_1(统一社会信用代码)", "行政相对人代码(统一社会信用代码)"}},
	{"CF_FRDB", credit.Penalty, FLegalRep, []string{"法定代表人", "法定代表人姓名"}},
	{"CF_WSH", credit.Penalty, FDocNo, []string{"行政处罚决定书文号", "决定书文号", "处罚决定书文号"}},
	{"CF_WFXW", credit.Penalty, FViolation, []string{"违法行为类型"}},
	{"CF_SY", credit.Penalty, FFacts, []string{"违法事实"}},
	{"CF_YJ", credit.Penalty, FBasis, []string{"处罚依据"}},
	{"CF_CFLB", credit.Penalty, FPenaltyTypes, []string{"处罚类别"}},
	{"CF_NR", credit.Penalty, FContent, []string{"处罚内容"}},
	{"CF_NR_FK", credit.Penalty, FFineWan, []string{"罚款金额(万元)", "罚款金额"}},
	{"CF_JDRQ", credit.Penalty, FDecided, []string{"处罚决定日期"}},
	{"CF_YXQ", credit.Penalty, FValidUntil, []string{"处罚有效期"}},
	{"CF_GSJZQ", credit.Penalty, FPublishUntil, []string{"公示截止期"}},
	{"CF_CFJG", credit.Penalty, FAuthority, []string{"处罚机关"}},
	{"CF_CFJGDM", credit.Penalty, FAuthCode, []string{"处罚机关统一社会信用代码", "处罚机关代码"}},
	{"CF_SJLY", credit.Penalty, FSourceUnit, []string{"数据来源单位", "数据来源"}},
	{"CF_SJLYDM", credit.Penalty, FSourceCode, []string{"数据来源单位统一社会信用代码", "数据来源单位代码"}},
	{"CF_ZJLX", credit.Penalty, FIgnore, []string{"法定代表人证件类型", "证件类型"}},
	{"CF_ZJHM", credit.Penalty, FIgnore, []string{"法定代表人证件号码", "证件号码"}},
	// 行政许可 (XK_)
	{"XK_XDR_MC", credit.Licence, FSubjectName, nil},
	{"XK_XDR_LB", credit.Licence, FSubjectKind, nil},
	{"XK_XDR_SHXYM", credit.Licence, FUSCC, nil},
	{"XK_FRDB", credit.Licence, FLegalRep, nil},
	{"XK_XKWS", credit.Licence, FIgnore, []string{"行政许可决定文书名称", "许可决定文书名称"}},
	{"XK_WSH", credit.Licence, FDocNo, []string{"行政许可决定文书号", "许可决定文书号", "文书号"}},
	{"XK_XKLB", credit.Licence, FLicenceCat, []string{"许可类别"}},
	{"XK_XKZS", credit.Licence, FCertName, []string{"许可证书名称"}},
	{"XK_XKBH", credit.Licence, FLicenceNo, []string{"许可编号"}},
	{"XK_NR", credit.Licence, FContent, []string{"许可内容"}},
	{"XK_JDRQ", credit.Licence, FDecided, []string{"许可决定日期"}},
	{"XK_YXQZ", credit.Licence, FValidFrom, []string{"有效期自"}},
	{"XK_YXQZI", credit.Licence, FValidTo, []string{"有效期至"}},
	{"XK_XKJG", credit.Licence, FAuthority, []string{"许可机关"}},
	{"XK_XKJGDM", credit.Licence, FAuthCode, []string{"许可机关统一社会信用代码", "许可机关代码"}},
	{"XK_ZT", credit.Licence, FLicenceState, []string{"当前状态"}},
	{"XK_LYDW", credit.Licence, FSourceUnit, nil},
	{"XK_LYDWDM", credit.Licence, FSourceCode, nil},
	// The common core of every kind (no national codes for coercion,
	// reward and inspection), by name only.
	{"", "", FDocNo, []string{"决定文书号", "文书号", "决定书编号"}},
	{"", "", FDecided, []string{"决定日期", "作出决定日期", "检查日期", "奖励日期", "强制决定日期"}},
	{"", "", FAuthority, []string{"实施机关", "决定机关", "检查机关", "奖励机关"}},
	{"", "", FContent, []string{"内容", "强制内容", "奖励内容", "检查结果", "检查内容"}},
	{"BZ", "", FNote, []string{"备注"}},
	// Columns credwatch adds to the templates.
	{"DEPT", "", FDept, []string{"部门", "所属部门", "部门编码"}},
	{"KIND", "", FKind, []string{"信息类别"}},
	{"SXCD", "", FSeverity, []string{"失信程度", "失信等级"}},
	{"SGSG", "", FAccident, []string{"涉及生产安全事故", "是否涉及生产安全事故"}},
	{"GSRQ", "", FDisclosed, []string{"公示日期", "上报公示日期"}},
	{"XFGZ", "", FNoticeGiven, []string{"信用修复告知书"}},
	{"CXJY", "", FEducation, []string{"诚信教育"}},
	{"XFTX", "", FReminderSet, []string{"修复提醒"}},
}

// normHeader folds a header cell for lookup: spaces, line breaks and the
// marks of required columns (*, ※, （必填）) removed, full-width brackets and
// underscores made ASCII, field codes upper-cased.
func normHeader(s string) string {
	s = strings.NewReplacer("（", "(", "）", ")", "＿", "_", "＊", "*", "(必填)", "", "(选填)", "").Replace(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '\u3000', '*', '※':
			return -1
		}
		return r
	}, s)
	return strings.ToUpper(strings.ReplaceAll(s, "(必填)", ""))
}

// header is a mapped header row.
type header struct {
	row    int     // 1-based row number of the header
	fields []Field // per column; "" where unknown
	names  []string
	kind   credit.Kind // the kind the field codes name, "" if none
	known  int
}

// mapHeader maps a header row's cells: by field code, by the agency API's
// JSON name, by the configured local mapping (local: header -> field code
// or JSON name), then by Chinese name within kind's columns and the common
// core. It returns how many columns it recognised.
func mapHeader(cells []string, kind credit.Kind, local map[string]string) header {
	h := header{fields: make([]Field, len(cells)), names: make([]string, len(cells))}
	byCode := map[string]column{}
	for _, c := range columns {
		if c.code != "" {
			byCode[c.code] = c
		}
	}
	localN := map[string]string{}
	for k, v := range local {
		localN[normHeader(k)] = v
	}
	jsonName := func(n string) (Field, bool) {
		for _, c := range columns {
			if strings.EqualFold(string(c.field), n) && c.field != FIgnore {
				return c.field, true
			}
		}
		return "", false
	}
	for i, cell := range cells {
		n := normHeader(cell)
		h.names[i] = strings.TrimSpace(cell)
		if n == "" {
			continue
		}
		if v, ok := localN[n]; ok {
			n = normHeader(v)
		}
		if c, ok := byCode[n]; ok {
			h.fields[i] = c.field
			if c.kind != "" && h.kind == "" {
				h.kind = c.kind
			}
			h.known++
			continue
		}
		if f, ok := jsonName(strings.ToLower(n)); ok {
			h.fields[i] = f
			h.known++
			continue
		}
		for _, c := range columns {
			if c.kind != "" && kind != "" && c.kind != kind && c.kind != credit.Penalty {
				continue
			}
			for _, name := range c.names {
				if normHeader(name) == n {
					h.fields[i] = c.field
					h.known++
					break
				}
			}
			if h.fields[i] != "" {
				break
			}
		}
	}
	// A licence sheet named by Chinese headers only: 许可决定日期 and the
	// common names resolve to the penalty columns' fields, which are the
	// same fields.
	return h
}

// codeOf returns the national field code (or credwatch's) of a field for
// kind, for messages and for the templates credwatch writes.
func codeOf(f Field, k credit.Kind) string {
	for _, c := range columns {
		if c.field == f && c.code != "" && (c.kind == k || c.kind == "") {
			return c.code
		}
	}
	return ""
}

// nameOf returns the Chinese name of a field for kind.
func nameOf(f Field, k credit.Kind) string {
	for _, c := range columns {
		if c.field == f && (c.kind == k || c.kind == "") && len(c.names) > 0 {
			return c.names[0]
		}
	}
	for _, c := range columns {
		if c.field == f && len(c.names) > 0 {
			return c.names[0]
		}
	}
	return string(f)
}
