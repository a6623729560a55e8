package tui

import (
	"maps"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/czyj/credwatch/credit"
	credsync "github.com/czyj/credwatch/sync"
)

// EndpointInfo is one configured agency endpoint, shown on the sync tab even
// before the cache holds any status for it.
type EndpointInfo struct {
	Name  string
	Feeds []string
}

// Deps is what the TUI needs from the rest of the program. Only Snapshot is
// required for data; the other fields have usable defaults (see New).
type Deps struct {
	// Snapshot reads the cache. The TUI calls it only inside a tea.Cmd (on
	// another goroutine), never in Update or View, and never two at a time.
	Snapshot func() (*credit.Snapshot, error)
	// Events delivers sync progress; nil when there is no engine.
	Events <-chan credsync.Event
	// SyncNow asks the engine to start a pass; nil when there is no engine.
	// It is called inside a tea.Cmd.
	SyncNow func()
	Rules   *credit.Rules     // nil: credit.DefaultRules()
	Depts   *credit.Directory // nil: credit.DefaultDepartments()
	// Endpoints are the configured endpoints, in the order to show them.
	Endpoints []EndpointInfo
	// Today is the day the deadlines are computed for (zero: today in China).
	// While the program runs, Today advances when the clock passes midnight.
	Today credit.Date
	Now   func() time.Time // nil: time.Now
	Lang  string           // "zh" (default) or "en"
	Demo  bool             // the header says 演示数据 / DEMO DATA
	// CachePath is shown on the sync tab.
	CachePath string
	// Warnings are shown on every screen, e.g. endpoints whose TLS
	// verification is turned off. The caller sanitises them.
	Warnings []string
}

type tabID int

const (
	tabSharing tabID = iota
	tabSync
	tabRepair
	tabQueue
	tabCount
)

var tabKeys = [tabCount]string{"tab.sharing", "tab.sync", "tab.repair", "tab.queue"}

const (
	// tickInterval is how often ages ("2小时前") are recomputed.
	tickInterval = 30 * time.Second
	// reloadGap is the pause after each snapshot load before the next may
	// start: with at most one load in flight, at most about four a second.
	reloadGap = 250 * time.Millisecond
)

// snapshotMsg is a finished cache read, tagged with the load's sequence number.
type snapshotMsg struct {
	seq   uint64
	snap  *credit.Snapshot
	err   error
	built *built // the rows computed from snap; nil to compute them in Update
}

// eventMsg is one sync event, or ok == false when the channel closed.
type eventMsg struct {
	ev credsync.Event
	ok bool
}

type tickMsg struct{}

// cooldownMsg ends the pause after a load; a reload asked for meanwhile starts.
type cooldownMsg struct{}

// Model is the root of the TUI; it implements tea.Model. It alone handles
// tea.WindowSizeMsg and tells the tables their size.
type Model struct {
	d      Deps
	cat    catalog
	keys   KeyMap
	styles Styles
	help   help.Model

	width, height int
	tab           tabID
	syncFocus     int // on the sync tab: 0 the endpoint table, 1 the department table

	sharing, endpoints, depts, repair, queue Table

	snap     *credit.Snapshot // last snapshot applied
	view     built
	warnings []string
	dayText  string
	dayBad   bool
	baseDay  credit.Date // the clock's day when New ran; Today moves with the clock

	// Snapshot loading: seq numbers the loads; a reply whose seq is not the
	// newest issued is stale and dropped. At most one load is in flight
	// (loading); after each one a cooldown (cooling) runs, and a reload
	// asked for during either is remembered in dirty.
	seq     uint64
	loading bool
	cooling bool
	dirty   bool

	loadErr      string
	lastEvent    string
	syncing      map[string]bool
	eventsClosed bool
}

