package tui

import (
	"slices"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/czyj/credwatch/credit"
)

// handleKey routes a key to the form or input line being typed into, or to
// the navigation keys.
//
// A terminal read can hold several keys: fast typing arrives as one KeyMsg of
// several runes. Such a message is split and each rune handled in turn, so
// "4jj" switches tab and moves twice, and "/武进" opens the filter and types
// into it. A paste (KeyMsg.Paste) is text, never commands: it goes whole to
// the input being typed into, and is ignored elsewhere.
func (m Model) handleKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	if msg.Type == tea.KeyCtrlC {
		return m, tea.Quit
	}
	m.seen()
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			var cmd tea.Cmd
			m, cmd = m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
			m.updateKeys()
			cmds = append(cmds, cmd)
		}
		return m, tea.Batch(cmds...)
	}
	switch m.mode {
	case modeForm:
		return m.formKey(msg)
	case modeFilter, modeCommand:
		return m.lineKey(msg)
	}
	if msg.Paste {
		return m, nil
	}
	m.flash, m.flashBad = "", false
	if m.note != "" {
		m.note = ""
		m.resize()
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.resize()
	case key.Matches(msg, k.Back):
		m.back()
	case key.Matches(msg, k.NextTab):
		m.setTab((m.tab + 1) % tabCount)
	case key.Matches(msg, k.PrevTab):
		m.setTab((m.tab + tabCount - 1) % tabCount)
	case key.Matches(msg, k.JumpTab):
		m.setTab(tabID(msg.String()[0] - '1'))
	case key.Matches(msg, k.Open):
		return m.open()
	case key.Matches(msg, k.Filter):
		m.openLine(modeFilter, m.activeTable().Filter())
	case key.Matches(msg, k.Command):
		m.openLine(modeCommand, "")
	case key.Matches(msg, k.SortNext, k.SortPrev):
		t := m.activeTable()
		col, desc := t.Sort()
		n := len(t.Columns()) + 1 // -1 (the given order) and each column
		step := 1
		if key.Matches(msg, k.SortPrev) {
			step = -1
		}
		t.SetSortLater((col+1+step+n)%n-1, desc)
	case key.Matches(msg, k.SortDir):
		t := m.activeTable()
		col, desc := t.Sort()
		t.SetSortLater(col, !desc)
	case key.Matches(msg, k.Export):
		return m, m.exportCmd(m.exportFormat())
	case key.Matches(msg, k.ExportJSON):
		return m, m.exportCmd("json")
	case key.Matches(msg, k.Report):
		fn, month := m.d.Report, credit.MonthOf(credit.AddMonths(m.d.Today, -1))
		m.lastEvent = m.cat.f("ev.report", month.String())
		return m, func() tea.Msg {
			path, err := fn(month)
			return exportMsg{path: path, err: err}
		}
	case key.Matches(msg, k.Outbox):
		m.openOutbox()
	case key.Matches(msg, k.Activity):
		return m.openActivity()
	case key.Matches(msg, k.Sync):
		if m.view.stalled {
			m.lastEvent = m.cat.f("ev.syncheld", m.view.holderNote)
			return m, nil
		}
		fn := m.d.SyncNow
		m.lastEvent = m.cat.t("ev.syncnow")
		return m, func() tea.Msg { return syncNowMsg{err: fn()} }
	case key.Matches(msg, k.Signoff):
		m.openSignoff()
	case key.Matches(msg, k.Remind, k.National, k.Withdraw, k.Fulfil):
		m.openTargetAction(msg)
	case key.Matches(msg, k.Retry):
		return m, m.retryCmd()
	case key.Matches(msg, k.Copy):
		return m, m.copyCmd(false)
	case key.Matches(msg, k.CopyRow):
		return m, m.copyCmd(true)
	case len(m.stack) > 0:
		t := m.activeTable()
		*t, _ = t.Update(msg)
	default:
		m.tabAt(m.tab).update(msg)
	}
	return m, nil
}

// setTab shows a tab, closing any views opened over the current one.
func (m *Model) setTab(t tabID) {
	m.tab = t
	m.stack = nil
	m.resize()
}

// back clears the active table's filters, or closes the top view.
func (m *Model) back() {
	t := m.activeTable()
	if t.Filter() != "" || t.DeptFilter() != "" {
		t.SetFilter("")
		t.SetDeptFilter("")
		if m.tab == tabSync && len(m.stack) == 0 { // `:dept` filters both
			m.sync.depts.SetDeptFilter("")
		}
		return
	}
	if len(m.stack) > 0 {
		m.stack = m.stack[:len(m.stack)-1]
		m.resize()
	}
}

