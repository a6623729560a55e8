package tui

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// ExportTable writes a table as "csv" (UTF-8 with a byte-order mark so
// spreadsheet programs read the Chinese right, CRLF line ends, a header row
// of the column titles) or "json" (an array of objects keyed by column
// title, keys in column order). Rows shorter than cols get empty cells;
// cells beyond cols are dropped.
func ExportTable(w io.Writer, format string, cols []string, rows [][]string) error {
	cell := func(r []string, i int) string {
		if i < len(r) {
			return r[i]
		}
		return ""
	}
	switch format {
	case "csv":
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return fmt.Errorf("export csv: %w", err)
		}
		cw := csv.NewWriter(w)
		cw.UseCRLF = true
		if err := cw.Write(cols); err != nil {
			return fmt.Errorf("export csv: %w", err)
		}
		rec := make([]string, len(cols))
		for _, r := range rows {
			for i := range cols {
				rec[i] = cell(r, i)
			}
			if err := cw.Write(rec); err != nil {
				return fmt.Errorf("export csv: %w", err)
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("export csv: %w", err)
		}
		return nil
	case "json":
		bw := bufio.NewWriter(w)
		bw.WriteString("[")
		for n, r := range rows {
			if n > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n  {")
			for i, c := range cols {
				if i > 0 {
					bw.WriteString(", ")
				}
				k, _ := json.Marshal(c)
				v, _ := json.Marshal(cell(r, i))
				bw.Write(k)
				bw.WriteString(": ")
				bw.Write(v)
			}
			bw.WriteString("}")
		}
		if len(rows) > 0 {
			bw.WriteString("\n")
		}
		bw.WriteString("]\n")
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("export json: %w", err)
		}
		return nil
	}
	return fmt.Errorf("export: unknown format %q: want csv or json", format)
}

// TableFor builds the plain rows of a tab from a snapshot, as the TUI shows
// them for d (its language, today, the officer's departments and deadline
// window): view is "check", "sharing", "sync" (the endpoints), "repair" or
// "queue". The check needs check (from Store.CheckData); the other views
// ignore it. It does no I/O.
func TableFor(view string, d Deps, snap *credit.Snapshot, check *credit.CheckData) (cols []string, rows [][]string, err error) {
	cs, rs, err := tableFor(view, d, snap, check)
	if err != nil {
		return nil, nil, err
	}
	cols, rows = plain(cs, rs)
	return cols, rows, nil
}

// tableFor is TableFor's columns and rows.
func tableFor(view string, d Deps, snap *credit.Snapshot, check *credit.CheckData) ([]Column, []Row, error) {
	d = d.withDefaults()
	if snap == nil {
		snap = &credit.Snapshot{}
	}
	c := newCatalog(d.Lang)
	in := buildInput{
		snap: snap, rules: d.Rules, depts: d.Depts, endpoints: d.Endpoints, syncing: map[string]bool{},
		today: d.Today, now: d.Now(), clock: d.Clock(), cat: c, cachePath: d.CachePath,
		scope: d.OfficerDepts, deadlineDays: d.DeadlineDays, hasStore: true, check: check,
	}
	var y yearNotes
	var cs []Column
	var rs []Row
	switch view {
	case "check":
		if check == nil {
			return nil, nil, errors.New("table check: no check data")
		}
		v := buildCheck(in)
		if !v.ready {
			return nil, nil, fmt.Errorf("table check: %s", v.err)
		}
		cs, rs = checkColumns(c), v.items
	case "sharing":
		cs = sharingColumns(c)
		rs, _ = buildSharing(in, &y)
	case "sync":
		cs = endpointColumns(c)
		rs, _, _, _ = buildEndpoints(in)
	case "repair":
		cs = repairColumns(c)
		src, _ := buildRepair(in, &y)
		rs = table.AllRows(src)
		cs, rs = withoutColumn(cs, rs, colOfTitle(repairTab, "col.dept"))
	case "queue":
		cs = queueColumns(c)
		src, _ := buildQueue(in, &y)
		rs = table.AllRows(src)
		cs, rs = withoutColumn(cs, rs, colOfTitle(queueTab, "col.dept"))
	default:
		return nil, nil, fmt.Errorf("table %q: want check, sharing, sync, repair or queue", view)
	}
	return cs, rs, nil
}

// colOfTitle returns the index of the column of tab whose header is the
// message title, or -1.
func colOfTitle[R any](tab []tabColumn[R], title string) int {
	for i := range tab {
		if tab[i].title == title {
			return i
		}
	}
	return -1
}

// withoutColumn returns the columns and rows without column i (-1: as
// they are). TableFor leaves out the department column the repair and
// queue tabs gained, so that `credwatch export` writes the columns (and
// JSON keys) scripts were written against; ExportFor has it.
func withoutColumn(cs []Column, rs []Row, i int) ([]Column, []Row) {
	if i < 0 {
		return cs, rs
	}
	cs = slices.Delete(slices.Clone(cs), i, i+1)
	for j := range rs {
		if i < len(rs[j].Cells) {
			rs[j].Cells = slices.Delete(slices.Clone(rs[j].Cells), i, i+1)
		}
	}
	return cs, rs
}

// plain returns column titles and row cells.
func plain(cs []Column, rs []Row) ([]string, [][]string) {
	cols := make([]string, len(cs))
	for i, c := range cs {
		cols[i] = c.Title
	}
	rows := make([][]string, len(rs))
	for i, r := range rs {
		rows[i] = r.Cells
	}
	return cols, rows
}

// exportMsg reports a finished export.
type exportMsg struct {
	path string
	err  error
}

