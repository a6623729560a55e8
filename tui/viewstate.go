package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	gosync "sync"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
)

// TableView is how one table is shown: its sort and its filters.
type TableView struct {
	Sort   int    `json:"sort"` // screen column; -1: the tab's own order
	Desc   bool   `json:"desc,omitempty"`
	Filter string `json:"filter,omitempty"`
	Dept   string `json:"dept,omitempty"` // department filter (:320412)
}

// SavedView is a view saved under a name (:save NAME): a tab, the table
// of it that had the cursor, and that table's sort and filters.
type SavedView struct {
	Tab   string `json:"tab"`
	Table string `json:"table"`
	TableView
}

// ViewState is what the TUI remembers of an officer's views between runs:
// the active tab, each table's sort and filters (by table name: check,
// history, sharing, sync, depts, repair, queue) and the named views.
type ViewState struct {
	Tab    string               `json:"tab,omitempty"`
	Tables map[string]TableView `json:"tables,omitempty"`
	Saved  map[string]SavedView `json:"saved,omitempty"`
}

func (v ViewState) equal(o ViewState) bool {
	return v.Tab == o.Tab && maps.Equal(v.Tables, o.Tables) && maps.Equal(v.Saved, o.Saved)
}

// ViewStore keeps one officer's ViewState. The TUI calls Load once, in
// New, and Save inside tea.Cmds, each with the whole state; a Save may
// run while an older one is still writing.
type ViewStore interface {
	// Load returns the state kept, or an empty state and no error when
	// there is none yet. An error says why the state kept cannot be read;
	// the TUI then starts from an empty state and says so.
	Load() (ViewState, error)
	Save(ViewState) error
}

// ViewFile is a ViewStore in a JSON file (one per officer, in the state
// directory; cmd chooses the path). Save writes a temporary file next to
// it and renames it over the file, so a crash leaves the old state or the
// new one, never half of either. A file Load found corrupt is kept as
// path+".bad" when Save first replaces it.
type ViewFile struct {
	path    string
	mu      gosync.Mutex
	corrupt bool
}

// NewViewFile returns the ViewStore kept in the file path.
func NewViewFile(path string) *ViewFile { return &ViewFile{path: path} }

// Path is the file's path.
func (f *ViewFile) Path() string { return f.path }

// Load implements ViewStore.
func (f *ViewFile) Load() (ViewState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return ViewState{}, nil
	}
	if err != nil {
		return ViewState{}, fmt.Errorf("read %s: %w", f.path, err)
	}
	var v ViewState
	if err := json.Unmarshal(b, &v); err != nil {
		f.corrupt = true
		base := filepath.Base(f.path)
		return ViewState{}, fmt.Errorf("%s: %v (kept as %s.bad)", base, err, base)
	}
	return v, nil
}

// Save implements ViewStore.
func (f *ViewFile) Save(v ViewState) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("save views: %w", err)
	}
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save views: %w", err)
	}
	if f.corrupt {
		if err := os.Rename(f.path, f.path+".bad"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("save views: keep the unreadable %s: %w", f.path, err)
		}
		f.corrupt = false
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(f.path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("save views: %w", err)
	}
	_, err = tmp.Write(append(b, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), f.path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save views to %s: %w", f.path, err)
	}
	return nil
}

// tabNames name the tabs in a ViewState.
var tabNames = [tabCount]string{"check", "sharing", "sync", "repair", "queue"}

// namedTable is one of the tabs' tables with its name in a ViewState.
type namedTable struct {
	name  string
	tab   tabID
	focus int // the table's place in a tab of two (0: top, 1: bottom)
	t     *Table
}

// namedTables lists every tab's tables (pointers into m).
func (m *Model) namedTables() []namedTable {
	return []namedTable{
		{"check", tabCheck, 0, &m.check.Table}, {"history", tabCheck, 1, &m.check.history},
		{"sharing", tabSharing, 0, &m.sharing.Table},
		{"sync", tabSync, 0, &m.sync.endpoints}, {"depts", tabSync, 1, &m.sync.depts},
		{"repair", tabRepair, 0, &m.repair.Table}, {"queue", tabQueue, 0, &m.queue.Table},
	}
}

func tableViewOf(t *Table) TableView {
	col, desc := t.Sort()
	return TableView{Sort: col, Desc: desc, Filter: t.Filter(), Dept: t.DeptFilter()}
}

func (v TableView) applyTo(t *Table) {
	t.SetSortLater(v.Sort, v.Desc)
	t.SetFilter(v.Filter)
	t.SetDeptFilter(v.Dept)
}

// viewState is the state of the tabs as they are now, with the saved views.
func (m *Model) viewState() ViewState {
	v := ViewState{Tab: tabNames[m.tab], Tables: map[string]TableView{}, Saved: m.savedViews}
	for _, nt := range m.namedTables() {
		v.Tables[nt.name] = tableViewOf(nt.t)
	}
	return v
}

// restoreViews puts the tabs as v says: the tab shown and every table's
// sort and filters. Names it does not know are ignored.
func (m *Model) restoreViews(v ViewState) {
	if i := slices.Index(tabNames[:], v.Tab); i >= 0 {
		m.tab = tabID(i)
	}
	for _, nt := range m.namedTables() {
		if tv, ok := v.Tables[nt.name]; ok {
			tv.applyTo(nt.t)
		}
	}
	m.savedViews = maps.Clone(v.Saved)
}

// focusTable focuses a table of a tab of two.
func (m *Model) focusTable(nt namedTable) {
	switch nt.tab {
	case tabCheck:
		focusStacked(&m.check.focus, &m.check.Table, &m.check.history, nt.focus)
	case tabSync:
		m.sync.focusOn(nt.focus)
	}
}

