package main

import (
	"bufio"
	"context"
	"fmt"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store/audit"
)

// runAudit prints the audit trail of `credwatch serve` (docs/serve.md):
// logins, sessions, commands, refusals, key loads and officers' actions,
// from the server's audit directory. It only reads.
func (a *app) runAudit(args []string) int {
	cfg, err := a.cfg.Serve.withDefaults()
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch audit: %v\n", err)
		return 2
	}
	path, err := a.cfg.cachePath(a.demo)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch audit: %v\n", err)
		return 1
	}
	return a.readAudit(context.Background(), auditDir(cfg, path), args)
}

// readAudit is runAudit for the audit trail in dir, writing to a.stdout
// until done or ctx ends.
func (a *app) readAudit(ctx context.Context, dir string, args []string) int {
	fs := newFlags("audit")
	since := fs.String("since", "", "flag.audit.since")
	asJSON := fs.Bool("json", false, "flag.audit.json")
	if code, ok := parseFlags(fs, args, a.stdout, a.stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		usageError(&env{stderr: a.stderr}, "audit", "unexpected argument %q", fs.Arg(0))
		return 2
	}
	from := time.Now().AddDate(0, 0, -7)
	if *since != "" {
		if d, err := credit.ParseDate(*since); err == nil {
			from = d.Time()
		} else if t, err := time.Parse(time.RFC3339, *since); err == nil {
			from = t
		} else {
			fmt.Fprintf(a.stderr, "credwatch audit: --since wants a day (2026-11-01) or an RFC 3339 time, not %q\n", *since)
			return 2
		}
	}
	out := bufio.NewWriter(a.stdout)
	err := audit.Read(dir, from, func(ev credit.Event) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return writeEvent(out, ev, *asJSON)
	})
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil && ctx.Err() == nil {
		fmt.Fprintf(a.stderr, "credwatch audit: %v\n", err)
		return 1
	}
	return 0
}
