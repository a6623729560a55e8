package sheet

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/xuri/excelize/v2"
)

// LongTerm is the date the templates' "长期" (long-term) stands for, as the
// agency API writes it.
var LongTerm = credit.MustDate("2099-12-31")

var dateLayouts = []string{"2006-01-02", "2006/1/2", "2006-1-2", "2006.1.2", "2006年1月2日", "20060102"}

// parseDate reads a date cell: an Excel serial (the 1900 date system; the
// raw value of a date-formatted cell), or text in the usual Chinese forms,
// with any time of day ignored. "长期" is LongTerm when longTerm is true.
func parseDate(s string, longTerm bool) (credit.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if longTerm && (s == "长期" || s == "长期有效") {
		return LongTerm, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "-/") && len(s) != 8 {
		if f < 1 || f > 2958465 { // 9999-12-31
			return 0, fmt.Errorf("%q is not a date (as an Excel date serial it is out of range)", s)
		}
		t, err := excelize.ExcelDateToTime(f, false)
		if err != nil {
			return 0, fmt.Errorf("%q is not a date: %v", s, err)
		}
		return credit.NewDate(t.Year(), t.Month(), t.Day()), nil
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return credit.NewDate(t.Year(), t.Month(), t.Day()), nil
		}
	}
	return 0, fmt.Errorf("%q is not a date (want 2026-11-03, 2026/11/3, 2026年11月3日 or an Excel date)", s)
}

// sciNumber is a number in the scientific form Excel stores large numbers
// in (9.13204123456789E+17). A valid credit code may hold an E between
// digits (9132041222196E2498), so the form needs its point or its plus.
var sciNumber = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?[eE]\+[0-9]+$|^[0-9]\.[0-9]+[eE][0-9]+$`)

// parseCode reads a credit code cell. A code Excel stored as a number in
// scientific form has lost its last digits: it is refused, not repaired.
func parseCode(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if sciNumber.MatchString(s) {
		return "", fmt.Errorf("%q: the credit code was stored as a number and Excel kept only 15 digits; format the column as text and enter the code again", s)
	}
	s = strings.TrimSuffix(s, ".0")
	// Excel keeps 15 significant digits of a number: an 18-digit code
	// typed into a number cell ends in 000 and fails its check. Any other
	// wrong code is a quality issue (credit.CheckRecord), as from the API.
	if len(s) == 18 && strings.Trim(s, "0123456789") == "" && strings.HasSuffix(s, "000") && credit.ValidateUSCC(s) != nil {
		return "", fmt.Errorf("%q: the credit code is all digits, ends in 000 and fails its check, as when Excel stored it as a number and kept only 15 digits; format the column as text and enter the code again", s)
	}
	return s, nil
}

// parseWan reads 罚款金额（万元） into yuan.
func parseWan(s string) (int64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e9 {
		return 0, fmt.Errorf("%q is not an amount in 万元", s)
	}
	return int64(math.Round(f * 10000)), nil
}

func parseYuan(s string) (int64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e13 {
		return 0, fmt.Errorf("%q is not an amount in yuan", s)
	}
	return int64(math.Round(f)), nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "否", "no", "n", "false", "0", "无":
		return false, nil
	case "是", "yes", "y", "true", "1", "有", "已", "已完成":
		return true, nil
	}
	return false, fmt.Errorf("%q is not 是 or 否", s)
}

// splitList splits a cell of several values (处罚类别) at the usual separators.
func splitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case ';', '；', ',', '，', '、', '/', '|', '\n':
			return true
		}
		return false
	})
	var out []string
	for _, v := range f {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// setField sets field f of r from cell s.
func setField(r *credit.Record, f Field, s string) error {
	t := strings.TrimSpace(s)
	var err error
	switch f {
	case FSubjectName:
		r.SubjectName = t
	case FSubjectKind:
		r.SubjectKind = t
	case FUSCC:
		r.USCC, err = parseCode(t)
	case FLegalRep:
		r.LegalRep = t
	case FDocNo:
		r.DocNo = t
	case FDecided:
		r.Decided, err = parseDate(t, false)
	case FAuthority:
		r.Authority = t
	case FAuthCode:
		r.AuthCode, err = parseCode(t)
	case FSourceUnit:
		r.SourceUnit = t
	case FSourceCode:
		r.SourceCode, err = parseCode(t)
	case FContent:
		r.Content = t
	case FNote:
		r.Note = t
	case FViolation:
		r.Violation = t
	case FFacts:
		r.Facts = t
	case FBasis:
		r.Basis = t
	case FPenaltyTypes:
		r.PenaltyTypes = splitList(t)
	case FFineWan:
		r.FineYuan, err = parseWan(t)
	case FFineYuan:
		r.FineYuan, err = parseYuan(t)
	case FSeverity:
		if t == "" {
			r.Severity = ""
		} else if sv, perr := credit.ParseSeverity(t); perr == nil {
			r.Severity = sv
		} else {
			r.Severity = credit.Severity(t) // judged by credit.CheckRecord (bad-severity), as from the API
		}
	case FAccident:
		r.Accident, err = parseBool(t)
	case FValidUntil:
		r.ValidUntil, err = parseDate(t, true)
	case FPublishUntil:
		r.PublishUntil, err = parseDate(t, true)
	case FLicenceCat:
		r.LicenceCategory = t
	case FCertName:
		r.CertName = t
	case FLicenceNo:
		r.LicenceNo = t
	case FValidFrom:
		r.ValidFrom, err = parseDate(t, false)
	case FValidTo:
		r.ValidTo, err = parseDate(t, true)
	case FLicenceState:
		switch t {
		case "1":
			t = "有效"
		case "2":
			t = "无效"
		}
		r.LicenceStatus = t
	case FDisclosed:
		r.Disclosed, err = parseDate(t, false)
	case FNoticeGiven:
		r.NoticeGiven, err = parseBool(t)
	case FEducation:
		r.EducationDone, err = parseBool(t)
	case FReminderSet:
		r.ReminderSet, err = parseBool(t)
	}
	return err
}

// contentHash is the hash of what a row says about its record: the record
// without its provenance and update time. Equal hashes: nothing changed.
func contentHash(r *credit.Record) string {
	c := *r
	c.Origin = nil
	c.UpdatedAt = time.Time{}
	b, _ := json.Marshal(&c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// ImportID is the id of an imported record of department dept with number
// no (the licence number of a licence, else the document number).
func ImportID(dept, no string) string { return credit.ImportIDPrefix + dept + ":" + no }
