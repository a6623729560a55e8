package tui

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

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
}

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
}

// TableKeyMap are the table's movement keys.
type TableKeyMap struct {
	LineUp, LineDown, PageUp, PageDown, GotoTop, GotoBottom key.Binding
}

// DefaultTableKeyMap returns j/k and arrows, pgup/pgdown, g/G and home/end.
func DefaultTableKeyMap() TableKeyMap {
	return TableKeyMap{
		LineUp:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("k/up", "up")),
		LineDown:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("j/down", "down")),
		PageUp:     key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:   key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdown", "page down")),
		GotoTop:    key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top")),
		GotoBottom: key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom")),
	}
}

// TableStyles style the table. They must not change widths (no padding,
// margins or borders): the table lays out cells itself.
type TableStyles struct {
	Header   lipgloss.Style
	Cell     lipgloss.Style
	Selected lipgloss.Style
	Alert    lipgloss.Style
	Empty    lipgloss.Style
}

// DefaultTableStyles returns NewTableStyles(nil): the table styles for the
// process's own terminal.
func DefaultTableStyles() TableStyles { return NewTableStyles(nil) }

// NewTableStyles returns bold headers, a reversed cursor row and red
// alerts, built on r (nil: lipgloss's default renderer). With the Ascii
// profile (NO_COLOR) none of these show; the cursor row is still marked by
// the ">" in its first column.
func NewTableStyles(r *lipgloss.Renderer) TableStyles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	return TableStyles{
		Header:   r.NewStyle().Bold(true),
		Cell:     r.NewStyle(),
		Selected: r.NewStyle().Reverse(true).Bold(true),
		Alert:    r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#B00000", Dark: "#FF6060"}),
		Empty:    r.NewStyle().Faint(true),
	}
}

const (
	markerWidth = 2 // "> " before the cursor row, "  " before the others
	truncTail   = "~"
)

// Table is a scrolling table with a fixed header and a cursor row. It renders
// only the rows that fit, and measures every width with ansi.StringWidth. It
// does not handle tea.WindowSizeMsg: its owner calls SetSize.
//
// The zero Table is not usable; build one with NewTable.
type Table struct {
	KeyMap TableKeyMap
	Styles TableStyles

	cols []Column
	all  []Row // every row, in the order given
	rows []Row // the rows shown: all, filtered and sorted
	// Per row of all, computed once in SetRows so a filter keystroke costs
	// a substring search per row: hay is the lower-cased Search text and
	// cells joined by NULs (no filter holds one), cellW the cells' widths.
	hay     []string
	cellW   [][]uint16
	shownW  [][]uint16 // cellW of rows, in the same order
	natural []int      // natural width of each column: widest of title and cells
	widths  []int      // laid-out width of each column; 0 when hidden
	gap     int

	width, height int
	cursor        int
	offset        int // index of the first visible row
	focused       bool
	empty         string

	filter   string // lower-cased text filter; "" for none
	dept     string // department filter; "" for none
	sortCol  int    // column sorted by; -1 keeps the given order
	sortDesc bool
}

// NewTable returns an empty, focused table of the given columns.
func NewTable(cols []Column, st TableStyles, km TableKeyMap) Table {
	t := Table{KeyMap: km, Styles: st, cols: cols, focused: true, width: 80, height: 10, sortCol: -1}
	t.measure()
	return t
}

// SetEmpty sets the text shown in place of rows when there are none.
func (t *Table) SetEmpty(s string) { t.empty = s }

// SetColumns replaces the columns (after a language change, say). The rows
// must be replaced too if their cell count differs.
func (t *Table) SetColumns(cols []Column) {
	t.cols = cols
	t.measure()
}

// SetRows replaces the rows. The cursor stays on the row with the same key
// when there is one; otherwise it keeps its index, clamped to the new rows.
// The filter and sort order in force apply to the new rows. Widths are
// measured here, not in View.
func (t *Table) SetRows(rows []Row) {
	t.all = rows
	t.hay = make([]string, len(rows))
	t.cellW = make([][]uint16, len(rows))
	widths := make([]uint16, 0, len(rows)*len(t.cols))
	var b strings.Builder
	for i := range rows {
		r := &rows[i]
		b.Reset()
		b.WriteString(r.Search)
		for _, c := range r.Cells {
			b.WriteByte(0)
			b.WriteString(c)
		}
		t.hay[i] = strings.ToLower(b.String())
		start := len(widths)
		for _, c := range r.Cells {
			widths = append(widths, uint16(min(ansi.StringWidth(c), 0xffff)))
		}
		t.cellW[i] = widths[start:len(widths):len(widths)]
	}
	t.refresh()
}

