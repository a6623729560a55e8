package table

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// compareCells is the order sortOrder (table_index.go) must give a column:
// two cells as numbers when both read as one (after a status symbol,
// before a unit such as 天), else as text. The tests compare the table's
// sorting against it.
func compareCells(a, b string) int {
	na, oka := cellNumber(a)
	nb, okb := cellNumber(b)
	if oka && okb && na != nb {
		return cmp.Compare(na, nb)
	}
	return strings.Compare(a, b)
}

func testTable(cols []Column, rows []Row, w, h int) Model {
	t := New(cols, DefaultStyles(), DefaultKeyMap())
	t.SetRows(rows)
	t.SetSize(w, h)
	return t
}

var cjkCols = []Column{
	{Title: "部门", Min: 4},
	{Title: "企业名称", Min: 8},
	{Title: "归集", Right: true},
	{Title: "状态"},
}

var cjkRows = []Row{
	{Key: "a", Cells: []string{"监察支队", "常州恒泰化工有限公司", "40", "! 异常"}},
	{Key: "b", Cells: []string{"经开区", "ACME Trading Co., Ltd.", "5", "+ 正常"}},
	{Key: "c", Cells: []string{"武进区", "武进区鑫达金属制品厂", "12", "- 未同步"}},
	{Key: "d", Cells: []string{"x", "混合 mixed 文本 text", "130", "* 同步中"}},
}

// columnStarts returns the display offset of each visible column.
func columnStarts(t *Model) []int {
	var starts []int
	pos := markerWidth
	for _, w := range t.widths {
		if w == 0 {
			starts = append(starts, -1)
			continue
		}
		starts = append(starts, pos)
		pos += w + t.gap
	}
	return starts
}

func TestTableAlignment(t *testing.T) {
	for _, w := range []int{120, 60, 44, 30} {
		t.Run(fmt.Sprintf("width%d", w), func(t *testing.T) {
			tb := testTable(cjkCols, cjkRows, w, 8)
			lines := strings.Split(tb.View(), "\n")
			if len(lines) != 8 {
				t.Fatalf("got %d lines, want 8", len(lines))
			}
			starts := columnStarts(&tb)
			for i, l := range lines {
				if got := ansi.StringWidth(l); got != w {
					t.Errorf("line %d is %d cells wide, want %d: %q", i, got, w, l)
				}
				if i == 0 || i > len(cjkRows) {
					continue
				}
				// Every cell sits exactly in its column: cutting the line at
				// the column's offsets gives the cell, padded or truncated.
				for c, start := range starts {
					if start < 0 {
						continue
					}
					cell := ansi.Cut(l, start, start+tb.widths[c])
					want := fit(cjkRows[i-1].Cells[c], tb.widths[c], cjkCols[c].Right)
					if cell != want {
						t.Errorf("line %d column %d: got %q, want %q", i, c, cell, want)
					}
				}
			}
		})
	}
}

func TestTableTruncation(t *testing.T) {
	tb := testTable(cjkCols, cjkRows, 44, 6)
	// Natural widths: 8, 22, 4, 8. The name column is the widest and shrinks
	// first; the others keep their natural width.
	if tb.widths[0] != 8 || tb.widths[2] != 4 || tb.widths[3] != 8 {
		t.Errorf("widths %v: only the name column should shrink", tb.widths)
	}
	if tb.widths[1] >= 22 || tb.widths[1] < 8 {
		t.Errorf("name column width %d, want shrunk within [8,22)", tb.widths[1])
	}
	view := tb.View()
	if !strings.Contains(view, "常州恒泰化工有限公~") {
		t.Errorf("truncated name should end in ~:\n%s", view)
	}

	// Below the minimums, a droppable column goes.
	cols := append([]Column(nil), cjkCols...)
	cols[3].Drop = 1
	tb = testTable(cols, cjkRows, 26, 6)
	if tb.widths[3] != 0 {
		t.Errorf("widths %v: the Drop column should be hidden at width 26", tb.widths)
	}
	if strings.Contains(tb.View(), "同步中") {
		t.Errorf("hidden column still drawn:\n%s", tb.View())
	}
	for _, l := range strings.Split(tb.View(), "\n") {
		if ansi.StringWidth(l) != 26 {
			t.Errorf("line %q is not 26 cells", l)
		}
	}
}

