package tui

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// ExportFor is FilteredTable typed: the rows of view as the TUI shows them
// for d, filtered and sorted as opt asks by the screen's table code, with
// every value whole and typed as credit.Export defines them (codes as
// CellCode, counts as CellNumber, days as CellDate and instants as
// CellTime instead of the screen's ages and days left; status text in a
// column of its own where the screen puts it beside a value). The repair
// and queue tables have the department and the rule set of each penalty.
// About says the view, filter, department, sort, business date, officer,
// rule sets and data time. view is one of TableFor's, or "history" (the
// sign-off history) or "depts" (the sync tab's departments); check is
// needed for "check". The outbox is not among them: it is read from the
// Store, which ExportFor is not given. It does no I/O.
func ExportFor(view string, d Deps, snap *credit.Snapshot, check *credit.CheckData, opt TableOptions) (credit.Export, error) {
	if view == "outbox" {
		return credit.Export{}, fmt.Errorf("export outbox: the outbox is exported from the TUI (o, then e)")
	}
	d = d.withDefaults()
	if snap == nil {
		snap = &credit.Snapshot{}
	}
	in := exportInput(d, snap, check)
	te, err := viewExport(view, in, nil)
	if err != nil {
		return credit.Export{}, err
	}
	t := table.New(te.cols, table.DefaultStyles(), table.DefaultKeyMap())
	t.SetIndexed(table.Index(te.src))
	t.SetDeptFilter(opt.Dept)
	t.SetFilter(opt.Filter)
	col := -1
	if opt.Sort != "" {
		if col = te.column(opt.Sort); col < 0 {
			names := make([]string, len(te.cols))
			for i := range te.cols {
				names[i] = strconv.Quote(te.cols[i].Title)
			}
			return credit.Export{}, fmt.Errorf("no column %q to sort by; the columns are %s", opt.Sort, strings.Join(names, ", "))
		}
		t.SetSort(col, opt.Desc)
	}
	shown := make([]int, t.Len())
	for j := range shown {
		shown[j] = t.SourceIndex(j)
	}
	return te.export(in, shown, exportState{filter: opt.Filter, dept: opt.Dept, sort: col, desc: opt.Desc, officer: d.Officer}), nil
}

// exportInput is the buildInput of ExportFor and TableFor: the rows as the
// TUI shows them for d.
func exportInput(d Deps, snap *credit.Snapshot, check *credit.CheckData) buildInput {
	return buildInput{
		snap: snap, rules: d.Rules, depts: d.Depts, endpoints: d.Endpoints, syncing: map[string]bool{},
		today: d.Today, now: d.Now(), clock: d.Clock(), cat: newCatalog(d.Lang), cachePath: d.CachePath,
		scope: d.OfficerDepts, deadlineDays: d.DeadlineDays, hasStore: true, check: check,
	}
}

// tabExport is one view's rows as its table holds them, to filter and sort
// them as the screen does, and as an export writes them.
type tabExport struct {
	name  string    // the view's title
	src   RowSource // the screen's rows
	cols  []Column  // the screen's columns
	en    []string  // each screen column's English header
	keys  []string  // each screen column's export key ("" for none)
	ecols []credit.ExportColumn
	cells func(i int) []string // the export's cells of src's row i
}

// newTabExport is the tabExport of a tab whose row i of src is made from
// line(i).
func newTabExport[R any](c catalog, name string, tab []tabColumn[R], src RowSource, line func(i int) *R) tabExport {
	te := tabExport{name: name, src: src, cols: tabColumns(c, tab), en: make([]string, len(tab)), keys: make([]string, len(tab)),
		ecols: exportColumns(c, tab), cells: func(i int) []string { return exportCells(tab, line(i)) }}
	en := newCatalog("en")
	for i := range tab {
		te.en[i], te.keys[i] = tab[i].header(en), tab[i].key
	}
	return te
}

// sliceExport is newTabExport for a tab whose rows are held in lines,
// each with the row made from it.
func sliceExport[R any](c catalog, name string, tab []tabColumn[R], lines []R, row func(*R) Row) tabExport {
	rows := make([]Row, len(lines))
	for i := range lines {
		rows[i] = row(&lines[i])
	}
	return newTabExport(c, name, tab, table.Rows(rows), func(i int) *R { return &lines[i] })
}

// column returns the index of the screen column named name: its header in
// either language, its export key or its English header as a key, or -1.
func (te *tabExport) column(name string) int {
	for i := range te.cols {
		if strings.EqualFold(te.cols[i].Title, name) || strings.EqualFold(te.en[i], name) ||
			te.keys[i] != "" && te.keys[i] == name || snakeKey(te.en[i]) == name {
			return i
		}
	}
	return -1
}

