package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	credsync "github.com/czyj/credwatch/sync"
	"github.com/czyj/credwatch/tui"
)

// runTUI opens the cache, starts the sync engine in the background and runs
// the full-screen UI until the officer quits.
func (a *app) runTUI(args []string) int {
	fs := flag.NewFlagSet("credwatch", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		fmt.Fprintln(a.stderr, "credwatch: the full-screen view needs a terminal; without one use `credwatch sync --once`, `credwatch when`, `credwatch workdays` or `credwatch uscc`")
		return 2
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	db, eng, err := a.openAndSync(ctx)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	defer db.Close()

	var infos []tui.EndpointInfo
	for _, ep := range eng.Endpoints() {
		infos = append(infos, tui.EndpointInfo{Name: ep.Name, Feeds: ep.Feeds})
	}
	done := make(chan struct{})
	go func() { eng.Run(ctx); close(done) }()

	m := tui.New(tui.Deps{
		Snapshot:  db.Snapshot,
		Events:    eng.Events(),
		SyncNow:   eng.SyncNow,
		Rules:     a.rules,
		Depts:     a.depts,
		Endpoints: infos,
		Today:     a.today,
		Now:       a.now,
		Lang:      a.lang,
		Demo:      a.demo,
		CachePath: db.Path(),
		Warnings:  a.cfg.warnings(),
	})
	_, err = tea.NewProgram(m, tea.WithAltScreen()).Run()
	cancel()
	select { // let in-flight transactions finish; never hang on quit
	case <-done:
	case <-time.After(3 * time.Second):
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	return 0
}

// openAndSync opens the cache (starting the demo simulator first in demo
// mode) and returns it with a sync engine over the configured endpoints.
func (a *app) openAndSync(ctx context.Context) (*store.DB, *credsync.Engine, error) {
	path, err := a.cfg.cachePath(a.demo)
	if err != nil {
		return nil, nil, err
	}
	var eps []credsync.Endpoint
	if a.demo {
		eps, err = a.startDemo(ctx)
	} else {
		eps, err = a.cfg.endpoints()
	}
	if err != nil {
		return nil, nil, err
	}
	db, err := store.Open(path, store.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, nil, err
	}
	eng, err := credsync.New(db, eps, credsync.Options{Now: a.now})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, eng, nil
}

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