func TestFitNeverSplitsWideCharacters(t *testing.T) {
	for w := 1; w <= 12; w++ {
		got := fit("统一社会信用代码", w, false)
		if ansi.StringWidth(got) != w {
			t.Errorf("fit to %d gave %q (%d cells)", w, got, ansi.StringWidth(got))
		}
	}
}

func manyRows(n int) []Row {
	rows := make([]Row, n)
	for i := range rows {
		rows[i] = Row{Key: fmt.Sprint(i), Cells: []string{fmt.Sprintf("行%02d", i)}}
	}
	return rows
}

func TestTableScrolling(t *testing.T) {
	tb := testTable([]Column{{Title: "名称"}}, manyRows(50), 20, 6) // 5 visible rows
	visible := func() []string {
		var out []string
		for _, l := range strings.Split(tb.View(), "\n")[1:] {
			out = append(out, strings.TrimSpace(l))
		}
		return out
	}
	if got := visible(); got[0] != "> 行00" || got[4] != "行04" {
		t.Fatalf("initial rows %q", got)
	}
	tb.MoveDown(7)
	if got := visible(); got[0] != "行03" || got[4] != "> 行07" {
		t.Errorf("after moving to 7: %q", got)
	}
	tb.MoveUp(5) // cursor 2: scrolls back up
	if got := visible(); got[0] != "> 行02" {
		t.Errorf("after moving to 2: %q", got)
	}
	tb.GotoBottom()
	if got := visible(); got[4] != "> 行49" || got[0] != "行45" {
		t.Errorf("at bottom: %q", got)
	}
	tb, _ = tb.Update(runes("g"))
	if tb.Cursor() != 0 {
		t.Errorf("g: cursor %d", tb.Cursor())
	}
	tb, _ = tb.Update(keyMsg("pgdown"))
	if tb.Cursor() != 5 {
		t.Errorf("pgdown: cursor %d, want 5", tb.Cursor())
	}
	// Only visible rows are rendered: a huge table renders as many lines.
	big := testTable([]Column{{Title: "名称"}}, manyRows(100000), 20, 6)
	if n := strings.Count(big.View(), "\n") + 1; n != 6 {
		t.Errorf("big table rendered %d lines", n)
	}
}

func TestTableKeepsCursorOnKey(t *testing.T) {
	tb := testTable(cjkCols, cjkRows, 60, 8)
	tb.SetCursor(2) // key c
	reordered := []Row{cjkRows[2], cjkRows[3], cjkRows[0], cjkRows[1]}
	tb.SetRows(reordered)
	if r, _ := tb.Selected(); r.Key != "c" {
		t.Errorf("cursor on %q after reorder, want c", r.Key)
	}
	tb.SetRows(cjkRows[:1]) // c is gone: clamp
	if r, _ := tb.Selected(); r.Key != "a" {
		t.Errorf("cursor on %q after removal, want a", r.Key)
	}
	tb.SetRows(nil)
	if _, ok := tb.Selected(); ok {
		t.Error("empty table has a selection")
	}
	tb.SetEmpty("（无数据）")
	if !strings.Contains(tb.View(), "（无数据）") {
		t.Errorf("empty text missing:\n%s", tb.View())
	}
}

func TestTableBlurHidesCursor(t *testing.T) {
	tb := testTable(cjkCols, cjkRows, 60, 8)
	tb.Blur()
	if strings.Contains(tb.View(), ">") {
		t.Errorf("blurred table shows the cursor marker:\n%s", tb.View())
	}
	tb, _ = tb.Update(runes("j"))
	if tb.Cursor() != 0 {
		t.Error("blurred table moved")
	}
}

// TestTopCursorStaysOnTop: a table nobody moved in keeps its top row as rows
// arrive above it; a moved cursor follows its row.
func TestTopCursorStaysOnTop(t *testing.T) {
	tb := testTable(cjkCols, cjkRows, 80, 10)
	more := append([]Row{{Key: "new", Cells: []string{"新北区", "新到记录", "1", "+ 正常"}}}, cjkRows...)
	tb.SetRows(more)
	if tb.Cursor() != 0 {
		t.Errorf("untouched cursor moved to %d", tb.Cursor())
	}
	tb.SetRows(cjkRows)
	tb.MoveDown(2) // on "c"
	tb.SetRows(more)
	if tb.Cursor() != 3 || tb.Rows()[tb.Cursor()].Key != "c" {
		t.Errorf("moved cursor at %d, want 3 (row c)", tb.Cursor())
	}
}

