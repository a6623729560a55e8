package tui

import (
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/credit/credittest"
	"github.com/czyj/credwatch/tui/table"
)

// grownStore returns Deps over the fixture store grown by n penalties.
func grownStore(t *testing.T, n int) (Deps, *fakeStore) {
	t.Helper()
	dp, st := storeDeps(t, "zh")
	in := buildInput{snap: st.snap}
	growFixture(&in, n, 7)
	st.snap = in.snap
	st.snap.Generation = 5
	return dp, st
}

// shownKeys returns the keys of the rows tb shows.
func shownKeys(tb *Table) []string {
	keys := make([]string, tb.Len())
	for j := range keys {
		keys[j] = tb.Source().Row(tb.SourceIndex(j)).Key
	}
	return keys
}

// A reload lays the repair tab's new rows out in its command, for the
// sort, filter and cursor in force when it began: Update swaps them in,
// and the tab shows what a table given the same rows and layout shows,
// the cursor still on its row. A filter typed on while the load ran is
// not lost: it is in force on the new rows.
func TestReloadPreparedKeepsLayout(t *testing.T) {
	dp, st := grownStore(t, 3000)
	m := loadedStore(t, dp, 120, 30)
	m = keys(t, m, runes("4"))
	name := colOf(repairTab, "col.name")
	m = keys(t, m, runes(">"), runes(">")) // sorted by the second column, the name
	if col, _ := m.repair.Sort(); col != name || m.repair.Sorting() {
		t.Fatalf("sort %d (sorting %v), want the name column %d shown at once (3,011 rows)", col, m.repair.Sorting(), name)
	}
	m = keys(t, m, runes("/"), runes("化"), keyMsg("enter"), runes("j"), runes("j"), runes("j"))
	sel, _ := m.repair.Selected()

	// A new generation: the first penalty goes.
	load := reloadWithoutFirstPenalty(&m, st)
	// Meanwhile the officer types on.
	m = keys(t, m, runes("/"), runes("工"), keyMsg("enter"))
	msg := load().(snapshotMsg)
	if msg.built == nil || !msg.built.prepared || msg.built.reused {
		t.Fatalf("the load did not lay the new rows out (built %v)", msg.built != nil)
	}
	m = update(t, m, msg)
	if got := m.repair.Filter(); got != "化工" {
		t.Fatalf("filter %q after the reload, want the one typed meanwhile, 化工", got)
	}
	ref := table.New(repairColumns(m.cat), table.DefaultStyles(), table.DefaultKeyMap())
	ref.SetSort(name, false)
	ref.SetFilter("化工")
	ref.SetIndexed(msg.built.repair)
	want := shownKeys(&ref)
	if got := shownKeys(&m.repair.Table); len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("after the reload %d rows, want %d as SetIndexed lays them out", len(got), len(want))
	}
	if slices.Contains(want, sel.Key) {
		if now, _ := m.repair.Selected(); now.Key != sel.Key {
			t.Errorf("cursor on %q after the reload, want it kept on %q", now.Key, sel.Key)
		}
	}
}

// A sort of a large table runs as a command: the key returns at once,
// the status line says it is sorting and the rows keep their order until
// the order arrives; then the tab shows them sorted. An order made for
// rows a reload replaced meanwhile is dropped, and the sort is made again
// for the new rows.
func TestSortLargeTableInCommand(t *testing.T) {
	dp, st := grownStore(t, 21000)
	m := loadedStore(t, dp, 120, 30)
	m = keys(t, m, runes("4"))
	before := shownKeys(&m.repair.Table)

	// A reload begins (new data: the first penalty goes), then the
	// officer sorts.
	load := reloadWithoutFirstPenalty(&m, st)
	nm, cmd := m.Update(runes(">"))
	m = nm.(Model)
	if !m.repair.Sorting() || cmd == nil {
		t.Fatalf("sorting %v, command %v: a large table's sort should wait for a command", m.repair.Sorting(), cmd != nil)
	}
	if !slices.Equal(shownKeys(&m.repair.Table), before) {
		t.Fatal("the rows moved before the order arrived")
	}
	if v := m.View(); !strings.Contains(v, "正在排序") {
		t.Errorf("the status line does not say it is sorting:\n%s", v)
	}

	// The reload's rows arrive before the order: laid out for the sort
	// shown when it began, they wait for an order of their own.
	nm, reloaded := m.Update(load())
	m = nm.(Model)
	if !m.repair.Sorting() {
		t.Fatal("the reload's rows were sorted in Update")
	}
	m = update(t, m, awaitSorted(t, cmd))
	if !m.repair.Sorting() {
		t.Fatal("an order made for the rows before the reload was shown")
	}
	if m.sortCmds() != nil {
		t.Fatal("a second job for the new rows")
	}
	// The reload's commands make the order again, for the new rows.
	m = update(t, m, awaitSorted(t, reloaded))
	if m.repair.Sorting() {
		t.Fatal("still sorting after the order arrived")
	}
	ref := table.New(repairColumns(m.cat), table.DefaultStyles(), table.DefaultKeyMap())
	ref.SetSort(0, false)
	ref.SetIndexed(m.view.repair)
	if got, want := shownKeys(&m.repair.Table), shownKeys(&ref); !slices.Equal(got, want) {
		t.Fatal("the rows are not in the order asked for")
	}
	if v := m.View(); strings.Contains(v, "正在排序") {
		t.Errorf("the status line still says it is sorting:\n%s", v)
	}
}

