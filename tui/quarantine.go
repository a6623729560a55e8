package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
)

// ---- 异常数据 (abnormal data, the quarantine): items an endpoint sent that failed
// decoding or validation, kept with the reason, never stored as records ----

func quarantineColumns(c catalog) []Column {
	return []Column{
		{Title: c.t("col.time")},
		{Title: c.t("col.feed")},
		{Title: c.t("col.object"), Min: 10},
		{Title: c.t("col.reason"), Min: 16},
	}
}

// quarantineRows lists an endpoint's quarantined items (all endpoints when
// endpoint is ""), with the reason and a sanitised copy in the detail line.
func quarantineRows(in buildInput, items []credit.Quarantined, endpoint string) []Row {
	var rows []Row
	for _, q := range items {
		if endpoint != "" && q.Endpoint != endpoint {
			continue
		}
		rows = append(rows, Row{
			Key:    q.Endpoint + "\x00" + q.Feed + "\x00" + q.Key,
			Cells:  []string{clock(q.At, in.today), in.cat.feedLabel(q.Feed), cleanText(q.Key), cleanText(q.Reason)},
			Alert:  true,
			Detail: cleanText(q.Reason) + "  " + cleanText(q.Raw),
		})
	}
	return rows
}

// openQuarantine lists the quarantined items of an endpoint.
func (m Model) openQuarantine(endpoint string) (Model, tea.Cmd) {
	if m.d.Store == nil {
		return m, nil
	}
	v := m.push(viewQuarantine, m.cat.f("view.quarantine", cleanText(endpoint)), quarantineColumns(m.cat))
	v.loading = true
	id, st, in := v.id, m.d.Store, m.input()
	return m, func() tea.Msg {
		items, err := st.Quarantine()
		if err != nil {
			return recordsMsg{id: id, err: err}
		}
		return recordsMsg{id: id, rows: quarantineRows(in, items, endpoint)}
	}
}