// refShown is the rows a table shows, computed the plain way: every row
// tested against the filters, then a stable sort.
func refShown(rows []Row, filter, dept string, sortCol int, desc bool) []Row {
	anyDept := false
	for _, r := range rows {
		anyDept = anyDept || r.Dept != ""
	}
	var out []Row
	for _, r := range rows {
		if dept != "" && r.Dept != dept && (r.Dept != "" || anyDept) {
			continue
		}
		if filter != "" {
			hay := strings.ToLower(r.Search)
			for _, c := range r.Cells {
				hay += "\x00" + strings.ToLower(c)
			}
			if !strings.Contains(hay, filter) {
				continue
			}
		}
		out = append(out, r)
	}
	if sortCol >= 0 {
		slices.SortStableFunc(out, func(a, b Row) int {
			c := compareCells(sortKeyAt(a, sortCol), sortKeyAt(b, sortCol))
			if desc {
				return -c
			}
			return c
		})
	}
	return out
}

// checkShown compares the table's rows, count and natural widths with the
// plain computation.
func checkShown(t *testing.T, what string, tb *Model, rows []Row) {
	t.Helper()
	col, desc := tb.Sort()
	want := refShown(rows, strings.ToLower(tb.Filter()), tb.DeptFilter(), col, desc)
	got := tb.Rows()
	if tb.Len() != len(want) || len(got) != len(want) {
		t.Fatalf("%s: %d rows (Len %d), want %d", what, len(got), tb.Len(), len(want))
	}
	for i := range want {
		if got[i].Key != want[i].Key {
			t.Fatalf("%s: row %d is %q, want %q", what, i, got[i].Key, want[i].Key)
		}
	}
	nat := make([]int, len(tb.cols))
	for i, title := range tb.titles() {
		nat[i] = ansi.StringWidth(title)
	}
	for _, r := range want {
		for i := 0; i < len(r.Cells) && i < len(nat); i++ {
			nat[i] = max(nat[i], ansi.StringWidth(r.Cells[i]))
		}
	}
	if !slices.Equal(tb.natural, nat) {
		t.Fatalf("%s: natural widths %v, want %v", what, tb.natural, nat)
	}
}

var narrowCols = []Column{{Title: "名称"}, {Title: "代码"}, {Title: "文号"}, {Title: "天数", Right: true}}

