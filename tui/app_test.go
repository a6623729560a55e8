package tui

import (
	"bytes"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// TestApp runs the whole program under teatest at a fixed size, waits for the
// first snapshot, presses keys and compares the final View with a golden file
// in testdata/TestApp. Regenerate with: go test ./tui/ -run TestApp -update
func TestApp(t *testing.T) {
	cases := []struct {
		name string
		lang string
		w, h int
		keys []string
	}{
		{"80x24/sharing", "zh", 80, 24, []string{"j", "j", "down", "up", "j"}},
		{"80x24/sync", "zh", 80, 24, []string{"tab", "j", "j", "j", "j"}},
		{"80x24/repair", "zh", 80, 24, []string{"3", "G", "k", "k"}},
		{"80x24/queue", "zh", 80, 24, []string{"shift+tab", "j"}},
		{"80x24/help", "zh", 80, 24, []string{"4", "?"}},
		{"100x30/sharing", "zh", 100, 30, []string{"end", "k"}},
		{"100x30/sync", "zh", 100, 30, []string{"2", "j"}},
		{"100x30/repair", "zh", 100, 30, []string{"3", "pgdown", "home", "j"}},
		{"100x30/queue", "zh", 100, 30, []string{"tab", "tab", "tab", "j", "j"}},
		{"100x30/en-sharing", "en", 100, 30, []string{"j"}},
		{"100x30/en-repair", "en", 100, 30, []string{"3"}},
		{"100x30/en-queue", "en", 100, 30, []string{"4"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tm := teatest.NewTestModel(t, New(fixtureDeps(t, c.lang)), teatest.WithInitialTermSize(c.w, c.h))
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
				return bytes.Contains(b, []byte("监察支队")) // a row of the loaded snapshot
			}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
			for _, k := range c.keys {
				tm.Send(keyMsg(k))
			}
			tm.Send(keyMsg("q"))
			fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
			golden.RequireEqual(t, []byte(fm.View()))
		})
	}
}
