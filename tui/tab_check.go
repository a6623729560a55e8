package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// checkPage is the 每日核查 tab: the checklist (the embedded table) over
// the sign-off history. Its columns are checkTab and historyTab; its rows
// are buildCheck's.
type checkPage struct {
	Table         // the checklist
	history Table // the sign-off history, below it
	focus   int   // 0: the checklist, 1: the history
}

var _ tab = (*checkPage)(nil)

func newCheckPage(c common) checkPage {
	p := checkPage{Table: c.newTable(checkColumns(c.cat), "empty"), history: c.newTable(historyColumns(c.cat), "empty")}
	p.history.Blur()
	return p
}

func (p *checkPage) apply(b *built) {
	p.SetRows(b.check.items)
	p.history.SetRows(b.check.history)
}

// setSize gives the checklist what it needs and the history at least
// three lines, a blank line between.
func (p *checkPage) setSize(w, h int) {
	ckH := max(min(p.Len()+1, h-4), 2)
	p.SetSize(w, ckH)
	p.history.SetSize(w, max(h-ckH-1, 2))
}

func (p *checkPage) active() *Table        { return activeOf(p.focus, &p.Table, &p.history) }
func (p *checkPage) update(msg tea.KeyMsg) { moveStacked(msg, &p.focus, &p.Table, &p.history) }
func (p *checkPage) view() string          { return p.View() + "\n\n" + p.history.View() }

func (p *checkPage) summary(b *built) string {
	s := b.check.sum
	if b.check.err != "" {
		s = strings.TrimSpace(s + "  " + symBad + " " + b.check.err)
	}
	return s
}

func (p *checkPage) detail(r Row, _ func() buildInput) string { return r.Detail }

// keys: the sign-off, and the monthly report.
func (p *checkPage) keys(k *KeyMap) []*key.Binding { return []*key.Binding{&k.Signoff, &k.Report} }

func (p *checkPage) exportView() string {
	if p.focus == 1 {
		return "history"
	}
	return "check"
}
