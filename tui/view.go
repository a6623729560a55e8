package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// The screen, top to bottom: header, warnings, the unsigned-check banner,
// tabs, summary, the table(s), the detail line (or a form), the status line
// (or the filter or command line being typed), help.

// banner is the line other screens show while today's check is not signed
// off; "" when there is none.
func (m *Model) banner() string {
	if m.view.holderNote != "" {
		return symBad + " " + m.view.holderNote
	}
	if !m.view.check.unsigned() || (m.tab == tabCheck && len(m.stack) == 0) {
		return ""
	}
	return symBad + " " + m.cat.t("banner.unsigned")
}

// bottomLines is the height of the detail line, of the note, or of the
// open form.
func (m *Model) bottomLines() int {
	if m.mode == modeForm {
		return m.form.Lines()
	}
	if m.note != "" {
		return len(m.noteLines())
	}
	return 1
}

// noteLines is the note wrapped at spaces to the width, at most 4 lines.
func (m *Model) noteLines() []string {
	lines := strings.Split(ansi.Wrap(m.note, max(m.width, 20), ""), "\n")
	if len(lines) > 4 {
		lines = lines[:4]
	}
	return lines
}

// fixedLines counts the lines around the table area.
func (m *Model) fixedLines() int {
	helpLines := 1
	if m.help.ShowAll {
		helpLines = strings.Count(m.help.View(m.keys), "\n") + 1
		if m.exportDirLine() != "" {
			helpLines++
		}
		if m.viewsHelpLine() != "" {
			helpLines++
		}
	}
	n := len(m.headerLines()) + len(m.warnings) + 1 + 1 + m.bottomLines() + 1 + helpLines
	if m.banner() != "" {
		n++
	}
	return n
}

// resize tells every table its size.
func (m *Model) resize() {
	m.help.Width = m.width
	if m.help.ShowAll {
		m.keys.Help.SetHelp(m.keys.Help.Help().Key, m.cat.t("help.helpless"))
	} else {
		m.keys.Help.SetHelp(m.keys.Help.Help().Key, m.cat.t("help.help"))
	}
	m.form.SetWidth(m.width)
	m.line.Width = max(m.width-3, 8)
	h := max(m.height-m.fixedLines(), 2)
	for id := range tabCount {
		m.tabAt(id).setSize(m.width, h)
	}
	for i := range m.stack {
		m.stack[i].table.SetSize(m.width, h)
	}
}

// View implements tea.Model. It only lays out text computed in Update.
func (m Model) View() string {
	w := m.width
	lines := make([]string, 0, m.height)
	lines = append(lines, m.headerLines()...)
	for _, s := range m.warnings {
		lines = append(lines, m.styles.Warn.Render(ansi.Truncate(s, w, truncTail)))
	}
	if b := m.banner(); b != "" {
		lines = append(lines, m.styles.Warn.Render(ansi.Truncate(b, w, truncTail)))
	}
	lines = append(lines, m.tabsLine())

	t := m.activeTable()
	lines = append(lines, m.styles.Summary.Render(ansi.Truncate(m.summaryLine(), w, truncTail)))
	if len(m.stack) > 0 {
		lines = append(lines, t.View())
	} else {
		lines = append(lines, m.tabAt(m.tab).view())
	}
	if m.mode == modeForm {
		lines = append(lines, m.form.View(*m.styles))
	} else if m.note != "" {
		for _, l := range m.noteLines() {
			lines = append(lines, m.styles.OK.Render(l))
		}
	} else {
		var detail string
		if r, ok := t.Selected(); ok {
			detail = r.Detail
			if len(m.stack) == 0 {
				detail = m.tabAt(m.tab).detail(r, m.input)
			}
			if t.Marked(r.Key) { // the cursor's ">" hides the row's own mark
				detail = strings.TrimSpace(m.cat.t("alert.mark")) + " " + detail
			}
		}
		lines = append(lines, m.styles.Detail.Render(ansi.Truncate(detail, w, truncTail)))
	}
	lines = append(lines, m.withNewCount(m.statusLine()))
	// help.Model can overrun its width by an item when the ellipsis does
	// not fit either; cut every line at the edge.
	for _, l := range strings.Split(m.help.View(m.keys), "\n") {
		lines = append(lines, ansi.Truncate(l, w, truncTail))
	}
	if l := m.exportDirLine(); l != "" {
		lines = append(lines, m.styles.Detail.Render(ansi.Truncate(l, w, truncTail)))
	}
	if l := m.viewsHelpLine(); l != "" {
		lines = append(lines, m.styles.Detail.Render(ansi.Truncate(l, w, truncTail)))
	}

	out := strings.Join(lines, "\n")
	if all := strings.Split(out, "\n"); len(all) > m.height {
		out = strings.Join(all[:m.height], "\n")
	}
	// Every line, not only the tables' cells, draws East-Asian-ambiguous
	// characters of the data (“…” in a detail or flash line) narrow:
	// conhost and zh_CN terminals draw them two cells wide, and the line
	// would overrun the width it was measured to.
	return table.Narrow(out)
}

