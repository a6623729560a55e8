package sheet

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
)

var importNow = time.Date(2026, 11, 30, 9, 0, 0, 0, time.FixedZone("", 8*3600))

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "cache.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestImportFiles(t *testing.T) {
	for _, tc := range []struct {
		file     string
		enc      string
		added    int
		refused  int
		reasons  []string // substrings of the refusals, in order
		dept     string
		kind     credit.Kind
		checkKey string
		check    func(t *testing.T, r credit.Record)
	}{
		{file: "penalty_merged.xlsx", added: 3, refused: 1, reasons: []string{"sheet 行政处罚（法人）, row 6: column 处罚决定日期 (CF_JDRQ): \"2026-13-01\" is not a date"},
			dept: "320412", kind: credit.Penalty, checkKey: "penalty/imp:320412:常武应急罚〔2026〕101号",
			check: func(t *testing.T, r credit.Record) {
				if r.Decided != credit.MustDate("2026-11-01") || r.Disclosed != credit.MustDate("2026-11-04") || r.FineYuan != 20000 ||
					r.Origin == nil || r.Origin.Row != 4 || r.Origin.Sheet != "行政处罚（法人）" {
					t.Errorf("record %+v origin %+v", r, r.Origin)
				}
			}},
		{file: "licence_codes.csv", enc: EncUTF8BOM, added: 2, dept: "city-whp", kind: credit.Licence,
			checkKey: "licence/imp:city-whp:（苏）WH安许证字〔D00124〕",
			check: func(t *testing.T, r credit.Record) {
				if r.ValidTo != LongTerm || r.DocNo != "苏（常）危化经字〔2026〕6号" || r.Origin.Row != 3 {
					t.Errorf("record %+v", r)
				}
			}},
		{file: "penalty_gbk.csv", enc: EncGB18030, added: 2, dept: "320402", kind: credit.Penalty,
			checkKey: "penalty/imp:320402:常天应急罚〔2026〕7号",
			check: func(t *testing.T, r credit.Record) {
				if r.SubjectName != "周九" || r.SubjectKind != credit.SubjectPerson || r.FineYuan != 5000 || r.Decided != credit.MustDate("2026-11-10") {
					t.Errorf("record %+v", r)
				}
			}},
		{file: "penalty_numbers.xlsx", added: 1, refused: 1, reasons: []string{"row 3: column CF_XDR_SHXYM: \"913204123456789000\""},
			dept: "320411", kind: credit.Penalty, checkKey: "penalty/imp:320411:常新应急罚〔2026〕1号",
			check: func(t *testing.T, r credit.Record) {
				if r.USCC != "913204000000000357" || r.Decided != credit.MustDate("2026-11-09") {
					t.Errorf("record %+v", r)
				}
			}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			db := openStore(t)
			opt := Options{Now: importNow}
			res, err := Import(filepath.Join("testdata", tc.file), db, db, opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.Encoding != tc.enc {
				t.Errorf("encoding %q, want %q", res.Encoding, tc.enc)
			}
			tot := res.Log.Total()
			if tot.Added != tc.added || tot.Refused != tc.refused {
				t.Errorf("added %d refused %d, want %d %d; %+v", tot.Added, tot.Refused, tc.added, tc.refused, res.Refused)
			}
			for i, want := range tc.reasons {
				if i >= len(res.Refused) || !strings.Contains(res.Refused[i].Reason, want) {
					t.Errorf("refusal %d: %+v, want %q", i, res.Refused, want)
				}
			}
			q, _ := db.Quarantine()
			if len(q) != tc.refused {
				t.Errorf("quarantine holds %d, want %d", len(q), tc.refused)
			}
			r, ok, err := db.Record(tc.checkKey)
			if err != nil || !ok {
				t.Fatalf("record %s: %v %v", tc.checkKey, ok, err)
			}
			if r.Dept != tc.dept || r.Kind != tc.kind {
				t.Errorf("dept/kind %s/%s", r.Dept, r.Kind)
			}
			tc.check(t, r)
			// The same file again changes nothing.
			res2, err := Import(filepath.Join("testdata", tc.file), db, db, opt)
			if err != nil {
				t.Fatal(err)
			}
			if t2 := res2.Log.Total(); t2.Added+t2.Changed != 0 || t2.Unchanged != tc.added {
				t.Errorf("second import: %+v", t2)
			}
		})
	}
}