// New builds the TUI. Run it in the alternate screen; Init also asks for it.
func New(d Deps) Model {
	if d.Rules == nil {
		d.Rules = credit.DefaultRules()
	}
	if d.Depts == nil {
		d.Depts = credit.NewDirectory(credit.DefaultDepartments())
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	m := Model{d: d, cat: newCatalog(d.Lang), styles: DefaultStyles(), syncing: map[string]bool{}}
	m.baseDay = credit.DateOf(d.Now())
	if m.d.Today.IsZero() {
		m.d.Today = m.baseDay
	}
	m.keys = keyMapFor(m.cat)
	m.keys.Sync.SetEnabled(d.SyncNow != nil)
	m.help = help.New()
	m.help.Styles = m.styles.Help
	m.help.ShortSeparator = "  "
	m.help.Ellipsis = truncTail

	newTable := func(cols []Column, empty string) Table {
		t := NewTable(cols, m.styles.Table, m.keys.Table)
		t.SetEmpty(m.cat.t(empty))
		return t
	}
	m.sharing = newTable(sharingColumns(m.cat), "empty")
	m.endpoints = newTable(endpointColumns(m.cat), "empty")
	m.depts = newTable(deptColumns(m.cat), "empty")
	m.depts.Blur()
	m.repair = newTable(repairColumns(m.cat), "empty")
	m.queue = newTable(queueColumns(m.cat), "empty.queue")

	if d.Snapshot != nil {
		m.seq, m.loading = 1, true
	} else {
		m.loadErr = m.cat.t("err.nosnap")
	}
	m.width, m.height = 80, 24
	m.rebuild()
	return m
}

// Init starts the first snapshot load, the age tick and the event wait.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.EnterAltScreen, tick()}
	if m.loading {
		cmds = append(cmds, m.loadCmd())
	}
	if m.d.Events != nil {
		cmds = append(cmds, waitEvent(m.d.Events))
	}
	return tea.Batch(cmds...)
}

func tick() tea.Cmd {
	return tea.Tick(tickInterval, func(time.Time) tea.Msg { return tickMsg{} })
}

// loadCmd reads the cache and computes the rows on the command's goroutine,
// so a large cache never stalls key handling. It captures copies of what it
// needs, never the model; Rules, Directory and the snapshot are read-only.
func (m *Model) loadCmd() tea.Cmd {
	seq, fn := m.seq, m.d.Snapshot
	in := m.input()
	in.syncing = maps.Clone(m.syncing)
	today, base, now := m.d.Today, m.baseDay, m.d.Now
	return func() tea.Msg {
		s, err := fn()
		if err != nil || s == nil {
			return snapshotMsg{seq: seq, snap: s, err: err}
		}
		in.snap, in.now = s, now()
		in.today = today + (credit.DateOf(in.now) - base)
		b := build(in)
		return snapshotMsg{seq: seq, snap: s, built: &b}
	}
}

// waitEvent waits for the next sync event; Update issues it again after each.
func waitEvent(ch <-chan credsync.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		return eventMsg{ev: ev, ok: ok}
	}
}

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
	case tea.KeyMsg:
		return m.handleKey(msg)
	case snapshotMsg:
		return m.handleSnapshot(msg)
	case eventMsg:
		return m.handleEvent(msg)
	case cooldownMsg:
		m.cooling = false
		if m.dirty {
			m.dirty = false
			return m, m.startLoad()
		}
	case tickMsg:
		m.rebuild()
		return m, tick()
	}
	return m, nil
}

// startLoad issues a snapshot load with the next sequence number.
func (m *Model) startLoad() tea.Cmd {
	if m.d.Snapshot == nil {
		return nil
	}
	m.seq++
	m.loading = true
	return m.loadCmd()
}

// requestLoad starts a load now, or after the load in flight and the
// cooldown, coalescing any number of requests into one.
func (m *Model) requestLoad() tea.Cmd {
	if m.loading || m.cooling {
		m.dirty = true
		return nil
	}
	return m.startLoad()
}

func (m Model) handleSnapshot(msg snapshotMsg) (tea.Model, tea.Cmd) {
	if msg.seq != m.seq {
		return m, nil // stale: a newer load has been issued since
	}
	m.loading = false
	if msg.err != nil {
		// Keep showing the last good data; say what failed in the footer.
		m.loadErr = m.cat.f("err.snapshot", clock(m.d.Now(), m.today()), cleanText(msg.err.Error()))
	} else if msg.snap != nil {
		m.loadErr = ""
		m.snap = msg.snap
		if msg.built != nil {
			m.apply(*msg.built)
		} else {
			m.rebuild()
		}
	}
	m.cooling = true
	return m, tea.Tick(reloadGap, func(time.Time) tea.Msg { return cooldownMsg{} })
}

func (m Model) handleEvent(msg eventMsg) (tea.Model, tea.Cmd) {
	if !msg.ok {
		m.eventsClosed = true
		clear(m.syncing)
		m.lastEvent = m.cat.t("ev.closed")
		m.rebuild()
		return m, nil
	}
	ev := msg.ev
	switch ev.Type {
	case credsync.EventPage:
		m.syncing[ev.Endpoint] = true
	case credsync.EventDone, credsync.EventError:
		delete(m.syncing, ev.Endpoint)
	}
	m.lastEvent = m.eventText(ev)
	m.endpoints.SetRows(m.buildEndpointRows())
	return m, tea.Batch(waitEvent(m.d.Events), m.requestLoad())
}

func (m *Model) buildEndpointRows() []Row {
	rows, _, _, _ := buildEndpoints(m.input())
	return rows
}

