package table

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Column describes one table column. Widths are display cells as
// ansi.StringWidth measures them, the same measure lipgloss uses, so CJK text
// (two cells a character) stays aligned.
type Column struct {
	Title string
	// Min is the narrowest the column may shrink to when the table is too
	// narrow for every column's natural width; cells are then truncated with
	// a "~". 0 means the column keeps its natural width.
	Min int
	// Right aligns the column to the right (numbers).
	Right bool
	// Drop hides the column when even the minimum widths do not fit: the
	// highest Drop goes first. 0 means never hidden.
	Drop int
	// Yield hides the column (a Drop column) as soon as the natural widths
	// do not fit, before any column shrinks: a column worth less than
	// whole text in the others (a department beside a document number).
	Yield bool
	// Collate sorts the column by the text's collation in Chinese, as
	// Excel sorts names: Han characters by pinyin (阿 北 常 武 新 中, where
	// code points put 中 first), after digits (numerically: 2 before 10)
	// and Latin letters, case and width ignored. Without it a column sorts
	// by code point (numbers as numbers).
	Collate bool
	// Field is the column's search role for a SharedSource: which field
	// of the row's item the column shows, as the source numbers them; the
	// filter then searches those cells in the source's own text. 0: none.
	Field Field
}

// Field numbers a SharedSource's item fields; 0 is none.
type Field uint8

// Row is one table row.
type Row struct {
	// Key identifies the row across reloads: SetRows keeps the cursor on the
	// row with the same key.
	Key   string
	Cells []string
	// Alert draws the row in the alert style. Colour is never the only
	// signal: the cells must say what is wrong in text too.
	Alert bool
	// Detail is one line the screen shows under the table while the row is
	// selected (full texts that the columns truncate, the rule set used).
	Detail string
	// Dept is the department the row belongs to ("" for rows of none); a
	// department filter (SetDeptFilter) keeps rows of that department and
	// rows of none.
	Dept string
	// Search is extra text the text filter matches besides the cells (the
	// department's names, say), never shown.
	Search string
	// SortKeys, when set, holds per column the text SetSort orders the row
	// by instead of its cell ("" or a missing entry: the cell): an age
	// such as "3天前" sorts by the time it counts from. Keys are compared
	// as cells are (numbers as numbers, else as text), so a time key is
	// written so that text order is time order (RFC 3339 in one zone).
	SortKeys []string
}

// RowSource gives a table its rows on demand: a table of 300k rows (the
// repair tab at 1M records) keeps a few bytes a row and makes the Row of
// the rows on screen when it draws them. Row must return the same row for
// the same i as long as the source is set, and be cheap enough to call for
// every row once (Index reads them all to index their text).
type RowSource interface {
	Len() int
	Row(i int) Row
	// Find returns the index of the row with key, or -1.
	Find(key string) int
	// Width returns the most cells of any row.
	Width() int
}

// rowSlice is the RowSource of rows held as they are.
type rowSlice []Row

func (s rowSlice) Len() int      { return len(s) }
func (s rowSlice) Row(i int) Row { return s[i] }

func (s rowSlice) Find(key string) int {
	for i := range s {
		if s[i].Key == key {
			return i
		}
	}
	return -1
}

func (s rowSlice) Width() int {
	w := 0
	for i := range s {
		w = max(w, len(s[i].Cells))
	}
	return w
}

// KeyMap are the table's movement keys.
type KeyMap struct {
	LineUp, LineDown, PageUp, PageDown, GotoTop, GotoBottom key.Binding
}

// DefaultKeyMap returns j/k and arrows, pgup/pgdown, g/G and home/end.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		LineUp:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("k/up", "up")),
		LineDown:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("j/down", "down")),
		PageUp:     key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:   key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdown", "page down")),
		GotoTop:    key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top")),
		GotoBottom: key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom")),
	}
}

// Styles style the table. They must not change widths (no padding,
// margins or borders): the table lays out cells itself.
type Styles struct {
	Header   lipgloss.Style
	Cell     lipgloss.Style
	Selected lipgloss.Style
	Alert    lipgloss.Style
	Empty    lipgloss.Style
}