// withNewCount puts the count of new failures not yet seen (alert.go) in
// front of the status line, unless a line is being typed there.
func (m *Model) withNewCount(status string) string {
	n := len(m.alerts.fresh)
	if n == 0 || m.mode == modeFilter || m.mode == modeCommand {
		return status
	}
	count := m.styles.Err.Render(m.cat.f("alert.count", n))
	if status == "" {
		return count
	}
	return ansi.Truncate(count+"  "+status, m.width, truncTail)
}

// summaryLine is the cursor position, the view's summary and the filters in
// force.
func (m *Model) summaryLine() string {
	t := m.activeTable()
	var parts []string
	if n := t.Len(); n > 0 {
		parts = append(parts, m.cat.f("pos", t.Cursor()+1, n))
	}
	// A filter first: it says what the rows are, and the totals after it
	// say they are the whole tab's.
	filtered := false
	if f := t.Filter(); f != "" {
		parts = append(parts, m.cat.f("filter.on", f))
		filtered = true
	}
	if d := t.DeptFilter(); d != "" {
		parts = append(parts, m.cat.f("filter.dept", m.d.Depts.ShortName(d)))
		filtered = true
	}
	// The sort in force, by name: at 80 columns its column may be off
	// screen, and the header's mark with it.
	if col, desc := t.Sort(); col >= 0 && col < len(t.Columns()) {
		dir := m.cat.t("sort.asc")
		if desc {
			dir = m.cat.t("sort.desc")
		}
		parts = append(parts, m.cat.f("sort.on", t.Columns()[col].Title, dir))
	}
	if top := m.top(); top != nil {
		parts = append(parts, top.title)
		switch {
		case top.loading:
			parts = append(parts, m.cat.t("ev.loading"))
		case top.err != "":
			parts = append(parts, symBad+" "+top.err)
		case top.kind == viewOutbox:
			parts = append(parts, m.view.outboxSum)
		case top.kind == viewActivity:
			parts = append(parts, top.sum)
		}
	} else if filtered {
		parts = append(parts, m.cat.f("sum.unfiltered", m.summary()))
	} else {
		parts = append(parts, m.summary())
	}
	return strings.Join(parts, "  ")
}

// summary is the active tab's summary line.
func (m *Model) summary() string { return m.tabAt(m.tab).summary(&m.view) }

// statusLine is the line being typed (filter, command), or the newest
// news: a load error, the outcome of the officer's last command, the last
// sync event.
func (m *Model) statusLine() string {
	w := m.width
	switch {
	case m.mode == modeFilter:
		return ansi.Truncate("/"+m.line.View(), w, truncTail)
	case m.mode == modeCommand:
		// The input pads itself to its width without counting a shown
		// completion (tab), so the padding can overrun: cut it unmarked.
		return ansi.Truncate(":"+m.line.View(), w, "")
	case m.loadErr != "":
		return m.styles.Err.Render(ansi.Truncate(symBad+" "+m.loadErr, w, truncTail))
	case m.flash != "" && m.flashBad:
		return m.styles.Err.Render(ansi.Truncate(symBad+" "+m.flash, w, truncTail))
	case m.flash != "":
		return m.styles.OK.Render(ansi.Truncate(m.flash, w, truncTail))
	case m.activeTableSorting():
		return m.styles.Status.Render(m.cat.t("ev.sorting"))
	case m.lastEvent != "":
		return m.styles.Status.Render(ansi.Truncate(m.lastEvent, w, truncTail))
	case m.snap == nil && m.loading:
		return m.styles.Status.Render(m.cat.t("ev.loading"))
	case m.snap != nil && !m.snap.TakenAt.IsZero():
		return m.styles.Status.Render(m.cat.f("ev.taken", m.snap.TakenAt.In(credit.ChinaZone).Format("15:04:05")))
	}
	return ""
}

