package tui

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
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

func buildEndpoints(in buildInput) (rows []Row, failing int, synced bool, newest time.Time) {
	lines, failing, synced, newest := endpointLines(in)
	rows = make([]Row, len(lines))
	for i := range lines {
		rows[i] = lines[i].row
	}
	return rows, failing, synced, newest
}

// endpointLines works out the sync tab's endpoint rows and what their
// cells are made from (endpointTab).
func endpointLines(in buildInput) (lines []endpointLine, failing int, synced bool, newest time.Time) {
	c := in.cat
	status := map[string]credit.EndpointStatus{}
	for _, st := range in.snap.Endpoints {
		status[st.Name] = st
	}
	list := slices.DeleteFunc(slices.Clone(in.endpoints), func(e EndpointInfo) bool {
		_, known := status[e.Name]
		return e.Manual && !known
	})
	for _, st := range in.snap.Endpoints {
		if !slices.ContainsFunc(list, func(e EndpointInfo) bool { return e.Name == st.Name }) {
			list = append(list, EndpointInfo{Name: st.Name, Feeds: st.Feeds})
		}
	}
	for _, ep := range list {
		st := status[ep.Name]
		if ep.Feeds == nil { // a source of records: the kinds it has delivered
			ep.Feeds = st.Feeds
		}
		feeds := make([]string, 0, len(ep.Feeds))
		for _, f := range ep.Feeds {
			if k := credit.Kind(f); k.Valid() {
				feeds = append(feeds, k.Short())
			} else {
				feeds = append(feeds, c.feedLabel(f))
			}
		}
		iv := cmp.Or(st.Interval, ep.Interval, credit.DefaultSyncInterval)
		if ep.Manual {
			iv = 0 // a manual import is never stale
		}
		judged := credit.JudgeEndpoint(st, ep.Feeds, iv, in.clock)
		bad := judged.Bad()
		var sym, state string
		switch {
		case in.syncing[ep.Name]:
			sym, state = symSyncing, c.t("state.sync")
		case judged == credit.StateFailing:
			sym, state = symBad, c.t("state.error")
		case judged == credit.StateStale:
			sym, state = symBad, c.t("state.stale")
		case judged == credit.StateIncomplete:
			sym, state = symBad, c.t("state.incomplete")
		case judged == credit.StateNever:
			sym, state = symNone, c.t("state.never")
		default:
			sym, state = symOK, c.t("state.ok")
		}
		if bad {
			failing++
		}
		if !st.LastSuccess.IsZero() || judged == credit.StateIncomplete {
			synced = true
			if st.LastSuccess.After(newest) {
				newest = st.LastSuccess
			}
		}
		errText := cleanText(st.LastError)
		detail := c.f("sync.epdetail", st.Items, cleanText(ep.Name), c.age(in.clock, st.LastAttempt), c.age(in.clock, st.LastSuccess))
		if st.LastError != "" {
			detail += c.f("sync.errsince", clock(st.ErrorSince, in.today), errText)
		}
		if st.RetryAt.After(in.clock) {
			detail += c.f("sync.retryat", clock(st.RetryAt, in.today))
		}
		if inc := st.Incomplete(ep.Feeds); len(inc) > 0 && st.LastError == "" {
			detail += c.f("sync.incomplete", strings.Join(inc, ","))
		}
		if st.RetryAt.After(in.clock) && errText != "" {
			errText = c.f("sync.retrycell", clock(st.RetryAt, in.today)) + errText
		}
		x := endpointLine{c: c, clock: in.clock, st: st, name: cleanText(ep.Name), feeds: strings.Join(feeds, c.t("feeds.sep")),
			sym: sym, state: state, errText: errText}
		x.row = tabRow(endpointTab, &x)
		x.row.Key, x.row.Alert, x.row.Detail = ep.Name, bad, detail
		lines = append(lines, x)
	}
	return lines, failing, synced, newest
}

// endpointLine is what a sync tab endpoint row's cells are made from,
// worked out by endpointLines, and the row made from it.
type endpointLine struct {
	c                   catalog
	clock               time.Time
	st                  credit.EndpointStatus
	name, feeds         string
	sym, state, errText string
	row                 Row
}

