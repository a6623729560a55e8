package tui

import (
	"errors"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// EndpointInfo is one configured agency endpoint, shown on the sync tab even
// before the cache holds any status for it.
type EndpointInfo struct {
	Name     string
	Feeds    []string
	Interval time.Duration // between passes (0: credit.DefaultSyncInterval)
	// Manual marks a source run by hand (credwatch import): judged
	// without the staleness test, and listed only once the cache knows it.
	Manual bool
}

// HolderInfo is the process that holds the cache's sync role, as every
// process sharing the cache sees it (Deps.Holder).
type HolderInfo struct {
	PID     int
	Command string
	Self    bool // this process
	Alive   bool // false: it died without giving up the role
	// StoreError is its last failure to write the cache, which the cache
	// itself could not record; empty when it writes again.
	StoreError   string
	StoreErrorAt time.Time
}

// Store is what the TUI reads and writes; cmd passes *store.Scoped (or a
// wrapper that scopes each call). The TUI calls it only inside tea.Cmds,
// never in Update or View.
type Store interface {
	// LoadScreen reads the data the tabs show (store.LoadScreen decides
	// how: the first frame waits only for what costs the same at any
	// cache size, and later reads share what did not change with
	// req.Prev). The TUI gives it the last Screen it applied as req.Prev
	// and, after a Screen that says Overview, asks again at once.
	LoadScreen(req credit.ScreenRequest) (*credit.Screen, error)
	// Records returns records by natural key, in the given order, skipping
	// keys it does not hold.
	Records(keys []string) ([]credit.Record, error)
	// DeptRecords returns every cached record of a department and kind.
	DeptRecords(dept string, kind credit.Kind) ([]credit.Record, error)
	// RecordAction stores the action durably (and a Signoff for
	// ActionSignoff) before it returns; the sync engine sends it later. The
	// TUI confirms an action to the officer only after it returned nil.
	RecordAction(a credit.Action) (credit.OutboxItem, error)
	// Quarantine returns the items endpoints sent that failed decoding or
	// validation, with their reasons.
	Quarantine() ([]credit.Quarantined, error)
	// RetryAction puts a failed item back to pending.
	RetryAction(seq uint64) error
}

// Deps is what the TUI needs from the rest of the program. Store (or, for
// a read-only view without the daily check and actions, Snapshot) supplies
// the data; the other fields have usable defaults (see New).
type Deps struct {
	// Store reads the cache and records officers' actions. When it is set,
	// Snapshot may be nil and Store.LoadScreen is used.
	Store Store
	// Snapshot reads the cache when there is no Store. The TUI calls it only
	// inside a tea.Cmd (on another goroutine), never in Update or View, and
	// never two at a time.
	Snapshot func() (*credit.Snapshot, error)
	// Events delivers sync progress; nil when there is no engine.
	Events <-chan credit.Event
	// SyncNow asks the engine to start a pass; nil when there is no engine.
	// It is called inside a tea.Cmd. An error says why no pass can start
	// (another process holds the sync role), and is shown.
	SyncNow func() error
	// Report, if set, writes the monthly report (credwatch report) of a
	// month for the officer's departments and returns the file it wrote;
	// the M key on 每日核查 and 数据共享清单 calls it in a command.
	Report func(month credit.Month) (path string, err error)
	// Holder, if set, says which process holds the cache's sync role
	// (false: none). It is called inside the load's tea.Cmd.
	Holder func() (HolderInfo, bool)
	Rules  *credit.Rules     // nil: credit.DefaultRules()
	Depts  *credit.Directory // nil: credit.DefaultDepartments()
	// Endpoints are the configured endpoints, in the order to show them.
	Endpoints []EndpointInfo
	// Today is the day the deadlines are computed for (zero: today in China).
	// While the program runs, Today advances when the clock passes midnight.
	Today credit.Date
	// Now is the business clock: Today's date with the time of day. It
	// ages what the agencies stamp (a sharing-list push), which a pinned
	// day (--today) shifts with it. nil: time.Now.
	Now func() time.Time
	// Clock is the wall clock, which dates everything credwatch itself
	// stores (a sync pass, a record's arrival): their ages are reckoned
	// from it, never from a pinned day. nil: Now.
	Clock func() time.Time
	Lang  string // "zh" (default) or "en"
	Demo  bool   // the header says 演示数据 / DEMO DATA
	// CachePath is shown on the sync tab.
	CachePath string
	// Warnings are shown on every screen, e.g. endpoints whose TLS
	// verification is turned off. The caller sanitises them.
	Warnings []string
	// Renderer draws every style, bubbles' help and text inputs included,
	// for the terminal the program runs on (nil: lipgloss's default
	// renderer, the process's own terminal). An SSH server passes each
	// session's renderer, so the client's colour profile, NO_COLOR and
	// TERM=dumb decide what that session sees.
	Renderer *lipgloss.Renderer

	// Officer is the duty officer's name, prefilled in forms and recorded
	// with every action.
	Officer string
	// OfficerDepts are the officer's departments: every tab, the daily
	// check and the sign-off cover only these. Empty means all.
	OfficerDepts []string
	// ReadOnly disables every action: the keys, and the code paths behind
	// them (see Model.canAct).
	ReadOnly bool
	// NewActionID returns an action's idempotency key (nil:
	// credit.NewActionID, a random UUID).
	NewActionID func() string
	// SignoffSince is the configured first day of the sign-off duty
	// (zero: the day the cache came into use, or its first sign-off).
	SignoffSince credit.Date
	// ExportCommand, when set, replaces writing export files: e and E
	// show the command line it returns, which exports the same table
	// (view, filter, department, sort) elsewhere. An SSH server sets it,
	// so that a session writes nothing on the server.
	ExportCommand func(ExportRequest) string
	// Export, when set, writes an export of the table on screen (see
	// ExportFor) as format, "xlsx", "csv" or "json", and returns the full
	// path of the file it wrote: e asks for xlsx, E for json, and
	// ":export csv" (or xlsx, json) for any. The TUI calls it inside a
	// tea.Cmd. nil: e and E write csv and json themselves (ExportTable).
	// ExportCommand, when set, takes precedence.
	Export func(e credit.Export, format string) (path string, err error)
	// ExportDir, if set, is where Export writes: the full help (?) names
	// it, so an officer knows where e puts the file before pressing it.
	ExportDir string
	// DeadlineDays is the window of the 信用修复 tab's first section:
	// penalties eligible for repair within this many days (0: 30).
	DeadlineDays int

	// Output is the terminal the program draws on: the bell and the OSC
	// 52 sequence of y and Y are written to it (nil: standard output). An
	// SSH server passes the session's, so they reach that session only.
	Output io.Writer
	// Remote says the officer's terminal is on another machine (an SSH
	// session): y and Y copy through OSC 52 only, never into the
	// clipboard of the machine credwatch runs on.
	Remote bool
	// Clipboard writes the system clipboard (nil: atotto/clipboard's
	// WriteAll); when it fails, y and Y fall back to OSC 52 and say so.
	Clipboard func(text string) error
	// NoBell turns the bell off ([ui] bell = false): what is new is still
	// marked (see alerts).
	NoBell bool
	// Mouse says the program runs with mouse reporting on ([ui] mouse =
	// true; Run and the SSH server turn it on): clicks and the wheel are
	// handled (mouse.go).
	Mouse bool
	// Theme is "light" or "dark" to override the renderer's detection of
	// the terminal's background ([ui] theme; "" or "auto": detected).
	Theme string
	// Views, if set, keeps the officer's views between runs: New restores
	// the tab, sorts and filters it holds, and every change is saved to it
	// (in a tea.Cmd); :save, :load, :delete and :views manage named views.
	// nil: nothing is remembered.
	Views ViewStore
	// Activity, if set, reads the event log's events stamped at or after
	// since, newest first, as far as the officer's departments may see
	// them; the L key's activity log calls it inside a tea.Cmd.
	Activity func(since time.Time) ([]credit.Event, error)
	// Keys are the configuration's [keys] table: action name -> keys
	// (keys_config.go). The caller has checked it with CheckKeys.
	Keys map[string][]string
	// Shared, if set, is shared with the other Models of the process (an
	// SSH server's sessions): the repair and queue tabs built from the
	// same penalties and repairs (the same lists, not equal ones: see
	// Shared) for the same day and settings are built once. Rules and
	// Depts must then be the same pointers for the Models to share.
	Shared *Shared
	// Background, if set, runs f, a load of the cache or a sort of a
	// table, and returns when f does; cmd runs it at a lower scheduling
	// priority than the keys' work, so that a reload does not hold the
	// keys up. Nil runs f as it is.
	Background func(f func())
}

// Hooks are the program's start-up and measurement callbacks (cmd's
// start-up sequence and docs/PERFORMANCE.md's measurements), given with
// Model.WithHooks; the zero value does nothing.
type Hooks struct {
	// ExitAfterFirstFrame quits the program as soon as the tab shown at
	// start has its data (the start-up measurement); ExitAfterLoad quits
	// once every tab has its data (peak memory).
	ExitAfterFirstFrame, ExitAfterLoad bool
	// FirstLoad, if set, is called once, inside a tea.Cmd, when the first
	// read of the cache has been put on screen (or has failed). cmd starts
	// the sync engine then, so the first frame never waits behind sync's
	// writes to the cache.
	FirstLoad func()
	// Rebuilt, if set, is called inside a tea.Cmd each time a load that
	// read the penalties and rebuilt their tabs (the first full load, or
	// one after the data changed) is on screen: the previous generation is
	// garbage then, and cmd hands its memory back to the system.
	Rebuilt func()
	// Input, if set, is called in Update for every key and mouse event,
	// before it is handled; it must return at once. cmd relaxes the
	// collector's memory limit and GC target while the officer is at the
	// keys (heapGovernor).
	Input func()
}

// WithHooks returns m calling h's hooks. Call it before the program runs.
func (m Model) WithHooks(h Hooks) Model {
	m.hooks = h
	return m
}

// defaultDeadlineDays is Deps.DeadlineDays when unset.
const defaultDeadlineDays = 30

// withDefaults fills in the fields of d left unset.
func (d Deps) withDefaults() Deps {
	if d.Rules == nil {
		d.Rules = credit.DefaultRules()
	}
	if d.Depts == nil {
		d.Depts = credit.NewDirectory(credit.DefaultDepartments())
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Clock == nil {
		d.Clock = d.Now
	}
	if d.NewActionID == nil {
		d.NewActionID = credit.NewActionID
	}
	if d.DeadlineDays <= 0 {
		d.DeadlineDays = defaultDeadlineDays
	}
	if d.Today.IsZero() {
		d.Today = credit.DateOf(d.Now())
	}
	return d
}

type tabID int

const (
	tabCheck tabID = iota
	tabSharing
	tabSync
	tabRepair
	tabQueue
	tabCount
)

var tabKeys = [tabCount]string{"tab.check", "tab.sharing", "tab.sync", "tab.repair", "tab.queue"}

const (
	// tickInterval is how often ages ("2小时前") are recomputed.
	tickInterval = 10 * time.Second
	// reloadGap is the least pause after each snapshot load before the
	// next may start: with at most one load in flight, at most about four
	// a second. A load that took longer pauses as long as it took, or
	// loadShare times that (Model.cooldown), so that while the data keeps
	// changing the loads of a large cache take at most about half a core
	// (a quarter in a terminal's TUI) from the officer's keys.
	reloadGap = 250 * time.Millisecond
	// loadShare: a TUI's loads pause loadShare times as long as they took
	// (Model.cooldown).
	loadShare = 3
)

// snapshotMsg is a finished cache read, tagged with the load's sequence number.
type snapshotMsg struct {
	seq   uint64
	snap  *credit.Snapshot
	err   error
	built *built        // the rows computed from snap; nil to compute them in Update
	took  time.Duration // the load's reading and building, not its wait in Shared.queue
	// partial marks a first load that read the overview (Screen.Overview):
	// snap has no penalties or repairs, and the tabs built from them wait
	// for the full load that follows at once.
	partial bool

	// From the Store, when there is one: the Screen read, the data the
	// rows were built from (the previous values where a read failed) and
	// what failed.
	store    bool
	screen   *credit.Screen
	check    *credit.CheckData
	checkErr string
	signoffs map[credit.Date]credit.Signoff
	outbox   []credit.OutboxItem
	inUse    credit.Date
	storeErr error
}

// eventMsg is one sync event and those that were waiting behind it (more,
// in order), or ok == false when the channel closed.
type eventMsg struct {
	ev   credit.Event
	more []credit.Event
	ok   bool
}

// maxEventBatch bounds the events one eventMsg carries.
const maxEventBatch = 64

type tickMsg struct{}

// syncNowMsg is the answer to the sync key: err says why no pass starts.
type syncNowMsg struct{ err error }

// cooldownMsg ends the pause after a load; a reload asked for meanwhile starts.
type cooldownMsg struct{}

// inputMode is what the keyboard is typing into.
type inputMode int

const (
	modeNormal  inputMode = iota
	modeFilter            // the "/" filter line
	modeCommand           // the ":" command line
	modeForm              // an action form
)

// Model is the root of the TUI; it implements tea.Model. It alone handles
// tea.WindowSizeMsg and tells the tables their size.
type Model struct {
	d         Deps
	hooks     Hooks
	firstDone bool // hooks.FirstLoad has been called
	cat       catalog
	keys      KeyMap
	styles    *Styles // never changed once New made them: see table.Model.Styles
	help      help.Model

	width, height int
	tab           tabID

	// The tabs (tabAt): each holds its tables and routes its keys.
	check   checkPage
	sharing sharingPage
	sync    syncPage
	repair  repairPage
	queue   queuePage

	// stack holds the views opened over the tabs (records, a record's
	// detail, the outbox); esc pops the top one.
	stack   []stackView
	viewSeq uint64 // numbers the views, to match replies to them

	snap     *credit.Snapshot // last snapshot applied
	screen   *credit.Screen   // last Screen applied (with a Store): the next load's Prev
	partial  bool             // snap is an overview: the penalty tabs say they are loading
	view     built
	warnings []string
	dayText  string
	dayBad   bool
	baseDay  credit.Date // the clock's day when New ran; Today moves with the clock

	// From the Store: the last check data, sign-offs and outbox read. The
	// check data's Repairs are those failing on the day it was read
	// (Rules.KeepFailing); a new day reloads it (the age tick).
	checkData *credit.CheckData
	checkErr  string
	signoffs  map[credit.Date]credit.Signoff
	outbox    []credit.OutboxItem
	// inUseSince is the day the cache came into use (inUseStore), zero
	// when unknown.
	inUseSince credit.Date

	// Snapshot loading: seq numbers the loads; a reply whose seq is not the
	// newest issued is stale and dropped. At most one load is in flight
	// (loading); after each one a cooldown (cooling) runs, and a reload
	// asked for during either is remembered in dirty.
	seq     uint64
	loading bool
	cooling bool
	dirty   bool
	// deferredSince is when a reload first waited for a sync pass's end
	// (deferReload); zero when none waits.
	deferredSince time.Time

	loadErr   string
	lastEvent string
	flash     string // the outcome of the officer's last command; shown until the next key
	flashBad  bool
	// note is a longer text shown, wrapped, in place of the detail line
	// until the next key: the command an SSH session exports with.
	note         string
	syncing      map[string]bool
	eventsClosed bool

	mode    inputMode
	line    textinput.Model // the filter and command lines
	form    Form
	act     credit.Action // the action the open form completes
	officer string        // the officer's name: Deps.Officer, or the name last signed with

	alerts alerts // failures known, and new ones not yet seen (alert.go)
	// Remembered views (Deps.Views): the saver (nil without a store), the
	// state last handed to it, and the named views.
	views      *viewSaver
	viewsSaved ViewState
	savedViews map[string]SavedView
}

// New builds the TUI. Run it in the alternate screen; Init also asks for it.
func New(d Deps) Model {
	d = d.withDefaults()
	st := NewStyles(themed(d.Renderer, d.Theme))
	m := Model{d: d, cat: newCatalog(d.Lang), styles: &st, syncing: map[string]bool{}, officer: d.Officer}
	m.baseDay = credit.DateOf(d.Now())
	m.keys = keyMapFor(m.cat)
	if d.Export != nil && d.ExportCommand == nil {
		m.keys.Export.SetHelp("e", m.cat.t("help.exportxlsx"))
	}
	applyKeys(&m.keys, d.Keys)
	m.help = help.New()
	m.help.Styles = m.styles.Help
	m.help.ShortSeparator = "  "
	m.help.Ellipsis = truncTail
	m.line = newTextInput("", 200)
	m.styles.Input.Apply(&m.line)

	c := common{cat: m.cat, styles: m.styles, keys: m.keys.Table}
	m.check, m.sharing, m.sync = newCheckPage(c), newSharingPage(c), newSyncPage(c)
	m.repair, m.queue = newRepairPage(c), newQueuePage(c)

	if d.Store != nil || d.Snapshot != nil {
		m.seq, m.loading = 1, true
	} else {
		m.loadErr = m.cat.t("err.nosnap")
	}
	m.tab = tabSharing
	if working, err := d.Rules.Cal.IsWorkingDay(d.Today); err == nil && working && d.Store != nil {
		m.tab = tabCheck
	}
	m.width, m.height = 80, 24
	if d.Views != nil {
		v, err := d.Views.Load()
		if err != nil {
			m.flash, m.flashBad = m.cat.f("views.bad", cleanText(err.Error())), true
		}
		m.restoreViews(v)
		m.views = &viewSaver{store: d.Views}
		m.viewsSaved = m.viewState()
	}
	m.rebuild()
	m.updateKeys()
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
// With a Store it reads through Store.LoadScreen, which also reads the
// daily check's data, the sign-offs and the outbox; a failure of those
// keeps the previous values.
func (m *Model) loadCmd() tea.Cmd {
	seq, fn, st := m.seq, m.d.Snapshot, m.d.Store
	in := m.input()
	in.syncing = maps.Clone(m.syncing)
	holderFn := m.d.Holder
	today, base, now, wall, rules := m.d.Today, m.baseDay, m.d.Now, m.d.Clock, m.d.Rules
	// When the Screen says nothing changed since prevScreen, the tabs
	// built from its penalties (prev) are kept too.
	prevScreen := m.screen
	var prev *built
	if prevScreen != nil {
		v := m.view
		prev = &v
		in.prevTabs = v.tabs
	}
	shared, background := m.d.Shared, m.background()
	// The repair and queue tables' layouts (sort, filters, cursor): the
	// command lays the new rows out for them, so that Update only swaps
	// them in (prepare).
	lays := [2]table.Layout{m.repair.Layout(), m.queue.Layout()}
	load := func() tea.Msg {
		in.now, in.clock = now(), wall()
		if holderFn != nil {
			in.holder, in.hasHolder = holderFn()
		}
		in.today = today + (credit.DateOf(in.now) - base)
		if st == nil {
			s, err := fn()
			if err != nil || s == nil {
				return snapshotMsg{seq: seq, snap: s, err: err}
			}
			in.snap = s
			b := build(in)
			b.prepare(lays)
			return snapshotMsg{seq: seq, snap: s, built: &b}
		}
		sc, err := st.LoadScreen(credit.ScreenRequest{Today: in.today, Rules: rules, Prev: prevScreen})
		if err != nil || sc == nil || sc.Snapshot == nil {
			return snapshotMsg{seq: seq, err: err}
		}
		if sc.Unchanged && prev != nil && prev.today == in.today {
			in.reuse = prev
		}
		in.snap, in.partial = sc.Snapshot, sc.Overview
		if sc.CheckErr != nil {
			in.checkErr = cleanText(sc.CheckErr.Error())
		} else {
			in.check, in.checkErr = sc.Check, ""
		}
		if sc.SignoffsErr == nil {
			in.signoffs = sc.Signoffs
		}
		if sc.OutboxErr == nil {
			in.outbox = sc.Outbox
		}
		if !sc.InUseSince.IsZero() {
			in.inUseSince = sc.InUseSince
		}
		b := build(in)
		b.prepare(lays)
		return snapshotMsg{seq: seq, snap: sc.Snapshot, built: &b, partial: sc.Overview, store: true, screen: sc, check: in.check, checkErr: in.checkErr,
			signoffs: in.signoffs, outbox: in.outbox, inUse: in.inUseSince, storeErr: errors.Join(sc.SignoffsErr, sc.OutboxErr)}
	}
	return func() tea.Msg {
		if prevScreen != nil {
			// Not counted in took: sessions that reload less often hold
			// superseded generations longer (more memory).
			defer shared.queue()()
		}
		began := time.Now()
		var msg snapshotMsg
		background(func() { msg = load().(snapshotMsg) })
		msg.took = time.Since(began)
		return msg
	}
}

// background returns Deps.Background, or a function that runs f as it is.
func (m *Model) background() func(f func()) {
	if m.d.Background != nil {
		return m.d.Background
	}
	return func(f func()) { f() }
}

// cooldown is the pause after a load that took took before the next:
// reloadGap at least, and as long as the load took, or loadShare times as
// long for a Model of its own (not sharing a Shared: a terminal's TUI).
// There a load that patches the last generation's tabs (patchPenaltyTabs)
// takes a few hundred milliseconds at 1M records, most of it reading the
// check data, and after every sync pass that changes data it would take
// half a core from the officer's keys at once, and the collector's work
// with it; a third as often, the data is still newer than when each load
// built every row (seconds), and the keys wait less (docs/PERFORMANCE.md,
// "the incremental rebuild"). Sessions sharing a Shared are paced by it.
func (m *Model) cooldown(took time.Duration) tea.Cmd {
	if m.d.Shared == nil {
		took *= loadShare
	}
	return tea.Tick(max(reloadGap, took), func(time.Time) tea.Msg { return cooldownMsg{} })
}

// waitEvent waits for the next sync event and takes those already waiting
// behind it too; Update issues it again after each. The events of a sync
// pass arrive together (an SSH server's sessions get them from the event
// log's poll): one Update and one frame for them all, not one for each in
// every session.
func waitEvent(ch <-chan credit.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		msg := eventMsg{ev: ev, ok: ok}
		for ok && len(msg.more) < maxEventBatch {
			select {
			case next, open := <-ch:
				if !open {
					return msg // the next wait finds the channel closed
				}
				msg.more = append(msg.more, next)
			default:
				return msg
			}
		}
		return msg
	}
}

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.hooks.Input != nil {
		switch msg.(type) {
		case tea.KeyMsg, tea.MouseMsg:
			m.hooks.Input()
		}
	}
	var cmd tea.Cmd
	m, cmd = m.update(msg)
	m.updateKeys()
	m.applyMarks()
	if sort := m.sortCmds(); sort != nil {
		cmd = tea.Batch(cmd, sort)
	}
	switch msg.(type) {
	case tea.KeyMsg, tea.MouseMsg: // what the officer does may change the views
		if save := m.saveViews(); save != nil {
			cmd = tea.Batch(cmd, save)
		}
	}
	return m, cmd
}

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
	case WarningsMsg:
		m.d.Warnings = slices.Clone(msg)
		m.setWarnings(m.today())
		m.resize()
	case tea.KeyMsg:
		return m.handleKey(msg)
	case snapshotMsg:
		applies := msg.seq == m.seq && msg.err == nil && msg.snap != nil && !msg.partial
		m, cmd := m.handleSnapshot(msg)
		if applies {
			if bell := m.noticeFailures(); bell != nil {
				cmd = tea.Batch(cmd, bell)
			}
		}
		return m, cmd
	case sortedMsg:
		m.handleSorted(msg)
	case copiedMsg:
		m.handleCopied(msg)
	case tea.MouseMsg:
		return m.handleMouse(msg)
	case eventMsg:
		return m.handleEvent(msg)
	case recordsMsg:
		m.handleRecords(msg)
	case actionMsg:
		return m.handleAction(msg)
	case retryMsg:
		return m.handleRetry(msg)
	case exportMsg:
		m.handleExport(msg)
	case activityMsg:
		m.handleActivity(msg)
	case viewsSavedMsg:
		m.flash, m.flashBad = m.cat.f("views.savefail", cleanText(msg.err.Error())), true
	case cooldownMsg:
		m.cooling = false
		if m.dirty {
			m.dirty = false
			return m, m.startLoad()
		}
	case syncNowMsg:
		if msg.err != nil {
			m.lastEvent = m.cat.f("ev.syncheld", cleanText(msg.err.Error()))
		}
	case tickMsg:
		// Ages move on: recompute the rows off the UI thread when there is
		// a cache to read (a large cache takes a while), else here.
		if m.d.Store != nil || m.d.Snapshot != nil {
			if m.deferReload("") {
				return m, tick() // the pass's end reloads (reload_pass.go)
			}
			return m, tea.Batch(tick(), m.requestLoad())
		}
		m.rebuild()
		return m, tick()
	}
	return m, nil
}

