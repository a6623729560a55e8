package tui

import (
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
)

// runCommand runs a ":" command line:
//
//	:q                      quit
//	:penalty/CF-2026-0801   open a record by key
//	:常武应急罚〔2024〕5号     open a cached penalty by document number
//	:常武应急罚[2024]5号       (the same: brackets, widths and spaces fold)
//	:320412  :武进           filter the current tab to a department
//	:export csv             export the table (csv, json; xlsx with Deps.Export)
//	:save NAME  :load NAME  :delete NAME  :views   named views (viewstate.go)
func (m Model) runCommand(text string) (Model, tea.Cmd) {
	q := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), ":"))
	switch q {
	case "":
		return m, nil
	case "q", "q!", "quit", "wq":
		return m, tea.Quit
	}
	if m, ok := m.viewCommand(q); ok {
		return m, nil
	}
	if f, ok := strings.CutPrefix(q, "export"); ok && (f == "" || f[0] == ' ') {
		format := strings.ToLower(strings.TrimSpace(f))
		if format == "" {
			format = m.exportFormat()
		}
		if !slices.Contains(m.exportFormats(), format) {
			// Echo the format as typed (PDF, not pdf).
			m.flash, m.flashBad = m.cat.f("err.exportformat", cleanText(strings.TrimSpace(f)), strings.Join(m.exportFormats(), ", ")), true
			return m, nil
		}
		return m, m.exportCmd(format)
	}
	if i := strings.Index(q, "/"); i > 0 && credit.Kind(q[:i]).Valid() {
		m.stack = nil
		return m.openRecordKey(q)
	}
	if key, rec := m.findDocNo(q); key != "" {
		m.stack = nil
		return m.openRecordKey(key)
	} else if rec != nil {
		m.stack = nil
		m.openDetail(*rec)
		return m, nil
	}
	if dept, ok := m.findDept(q); ok {
		m.filterDept(dept)
		return m, nil
	}
	m.flash, m.flashBad = m.cat.f("cmd.notfound", cleanText(q)), true
	return m, nil
}

// findDocNo finds a cached penalty (its key), or else a record listed in an
// open view, by its document number (决定书文号) however it is typed:
// brackets of any kind, full- or half-width, with or without spaces
// (credit.SameDocNo).
func (m *Model) findDocNo(q string) (key string, rec *credit.Record) {
	if m.snap != nil {
		for i := range m.snap.Penalties.Len() {
			if p := m.snap.Penalties.At(i); credit.SameDocNo(p.DocNo, q) {
				return p.Key(), nil
			}
		}
	}
	for i := range m.stack {
		for j := range m.stack[i].recs {
			if credit.SameDocNo(m.stack[i].recs[j].DocNo, q) {
				rec := m.stack[i].recs[j]
				return "", &rec
			}
		}
	}
	return "", nil
}

// findDept finds a department by identifier, division code (when only one
// department has it), or a part of its short or full name.
func (m *Model) findDept(q string) (credit.Department, bool) {
	all := m.d.Depts.All()
	if d, ok := m.d.Depts.Get(q); ok {
		return d, true
	}
	var byCode []credit.Department
	for _, d := range all {
		if d.Code != "" && d.Code == q {
			byCode = append(byCode, d)
		}
	}
	if len(byCode) == 1 {
		return byCode[0], true
	}
	for _, d := range all {
		if strings.Contains(d.Short, q) {
			return d, true
		}
	}
	for _, d := range all {
		if strings.Contains(d.Name, q) {
			return d, true
		}
	}
	return credit.Department{}, false
}

// filterDept filters the current tab to a department. The checklist is not
// a list of departments' rows, so from the check tab it jumps to the sharing
// list.
func (m *Model) filterDept(d credit.Department) {
	m.stack = nil
	if m.tab == tabCheck {
		m.tab = tabSharing
	}
	switch m.tab {
	case tabSync:
		m.sync.depts.SetDeptFilter(d.ID)
		m.sync.focusOn(1)
	default:
		m.activeTable().SetDeptFilter(d.ID)
	}
	m.flash = m.cat.f("cmd.dept", d.Name)
	m.resize()
}
