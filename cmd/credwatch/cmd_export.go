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

// exportViews are the views export knows: the TUI's tabs (tui.ExportFor).
var exportViews = []string{"check", "sharing", "sync", "repair", "queue"}

// runExport writes one view of the cache as xlsx, CSV or JSON: the rows
// and columns of the TUI's tab, built by the TUI's own code (tui.ExportFor)
// for this configuration's officer scope, language and day.
func (a *app) runExport(args []string) int {
	fs := newFlags("export")
	view := fs.String("view", "", "flag.export.view")
	format := fs.String("format", "csv", "flag.export.format")
	out := fs.String("out", "", "flag.export.out")
	var opt tui.TableOptions
	fs.StringVar(&opt.Filter, "filter", "", "flag.export.filter")
	fs.StringVar(&opt.Dept, "dept", "", "flag.export.dept")
	fs.StringVar(&opt.Sort, "sort", "", "flag.export.sort")
	fs.BoolVar(&opt.Desc, "desc", false, "flag.export.desc")
	if code, ok := parseFlags(fs, args, a.stdout, a.stderr); !ok {
		return code
	}
	usageErr := func(format string, args ...any) int {
		return usageError(&env{stderr: a.stderr}, "export", format, args...)
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
// it as the TUI's tab has it, typed (tui.ExportFor): whole dates instead of
// ages, codes as codes, counts as numbers, and how it was made (About).
func (a *app) exportOf(sc *store.Scoped, cachePath, view string, opt tui.TableOptions) (credit.Export, error) {
	snap, check, err := a.exportData(sc, view)
	if err != nil {
		return credit.Export{}, err
	}
	e, err := tui.ExportFor(view, a.tuiDeps(cachePath), snap, check, opt)
	if err != nil {
		return credit.Export{}, fmt.Errorf("export %s: %w", view, err)
	}
	return e, nil
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

// tuiDeps are the TUI's settings that decide what its tables hold: export
// builds tables with them, and the running TUI (cmd_tui.go) adds its store,
// events and actions to them, so the two cannot drift apart.
func (a *app) tuiDeps(cachePath string) tui.Deps {
	var infos []tui.EndpointInfo
	for _, ep := range a.endpointNames() {
		infos = append(infos, tui.EndpointInfo{Name: ep.Name, Feeds: ep.Feeds, Interval: ep.Interval})
	}
	infos = append(infos, a.sourceInfos()...)
	d := tui.Deps{Rules: a.rules, Depts: a.depts, Endpoints: infos, Holder: holderInfo(cachePath), Today: a.today, Now: a.now, Clock: time.Now, Lang: a.lang,
		Demo: a.demo, CachePath: cachePath, Officer: a.scope.Officer, OfficerDepts: a.scope.Depts,
		ReadOnly: true, DeadlineDays: a.cfg.DeadlineDays, SignoffSince: a.cfg.signoffSince(), Warnings: a.cfg.warnings()}
	a.cfg.UI.apply(&d)           // config_ui.go
	d.Background = runBackground // background.go
	return d
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