func (m *Model) eventText(ev credsync.Event) string {
	at := ev.At
	if at.IsZero() {
		at = m.d.Now()
	}
	t := at.In(credit.ChinaZone).Format("15:04:05")
	name := cleanText(ev.Endpoint)
	switch ev.Type {
	case credsync.EventPage:
		return m.cat.f("ev.page", t, name, m.cat.feedLabel(ev.Feed), ev.Items)
	case credsync.EventError:
		return m.cat.f("ev.error", t, name, cleanText(ev.Err), ev.Retry.Round(time.Second))
	}
	return m.cat.f("ev.done", t, name)
}

func (m Model) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.resize()
	case key.Matches(msg, k.NextTab):
		m.tab = (m.tab + 1) % tabCount
		m.resize()
	case key.Matches(msg, k.PrevTab):
		m.tab = (m.tab + tabCount - 1) % tabCount
		m.resize()
	case key.Matches(msg, k.JumpTab):
		m.tab = tabID(msg.String()[0] - '1')
		m.resize()
	case key.Matches(msg, k.Sync):
		fn := m.d.SyncNow
		m.lastEvent = m.cat.t("ev.syncnow")
		return m, func() tea.Msg { fn(); return nil }
	case m.tab == tabSync:
		m.moveSync(msg)
	default:
		t := m.activeTable()
		*t, _ = t.Update(msg)
	}
	return m, nil
}

// moveSync moves through the two tables of the sync tab as if they were one
// list: down from the last endpoint enters the departments, up from the
// first department returns.
func (m *Model) moveSync(msg tea.KeyMsg) {
	tk := m.keys.Table
	switch {
	case key.Matches(msg, tk.GotoTop):
		m.focusSync(0)
		m.endpoints.GotoTop()
		return
	case key.Matches(msg, tk.GotoBottom):
		m.focusSync(1)
		m.depts.GotoBottom()
		return
	case m.syncFocus == 0 && key.Matches(msg, tk.LineDown, tk.PageDown) && m.endpoints.AtBottom() && len(m.depts.Rows()) > 0:
		m.focusSync(1)
		m.depts.GotoTop()
		return
	case m.syncFocus == 1 && key.Matches(msg, tk.LineUp, tk.PageUp) && m.depts.AtTop() && len(m.endpoints.Rows()) > 0:
		m.focusSync(0)
		m.endpoints.GotoBottom()
		return
	}
	t := m.activeTable()
	*t, _ = t.Update(msg)
}

func (m *Model) focusSync(i int) {
	m.syncFocus = i
	if i == 0 {
		m.endpoints.Focus()
		m.depts.Blur()
	} else {
		m.depts.Focus()
		m.endpoints.Blur()
	}
}

// activeTable is the table the cursor keys move.
func (m *Model) activeTable() *Table {
	switch m.tab {
	case tabSync:
		if m.syncFocus == 1 {
			return &m.depts
		}
		return &m.endpoints
	case tabRepair:
		return &m.repair
	case tabQueue:
		return &m.queue
	}
	return &m.sharing
}

// today is Deps.Today moved on by the days the clock has advanced since New.
func (m *Model) today() credit.Date {
	return m.d.Today + (credit.DateOf(m.d.Now()) - m.baseDay)
}

func (m *Model) input() buildInput {
	snap := m.snap
	if snap == nil {
		snap = &credit.Snapshot{}
	}
	return buildInput{
		snap: snap, rules: m.d.Rules, depts: m.d.Depts, endpoints: m.d.Endpoints,
		syncing: m.syncing, today: m.today(), now: m.d.Now(), cat: m.cat, cachePath: m.d.CachePath,
	}
}

// rebuild recomputes every row, summary and header text from the last
// snapshot. It runs when a snapshot arrives and on the age tick.
func (m *Model) rebuild() { m.apply(build(m.input())) }

// apply shows computed rows: the tables keep their cursors by row key.
func (m *Model) apply(b built) {
	today := m.today()
	m.view = b
	m.sharing.SetRows(m.view.sharing)
	m.endpoints.SetRows(m.view.endpoints)
	m.depts.SetRows(m.view.depts)
	m.repair.SetRows(m.view.repair)
	m.queue.SetRows(m.view.queue)

	m.warnings = nil
	for _, w := range m.d.Warnings {
		m.warnings = append(m.warnings, symBad+" "+w)
	}
	for _, y := range m.view.years.missing(m.d.Rules.Cal, today) {
		m.warnings = append(m.warnings, symBad+" "+m.cat.f("warn.year", y))
	}
	m.dayText, m.dayBad = m.dayLabel(today)
	m.resize()
}

