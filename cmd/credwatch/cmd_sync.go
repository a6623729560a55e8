package main

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"syscall"
	"time"

	"github.com/czyj/credwatch/store"
	credsync "github.com/czyj/credwatch/sync"
)

// runSync runs the sync engine without a UI: one pass with --once, else
// until SIGINT or SIGTERM, logging one line per event to stderr. It needs
// the cache's sync role and says which process has it if it is taken.
func (a *app) runSync(args []string) int {
	fs := newFlags("sync")
	once := fs.Bool("once", false, "one pass over every endpoint, then exit (status 1 if any failed)")
	full := fs.Bool("full", false, "rebuild: walk every feed again from the beginning; what a completed walk did not deliver is then removed (the cached data stays until then; officer actions are kept)")
	if code, ok := parseFlags(fs, args, a.stdout, a.stderr); !ok {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	db, err := a.openCache(false)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	defer db.Close()
	s := &syncer{a: a, db: db, command: "credwatch sync"}
	lock, err := store.LockSync(db.Path(), s.holder())
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	defer lock.Unlock()

	for _, w := range a.cfg.warnings() {
		fmt.Fprintf(a.stderr, "credwatch: WARNING: %s\n", w)
	}
	var eps []credsync.Endpoint
	if a.demo {
		eps, err = a.startDemo(ctx)
	} else {
		eps, err = a.cfg.endpoints()
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	if *full {
		for _, ep := range eps {
			for _, feed := range ep.Feeds {
				if err := db.BeginRewalk(ep.Name, feed); err != nil {
					fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
					return 1
				}
			}
		}
		fmt.Fprintf(a.stderr, "credwatch: walking every feed of %s again from the beginning; the cached data stays until each walk completes\n", db.Path())
	}
	eng, err := credsync.New(db, eps, credsync.Options{Now: time.Now, ServerClock: a.now, OnStoreError: storeErrorNote(lock)})
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	logDone := make(chan struct{})
	logCtx, stopLog := context.WithCancel(context.Background())
	go func() {
		defer close(logDone)
		for {
			select {
			case ev := <-eng.Events():
				fmt.Fprintln(a.stderr, formatEvent(ev))
			case <-logCtx.Done():
				for len(eng.Events()) > 0 {
					fmt.Fprintln(a.stderr, formatEvent(<-eng.Events()))
				}
				return
			}
		}
	}()
	if *once {
		err = eng.SyncOnce(ctx)
		for _, src := range a.recordSources(db) {
			err = errors.Join(err, src.Once(ctx))
		}
	} else {
		go s.maintain(ctx, func(msg string) { fmt.Fprintf(a.stderr, "credwatch: %s\n", msg) })
		wait := runSources(ctx, a.recordSources(db))
		eng.Run(ctx)
		wait()
	}
	stopLog()
	<-logDone
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: sync failed: %v\n", err)
		return 1
	}
	if *once {
		if msg, err := s.compact(); err != nil {
			fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		} else if msg != "" {
			fmt.Fprintf(a.stderr, "credwatch: %s\n", msg)
		}
	}
	return 0
}

// storeErrorNote is the engine's OnStoreError for the holder of lock: the
// note in the holder file that every reader of the cache sees.
func storeErrorNote(lock *store.SyncLock) func(error) {
	return func(err error) { lock.RecordStoreError(err, time.Now()) }
}

// formatEvent renders an event as one greppable line.
func formatEvent(ev credsync.Event) string {
	s := fmt.Sprintf("%s %s", ev.At.Format(time.RFC3339), ev.Type)
	if ev.Endpoint != "" {
		s += fmt.Sprintf(" endpoint=%q", ev.Endpoint)
	}
	if ev.Feed != "" {
		s += " feed=" + ev.Feed
	}
	if ev.Items > 0 {
		s += fmt.Sprintf(" items=%d", ev.Items)
	}
	if ev.Bad > 0 {
		s += fmt.Sprintf(" quarantined=%d", ev.Bad)
	}
	if ev.Err != "" {
		s += fmt.Sprintf(" error=%q", ev.Err)
	}
	if ev.Retry > 0 {
		s += " retry=" + ev.Retry.Round(time.Second).String()
	}
	return s
}
