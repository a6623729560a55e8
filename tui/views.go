package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// viewKind is what a view opened over the tabs shows.
type viewKind int

const (
	viewRecords    viewKind = iota // a list of records (drill-down)
	viewDetail                     // every field of one record
	viewOutbox                     // actions not yet accepted by the agencies
	viewSharing                    // the sharing-list rows of some departments
	viewQuarantine                 // an endpoint's quarantined items
	viewQueue                      // some of the 修复后续 tab's rows: the check's stuck repair items
	viewRepair                     // some of the 信用修复 tab's rows: the check's penalties lacking 三同步 steps
	viewActivity                   // today's events and the officer's actions (activity.go)
)

// stackView is one view opened over the tabs; esc closes it.
type stackView struct {
	kind    viewKind
	id      uint64
	title   string
	table   Table
	recs    []credit.Record // the records listed, or the record detailed
	depts   []string        // viewSharing: the departments shown
	keys    []string        // viewQueue, viewRepair: the rows shown (penalty keys)
	loading bool
	err     string
	// viewActivity: the events shown, and the summary of them.
	activity []activityLine
	sum      string
}

// recordsMsg is the reply to a records read for view id.
type recordsMsg struct {
	id   uint64
	recs []credit.Record
	rows []Row // built on the command's goroutine (records views)
	err  error
}

// top returns the top view, or nil when the tabs show.
func (m *Model) top() *stackView {
	if n := len(m.stack); n > 0 {
		return &m.stack[n-1]
	}
	return nil
}

// push opens a view over the current one.
func (m *Model) push(kind viewKind, title string, cols []Column) *stackView {
	m.viewSeq++
	t := table.New(cols, m.styles.Table, m.keys.Table)
	t.SetEmpty(m.cat.t("empty"))
	t.SetEmptyFiltered(m.cat.t("table.nomatch"))
	m.stack = append(m.stack, stackView{kind: kind, id: m.viewSeq, title: title, table: t})
	m.resize()
	return m.top()
}

// canOpen reports whether enter opens something from the selected row.
func (m *Model) canOpen() bool {
	r, ok := m.activeTable().Selected()
	if !ok {
		return false
	}
	if top := m.top(); top != nil {
		switch top.kind {
		case viewRecords, viewSharing:
			return m.d.Store != nil || top.kind == viewRecords
		case viewQueue, viewRepair:
			return m.d.Store != nil || m.penalty(r.Key) != nil
		}
		return false
	}
	switch m.tab {
	case tabCheck:
		if m.check.focus != 0 {
			return false
		}
		it, ok := m.view.check.byID[r.Key]
		if !ok {
			return false
		}
		return (len(it.Keys) > 0 && m.d.Store != nil) || len(it.Depts) > 0 || len(it.Names) > 0 ||
			it.ID == credit.CheckReceived || it.ID == credit.CheckEndpoints
	case tabSharing:
		return m.d.Store != nil
	case tabSync:
		return m.d.Store != nil && m.sync.focus == 0 // an endpoint: its quarantine
	case tabRepair, tabQueue:
		return m.d.Store != nil || m.penalty(r.Key) != nil
	}
	return false
}

// open drills down from the selected row.
func (m Model) open() (Model, tea.Cmd) {
	if !m.canOpen() {
		return m, nil
	}
	r, _ := m.activeTable().Selected()
	if top := m.top(); top != nil {
		switch top.kind {
		case viewRecords:
			for i := range top.recs {
				if top.recs[i].Key() == r.Key {
					m.openDetail(top.recs[i])
					return m, nil
				}
			}
		case viewSharing:
			return m.openDeptRecords(r.Key)
		case viewQueue, viewRepair:
			return m.openRecordKey(r.Key)
		}
		return m, nil
	}
	switch m.tab {
	case tabCheck:
		it := m.view.check.byID[r.Key]
		text := m.cat.text(it.Text)
		switch {
		case it.ID == credit.CheckStuck && len(it.Keys) > 0:
			// Why each is stuck: its stage, since when, the due date and
			// the status, as the 修复后续 tab shows them.
			v := m.push(viewQueue, m.cat.f("view.checkrecs", cleanText(text)), queueColumns(m.cat))
			v.keys = slices.Clone(it.Keys)
			m.refreshStack()
		case it.ID == credit.CheckThreeInStepID && len(it.Keys) > 0:
			// The penalties with the 信用修复 tab's columns, its 三同步 column
			// saying which steps are missing.
			v := m.push(viewRepair, m.cat.f("view.checkrecs", cleanText(text)), repairColumns(m.cat))
			v.keys = slices.Clone(it.Keys)
			m.refreshStack()
		case len(it.Keys) > 0:
			title := m.cat.f("view.checkrecs", cleanText(text))
			return m.openRecords(title, func(st Store) ([]credit.Record, error) { return st.Records(it.Keys) })
		case len(it.Depts) > 0:
			v := m.push(viewSharing, m.cat.f("view.checkdepts", cleanText(text)), sharingColumns(m.cat))
			v.depts = slices.Clone(it.Depts)
			m.refreshStack()
		default:
			m.setTab(tabSync)
		}
	case tabSharing:
		return m.openDeptRecords(r.Key)
	case tabSync:
		return m.openQuarantine(r.Key)
	case tabRepair, tabQueue:
		return m.openRecordKey(r.Key)
	}
	return m, nil
}

