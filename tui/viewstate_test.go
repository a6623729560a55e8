package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// execCmds runs cmd and the commands of any batch it returns, each for at
// most a moment (ticks and waits are left behind), and returns the
// messages they produced.
func execCmds(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		if b, ok := msg.(tea.BatchMsg); ok {
			var out []tea.Msg
			for _, c := range b {
				out = append(out, execCmds(c)...)
			}
			return out
		}
		return []tea.Msg{msg}
	case <-time.After(100 * time.Millisecond):
		return nil
	}
}

// pressSaving sends keys to m, running the commands each returns (so that the
// views are saved and the activity log read) and feeding back what they
// read and their failures.
func pressSaving(t *testing.T, m Model, ks ...tea.KeyMsg) Model {
	t.Helper()
	for _, k := range ks {
		nm, cmd := m.Update(k)
		m = nm.(Model)
		for _, msg := range execCmds(cmd) {
			switch msg := msg.(type) {
			case viewsSavedMsg:
				t.Fatalf("save views: %v", msg.err)
			case activityMsg:
				m = update(t, m, msg)
			}
		}
	}
	return m
}

func TestViewFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "views", "值班员.json")
	f := NewViewFile(path)
	v, err := f.Load()
	if err != nil || !v.equal(ViewState{}) {
		t.Fatalf("Load of a missing file = %+v, %v; want empty, nil", v, err)
	}
	want := ViewState{Tab: "repair",
		Tables: map[string]TableView{"repair": {Sort: 3, Desc: true, Filter: "武进", Dept: "320412"}, "sharing": {Sort: -1}},
		Saved:  map[string]SavedView{"武进逾期": {Tab: "repair", Table: "repair", TableView: TableView{Sort: 2, Filter: "逾期"}}}}
	if err := f.Save(want); err != nil {
		t.Fatal(err)
	}
	got, err := NewViewFile(path).Load()
	if err != nil || !got.equal(want) {
		t.Fatalf("Load after Save = %+v, %v; want %+v", got, err, want)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.tmp"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestViewFileCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "views.json")
	if err := os.WriteFile(path, []byte(`{"tab": "repair", "tables": {`), 0o600); err != nil {
		t.Fatal(err)
	}
	d := fixtureDeps(t, "zh")
	d.Views = NewViewFile(path)
	m := loaded(t, d, 80, 24)
	if status := m.statusLine(); !strings.HasPrefix(status, "! 已保存的视图无法读取，本次从默认视图开始") || strings.Contains(status, "\n") {
		t.Errorf("status line = %q; want the one-line warning", status)
	}
	if want := "已保存的视图无法读取，本次从默认视图开始：views.json: unexpected end of JSON input (kept as views.json.bad)"; m.flash != want {
		t.Errorf("warning = %q, want %q", m.flash, want)
	}
	if m.tab != tabSharing || len(m.savedViews) != 0 {
		t.Errorf("after a corrupt file: tab %d, saved %v; want the defaults", m.tab, m.savedViews)
	}
	// The next change replaces the file, keeping the unreadable one.
	m = pressSaving(t, m, keyMsg("4"))
	if _, err := os.Stat(path + ".bad"); err != nil {
		t.Errorf("the unreadable file was not kept: %v", err)
	}
	v, err := NewViewFile(path).Load()
	if err != nil || v.Tab != "repair" {
		t.Errorf("after a change: %+v, %v; want tab repair", v, err)
	}
}

func TestViewsSurviveRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "views.json")
	d := fixtureDeps(t, "zh")
	d.Views = NewViewFile(path)
	m := loaded(t, d, 100, 30)
	// The repair tab sorted by its third column descending and filtered;
	// the sharing list filtered to a department.
	m = pressSaving(t, m, keyMsg("2"), keyMsg(":"))
	m = pressSaving(t, m, runes("武进"), keyMsg("enter"))
	m = pressSaving(t, m, keyMsg("4"), keyMsg(">"), keyMsg(">"), keyMsg(">"), keyMsg("S"), keyMsg("/"))
	m = pressSaving(t, m, runes("安全"), keyMsg("enter"))
	m = pressSaving(t, m, keyMsg(":"), runes("save 武进逾期"), keyMsg("enter"))
	if !strings.Contains(m.statusLine(), "已保存视图 武进逾期") {
		t.Fatalf("status after :save = %q", m.statusLine())
	}
	col, desc := m.repair.Sort()
	// Then the officer moves on: another tab, the filter cleared.
	m = pressSaving(t, m, keyMsg("esc"), keyMsg("3"))

	// A second run over the same file.
	m2 := loaded(t, d, 100, 30)
	if m2.tab != tabSync {
		t.Errorf("restart: tab %d, want the sync tab", m2.tab)
	}
	if c2, d2 := m2.repair.Sort(); c2 != col || d2 != desc || m2.repair.Filter() != "" {
		t.Errorf("restart: repair sort (%d, %v) filter %q; want (%d, %v) and none", c2, d2, m2.repair.Filter(), col, desc)
	}
	if m2.sharing.DeptFilter() == "" {
		t.Errorf("restart: the sharing list lost its department filter")
	}
	m2 = pressSaving(t, m2, keyMsg(":"), runes("load 武"), keyMsg("tab"), keyMsg("enter"))
	if m2.tab != tabRepair || m2.repair.Filter() != "安全" {
		t.Errorf(":load (tab-completed): tab %d filter %q; want the repair tab filtered by 安全 (status %q)", m2.tab, m2.repair.Filter(), m2.statusLine())
	}
	if c2, d2 := m2.repair.Sort(); c2 != col || d2 != desc {
		t.Errorf(":load: sort (%d, %v), want (%d, %v)", c2, d2, col, desc)
	}
	m2 = pressSaving(t, m2, keyMsg("?"))
	if !strings.Contains(m2.View(), "已保存：武进逾期") {
		t.Errorf("the full help does not list the saved view:\n%s", m2.View())
	}
	m2 = pressSaving(t, m2, keyMsg(":"), runes("delete 武进逾期"), keyMsg("enter"))
	m2 = pressSaving(t, m2, keyMsg(":"), runes("load 武进逾期"), keyMsg("enter"))
	if got := m2.statusLine(); !strings.Contains(got, "没有名为 武进逾期 的视图") {
		t.Errorf(":load after :delete: status %q", got)
	}
	if v, _ := NewViewFile(path).Load(); len(v.Saved) != 0 {
		t.Errorf("after :delete the file still holds %v", v.Saved)
	}
}
