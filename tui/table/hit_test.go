package table

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestColumnAtMatchesDrawing: every cell of the header line belongs to
// the column whose title is drawn there, CJK titles two cells a
// character, at widths where columns shrink and are dropped too.
func TestColumnAtMatchesDrawing(t *testing.T) {
	for _, w := range []int{80, 40, 24} {
		tb := testTable(cjkCols, cjkRows, w, 6)
		header := ansi.Strip(strings.Split(tb.View(), "\n")[0])
		cells := []rune{}
		for _, r := range header { // one entry per display cell
			cells = append(cells, r)
			if ansi.StringWidth(string(r)) == 2 {
				cells = append(cells, 0)
			}
		}
		for i, c := range cjkCols {
			if tb.widths[i] == 0 {
				continue
			}
			at := strings.Index(header, string([]rune(c.Title)[0]))
			x := ansi.StringWidth(header[:at])
			if got := tb.ColumnAt(x); got != i {
				t.Errorf("width %d: the title %q is drawn at cell %d, ColumnAt says %d", w, c.Title, x, got)
			}
		}
		for x := range cells {
			col := tb.ColumnAt(x)
			if x < markerWidth && col != -1 {
				t.Errorf("width %d: the marker cell %d is column %d", w, x, col)
			}
			if col >= 0 && tb.widths[col] == 0 {
				t.Errorf("width %d: cell %d is the hidden column %d", w, x, col)
			}
		}
		if got := tb.ColumnAt(w + 5); got != -1 {
			t.Errorf("width %d: past the edge is column %d", w, got)
		}
	}
}

// TestRowAtAndMarks: RowAt counts from the header line and the scroll
// offset; a marked row draws its mark unless it is the cursor row.
func TestRowAtAndMarks(t *testing.T) {
	tb := testTable(cjkCols, cjkRows, 60, 3) // header and two rows
	if _, ok := tb.RowAt(0); ok {
		t.Error("the header line is a row")
	}
	if i, ok := tb.RowAt(2); !ok || i != 1 {
		t.Errorf("line 2: row %d %v, want 1", i, ok)
	}
	tb.GotoBottom() // scrolls: rows 2 and 3 on screen
	if i, ok := tb.RowAt(1); !ok || i != 2 {
		t.Errorf("after scrolling, line 1: row %d %v, want 2", i, ok)
	}
	if _, ok := tb.RowAt(3); ok {
		t.Error("a line below the table is a row")
	}
	tb.SetMarks(map[string]bool{"c": true, "d": true}, "新")
	lines := strings.Split(ansi.Strip(tb.View()), "\n")
	if !strings.HasPrefix(lines[1], "新武进区") || !strings.HasPrefix(lines[2], "> x") {
		t.Errorf("marks: %q", lines)
	}
	tb.SetMarks(nil, "新")
	if strings.Contains(tb.View(), "新") {
		t.Error("marks not cleared")
	}
}