// DefaultStyles returns NewStyles(nil): the table styles for the
// process's own terminal.
func DefaultStyles() Styles { return NewStyles(nil) }

// NewStyles returns bold headers, a reversed cursor row and red
// alerts, built on r (nil: lipgloss's default renderer). With the Ascii
// profile (NO_COLOR) none of these show; the cursor row is still marked by
// the ">" in its first column.
func NewStyles(r *lipgloss.Renderer) Styles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	return Styles{
		Header:   r.NewStyle().Bold(true),
		Cell:     r.NewStyle(),
		Selected: r.NewStyle().Reverse(true).Bold(true),
		Alert:    r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#B00000", Dark: "#FF6060"}),
		Empty:    r.NewStyle().Faint(true),
	}
}

// markerWidth: "> " before the cursor row, "  " before the others, or the
// mark of a row marked new (SetMarks).
const markerWidth = 2

// Ellipsis ends a cell, or any line, cut to fit ("~": one cell wide on
// every terminal, unlike "…").
const Ellipsis = "~"

// Model is a scrolling table with a fixed header and a cursor row. It renders
// only the rows that fit, and measures every width with ansi.StringWidth. It
// does not handle tea.WindowSizeMsg: its owner calls SetSize.
//
// The zero Model is not usable; build one with New.
type Model struct {
	KeyMap KeyMap
	// Styles are shared by the table's copies, and never changed once
	// New has made them: a Bubble Tea model is copied at every message,
	// and the styles by value were 2.7 KB of every copy.
	Styles *Styles

	cols []Column
	all  RowSource // every row, in the order given
	x    *rowIndex // all's text and widths, computed once by Index
	// The rows shown, filtered and sorted, are all.Row(shown[i]), or every row
	// in the order given when every is set; they are never copied.
	shown []int32
	every bool
	// steps are the shown rows for each text filter on the way to the one
	// in force, each filter a substring of the next; steps[0] is the rows
	// the department filter and the sort order give, without text filter.
	// A filter that extends the last searches only its rows; backspace
	// goes back to an earlier step.
	steps []filterStep
	order []int32 // all's rows in sort order; nil when not sorted
	// shownRows is Rows() once asked for, until the shown rows change.
	shownRows *rowsCache
	cellW     []int // widest cell of each column over the shown rows
	natural   []int // natural width of each column: widest of title and cells
	widths    []int // laid-out width of each column; 0 when hidden
	gap       int

	width, height int
	cursor        int
	offset        int // index of the first visible row
	focused       bool
	empty         string
	emptyFiltered string // SetEmptyFiltered
	filterText    string // the filter as typed; filter is it lower-cased

	filter   string // lower-cased text filter; "" for none
	dept     string // department filter; "" for none
	sortCol  int    // column the rows shown are sorted by; -1 keeps the given order
	sortDesc bool
	// wantCol and wantDesc are the sort asked for (Sort): the one shown,
	// or one whose order is being made off the UI goroutine
	// (SetSortLater); job is the rows and sort SortJob was handed out for.
	wantCol  int
	wantDesc bool
	job      sortJobKey

	marks map[string]bool // rows marked new, by key (SetMarks)
	mark  string          // their marker
}

// filterStep is the rows shown for one text filter.
type filterStep struct {
	filter string
	rows   []int32 // indexes into all; nil with every
	every  bool    // every row in the order given
	cellW  []int   // widest cell of each column over rows
}

// maxSteps bounds the filters a table remembers on the way to the one in
// force.
const maxSteps = 32

type rowsCache struct {
	once sync.Once
	rows []Row
}

// New returns an empty, focused table of the given columns.
func New(cols []Column, st Styles, km KeyMap) Model {
	t := Model{KeyMap: km, Styles: &st, cols: cols, focused: true, width: 80, height: 10, sortCol: -1, wantCol: -1}
	t.SetRows(nil)
	return t
}

// SetEmpty sets the text shown in place of rows when there are none.
func (t *Model) SetEmpty(s string) { t.empty = s }

// SetEmptyFiltered sets what the table says when a text or department
// filter hides every row ("" says the SetEmpty text then too).
func (t *Model) SetEmptyFiltered(s string) { t.emptyFiltered = s }

