package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/sync/sheet"
	"github.com/czyj/credwatch/tui"
)

// exportViews are the views export knows: the TUI's tabs (tui.TableFor).
var exportViews = []string{"check", "sharing", "sync", "repair", "queue"}

// runExport writes one view of the cache as xlsx, CSV or JSON: the rows
// and columns of the TUI's tab, built by the TUI's own code (tui.TableFor)
// for this configuration's officer scope, language and day.
func (a *app) runExport(args []string) int {
	fs := newFlags("export")
	view := fs.String("view", "", "the tab `NAME`: check, sharing, sync, repair or queue")
	format := fs.String("format", "csv", "`csv|json|xlsx`: csv (UTF-8 with BOM, CRLF: opens in Excel), json (an array of objects) or xlsx (a workbook: to --out, to the export directory on a terminal, else to standard output)")
	out := fs.String("out", "", "write to `FILE` (replaced atomically; always UTF-8) instead of standard output")
	var opt tui.TableOptions
	fs.StringVar(&opt.Filter, "filter", "", "keep the rows containing `TEXT` (any case), as / does in the TUI")
	fs.StringVar(&opt.Dept, "dept", "", "keep the rows of department `ID`, as :320412 does in the TUI")
	fs.StringVar(&opt.Sort, "sort", "", "sort by the `COLUMN` with this title (Chinese or English) or JSON key")
	fs.BoolVar(&opt.Desc, "desc", false, "with --sort: descending")
	if code, ok := parseFlags(fs, args, a.stdout, a.stderr); !ok {
		return code
	}
	usageErr := func(format string, args ...any) int {
		flagError(a.stderr, "export", fmt.Sprintf(format, args...))
		return 2
	}
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected argument %q", fs.Arg(0))
	case !slices.Contains(exportViews, *view):
		return usageErr("--view must be one of %s, not %q", strings.Join(exportViews, ", "), *view)
	case !slices.Contains(sheet.ExportFormats, *format):
		return usageErr("--format must be csv, json or xlsx, not %q", *format)
	case opt.Desc && opt.Sort == "":
		return usageErr("--desc needs --sort")
	}
	db, err := a.openCache(true)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	defer db.Close()
	e, err := a.exportOf(db.Scoped(a.scope), db.Path(), *view, opt)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch export: %v\n", err)
		return 1
	}
	stdout := a.stdout
	if *format == "xlsx" && a.binStdout != nil {
		stdout = a.binStdout // a workbook is bytes, never re-encoded by --encoding
	}
	if *out == "" && !(*format == "xlsx" && isTerminal(stdout)) {
		bw := bufio.NewWriter(stdout)
		err := sheet.WriteExportLang(bw, *format, a.lang, e)
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			fmt.Fprintf(a.stderr, "credwatch export: write: %v\n", err)
			return 1
		}
		return 0
	}
	path, err := a.writeExport(e, *format, *out)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch export: %v\n", err)
		return 1
	}
	fmt.Fprintf(a.stderr, "credwatch export: %d rows of %s to %s\n", len(e.Tables[0].Rows), *view, path)
	return 0
}

// isTerminal reports whether w is a terminal (a character device: a Unix
// tty or the Windows console), where a workbook's bytes must not go.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// exportOf reads the view's data through the officer's scope and returns
// it as an export.
//
// Interim: the rows are tui.FilteredTable's display strings, turned into
// an export by exportTableAsExport; when tui.ExportFor (typed columns,
// whole values) is merged, the two lines after exportData become a call
// to it, and the adapter goes.
func (a *app) exportOf(sc *store.Scoped, cachePath, view string, opt tui.TableOptions) (credit.Export, error) {
	snap, check, err := a.exportData(sc, view)
	if err != nil {
		return credit.Export{}, err
	}
	cols, rows, err := tui.FilteredTable(view, a.tuiDeps(cachePath), snap, check, opt)
	if err != nil {
		return credit.Export{}, err
	}
	keys, err := a.exportKeys(view, cachePath, check)
	if err != nil {
		return credit.Export{}, err
	}
	return a.exportTableAsExport(view, cols, keys, rows, opt), nil
}

// exportTableAsExport is the interim adapter from the TUI's plain table
// (titles, JSON keys, rows of display strings) to a credit.Export: every
// column is CellText, so JSON keeps strings and xlsx writes text cells,
// byte for byte what csv and json wrote before. tui.ExportFor replaces it
// with typed columns and whole values.
func (a *app) exportTableAsExport(view string, titles, keys []string, rows [][]string, opt tui.TableOptions) credit.Export {
	t := credit.ExportTable{Name: exportViewTitle(view, a.lang), Rows: rows}
	for i, title := range titles {
		t.Columns = append(t.Columns, credit.ExportColumn{Title: title, Key: keys[i], Type: credit.CellText})
	}
	return credit.Export{Tables: []credit.ExportTable{t}, About: a.exportAbout(view, opt)}
}

// exportViewTitle names a view as the TUI's tab does, for a sheet and a
// file name.
func exportViewTitle(view, lang string) string {
	titles := map[string][2]string{
		"check": {"每日核查", "Daily check"}, "sharing": {"数据共享清单", "Sharing list"}, "sync": {"同步状态", "Sync status"},
		"repair": {"信用修复", "Credit repair"}, "queue": {"修复后续", "After repair"},
	}
	t, ok := titles[view]
	if !ok {
		return view
	}
	if lang == "en" {
		return t[1]
	}
	return t[0]
}