// viewSaver writes the states the model hands it, in order: a Save
// issued before another never overwrites it. The model shares it across
// its copies.
type viewSaver struct {
	store ViewStore
	mu    gosync.Mutex
	last  uint64 // the newest state written
	seq   uint64 // the newest state handed out (Update only)
}

// saveCmd writes v unless a newer state has been written meanwhile.
func (s *viewSaver) saveCmd(v ViewState) tea.Cmd {
	s.seq++
	seq := s.seq
	return func() tea.Msg {
		s.mu.Lock()
		defer s.mu.Unlock()
		if seq < s.last {
			return nil
		}
		s.last = seq
		if err := s.store.Save(v); err != nil {
			return viewsSavedMsg{err: err}
		}
		return nil
	}
}

// viewsSavedMsg reports a state that could not be saved.
type viewsSavedMsg struct{ err error }

// saveViews saves the views when they changed since the last save. It
// waits while the filter or command line is open, so a filter is saved
// once it is kept, not at every letter.
func (m *Model) saveViews() tea.Cmd {
	if m.views == nil || m.mode != modeNormal {
		return nil
	}
	v := m.viewState()
	if v.equal(m.viewsSaved) {
		return nil
	}
	v.Saved = maps.Clone(v.Saved)
	m.viewsSaved = v
	return m.views.saveCmd(v)
}

// maxViewName is the longest name :save takes, in characters.
const maxViewName = 40

// viewCommand runs :save, :load, :delete and :views; ok is false for
// another command.
func (m Model) viewCommand(q string) (Model, bool) {
	verb, arg, _ := strings.Cut(q, " ")
	name := cleanText(arg)
	switch verb {
	case "views":
		if name != "" {
			return m, false
		}
		if len(m.savedViews) == 0 {
			m.flash = m.cat.t("views.none")
		} else {
			m.flash = m.cat.f("views.list", strings.Join(m.savedViewNames(), m.cat.t("views.sep")))
		}
		return m, true
	case "save", "load", "delete":
	default:
		return m, false
	}
	switch {
	case m.views == nil:
		m.flash, m.flashBad = m.cat.t("views.nostore"), true
		return m, true
	case name == "":
		m.flash, m.flashBad = m.cat.f("views.noname", verb), true
		return m, true
	case utf8.RuneCountInString(name) > maxViewName:
		m.flash, m.flashBad = m.cat.f("views.long", maxViewName), true
		return m, true
	}
	switch verb {
	case "save":
		nt := m.activeNamed()
		sv := SavedView{Tab: tabNames[m.tab], Table: nt.name, TableView: tableViewOf(nt.t)}
		m.savedViews = maps.Clone(m.savedViews)
		if m.savedViews == nil {
			m.savedViews = map[string]SavedView{}
		}
		m.savedViews[name] = sv
		m.flash = m.cat.f("views.saved", name)
	case "load":
		sv, ok := m.savedViews[name]
		if !ok {
			m.flash, m.flashBad = m.unknownView(name), true
			return m, true
		}
		m.stack = nil
		for _, nt := range m.namedTables() {
			if nt.name == sv.Table && tabNames[nt.tab] == sv.Tab {
				m.tab = nt.tab
				m.focusTable(nt)
				sv.TableView.applyTo(nt.t)
			}
		}
		m.resize()
		m.flash = m.cat.f("views.loaded", name)
	case "delete":
		if _, ok := m.savedViews[name]; !ok {
			m.flash, m.flashBad = m.unknownView(name), true
			return m, true
		}
		m.savedViews = maps.Clone(m.savedViews)
		delete(m.savedViews, name)
		m.flash = m.cat.f("views.deleted", name)
	}
	return m, true
}

// unknownView says there is no saved view of that name, and which there are.
func (m *Model) unknownView(name string) string {
	if len(m.savedViews) == 0 {
		return m.cat.f("views.unknown", name) + m.cat.t("views.sep") + m.cat.t("views.none")
	}
	return m.cat.f("views.unknown", name) + m.cat.t("views.sep") + m.cat.f("views.list", strings.Join(m.savedViewNames(), m.cat.t("views.sep")))
}

// savedViewNames lists the saved views' names, sorted.
func (m *Model) savedViewNames() []string {
	return slices.Sorted(maps.Keys(m.savedViews))
}

// activeNamed is the tab's table that has the cursor.
func (m *Model) activeNamed() namedTable {
	t := m.tabAt(m.tab).active()
	for _, nt := range m.namedTables() {
		if nt.t == t {
			return nt
		}
	}
	return namedTable{name: tabNames[m.tab], tab: m.tab, t: t}
}

// commandSuggestions are what tab completes on the command line: the
// view commands with each saved view's name.
func (m *Model) commandSuggestions() []string {
	s := []string{"views", "export csv", "export json"}
	if m.d.Export != nil && m.d.ExportCommand == nil {
		s = append(s, "export xlsx")
	}
	for _, n := range m.savedViewNames() {
		s = append(s, "load "+n, "delete "+n, "save "+n)
	}
	return s
}

// viewsHelpLine lists the saved views under the full help; "" when the
// help is short or there is no view store.
func (m *Model) viewsHelpLine() string {
	if !m.help.ShowAll || m.views == nil {
		return ""
	}
	if len(m.savedViews) == 0 {
		return m.cat.t("views.helpnone")
	}
	return m.cat.f("views.help", strings.Join(m.savedViewNames(), m.cat.t("views.sep")))
}