// SetColumns replaces the columns (after a language change, say). The rows
// must be replaced too if their cell count differs.
func (t *Model) SetColumns(cols []Column) {
	t.cols = cols
	t.measure()
}

// SetRows replaces the rows. The cursor stays on the row with the same key
// when there is one; otherwise it keeps its index, clamped to the new rows.
// The filter and sort order in force apply to the new rows. Widths are
// measured here, not in View.
func (t *Model) SetRows(rows []Row) { t.SetIndexed(Index(rowSlice(rows))) }

// Rows returns rows held as they are as a RowSource.
func Rows(rows []Row) RowSource { return rowSlice(rows) }

// Indexed are a RowSource with its rows' text indexed, which reads
// every row once: Index makes them on the build goroutine, so that the
// UI's SetIndexed costs no more than SetRows of a few rows.
type Indexed struct {
	src RowSource
	x   *rowIndex
}

// Source returns the rows Index was given (nil for the zero Indexed).
func (r Indexed) Source() RowSource { return r.src }

func Index(src RowSource) Indexed { return Indexed{src, newRowIndex(src)} }

// Source returns the rows as given to SetRows or SetIndexed (nil before).
func (t *Model) Source() RowSource { return t.all }

// SetIndexed replaces the rows with those of r, as SetRows does; the zero
// Indexed is no rows.
func (t *Model) SetIndexed(r Indexed) {
	if r.src == nil {
		r = Index(rowSlice(nil))
	}
	key, had := t.cursorKey()
	t.all, t.x = r.src, r.x
	t.sortCol, t.sortDesc = t.wantCol, t.wantDesc
	t.order = nil
	t.rebase()
	t.refresh(key, had)
}

// AllRows returns every row of src, in order.
func AllRows(src RowSource) []Row {
	rows := make([]Row, src.Len())
	for i := range rows {
		rows[i] = src.Row(i)
	}
	return rows
}

// cursorKey returns the key of the cursor row, unless the cursor is on the
// first row (see refresh).
func (t *Model) cursorKey() (string, bool) {
	if t.cursor > 0 && t.cursor < t.Len() {
		return t.all.Row(t.rowAt(t.cursor)).Key, true
	}
	return "", false
}

// rebase recomputes the rows shown without text filter, from the
// department filter and the sort order, and forgets the filters typed.
func (t *Model) rebase() {
	var rows []int32
	every := true
	if t.sortCol >= 0 {
		if t.order == nil {
			t.order = sortOrder(t.all, t.sortCol, t.sortDesc, t.cols[t.sortCol].Collate)
		}
		rows, every = t.order, false
	}
	rows, every = t.x.filterDept(rows, every, t.dept)
	t.steps = []filterStep{{rows: rows, every: every, cellW: t.x.maxWidths(t.all, rows, every)}}
}

// narrow makes the last step the one for the text filter in force: it
// goes back to the last step whose filter the new one contains (every row
// that matches the new filter matches that one), then searches that step's
// rows.
func (t *Model) narrow() {
	n := len(t.steps)
	for n > 1 && !strings.Contains(t.filter, t.steps[n-1].filter) {
		n--
	}
	// Clip: copies of the table share the array; an append must not write
	// into theirs.
	t.steps = t.steps[:n:n]
	last := t.steps[n-1]
	if last.filter == t.filter {
		return
	}
	var rows []int32
	if strings.IndexByte(t.filter, 0) >= 0 {
		add := func(i int32) {
			if r := t.all.Row(int(i)); matchSlow(&r, t.filter) {
				rows = append(rows, i)
			}
		}
		if last.every {
			for i := range t.all.Len() {
				add(int32(i))
			}
		} else {
			for _, i := range last.rows {
				add(i)
			}
		}
		rows = slices.Clip(rows)
	} else {
		rows = t.x.filter(last.rows, last.every, t.filter)
	}
	if n >= maxSteps {
		t.steps = append(t.steps[:1:1], t.steps[n-maxSteps/2:]...)
	}
	t.steps = append(t.steps, filterStep{filter: t.filter, rows: rows, cellW: t.x.maxWidths(t.all, rows, false)})
}

