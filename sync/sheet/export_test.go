package sheet

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/czyj/credwatch/credit"
	"github.com/xuri/excelize/v2"
)

// exportSample is a repair view as the TUI would export it: a code that
// Excel would turn into 9.13E+17, a count, a date, a time, hostile text.
func exportSample() credit.Export {
	return credit.Export{
		Tables: []credit.ExportTable{{
			Name: "信用修复",
			Columns: []credit.ExportColumn{
				{Title: "企业名称", Key: "enterprise", Type: credit.CellText},
				{Title: "统一社会信用代码", Key: "uscc", Type: credit.CellCode},
				{Title: "逾期工作日", Key: "late_by", Type: credit.CellNumber},
				{Title: "决定日期", Key: "decided", Type: credit.CellDate},
				{Title: "最近推送", Key: "last_push", Type: credit.CellTime},
			},
			Rows: [][]string{
				{"常州市武进区宏达机械制造有限公司", "913204002501828129", "3", "2026-10-09", "2026-11-30T01:04:00Z"},
				{`=cmd|' /C calc'!A0`, "000123", "12.5", "", "2026-11-30T09:04:00+08:00"},
				{"控制\x01字符\x1f", "0912", "", "not a date", "yesterday"},
				{"短行"},
				{"位数", "1", "913204002501828129", "2026-02-30", "2026-11-30 09:04"},
			},
		}},
		About: []credit.ExportFact{{Name: "筛选", Value: "宏达"}, {Name: "业务日期", Value: "2026-11-30"}, {Name: "值班人员", Value: "张三"}},
	}
}

