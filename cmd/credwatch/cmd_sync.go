package main

import (
	"context"
	"flag"
	"fmt"
	"os/signal"
	"syscall"
	"time"

	credsync "github.com/czyj/credwatch/sync"
)

// runSync runs the sync engine without a UI: one pass with --once, else
// until SIGINT or SIGTERM, logging one line per event to stderr.
func (a *app) runSync(args []string) int {
	fs := flag.NewFlagSet("credwatch sync", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	once := fs.Bool("once", false, "one pass over every endpoint, then exit (status 1 if any failed)")
	full := fs.Bool("full", false, "rebuild: forget every cursor and all synced data, then sync from the beginning (officer actions are kept)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	db, eng, err := a.openAndSync(ctx)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	defer db.Close()
	if *full {
		if err := db.ResetSynced(); err != nil {
			fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
			return 1
		}
		fmt.Fprintf(a.stderr, "credwatch: cleared synced data in %s; syncing from the beginning\n", db.Path())
	}
	for _, w := range a.cfg.warnings() {
		fmt.Fprintf(a.stderr, "credwatch: WARNING: %s\n", w)
	}
	logDone := make(chan struct{})
	go func() {
		defer close(logDone)
		for {
			select {
			case ev := <-eng.Events():
				fmt.Fprintln(a.stderr, formatEvent(ev))
			case <-ctx.Done():
				return
			}
		}
	}()
	if *once {
		err = eng.SyncOnce(ctx)
		time.Sleep(50 * time.Millisecond) // let the logger print the last events
		stop()
		<-logDone
		if err != nil {
			fmt.Fprintf(a.stderr, "credwatch: sync failed: %v\n", err)
			return 1
		}
		return 0
	}
	eng.Run(ctx)
	<-logDone
	return 0
}

// formatEvent renders an event as one greppable line.
func formatEvent(ev credsync.Event) string {
	s := fmt.Sprintf("%s %s endpoint=%q", ev.At.Format(time.RFC3339), ev.Type, ev.Endpoint)
	if ev.Feed != "" {
		s += " feed=" + ev.Feed
	}
	if ev.Items > 0 {
		s += fmt.Sprintf(" items=%d", ev.Items)
	}
	if ev.Err != "" {
		s += fmt.Sprintf(" error=%q", ev.Err)
	}
	return s
}
