package table

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// SharedSource is a RowSource whose rows show text the source keeps and
// can search in place: items (penalty summaries, in their packed text),
// some of whose fields some columns show (Column.Field). The index then
// searches those cells through the source's Searcher rather than in a
// lower-cased copy per row: at 1M records that copy was 33 MB, made again
// on every reload while the old one was still on screen.
type SharedSource interface {
	RowSource
	// Columns returns the rows' columns; a Field that is not 0 says which
	// field of the row's item the column shows.
	Columns() []Column
	// Item returns the item row i shows, or -1.
	Item(i int) int
	// ItemText returns field f of item p as it is.
	ItemText(p int, f Field) string
	// Search returns a Searcher of fields of the items among (negative
	// entries skipped); the index does not modify among afterwards.
	Search(fields []Field, among []int32) Searcher
}

// Searcher finds a lower-cased needle in items' fields, ASCII letters
// folded: a field matches when strings.Contains(strings.ToLower(field),
// needle) would, for the fields whose other runes are their own lower
// case (the index checks that of every row it gives to it). It must be
// safe for concurrent use. *credit.PenaltySearch is one.
type Searcher interface {
	// Match reports whether item p's fields hold needle.
	Match(p int, needle string) bool
	// Find returns the items whose fields hold needle as a set: item p is
	// in it when set[p/64]&(1<<(p%64)) != 0.
	Find(needle string) []uint64
}

// Warmer is a Searcher that can make ahead of time what its first Find
// would make. Prepare, which runs off the UI goroutine, calls Warm, so
// that the first keystroke of a filter after a reload does not pay for it.
type Warmer interface{ Warm() }

// sharedText is the part of a rowIndex that searches a SharedSource's
// items in place. A row's item cells are searched there only when each
// cell is its field's text as it is and lower-cases by ASCII case alone
// (checked per row at build): then strings.Contains(strings.ToLower(cell),
// f) is a match of f in the field with ASCII letters folded. Other rows (a
// name with a control character or a trailing blank, an É) keep those
// cells in the index's own text, as every row of other tables does.
type sharedText struct {
	src SharedSource
	// field[j] is the item field that the index's text column text[j]
	// shows, or 0.
	field []Field
	// pen[i] is row i's item when its item cells are searched in place,
	// else -1.
	pen []int32
	// search searches the items of pen; set by done.
	search Searcher
}

// newSharedText returns the sharedText of rows for the index's text
// columns, or nil when rows show no item text among them. pen is filled
// in by buildText, which then calls done.
func newSharedText(rows RowSource, text []int) *sharedText {
	sr, ok := rows.(SharedSource)
	if !ok {
		return nil
	}
	cols := sr.Columns()
	st := &sharedText{src: sr, field: make([]Field, len(text))}
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
		st.pen[i] = int32(sr.Item(i))
	}
	return st
}

// done makes the search once pen is final.
func (st *sharedText) done() {
	var fields []Field
	for _, f := range st.field {
		if f != 0 && !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	st.search = st.src.Search(fields, st.pen)
}

// inPlace reports whether row i's item cells can be searched in place: the
// row shows an item and each of cells' item cells (text columns text) is
// its field as it is and folds by ASCII alone. It returns the cells'
// widths in w (indexed like text; only item cells set).
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
		if s != st.src.ItemText(int(p), f) {
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