// refresh shows the last step's rows, keeping the cursor on the row of key
// when had. A cursor on the first row stays on the first row: a table
// nobody has moved in keeps showing its top (the most urgent rows) as data
// arrives, rather than following one row down the list.
func (t *Model) refresh(key string, had bool) {
	t.narrow()
	last := t.steps[len(t.steps)-1]
	t.shown, t.every, t.cellW = last.rows, last.every, last.cellW
	t.shownRows = &rowsCache{}
	if had {
		if j := t.all.Find(key); j >= 0 {
			if t.every {
				t.cursor = j
			} else if i := slices.Index(t.shown, int32(j)); i >= 0 {
				t.cursor = i
			}
		}
	}
	t.measure()
	t.clamp()
}

// rowAt returns the index into all of shown row i.
func (t *Model) rowAt(i int) int {
	if t.every {
		return i
	}
	return int(t.shown[i])
}

// SourceIndex returns the index in the table's rows (SetRows' slice, or
// the RowSource) of shown row j, 0 <= j < Len(): what an owner that keeps
// more per row than the Row needs to find the rest.
func (t *Model) SourceIndex(j int) int { return t.rowAt(j) }

// Len returns the number of rows shown: len(Rows()), without building them.
func (t *Model) Len() int {
	if t.every {
		return t.all.Len()
	}
	return len(t.shown)
}

// sortKeyAt returns what row r sorts by in column i: its sort key if it
// has one, else its cell.
func sortKeyAt(r Row, i int) string {
	if i < len(r.SortKeys) && r.SortKeys[i] != "" {
		return r.SortKeys[i]
	}
	return cellAt(r, i)
}

func cellAt(r Row, i int) string {
	if i < len(r.Cells) {
		return r.Cells[i]
	}
	return ""
}

// cellNumber reads a cell as a number: after a status symbol, before a
// unit such as 天, and not the year of a date.
func cellNumber(s string) (int, bool) {
	s = strings.TrimLeft(s, "!+*~- ")
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == 0 || (end < len(s) && s[end] == '-') { // a date, not a number
		return 0, false
	}
	n, err := strconv.Atoi(s[:end])
	return n, err == nil
}

// SetFilter keeps only the rows whose cells (or Search text) contain s,
// ignoring case; "" shows every row.
func (t *Model) SetFilter(s string) {
	key, had := t.cursorKey()
	t.filterText = strings.TrimSpace(s)
	t.filter = strings.ToLower(t.filterText)
	t.refresh(key, had)
}

// Filter returns the text filter in force as it was typed (trimmed); the
// match ignores case.
func (t *Model) Filter() string { return t.filterText }

// SetDeptFilter keeps only the rows of department id; "" shows every row.
func (t *Model) SetDeptFilter(id string) {
	key, had := t.cursorKey()
	if id != t.dept {
		t.dept = id
		t.rebase()
	}
	t.refresh(key, had)
}

// DeptFilter returns the department filter in force.
func (t *Model) DeptFilter() string { return t.dept }

// SetSort sorts the rows by column col (-1: the order given to SetRows),
// descending when desc. The header marks the column with " ^" or " v".
// It sorts every row here: in a program's Update, a large table sorts
// with SetSortLater.
func (t *Model) SetSort(col int, desc bool) {
	if col < -1 || col >= len(t.cols) {
		col = -1
	}
	key, had := t.cursorKey()
	t.wantCol, t.wantDesc = col, desc
	if col != t.sortCol || desc != t.sortDesc {
		t.sortCol, t.sortDesc = col, desc
		t.order = nil
		t.rebase()
	}
	t.refresh(key, had)
}

// Sort returns the sort column (-1 for none) and direction asked for:
// while Sorting, the rows are still shown in the order before.
func (t *Model) Sort() (int, bool) { return t.wantCol, t.wantDesc }

// Columns returns the columns. Callers must not modify them.
func (t *Model) Columns() []Column { return t.cols }

// titles returns the column titles as the header shows them, with the sort
// marker.
func (t *Model) titles() []string {
	titles := make([]string, len(t.cols))
	for i, c := range t.cols {
		titles[i] = c.Title
		if i == t.sortCol {
			if t.sortDesc {
				titles[i] += " v"
			} else {
				titles[i] += " ^"
			}
		}
	}
	return titles
}