// refresh recomputes the shown rows from all rows, the filters and the sort
// order, keeping the cursor on its row's key. A cursor on the first row
// stays on the first row: a table nobody has moved in keeps showing its top
// (the most urgent rows) as data arrives, rather than following one row
// down the list.
func (t *Table) refresh() {
	var key string
	had := t.cursor > 0 && t.cursor < len(t.rows)
	if had {
		key = t.rows[t.cursor].Key
	}
	rows, widths := t.all, t.cellW
	if t.filter != "" || t.dept != "" || t.sortCol >= 0 {
		anyDept := slices.ContainsFunc(t.all, func(r Row) bool { return r.Dept != "" })
		idx := make([]int, 0, len(t.all))
		for i := range t.all {
			if t.matchesAt(i, anyDept) {
				idx = append(idx, i)
			}
		}
		if t.sortCol >= 0 {
			col, desc := t.sortCol, t.sortDesc
			slices.SortStableFunc(idx, func(a, b int) int {
				c := compareCells(cellAt(t.all[a], col), cellAt(t.all[b], col))
				if desc {
					return -c
				}
				return c
			})
		}
		rows, widths = make([]Row, len(idx)), make([][]uint16, len(idx))
		for j, i := range idx {
			rows[j], widths[j] = t.all[i], t.cellW[i]
		}
	}
	t.rows, t.shownW = rows, widths
	if had {
		for i := range rows {
			if rows[i].Key == key {
				t.cursor = i
				break
			}
		}
	}
	t.measure()
	t.clamp()
}

// matchesAt reports whether row i of all passes the filters. A department
// filter keeps the rows of that department; rows of no department stay only
// in tables where no row has one (the endpoints, say), so the filter never
// empties a table it does not apply to. anyDept says whether some row has
// one.
func (t *Table) matchesAt(i int, anyDept bool) bool {
	r := &t.all[i]
	if t.dept != "" && (r.Dept != t.dept) && (r.Dept != "" || anyDept) {
		return false
	}
	if t.filter == "" {
		return true
	}
	if strings.IndexByte(t.filter, 0) < 0 {
		return strings.Contains(t.hay[i], t.filter)
	}
	if strings.Contains(strings.ToLower(r.Search), t.filter) {
		return true
	}
	for _, c := range r.Cells {
		if strings.Contains(strings.ToLower(c), t.filter) {
			return true
		}
	}
	return false
}

func cellAt(r Row, i int) string {
	if i < len(r.Cells) {
		return r.Cells[i]
	}
	return ""
}

// compareCells orders two cells as numbers when both read as one (after a
// status symbol, before a unit such as 天), else as text.
func compareCells(a, b string) int {
	na, oka := cellNumber(a)
	nb, okb := cellNumber(b)
	if oka && okb && na != nb {
		return cmp.Compare(na, nb)
	}
	return strings.Compare(a, b)
}

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
func (t *Table) SetFilter(s string) {
	t.filter = strings.ToLower(strings.TrimSpace(s))
	t.refresh()
}

// Filter returns the text filter in force (lower-cased).
func (t *Table) Filter() string { return t.filter }

// SetDeptFilter keeps only the rows of department id; "" shows every row.
func (t *Table) SetDeptFilter(id string) {
	t.dept = id
	t.refresh()
}

// DeptFilter returns the department filter in force.
func (t *Table) DeptFilter() string { return t.dept }

// SetSort sorts the rows by column col (-1: the order given to SetRows),
// descending when desc. The header marks the column with " ^" or " v".
func (t *Table) SetSort(col int, desc bool) {
	if col < -1 || col >= len(t.cols) {
		col = -1
	}
	t.sortCol, t.sortDesc = col, desc
	t.refresh()
}

// Sort returns the sort column (-1 for none) and direction.
func (t *Table) Sort() (int, bool) { return t.sortCol, t.sortDesc }

// Columns returns the columns. Callers must not modify them.
func (t *Table) Columns() []Column { return t.cols }

