package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/sync/sheet"
)

// runReport writes the monthly 双公示 report (docs/report.md) for the
// officer's departments: xlsx by default, to standard output or --out.
func (a *app) runReport(args []string) int {
	fs := newFlags("report")
	month := fs.String("month", "", "flag.report.month")
	format := fs.String("format", "xlsx", "flag.report.format")
	out := fs.String("out", "", "flag.report.out")
	if code, ok := parseFlags(fs, args, a.stdout, a.stderr); !ok {
		return code
	}
	m := credit.MonthOf(credit.AddMonths(a.today, -1))
	if *month != "" {
		var err error
		if m, err = credit.ParseMonth(*month); err != nil {
			fmt.Fprintf(a.stderr, "credwatch report: %v\n", err)
			return 2
		}
	}
	switch *format {
	case "xlsx", "text", "csv", "json":
	default:
		fmt.Fprintf(a.stderr, "credwatch report: --format must be xlsx, text, csv or json, not %q\n", *format)
		return 2
	}
	db, err := a.openCache(true)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	defer db.Close()
	rep, err := a.monthReport(db.Scoped(a.scope), m)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch report: %v\n", err)
		return 1
	}
	write := func(w io.Writer) error {
		return sheet.WriteReport(w, *format, rep, a.depts.ShortName)
	}
	if *out == "" {
		bw := bufio.NewWriter(a.stdout)
		if err := write(bw); err != nil || bw.Flush() != nil {
			fmt.Fprintf(a.stderr, "credwatch report: %v\n", err)
			return 1
		}
		return 0
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".report-*")
	if err == nil {
		err = write(tmp)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), *out)
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch report: write %s: %v\n", *out, err)
		return 1
	}
	return 0
}

// monthReport reads what the report needs from the cache, for the scope's
// departments, and computes it (credit.Rules.MonthReport).
func (a *app) monthReport(db *store.Scoped, m credit.Month) (*credit.MonthReport, error) {
	snap, err := db.Snapshot()
	if err != nil {
		return nil, err
	}
	var recs []credit.Record
	for _, d := range snap.Depts {
		if !a.scope.Allows(d.Dept) {
			continue
		}
		for _, k := range credit.Kinds {
			if d.Records[k] == 0 {
				continue
			}
			rs, err := db.DeptRecords(d.Dept, k)
			if err != nil {
				return nil, err
			}
			recs = append(recs, rs...)
		}
	}
	var reps []credit.RepairRef
	for i := range snap.Repairs.Len() {
		r := snap.Repairs.At(i)
		if j := snap.Penalties.Index(strings.TrimPrefix(r.RecordKey, string(credit.Penalty)+"/")); j >= 0 {
			reps = append(reps, credit.RepairRef{Dept: snap.Penalties.Dept(j), Repair: r})
		}
	}
	rep, err := a.rules.MonthReport(m, a.today, recs, reps, a.scope.Depts)
	if err != nil {
		return nil, err
	}
	rep.Quarantined = snap.Quarantine
	return &rep, nil
}

// reportFile is the TUI's M key (tui.Deps.Report): it writes the report
// of a month as credwatch-月报-YYYY-MM.xlsx into the export directory
// (export_dir, created if missing), never replacing a file, and returns
// its absolute path.
func (a *app) reportFile(db *store.DB) func(credit.Month) (string, error) {
	return func(m credit.Month) (string, error) {
		rep, err := a.monthReport(db.Scoped(a.scope), m)
		if err != nil {
			return "", err
		}
		dir, err := a.exportDir()
		if err != nil {
			return "", err
		}
		for n := 1; n < 100; n++ {
			name := fmt.Sprintf("credwatch-月报-%s.xlsx", m)
			if n > 1 {
				name = fmt.Sprintf("credwatch-月报-%s-%d.xlsx", m, n)
			}
			path := filepath.Join(dir, name)
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if errors.Is(err, os.ErrExist) {
				continue
			}
			if err != nil {
				return "", err
			}
			err = sheet.WriteReport(f, "xlsx", rep, a.depts.ShortName)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(path)
				return "", fmt.Errorf("report %s: %w", path, err)
			}
			return path, nil
		}
		return "", fmt.Errorf("report: too many reports of %s in %s", m, dir)
	}
}