// Rows returns the rows shown, filtered and sorted. Callers must not modify
// them. Unless every row given to SetRows is shown in the order given, this
// copies them (once after they change for SetRows; at every call for
// SetSource, which keeps no rows): Len is the number without the copy.
func (t *Model) Rows() []Row {
	if t.all == nil { // the zero Model
		return nil
	}
	rs, held := t.all.(rowSlice)
	if held && t.every {
		return rs
	}
	copyRows := func() []Row {
		rows := make([]Row, t.Len())
		for j := range rows {
			rows[j] = t.all.Row(t.rowAt(j))
		}
		return rows
	}
	c := t.shownRows
	if !held {
		return copyRows()
	}
	c.once.Do(func() { c.rows = copyRows() })
	return c.rows
}

// SetSize sets the table's outer size in cells, the header line included.
func (t *Model) SetSize(w, h int) {
	t.width, t.height = max(w, 1), max(h, 2)
	t.layout()
	t.clamp()
}

// Width and Height return the size set by SetSize.
func (t *Model) Width() int  { return t.width }
func (t *Model) Height() int { return t.height }

// Focus and Blur show or hide the cursor.
func (t *Model) Focus()        { t.focused = true }
func (t *Model) Blur()         { t.focused = false }
func (t *Model) Focused() bool { return t.focused }

// Cursor returns the index of the cursor row.
func (t *Model) Cursor() int { return t.cursor }

// SetCursor moves the cursor to row i (clamped).
func (t *Model) SetCursor(i int) {
	t.cursor = i
	t.clamp()
}

// Selected returns the cursor row, if there is one.
func (t *Model) Selected() (Row, bool) {
	if t.cursor < 0 || t.cursor >= t.Len() {
		return Row{}, false
	}
	return t.all.Row(t.rowAt(t.cursor)), true
}

// AtTop and AtBottom report whether the cursor is on the first or last row.
func (t *Model) AtTop() bool    { return t.cursor <= 0 }
func (t *Model) AtBottom() bool { return t.cursor >= t.Len()-1 }

// MoveUp and MoveDown move the cursor n rows.
func (t *Model) MoveUp(n int)   { t.SetCursor(t.cursor - n) }
func (t *Model) MoveDown(n int) { t.SetCursor(t.cursor + n) }

// GotoTop and GotoBottom move the cursor to the first or last row.
func (t *Model) GotoTop()    { t.SetCursor(0) }
func (t *Model) GotoBottom() { t.SetCursor(t.Len() - 1) }

// visibleRows is how many rows fit under the header.
func (t *Model) visibleRows() int { return max(t.height-1, 1) }

// Update moves the cursor on the table's keys when focused.
func (t Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok || !t.focused {
		return t, nil
	}
	switch {
	case key.Matches(km, t.KeyMap.LineUp):
		t.MoveUp(1)
	case key.Matches(km, t.KeyMap.LineDown):
		t.MoveDown(1)
	case key.Matches(km, t.KeyMap.PageUp):
		t.MoveUp(t.visibleRows())
	case key.Matches(km, t.KeyMap.PageDown):
		t.MoveDown(t.visibleRows())
	case key.Matches(km, t.KeyMap.GotoTop):
		t.GotoTop()
	case key.Matches(km, t.KeyMap.GotoBottom):
		t.GotoBottom()
	}
	return t, nil
}

// clamp keeps the cursor on a row and the cursor row on screen.
func (t *Model) clamp() {
	n := t.Len()
	t.cursor = min(t.cursor, n-1)
	t.cursor = max(t.cursor, 0)
	vis := t.visibleRows()
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+vis {
		t.offset = t.cursor - vis + 1
	}
	// Do not leave blank lines below the last row while rows are hidden above.
	t.offset = min(t.offset, max(n-vis, 0))
	t.offset = max(t.offset, 0)
}

// measure computes each column's natural width, then lays out.
func (t *Model) measure() {
	t.natural = make([]int, len(t.cols))
	for i, title := range t.titles() {
		t.natural[i] = ansi.StringWidth(title)
	}
	for i := 0; i < len(t.cellW) && i < len(t.cols); i++ {
		t.natural[i] = max(t.natural[i], t.cellW[i])
	}
	t.layout()
}