// narrowRows returns n rows of a few short pieces each, so that filters of
// one to four characters keep anything from all rows to none.
func narrowRows(r *rand.Rand, n int) []Row {
	pieces := []string{"化", "工", "化工", "常州", "A", "b", "B1", "〔2024〕", "号", "É", "é", " ", "12", "3天", "-", "ΣΑ", "ﾃ"}
	depts := []string{"", "320412", "320411", "city-zd"}
	cell := func() string {
		var b strings.Builder
		for range r.IntN(5) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	rows := make([]Row, n)
	for i := range rows {
		cells := make([]string, 2+r.IntN(3)) // some rows are short
		for c := range cells {
			cells[c] = cell()
			if c == 2 { // few values: a dictionary column
				cells[c] = pieces[r.IntN(len(pieces))]
			}
			// compareCells is no order on text mixing numbers and other
			// text that begins with digits or blanks: no sort gives one
			// answer, so the first columns have no numbers and the last
			// only numbers.
			if _, ok := cellNumber(cells[c]); ok {
				cells[c] = "x" + cells[c]
			}
		}
		if len(cells) == 4 {
			cells[3] = fmt.Sprintf("%d天", r.IntN(20))
		}
		d := depts[r.IntN(len(depts))]
		rows[i] = Row{Key: fmt.Sprint("k", i), Cells: cells, Dept: d}
		if d != "" && r.IntN(2) == 0 {
			rows[i].Search = d + " 武进 WJ"
		}
	}
	return rows
}

// TestTableNarrowing types, deletes, pastes and clears filters, changes
// the department filter and the sort order, and replaces the rows in
// between, and checks after every step that the table shows what the plain
// computation gives: the incremental search never keeps a row that does not
// match nor loses one that does.
func TestTableNarrowing(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, n := range []int{0, 1, 40, 700} {
		rows := narrowRows(r, n)
		tb := testTable(narrowCols, rows, 100, 10)
		if n >= 700 && len(tb.x.dicts) != 2 {
			t.Errorf("%d dictionary columns, want 2 (the last two)", len(tb.x.dicts))
		}
		typed := ""
		alphabet := []string{"化", "工", "a", "b", "1", "〔", "天", "é", "É", "σ", "武进", "wj", " "}
		for step := range 400 {
			what := fmt.Sprintf("n=%d step %d", n, step)
			switch op := r.IntN(20); {
			case op < 8: // type a character at the end
				typed += alphabet[r.IntN(len(alphabet))]
				what += " type " + typed
				tb.SetFilter(typed)
			case op < 12: // backspace
				if rs := []rune(typed); len(rs) > 0 {
					typed = string(rs[:len(rs)-1])
				}
				what += " backspace " + typed
				tb.SetFilter(typed)
			case op < 13: // type at the start
				typed = alphabet[r.IntN(len(alphabet))] + typed
				what += " insert " + typed
				tb.SetFilter(typed)
			case op < 14:
				typed = ""
				what += " clear"
				tb.SetFilter("")
			case op < 15: // paste something else
				typed = alphabet[r.IntN(len(alphabet))] + alphabet[r.IntN(len(alphabet))]
				what += " paste " + typed
				tb.SetFilter(typed)
			case op < 17:
				d := []string{"", "", "320412", "320411", "nowhere"}[r.IntN(5)]
				what += " dept " + d
				tb.SetDeptFilter(d)
			case op < 18:
				col := r.IntN(len(narrowCols)+1) - 1
				what += fmt.Sprintf(" sort %d", col)
				tb.SetSort(col, r.IntN(2) == 0)
			default: // new data while filtered: some rows gone, some new
				next := slices.Clone(rows)
				if len(next) > 0 {
					next = slices.Delete(next, 0, r.IntN(min(len(next), 20)))
				}
				next = append(next, narrowRows(r, r.IntN(30))...)
				for i := range next[len(next)-min(len(next), 30):] {
					next[len(next)-1-i].Key = fmt.Sprint("new", step, i)
				}
				rows = next
				what += " SetRows"
				tb.SetRows(rows)
			}
			checkShown(t, what, &tb, rows)
		}
	}
}

// TestTableNarrowingSteps walks the cases the incremental filter must get
// right, one by one, on rows where each step changes the result.
func TestTableNarrowingSteps(t *testing.T) {
	rows := []Row{
		{Key: "1", Cells: []string{"常州恒泰化工有限公司", "91320412MA1X2Y3Z4W"}, Dept: "320412", Search: "320412 武进"},
		{Key: "2", Cells: []string{"武进区鑫达金属制品厂", "91320412MA1AAAAA0B"}, Dept: "320412", Search: "320412 武进"},
		{Key: "3", Cells: []string{"新北区龙城化工物流", "91320411MA1BBBBB1C"}, Dept: "320411", Search: "320411 新北"},
		{Key: "4", Cells: []string{"化学品仓储中心", "91320411MA1CCCCC2D"}, Dept: "320411", Search: "320411 新北"},
	}
	cols := []Column{{Title: "名称"}, {Title: "代码"}}
	keys := func(tb *Model) string {
		var ks []string
		for _, r := range tb.Rows() {
			ks = append(ks, r.Key)
		}
		return strings.Join(ks, ",")
	}
	tb := testTable(cols, rows, 80, 10)
	steps := []struct {
		do   func()
		want string
	}{
		{func() { tb.SetFilter("化") }, "1,3,4"},
		{func() { tb.SetFilter("化工") }, "1,3"},
		{func() { tb.SetFilter("化工有") }, "1"},
		{func() { tb.SetFilter("化工") }, "1,3"},         // backspace
		{func() { tb.SetFilter("化") }, "1,3,4"},        // backspace
		{func() { tb.SetDeptFilter("320411") }, "3,4"}, // department in between
		{func() { tb.SetFilter("化工") }, "3"},
		{func() { tb.SetDeptFilter("") }, "1,3"},
		{func() { tb.SetFilter("") }, "1,2,3,4"}, // clear
		{func() { tb.SetFilter("ma1b") }, "3"},   // cells, any case
		{func() { tb.SetFilter("武进") }, "1,2"},   // Search text only
		{func() { tb.SetFilter("武进区") }, "2"},    // extends past the Search match
		{func() { tb.SetFilter("新北") }, "3,4"},
		{func() { tb.SetSort(0, true) }, "3,4"},
		{func() {
			tb.SetRows(append(slices.Clone(rows), Row{Key: "5", Cells: []string{"新北化工"}, Dept: "320411"}))
		}, "3,5,4"},
		{func() { tb.SetFilter("新北化") }, "5"},
		{func() { tb.SetRows(rows[:2]) }, ""},
		{func() { tb.SetFilter("") }, "2,1"},
	}
	for i, s := range steps {
		s.do()
		if got := keys(&tb); got != s.want {
			t.Fatalf("step %d (filter %q, dept %q): rows %s, want %s", i, tb.Filter(), tb.DeptFilter(), got, s.want)
		}
		if tb.Len() != len(tb.Rows()) {
			t.Fatalf("step %d: Len %d, %d rows", i, tb.Len(), len(tb.Rows()))
		}
	}
}

// TestTableFilterKeepsCursor: the cursor stays on its row while the filter
// narrows and widens, and on its row when new data arrives filtered.
func TestTableFilterKeepsCursor(t *testing.T) {
	rows := manyRows(100)
	tb := testTable([]Column{{Title: "名称"}}, rows, 20, 6)
	tb.SetFilter("行1") // 行1x and 行1: 10 rows
	tb.MoveDown(3)     // 行13
	if r, _ := tb.Selected(); r.Key != "13" {
		t.Fatalf("cursor on %q", r.Key)
	}
	tb.SetFilter("行13")
	if r, _ := tb.Selected(); r.Key != "13" || tb.Cursor() != 0 {
		t.Errorf("narrowed: cursor %d on %q", tb.Cursor(), r.Key)
	}
	tb.SetFilter("行1")
	// The cursor was on the first row: it stays on the first row.
	if tb.Cursor() != 0 {
		t.Errorf("widened: cursor %d", tb.Cursor())
	}
	tb.MoveDown(5) // 行15
	tb.SetFilter("行")
	if r, _ := tb.Selected(); r.Key != "15" {
		t.Errorf("widened: cursor on %q, want 15", r.Key)
	}
	tb.SetFilter("行1")
	tb.SetRows(slices.Concat(manyRows(20)[10:], rows)) // 行10..行19 twice, new ones first
	if r, _ := tb.Selected(); r.Key != "15" || tb.Cursor() != 5 {
		t.Errorf("SetRows: cursor %d on %q, want 5 on 15", tb.Cursor(), r.Key)
	}
}

// TestTableCopies: a table copied by value (as Bubble Tea models are) and
// filtered further leaves the original as it was.
func TestTableCopies(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	rows := narrowRows(r, 300)
	a := testTable(narrowCols, rows, 100, 10)
	a.SetFilter("化")
	b := a
	b.SetFilter("化工")
	b.SetFilter("化工a")
	a.SetFilter("化b")
	checkShown(t, "a", &a, rows)
	a.SetFilter("化")
	checkShown(t, "a back", &a, rows)
	b.SetFilter("化工")
	checkShown(t, "b back", &b, rows)
	c := b
	c.SetDeptFilter("320412")
	checkShown(t, "c", &c, rows)
	checkShown(t, "b", &b, rows)
	var zero Model
	if zero.Rows() != nil || zero.Len() != 0 {
		t.Error("the zero Model has rows")
	}
}

// TestTableNULFilter: a filter holding a NUL byte matches within a cell, as
// it always did, never across two cells.
func TestTableNULFilter(t *testing.T) {
	rows := []Row{
		{Key: "a", Cells: []string{"x\x00y", "z"}},
		{Key: "b", Cells: []string{"x", "y"}},
	}
	tb := testTable([]Column{{Title: "1"}, {Title: "2"}}, rows, 40, 5)
	tb.SetFilter("x")
	tb.SetFilter("x\x00y")
	if got := tb.Rows(); len(got) != 1 || got[0].Key != "a" {
		t.Errorf("rows %v", got)
	}
}

func TestAppendCell(t *testing.T) {
	for _, s := range []string{"", "abc", "ABC", "常州恒泰化工有限公司", "91320412MA1X2Y3Z4W", "常应急罚〔2024〕123号",
		"ÉCOLE", "ΣΑΣ", "ＡＢＣ", "Ａ化", "x\xffY", "\xe5\x8c", "\xe5\x8cA", "\xed\xa0\x80A", "\xe0\x80\x80", "İstanbul", "ẞ", "Ⅻ", "ꙀA",
		"a\tB", "\x1b[1mX", "e\u0301", "👍A", "化\ufe0f"} {
		got, w := appendCell([]byte("pre"), s)
		if string(got) != "pre"+strings.ToLower(s) {
			t.Errorf("appendCell(%q) = %q, want %q", s, got[3:], strings.ToLower(s))
		}
		if want := ansi.StringWidth(s); w != want {
			t.Errorf("appendCell(%q): width %d, want %d", s, w, want)
		}
	}
}

// TestCellWidth checks the fast path of cellWidth against ansi.StringWidth:
// every character it takes as simply wide, alone and between others, and
// random text of those, ASCII and others.
func TestCellWidth(t *testing.T) {
	var wide []rune
	for r := rune(0); r <= 0x10ffff; r++ {
		if simpleWide(r) {
			wide = append(wide, r)
			if got, want := cellWidth(string(r)), ansi.StringWidth(string(r)); got != want {
				t.Fatalf("%U: %d, want %d", r, got, want)
			}
		}
	}
	rnd := rand.New(rand.NewPCG(1, 1))
	pool := []string{"a", "Z", "Ａ", "\xe5", "\xed\xa0\x80", " ", "~", "1", "\t", "\x1b[1m", "é", "e\u0301", "👍", "\u200d", "\ufe0f", "\u302a", "·", "—", "\x7f", "한", "ﾃ"}
	for range 20000 {
		var b strings.Builder
		for range rnd.IntN(8) {
			if rnd.IntN(3) == 0 {
				b.WriteString(pool[rnd.IntN(len(pool))])
			} else {
				b.WriteRune(wide[rnd.IntN(len(wide))])
			}
		}
		s := b.String()
		if got, want := cellWidth(s), ansi.StringWidth(s); got != want {
			t.Fatalf("%q: %d, want %d", s, got, want)
		}
		if low, w := appendCell(nil, s); string(low) != strings.ToLower(s) || w != ansi.StringWidth(s) {
			t.Fatalf("appendCell(%q) = %q, %d", s, low, w)
		}
	}
}

// TestTableLongFilter types a filter longer than the steps a table keeps,
// one character at a time, then deletes it again, over rows with a cell
// wider than the width table holds.
func TestTableLongFilter(t *testing.T) {
	long := strings.Repeat("长文本", 50) // 300 cells
	var rows []Row
	for i := range 60 {
		rows = append(rows, Row{Key: fmt.Sprint(i), Cells: []string{long[:len(long)-3*i], fmt.Sprint(i)}})
	}
	rows = append(rows, Row{Key: "short", Cells: []string{"长", "x"}})
	tb := testTable([]Column{{Title: "文本"}, {Title: "号"}}, rows, 80, 10)
	rs := []rune(long)
	for n := 1; n <= len(rs); n += 1 + n/40 {
		tb.SetFilter(string(rs[:n]))
		checkShown(t, fmt.Sprintf("type %d", n), &tb, rows)
	}
	for n := len(rs); n >= 0; n-- {
		tb.SetFilter(string(rs[:n]))
		checkShown(t, fmt.Sprintf("delete to %d", n), &tb, rows)
	}
}

// countingSource makes rows on demand and counts the rows made after
// reset: a table over a RowSource makes only the rows it shows.
type countingSource struct {
	n     int
	made  int
	finds int
}

func (s *countingSource) Len() int   { return s.n }
func (s *countingSource) Width() int { return 2 }
func (s *countingSource) Row(i int) Row {
	s.made++
	return Row{Key: fmt.Sprintf("k%05d", i), Cells: []string{fmt.Sprintf("企业%05d", i), strconv.Itoa(i % 7)}, Alert: i%7 == 0}
}
func (s *countingSource) Find(key string) int {
	s.finds++
	var i int
	if _, err := fmt.Sscanf(key, "k%05d", &i); err != nil || i >= s.n {
		return -1
	}
	return i
}

func TestTableRowSourceOnDemand(t *testing.T) {
	src := &countingSource{n: 5000}
	tb := New([]Column{{Title: "企业"}, {Title: "n", Right: true}}, DefaultStyles(), DefaultKeyMap())
	tb.SetSize(40, 11)
	tb.SetIndexed(Index(src))
	if tb.Len() != 5000 {
		t.Fatalf("Len %d", tb.Len())
	}
	src.made = 0
	v := tb.View()
	if src.made != 10 || !strings.Contains(v, "企业00009") || strings.Contains(v, "企业00010") {
		t.Errorf("the view of 10 rows made %d rows:\n%s", src.made, v)
	}
	// The filter searches the index, not the rows; the cursor stays on its
	// row through a filter that keeps it.
	tb.SetCursor(3)
	src.made = 0
	tb.SetFilter("企业0123")
	if tb.Len() != 10 || src.made > 2 {
		t.Errorf("filter: %d rows shown, %d rows made", tb.Len(), src.made)
	}
	tb.SetFilter("")
	tb.SetCursor(1234)
	tb.SetFilter("企业0123")
	if r, ok := tb.Selected(); !ok || r.Key != "k01234" {
		t.Errorf("cursor after filter: %+v", r)
	}
	// A new source keeps the cursor on the same key through Find.
	src2 := &countingSource{n: 6000}
	tb.SetIndexed(Index(src2))
	if r, _ := tb.Selected(); r.Key != "k01234" || src2.finds == 0 {
		t.Errorf("cursor after new rows: %s (%d finds)", r.Key, src2.finds)
	}
	// Rows copies the rows shown, each time.
	if rows := tb.Rows(); len(rows) != 10 || rows[4].Key != "k01234" {
		t.Errorf("Rows: %d rows", len(rows))
	}
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// keyMsg returns the tea.KeyMsg a terminal key produces.
func keyMsg(s string) tea.KeyMsg {
	special := map[string]tea.KeyType{
		"tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab, "up": tea.KeyUp, "down": tea.KeyDown,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"ctrl+c": tea.KeyCtrlC, "enter": tea.KeyEnter, "esc": tea.KeyEsc, "backspace": tea.KeyBackspace,
	}
	if k, ok := special[s]; ok {
		return tea.KeyMsg{Type: k}
	}
	return runes(s)
}

// TestSortKeys: a column whose rows carry sort keys sorts by them, not by
// the text shown; rows without a key sort by their cell.
func TestSortKeys(t *testing.T) {
	rows := []Row{
		{Key: "a", Cells: []string{"3天前"}, SortKeys: []string{"2026-11-27T09:00:00Z"}},
		{Key: "b", Cells: []string{"2小时前"}, SortKeys: []string{"2026-11-30T07:00:00Z"}},
		{Key: "c", Cells: []string{"5分钟前"}, SortKeys: []string{"2026-11-30T08:55:00Z"}},
		{Key: "d", Cells: []string{"1900-01-01"}},
	}
	tb := testTable([]Column{{Title: "t"}}, rows, 40, 10)
	for _, tc := range []struct {
		desc bool
		want string
	}{{false, "dabc"}, {true, "cbad"}} {
		tb.SetSort(0, tc.desc)
		got := ""
		for _, r := range tb.Rows() {
			got += r.Key
		}
		if got != tc.want {
			t.Errorf("desc=%v: order %s, want %s", tc.desc, got, tc.want)
		}
		checkShown(t, "sort keys", &tb, rows)
		for j, r := range tb.Rows() {
			if i := tb.SourceIndex(j); rows[i].Key != r.Key {
				t.Errorf("desc=%v: SourceIndex(%d) = %d (%s), want the row of %s", tc.desc, j, i, rows[i].Key, r.Key)
			}
		}
	}
}

// TestYield: a Yield column is hidden as soon as the natural widths do
// not fit, before another column shrinks; when they fit it shows.
func TestYield(t *testing.T) {
	cols := []Column{{Title: "name", Min: 4}, {Title: "dept", Drop: 1, Yield: true}, {Title: "no", Min: 4}}
	rows := []Row{{Key: "a", Cells: []string{"abcdefgh", "dept", "12345678"}}}
	for _, tc := range []struct {
		w    int
		want string
	}{
		{40, "> abcdefgh  dept  12345678"}, // everything fits
		{24, "> abcdefgh dept 12345678"},   // fits with narrow gaps
		{20, "> abcdefgh  12345678"},       // dept yields, nothing shrinks
		{16, "> abcde~ 123456~"},           // then the others shrink
	} {
		tb := testTable(cols, rows, tc.w, 3)
		lines := strings.Split(ansi.Strip(tb.View()), "\n")
		if got := strings.TrimRight(lines[1], " "); got != tc.want {
			t.Errorf("width %d: %q, want %q", tc.w, got, tc.want)
		}
	}
}
