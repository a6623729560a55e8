package main

import (
	"bufio"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/sheet"
)

// importSource is the endpoint name under which `credwatch import` stores
// its records (a folder source uses its [[source]] name).
const importSource = "import"

// runImport imports 双公示 template files (xlsx, csv) into the cache
// through the store's normal write path (sync/sheet).
func (a *app) runImport(args []string) int {
	fs := newFlags("import")
	dry := fs.Bool("dry-run", false, "flag.import.dry-run")
	complete := fs.Bool("complete", false, "flag.import.complete")
	yes := fs.Bool("yes", false, "flag.import.yes")
	kind := fs.String("kind", "", "flag.import.kind")
	dept := fs.String("dept", "", "flag.import.dept")
	if code, ok := parseFlags(fs, args, a.stdout, a.stderr); !ok {
		return code
	}
	if fs.NArg() == 0 {
		flagError(a.stderr, "import", "no file given")
		return 2
	}
	if *kind != "" && !credit.Kind(*kind).Valid() {
		fmt.Fprintf(a.stderr, "credwatch import: --kind must be licence, penalty, coercion, reward or inspection, not %q\n", *kind)
		return 2
	}
	if *dept != "" {
		if _, ok := a.depts.Get(*dept); !ok {
			fmt.Fprintf(a.stderr, "credwatch import: unknown department %q\n", *dept)
			return 2
		}
	}
	if a.scope.ReadOnly && !*dry {
		fmt.Fprintln(a.stderr, "credwatch import: read-only: only --dry-run is allowed")
		return 1
	}
	db, err := a.openCache(false)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	defer db.Close()
	opt := sheet.Options{Source: importSource, Kind: credit.Kind(*kind), Dept: *dept, Directory: a.depts,
		Mapping: a.cfg.Import.Mapping, Complete: *complete}
	status := 0
	for _, path := range fs.Args() {
		opt.Now = time.Now() // each file its own time (the ledger orders imports by it), on the wall clock like every stored time
		// A dry run first: it is what --dry-run prints, and what
		// --complete asks about.
		plan, err := sheet.Import(path, db, nil, opt)
		if err != nil {
			fmt.Fprintf(a.stderr, "credwatch import: %v\n", err)
			status = 1
			continue
		}
		if err := a.outOfScope(plan); err != nil {
			fmt.Fprintf(a.stderr, "credwatch import: %s: %v\n", path, err)
			status = 1
			continue
		}
		if *dry {
			a.printImport(path, plan, true)
			continue
		}
		if n := len(plan.Withdrawn); n > 0 && !*yes {
			a.printImport(path, plan, true)
			if !confirm(a.stdout, fmt.Sprintf("Withdraw %d imported records missing from %s? [y/N] ", n, path)) {
				fmt.Fprintln(a.stderr, "credwatch import: nothing imported (answer y, or use --yes)")
				status = 1
				continue
			}
		}
		res, err := sheet.Import(path, db, db, opt)
		if err != nil {
			fmt.Fprintf(a.stderr, "credwatch import: %v\n", err)
			status = 1
			continue
		}
		a.printImport(path, res, false)
		// The end of the import in the event log: followers (tail -f, a
		// TUI) see the source's pages end, as an endpoint's pass does.
		t := res.Log.Total()
		if err := db.AppendEvent(credit.Event{At: opt.Now, Type: credit.EventDone, Endpoint: importSource, Items: t.Added + t.Changed, Bad: t.Refused,
			Message: credit.Sanitize(fmt.Sprintf("imported %s: %d added, %d changed, %d unchanged, %d refused, %d withdrawn",
				filepath.Base(path), t.Added, t.Changed, t.Unchanged, t.Refused, t.Withdrawn))}); err != nil {
			fmt.Fprintf(a.stderr, "credwatch import: %v\n", err)
			status = 1
		}
	}
	return status
}

// outOfScope refuses a file with rows of departments the officer does
// not hold (departments = [...]).
func (a *app) outOfScope(res *sheet.Result) error {
	for _, c := range res.Log.Counts {
		if c.Dept != "" && !a.scope.Allows(c.Dept) {
			return fmt.Errorf("holds records of %s, outside this officer's departments", a.depts.ShortName(c.Dept))
		}
	}
	return nil
}

// confirm asks a yes/no question on standard input.
func confirm(w interface{ Write([]byte) (int, error) }, q string) bool {
	fmt.Fprint(w, q)
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	return strings.EqualFold(strings.TrimSpace(line), "y") || strings.EqualFold(strings.TrimSpace(line), "yes")
}

func (a *app) printImport(path string, res *sheet.Result, dry bool) {
	w := a.stdout
	verb := "imported"
	if dry {
		verb = "would import (dry run, nothing written)"
	}
	fmt.Fprintf(w, "%s: %s\n", path, verb)
	if res.Encoding != "" {
		fmt.Fprintf(w, "  encoding: %s\n", res.Encoding)
	}
	for _, s := range res.Sheets {
		name := s.Name
		if name == "" {
			name = "(csv)"
		}
		if s.Skipped != "" {
			fmt.Fprintf(w, "  sheet %s: skipped %s\n", name, s.Skipped)
			continue
		}
		fmt.Fprintf(w, "  sheet %s: %s, header on row %d, %d rows", name, orDash(s.Kind.Chinese()), s.HeaderRow, s.Rows)
		if len(s.Ignored) > 0 {
			fmt.Fprintf(w, "; columns not stored: %s", strings.Join(s.Ignored, ", "))
		}
		fmt.Fprintln(w)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  部门\t类别\t新增 added\t更新 changed\t未变 unchanged\t异常 refused\t撤回 withdrawn\t质量问题 issues")
	for _, c := range res.Log.Counts {
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\n", orDash(a.depts.ShortName(c.Dept)), orDash(c.Kind.Chinese()),
			c.Added, c.Changed, c.Unchanged, c.Refused, c.Withdrawn, c.Issues)
	}
	t := res.Log.Total()
	fmt.Fprintf(tw, "  合计\t\t%d\t%d\t%d\t%d\t%d\t%d\n", t.Added, t.Changed, t.Unchanged, t.Refused, t.Withdrawn, t.Issues)
	tw.Flush()
	for _, f := range slices.Sorted(maps.Keys(res.Elsewhere)) {
		fmt.Fprintf(w, "  注意 note: %d changed records were last imported from %s; two files that disagree change them back and forth\n", res.Elsewhere[f], f)
	}
	for _, q := range res.Refused {
		fmt.Fprintf(w, "  异常数据: %s\n", q.Reason)
	}
}