// endpointTab is the sync tab's endpoint columns, in order: each one's
// header, layout, cell, sort key and export. To add a column, add an
// entry here.
var endpointTab = []tabColumn[endpointLine]{
	{title: "col.endpoint", col: Column{Min: 8}, key: "endpoint", cell: func(x *endpointLine) string { return x.name }},
	{title: "col.feeds", col: Column{Min: 6}, key: "feeds", cell: func(x *endpointLine) string { return x.feeds }},
	{title: "col.state", key: "state", cell: func(x *endpointLine) string { return x.sym + " " + x.state },
		value: func(x *endpointLine) string { return x.state }},
	{title: "col.lastok", col: Column{Min: 8}, key: "last_success", typ: credit.CellTime,
		cell:  func(x *endpointLine) string { return x.c.age(x.clock, x.st.LastSuccess) },
		sort:  func(x *endpointLine) string { return timeKey(x.st.LastSuccess) },
		value: func(x *endpointLine) string { return timeValue(x.st.LastSuccess) },
		more: []exportColumn[endpointLine]{{title: "col.lastattempt", key: "last_attempt", typ: credit.CellTime,
			value: func(x *endpointLine) string { return timeValue(x.st.LastAttempt) }}}},
	{title: "col.failures", col: Column{Right: true}, key: "failures", typ: credit.CellNumber,
		cell: func(x *endpointLine) string { return strconv.Itoa(x.st.Failures) }},
	{title: "col.lasterr", col: Column{Min: 8}, key: "last_error", cell: func(x *endpointLine) string { return x.errText }},
}

// endpointColumns are the sync tab's endpoint columns (endpointTab).
func endpointColumns(c catalog) []Column { return tabColumns(c, endpointTab) }

// buildDepts works out the sync tab's department rows: every department in
// the officer's scope, then the unknown ones the cache has records of.
func buildDepts(in buildInput) []Row {
	lines := deptLines(in)
	rows := make([]Row, 0, len(lines))
	for _, l := range lines {
		rows = append(rows, l.row)
	}
	return rows
}

// deptLines works out the sync tab's department rows and what their cells
// are made from (deptTab).
func deptLines(in buildInput) []deptLine {
	stats := map[string]credit.DeptStats{}
	for _, s := range in.snap.Depts {
		stats[s.Dept] = s
	}
	ids := make([]string, 0, len(in.depts.All())+len(in.snap.Depts))
	for _, d := range in.depts.All() {
		if in.inScope(d.ID) {
			ids = append(ids, d.ID)
		}
	}
	var unknown []string
	for _, s := range in.snap.Depts {
		if _, ok := in.depts.Get(s.Dept); !ok && in.inScope(s.Dept) {
			unknown = append(unknown, s.Dept)
		}
	}
	slices.Sort(unknown)
	ids = append(ids, unknown...)
	c := in.cat
	lines := make([]deptLine, 0, len(ids))
	for _, id := range ids {
		x := deptLine{c: c, clock: in.clock, id: id, short: in.depts.ShortName(id), st: stats[id]}
		for _, k := range credit.Kinds {
			x.total += x.st.Records[k]
		}
		x.row = tabRow(deptTab, &x)
		x.row.Key, x.row.Dept, x.row.Search = id, id, in.deptSearch(id)
		x.row.Detail = c.f("sync.dept", in.depts.FullName(id), x.total, c.age(in.clock, x.st.LastReceived))
		lines = append(lines, x)
	}
	return lines
}

// deptLine is what a sync tab department row's cells are made from, and
// the row made from it.
type deptLine struct {
	c         catalog
	clock     time.Time
	id, short string
	st        credit.DeptStats
	total     int
	row       Row
}

// deptTab is the sync tab's department columns, in order: the department,
// a count per kind of record (credit.Kinds), the total and the last
// receipt. To add a column, add an entry here.
var deptTab = func() []tabColumn[deptLine] {
	tab := []tabColumn[deptLine]{{title: "col.dept", col: Column{Min: 6, Collate: true}, key: "dept",
		cell: func(x *deptLine) string { return x.short },
		more: []exportColumn[deptLine]{{title: "col.deptcode", key: "dept_code", typ: credit.CellCode,
			value: func(x *deptLine) string { return x.id }}}}}
	for _, k := range credit.Kinds {
		tab = append(tab, tabColumn[deptLine]{head: k.Short(), col: Column{Right: true},
			key: string(k), typ: credit.CellNumber,
			cell: func(x *deptLine) string { return strconv.Itoa(x.st.Records[k]) }})
	}
	return append(tab,
		tabColumn[deptLine]{title: "col.total", col: Column{Right: true}, key: "total", typ: credit.CellNumber,
			cell: func(x *deptLine) string { return strconv.Itoa(x.total) }},
		tabColumn[deptLine]{title: "col.lastrecv", col: Column{Min: 8}, key: "last_received", typ: credit.CellTime,
			cell:  func(x *deptLine) string { return x.c.age(x.clock, x.st.LastReceived) },
			sort:  func(x *deptLine) string { return timeKey(x.st.LastReceived) },
			value: func(x *deptLine) string { return timeValue(x.st.LastReceived) }})
}()

// deptColumns are the sync tab's department columns (deptTab).
func deptColumns(c catalog) []Column { return tabColumns(c, deptTab) }
