package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// syncPage is the 同步状态 tab: the endpoints (endpointTab) over the
// departments (deptTab), moved through as one list.
type syncPage struct {
	endpoints, depts Table
	focus            int // 0: the endpoints, 1: the departments
}

var _ tab = (*syncPage)(nil)

func newSyncPage(c common) syncPage {
	p := syncPage{endpoints: c.newTable(endpointColumns(c.cat), "empty"), depts: c.newTable(deptColumns(c.cat), "empty")}
	p.depts.Blur()
	return p
}

func (p *syncPage) apply(b *built) {
	p.endpoints.SetRows(b.endpoints)
	p.depts.SetRows(b.depts)
}

// setSize gives the endpoints what they need up to half the height, the
// departments the rest, a blank line between.
func (p *syncPage) setSize(w, h int) {
	epH := max(min(p.endpoints.Len()+1, h/2), 2)
	p.endpoints.SetSize(w, epH)
	p.depts.SetSize(w, max(h-epH-1, 2))
}

func (p *syncPage) active() *Table { return activeOf(p.focus, &p.endpoints, &p.depts) }

func (p *syncPage) update(msg tea.KeyMsg) { moveStacked(msg, &p.focus, &p.endpoints, &p.depts) }

// focusOn focuses the endpoints (0) or the departments (1).
func (p *syncPage) focusOn(i int) { focusStacked(&p.focus, &p.endpoints, &p.depts, i) }

func (p *syncPage) view() string { return p.endpoints.View() + "\n\n" + p.depts.View() }

func (p *syncPage) summary(b *built) string { return b.syncSum }

func (p *syncPage) detail(r Row, _ func() buildInput) string { return r.Detail }

// keys: none of its own (r, sync now, is every tab's).
func (p *syncPage) keys(*KeyMap) []*key.Binding { return nil }

func (p *syncPage) exportView() string {
	if p.focus == 1 {
		return "depts"
	}
	return "sync"
}
