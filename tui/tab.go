package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/tui/table"
)

// tab is one of the five tabs, shaped like soft-serve's components: its
// table or tables, what it takes from a build, its size, its keys, its
// view and what it exports. The root model keeps one of each (tabAt) and
// routes to the active one; it alone handles tea.WindowSizeMsg and tells
// the tab its size. Each tab's columns are declared once beside it
// (tabColumn: checkTab, sharingTab, endpointTab and deptTab, repairTab,
// queueTab).
type tab interface {
	// apply takes the tab's rows from a build; reused says the repair
	// and queue rows are the ones the tables hold already.
	apply(b *built)
	// setSize gives the tab the area below the summary line.
	setSize(w, h int)
	// active is the table the cursor, filter, sort and export keys act
	// on: the focused one of two.
	active() *Table
	// update moves through the tab's rows with a movement key.
	update(msg tea.KeyMsg)
	// view draws the tab's table or tables.
	view() string
	// summary is the tab's summary line, from its last build.
	summary(b *built) string
	// detail is the line under the table for the selected row r.
	detail(r Row, in func() buildInput) string
	// keys are the bindings of the tab's own actions (the help offers
	// them while enabled; updateKeys enables them by state).
	keys(k *KeyMap) []*key.Binding
	// exportView names the active table for ExportFor ("check",
	// "history", "sharing", "sync", "depts", "repair" or "queue").
	exportView() string
}

// common is what every tab shares, passed to each when the model is made
// rather than kept in globals: the catalogue, the styles and the table
// keys.
type common struct {
	cat    catalog
	styles *Styles
	keys   table.KeyMap
}

// newTable makes a tab's table with the shared styles and keys; empty is
// the message key of what it says when it has no rows.
func (c common) newTable(cols []Column, empty string) Table {
	t := table.New(cols, c.styles.Table, c.keys)
	t.SetEmpty(c.cat.t(empty))
	t.SetEmptyFiltered(c.cat.t("table.nomatch"))
	return t
}

// oneTable is the part of a tab that shows a single table (sharing,
// repair, queue): its size, movement and view are the table's.
type oneTable struct{ Table }

func (p *oneTable) setSize(w, h int)      { p.SetSize(w, h) }
func (p *oneTable) active() *Table        { return &p.Table }
func (p *oneTable) update(msg tea.KeyMsg) { p.Table, _ = p.Update(msg) }
func (p *oneTable) view() string          { return p.View() }

// tabAt returns the tab id of the model (a pointer into m: use it at once).
func (m *Model) tabAt(id tabID) tab {
	switch id {
	case tabCheck:
		return &m.check
	case tabSync:
		return &m.sync
	case tabRepair:
		return &m.repair
	case tabQueue:
		return &m.queue
	}
	return &m.sharing
}

// Two tables shown one above the other (the check and sync tabs) are
// moved through as if they were one list: down from the last row of the
// top one enters the bottom one, up from its first row returns. focus is
// 0 for the top table, 1 for the bottom one.

// activeOf returns the focused one of two stacked tables.
func activeOf(focus int, top, bottom *Table) *Table {
	if focus == 1 {
		return bottom
	}
	return top
}

// focusStacked focuses the top (0) or bottom (1) of two stacked tables.
func focusStacked(focus *int, top, bottom *Table, i int) {
	*focus = i
	if i == 0 {
		top.Focus()
		bottom.Blur()
	} else {
		bottom.Focus()
		top.Blur()
	}
}

// moveStacked moves through two stacked tables with a movement key.
func moveStacked(msg tea.KeyMsg, focus *int, top, bottom *Table) {
	tk := top.KeyMap
	switch {
	case key.Matches(msg, tk.GotoTop):
		focusStacked(focus, top, bottom, 0)
		top.GotoTop()
		return
	case key.Matches(msg, tk.GotoBottom):
		focusStacked(focus, top, bottom, 1)
		bottom.GotoBottom()
		return
	case *focus == 0 && key.Matches(msg, tk.LineDown, tk.PageDown) && top.AtBottom() && bottom.Len() > 0:
		focusStacked(focus, top, bottom, 1)
		bottom.GotoTop()
		return
	case *focus == 1 && key.Matches(msg, tk.LineUp, tk.PageUp) && bottom.AtTop() && top.Len() > 0:
		focusStacked(focus, top, bottom, 0)
		top.GotoBottom()
		return
	}
	t := activeOf(*focus, top, bottom)
	*t, _ = t.Update(msg)
}

// targetKeys are the bindings of the actions on a penalty's repair, the
// repair and queue tabs' own (and the views that list their rows).
func targetKeys(k *KeyMap) []*key.Binding {
	return []*key.Binding{&k.Remind, &k.National, &k.Withdraw, &k.Fulfil}
}
