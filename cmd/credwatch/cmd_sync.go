package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/signal"
	"syscall"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	credsync "github.com/czyj/credwatch/sync"
)

// runSync runs the sync engine without a UI: one pass with --once, else
// until SIGINT or SIGTERM, logging every event to a.log (syncLog). It
// needs the cache's sync role and says which process has it if it is
// taken. Failures to start are plain lines on stderr, as for every
// command; from then on, everything goes through the logger.
func (a *app) runSync(args []string) int {
	fs := newFlags("sync")
	once := fs.Bool("once", false, "flag.sync.once")
	full := fs.Bool("full", false, "flag.sync.full")
	if code, ok := parseFlags(fs, args, a.stdout, a.stderr); !ok {
		return code
	}
	keepGCHeadroom(syncGCHeadroom)
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

	log := a.log.With("cmd", "sync")
	for _, w := range a.cfg.warnings() {
		log.Warn(w)
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
		log.Info("walking every feed again from the beginning; the cached data stays until each walk completes", "cache", db.Path())
	}
	eng, err := credsync.New(db, eps, credsync.Options{Now: time.Now, ServerClock: a.now, OnStoreError: storeErrors(lock, log, db.Path())})
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	sl := newSyncLog(log)
	logDone := make(chan struct{})
	logCtx, stopLog := context.WithCancel(context.Background())
	go func() {
		defer close(logDone)
		for {
			select {
			case ev := <-eng.Events():
				sl.event(ev)
			case <-logCtx.Done():
				for len(eng.Events()) > 0 {
					sl.event(<-eng.Events())
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
		go s.maintain(ctx, func(msg string) { log.Info(msg) })
		wait := runSources(ctx, a.recordSources(db))
		eng.Run(ctx)
		wait()
	}
	stopLog()
	<-logDone
	if err != nil {
		log.Error("sync failed", "err", err)
		return 1
	}
	if *once {
		if msg, err := s.compact(); err != nil {
			log.Error("compaction failed", "cache", db.Path(), "err", err)
		} else if msg != "" {
			log.Info(msg)
		}
	}
	return 0
}

// storeErrorNote is the engine's OnStoreError for the holder of lock: the
// note in the holder file that every reader of the cache sees.
func storeErrorNote(lock *store.SyncLock) func(error) {
	return func(err error) { lock.RecordStoreError(err, time.Now()) }
}

// syncLog logs the events of one engine, read from one goroutine.
type syncLog struct {
	log   *slog.Logger
	items map[string]int // items stored by each endpoint's pass so far
}

func newSyncLog(log *slog.Logger) *syncLog { return &syncLog{log: log, items: map[string]int{}} }

// event logs ev with its fields as attributes: per-page progress at
// debug; a completed pass at info with the items it stored, or at debug
// if it stored none (an idle service stays quiet); a failed pass or an
// action the agencies refused at warn; the rest (a resync, an action
// sent) at info.
func (l *syncLog) event(ev credsync.Event) {
	level, msg := slog.LevelInfo, string(ev.Type)
	switch ev.Type {
	case credsync.EventPage:
		level, msg = slog.LevelDebug, "page stored"
		l.items[ev.Endpoint] += ev.Items
	case credsync.EventDone:
		msg = "pass completed"
		if ev.Items = l.items[ev.Endpoint]; ev.Items == 0 {
			level = slog.LevelDebug
		}
		delete(l.items, ev.Endpoint)
	case credsync.EventError:
		level, msg = slog.LevelWarn, "endpoint failed"
		delete(l.items, ev.Endpoint)
	case credit.EventActionFailed:
		level, msg = slog.LevelWarn, "action refused by the agencies"
	case credit.EventActionSent:
		msg = "action sent"
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs, slog.String("event", string(ev.Type)))
	for _, kv := range [][2]string{{"endpoint", ev.Endpoint}, {"feed", ev.Feed}, {"actor", ev.Actor}, {"message", ev.Message}, {"error", ev.Err}} {
		if kv[1] != "" {
			attrs = append(attrs, slog.String(kv[0], kv[1]))
		}
	}
	if ev.Items > 0 {
		attrs = append(attrs, slog.Int("items", ev.Items))
	}
	if ev.Bad > 0 {
		attrs = append(attrs, slog.Int("quarantined", ev.Bad))
	}
	if ev.Retry > 0 {
		attrs = append(attrs, slog.Duration("retry", ev.Retry.Round(time.Second)))
	}
	l.log.LogAttrs(context.Background(), level, msg, attrs...)
}

// storeErrors is the engine's OnStoreError for the holder of lock: the
// note in the holder file (storeErrorNote) and, with a logger, an error
// line for a pass that could not write the cache. The engine reports a
// pass that wrote its success with nil: that clears the note and logs
// nothing.
func storeErrors(lock *store.SyncLock, log *slog.Logger, cache string) func(error) {
	note := storeErrorNote(lock)
	return func(err error) {
		if err != nil && log != nil {
			log.Error("cache write failed", "cache", cache, "err", err)
		}
		note(err)
	}
}

// formatEvent renders an event as one greppable line (tail).
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