// openDeptRecords lists the records of a sharing-list row ("dept/kind").
func (m Model) openDeptRecords(rowKey string) (Model, tea.Cmd) {
	i := strings.LastIndex(rowKey, "/")
	if i < 0 || m.d.Store == nil {
		return m, nil
	}
	dept, kind := rowKey[:i], credit.Kind(rowKey[i+1:])
	title := m.cat.f("view.deptrecs", m.d.Depts.ShortName(dept), kind.Chinese())
	return m.openRecords(title, func(st Store) ([]credit.Record, error) { return st.DeptRecords(dept, kind) })
}

// openRecords opens a records view and reads its records in a command,
// building the rows there too.
func (m Model) openRecords(title string, read func(Store) ([]credit.Record, error)) (Model, tea.Cmd) {
	if m.d.Store == nil {
		return m, nil
	}
	v := m.push(viewRecords, title, recordColumns(m.cat))
	v.loading = true
	id, st, in := v.id, m.d.Store, m.input()
	return m, func() tea.Msg {
		recs, err := read(st)
		if err != nil {
			return recordsMsg{id: id, err: err}
		}
		return recordsMsg{id: id, recs: recs, rows: recordRows(in, recs)}
	}
}

// penalty returns the summary of the cached penalty with the given key, or
// nil.
func (m *Model) penalty(key string) *credit.PenaltySummary { return findPenalty(m.snap, key) }

// openRecordKey opens the detail of a record by key, read through the Store
// (the snapshot holds only penalties' summaries). Without a Store, a
// penalty's detail shows its summary.
func (m Model) openRecordKey(key string) (Model, tea.Cmd) {
	if rec := m.penalty(key); rec != nil && m.d.Store == nil {
		m.openDetail(rec.Record())
		return m, nil
	}
	if m.d.Store == nil {
		m.flash, m.flashBad = m.cat.f("cmd.notfound", key), true
		return m, nil
	}
	v := m.push(viewDetail, m.cat.f("view.detail", key), detailColumns(m.cat))
	v.loading = true
	id, st := v.id, m.d.Store
	return m, func() tea.Msg {
		recs, err := st.Records([]string{key})
		if err == nil && len(recs) == 0 {
			return recordsMsg{id: id, err: notFoundError{key}}
		}
		return recordsMsg{id: id, recs: recs, err: err}
	}
}

type notFoundError struct{ key string }

func (e notFoundError) Error() string { return e.key }

// openDetail opens the detail view of a record held in memory.
func (m *Model) openDetail(rec credit.Record) {
	title := m.cat.f("view.detail", strings.TrimSpace(cleanText(rec.SubjectName)+" "+cleanText(rec.DocNo)))
	v := m.push(viewDetail, title, detailColumns(m.cat))
	v.recs = []credit.Record{rec}
	m.refreshStack()
}

