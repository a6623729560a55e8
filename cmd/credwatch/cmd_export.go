package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/tui"
)

// exportViews are the views export knows: the TUI's tabs (tui.TableFor).
var exportViews = []string{"check", "sharing", "sync", "repair", "queue"}

// runExport writes one view of the cache as CSV or JSON: the rows and
// columns of the TUI's tab, built by the TUI's own code (tui.TableFor) for
// this configuration's officer scope, language and day.
func (a *app) runExport(args []string) int {
	fs := newFlags("export")
	view := fs.String("view", "", "the tab `NAME`: check, sharing, sync, repair or queue")
	format := fs.String("format", "csv", "`csv|json`: csv (UTF-8 with BOM, CRLF: opens in Excel) or json (an array of objects)")
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
	case *format != "csv" && *format != "json":
		return usageErr("--format must be csv or json, not %q", *format)
	case opt.Desc && opt.Sort == "":
		return usageErr("--desc needs --sort")
	}
	db, err := a.openCache(true)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	defer db.Close()
	cols, rows, err := a.exportTable(db.Scoped(a.scope), db.Path(), *view, *format, opt)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch export: %v\n", err)
		return 1
	}
	write := func(w io.Writer) error { return tui.ExportTable(w, *format, cols, rows) }
	if *out == "" {
		bw := bufio.NewWriter(a.stdout)
		err := write(bw)
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			fmt.Fprintf(a.stderr, "credwatch export: write: %v\n", err)
			return 1
		}
		return 0
	}
	if err := writeFileAtomic(*out, write); err != nil {
		fmt.Fprintf(a.stderr, "credwatch export: %v\n", err)
		return 1
	}
	fmt.Fprintf(a.stderr, "credwatch export: %d rows of %s to %s\n", len(rows), *view, *out)
	return 0
}

// exportTable reads the view's data through the officer's scope and
// returns its header and rows: the column titles for CSV, snake_case keys
// for JSON.
func (a *app) exportTable(sc *store.Scoped, cachePath, view, format string, opt tui.TableOptions) ([]string, [][]string, error) {
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
	return a.exportRows(view, format, cachePath, snap, check, opt)
}

// exportRows builds the view's table from data already read; it does no I/O.
func (a *app) exportRows(view, format, cachePath string, snap *credit.Snapshot, check *credit.CheckData, opt tui.TableOptions) ([]string, [][]string, error) {
	d := a.tuiDeps(cachePath)
	cols, rows, err := tui.FilteredTable(view, d, snap, check, opt)
	if err != nil || format != "json" {
		return cols, rows, err
	}
	d.Lang = "en"
	en, _, err := tui.TableFor(view, d, &credit.Snapshot{}, check)
	if err != nil {
		return nil, nil, err
	}
	return jsonKeys(en), rows, nil
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
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
