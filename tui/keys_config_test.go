package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// TestConfiguredKeys remaps sync and quit: the keys act, the old ones do
// not, and both helps show the configured keys.
func TestConfiguredKeys(t *testing.T) {
	d := fixtureDeps(t, "zh")
	synced := 0
	d.SyncNow = func() error { synced++; return nil }
	d.Keys = map[string][]string{"sync": {"ctrl+r", "F"}, "quit": {"x"}, "down": {"J", "down"}}
	if p := CheckKeys(d.Keys); len(p) != 0 {
		t.Fatalf("CheckKeys = %+v", p)
	}
	m := loaded(t, d, 100, 30)
	short := m.help.View(m.keys)
	if !strings.Contains(short, "ctrl+r/F 立即同步") || !strings.Contains(short, "x 退出") || strings.Contains(short, "q 退出") {
		t.Errorf("short help does not show the configured keys: %q", short)
	}
	m = pressSaving(t, m, keyMsg("?"))
	if full := m.View(); !strings.Contains(full, "ctrl+r/F") || !strings.Contains(full, "J/down") {
		t.Errorf("full help does not show the configured keys:\n%s", full)
	}
	for _, k := range []tea.KeyMsg{keyMsg("r"), {Type: tea.KeyCtrlR}, keyMsg("F")} {
		nm, cmd := m.Update(k)
		m = nm.(Model)
		execCmds(cmd)
	}
	if synced != 2 {
		t.Errorf("synced %d times, want 2 (ctrl+r and F, not r)", synced)
	}
	if _, cmd := m.Update(keyMsg("q")); cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Error("q still quits")
		}
	}
	_, cmd := m.Update(keyMsg("x"))
	if cmd == nil {
		t.Fatal("x does not quit")
	}
	if _, quit := cmd().(tea.QuitMsg); !quit {
		t.Error("x does not quit")
	}
}

func TestCheckKeys(t *testing.T) {
	cases := []struct {
		name string
		keys map[string][]string
		want []KeyProblem
	}{
		{name: "none", keys: nil},
		{name: "valid", keys: map[string][]string{"sync": {"ctrl+r"}, "filter": {"f1", "/"}, "quit": {"Q"}}},
		{name: "unknown", keys: map[string][]string{"snyc": {"r"}}, want: []KeyProblem{{Action: "snyc", UnknownAction: true}}},
		{name: "empty", keys: map[string][]string{"sync": {}}, want: []KeyProblem{{Action: "sync", NoKeys: true}}},
		{name: "bad", keys: map[string][]string{"sync": {"r", "ctlr+r"}}, want: []KeyProblem{{Action: "sync", BadKey: "ctlr+r"}}},
		{name: "two words", keys: map[string][]string{"sync": {"rr"}}, want: []KeyProblem{{Action: "sync", BadKey: "rr"}}},
		{name: "default taken", keys: map[string][]string{"export": {"r"}}, want: []KeyProblem{{Action: "export", Taken: "r", Other: "sync"}}},
		{name: "both set", keys: map[string][]string{"export": {"x"}, "sync": {"x"}}, want: []KeyProblem{{Action: "sync", Taken: "x", Other: "export"}}},
		{name: "fixed", keys: map[string][]string{"help": {"ctrl+c"}}, want: []KeyProblem{{Action: "help", Taken: "ctrl+c", Other: "quit", OtherFixed: true}}},
		{name: "same key twice in one entry", keys: map[string][]string{"sync": {"r", "r"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckKeys(tc.keys)
			if len(got) != len(tc.want) {
				t.Fatalf("CheckKeys = %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("problem %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// A text that names a configurable key names the configured one: over
// SSH, a view that cannot be exported says to press export on a tab.
func TestConfiguredKeyInText(t *testing.T) {
	d, _ := activityDeps(t, "zh")
	d.ExportCommand = func(ExportRequest) string { return "ssh host export" }
	d.Keys = map[string][]string{"export": {"x"}}
	m := loaded(t, d, 100, 30)
	m = pressSaving(t, m, keyMsg("L"), keyMsg("x"))
	if want := "此表无法通过 SSH 导出；各标签页的表格可以（在其上按 x）"; m.flash != want {
		t.Errorf("flash %q, want %q", m.flash, want)
	}
}
