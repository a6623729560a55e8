package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func testTable(cols []Column, rows []Row, w, h int) Table {
	t := NewTable(cols, DefaultTableStyles(), DefaultTableKeyMap())
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
func columnStarts(t *Table) []int {
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