// layout fits the columns into the width: two-cell gaps if everything fits,
// else one-cell gaps; then the widest shrinkable column loses a cell at a
// time down to its Min; then, if that is still too wide, the column with the
// highest Drop is hidden and the widths start over.
func (t *Model) layout() {
	n := len(t.cols)
	hidden := make([]bool, n)
	w := make([]int, n)
	avail := t.width - markerWidth
	total := func(gap int) int {
		sum, cnt := 0, 0
		for i := range w {
			if !hidden[i] {
				sum += w[i]
				cnt++
			}
		}
		return sum + gap*max(cnt-1, 0)
	}
	for {
		copy(w, t.natural)
		t.gap = 2
		if total(2) > avail {
			t.gap = 1
		}
		if total(t.gap) > avail {
			yield := -1
			for i, c := range t.cols {
				if !hidden[i] && c.Yield && c.Drop > 0 && (yield < 0 || c.Drop > t.cols[yield].Drop) {
					yield = i
				}
			}
			if yield >= 0 {
				hidden[yield] = true
				continue
			}
		}
		for total(t.gap) > avail {
			widest := -1
			for i, c := range t.cols {
				if !hidden[i] && c.Min > 0 && w[i] > c.Min && (widest < 0 || w[i] > w[widest]) {
					widest = i
				}
			}
			if widest < 0 {
				break
			}
			w[widest]--
		}
		if total(t.gap) <= avail {
			break
		}
		drop := -1
		for i, c := range t.cols {
			if !hidden[i] && c.Drop > 0 && (drop < 0 || c.Drop > t.cols[drop].Drop) {
				drop = i
			}
		}
		if drop < 0 {
			break // too narrow even so: lines are cut at the right edge
		}
		hidden[drop] = true
	}
	for i := range w {
		if hidden[i] {
			w[i] = 0
		}
	}
	t.widths = w
}

// fit pads or truncates s to exactly w cells, drawing ambiguous-width
// characters narrow (see narrow).
func fit(s string, w int, right bool) string {
	s = narrow(s)
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, Ellipsis)
		sw = ansi.StringWidth(s)
	}
	pad := strings.Repeat(" ", max(w-sw, 0))
	if right {
		return pad + s
	}
	return s + pad
}

// line lays out one row of cells (or the titles) with the marker in front,
// exactly t.width cells wide.
func (t *Model) line(marker string, cells []string) string {
	var b strings.Builder
	b.WriteString(marker)
	first := true
	for i, c := range t.cols {
		if t.widths[i] == 0 {
			continue
		}
		if !first {
			b.WriteString(strings.Repeat(" ", t.gap))
		}
		first = false
		var s string
		if i < len(cells) {
			s = cells[i]
		}
		b.WriteString(fit(s, t.widths[i], c.Right))
	}
	return fit(b.String(), t.width, false)
}

// View renders the header and the visible rows: exactly Height lines of
// exactly Width cells.
func (t Model) View() string {
	lines := make([]string, 0, t.height)
	lines = append(lines, t.Styles.Header.Render(t.line("  ", t.titles())))
	vis := t.visibleRows()
	n := t.Len()
	if n == 0 {
		msg := t.empty
		if (t.filter != "" || t.dept != "") && t.emptyFiltered != "" {
			msg = t.emptyFiltered
		}
		lines = append(lines, t.Styles.Empty.Render(fit("  "+msg, t.width, false)))
	}
	for i := t.offset; i < n && i < t.offset+vis; i++ {
		r := t.all.Row(t.rowAt(i))
		marker := "  "
		st := t.Styles.Cell
		if r.Alert {
			st = t.Styles.Alert
		}
		if i == t.cursor && t.focused {
			marker = "> "
			st = t.Styles.Selected
		}
		if marker == "  " && t.marks[r.Key] {
			marker = t.mark
		}
		lines = append(lines, st.Render(t.line(marker, r.Cells)))
	}
	blank := strings.Repeat(" ", t.width)
	for len(lines) < t.height {
		lines = append(lines, blank)
	}
	return strings.Join(lines, "\n")
}
