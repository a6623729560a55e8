package tui

import (
	"strings"
	"testing"
)

// TestWarningsOnEveryTab checks a configuration warning (TLS verification
// off) is on screen before the first snapshot and on every tab after it.
func TestWarningsOnEveryTab(t *testing.T) {
	d := fixtureDeps(t, "zh")
	d.Warnings = []string{"TLS verification is OFF for endpoint gov-service"}
	first := New(d)
	if !strings.Contains(first.View(), "TLS verification is OFF") {
		t.Errorf("warning missing before the first snapshot:\n%s", first.View())
	}
	m := loaded(t, d, 100, 30)
	for _, k := range []string{"1", "2", "3", "4", "5"} {
		m = keys(t, m, keyMsg(k))
		if v := m.View(); !strings.Contains(v, "! TLS verification is OFF for endpoint gov-service") {
			t.Errorf("tab %s: warning missing:\n%s", k, v)
		}
	}
}
