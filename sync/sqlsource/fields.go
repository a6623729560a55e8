package sqlsource

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/width"

	"github.com/czyj/credwatch/credit"
)

// A field is one column of a record table, named by its national 双公示
// field code (CF_XDR_MC, XK_WSH ...) or, where the national format has
// none, by credwatch's name for it (ID, DEPT, UPDATED_AT ...). Columns are
// matched to fields case-insensitively; Table.Columns maps a field to a
// local column name where the table differs.
type field struct {
	name string
	set  func(r *credit.Record, v cell) error
}

// Fields every kind has, beyond its own. ID is the primary key, DEPT the
// department ID (docs/agency-api.md, record), UPDATED_AT when the source
// last changed the row (the default change column); DISCLOSED and
// REJECTED_REASON are what the sharing platform reported.
var commonFields = []field{
	{"DEPT", text(func(r *credit.Record, s string) { r.Dept = s })},
	{"UPDATED_AT", func(r *credit.Record, v cell) error {
		t, err := v.time()
		r.UpdatedAt = t
		return err
	}},
	{"DISCLOSED", date(func(r *credit.Record, d credit.Date) { r.Disclosed = d })},
	{"REJECTED_REASON", text(func(r *credit.Record, s string) { r.Rejected = s })},
	{"BZ", text(func(r *credit.Record, s string) { r.Note = s })},
}

// kindFields are the fields of each kind. Penalties and licences use the
// national codes (DOMAIN.md); coercion (QZ_), reward (JL_) and inspection
// (JC_) have no national standard and use the penalty's common core under
// their own prefix.
var kindFields = map[credit.Kind][]field{
	credit.Penalty: append(core("CF_", "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM"),
		field{"CF_WFXW", text(func(r *credit.Record, s string) { r.Violation = s })},
		field{"CF_SY", text(func(r *credit.Record, s string) { r.Facts = s })},
		field{"CF_YJ", text(func(r *credit.Record, s string) { r.Basis = s })},
		field{"CF_CFLB", text(func(r *credit.Record, s string) { r.PenaltyTypes = splitList(s) })},
		field{"CF_NR_FK", func(r *credit.Record, v cell) error {
			y, err := v.wanYuan()
			r.FineYuan = y
			return err
		}},
		field{"CF_YXQ", date(func(r *credit.Record, d credit.Date) { r.ValidUntil = d })},
		field{"CF_GSJZQ", date(func(r *credit.Record, d credit.Date) { r.PublishUntil = d })},
		field{"SEVERITY", text(func(r *credit.Record, s string) { r.Severity = severity(s) })},
		field{"ACCIDENT", flag(func(r *credit.Record, b bool) { r.Accident = b })},
		field{"NOTICE_GIVEN", flag(func(r *credit.Record, b bool) { r.NoticeGiven = b })},
		field{"EDUCATION_DONE", flag(func(r *credit.Record, b bool) { r.EducationDone = b })},
		field{"REMINDER_SET", flag(func(r *credit.Record, b bool) { r.ReminderSet = b })},
	),
	credit.Licence: append(core("XK_", "XK_XKJG", "XK_XKJGDM", "XK_LYDW", "XK_LYDWDM"),
		field{"XK_XKWS", text(func(r *credit.Record, s string) { r.Note = s })},
		field{"XK_XKLB", text(func(r *credit.Record, s string) { r.LicenceCategory = s })},
		field{"XK_XKZS", text(func(r *credit.Record, s string) { r.CertName = s })},
		field{"XK_XKBH", text(func(r *credit.Record, s string) { r.LicenceNo = s })},
		field{"XK_YXQZ", date(func(r *credit.Record, d credit.Date) { r.ValidFrom = d })},
		field{"XK_YXQZI", date(func(r *credit.Record, d credit.Date) { r.ValidTo = d })},
		field{"XK_ZT", text(func(r *credit.Record, s string) { r.LicenceStatus = s })},
	),
	credit.Coercion:   append(core("QZ_", "QZ_JG", "QZ_JGDM", "QZ_SJLY", "QZ_SJLYDM"), extra("QZ_")...),
	credit.Reward:     append(core("JL_", "JL_JG", "JL_JGDM", "JL_SJLY", "JL_SJLYDM"), extra("JL_")...),
	credit.Inspection: append(core("JC_", "JC_JG", "JC_JGDM", "JC_SJLY", "JC_SJLYDM"), extra("JC_")...),
}