func writeXLSX(t *testing.T, lang string, e credit.Export) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteExportLang(&buf, "xlsx", lang, e); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestExportXLSXRoundTrip reads the workbook back with excelize and checks
// each cell's type and value: codes stay exact text, counts are numbers,
// dates are numbers with a date format, formulas stay text.
func TestExportXLSXRoundTrip(t *testing.T) {
	f := writeXLSX(t, "zh", exportSample())
	if got := f.GetSheetList(); strings.Join(got, ",") != "信用修复,导出说明" {
		t.Fatalf("sheets %q, want 信用修复 then 导出说明", got)
	}
	const sh = "信用修复"
	numFmt := func(cell string) (int, string) {
		t.Helper()
		id, err := f.GetCellStyle(sh, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		custom := ""
		if st.CustomNumFmt != nil {
			custom = *st.CustomNumFmt
		}
		return st.NumFmt, custom
	}
	text := []excelize.CellType{excelize.CellTypeInlineString, excelize.CellTypeSharedString}
	number := []excelize.CellType{excelize.CellTypeUnset, excelize.CellTypeNumber} // a number's t is "n", which may be left out
	for _, tc := range []struct {
		cell    string
		types   []excelize.CellType
		raw     string // the stored value
		dateFmt string // the number format a date must have
	}{
		{"A1", text, "企业名称", ""},
		{"B2", text, "913204002501828129", ""},
		{"B3", text, "000123", ""},
		{"C2", number, "3", ""},
		{"C3", number, "12.5", ""},
		{"A3", text, `=cmd|' /C calc'!A0`, ""},
		{"D2", number, "46304", "yyyy-mm-dd"},                       // 2026-10-09
		{"E2", number, "46356.378", "yyyy-mm-dd hh:mm"},             // 09:04 in China
		{"E3", number, "46356.378", "yyyy-mm-dd hh:mm"},             // the same instant
		{"D4", text, "not a date", ""},                              // kept as text
		{"E4", text, "yesterday", ""},                               // kept as text
		{"C4", []excelize.CellType{excelize.CellTypeUnset}, "", ""}, // empty
		{"C6", text, "913204002501828129", ""},                      // 18 digits: Excel would round them
		{"D6", text, "2026-02-30", ""},                              // no such day
		{"E6", text, "2026-11-30 09:04", ""},                        // no zone: not RFC 3339
	} {
		t.Run(tc.cell, func(t *testing.T) {
			typ, err := f.GetCellType(sh, tc.cell)
			if err != nil {
				t.Fatal(err)
			}
			if !containsType(tc.types, typ) {
				t.Errorf("type %v, want one of %v", typ, tc.types)
			}
			raw, err := f.GetCellValue(sh, tc.cell, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if tc.dateFmt != "" {
				v, err := strconv.ParseFloat(raw, 64)
				want, _ := strconv.ParseFloat(tc.raw, 64)
				if err != nil || v < want-0.001 || v > want+0.001 {
					t.Errorf("date serial %q, want %s", raw, tc.raw)
				}
				if _, custom := numFmt(tc.cell); custom != tc.dateFmt {
					t.Errorf("number format %q, want %q", custom, tc.dateFmt)
				}
			} else if raw != tc.raw {
				t.Errorf("value %q, want %q", raw, tc.raw)
			}
			if formula, _ := f.GetCellFormula(sh, tc.cell); formula != "" {
				t.Errorf("cell has a formula %q", formula)
			}
		})
	}
	if id, _ := numFmt("B2"); id != 49 {
		t.Errorf("a code cell's number format is %d, want 49 (text)", id)
	}
	if v, _ := f.GetCellValue(sh, "D2"); v != "2026-10-09" {
		t.Errorf("the date shows as %q", v)
	}
	if v, _ := f.GetCellValue(sh, "E2"); v != "2026-11-30 09:04" {
		t.Errorf("the time shows as %q, want China time", v)
	}
	if v, _ := f.GetCellValue(sh, "A4"); !strings.HasPrefix(v, "控制") || !strings.HasSuffix(v, "字符\uFFFD") {
		t.Errorf("control characters: %q", v)
	}
	panes, err := f.GetPanes(sh)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	if st, _ := f.GetCellStyle(sh, "B1"); st == 0 {
		t.Error("header has no style")
	} else if s, _ := f.GetStyle(st); s.Font == nil || !s.Font.Bold {
		t.Error("header not bold")
	}
	if w, _ := f.GetColWidth(sh, "A"); w != float64(len("常州市武进区宏达机械制造有限公司")/3*2+2) {
		t.Errorf("column A is %v wide, want the name's CJK width + 2", w)
	}
	about, err := f.GetRows("导出说明")
	if err != nil || len(about) != 4 || about[0][0] != "项目" || about[3][0] != "值班人员" || about[3][1] != "张三" {
		t.Errorf("About sheet %q %v", about, err)
	}
}

func containsType(ts []excelize.CellType, t excelize.CellType) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// TestExportXLSXLongCell: a cell beyond Excel's 32,767 characters is cut
// with a note, the About sheet counts it, and nothing fails.
func TestExportXLSXLongCell(t *testing.T) {
	e := credit.Export{Tables: []credit.ExportTable{{Name: "t", Columns: []credit.ExportColumn{{Title: "备注"}, {Title: "代码", Type: credit.CellCode}},
		Rows: [][]string{{strings.Repeat("长", 40000), strings.Repeat("9", 33000)}, {"短", "1"}}}}}
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			f := writeXLSX(t, lang, e)
			for _, cell := range []string{"A2", "B2"} {
				v, _ := f.GetCellValue("t", cell)
				if n := utf16Len(v); n > maxCellChars || n < maxCellChars-200 {
					t.Errorf("%s: %d UTF-16 units, want just under %d", cell, n, maxCellChars)
				}
				if !strings.Contains(v, "…") || !strings.Contains(v, "32") {
					t.Errorf("%s: no truncation note at the end: %q", cell, v[len(v)-80:])
				}
			}
			if v, _ := f.GetCellValue("t", "A3"); v != "短" {
				t.Errorf("A3 = %q", v)
			}
			about := map[string]string{"zh": "导出说明", "en": "About"}[lang]
			rows, _ := f.GetRows(about)
			if len(rows) != 2 || rows[1][1] != "2" {
				t.Errorf("%s sheet %q: want a count of 2 truncated cells", about, rows)
			}
		})
	}
}