// Loading reports whether a cache read is in flight or waiting to start.
func (m Model) Loading() bool { return m.loading || m.dirty }

// startLoad issues a snapshot load with the next sequence number.
func (m *Model) startLoad() tea.Cmd {
	if m.d.Snapshot == nil && m.d.Store == nil {
		return nil
	}
	m.seq++
	m.loading = true
	m.deferredSince = time.Time{}
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

func (m Model) handleSnapshot(msg snapshotMsg) (Model, tea.Cmd) {
	if msg.seq != m.seq {
		return m, nil // stale: a newer load has been issued since
	}
	if !m.firstDone && m.hooks.FirstLoad != nil {
		m.firstDone = true
		first := m.hooks.FirstLoad
		m, cmd := m.handleSnapshot(msg)
		return m, tea.Batch(cmd, func() tea.Msg { first(); return nil })
	}
	m.loading = false
	if msg.err != nil {
		// Keep showing the last good data; say what failed in the footer.
		m.loadErr = m.cat.f("err.snapshot", clock(m.d.Now(), m.today()), cleanText(msg.err.Error()))
	} else if msg.snap != nil {
		m.loadErr = ""
		m.snap, m.partial = msg.snap, msg.partial
		if msg.store {
			m.screen = msg.screen
			m.checkData, m.checkErr, m.signoffs, m.outbox, m.inUseSince = msg.check, msg.checkErr, msg.signoffs, msg.outbox, msg.inUse
			if msg.storeErr != nil {
				m.loadErr = m.cat.f("err.snapshot", clock(m.d.Now(), m.today()), cleanText(msg.storeErr.Error()))
			}
		}
		if msg.built != nil {
			m.apply(*msg.built)
		} else {
			m.rebuild()
		}
		switch {
		case m.hooks.ExitAfterFirstFrame || (m.hooks.ExitAfterLoad && !msg.partial):
			return m, tea.Quit
		case msg.partial:
			return m, m.startLoad() // the full read follows at once
		}
		if b := msg.built; b != nil && msg.store && !b.reused && m.hooks.Rebuilt != nil {
			m.cooling = true
			rebuilt := m.hooks.Rebuilt
			return m, tea.Batch(m.cooldown(msg.took), func() tea.Msg { rebuilt(); return nil })
		}
	}
	m.cooling = true
	return m, m.cooldown(msg.took)
}

func (m Model) handleEvent(msg eventMsg) (Model, tea.Cmd) {
	if !msg.ok {
		m.eventsClosed = true
		deferred := !m.deferredSince.IsZero() // a reload waited for the pass
		clear(m.syncing)
		m.lastEvent = m.cat.t("ev.closed")
		m.rebuild()
		if deferred {
			return m, m.requestLoad()
		}
		return m, nil
	}
	events := append([]credit.Event{msg.ev}, msg.more...)
	for _, ev := range events {
		switch ev.Type {
		case credit.EventPage:
			m.syncing[ev.Endpoint] = true
		case credit.EventDone, credit.EventError:
			delete(m.syncing, ev.Endpoint)
		}
		m.lastEvent = m.eventText(ev)
		m.addActivity(ev)
	}
	m.sync.endpoints.SetRows(m.buildEndpointRows())
	// The batch waits for the pass's end when each of its events would.
	if !slices.ContainsFunc(events, func(ev credit.Event) bool { return !m.deferReload(ev.Type) }) {
		return m, waitEvent(m.d.Events) // the pass's end reloads (reload_pass.go)
	}
	return m, tea.Batch(waitEvent(m.d.Events), m.requestLoad())
}

func (m *Model) buildEndpointRows() []Row {
	rows, _, _, _ := buildEndpoints(m.input())
	return rows
}

func (m *Model) eventText(ev credit.Event) string {
	at := ev.At
	if at.IsZero() {
		at = m.d.Now()
	}
	t := at.In(credit.ChinaZone).Format("15:04:05")
	name := cleanText(ev.Endpoint)
	switch ev.Type {
	case credit.EventPage:
		return m.cat.f("ev.page", t, name, m.cat.feedLabel(ev.Feed), ev.Items)
	case credit.EventError:
		return m.cat.f("ev.error", t, name, cleanText(ev.Err), m.cat.wait(ev.Retry))
	case credit.EventResync:
		return m.cat.f("ev.resync", t, name, m.cat.feedLabel(ev.Feed))
	case credit.EventAction:
		return m.cat.f("ev.action", t, cleanText(ev.Actor), actionWords(m.cat, m.snap, ev.Message))
	case credit.EventActionSent:
		return m.cat.f("ev.sent", t, actionWords(m.cat, m.snap, ev.Message))
	case credit.EventActionFailed:
		return m.cat.f("ev.refused", t, actionWords(m.cat, m.snap, ev.Message), cleanText(ev.Err))
	case credit.EventResyncDone:
		return m.cat.f("ev.resyncdone", ev.Items, t, name, m.cat.feedLabel(ev.Feed))
	case credit.EventDone:
		return m.cat.f("ev.done", t, name)
	}
	return m.cat.f("ev.other", t, string(ev.Type), cleanText(ev.Message))
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
		syncing: m.syncing, today: m.today(), now: m.d.Now(), clock: m.d.Clock(), cat: m.cat, cachePath: m.d.CachePath,
		scope: m.d.OfficerDepts, deadlineDays: m.d.DeadlineDays,
		partial: m.partial, hasStore: m.d.Store != nil, check: m.checkData, checkErr: m.checkErr, signoffs: m.signoffs, outbox: m.outbox,
		holder: m.view.holder, hasHolder: m.view.hasHolder,
		signoffSince: m.d.SignoffSince, inUseSince: m.inUseSince,
		shared: m.d.Shared,
	}
}