// awaitSorted runs cmd's commands (a batch's each on its own goroutine:
// some are ticks) and returns the first sort order one of them makes.
func awaitSorted(t *testing.T, cmd tea.Cmd) sortedMsg {
	t.Helper()
	found := make(chan sortedMsg, 1)
	var start func(c tea.Cmd)
	start = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			switch msg := c().(type) {
			case tea.BatchMsg:
				for _, c := range msg {
					start(c)
				}
			case sortedMsg:
				select {
				case found <- msg:
				default:
				}
			}
		}()
	}
	start(cmd)
	select {
	case msg := <-found:
		return msg
	case <-time.After(time.Minute):
		t.Fatal("no command made a sort order")
	}
	return sortedMsg{}
}

// A reload that finds the data unchanged shows the same daily check
// without computing it again; a change the check reads (an endpoint's
// status, a sign-off) computes it again.
func TestUnchangedReloadKeepsCheck(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	st.snap.Generation = 5
	m := loadedStore(t, dp, 100, 30)
	reload := func() Model {
		t.Helper()
		m.seq++
		return update(t, m, m.loadCmd()())
	}
	items := m.view.check.items
	if len(items) == 0 {
		t.Fatal("no checklist")
	}
	m = reload()
	if !m.view.reused || &m.view.check.items[0] != &items[0] {
		t.Fatalf("unchanged reload: reused %v, the checklist computed again: %v", m.view.reused, &m.view.check.items[0] != &items[0])
	}
	st.mu.Lock()
	st.snap.Endpoints = slices.Clone(st.snap.Endpoints)
	st.snap.Endpoints[0].LastError = "dial tcp: connection refused"
	st.mu.Unlock()
	m = reload()
	if &m.view.check.items[0] == &items[0] {
		t.Fatal("an endpoint's status changed and the checklist was kept")
	}
	items = m.view.check.items
	if m = reload(); &m.view.check.items[0] != &items[0] {
		t.Fatal("unchanged again, and the checklist computed again")
	}
	m = keys(t, m, runes("1"))
	st.mu.Lock()
	st.signoffs[fxToday] = credit.Signoff{Date: fxToday, Officer: "张三", At: fxNow}
	st.mu.Unlock()
	m = reload()
	if m.view.check.signed == nil {
		t.Fatal("a sign-off of today is not shown after the reload")
	}
}

// reloadWithoutFirstPenalty makes generation 6 of st's data, its first
// penalty gone, and returns m's load command for it, not yet run.
func reloadWithoutFirstPenalty(m *Model, st *fakeStore) tea.Cmd {
	st.mu.Lock()
	st.snap.Penalties = credittest.Penalties(st.snap.Penalties.All()[1:]...)
	st.snap.Generation = 6
	st.mu.Unlock()
	m.seq++
	return m.loadCmd()
}

// Loads and sorts run through Deps.Background (cmd runs them at a lower
// scheduling priority than the keys' work).
func TestBackgroundRunsLoadsAndSorts(t *testing.T) {
	dp, _ := grownStore(t, 21000)
	var mu gosync.Mutex
	runs := 0
	dp.Background = func(f func()) {
		mu.Lock()
		runs++
		mu.Unlock()
		f()
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return runs }
	m := loadedStore(t, dp, 120, 30)
	if count() == 0 {
		t.Fatal("the load did not run through Background")
	}
	if m.view.repair.Source() == nil || m.view.repair.Source().Len() == 0 {
		t.Fatal("the load run through Background built no repair rows")
	}
	loads := count()
	m = keys(t, m, runes("4"))
	nm, cmd := m.Update(runes(">"))
	m = nm.(Model)
	if !m.repair.Sorting() {
		t.Fatal("a large table's sort did not wait for a command")
	}
	m = update(t, m, awaitSorted(t, cmd))
	if count() != loads+1 {
		t.Errorf("Background ran %d times for the sort, want 1", count()-loads)
	}
	if m.repair.Sorting() {
		t.Error("the order made through Background was not shown")
	}
}
