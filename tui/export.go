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
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
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
		rs = allRows(src)
	case "queue":
		cs = queueColumns(c)
		src, _ := buildQueue(in, &y)
		rs = allRows(src)
	default:
		return nil, nil, fmt.Errorf("table %q: want check, sharing, sync, repair or queue", view)
	}
	cols, rows = plain(cs, rs)
	return cols, rows, nil
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
		}
		return m.cat.t("name.records")
	}
	return m.cat.t(tabKeys[m.tab])
}

// exportCmd writes the active table, as filtered and sorted on screen, to
// a file in $CREDWATCH_EXPORT_DIR (default: the current directory) named
// credwatch-<view>-<yyyymmdd>-<hhmm>.<csv|json>, in a command.
func (m *Model) exportCmd(format string) tea.Cmd {
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
