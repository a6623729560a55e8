package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/sheet"
	"github.com/czyj/credwatch/sync/sim"
	"github.com/czyj/credwatch/sync/sqlsource"
)

// runSim runs the agency simulator until SIGINT or SIGTERM.
func runSim(e *env, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveSim(ctx, e, args)
}

// serveSim parses the flags of the sim command, starts the simulator and
// serves until ctx is done. It returns the exit status: 0 after a normal stop,
// 1 if the simulator could not start, 2 for bad flags.
func serveSim(ctx context.Context, e *env, args []string) int {
	fs := newFlags("sim")
	seed := fs.Int64("seed", 1, "flag.sim.seed")
	records := fs.Int("records", sim.DefaultRecords, "flag.sim.records")
	listen := fs.String("listen", "127.0.0.1:8700", "flag.sim.listen")
	today := fs.String("today", "", "flag.sim.today")
	tick := fs.Duration("tick", sim.DefaultTick, "flag.sim.tick")
	token := fs.String("token", os.Getenv("CREDWATCH_SIM_TOKEN"), "flag.sim.token")
	faultSpec := fs.String("faults", "", "flag.sim.faults")
	writeSQL := fs.String("write-sql", "", "flag.sim.write-sql")
	templates := fs.String("write-templates", "", "flag.sim.write-templates")
	if code, ok := parseFlags(fs, args, e.stdout, e.stderr); !ok {
		return code
	}
	fail := func(format string, a ...any) int { return usageError(e, "sim", format, a...) }
	if fs.NArg() > 0 {
		return fail("unexpected argument %q", fs.Arg(0))
	}
	day := e.today
	if *today != "" {
		d, err := credit.ParseDate(*today)
		if err != nil {
			return fail("--today: %v", err)
		}
		day = d
	}
	if *records < 1 {
		return fail("--records must be at least 1, not %d", *records)
	}
	if *tick < 0 {
		return fail("--tick must not be negative, not %s", *tick)
	}
	if *writeSQL != "" {
		return writeSimSQL(e, *writeSQL, sim.Options{Seed: *seed, Records: *records, Today: day})
	}
	if *templates != "" {
		return writeSimTemplates(e, *templates, sim.New(sim.Options{Seed: *seed, Records: *records, Today: day}))
	}
	faults, err := sim.ParseFaults(*faultSpec)
	if err != nil {
		return fail("--faults: %v", err)
	}

	started := time.Now()
	url, s, err := sim.Start(ctx, *listen, sim.Options{Seed: *seed, Records: *records, Today: day, Tick: *tick, Token: *token, Wrap: faults.Wrap})
	if err != nil {
		fmt.Fprintf(e.stderr, "credwatch sim: %v\n", err)
		return 1
	}
	fmt.Fprintln(e.stdout, url)
	c := s.Counts()
	changes := "no changes (--tick 0)"
	if *tick > 0 {
		changes = "changes every " + tick.String()
	}
	auth := "no token"
	if *token != "" {
		auth = "bearer token required"
	}
	fmt.Fprintf(e.stderr, "credwatch sim: seed %d, today %s: %d records, %d repairs, %d sharing rows (generated in %s); %s; %s; Ctrl-C stops\n",
		*seed, day, c["licence"]+c["penalty"]+c["coercion"]+c["reward"]+c["inspection"], c["repair"], c["sharing"],
		time.Since(started).Round(time.Millisecond), changes, auth)
	fmt.Fprintf(e.stderr, "credwatch sim: faults: %s; change at run time: curl -X PUT --data '5xx=1' %s%s (empty body: off)\n",
		faults, url, sim.FaultsPath)
	<-ctx.Done()
	return 0
}

// writeSimTemplates writes s's records as template files, one per
// department and kind, into dir: what a bureau would copy to a folder
// source or give to credwatch import.
func writeSimTemplates(e *env, dir string, s *sim.Sim) int {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(e.stderr, "credwatch sim: %v\n", err)
		return 1
	}
	type group struct {
		dept string
		kind credit.Kind
	}
	groups := map[group][]credit.Record{}
	var order []group
	for _, r := range s.Records() {
		g := group{r.Dept, r.Kind}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], r)
	}
	dirc := credit.NewDirectory(credit.DefaultDepartments())
	for _, g := range order {
		ext := ".csv"
		if g.kind == credit.Licence || g.kind == credit.Penalty {
			ext = ".xlsx"
		}
		path := filepath.Join(dir, dirc.ShortName(g.dept)+"_"+g.kind.Chinese()+ext)
		if err := sheet.WriteTemplate(path, g.kind, groups[g]); err != nil {
			fmt.Fprintf(e.stderr, "credwatch sim: write %s: %v\n", path, err)
			return 1
		}
		fmt.Fprintf(e.stdout, "%s\t%d\n", path, len(groups[g]))
	}
	return 0
}

// writeSimSQL writes the simulator's initial records as the 前置库's
// tables, in each dialect, into dir.
func writeSimSQL(e *env, dir string, opts sim.Options) int {
	recs := sim.New(opts).Records()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(e.stderr, "credwatch sim: %v\n", err)
		return 1
	}
	for _, driver := range []string{sqlsource.Postgres, sqlsource.MySQL, sqlsource.SQLite} {
		path := filepath.Join(dir, driver+".sql")
		f, err := os.Create(path)
		if err == nil {
			err = sqlsource.WriteSQL(f, driver, recs)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "credwatch sim: write %s: %v\n", path, err)
			return 1
		}
		fmt.Fprintln(e.stdout, path)
	}
	fmt.Fprintf(e.stderr, "credwatch sim: seed %d, today %s: %d records as tables %s, %s, %s, %s, %s (change column UPDATED_AT, deletion flag %s)\n",
		opts.Seed, opts.Today, len(recs), sqlsource.DefaultTableNames[credit.Penalty], sqlsource.DefaultTableNames[credit.Licence],
		sqlsource.DefaultTableNames[credit.Coercion], sqlsource.DefaultTableNames[credit.Reward], sqlsource.DefaultTableNames[credit.Inspection], sqlsource.FixtureDeleted)
	return 0
}
