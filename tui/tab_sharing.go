package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// sharingPage is the 数据共享清单 tab: one table (embedded), its columns
// sharingTab, its rows buildSharing's.
type sharingPage struct {
	Table
}

var _ tab = (*sharingPage)(nil)

func newSharingPage(c common) sharingPage {
	return sharingPage{c.newTable(sharingColumns(c.cat), "empty")}
}

func (p *sharingPage) apply(b *built) { p.SetRows(b.sharing) }

func (p *sharingPage) setSize(w, h int) { p.SetSize(w, h) }

func (p *sharingPage) active() *Table { return &p.Table }

func (p *sharingPage) update(msg tea.KeyMsg) { p.Table, _ = p.Update(msg) }

func (p *sharingPage) view() string { return p.View() }

func (p *sharingPage) summary(b *built) string { return b.sharingSum }

func (p *sharingPage) detail(r Row, _ func() buildInput) string { return r.Detail }

// keys: the monthly report.
func (p *sharingPage) keys(k *KeyMap) []*key.Binding { return []*key.Binding{&k.Report} }

func (p *sharingPage) exportView() string { return "sharing" }