func (m *Model) dayLabel(today credit.Date) (string, bool) {
	info, err := m.d.Rules.Cal.Day(today)
	switch {
	case err != nil:
		return symBad + " " + m.cat.t("day.unknown"), true
	case info.Adjusted:
		return m.cat.t("day.adjusted"), false
	case info.Working:
		return m.cat.t("day.working"), false
	case info.Holiday != "":
		return m.cat.f("day.holiday", info.Holiday), false
	}
	return m.cat.t("day.off"), false
}

// fixedLines counts the lines around the table area.
func (m *Model) fixedLines() int {
	helpLines := 1
	if m.help.ShowAll {
		helpLines = strings.Count(m.help.View(m.keys), "\n") + 1
	}
	// header, warnings, tabs, summary, [table], detail, status, help
	return len(m.headerLines()) + len(m.warnings) + 1 + 1 + 1 + 1 + helpLines
}

// resize tells every table its size.
func (m *Model) resize() {
	m.help.Width = m.width
	if m.help.ShowAll {
		m.keys.Help.SetHelp("?", m.cat.t("help.helpless"))
	} else {
		m.keys.Help.SetHelp("?", m.cat.t("help.help"))
	}
	h := max(m.height-m.fixedLines(), 2)
	for _, t := range []*Table{&m.sharing, &m.repair, &m.queue} {
		t.SetSize(m.width, h)
	}
	// The sync tab stacks the endpoints over the departments, a blank line
	// between; the endpoints get what they need up to half the height.
	epH := max(min(len(m.endpoints.Rows())+1, h/2), 2)
	m.endpoints.SetSize(m.width, epH)
	m.depts.SetSize(m.width, max(h-epH-1, 2))
}

// View implements tea.Model. It only lays out text computed in Update.
func (m Model) View() string {
	w := m.width
	lines := make([]string, 0, m.height)
	lines = append(lines, m.headerLines()...)
	for _, s := range m.warnings {
		lines = append(lines, m.styles.Warn.Render(ansi.Truncate(s, w, truncTail)))
	}
	lines = append(lines, m.tabsLine())

	t := m.activeTable()
	summary := m.summary()
	if n := len(t.Rows()); n > 0 {
		summary = m.cat.f("pos", t.Cursor()+1, n) + "  " + summary
	}
	lines = append(lines, m.styles.Summary.Render(ansi.Truncate(summary, w, truncTail)))
	if m.tab == tabSync {
		lines = append(lines, m.endpoints.View(), "", m.depts.View())
	} else {
		lines = append(lines, t.View())
	}
	var detail string
	if r, ok := t.Selected(); ok {
		detail = r.Detail
	}
	lines = append(lines, m.styles.Detail.Render(ansi.Truncate(detail, w, truncTail)))

	switch {
	case m.loadErr != "":
		lines = append(lines, m.styles.Err.Render(ansi.Truncate(symBad+" "+m.loadErr, w, truncTail)))
	case m.lastEvent != "":
		lines = append(lines, m.styles.Status.Render(ansi.Truncate(m.lastEvent, w, truncTail)))
	case m.snap == nil && m.loading:
		lines = append(lines, m.styles.Status.Render(m.cat.t("ev.loading")))
	case m.snap != nil && !m.snap.TakenAt.IsZero():
		lines = append(lines, m.styles.Status.Render(m.cat.f("ev.taken", m.snap.TakenAt.In(credit.ChinaZone).Format("15:04:05"))))
	default:
		lines = append(lines, "")
	}
	lines = append(lines, m.help.View(m.keys))

	out := strings.Join(lines, "\n")
	if all := strings.Split(out, "\n"); len(all) > m.height {
		out = strings.Join(all[:m.height], "\n")
	}
	return out
}

func (m *Model) summary() string {
	switch m.tab {
	case tabSync:
		return m.view.syncSum
	case tabRepair:
		return m.view.repairSum
	case tabQueue:
		return m.view.queueSum
	}
	return m.view.sharingSum
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
	parts = append(parts, m.cat.dateWeekday(m.today()))
	if m.dayBad {
		parts = append(parts, st.Warn.Render(m.dayText))
	} else {
		parts = append(parts, m.dayText)
	}
	state, style := m.syncState()
	parts = append(parts, style.Render(state))
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
	parts := make([]string, tabCount)
	for i := range tabCount {
		label := string(rune('1'+i)) + " " + m.cat.t(tabKeys[i])
		if i == m.tab {
			parts[i] = m.styles.ActiveTab.Render("[" + label + "]")
		} else {
			parts[i] = m.styles.Tab.Render(" " + label + " ")
		}
	}
	return ansi.Truncate(strings.Join(parts, " "), m.width, truncTail)
}