// core is the common core of every kind under prefix p.
func core(p, authority, authCode, unit, unitCode string) []field {
	return []field{
		{p + "XDR_MC", text(func(r *credit.Record, s string) { r.SubjectName = s })},
		{p + "XDR_LB", text(func(r *credit.Record, s string) { r.SubjectKind = s })},
		{p + "XDR_SHXYM", text(func(r *credit.Record, s string) { r.USCC = s })},
		{p + "FRDB", text(func(r *credit.Record, s string) { r.LegalRep = s })},
		{p + "WSH", text(func(r *credit.Record, s string) { r.DocNo = s })},
		{p + "JDRQ", date(func(r *credit.Record, d credit.Date) { r.Decided = d })},
		{p + "NR", text(func(r *credit.Record, s string) { r.Content = s })},
		{authority, text(func(r *credit.Record, s string) { r.Authority = s })},
		{authCode, text(func(r *credit.Record, s string) { r.AuthCode = s })},
		{unit, text(func(r *credit.Record, s string) { r.SourceUnit = s })},
		{unitCode, text(func(r *credit.Record, s string) { r.SourceCode = s })},
	}
}

// extra is the facts and basis of the kinds without a national standard.
func extra(p string) []field {
	return []field{
		{p + "SY", text(func(r *credit.Record, s string) { r.Facts = s })},
		{p + "YJ", text(func(r *credit.Record, s string) { r.Basis = s })},
	}
}

// fieldsOf is every field of kind k, its own first.
func fieldsOf(k credit.Kind) []field {
	return append(append([]field(nil), kindFields[k]...), commonFields...)
}

// A cell is one value as the driver returned it: nil for NULL, string,
// []byte, int64, float64, bool or time.Time.
type cell struct{ v any }

func (c cell) null() bool { return c.v == nil }

// text is the value as text, spaces (also U+3000 and CHAR padding)
// trimmed at both ends. Data is otherwise kept as the source holds it.
func (c cell) text() string {
	var s string
	switch v := c.v.(type) {
	case nil:
		return ""
	case string:
		s = v
	case []byte:
		s = string(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		if v {
			return "1"
		}
		return "0"
	case time.Time:
		return v.Format(time.RFC3339)
	default:
		s = fmt.Sprint(v)
	}
	if n := len(s); n > 0 && s[0] > ' ' && s[0] < 0x80 && s[n-1] > ' ' && s[n-1] < 0x80 {
		return s // nothing to trim: the common case
	}
	return strings.TrimFunc(s, unicode.IsSpace)
}

// narrow is the text with full-width digits and punctuation folded to
// ASCII: for numbers and dates only, which exchange tables often carry as
// text typed by hand (２０２５－１２－１０).
func (c cell) narrow() string {
	s := c.text()
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return width.Fold.String(s)
		}
	}
	return s // ASCII already: the common case, without an allocation
}

// date reads a date: a DATE or TIMESTAMP column, or text as 2025-12-10,
// 2025/12/10, 2025.12.10, 20251210, 2025年12月10日, with or without a time
// after it. 长期 (long-term) is 2099-12-31, as the national format writes
// it.
func (c cell) date() (credit.Date, error) {
	if t, ok := c.v.(time.Time); ok {
		return credit.DateOf(wall(t)), nil
	}
	if d, ok := quickDate(c.text()); ok {
		return d, nil
	}
	s := c.narrow()
	if s == "长期" {
		return credit.NewDate(2099, time.December, 31), nil
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	s = dateSeparators.Replace(s)
	if len(s) == 8 && !strings.Contains(s, "-") {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	parts := strings.Split(s, "-")
	if len(parts) == 3 {
		y, e1 := strconv.Atoi(parts[0])
		m, e2 := strconv.Atoi(parts[1])
		d, e3 := strconv.Atoi(parts[2])
		if e1 == nil && e2 == nil && e3 == nil && validDay(y, m, d) {
			return credit.NewDate(y, time.Month(m), d), nil
		}
	}
	return 0, fmt.Errorf("cannot read %q as a date", c.text())
}

// quickDate reads the common forms of a date without allocating:
// three groups of digits (ASCII or full-width) separated by one of - / . 年
// 月 (or their full-width forms), an optional 日, and optionally a time
// after a space or T; or eight digits. Anything else is left to date.
func quickDate(s string) (credit.Date, bool) {
	var n [3]int
	var digits [3]int
	g := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n[g], digits[g] = n[g]*10+int(r-'0'), digits[g]+1
		case r >= '０' && r <= '９':
			n[g], digits[g] = n[g]*10+int(r-'０'), digits[g]+1
		case g < 2 && digits[g] > 0 && (r == '-' || r == '/' || r == '.' || r == '年' || r == '月' || r == '－' || r == '／' || r == '．'):
			g++
		case g == 2 && r == '日' && i == len(s)-len("日"):
		case g == 2 && (r == ' ' || r == 'T'):
			return finishQuick(n, digits, g)
		default:
			return 0, false
		}
		if digits[g] > 8 {
			return 0, false
		}
	}
	return finishQuick(n, digits, g)
}