// viewTitle names what the screen shows: the tab, or the open view.
func (m *Model) viewTitle() string {
	if top := m.top(); top != nil {
		switch top.kind {
		case viewDetail:
			return m.cat.t("name.detail")
		case viewOutbox:
			return m.cat.t("view.outbox")
		case viewActivity:
			return m.cat.t("view.activity")
		}
		return m.cat.t("name.records")
	}
	return m.cat.t(tabKeys[m.tab])
}

// ExportRequest is an export of one tab's table as the officer sees it,
// for Deps.ExportCommand.
type ExportRequest struct {
	View   string // check, sharing, sync, repair or queue (TableFor's views)
	Format string // csv or json
	Filter string // the text filter in force, or ""
	Dept   string // the department filter in force (a department id), or ""
	Sort   string // the title of the sort column, or "" for the screen's order
	Desc   bool
}

// TableOptions narrow and order a table as the screen does.
type TableOptions struct {
	Filter string // keep rows containing this text (any case), as / does
	Dept   string // keep rows of this department id, as :320412 does
	Sort   string // sort by the column with this title (either language) or JSON key
	Desc   bool
}

// FilteredTable is TableFor with the rows filtered and sorted as
// opt asks, by the same code as the screen's table.
func FilteredTable(view string, d Deps, snap *credit.Snapshot, check *credit.CheckData, opt TableOptions) ([]string, [][]string, error) {
	cs, rs, err := tableFor(view, d, snap, check)
	if err != nil {
		return nil, nil, err
	}
	t := table.New(cs, table.DefaultStyles(), table.DefaultKeyMap())
	t.SetRows(rs)
	t.SetDeptFilter(opt.Dept)
	t.SetFilter(opt.Filter)
	if opt.Sort != "" {
		d.Lang = "en"
		en, _, err := tableFor(view, d, &credit.Snapshot{}, check)
		if err != nil {
			return nil, nil, err
		}
		col := -1
		var names []string
		for i := range cs {
			if strings.EqualFold(cs[i].Title, opt.Sort) || i < len(en) && (strings.EqualFold(en[i].Title, opt.Sort) || snakeKey(en[i].Title) == opt.Sort) {
				col = i
			}
			names = append(names, strconv.Quote(cs[i].Title))
		}
		if col < 0 {
			return nil, nil, fmt.Errorf("no column %q to sort by; the columns are %s", opt.Sort, strings.Join(names, ", "))
		}
		t.SetSort(col, opt.Desc)
	}
	cols, rows := plain(t.Columns(), t.Rows())
	return cols, rows, nil
}

// snakeKey is a column title as a JSON key ("Last push": last_push).
func snakeKey(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// exportRequest describes the active table for ExportCommand; ok is false
// for a table that is not one of TableFor's views (a drill-down, the
// check's history, the departments of the sync tab).
func (m *Model) exportRequest(format string) (ExportRequest, bool) {
	if len(m.stack) > 0 {
		return ExportRequest{}, false
	}
	view := m.tabAt(m.tab).exportView()
	if view == "history" || view == "depts" {
		return ExportRequest{}, false
	}
	t := m.activeTable()
	r := ExportRequest{View: view, Format: format, Filter: t.Filter(), Dept: t.DeptFilter()}
	if col, desc := t.Sort(); col >= 0 && col < len(t.Columns()) {
		r.Sort, r.Desc = t.Columns()[col].Title, desc
	}
	return r, true
}

// exportCmd writes the active table, as filtered and sorted on screen, to
// a file in $CREDWATCH_EXPORT_DIR (default: the current directory) named
// credwatch-<view>-<yyyymmdd>-<hhmm>.<csv|json>, in a command. With
// Deps.ExportCommand it writes nothing and shows the command instead; with
// Deps.Export it gives that the table typed (typedExportCmd).
func (m *Model) exportCmd(format string) tea.Cmd {
	if m.d.ExportCommand != nil {
		if r, ok := m.exportRequest(format); ok {
			m.flash, m.flashBad = m.cat.t("ssh.export"), false
			m.note = m.d.ExportCommand(r)
			m.resize()
		} else {
			m.flash, m.flashBad = m.cat.f("keys.sshnoexport", m.keys.Export.Help().Key), true
		}
		return nil
	}
	if m.d.Export != nil {
		return m.typedExportCmd(format)
	}
	t := m.activeTable()
	cols, rows := plain(t.Columns(), t.Rows())
	name := strings.NewReplacer(" ", "-", "/", "-", "\\", "-").Replace(m.viewTitle())
	stamp := m.d.Now().In(credit.ChinaZone).Format("20060102-1504")
	return func() tea.Msg {
		dir := os.Getenv("CREDWATCH_EXPORT_DIR")
		if dir == "" {
			dir = "."
		}
		base := fmt.Sprintf("credwatch-%s-%s", name, stamp)
		for n := 1; n < 100; n++ {
			file := base
			if n > 1 {
				file = fmt.Sprintf("%s-%d", base, n)
			}
			path := filepath.Join(dir, file+"."+format)
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if errors.Is(err, fs.ErrExist) {
				continue // an export earlier this minute: keep it
			}
			if err != nil {
				return exportMsg{err: fmt.Errorf("export %s: %w", path, err)}
			}
			err = ExportTable(f, format, cols, rows)
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("export %s: %w", path, cerr)
			}
			if abs, aerr := filepath.Abs(path); aerr == nil {
				path = abs
			}
			return exportMsg{path: path, err: err}
		}
		return exportMsg{err: fmt.Errorf("export %s: too many exports this minute", filepath.Join(dir, base))}
	}
}

func (m *Model) handleExport(msg exportMsg) {
	if msg.err != nil {
		m.flash, m.flashBad = m.cat.f("err.export", cleanText(msg.err.Error())), true
		return
	}
	m.flash, m.flashBad = symOK+" "+m.cat.f("done.export", msg.path), false
}
