package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// queuePage is the 修复后续 tab: one table (embedded) of the repairs
// waiting on a post-approval step, its columns queueTab, its rows a
// queueRows made by buildQueue.
type queuePage struct {
	Table
}

var _ tab = (*queuePage)(nil)

func newQueuePage(c common) queuePage {
	return queuePage{c.newTable(queueColumns(c.cat), "empty.queue")}
}

// apply takes the build's rows unless they are the ones held (reused).
func (p *queuePage) apply(b *built) {
	if !b.reused {
		p.SetIndexed(b.queue)
	}
}

func (p *queuePage) setSize(w, h int) { p.SetSize(w, h) }

func (p *queuePage) active() *Table { return &p.Table }

func (p *queuePage) update(msg tea.KeyMsg) { p.Table, _ = p.Update(msg) }

func (p *queuePage) view() string { return p.View() }

func (p *queuePage) summary(b *built) string { return b.queueSum }

func (p *queuePage) detail(r Row, _ func() buildInput) string { return r.Detail }

// keys: the actions on a penalty's repair (targetFor says which the
// selected row allows: on this tab, the national repair and a withdrawal).
func (p *queuePage) keys(k *KeyMap) []*key.Binding { return targetKeys(k) }

func (p *queuePage) exportView() string { return "queue" }
