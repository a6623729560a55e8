package tui

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/czyj/credwatch/credit"
)

// summaryRows is a RowSource whose rows show penalty summaries' text
// fields. The table's index searches those cells in the summaries' own
// shared text (credit.PenaltySearch) rather than in a lower-cased copy per
// row: at 1M records that copy was 33 MB, made again on every reload while
// the old one was still on screen.
type summaryRows interface {
	RowSource
	// summaries returns the penalties the rows show and the rows' columns,
	// whose Field says which column shows which summary field.
	summaries() (*credit.Penalties, []Column)
	// rowSummary returns the index of the penalty row i shows, or -1.
	rowSummary(i int) int
}

// sharedText is the part of a rowIndex that searches the summaries' text in
// place. A row's summary cells are searched there only when each cell is
// its field's text as it is and lower-cases by ASCII case alone (checked
// per row at build): then strings.Contains(strings.ToLower(cell), f) is a
// match of f in the field with ASCII letters folded. Other rows (a name
// with a control character or a trailing blank, an É) keep those cells in
// the index's own text, as every row of other tables does.
type sharedText struct {
	pens *credit.Penalties
	// field[j] is the summary field that the index's text column text[j]
	// shows, or 0.
	field []credit.PenaltyField
	// pen[i] is row i's summary when its summary cells are searched in
	// place, else -1.
	pen []int32
	// search searches the summaries of pen; set by done.
	search *credit.PenaltySearch
}

// newSharedText returns the sharedText of rows for the index's text
// columns, or nil when rows show no summary text among them. pen is
// filled in by buildText, which then calls done.
func newSharedText(rows RowSource, text []int) *sharedText {
	sr, ok := rows.(summaryRows)
	if !ok {
		return nil
	}
	pens, cols := sr.summaries()
	st := &sharedText{pens: pens, field: make([]credit.PenaltyField, len(text))}
	any := false
	for j, c := range text {
		if c < len(cols) && cols[c].Field != 0 {
			st.field[j] = cols[c].Field
			any = true
		}
	}
	if !any {
		return nil
	}
	st.pen = make([]int32, rows.Len())
	for i := range st.pen {
		st.pen[i] = int32(sr.rowSummary(i))
	}
	return st
}

// done makes the search once pen is final.
func (st *sharedText) done() {
	var fields []credit.PenaltyField
	for _, f := range st.field {
		if f != 0 && !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	st.search = st.pens.NewSearch(fields, st.pen)
}

// inPlace reports whether row i's summary cells can be searched in place:
// the row shows a summary and each of cells' summary cells (text columns
// text) is its field as it is and folds by ASCII alone. It returns the
// cells' widths in w (indexed like text; only summary cells set).
func (st *sharedText) inPlace(i int, cells []string, text []int, w []int) bool {
	p := st.pen[i]
	if p < 0 {
		return false
	}
	for j, c := range text {
		f := st.field[j]
		if f == 0 {
			continue
		}
		s := ""
		if c < len(cells) {
			s = cells[c]
		}
		if s != st.pens.Field(int(p), f) {
			return false
		}
		var simple bool
		if w[j], simple = foldWidth(s); !simple {
			return false
		}
	}
	return true
}

// foldWidth returns s's display width and whether strings.ToLower(s) is s
// with its ASCII letters lower-cased: valid UTF-8 whose other runes have
// no lower case of their own.
func foldWidth(s string) (int, bool) { return cellWidth(s), foldsByASCII(s) }

// foldsByASCII reports whether every rune of s is valid and its own lower
// case, ASCII letters aside.
func foldsByASCII(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unicode.ToLower(r) != r {
			return false
		}
		i += size
	}
	return true
}
