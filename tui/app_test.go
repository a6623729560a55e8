package tui

import (
	"bytes"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// TestApp runs the whole program under teatest at a fixed size over a fake
// store of the fixture, waits for the first load, presses keys and compares
// the final View with a golden file in testdata/TestApp. Regenerate with:
// go test ./tui/ -run TestApp -update
func TestApp(t *testing.T) {
	cases := []struct {
		name string
		lang string
		w, h int
		keys []string
		snap bool   // the Snapshot-only path, without a Store
		wait string // shown once what the keys open has been read
	}{
		{name: "80x24/check", lang: "zh", w: 80, h: 24, keys: []string{"j", "j"}},
		{name: "80x24/sharing", lang: "zh", w: 80, h: 24, keys: []string{"2", "j", "j", "down", "up", "j"}},
		{name: "80x24/sync", lang: "zh", w: 80, h: 24, keys: []string{"3", "j", "j", "j", "j"}},
		{name: "80x24/repair", lang: "zh", w: 80, h: 24, keys: []string{"4", "G", "k", "k"}},
		{name: "80x24/queue", lang: "zh", w: 80, h: 24, keys: []string{"shift+tab", "j"}},
		{name: "80x24/help", lang: "zh", w: 80, h: 24, keys: []string{"5", "?"}},
		// The narrowest: the sharing tab keeps its overdue columns.
		{name: "60x20/sharing", lang: "zh", w: 60, h: 20, keys: []string{"2", "j"}},
		{name: "100x30/check", lang: "zh", w: 100, h: 30, keys: []string{"j", "j", "j", "j"}},
		{name: "100x30/sharing", lang: "zh", w: 100, h: 30, keys: []string{"tab", "end", "k"}},
		{name: "100x30/sync", lang: "zh", w: 100, h: 30, keys: []string{"3", "j"}},
		{name: "100x30/repair", lang: "zh", w: 100, h: 30, keys: []string{"4", "pgdown", "home", "j"}},
		{name: "100x30/queue", lang: "zh", w: 100, h: 30, keys: []string{"tab", "tab", "tab", "tab", "j", "j"}},
		{name: "100x30/detail", lang: "zh", w: 100, h: 30, keys: []string{"5", "enter"}, wait: "[信用修复]"},
		{name: "100x30/outbox", lang: "zh", w: 100, h: 30, keys: []string{"o", "j"}},
		// The outbox's history: failed, pending, then accepted actions
		// with the agency's receipt, newest first.
		{name: "80x24/outbox", lang: "zh", w: 80, h: 24, keys: []string{"o", "j", "j"}},
		{name: "100x30/en-outbox", lang: "en", w: 100, h: 30, keys: []string{"o", "G"}},
		{name: "100x30/en-check", lang: "en", w: 100, h: 30, keys: []string{"j"}},
		{name: "100x30/en-sharing", lang: "en", w: 100, h: 30, keys: []string{"2", "j"}},
		{name: "100x30/en-sync", lang: "en", w: 100, h: 30, keys: []string{"3"}},
		{name: "100x30/en-repair", lang: "en", w: 100, h: 30, keys: []string{"4"}},
		{name: "100x30/en-queue", lang: "en", w: 100, h: 30, keys: []string{"5"}},
		{name: "100x30/en-detail", lang: "en", w: 100, h: 30, keys: []string{"4", "enter"}, wait: "[Credit repair]"},
		// Wide enough for the repair and queue tabs' department column,
		// which yields first when narrower.
		{name: "200x30/repair", lang: "zh", w: 200, h: 30, keys: []string{"4", "j"}},
		{name: "160x30/queue", lang: "zh", w: 160, h: 30, keys: []string{"5", "j"}},
		{name: "160x30/repair", lang: "zh", w: 160, h: 30, keys: []string{"4", "j"}},
		{name: "100x30/snapshot-only", lang: "zh", w: 100, h: 30, keys: []string{"j"}, snap: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dp, _ := storeDeps(t, c.lang)
			if c.snap {
				dp = fixtureDeps(t, c.lang)
			}
			tm := startProgram(t, dp, c.w, c.h)
			for _, k := range c.keys {
				tm.Send(keyMsg(k))
			}
			if c.wait != "" {
				teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(c.wait)) },
					teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
			}
			tm.Send(keyMsg("q"))
			fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
			golden.RequireEqual(t, []byte(fm.View()))
		})
	}
}

// startProgram runs the whole program at w x h over dp and returns once its
// data is on screen. The store path shows the overview first and reads the
// penalties after it; keys sent before that read lands would act on tabs
// that are still loading (seen under -race in CI), so over a Store it also
// waits for Rebuilt, which is called once the full read has been applied.
func startProgram(t *testing.T, dp Deps, w, h int) *teatest.TestModel {
	t.Helper()
	full := make(chan struct{}, 1)
	var hooks Hooks
	if dp.Store != nil {
		hooks.Rebuilt = func() {
			select {
			case full <- struct{}{}:
			default:
			}
		}
	} else {
		full <- struct{}{} // a Snapshot is read in one go
	}
	tm := teatest.NewTestModel(t, New(dp).WithHooks(hooks), teatest.WithInitialTermSize(w, h))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("监察支队")) // a row of the loaded snapshot
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	select {
	case <-full:
	case <-time.After(5 * time.Second):
		t.Fatal("the full read of the store was not applied within 5s")
	}
	return tm
}