func TestImportCorrectedAndComplete(t *testing.T) {
	db := openStore(t)
	dir := t.TempDir()
	write := func(rows ...string) string {
		p := filepath.Join(dir, "处罚.csv")
		s := "CF_WSH,CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_JDRQ,CF_CFJG,CF_SJLY,CF_CFLB,SXCD\n" + strings.Join(rows, "\n") + "\n"
		if err := osWrite(p, s); err != nil {
			t.Fatal(err)
		}
		return p
	}
	row := func(no, name string) string {
		return no + "," + name + ",法人及非法人组织," + goodUSCC + ",2026-11-02,常州市钟楼区应急管理局,常州市钟楼区应急管理局,罚款,一般"
	}
	p := write(row("A1", "甲"), row("A2", "乙"), row("A3", "丙"))
	if _, err := Import(p, db, db, Options{Now: importNow}); err != nil {
		t.Fatal(err)
	}
	p = write(row("A1", "甲"), row("A2", "乙（更正）"))
	dry, err := Import(p, db, nil, Options{Now: importNow, Complete: true})
	if err != nil {
		t.Fatal(err)
	}
	if tot := dry.Log.Total(); tot.Unchanged != 1 || tot.Changed != 1 || tot.Withdrawn != 1 || len(dry.Withdrawn) != 1 {
		t.Fatalf("dry run: %+v %v", tot, dry.Withdrawn)
	}
	if _, ok, _ := db.Record("penalty/imp:320404:A3"); !ok {
		t.Fatal("the dry run wrote")
	}
	if _, err := Import(p, db, db, Options{Now: importNow, Complete: true}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.Record("penalty/imp:320404:A3"); ok {
		t.Error("A3 not withdrawn")
	}
	r, _, _ := db.Record("penalty/imp:320404:A2")
	if r.SubjectName != "乙（更正）" {
		t.Errorf("A2 not corrected: %q", r.SubjectName)
	}
	// The same record in another file: changed, and that file named.
	other := filepath.Join(dir, "另一份.csv")
	osWrite(other, "CF_WSH,CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_JDRQ,CF_CFJG,CF_SJLY,CF_CFLB,SXCD\n"+row("A1", "甲（另一份）")+"\n")
	res, err := Import(other, db, db, Options{Now: importNow})
	if err != nil || res.Log.Total().Changed != 1 || res.Elsewhere["处罚.csv"] != 1 {
		t.Errorf("another file's version: %+v %v %v", res.Log.Total(), res.Elsewhere, err)
	}
	logs, _ := db.Imports()
	if len(logs) != 3 {
		t.Errorf("ledger: %d entries, want 3", len(logs))
	}
}

func TestParseCode(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		bad      bool
	}{
		{"91350100M000100Y43", "91350100M000100Y43", false},
		{"9132041222196E2498", "9132041222196E2498", false}, // an E between digits is a valid code's letter
		{"9.13204123456789E+17", "", true},
		{"9.13204123456789e17", "", true},
		{"913204123456789000", "", true},                    // all digits, 000 at the end, fails its check
		{"913204131657960514", "913204131657960514", false}, // a wrong code: a quality issue, not a refusal
		{"913204000000000357", "913204000000000357", false}, // all digits and valid
		{" 91350100m000100y43 ", "91350100M000100Y43", false},
		{"", "", false},
	} {
		got, err := parseCode(tc.in)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("parseCode(%q) = %q, %v", tc.in, got, err)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"46327": "2026-11-01", "2026-11-03": "2026-11-03", "2026/11/3": "2026-11-03", "2026年11月3日": "2026-11-03",
		"20261103": "2026-11-03", "2026-11-03 10:20:00": "2026-11-03", "46327.5": "2026-11-01",
	} {
		d, err := parseDate(in, false)
		if err != nil || d.String() != want {
			t.Errorf("parseDate(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"2026-13-01", "明天", "0", "-3"} {
		if _, err := parseDate(in, false); err == nil {
			t.Errorf("parseDate(%q): no error", in)
		}
	}
	if d, _ := parseDate("长期", true); d != LongTerm {
		t.Errorf("长期: %v", d)
	}
}

// A local template's headers, mapped in the configuration to field codes
// and API names, import like the national ones; unknown headers are listed.
func TestImportLocalMapping(t *testing.T) {
	db := openStore(t)
	p := filepath.Join(t.TempDir(), "本地模板_处罚.csv")
	osWrite(p, "处罚文号,相对人,相对人类型,信用代码,作出日期,机关,来源,类别,内部编号\n"+
		"钟应急罚〔2026〕1号,常州市某公司,法人及非法人组织,"+goodUSCC+",2026/11/2,常州市钟楼区应急管理局,常州市钟楼区应急管理局,罚款,X-17\n")
	res, err := Import(p, db, db, Options{Now: importNow, Mapping: map[string]string{
		"处罚文号": "CF_WSH", "相对人": "CF_XDR_MC", "相对人类型": "subject_kind", "信用代码": "CF_XDR_SHXYM",
		"作出日期": "decided", "机关": "CF_CFJG", "来源": "CF_SJLY", "类别": "CF_CFLB"}})
	if err != nil {
		t.Fatal(err)
	}
	if tot := res.Log.Total(); tot.Added != 1 || tot.Refused != 0 {
		t.Fatalf("%+v %+v", tot, res.Refused)
	}
	if len(res.Sheets) != 1 || len(res.Sheets[0].Ignored) != 1 || res.Sheets[0].Ignored[0] != "内部编号" {
		t.Errorf("ignored columns: %+v", res.Sheets)
	}
	r, ok, _ := db.Record("penalty/" + ImportID("320404", "钟应急罚〔2026〕1号"))
	if !ok || r.Decided != credit.MustDate("2026-11-02") || r.SubjectKind != credit.SubjectLegal || r.PenaltyTypes[0] != "罚款" {
		t.Errorf("record %+v (found %t)", r, ok)
	}
}

// A row refused before its natural key was known (no document number)
// leaves the quarantine when the corrected file is imported; one that
// still fails is refused again, once.
func TestImportCorrectedUnkeyedRow(t *testing.T) {
	db := openStore(t)
	p := filepath.Join(t.TempDir(), "处罚.csv")
	head := "CF_WSH,CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_JDRQ,CF_CFJG,CF_SJLY,CF_CFLB,SXCD\n"
	row := func(no, date string) string {
		return no + ",甲,法人及非法人组织," + goodUSCC + "," + date + ",常州市钟楼区应急管理局,常州市钟楼区应急管理局,罚款,一般\n"
	}
	quarantined := func() []string {
		q, err := db.Quarantine()
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, x := range q {
			keys = append(keys, x.Key)
		}
		return keys
	}
	osWrite(p, head+row("", "2026-11-02")+row("B2", "2026-11-31"))
	if _, err := Import(p, db, db, Options{Now: importNow}); err != nil {
		t.Fatal(err)
	}
	if q := quarantined(); len(q) != 2 || q[0] != "#处罚.csv!!2" || q[1] != "penalty/imp:320404:B2" {
		t.Fatalf("quarantine %q", q)
	}
	osWrite(p, head+row("B1", "2026-11-02")+row("B2", "2026-11-30")+row("", "2026-11-03"))
	if _, err := Import(p, db, db, Options{Now: importNow}); err != nil {
		t.Fatal(err)
	}
	if q := quarantined(); len(q) != 1 || q[0] != "#处罚.csv!!4" {
		t.Errorf("after the corrected file the quarantine holds %q, want only row 4's", q)
	}
}
