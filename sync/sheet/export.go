package sheet

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/czyj/credwatch/credit"
	"github.com/xuri/excelize/v2"
)

// ExportFormats are the formats WriteExport writes, the default first.
var ExportFormats = []string{"xlsx", "csv", "json"}

// maxCellChars is Excel's limit on a cell's text, in UTF-16 code units.
const maxCellChars = excelize.TotalCellChars

// Column widths in a workbook, in Excel's character units: a column is as
// wide as its widest value (a CJK character counts two) plus a margin,
// within these bounds. widthSample is how many rows are measured when the
// column does not say its width.
const (
	minColWidth = 6
	maxColWidth = 60
	widthSample = 1000
)

// WriteExport writes e as "xlsx", "csv" or "json", with the workbook's
// About sheet and notes in Chinese; WriteExportLang chooses the language.
func WriteExport(w io.Writer, format string, e credit.Export) error {
	return WriteExportLang(w, format, "zh", e)
}

// WriteExportLang writes e in format to w; lang ("zh" or "en") is the
// language of what the writer itself adds: the About sheet's name and
// header, and the note on a truncated cell. The formats:
//
//   - xlsx: one sheet per table, named after it (made a valid, unique
//     sheet name: at most 31 characters, none of []:*?/\), with a bold,
//     frozen header row and column widths from the values' display width;
//     then a last sheet, 导出说明 (About), listing e.About. credit.CellText and
//     credit.CellCode cells are text cells (codes also text-formatted, so an edit
//     keeps them text), credit.CellNumber numbers, credit.CellDate dates (yyyy-mm-dd),
//     credit.CellTime date-times (yyyy-mm-dd hh:mm) in China time. A value that
//     does not parse as its column's type is written as text, so nothing
//     is lost, and so is a number of more than 15 digits, which Excel
//     would round. Text is never a formula: "=cmd|..." stays the string it is.
//     Text beyond Excel's 32,767 characters is cut, with a note saying so
//     in the cell and the About sheet counting such cells. Rows are
//     streamed to a temporary file, so memory stays bounded however many
//     rows there are (beyond e itself).
//   - csv: one table only (several are an error: csv cannot hold them, and
//     dropping all but one would lose data silently; use xlsx or json).
//     UTF-8 with a byte-order mark and CRLF line ends, so Excel on Chinese
//     Windows opens it; a header row of column titles, then the values as
//     given (dates already in their absolute canonical form). Rows shorter
//     than the columns get empty cells, cells beyond them are dropped.
//   - json: for one table, an array of objects keyed by column Key, keys in
//     column order; credit.CellNumber values are JSON numbers (null when empty),
//     everything else strings. For several tables, an object keyed by
//     table name whose values are such arrays.
//
// An export with no tables is an error in every format.
func WriteExportLang(w io.Writer, format, lang string, e credit.Export) error {
	if len(e.Tables) == 0 {
		return fmt.Errorf("export %s: nothing to export (no tables)", format)
	}
	var err error
	switch format {
	case "xlsx":
		err = writeExportXLSX(w, lang, e)
	case "csv":
		err = writeExportCSV(w, e)
	case "json":
		err = writeExportJSON(w, e)
	default:
		return fmt.Errorf("export: unknown format %q: want %s", format, strings.Join(ExportFormats, ", "))
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", format, err)
	}
	return nil
}