func finishQuick(n, digits [3]int, g int) (credit.Date, bool) {
	if g == 0 && digits[0] == 8 { // 20251210
		n = [3]int{n[0] / 10000, n[0] / 100 % 100, n[0] % 100}
		digits = [3]int{4, 2, 2}
		g = 2
	}
	if g != 2 || digits[0] != 4 || digits[1] == 0 || digits[1] > 2 || digits[2] == 0 || digits[2] > 2 || !validDay(n[0], n[1], n[2]) {
		return 0, false
	}
	return credit.NewDate(n[0], time.Month(n[1]), n[2]), true
}

// validDay reports whether y-m-d is a day of the calendar.
func validDay(y, m, d int) bool {
	if y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() == d
}

var dateSeparators = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-")

// wall is t in China time: a value with a zone is converted; a DATE or a
// TIMESTAMP without a zone, which drivers hand over as UTC, is read as
// China time as written.
func wall(t time.Time) time.Time {
	if t.Location() == time.UTC {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), credit.ChinaZone)
	}
	return t.In(credit.ChinaZone)
}

// time reads a point in time: a TIMESTAMP column, or text as RFC 3339 or
// "2006-01-02 15:04:05" (China time).
func (c cell) time() (time.Time, error) {
	if t, ok := c.v.(time.Time); ok {
		return wall(t), nil
	}
	s := c.narrow()
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.In(credit.ChinaZone), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, credit.ChinaZone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a time", c.text())
}

// wanYuan reads an amount in 万元 (CF_NR_FK), as a number or as text
// ("30.9", "３０．９", "30.9万元"), in whole yuan, rounded half up.
func (c cell) wanYuan() (int64, error) {
	s := strings.TrimSuffix(c.narrow(), "万元")
	s = strings.ReplaceAll(s, ",", "")
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok || r.Sign() < 0 {
		return 0, fmt.Errorf("cannot read %q as an amount in 万元", c.text())
	}
	r.Mul(r, big.NewRat(10000, 1))
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom())
	if !q.IsInt64() || q.Int64() > 1e13 {
		return 0, fmt.Errorf("amount %q in 万元 is out of range", c.text())
	}
	return q.Int64(), nil
}

// flag reads a yes/no column: 1/0, Y/N, true/false, 是/否.
func (c cell) flag() (bool, error) {
	if b, ok := c.v.(bool); ok {
		return b, nil
	}
	switch strings.ToLower(c.narrow()) {
	case "1", "y", "yes", "t", "true", "是":
		return true, nil
	case "0", "n", "no", "f", "false", "否", "":
		return false, nil
	}
	return false, fmt.Errorf("cannot read %q as yes or no", c.text())
}

func text(set func(*credit.Record, string)) func(*credit.Record, cell) error {
	return func(r *credit.Record, v cell) error { set(r, v.text()); return nil }
}

func date(set func(*credit.Record, credit.Date)) func(*credit.Record, cell) error {
	return func(r *credit.Record, v cell) error {
		if v.text() == "" && !v.isTime() {
			return nil
		}
		d, err := v.date()
		if err == nil {
			set(r, d)
		}
		return err
	}
}

func (c cell) isTime() bool { _, ok := c.v.(time.Time); return ok }

func flag(set func(*credit.Record, bool)) func(*credit.Record, cell) error {
	return func(r *credit.Record, v cell) error {
		b, err := v.flag()
		set(r, b)
		return err
	}
}

// splitList splits 处罚类别 written as one text: 警告；罚款, 警告,罚款, 警告、罚款.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(";；,，、|", r) }) {
		if p = strings.TrimFunc(p, unicode.IsSpace); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// severity maps 失信程度 written in Chinese to credwatch's values; any
// other value is kept as it is, and the daily check flags it as it flags
// an API record's.
func severity(s string) credit.Severity {
	switch s {
	case "一般", "一般失信":
		return credit.General
	case "严重", "严重失信":
		return credit.Serious
	case "轻微", "轻微失信":
		return credit.Minor
	}
	return credit.Severity(s)
}
