package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// The mouse, when the configuration turns it on ([ui] mouse = true; off
// by default, so that the terminal's own text selection keeps working):
// a click on a tab's label shows the tab, a click on a row selects it, a
// click on a column header sorts by that column (again: the other way),
// and the wheel moves the cursor of the table under the pointer. Every
// position is tested against the widths View draws with (tabLabels, and
// tui/table's ColumnAt and RowAt), CJK characters two cells wide. In a
// form or while the filter or command line is typed, the mouse does
// nothing.

// wheelRows is how far one step of the wheel moves the cursor.
const wheelRows = 3

// tableArea is a table drawn on screen and the line its header is on.
type tableArea struct {
	t     *Table
	top   int
	focus func() // makes t the focused table of its tab
}

// tableAreas are the tables on screen, top to bottom.
func (m *Model) tableAreas() []tableArea {
	y := m.tabsY() + 2 // the tabs line, the summary line
	if len(m.stack) > 0 {
		return []tableArea{{t: m.activeTable(), top: y, focus: func() {}}}
	}
	switch m.tab {
	case tabCheck:
		p := &m.check
		return []tableArea{
			{t: &p.Table, top: y, focus: func() { focusStacked(&p.focus, &p.Table, &p.history, 0) }},
			{t: &p.history, top: y + p.Height() + 1, focus: func() { focusStacked(&p.focus, &p.Table, &p.history, 1) }},
		}
	case tabSync:
		p := &m.sync
		return []tableArea{
			{t: &p.endpoints, top: y, focus: func() { p.focusOn(0) }},
			{t: &p.depts, top: y + p.endpoints.Height() + 1, focus: func() { p.focusOn(1) }},
		}
	}
	return []tableArea{{t: m.tabAt(m.tab).active(), top: y, focus: func() {}}}
}

// tabsY is the line the tabs are drawn on (View's order: header,
// warnings, banner, tabs).
func (m *Model) tabsY() int {
	y := len(m.headerLines()) + len(m.warnings)
	if m.banner() != "" {
		y++
	}
	return y
}

// handleMouse acts on a press of the left button or a turn of the wheel.
func (m Model) handleMouse(msg tea.MouseMsg) (Model, tea.Cmd) {
	if !m.d.Mouse || m.mode != modeNormal || msg.Action != tea.MouseActionPress {
		return m, nil
	}
	switch msg.Button {
	case tea.MouseButtonLeft, tea.MouseButtonWheelUp, tea.MouseButtonWheelDown:
	default:
		return m, nil
	}
	m.seen()
	m.flash, m.flashBad = "", false
	if msg.Y == m.tabsY() {
		if msg.Button == tea.MouseButtonLeft {
			if id, ok := m.tabAtX(msg.X); ok {
				m.setTab(id)
			}
		}
		return m, nil
	}
	for _, a := range m.tableAreas() {
		y := msg.Y - a.top
		if y < 0 || y >= a.t.Height() {
			continue
		}
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			a.focus()
			a.t.MoveUp(wheelRows)
		case tea.MouseButtonWheelDown:
			a.focus()
			a.t.MoveDown(wheelRows)
		default:
			if y == 0 {
				a.focus() // the summary line names the focused table's sort
				m.sortByClick(a.t, a.t.ColumnAt(msg.X))
			} else if i, ok := a.t.RowAt(y); ok {
				a.focus()
				a.t.SetCursor(i)
			}
		}
		break
	}
	return m, nil
}

// sortByClick sorts t by column col, ascending; a click on the column
// already sorted by turns the order round. Where the sort keys are off
// (a record's detail), it does nothing.
func (m *Model) sortByClick(t *Table, col int) {
	if col < 0 || !m.keys.SortNext.Enabled() {
		return
	}
	cur, desc := t.Sort()
	if cur == col {
		t.SetSortLater(col, !desc)
		return
	}
	t.SetSortLater(col, false)
}

// tabAtX is the tab whose label is drawn at x on the tabs line.
func (m *Model) tabAtX(x int) (tabID, bool) {
	pos := 0
	for i, l := range m.tabLabels() {
		w := ansi.StringWidth(l)
		if x >= pos && x < pos+w {
			return tabID(i), true
		}
		pos += w + 1 // the space between labels
	}
	return 0, false
}
