package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// loaded returns a model of size w x h that has applied its first snapshot,
// driving Update by hand (no program, no goroutines).
func loaded(t testing.TB, d Deps, w, h int) Model {
	t.Helper()
	m := New(d)
	m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	snap, err := d.Snapshot()
	m = update(t, m, snapshotMsg{seq: m.seq, snap: snap, err: err})
	return m
}

func update(t testing.TB, m Model, msg tea.Msg) Model {
	t.Helper()
	nm, _ := m.Update(msg)
	return nm.(Model)
}

func keys(t testing.TB, m Model, ks ...tea.KeyMsg) Model {
	t.Helper()
	for _, k := range ks {
		m = update(t, m, k)
	}
	return m
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// keyMsg returns the tea.KeyMsg a terminal key produces.
func keyMsg(s string) tea.KeyMsg {
	special := map[string]tea.KeyType{
		"tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab, "up": tea.KeyUp, "down": tea.KeyDown,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"ctrl+c": tea.KeyCtrlC, "enter": tea.KeyEnter, "esc": tea.KeyEsc, "backspace": tea.KeyBackspace,
	}
	if k, ok := special[s]; ok {
		return tea.KeyMsg{Type: k}
	}
	return runes(s)
}

func ansiWidth(s string) int { return ansi.StringWidth(s) }

// colOf returns the index of the column of tab whose header is the
// message title, so that tests name the cell they read.
func colOf[R any](tab []tabColumn[R], title string) int {
	for i := range tab {
		if tab[i].title == title {
			return i
		}
	}
	panic("no column " + title)
}

// Columns of the repair and queue tabs the tests read.
var (
	repSection  = colOf(repairTab, "col.section")
	repEligible = colOf(repairTab, "col.eligible")
	repLeft     = colOf(repairTab, "col.remaining")
	repStatus   = colOf(repairTab, "col.status")
	repThree    = colOf(repairTab, "col.three")
	qStage      = colOf(queueTab, "col.stage")
	qStatus     = colOf(queueTab, "col.status")
)