// activeTable is the table the cursor keys move: the top view's, or the
// active tab's (on the sync and check tabs, the focused one of two).
func (m *Model) activeTable() *Table {
	if n := len(m.stack); n > 0 {
		return &m.stack[n-1].table
	}
	return m.tabAt(m.tab).active()
}

// openLine starts typing into the filter or command line.
func (m *Model) openLine(mode inputMode, value string) {
	m.mode = mode
	m.line.SetValue(value)
	m.line.Focus()
	m.line.Cursor.SetMode(cursor.CursorStatic)
	m.line.CursorEnd()
	m.line.Width = max(m.width-3, 8)
	// tab completes a command (a saved view's name); a filter has none.
	m.line.ShowSuggestions = mode == modeCommand
	if mode == modeCommand {
		m.line.SetSuggestions(m.commandSuggestions())
	}
}

// lineKey handles a key while the filter or command line is open. The filter
// applies as it is typed; enter keeps it, esc clears it. The command runs on
// enter; esc abandons it.
func (m Model) lineKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	switch msg.Type {
	case tea.KeyEsc:
		if m.mode == modeFilter {
			m.activeTable().SetFilter("")
		}
		m.closeLine()
		return m, nil
	case tea.KeyEnter:
		mode, text := m.mode, m.line.Value()
		m.closeLine()
		if mode == modeCommand {
			return m.runCommand(text)
		}
		return m, nil
	}
	m.line, _ = m.line.Update(msg)
	if m.mode == modeFilter {
		m.activeTable().SetFilter(m.line.Value())
	}
	return m, nil
}

func (m *Model) closeLine() {
	m.mode = modeNormal
	m.line.Blur()
	m.resize()
}

// updateKeys enables the bindings that can act in the current state and
// disables the rest, so the help never offers a key that does nothing.
func (m *Model) updateKeys() {
	k := &m.keys
	normal := m.mode == modeNormal
	k.typing, k.form = !normal, m.mode == modeForm
	t := m.activeTable()
	top := m.top()
	k.Sync.SetEnabled(normal && m.d.SyncNow != nil)
	k.Open.SetEnabled(normal && m.canOpen())
	k.Back.SetEnabled(normal && (len(m.stack) > 0 || t.Filter() != "" || t.DeptFilter() != ""))
	sortable := normal && len(t.Columns()) > 1 && (top == nil || top.kind != viewDetail)
	k.SortNext.SetEnabled(sortable)
	k.SortPrev.SetEnabled(sortable)
	col, _ := t.Sort()
	k.SortDir.SetEnabled(sortable && col >= 0)
	k.Export.SetEnabled(normal && t.Len() > 0)
	k.Copy.SetEnabled(normal && t.Len() > 0)
	k.CopyRow.SetEnabled(normal && t.Len() > 0)
	k.Mouse.SetEnabled(normal && m.d.Mouse)
	k.ExportJSON.SetEnabled(normal && t.Len() > 0)
	k.Outbox.SetEnabled(normal && m.d.Store != nil && (top == nil || top.kind != viewOutbox))
	k.Activity.SetEnabled(normal && m.d.Activity != nil && (top == nil || top.kind != viewActivity))
	k.Report.SetEnabled(normal && m.d.Report != nil && top == nil && (m.tab == tabCheck || m.tab == tabSharing))

	act := normal && m.canAct()
	k.Signoff.SetEnabled(act && top == nil && m.tab == tabCheck && m.view.check.unsigned())
	tg, ok := m.currentTarget()
	k.Remind.SetEnabled(act && ok && tg.remind)
	k.National.SetEnabled(act && ok && tg.national)
	k.Withdraw.SetEnabled(act && ok && tg.withdraw)
	k.Fulfil.SetEnabled(act && ok && tg.fulfil)
	_, failed := m.selectedFailedOutbox()
	k.Retry.SetEnabled(act && failed)
	if top == nil { // a tab's own keys act on that tab only
		own := m.tabAt(m.tab).keys(k)
		for id := range tabCount {
			for _, b := range m.tabAt(id).keys(k) {
				if !slices.Contains(own, b) {
					b.SetEnabled(false)
				}
			}
		}
	}
	if m.d.ReadOnly { // belt and braces: read-only never offers an action
		for _, b := range k.actionKeys() {
			b.SetEnabled(false)
		}
	}
}