// rebuild recomputes every row, summary and header text from the last
// snapshot. It runs when a snapshot arrives and on the age tick.
func (m *Model) rebuild() { m.apply(build(m.input())) }

// apply shows computed rows: the tables keep their cursors by row key.
func (m *Model) apply(b built) {
	today := m.today()
	m.view = b
	for id := range tabCount {
		m.tabAt(id).apply(&b)
	}
	empty := func(key string) string {
		if b.partial {
			return m.cat.t("ev.loading")
		}
		return m.cat.t(key)
	}
	m.sharing.SetEmpty(empty("empty"))
	m.repair.SetEmpty(empty("empty"))
	m.queue.SetEmpty(empty("empty.queue"))
	m.refreshStack()

	m.setWarnings(today)
	m.dayText, m.dayBad = m.dayLabel(today)
	m.resize()
}

// setWarnings lays out the warnings shown on every screen: Deps.Warnings
// and the calendar's missing years.
func (m *Model) setWarnings(today credit.Date) {
	m.warnings = nil
	for _, w := range m.d.Warnings {
		m.warnings = append(m.warnings, symBad+" "+w)
	}
	for _, y := range m.view.years.missing(m.d.Rules.Cal, today) {
		m.warnings = append(m.warnings, symBad+" "+m.cat.f("warn.year", y))
	}
}

// WarningsMsg replaces Deps.Warnings while the program runs (an SSH
// server tells its admins' views that the keys file became unusable).
// The caller sanitises them.
type WarningsMsg []string

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
