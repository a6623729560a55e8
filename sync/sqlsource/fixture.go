package sqlsource

import (
	"bufio"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/czyj/credwatch/credit"
)

// DefaultTableNames are the tables WriteSQL creates, one per kind, named
// as exchange platforms commonly name them.
var DefaultTableNames = map[credit.Kind]string{
	credit.Penalty:    "cf_xzcf",
	credit.Licence:    "xk_xzxk",
	credit.Coercion:   "qz_xzqz",
	credit.Reward:     "jl_xzjl",
	credit.Inspection: "jc_xzjc",
}

// FixtureDeleted is the deletion flag column (删除标志) of WriteSQL's
// tables: '0' live, '1' deleted at the source.
const FixtureDeleted = "SCBZ"

// WriteSQL writes recs as a front-end database would hold them, in the
// dialect of driver (Postgres, MySQL or SQLite): one table per kind in
// DefaultTableNames with the national field codes as columns (see
// fieldsOf), an ID key, a DEPT column, UPDATED_AT as the change column
// and the flag FixtureDeleted. Like real exchange tables, dates and
// amounts are text and carry the defects such tables have: trailing
// spaces, full-width digits, dates written five ways, NULL for what is
// absent. A reader that handles them gets back exactly recs.
func WriteSQL(w io.Writer, driver string, recs []credit.Record) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	q := func(s string) string {
		s = strings.ReplaceAll(s, "'", "''")
		if driver == MySQL {
			s = strings.ReplaceAll(s, `\`, `\\`)
		}
		return "'" + s + "'"
	}
	textType, keyType, timeType := "text", "varchar(64)", "timestamp(6)"
	switch driver {
	case MySQL:
		textType, timeType = "text", "datetime(6)"
	case SQLite:
		timeType = "text" // "2006-01-02 15:04:05", which sorts as it reads
	case Postgres:
	default:
		return fmt.Errorf("unknown driver %q", driver)
	}
	fmt.Fprintf(bw, "-- credwatch sim --write-sql: %d records in the national 双公示 format (%s)\n", len(recs), driver)
	if driver != SQLite {
		fmt.Fprintln(bw, "BEGIN;")
	} else {
		fmt.Fprintln(bw, "BEGIN TRANSACTION;")
	}
	byKind := map[credit.Kind][]credit.Record{}
	for _, r := range recs {
		byKind[r.Kind] = append(byKind[r.Kind], r)
	}
	for _, k := range credit.Kinds {
		table := DefaultTableNames[k]
		fs := fieldsOf(k)
		cols := []string{"ID", "DEPT", "UPDATED_AT", FixtureDeleted}
		defs := []string{"ID " + keyType + " PRIMARY KEY", "DEPT varchar(32)", "UPDATED_AT " + timeType + " NOT NULL", FixtureDeleted + " char(1) NOT NULL DEFAULT '0'"}
		for _, f := range fs {
			if f.name == "DEPT" || f.name == "UPDATED_AT" {
				continue
			}
			cols = append(cols, f.name)
			defs = append(defs, f.name+" "+textType)
		}
		fmt.Fprintf(bw, "DROP TABLE IF EXISTS %s;\nCREATE TABLE %s (\n  %s\n)", table, table, strings.Join(defs, ",\n  "))
		if driver == MySQL {
			fmt.Fprint(bw, " DEFAULT CHARSET=utf8mb4")
		}
		fmt.Fprintf(bw, ";\nCREATE INDEX %s_chg ON %s (UPDATED_AT, ID);\n", table, table)
		rs := byKind[k]
		for i := range rs {
			if i%500 == 0 {
				if i > 0 {
					fmt.Fprintln(bw, ";")
				}
				fmt.Fprintf(bw, "INSERT INTO %s (%s) VALUES\n", table, strings.Join(cols, ", "))
			} else {
				fmt.Fprintln(bw, ",")
			}
			r := &rs[i]
			vals := []string{q(r.ID), q(r.Dept), q(r.UpdatedAt.In(credit.ChinaZone).Format("2006-01-02 15:04:05")), "'0'"}
			for _, c := range cols[4:] {
				v, ok := fixtureValue(r, c, i)
				if !ok {
					vals = append(vals, "NULL")
					continue
				}
				vals = append(vals, q(v))
			}
			fmt.Fprintf(bw, "(%s)", strings.Join(vals, ", "))
		}
		if len(rs) > 0 {
			fmt.Fprintln(bw, ";")
		}
	}
	fmt.Fprintln(bw, "COMMIT;")
	return bw.Flush()
}

// fixtureValue is column c of r as text with the i-th row's defect, or
// false for NULL.
func fixtureValue(r *credit.Record, c string, i int) (string, bool) {
	suffix := c
	if j := strings.Index(c, "_"); j > 0 && j < 3 {
		suffix = c[j+1:]
	}
	str := func(s string) (string, bool) {
		if s == "" {
			return "", false
		}
		if i%7 == 0 {
			s += "   " // CHAR padding, or a careless copy
		}
		return s, true
	}
	dt := func(d credit.Date) (string, bool) {
		if d.IsZero() {
			return "", false
		}
		t := d.Time()
		switch i % 5 {
		case 1:
			return fullWidth(t.Format("2006-01-02")), true
		case 2:
			return t.Format("2006/01/02"), true
		case 3:
			return t.Format("2006年1月2日"), true
		case 4:
			return t.Format("20060102"), true
		}
		return t.Format("2006-01-02"), true
	}
	yes := func(b bool) (string, bool) {
		if !b {
			return "", i%2 == 0 // NULL or '0'
		}
		return "1", true
	}
	switch suffix {
	case "XDR_MC":
		return str(r.SubjectName)
	case "XDR_LB":
		return str(r.SubjectKind)
	case "XDR_SHXYM":
		return str(r.USCC)
	case "FRDB":
		return str(r.LegalRep)
	case "WSH":
		return str(r.DocNo)
	case "JDRQ":
		return dt(r.Decided)
	case "NR":
		return str(r.Content)
	case "CFJG", "XKJG", "JG":
		return str(r.Authority)
	case "CFJGDM", "XKJGDM", "JGDM":
		return str(r.AuthCode)
	case "SJLY", "LYDW":
		return str(r.SourceUnit)
	case "SJLYDM", "LYDWDM":
		return str(r.SourceCode)
	case "WFXW":
		return str(r.Violation)
	case "SY":
		return str(r.Facts)
	case "YJ":
		return str(r.Basis)
	case "CFLB":
		return str(strings.Join(r.PenaltyTypes, "；"))
	case "NR_FK":
		if r.FineYuan == 0 {
			return "", false
		}
		s := new(big.Rat).SetFrac64(r.FineYuan, 10000).FloatString(4)
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		if i%3 == 0 {
			s = fullWidth(s)
		}
		return s, true
	case "YXQ":
		return dt(r.ValidUntil)
	case "GSJZQ":
		return dt(r.PublishUntil)
	case "SEVERITY":
		switch {
		case r.Severity == credit.General && i%2 == 0:
			return "一般", true
		case r.Severity == credit.Serious && i%2 == 0:
			return "严重", true
		}
		return str(string(r.Severity))
	case "ACCIDENT":
		return yes(r.Accident)
	case "NOTICE_GIVEN":
		return yes(r.NoticeGiven)
	case "EDUCATION_DONE":
		return yes(r.EducationDone)
	case "REMINDER_SET":
		return yes(r.ReminderSet)
	case "XKWS":
		return str(r.Note)
	case "XKLB":
		return str(r.LicenceCategory)
	case "XKZS":
		return str(r.CertName)
	case "XKBH":
		return str(r.LicenceNo)
	case "YXQZ":
		return dt(r.ValidFrom)
	case "YXQZI":
		return dt(r.ValidTo)
	case "ZT":
		return str(r.LicenceStatus)
	case "DISCLOSED":
		return dt(r.Disclosed)
	case "REJECTED_REASON":
		return str(r.Rejected)
	case "BZ":
		if r.Kind == credit.Licence {
			return "", false // a licence's note is XK_XKWS
		}
		return str(r.Note)
	}
	return "", false
}

// fullWidth writes ASCII digits and punctuation full-width, as text typed
// with a Chinese input method often is.
func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '!' && r <= '~' {
			return r - '!' + '！'
		}
		return r
	}, s)
}