// TestExportXLSXSheetNames: several tables get one sheet each, with valid
// and unique names, and the About sheet comes last.
func TestExportXLSXSheetNames(t *testing.T) {
	col := []credit.ExportColumn{{Title: "a"}}
	row := [][]string{{"x"}}
	e := credit.Export{Tables: []credit.ExportTable{
		{Name: "每日核查 [2026/11/30]?", Columns: col, Rows: row},
		{Name: "每日核查 _2026_11_30__", Columns: col, Rows: row},
		{Name: "", Columns: col, Rows: row},
		{Name: strings.Repeat("很长的名字", 10), Columns: col, Rows: row},
		{Name: strings.Repeat("很长的名字", 10), Columns: col, Rows: row},
		{Name: "'导出说明'", Columns: col, Rows: row},
	}}
	f := writeXLSX(t, "zh", e)
	want := []string{"每日核查 _2026_11_30__", "每日核查 _2026_11_30__ (2)", "Sheet3",
		strings.Repeat("很长的名字", 6) + "很", strings.Repeat("很长的名字", 5) + "很长 (2)", "导出说明", "导出说明 (2)"}
	got := f.GetSheetList()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sheets\n%q\nwant\n%q", got, want)
	}
	for _, n := range got {
		if utf8.RuneCountInString(n) > 31 {
			t.Errorf("sheet name %q is longer than 31", n)
		}
	}
}

// TestExportCSV: a BOM, CRLF, the header of titles, quoting, short rows
// padded; several tables are an error.
func TestExportCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteExport(&buf, "csv", exportSample()); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	if !bytes.HasPrefix(raw, []byte("\xef\xbb\xbf企业名称,统一社会信用代码,逾期工作日,决定日期,最近推送\r\n")) {
		t.Errorf("no BOM or header: %q", raw[:min(len(raw), 80)])
	}
	if n, crlf := bytes.Count(raw, []byte("\n")), bytes.Count(raw, []byte("\r\n")); n != crlf {
		t.Errorf("%d line ends, %d of them CRLF", n, crlf)
	}
	if !bytes.Contains(raw, []byte("\r\n=cmd|' /C calc'!A0,000123,12.5,,2026")) {
		t.Errorf("quoting: %q", raw)
	}
	recs, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil || len(recs) != 6 || recs[1][1] != "913204002501828129" || strings.Join(recs[4], ",") != "短行,,,," {
		t.Errorf("records %q %v", recs, err)
	}
	two := exportSample()
	two.Tables = append(two.Tables, two.Tables[0])
	if err := WriteExport(&buf, "csv", two); err == nil || !strings.Contains(err.Error(), "one table") {
		t.Errorf("two tables as csv: %v", err)
	}
	if err := WriteExport(&buf, "csv", credit.Export{}); err == nil {
		t.Error("no tables: no error")
	}
	if err := WriteExport(&buf, "ods", exportSample()); err == nil {
		t.Error("unknown format: no error")
	}
}

