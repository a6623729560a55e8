package table

import "slices"

// Reloading a large table (a new generation of 1M records) and sorting it
// cost the rows' count: a text filter re-run over every row, a sort order
// (seconds with the Chinese collation), the cursor's row found again. A
// program's Update must not wait for that, or the keys queue behind it.
// Layout, Prepare and SetPrepared move a reload's work off the UI
// goroutine; SetSortLater, SortJob and SetOrder move a sort's.

// Layout is what a table's rows are laid out by: the sort asked for, the
// department and text filters, and the cursor row's key. Model.Layout
// captures it on the UI goroutine; Prepare uses it on another.
type Layout struct {
	cols     []Column
	sortCol  int
	sortDesc bool
	dept     string
	filter   string // lower-cased
	key      string // the cursor row's, when hasKey
	hasKey   bool
}

// Layout returns the table's layout as it is now, for Prepare.
func (t *Model) Layout() Layout {
	key, had := t.cursorKey()
	return Layout{cols: t.cols, sortCol: t.wantCol, sortDesc: t.wantDesc, dept: t.dept, filter: t.filter, key: key, hasKey: had}
}

// Prepared are rows laid out for a Layout: their sort order, the rows the
// department and text filters keep, and the cursor's row. Prepare makes
// them off the UI goroutine; SetPrepared shows them at the cost of a few
// rows. The zero Prepared is no rows.
type Prepared struct {
	r      Indexed
	l      Layout
	order  []int32
	steps  []filterStep
	cursor int // the shown index of l.key's row; -1 when none
}

// Prepare lays r out for l: the work of SetIndexed, done on the caller's
// goroutine (a program's load command) so that SetPrepared need not. It
// reads r's rows, which must be safe to read from another goroutine than
// the table's (RowSource's contract), and modifies nothing shared.
func Prepare(r Indexed, l Layout) Prepared {
	if r.src == nil {
		r = Index(rowSlice(nil))
	}
	if l.sortCol >= len(l.cols) {
		l.sortCol = -1
	}
	tmp := Model{cols: l.cols, all: r.src, x: r.x, sortCol: l.sortCol, sortDesc: l.sortDesc, dept: l.dept, filter: l.filter}
	tmp.rebase()
	tmp.narrow()
	if st := r.x.st; st != nil {
		if w, ok := st.search.(Warmer); ok {
			w.Warm()
		}
	}
	p := Prepared{r: r, l: l, order: tmp.order, steps: tmp.steps, cursor: -1}
	if l.hasKey {
		p.cursor = shownIndex(r.src, tmp.steps[len(tmp.steps)-1], l.key)
	}
	return p
}

// shownIndex returns the index among st's rows of the row with key, or -1.
func shownIndex(src RowSource, st filterStep, key string) int {
	j := src.Find(key)
	switch {
	case j < 0:
		return -1
	case st.every:
		return j
	}
	return slices.Index(st.rows, int32(j))
}

// Rows returns the rows p lays out.
func (p Prepared) Rows() Indexed { return p.r }

// SetPrepared replaces the rows with p's, as SetIndexed does, taking the
// sort order, the filtered rows and the cursor's place from p where the
// table's layout is still the one p was made for. Where the officer has
// changed it since: a department filter is applied to p's order (one
// pass over the rows' departments), a text filter narrowed from p's (from
// every row, as the first key of a filter, unless the new filter extends
// p's), and a sort asked for since shows p's order until SortJob's order
// arrives (SetOrder). Nothing here sorts a large table.
func (t *Model) SetPrepared(p Prepared) {
	if p.r.src == nil {
		p = Prepare(Index(rowSlice(nil)), t.Layout())
	}
	key, had := t.cursorKey()
	t.all, t.x = p.r.src, p.r.x
	t.sortCol, t.sortDesc, t.order = p.l.sortCol, p.l.sortDesc, p.order
	switch {
	case t.Sorting() && (t.wantCol < 0 || t.all.Len() < lateRows):
		// The given order, or a table small enough to sort here.
		t.sortCol, t.sortDesc, t.order = t.wantCol, t.wantDesc, nil
		t.rebase()
	case p.l.dept == t.dept:
		t.steps = p.steps[:len(p.steps):len(p.steps)]
	default:
		t.rebase()
	}
	same := had && p.l.hasKey && key == p.l.key && p.cursor >= 0 && t.dept == p.l.dept && t.filter == p.l.filter && !t.Sorting() &&
		t.sortCol == p.l.sortCol && t.sortDesc == p.l.sortDesc
	if same {
		t.refresh("", false)
		t.cursor = p.cursor
		t.clamp()
		return
	}
	t.refresh(key, had)
}

// Order is a sort order made off the UI goroutine (SortJob) for SetOrder.
type Order struct {
	x     *rowIndex
	col   int
	desc  bool
	order []int32
}

// lateRows: a table of fewer rows sorts at once in SetSortLater (a few
// milliseconds); a larger one leaves its sort to SortJob.
const lateRows = 20_000

// SetSortLater asks for the rows sorted by column col (-1: the order
// given), descending when desc, as SetSort does, but without sorting a
// large table here: the rows keep the order shown (and the header its
// marker) until SetOrder is given the order SortJob makes. Sort returns
// the sort asked for at once; Sorting reports that it is not yet shown.
func (t *Model) SetSortLater(col int, desc bool) {
	if col < -1 || col >= len(t.cols) {
		col = -1
	}
	t.wantCol, t.wantDesc = col, desc
	if !t.Sorting() {
		return
	}
	if col < 0 || t.all == nil || t.all.Len() < lateRows {
		t.SetSort(col, desc)
	}
}

// Sorting reports whether the sort asked for (Sort) is not the order shown
// yet: SortJob's order has not arrived.
func (t *Model) Sorting() bool { return t.wantCol != t.sortCol || t.wantDesc != t.sortDesc }

// SortJob returns the function that makes the order SetSortLater asked
// for, to run off the UI goroutine and give to SetOrder; nil when there is
// none to make, or it was handed out already for these rows and this sort.
func (t *Model) SortJob() func() Order {
	if !t.Sorting() || t.wantCol < 0 || t.all == nil {
		return nil
	}
	if t.job.x == t.x && t.job.col == t.wantCol && t.job.desc == t.wantDesc {
		return nil
	}
	src, x, col, desc, coll := t.all, t.x, t.wantCol, t.wantDesc, t.cols[t.wantCol].Collate
	t.job = sortJobKey{x, col, desc}
	return func() Order { return Order{x: x, col: col, desc: desc, order: sortOrder(src, col, desc, coll)} }
}

// sortJobKey is the rows and sort a SortJob was handed out for.
type sortJobKey struct {
	x    *rowIndex
	col  int
	desc bool
}

// SetOrder shows o when it is the order of the table's rows for the sort
// asked for and not yet shown, and reports whether it did; an order made
// for rows replaced since, or a sort asked for no more, is dropped. The
// text filter is searched again over the new order (as the first key of
// a filter costs).
func (t *Model) SetOrder(o Order) bool {
	if o.x == nil || o.x != t.x || o.col != t.wantCol || o.desc != t.wantDesc || !t.Sorting() {
		return false
	}
	key, had := t.cursorKey()
	t.sortCol, t.sortDesc, t.order = o.col, o.desc, o.order
	t.rebase()
	t.refresh(key, had)
	return true
}