// exportAbout is how the export was made, for the xlsx About sheet.
func (a *app) exportAbout(view string, opt tui.TableOptions) []credit.ExportFact {
	en := a.lang == "en"
	name := func(zh, eng string) string {
		if en {
			return eng
		}
		return zh
	}
	sort := opt.Sort
	if sort != "" && opt.Desc {
		sort += name("（降序）", " (descending)")
	}
	depts := strings.Join(a.scope.Depts, ", ")
	if depts == "" {
		depts = name("全部", "all")
	}
	return []credit.ExportFact{
		{Name: name("视图", "View"), Value: exportViewTitle(view, a.lang)},
		{Name: name("筛选", "Filter"), Value: opt.Filter},
		{Name: name("部门筛选", "Department filter"), Value: opt.Dept},
		{Name: name("排序", "Sort"), Value: sort},
		{Name: name("业务日期", "Business date"), Value: a.today.String()},
		{Name: name("值班人员", "Officer"), Value: a.scope.Officer},
		{Name: name("负责部门", "Departments"), Value: depts},
		{Name: name("导出时间", "Exported at"), Value: a.now().Format("2006-01-02 15:04")},
	}
}

// exportData reads what the view's table is built from, through the
// officer's scope: the snapshot, and for the check and the sharing list
// the daily check's data.
func (a *app) exportData(sc *store.Scoped, view string) (*credit.Snapshot, *credit.CheckData, error) {
	snap, err := sc.Snapshot()
	if err != nil {
		return nil, nil, err
	}
	var check *credit.CheckData
	if view == "check" || view == "sharing" { // the sharing list's timeliness is the check's reckoning
		since, err := a.rules.LastWorkingDayStart(a.today)
		if err != nil {
			return nil, nil, fmt.Errorf("the daily check: %w", err)
		}
		if check, err = sc.CheckData(since); err != nil {
			return nil, nil, err
		}
	}
	return snap, check, nil
}

// exportRows builds the view's table from data already read: its header
// (the column titles for CSV, snake_case keys for JSON) and rows. It does
// no I/O.
func (a *app) exportRows(view, format, cachePath string, snap *credit.Snapshot, check *credit.CheckData, opt tui.TableOptions) ([]string, [][]string, error) {
	cols, rows, err := tui.FilteredTable(view, a.tuiDeps(cachePath), snap, check, opt)
	if err != nil || format != "json" {
		return cols, rows, err
	}
	keys, err := a.exportKeys(view, cachePath, check)
	return keys, rows, err
}

// exportKeys are the view's JSON keys: its English column titles in
// snake_case (jsonKeys).
func (a *app) exportKeys(view, cachePath string, check *credit.CheckData) ([]string, error) {
	d := a.tuiDeps(cachePath)
	d.Lang = "en"
	en, _, err := tui.TableFor(view, d, &credit.Snapshot{}, check)
	if err != nil {
		return nil, err
	}
	return jsonKeys(en), nil
}

// tuiDeps are the TUI's settings that decide what its tables hold: export
// builds tables with them, and the running TUI (cmd_tui.go) adds its store,
// events and actions to them, so the two cannot drift apart.
func (a *app) tuiDeps(cachePath string) tui.Deps {
	var infos []tui.EndpointInfo
	for _, ep := range a.endpointNames() {
		infos = append(infos, tui.EndpointInfo{Name: ep.Name, Feeds: ep.Feeds, Interval: ep.Interval})
	}
	infos = append(infos, a.sourceInfos()...)
	return tui.Deps{Rules: a.rules, Depts: a.depts, Endpoints: infos, Holder: holderInfo(cachePath), Today: a.today, Now: a.now, Clock: time.Now, Lang: a.lang,
		Demo: a.demo, CachePath: cachePath, Officer: a.scope.Officer, OfficerDepts: a.scope.Depts,
		ReadOnly: true, DeadlineDays: a.cfg.DeadlineDays, SignoffSince: a.cfg.signoffSince(), Warnings: a.cfg.warnings()}
}

// jsonKeys turns English column titles into snake_case keys: "Last push"
// becomes last_push, "Doc no." doc_no. A title with no ASCII letters or
// digits becomes col_N, and a repeated key gets _2, _3.
func jsonKeys(titles []string) []string {
	keys := make([]string, len(titles))
	seen := map[string]int{}
	for i, t := range titles {
		var b strings.Builder
		for _, r := range strings.ToLower(t) {
			switch {
			case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				b.WriteRune(r)
			case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
				b.WriteByte('_')
			}
		}
		k := strings.TrimSuffix(b.String(), "_")
		if k == "" {
			k = fmt.Sprintf("col_%d", i+1)
		}
		if seen[k]++; seen[k] > 1 {
			k = fmt.Sprintf("%s_%d", k, seen[k])
		}
		keys[i] = k
	}
	return keys
}

// writeFileAtomic writes a file next to path and renames it over path, so
// a reader (or a crash) never sees half an export.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := writeTemp(path, write)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