// titles returns the column titles as the header shows them, with the sort
// marker.
func (t *Table) titles() []string {
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
// them.
func (t *Table) Rows() []Row { return t.rows }

// SetSize sets the table's outer size in cells, the header line included.
func (t *Table) SetSize(w, h int) {
	t.width, t.height = max(w, 1), max(h, 2)
	t.layout()
	t.clamp()
}

// Width and Height return the size set by SetSize.
func (t *Table) Width() int  { return t.width }
func (t *Table) Height() int { return t.height }

// Focus and Blur show or hide the cursor.
func (t *Table) Focus()        { t.focused = true }
func (t *Table) Blur()         { t.focused = false }
func (t *Table) Focused() bool { return t.focused }

// Cursor returns the index of the cursor row.
func (t *Table) Cursor() int { return t.cursor }

// SetCursor moves the cursor to row i (clamped).
func (t *Table) SetCursor(i int) {
	t.cursor = i
	t.clamp()
}

// Selected returns the cursor row, if there is one.
func (t *Table) Selected() (Row, bool) {
	if t.cursor < 0 || t.cursor >= len(t.rows) {
		return Row{}, false
	}
	return t.rows[t.cursor], true
}

// AtTop and AtBottom report whether the cursor is on the first or last row.
func (t *Table) AtTop() bool    { return t.cursor <= 0 }
func (t *Table) AtBottom() bool { return t.cursor >= len(t.rows)-1 }

// MoveUp and MoveDown move the cursor n rows.
func (t *Table) MoveUp(n int)   { t.SetCursor(t.cursor - n) }
func (t *Table) MoveDown(n int) { t.SetCursor(t.cursor + n) }

// GotoTop and GotoBottom move the cursor to the first or last row.
func (t *Table) GotoTop()    { t.SetCursor(0) }
func (t *Table) GotoBottom() { t.SetCursor(len(t.rows) - 1) }

// visibleRows is how many rows fit under the header.
func (t *Table) visibleRows() int { return max(t.height-1, 1) }

// Update moves the cursor on the table's keys when focused.
func (t Table) Update(msg tea.Msg) (Table, tea.Cmd) {
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
func (t *Table) clamp() {
	t.cursor = min(t.cursor, len(t.rows)-1)
	t.cursor = max(t.cursor, 0)
	vis := t.visibleRows()
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+vis {
		t.offset = t.cursor - vis + 1
	}
	// Do not leave blank lines below the last row while rows are hidden above.
	t.offset = min(t.offset, max(len(t.rows)-vis, 0))
	t.offset = max(t.offset, 0)
}

// measure computes each column's natural width, then lays out.
func (t *Table) measure() {
	t.natural = make([]int, len(t.cols))
	for i, title := range t.titles() {
		t.natural[i] = ansi.StringWidth(title)
	}
	for _, w := range t.shownW {
		for i := 0; i < len(w) && i < len(t.cols); i++ {
			t.natural[i] = max(t.natural[i], int(w[i]))
		}
	}
	t.layout()
}

// layout fits the columns into the width: two-cell gaps if everything fits,
// else one-cell gaps; then the widest shrinkable column loses a cell at a
// time down to its Min; then, if that is still too wide, the column with the
// highest Drop is hidden and the widths start over.
func (t *Table) layout() {
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
		s = ansi.Truncate(s, w, truncTail)
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
func (t *Table) line(marker string, cells []string) string {
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
func (t Table) View() string {
	lines := make([]string, 0, t.height)
	lines = append(lines, t.Styles.Header.Render(t.line("  ", t.titles())))
	vis := t.visibleRows()
	if len(t.rows) == 0 {
		lines = append(lines, t.Styles.Empty.Render(fit("  "+t.empty, t.width, false)))
	}
	for i := t.offset; i < len(t.rows) && i < t.offset+vis; i++ {
		r := t.rows[i]
		marker := "  "
		st := t.Styles.Cell
		if r.Alert {
			st = t.Styles.Alert
		}
		if i == t.cursor && t.focused {
			marker = "> "
			st = t.Styles.Selected
		}
		lines = append(lines, st.Render(t.line(marker, r.Cells)))
	}
	blank := strings.Repeat(" ", t.width)
	for len(lines) < t.height {
		lines = append(lines, blank)
	}
	return strings.Join(lines, "\n")
}