// TestExportJSON: numbers are JSON numbers (null when empty, a string when
// JSON cannot write them), everything else strings; several tables are an
// object keyed by table name.
func TestExportJSON(t *testing.T) {
	e := exportSample()
	e.Tables[0].Rows = append(e.Tables[0].Rows, []string{"x", "913204002501828129", "+3"})
	var buf bytes.Buffer
	if err := WriteExport(&buf, "json", e); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil {
		t.Fatalf("%v\n%s", err, buf.Bytes())
	}
	for i, want := range []any{3.0, 12.5, nil, nil, 913204002501828129.0, "+3"} {
		if got := rows[i]["late_by"]; got != want {
			t.Errorf("row %d late_by = %#v, want %#v", i, got, want)
		}
	}
	if rows[0]["uscc"] != "913204002501828129" || rows[0]["decided"] != "2026-10-09" {
		t.Errorf("row 0 = %v", rows[0])
	}
	if !strings.Contains(buf.String(), `"late_by": 913204002501828129,`) {
		t.Error("an 18-digit number is not written exactly")
	}
	if !strings.HasPrefix(buf.String(), "[\n  {\"enterprise\": \"常州市") {
		t.Errorf("keys not in column order: %.60s", buf.String())
	}

	two := exportSample()
	two.Tables = append(two.Tables, credit.ExportTable{Name: "空", Columns: two.Tables[0].Columns})
	buf.Reset()
	if err := WriteExport(&buf, "json", two); err != nil {
		t.Fatal(err)
	}
	var byName map[string][]map[string]any
	if err := json.Unmarshal(buf.Bytes(), &byName); err != nil {
		t.Fatalf("%v\n%s", err, buf.Bytes())
	}
	if len(byName["信用修复"]) != 5 || byName["空"] == nil || len(byName["空"]) != 0 {
		t.Errorf("tables by name: %v", byName)
	}
}

// TestExportJSONMatchesExportTable: for text columns the JSON is what
// tui.ExportTable wrote before (byte for byte), which `credwatch export`
// relies on.
func TestExportJSONLayout(t *testing.T) {
	e := credit.Export{Tables: []credit.ExportTable{{Columns: []credit.ExportColumn{{Key: "b"}, {Key: "a"}},
		Rows: [][]string{{"1", "<2>"}, {"3"}}}}}
	var buf bytes.Buffer
	if err := WriteExport(&buf, "json", e); err != nil {
		t.Fatal(err)
	}
	want := "[\n  {\"b\": \"1\", \"a\": \"\\u003c2\\u003e\"},\n  {\"b\": \"3\", \"a\": \"\"}\n]\n"
	if buf.String() != want {
		t.Errorf("got %q\nwant %q", buf.String(), want)
	}
	e.Tables[0].Rows = nil
	buf.Reset()
	if WriteExport(&buf, "json", e); buf.String() != "[]\n" {
		t.Errorf("no rows: %q", buf.String())
	}
}

// bigExport is n rows of the sample's columns.
func bigExport(n int) credit.Export {
	e := exportSample()
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("常州市第%d机械制造有限公司", i), fmt.Sprintf("91320400%010d", i), strconv.Itoa(i % 30),
			"2026-10-09", "2026-11-30T09:04:00+08:00"}
	}
	e.Tables[0].Rows = rows
	return e
}

// BenchmarkExportXLSX writes 100,000 (and 400,000) rows as xlsx and
// reports the peak heap in use above what it was before the write
// (sampled every 10 ms); the rows themselves are allocated before.
func BenchmarkExportXLSX(b *testing.B) {
	for _, n := range []int{100_000, 400_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			e := bigExport(n)
			for b.Loop() {
				peak := heapPeak(func() {
					if err := WriteExport(discardCounter{}, "xlsx", e); err != nil {
						b.Fatal(err)
					}
				})
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			}
		})
	}
}

// BenchmarkExportCSV100k is the same export as csv.
func BenchmarkExportCSV100k(b *testing.B) {
	e := bigExport(100_000)
	for b.Loop() {
		if err := WriteExport(discardCounter{}, "csv", e); err != nil {
			b.Fatal(err)
		}
	}
}

type discardCounter struct{}

func (discardCounter) Write(p []byte) (int, error) { return len(p), nil }

// heapPeak runs fn and returns the largest heap in use seen while it ran,
// less the heap in use before.
func heapPeak(fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	done := make(chan struct{})
	go func() {
		fn()
		close(done)
	}()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			runtime.ReadMemStats(&ms)
			return max(peak, ms.HeapInuse) - base
		case <-tick.C:
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
}
