package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/tui/table"
)

// Keys never wait for work that grows with the cache. A load lays the
// repair and queue tabs' new rows out (sort order, filters, cursor) in
// its command, for the layouts the tables had when it began
// (built.prepare), and Update swaps them in (table.SetPrepared). A sort
// asked for on a large table runs as a command too (sortCmds): the table
// shows its old order, and the status line says it is sorting, until the
// new order arrives (sortedMsg).

// prepare lays the repair and queue rows out for lays (the repair and
// queue tables' layouts), unless they are the rows the tables hold
// (reused) or there are none yet (partial).
func (b *built) prepare(lays [2]table.Layout) {
	if b.reused || b.partial {
		return
	}
	b.repairPrep = table.Prepare(b.repair, lays[0])
	b.queuePrep = table.Prepare(b.queue, lays[1])
	b.prepared = true
}

// sortedMsg is a sort order made by a sortCmds command.
type sortedMsg struct{ order table.Order }

// sortCmds returns the commands that make the sort orders the tables
// wait for (table.SortJob), nil when none does.
func (m *Model) sortCmds() tea.Cmd {
	var cmds []tea.Cmd
	background := m.background()
	each := func(t *Table) {
		if job := t.SortJob(); job != nil {
			cmds = append(cmds, func() tea.Msg {
				var o table.Order
				background(func() { o = job() })
				return sortedMsg{o}
			})
		}
	}
	for _, nt := range m.namedTables() {
		each(nt.t)
	}
	for i := range m.stack {
		each(&m.stack[i].table)
	}
	return tea.Batch(cmds...)
}

// handleSorted shows a sort order on the table it was made for; an order
// for rows replaced since is dropped (the table asks again: sortCmds).
func (m *Model) handleSorted(msg sortedMsg) {
	for _, nt := range m.namedTables() {
		if nt.t.SetOrder(msg.order) {
			return
		}
	}
	for i := range m.stack {
		if m.stack[i].table.SetOrder(msg.order) {
			return
		}
	}
}

// activeTableSorting reports whether the active table waits for its sort
// order (the status line says so).
func (m *Model) activeTableSorting() bool {
	if n := len(m.stack); n > 0 {
		return m.stack[n-1].table.Sorting()
	}
	return m.tabAt(m.tab).active().Sorting()
}
