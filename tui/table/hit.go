package table

import "github.com/charmbracelet/x/ansi"

// Hit-testing, for the mouse: which column and which row a cell of the
// table's area is on. They use the widths View draws with (layout's,
// measured with ansi.StringWidth, so a CJK character is two cells), so a
// click lands on what is drawn there.

// ColumnAt returns the column drawn at x, counted in cells from the
// table's left edge (the cursor marker is cells 0 and 1), or -1 for the
// marker, a gap between columns, a hidden column or past the last one.
func (t *Model) ColumnAt(x int) int {
	pos := markerWidth
	first := true
	for i := range t.cols {
		if i >= len(t.widths) || t.widths[i] == 0 {
			continue
		}
		if !first {
			pos += t.gap
		}
		first = false
		if x >= pos && x < pos+t.widths[i] && x < t.width {
			return i
		}
		pos += t.widths[i]
	}
	return -1
}

// RowAt returns the index (as Cursor counts) of the row drawn on line y of
// the table's View, 0 being the header: false for the header, a blank
// line below the last row, or outside the table.
func (t *Model) RowAt(y int) (int, bool) {
	if y < 1 || y >= t.height || y > t.visibleRows() {
		return 0, false
	}
	i := t.offset + y - 1
	if i >= t.Len() {
		return 0, false
	}
	return i, true
}

// SetMarks marks the rows whose Key is in keys as new: View draws mark
// (two cells wide: "新", "N ") in place of the blank marker before them;
// the cursor row keeps its "> ". nil clears every mark. The table keeps
// keys; the caller must not change it afterwards.
func (t *Model) SetMarks(keys map[string]bool, mark string) {
	if ansi.StringWidth(mark) != markerWidth {
		mark = "+ "
	}
	t.marks, t.mark = keys, mark
}

// Marked reports whether the row with key is marked new.
func (t *Model) Marked(key string) bool { return t.marks[key] }
