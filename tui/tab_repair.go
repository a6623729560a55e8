package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// repairPage is the 信用修复 tab: one table (embedded) of every penalty,
// its columns repairTab, its rows a repairRows made by buildRepair.
type repairPage struct {
	Table
}

var _ tab = (*repairPage)(nil)

func newRepairPage(c common) repairPage {
	return repairPage{c.newTable(repairColumns(c.cat), "empty")}
}

// apply takes the build's rows unless they are the ones held (reused).
func (p *repairPage) apply(b *built) {
	if !b.reused {
		p.SetIndexed(b.repair)
	}
}

func (p *repairPage) setSize(w, h int) { p.SetSize(w, h) }

func (p *repairPage) active() *Table { return &p.Table }

func (p *repairPage) update(msg tea.KeyMsg) { p.Table, _ = p.Update(msg) }

func (p *repairPage) view() string { return p.View() }

func (p *repairPage) summary(b *built) string { return b.repairSum }

// detail is worked out for the selected row only (repairDetail): the
// rows keep no detail line of their own.
func (p *repairPage) detail(r Row, in func() buildInput) string {
	if r.Detail != "" {
		return r.Detail
	}
	return repairDetail(in(), r.Key)
}

// keys: the actions on a penalty's repair (targetFor says which the
// selected row allows).
func (p *repairPage) keys(k *KeyMap) []*key.Binding { return targetKeys(k) }

func (p *repairPage) exportView() string { return "repair" }
