package main

import (
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/tui"
)

// deps are the TUI's dependencies as cmd/credwatch passes them, on the
// cache db (opened shared, as the binary does).
func deps(db *store.DB) tui.Deps {
	return tui.Deps{
		Store:     db.Scoped(credit.Scope{Officer: "值班员"}),
		Today:     today,
		Now:       now,
		CachePath: db.Path(),
		Endpoints: []tui.EndpointInfo{{Name: "sim", Feeds: feeds}},
	}
}

// runProgram runs m as a real Bubble Tea program (renderer included, no
// terminal) until it quits, and returns the final model.
func runProgram(tb testing.TB, m tea.Model) tui.Model {
	tb.Helper()
	p := tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignalHandler())
	final, err := p.Run()
	if err != nil {
		tb.Fatal(err)
	}
	return final.(tui.Model)
}

// loaded returns the TUI on the fixture's cache with every tab's data
// loaded, at 120x40.
func loaded(tb testing.TB, f *fixture) tui.Model {
	tb.Helper()
	lipgloss.SetColorProfile(termenv.Ascii)
	db, err := store.Open(f.cache, store.Options{ReadOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	m := runProgram(tb, tui.New(deps(db)).WithHooks(tui.Hooks{ExitAfterLoad: true}))
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	return mm.(tui.Model)
}

// BenchmarkStartup is the start-up of the TUI on a warm cache, in process:
// open the cache, build the model and run the program until the default
// tab (每日核查) has its data on screen. The binary's own figure, process
// start included, comes from .ci/perf.sh. Target: ≤ 150 ms at 100k,
// ≤ 500 ms at 1M.
func BenchmarkStartup(b *testing.B) {
	for _, n := range sizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			f := getFixture(b, n)
			lipgloss.SetColorProfile(termenv.Ascii)
			var view string
			for b.Loop() {
				db, err := store.Open(f.cache, store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				view = runProgram(b, tui.New(deps(db)).WithHooks(tui.Hooks{ExitAfterFirstFrame: true})).View()
				db.Close()
			}
			if !strings.Contains(view, "每日核查") {
				b.Fatalf("the first frame is not the daily check:\n%s", view)
			}
		})
	}
}

var tabs = []struct{ key, name string }{{"1", "check"}, {"2", "sharing"}, {"3", "sync"}, {"4", "repair"}, {"5", "queue"}}

func press(m tui.Model, k tea.KeyMsg) tui.Model {
	mm, _ := m.Update(k)
	return mm.(tui.Model)
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// BenchmarkView renders each tab with all its data. Target: ≤ 2 ms.
func BenchmarkView(b *testing.B) {
	for _, n := range sizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			base := loaded(b, getFixture(b, n))
			for _, tab := range tabs {
				b.Run(tab.name, func(b *testing.B) {
					m := press(base, runes(tab.key))
					for b.Loop() {
						_ = m.View()
					}
				})
			}
		})
	}
}

// BenchmarkKey is a keypress to its frame: Update on a cursor key, then
// View, on each tab. Target: ≤ 10 ms.
func BenchmarkKey(b *testing.B) {
	keys := []tea.KeyMsg{runes("j"), runes("j"), runes("k"), {Type: tea.KeyPgDown}, {Type: tea.KeyPgUp}, runes("k")}
	for _, n := range sizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			base := loaded(b, getFixture(b, n))
			for _, tab := range tabs {
				b.Run(tab.name, func(b *testing.B) {
					m := press(base, runes(tab.key))
					i := 0
					for b.Loop() {
						m = press(m, keys[i%len(keys)])
						_ = m.View()
						i++
					}
				})
			}
		})
	}
}

// BenchmarkFilter is one keystroke in the "/" filter of the 修复期限 tab,
// which has a row per cached penalty, to its frame: typing "化工" and
// deleting it again; the letters case types "ma", which the upper-case
// credit codes hold ("…MA…") in one case only. Target: ≤ 10 ms at 100k,
// ≤ 30 ms at 1M.
func BenchmarkFilter(b *testing.B) {
	bs := tea.KeyMsg{Type: tea.KeyBackspace}
	typed := map[string][]tea.KeyMsg{
		"":        {runes("化"), runes("工"), bs, bs},
		"letters": {runes("m"), runes("a"), bs, bs},
	}
	for _, n := range sizes() {
		for _, name := range []string{"", "letters"} {
			strokes := typed[name]
			b.Run(strings.TrimSuffix(sizeName(n)+"/"+name, "/"), func(b *testing.B) {
				m := press(loaded(b, getFixture(b, n)), runes("4"))
				m = press(m, runes("/"))
				i := 0
				for b.Loop() {
					m = press(m, strokes[i%len(strokes)])
					_ = m.View()
					i++
				}
			})
		}
	}
}