// viewExport works out view's rows from in. reuse, if set, is the repair
// or queue tab's RowSource as the screen holds it, taken instead of a
// build.
func viewExport(view string, in buildInput, reuse RowSource) (tabExport, error) {
	c := in.cat
	var y yearNotes
	switch view {
	case "check":
		if in.check == nil {
			return tabExport{}, fmt.Errorf("export check: no check data")
		}
		v := buildCheck(in)
		if !v.ready {
			return tabExport{}, fmt.Errorf("export check: %s", v.err)
		}
		lines := make([]checkLine, len(v.items))
		for i, r := range v.items {
			lines[i], _ = newCheckLine(in, v.byID[r.Key])
		}
		items := v.items
		return newTabExport(c, c.t("tab.check"), checkTab, table.Rows(items), func(i int) *checkLine { return &lines[i] }), nil
	case "history":
		lines, _ := historyLines(in)
		return sliceExport(c, c.t("name.history"), historyTab, lines, func(x *historyLine) Row { return x.row }), nil
	case "sharing":
		lines, _ := sharingLines(in, &y)
		return sliceExport(c, c.t("tab.sharing"), sharingTab, lines, func(x *sharingRow) Row { return x.row }), nil
	case "sync":
		lines, _, _, _ := endpointLines(in)
		return sliceExport(c, c.t("tab.sync"), endpointTab, lines, func(x *endpointLine) Row { return x.row }), nil
	case "depts":
		lines := deptLines(in)
		return sliceExport(c, c.t("name.depts"), deptTab, lines, func(x *deptLine) Row { return x.row }), nil
	case "repair":
		src, ok := reuse.(*repairRows)
		if !ok {
			src, _ = buildRepair(in, &y)
		}
		return newTabExport(c, c.t("tab.repair"), repairTab, src, src.line), nil
	case "queue":
		src, ok := reuse.(*queueRows)
		if !ok {
			src, _ = buildQueue(in, &y)
		}
		return newTabExport(c, c.t("tab.queue"), queueTab, src, src.line), nil
	case "outbox":
		lines, _, _, _ := outboxLines(in)
		return sliceExport(c, c.t("view.outbox"), outboxTab, lines, func(x *outboxLine) Row { return x.row }), nil
	}
	return tabExport{}, fmt.Errorf("export %q: want check, history, sharing, sync, depts, repair, queue or outbox", view)
}

// exportState is how the rows of an export were chosen: the table's
// filters and sort, and who asked.
type exportState struct {
	filter, dept string
	sort         int // screen column; -1: the screen's order
	desc         bool
	officer      string
}

// export returns the export of the rows shown (indices into te.src, in
// order), with its About.
func (te *tabExport) export(in buildInput, shown []int, st exportState) credit.Export {
	et := credit.ExportTable{Name: te.name, Columns: slices.Clone(te.ecols), Rows: make([][]string, 0, len(shown))}
	for _, i := range shown {
		et.Rows = append(et.Rows, te.cells(i))
	}
	for j := range et.Columns {
		w := 0
		for _, r := range et.Rows {
			w = max(w, table.Width(r[j]))
		}
		et.Columns[j].Width = max(w, table.Width(et.Columns[j].Title))
	}
	return credit.Export{Tables: []credit.ExportTable{et}, About: te.about(in, &et, st)}
}

// about is an export's facts: the view, how its rows were chosen, the day,
// the officer, the rule sets and the data's time.
func (te *tabExport) about(in buildInput, et *credit.ExportTable, st exportState) []credit.ExportFact {
	c := in.cat
	fact := func(key, v string) credit.ExportFact { return credit.ExportFact{Name: c.t(key), Value: v} }
	sort := ""
	if st.sort >= 0 && st.sort < len(te.cols) {
		dir := c.t("about.asc")
		if st.desc {
			dir = c.t("about.desc")
		}
		sort = te.cols[st.sort].Title + " " + dir
	}
	dept := ""
	if st.dept != "" {
		dept = in.depts.FullName(st.dept) + " (" + st.dept + ")"
	}
	// The rule sets: those that placed the rows, where the table says;
	// else every rule set the rules hold.
	var sets []string
	if j := slices.IndexFunc(et.Columns, func(col credit.ExportColumn) bool { return col.Key == "rule_set" }); j >= 0 {
		seen := map[string]bool{}
		for _, r := range et.Rows {
			seen[r[j]] = r[j] != ""
		}
		sets = slices.Sorted(maps.Keys(seen))
		sets = slices.DeleteFunc(sets, func(s string) bool { return !seen[s] })
	} else {
		for _, rs := range in.rules.Sets {
			sets = append(sets, rs.Name)
		}
	}
	var newest time.Time
	for _, ep := range in.snap.Endpoints {
		newest = latest(newest, ep.LastSuccess)
	}
	return []credit.ExportFact{
		fact("about.view", te.name),
		fact("about.filter", st.filter),
		fact("about.dept", dept),
		fact("about.sort", sort),
		fact("about.today", in.today.String()),
		fact("about.officer", cleanText(st.officer)),
		fact("about.rulesets", strings.Join(sets, ", ")),
		fact("about.datatime", timeValue(newest)),
		fact("about.readat", timeValue(in.snap.TakenAt)),
	}
}