func (m *Model) handleRecords(msg recordsMsg) {
	for i := range m.stack {
		v := &m.stack[i]
		if v.id != msg.id {
			continue
		}
		v.loading = false
		var nf notFoundError
		switch {
		case errors.As(msg.err, &nf):
			v.err = m.cat.f("cmd.notfound", nf.key)
		case msg.err != nil:
			v.err = m.cat.f("err.records", cleanText(msg.err.Error()))
		case v.kind == viewDetail:
			v.recs = msg.recs[:1]
			rec := &v.recs[0]
			v.title = m.cat.f("view.detail", strings.TrimSpace(cleanText(rec.SubjectName)+" "+cleanText(rec.DocNo)))
			v.table.SetRows(detailRows(m.input(), rec))
		default:
			v.recs = msg.recs
			v.table.SetRows(msg.rows)
		}
		m.resize()
		return
	}
}

// refreshStack recomputes the views that show snapshot data: a record's
// repair, the outbox and sharing-list rows change with each snapshot.
func (m *Model) refreshStack() {
	in := m.input()
	for i := range m.stack {
		v := &m.stack[i]
		switch v.kind {
		case viewDetail:
			if len(v.recs) > 0 {
				v.table.SetRows(detailRows(in, &v.recs[0]))
			}
		case viewOutbox:
			v.table.SetRows(m.view.outbox)
		case viewSharing:
			var rows []Row
			for _, r := range m.view.sharing {
				if slices.Contains(v.depts, r.Dept) {
					rows = append(rows, r)
				}
			}
			v.table.SetRows(rows)
		case viewQueue, viewRepair:
			var rows []Row
			src := m.view.queue.Source()
			if v.kind == viewRepair {
				src = m.view.repair.Source()
			}
			if src != nil {
				for _, k := range v.keys {
					if i := src.Find(k); i >= 0 {
						rows = append(rows, src.Row(i))
					}
				}
			}
			v.table.SetRows(rows)
		}
	}
}

// openOutbox shows the outbox over the current view.
func (m *Model) openOutbox() {
	if m.d.Store == nil {
		return
	}
	if top := m.top(); top != nil && top.kind == viewOutbox {
		return
	}
	m.push(viewOutbox, m.cat.t("view.outbox"), outboxColumns(m.cat))
	m.refreshStack()
}

// currentTarget is the penalty the action keys would act on: the detailed
// record, or the selected row of the repair or queue tab.
func (m *Model) currentTarget() (target, bool) {
	if top := m.top(); top != nil {
		if top.kind != viewDetail || len(top.recs) == 0 {
			return target{}, false
		}
		rec := &top.recs[0]
		if rec.Kind != credit.Penalty {
			return target{}, false
		}
		// A record opened by key from outside the officer's departments
		// can be read, not acted on.
		if len(m.d.OfficerDepts) > 0 && !slices.Contains(m.d.OfficerDepts, rec.Dept) {
			return target{}, false
		}
		if t, ok := targetOfKey(m.snap, m.d.Rules, m.today(), rec.Key()); ok {
			return t, true
		}
		return m.targetOf(rec), true
	}
	if m.tab != tabRepair && m.tab != tabQueue {
		return target{}, false
	}
	r, ok := m.activeTable().Selected()
	if !ok {
		return target{}, false
	}
	return targetOfKey(m.snap, m.d.Rules, m.today(), r.Key)
}

// targetOf works out the actions on a penalty outside the snapshot's rows
// (one read through the Store, or outside the officer's departments).
func (m *Model) targetOf(rec *credit.Record) target {
	var rep *credit.Repair
	if m.snap != nil {
		rep = repairOf(m.snap, rec.Key())
	}
	ps, err := m.d.Rules.Pipeline(rep, m.today())
	if err != nil {
		return target{key: rec.Key()}
	}
	rd, _ := m.d.Rules.RepairFor(rec, rep) // zero dates when the rules cannot place it
	sum := credit.Summarize(rec)
	return targetFor(rec.Key(), &sum, rep, ps, rd, m.today())
}

// selectedFailedOutbox returns the outbox item selected in the outbox view
// and whether it failed (and so may be retried).
func (m *Model) selectedFailedOutbox() (credit.OutboxItem, bool) {
	top := m.top()
	if top == nil || top.kind != viewOutbox {
		return credit.OutboxItem{}, false
	}
	r, ok := top.table.Selected()
	if !ok {
		return credit.OutboxItem{}, false
	}
	for _, it := range m.outbox {
		if fmt.Sprint(it.Seq) == r.Key {
			return it, it.State == credit.OutboxFailed
		}
	}
	return credit.OutboxItem{}, false
}
