package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/sqlsource"
)

func (a *app) runSource(args []string) int {
	fs := newFlags("source")
	sample := fs.Int("sample", 200, "flag.source.sample")
	if code, ok := parseFlags(fs, args, a.stdout, a.stderr); !ok {
		return code
	}
	if fs.NArg() != 2 || fs.Arg(0) != "test" {
		flagError(a.stderr, "source", "want: credwatch source test NAME")
		return 2
	}
	name := fs.Arg(1)
	idx := -1
	var names []string
	for i, s := range a.cfg.Sources {
		names = append(names, s.Name)
		if s.Name == name {
			idx = i
		}
	}
	if idx < 0 {
		fmt.Fprintf(a.stderr, "credwatch source: no [[source]] named %q in the configuration (configured: %s)\n", name, strings.Join(names, ", "))
		return 2
	}
	if a.cfg.Sources[idx].Kind != "sql" {
		fmt.Fprintf(a.stderr, "credwatch source: %s is of kind %q; only \"sql\" sources can be tested\n", name, a.cfg.Sources[idx].Kind)
		return 2
	}
	sc, err := a.cfg.sqlSourceConfig(idx, nil)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch source: %v\n", err)
		return 2
	}
	src, err := sqlsource.Open(sc)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch source: %v\n", err)
		return 2
	}
	defer src.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	took, reps, err := src.Probe(ctx, *sample)
	if err != nil {
		fmt.Fprintf(a.stdout, "source %s (%s): cannot connect: %s\n", name, sc.Driver, credit.Sanitize(err.Error()))
		return 1
	}
	fmt.Fprintf(a.stdout, "source %s (%s): connected in %s; every statement runs as a read-only SELECT\n", name, sc.Driver, took.Round(time.Millisecond))
	status := 0
	for _, r := range reps {
		fmt.Fprintf(a.stdout, "  %-10s table %s: ", r.Kind, r.Table)
		if r.Err != nil {
			fmt.Fprintf(a.stdout, "FAILS: %s\n", credit.Sanitize(r.Err.Error()))
			status = 1
			continue
		}
		fmt.Fprintf(a.stdout, "%d fields mapped, %d rows to sync", r.Mapped, r.Rows)
		if r.NoChange > 0 {
			fmt.Fprintf(a.stdout, ", %d rows with no change value (never read)", r.NoChange)
		}
		fmt.Fprintf(a.stdout, "; first %d rows: %d accepted, %d would be quarantined\n", r.Read, r.Read-r.Refused, r.Refused)
		if r.Reason != "" {
			fmt.Fprintf(a.stdout, "             first refusal: %s\n", credit.Sanitize(r.Reason))
		}
		if len(r.Missing) > 0 {
			fmt.Fprintf(a.stdout, "             no column for: %s (map local names in [source.columns.%s])\n", strings.Join(r.Missing, " "), r.Kind)
		}
		if r.Writable {
			fmt.Fprintf(a.stdout, "             WARNING: this account may write to %s; grant it SELECT only\n", r.Table)
		}
	}
	return status
}
