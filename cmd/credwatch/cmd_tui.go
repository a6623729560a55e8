package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	gosync "sync"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/tui"
)

// tuiGCPercent is the garbage collector's target for processes that show
// the TUI: they hold their data for hours and rebuild it in bursts, and a
// lower target keeps peak memory near the live heap (100k records, every
// tab loaded: 79 MB at Go's default of 100, 62 MB at 30; 1M: 463 -> 419 MB)
// with no measured cost in load time. GOGC in the environment still wins.
const tuiGCPercent = 30

func lowerGCTarget() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(tuiGCPercent)
	}
}

// syncStartDelay is the longest the TUI's first full load of the cache
// (every tab's rows built and on screen) holds back the sync engine.
//
// Sync starts once that load is on screen, not with the first frame: at
// 1M records the full load's heap (the snapshot read, the check data,
// the tables being built: 150-160 MB live) and a catch-up's write
// transactions (bbolt's nodes and page buffers of 2,000 changed records,
// up to 60 MB of heap, and the file pages its commit maps) otherwise come
// at the same moment, and the process's peak is their sum (issue 20, the
// TUI started with a backlog). The wait costs the officer nothing: until
// the load is on screen the tabs show the cache as it was read, whatever
// sync writes meanwhile. A load that fails never reports being on screen;
// sync then starts after this delay.
const syncStartDelay = 15 * time.Second

// runTUI opens the cache, starts the sync engine in the background once the
// first frame is on screen, and runs the full-screen UI until the officer
// quits.
func (a *app) runTUI(args []string) int {
	fs := newFlags("tui")
	if code, ok := parseFlags(fs, args, a.stdout, a.stderr); !ok {
		return code
	}
	if !tui.HasTerminal() {
		fmt.Fprintln(a.stderr, "credwatch: the full-screen view needs a terminal (ssh -t); without one use `credwatch status`, `credwatch tail -f`, `credwatch check`, `credwatch export` or `credwatch sync --once`")
		return 2
	}
	favourInput() // background.go
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	db, err := a.openCache(false)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	defer db.Close()
	if a.demo {
		if err := a.seedDemoSignoffs(db); err != nil {
			fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		}
	}
	last, err := db.LastSeq()
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	s := &syncer{a: a, db: db, command: "credwatch (TUI)"}
	done, firstLoad := make(chan struct{}), make(chan struct{})
	go func() {
		// Sync starts once every tab's data is on screen (syncStartDelay).
		select {
		case <-firstLoad:
		case <-time.After(syncStartDelay):
		case <-ctx.Done():
		}
		s.run(ctx)
		close(done)
	}()

	d := a.tuiDeps(db.Path())
	var hooks tui.Hooks
	heap := newHeapGovernor() // heap_governor.go
	hooks.Input = heap.input
	// The first frame, with little to hold, runs at Go's default
	// target; the full load that follows and the hours after do not.
	hooks.FirstLoad = lowerGCTarget
	loaded := gosync.OnceFunc(func() { close(firstLoad) })
	hooks.Rebuilt = func() {
		// After a rebuild the previous generation (at 1M records about
		// 100 MB) is garbage: hand it back now rather than over the
		// scavenger's minutes (1M, after a changed-data reload: RSS 310 ->
		// 180 MB). The first rebuild is the first full load: sync may start.
		debug.FreeOSMemory()
		heap.bound()
		db.ReleaseOften()
		loaded()
	}
	scoped := db.Scoped(a.scope)
	d.Store = scoped
	d.Activity = func(since time.Time) ([]credit.Event, error) { return scoped.EventsSince(since, activityLimit) }
	d.Events = db.Follow(ctx, last, followEvery)
	d.SyncNow = s.SyncNow
	d.Report = a.reportFile(db)
	// e, E and :export write the table on screen into export_dir and show
	// the file's full path.
	d.Export = func(e credit.Export, format string) (string, error) { return a.writeExport(e, format, "") }
	d.ExportDir, _ = exportDirFor(a.cfg.ExportDir, osExportEnv()) // an error is shown when e writes
	d.ReadOnly = a.scope.ReadOnly
	d.Views = viewStore(a.scope.Officer, a.demo)
	d.Keys = a.cfg.Keys
	// Measurements (docs/PERFORMANCE.md): quit after the first frame of
	// the default tab, or once every tab has its data, saying when.
	hooks.ExitAfterFirstFrame = os.Getenv("CREDWATCH_EXIT_AFTER_FIRST_FRAME") == "1"
	hooks.ExitAfterLoad = os.Getenv("CREDWATCH_EXIT_AFTER_LOAD") == "1"
	m := tui.New(d).WithHooks(hooks)
	err = tui.Run(m)
	if hooks.ExitAfterFirstFrame || hooks.ExitAfterLoad {
		what := "first frame"
		if !hooks.ExitAfterFirstFrame {
			what = "every tab loaded"
		}
		t := time.Now()
		fmt.Fprintf(a.stderr, "credwatch: %s %.1f ms after process start (unix ns %d)\n", what, float64(t.Sub(processStart).Microseconds())/1000, t.UnixNano())
	}
	cancel()
	select { // let in-flight transactions finish; never hang on quit
	case <-done:
	case <-time.After(3 * time.Second):
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %s\n", tuiError(err, a.lang))
		return 1
	}
	return 0
}

// The TUI reads and acts through a scoped store.
var _ tui.Store = (*store.Scoped)(nil)

// processStart is when the program's own initialisation ran, a moment
// after the runtime and the imported packages initialised.
var processStart = time.Now()

// activityLimit is the most events the TUI's activity log (L) reads.
const activityLimit = 2000

// followEvery is how often views poll the shared event log.
const followEvery = 300 * time.Millisecond

// now is the wall clock, moved to the injected today when --today is set so
// ages and "as of" times agree with the dates on screen.
func (a *app) now() time.Time {
	t := time.Now().In(credit.ChinaZone)
	if credit.DateOf(t) == a.today {
		return t
	}
	h, m, s := t.Clock()
	return a.today.Time().Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
}