// cellAt is row's cell i, or "" past its end.
func cellAt(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

func writeExportCSV(w io.Writer, e credit.Export) error {
	if n := len(e.Tables); n > 1 {
		return fmt.Errorf("csv holds one table and this export has %d; choose xlsx or json", n)
	}
	t := e.Tables[0]
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rec := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		rec[i] = c.Title
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for _, r := range t.Rows {
		for i := range t.Columns {
			rec[i] = cellAt(r, i)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeExportJSON(w io.Writer, e credit.Export) error {
	bw := bufio.NewWriter(w)
	if len(e.Tables) == 1 {
		writeJSONRows(bw, e.Tables[0], "")
	} else {
		bw.WriteString("{")
		for n, t := range e.Tables {
			if n > 0 {
				bw.WriteString(",")
			}
			name, _ := json.Marshal(t.Name)
			bw.WriteString("\n  ")
			bw.Write(name)
			bw.WriteString(": ")
			writeJSONRows(bw, t, "  ")
		}
		bw.WriteString("\n}")
	}
	bw.WriteString("\n")
	return bw.Flush()
}

// writeJSONRows writes t's rows as an array of objects, each on a line of
// its own indented by indent plus two spaces. Keys are marshalled once.
func writeJSONRows(bw *bufio.Writer, t credit.ExportTable, indent string) {
	keys := make([][]byte, len(t.Columns))
	for i, c := range t.Columns {
		k := c.Key
		if k == "" {
			k = fmt.Sprintf("col_%d", i+1)
		}
		keys[i], _ = json.Marshal(k)
	}
	bw.WriteString("[")
	for n, r := range t.Rows {
		if n > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n" + indent + "  {")
		for i, c := range t.Columns {
			if i > 0 {
				bw.WriteString(", ")
			}
			bw.Write(keys[i])
			bw.WriteString(": ")
			v := cellAt(r, i)
			switch {
			case c.Type == credit.CellNumber && v == "":
				bw.WriteString("null")
			case c.Type == credit.CellNumber && jsonNumber(v):
				bw.WriteString(v)
			default:
				b, _ := json.Marshal(v)
				bw.Write(b)
			}
		}
		bw.WriteString("}")
	}
	if len(t.Rows) > 0 {
		bw.WriteString("\n" + indent)
	}
	bw.WriteString("]")
}

// jsonNumber reports whether s is a JSON number as it stands ("42",
// "-3", "12.5", "1e3"); a number JSON cannot write ("+3", "0x10", "NaN")
// is written as a string instead.
func jsonNumber(s string) bool {
	if s == "" || !(s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		return false
	}
	var n json.Number
	return json.Unmarshal([]byte(s), &n) == nil
}

// exportText is what the xlsx writer adds itself, per language.
type exportText struct {
	about, item, value, truncated, truncatedCells string
}

var exportTexts = map[string]exportText{
	"zh": {about: "导出说明", item: "项目", value: "内容",
		truncated: "…（已截断：原文共 %d 字，超出 Excel 单元格 32767 字的上限）", truncatedCells: "被截断的单元格"},
	"en": {about: "About", item: "Item", value: "Value",
		truncated: "… (truncated: %d characters in full, beyond Excel's 32,767 per cell)", truncatedCells: "Truncated cells"},
}

// xlsxExport is one workbook being written.
type xlsxExport struct {
	f         *excelize.File
	txt       exportText
	bold      int
	styles    map[credit.CellType]int
	truncated int
}

func writeExportXLSX(w io.Writer, lang string, e credit.Export) error {
	txt, ok := exportTexts[lang]
	if !ok {
		txt = exportTexts["zh"]
	}
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsxExport{f: f, txt: txt, styles: map[credit.CellType]int{}}
	var err error
	if x.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return err
	}
	for typ, st := range map[credit.CellType]*excelize.Style{
		credit.CellCode: {NumFmt: 49}, // "@": text, so that an edited cell stays text
		credit.CellDate: {CustomNumFmt: ptr("yyyy-mm-dd")},
		credit.CellTime: {CustomNumFmt: ptr("yyyy-mm-dd hh:mm")},
	} {
		if x.styles[typ], err = f.NewStyle(st); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(e.Tables)+1)
	for i, t := range e.Tables {
		names = append(names, sheetName(t.Name, fmt.Sprintf("Sheet%d", i+1), names))
	}
	aboutName := sheetName(txt.about, "About", names)
	for i, t := range e.Tables {
		if i == 0 {
			err = f.SetSheetName("Sheet1", names[0])
		} else {
			_, err = f.NewSheet(names[i])
		}
		if err != nil {
			return fmt.Errorf("sheet %q: %w", names[i], err)
		}
		if err := x.table(names[i], t); err != nil {
			return fmt.Errorf("sheet %q: %w", names[i], err)
		}
	}
	if _, err := f.NewSheet(aboutName); err != nil {
		return fmt.Errorf("sheet %q: %w", aboutName, err)
	}
	if err := x.about(aboutName, e.About); err != nil {
		return fmt.Errorf("sheet %q: %w", aboutName, err)
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func ptr[T any](v T) *T { return &v }

// table streams t into the sheet name.
func (x *xlsxExport) table(name string, t credit.ExportTable) error {
	sw, err := x.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, c := range t.Columns {
		if err := sw.SetColWidth(i+1, i+1, columnWidth(c, t.Rows, i)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	vals := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		vals[i] = excelize.Cell{StyleID: x.bold, Value: x.text(c.Title)}
	}
	if err := sw.SetRow("A1", vals); err != nil {
		return err
	}
	for n, r := range t.Rows {
		for i, c := range t.Columns {
			vals[i] = x.cell(c.Type, cellAt(r, i))
		}
		ref, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(ref, vals); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// cell is the value for the stream writer of a cell of type typ written
// canonically as v: nil for an empty cell.
func (x *xlsxExport) cell(typ credit.CellType, v string) any {
	if v == "" {
		return nil
	}
	switch typ {
	case credit.CellNumber:
		if significantDigits(v) > 15 {
			break // Excel keeps 15 digits: 913204002501828129 would lose its last three
		}
		if i, err := strconv.ParseInt(v, 10, 64); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
	case credit.CellDate:
		if d, err := time.Parse(time.DateOnly, v); err == nil {
			return excelize.Cell{StyleID: x.styles[credit.CellDate], Value: d}
		}
	case credit.CellTime:
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			// The wall clock in China, as a zoneless spreadsheet time.
			c := t.In(credit.ChinaZone)
			wall := time.Date(c.Year(), c.Month(), c.Day(), c.Hour(), c.Minute(), c.Second(), c.Nanosecond(), time.UTC)
			return excelize.Cell{StyleID: x.styles[credit.CellTime], Value: wall}
		}
	case credit.CellCode:
		return excelize.Cell{StyleID: x.styles[credit.CellCode], Value: x.text(v)}
	}
	return x.text(v)
}

// significantDigits counts the digits of a decimal number's mantissa
// without leading zeros (and trailing ones after a point).
func significantDigits(v string) int {
	m, _, _ := strings.Cut(strings.ToLower(strings.TrimLeft(v, "+-")), "e")
	if strings.Contains(m, ".") {
		m = strings.TrimRight(m, "0")
	}
	m = strings.TrimLeft(strings.Replace(m, ".", "", 1), "0")
	return len(m)
}

// text is s cut to fit a cell, with a note saying so when it had to be.
// (The stream writer writes a string as an inline string cell: never a
// number, never a formula.)
func (x *xlsxExport) text(s string) string {
	n := utf16Len(s)
	if n <= maxCellChars {
		return s
	}
	x.truncated++
	note := fmt.Sprintf(x.txt.truncated, utf8.RuneCountInString(s))
	room := maxCellChars - utf16Len(note)
	used, end := 0, 0
	for i, r := range s {
		u := utf16.RuneLen(r)
		if u < 0 {
			u = 1
		}
		if used+u > room {
			break
		}
		used += u
		end = i + utf8.RuneLen(r)
	}
	return s[:end] + note
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// about writes facts as a two-column sheet, and counts truncated cells.
func (x *xlsxExport) about(name string, facts []credit.ExportFact) error {
	if x.truncated > 0 {
		facts = append(facts[:len(facts):len(facts)], credit.ExportFact{Name: x.txt.truncatedCells, Value: strconv.Itoa(x.truncated)})
	}
	cols := []credit.ExportColumn{{Title: x.txt.item}, {Title: x.txt.value}}
	rows := make([][]string, len(facts))
	for i, f := range facts {
		rows[i] = []string{f.Name, f.Value}
	}
	return x.table(name, credit.ExportTable{Columns: cols, Rows: rows})
}

// columnWidth is the width of column i of rows in Excel's units: c.Width
// when the column says it, else the widest of its title and the first
// widthSample values, plus a margin, within minColWidth and maxColWidth.
func columnWidth(c credit.ExportColumn, rows [][]string, i int) float64 {
	w := displayWidth(c.Title)
	switch {
	case c.Width > 0:
		w = max(w, c.Width)
	case c.Type == credit.CellDate:
		w = max(w, len("2006-01-02"))
	case c.Type == credit.CellTime:
		w = max(w, len("2006-01-02 15:04"))
	default:
		for _, r := range rows[:min(len(rows), widthSample)] {
			w = max(w, displayWidth(cellAt(r, i)))
		}
	}
	return float64(min(max(w+2, minColWidth), maxColWidth))
}

// displayWidth is s's width in a fixed-width font: East Asian wide and
// full-width characters count two, others one (a spreadsheet's column
// width is counted the same way). Only the first line counts.
func displayWidth(s string) int {
	s, _, _ = strings.Cut(s, "\n")
	w := 0
	for _, r := range s {
		w++
		if wide(r) {
			w++
		}
	}
	return w
}

// wide reports whether r is East Asian wide or full-width.
func wide(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case r <= 0x115F, // Hangul Jamo
		r >= 0x2E80 && r <= 0x303E, // CJK radicals, punctuation
		r >= 0x3041 && r <= 0x4DBF, // kana, bopomofo, CJK extension A
		r >= 0x4E00 && r <= 0x9FFF, // CJK unified ideographs
		r >= 0xA000 && r <= 0xA4CF, // Yi
		r >= 0xAC00 && r <= 0xD7A3, // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF, // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60, // full-width forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x20000 && r <= 0x3FFFD: // CJK extensions B and beyond
		return true
	}
	return false
}

// sheetName makes name a valid sheet name that none of taken has (Excel
// compares them ignoring case): []:*?/\ become _, a leading or trailing
// apostrophe goes, at most 31 UTF-16 units, "" becomes fallback, and a
// name already taken gets " (2)", " (3)".
func sheetName(name, fallback string, taken []string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(strings.TrimSpace(name), "'")
	if name == "" {
		name = fallback
	}
	for n := 1; ; n++ {
		suffix := ""
		if n > 1 {
			suffix = fmt.Sprintf(" (%d)", n)
		}
		cand := cutUTF16(name, excelize.MaxSheetNameLength-len(suffix)) + suffix
		if !containsFold(taken, cand) {
			return cand
		}
	}
}

// cutUTF16 is s cut to at most n UTF-16 units, on a character boundary.
func cutUTF16(s string, n int) string {
	used := 0
	for i, r := range s {
		u := 1
		if r >= 0x10000 {
			u = 2
		}
		if used+u > n {
			return s[:i]
		}
		used += u
	}
	return s
}

func containsFold(names []string, s string) bool {
	for _, n := range names {
		if strings.EqualFold(n, s) {
			return true
		}
	}
	return false
}