// exportFormat is the format e exports in: xlsx when Deps.Export writes
// the file, else csv.
func (m *Model) exportFormat() string {
	if m.d.Export != nil && m.d.ExportCommand == nil {
		return "xlsx"
	}
	return "csv"
}

// exportFormats are the formats :export takes.
func (m *Model) exportFormats() []string {
	if m.d.Export != nil && m.d.ExportCommand == nil {
		return []string{"xlsx", "csv", "json"}
	}
	return []string{"csv", "json"}
}

// exportView names the active table for viewExport: a tab's, the
// outbox's ("outbox"), or "" for another view opened over the tabs (a
// drill-down, a detail), which has no typed columns.
func (m *Model) exportView() string {
	if top := m.top(); top != nil {
		if top.kind == viewOutbox {
			return "outbox"
		}
		return ""
	}
	return m.tabAt(m.tab).exportView()
}

// typedExportCmd gives Deps.Export the active table as shown (its filter,
// department and sort), typed as ExportFor types it, in a command; a view
// opened over the tabs goes as the text of its cells. The command works
// on copies of what it reads of the model, and on the repair and queue
// tabs' row sources as the screen holds them (read-only once built).
func (m *Model) typedExportCmd(format string) tea.Cmd {
	t := m.activeTable()
	st := exportState{filter: t.Filter(), dept: t.DeptFilter(), officer: m.d.Officer}
	st.sort, st.desc = t.Sort()
	in := m.input()
	in.syncing, in.signoffs, in.outbox = maps.Clone(in.syncing), maps.Clone(in.signoffs), slices.Clone(in.outbox)
	export := m.d.Export
	src := t.Source()
	shown := make([]int, t.Len())
	for j := range shown {
		shown[j] = t.SourceIndex(j)
	}
	view := m.exportView()
	if top := m.top(); top != nil && top.kind == viewActivity {
		// The log's rows are its lines, in order: typed like a tab's.
		te := sliceExport(m.cat, m.viewTitle(), activityTab, slices.Clone(top.activity), func(x *activityLine) Row { return tabRow(activityTab, x) })
		return func() tea.Msg {
			path, err := export(te.export(in, shown, st), format)
			return exportMsg{path: path, err: err}
		}
	}
	if view == "" {
		te := screenExport(m.viewTitle(), src, t.Columns())
		return func() tea.Msg {
			path, err := export(te.export(in, shown, st), format)
			return exportMsg{path: path, err: err}
		}
	}
	// The slice tabs' lines are made again in the command: find the rows
	// shown by key.
	var keys []string
	if view != "repair" && view != "queue" {
		keys = make([]string, len(shown))
		for j, i := range shown {
			keys[j] = src.Row(i).Key
		}
	}
	return func() tea.Msg {
		te, err := viewExport(view, in, src)
		if err != nil {
			return exportMsg{err: err}
		}
		rows := shown
		if keys != nil {
			pos := make(map[string]int, te.src.Len())
			for i := range te.src.Len() {
				pos[te.src.Row(i).Key] = i
			}
			rows = make([]int, 0, len(keys))
			for _, k := range keys {
				if i, ok := pos[k]; ok {
					rows = append(rows, i)
				}
			}
		}
		path, err := export(te.export(in, rows, st), format)
		return exportMsg{path: path, err: err}
	}
}

// screenExport is the tabExport of a table with no typed columns: its
// cells as text, keyed by the English-like form of their headers.
func screenExport(name string, src RowSource, cols []Column) tabExport {
	te := tabExport{name: name, src: src, cols: cols, en: make([]string, len(cols)), keys: make([]string, len(cols)),
		cells: func(i int) []string {
			cells := src.Row(i).Cells
			out := make([]string, len(cols))
			copy(out, cells)
			return out
		}}
	for i, c := range cols {
		key := snakeKey(c.Title)
		if key == "" {
			key = "col_" + strconv.Itoa(i+1)
		}
		te.en[i], te.keys[i] = c.Title, key
		te.ecols = append(te.ecols, credit.ExportColumn{Title: c.Title, Key: key})
	}
	return te
}