// headerLines lays the header's parts out left to right, wrapping to a
// further line where the width runs out. The demo marker comes right after
// the name so it is never pushed off a narrow screen.
func (m *Model) headerLines() []string {
	st := m.styles
	parts := []string{st.App.Render(m.cat.t("app"))}
	if m.d.Demo {
		parts = append(parts, st.Demo.Render("["+m.cat.t("demo")+"]"))
	}
	if m.d.ReadOnly {
		parts = append(parts, st.Warn.Render("["+m.cat.t("readonly")+"]"))
	}
	parts = append(parts, m.cat.dateWeekday(m.today()))
	if m.dayBad {
		parts = append(parts, st.Warn.Render(m.dayText))
	} else {
		parts = append(parts, m.dayText)
	}
	state, style := m.syncState()
	parts = append(parts, style.Render(state))
	if n := m.view.outboxFailed; n > 0 {
		parts = append(parts, st.Err.Render(symBad+" "+m.cat.f("ob.headfailed", n)))
	}
	if n := m.view.outboxPending; n > 0 {
		parts = append(parts, st.Warn.Render(m.cat.f("ob.headpending", n)))
	}
	if !m.view.newest.IsZero() {
		parts = append(parts, m.cat.f("asof", clock(m.view.newest, m.today())))
	}
	if m.d.Events == nil && m.d.SyncNow == nil {
		parts = append(parts, st.Summary.Render(m.cat.t("state.noeng")))
	}
	lines := wrapParts(parts, m.width, "  ")
	if len(lines) > 1 { // try the bare program name before wrapping
		parts[0] = st.App.Render("credwatch")
		lines = wrapParts(parts, m.width, "  ")
	}
	return lines
}

// wrapParts joins parts with sep into lines no wider than w; a part wider
// than w on its own is truncated.
func wrapParts(parts []string, w int, sep string) []string {
	var lines []string
	var cur string
	for _, p := range parts {
		switch {
		case cur == "":
			cur = p
		case ansi.StringWidth(cur)+ansi.StringWidth(sep)+ansi.StringWidth(p) <= w:
			cur += sep + p
		default:
			lines = append(lines, ansi.Truncate(cur, w, truncTail))
			cur = p
		}
	}
	return append(lines, ansi.Truncate(cur, w, truncTail))
}

// syncState is the overall sync state, as symbol and text.
func (m *Model) syncState() (string, lipgloss.Style) {
	switch {
	case len(m.syncing) > 0:
		return symSyncing + " " + m.cat.t("state.sync"), m.styles.OK
	case m.view.failing > 0:
		return symBad + " " + m.cat.f("state.errors", m.view.failing), m.styles.Err
	case !m.view.synced:
		return symNone + " " + m.cat.t("state.never"), m.styles.Warn
	}
	return symOK + " " + m.cat.t("state.ok"), m.styles.OK
}

func (m *Model) tabsLine() string {
	parts := m.tabLabels()
	for i := range tabCount {
		if i == m.tab {
			parts[i] = m.styles.ActiveTab.Render(parts[i])
		} else {
			parts[i] = m.styles.Tab.Render(parts[i])
		}
	}
	return ansi.Truncate(strings.Join(parts, " "), m.width, truncTail)
}

// tabLabels are the tabs line's parts as drawn, without style, joined by
// one space (the mouse's hit-test measures them): a tab holding new
// failures has "+" after its name (alert.go).
func (m *Model) tabLabels() []string {
	parts := make([]string, tabCount)
	for i := range tabCount {
		label := string(rune('1'+i)) + " " + m.cat.t(tabKeys[i])
		if m.tabFresh(i) {
			label += "+"
		}
		if i == m.tab && len(m.stack) == 0 {
			parts[i] = "[" + label + "]"
		} else if i == m.tab {
			parts[i] = "<" + label + ">"
		} else {
			parts[i] = " " + label + " "
		}
	}
	return parts
}

// exportDirLine names where e writes, under the full help; "" when the
// help is short, exports go elsewhere (an SSH session shows a command) or
// the directory is not known.
func (m *Model) exportDirLine() string {
	if !m.help.ShowAll || m.d.ExportDir == "" || m.d.ExportCommand != nil || m.d.Export == nil {
		return ""
	}
	return m.cat.f("help.exportdir", cleanText(m.d.ExportDir))
}
