package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	credsync "github.com/czyj/credwatch/sync"
	"github.com/czyj/credwatch/tui"
)

// syncer gives one process per cache the sync role (docs/multi-process.md):
// it runs the sync engine while it holds the cache's sync lock. A process
// that finds the lock taken (another TUI, or `credwatch sync`) shows the
// shared cache without syncing, and takes over when the holder exits.
type syncer struct {
	a       *app
	db      *store.DB
	command string
	eng     atomic.Pointer[credsync.Engine]
	// log, when set, receives the engine's events (syncLog) and its
	// failures: for serve, whose stderr is a log. The TUI leaves it nil
	// (its stderr is the officer's terminal); every view shows the event
	// log instead.
	log *slog.Logger
}

// takeOverEvery is how often a process without the sync role retries.
const takeOverEvery = 3 * time.Second

// endpointNames lists the endpoints this configuration syncs, for views
// that show them before (or without) a running engine.
func (a *app) endpointNames() []credsync.Endpoint {
	if a.demo {
		return demoEndpoints("")
	}
	eps := make([]credsync.Endpoint, len(a.cfg.Endpoints))
	for i, e := range a.cfg.Endpoints {
		eps[i] = credsync.Endpoint{Name: e.Name, Feeds: e.Feeds, Interval: e.Interval.Duration}
	}
	src, _ := a.cfg.sourceEndpoints(false, nil) // names and feeds only: cannot fail
	return append(eps, src...)
}

// run holds or waits for the sync role until ctx is done. Setup failures
// (a bad CA file, the demo simulator not starting) go to the event log, where
// every view shows them.
func (s *syncer) run(ctx context.Context) {
	for {
		lock, err := store.LockSync(s.db.Path(), s.holder())
		if err == nil {
			s.serve(ctx, lock)
			lock.Unlock()
			return
		}
		if !errors.Is(err, store.ErrSyncHeld) {
			s.logError(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(takeOverEvery):
		}
	}
}

func (s *syncer) serve(ctx context.Context, lock *store.SyncLock) {
	var eps []credsync.Endpoint
	var err error
	if s.a.demo {
		eps, err = s.a.startDemo(ctx)
	} else {
		eps, err = s.a.cfg.endpoints()
	}
	if err != nil {
		s.logError(err)
		return
	}
	eng, err := credsync.New(s.db, eps, credsync.Options{Now: time.Now, ServerClock: s.a.now, OnStoreError: storeErrors(lock, s.log, s.db.Path()), BatchNodes: syncBatchNodes,
		Background: runBackground}) // background.go
	if err != nil {
		s.logError(err)
		return
	}
	s.eng.Store(eng)
	if s.log != nil {
		s.log.Info("holding the sync role", "cache", s.db.Path())
		go func() {
			sl := newSyncLog(s.log)
			for {
				select {
				case <-ctx.Done():
					return
				case ev := <-eng.Events():
					sl.event(ev)
				}
			}
		}()
	}
	go s.maintain(ctx, func(string) {})
	wait := runSources(ctx, s.a.recordSources(s.db))
	eng.Run(ctx)
	wait()
}

// compactEvery is how often the process with the sync role considers
// compacting the cache (store.DB.MaybeCompact: a stat and one small read
// when there is nothing to do).
const compactEvery = time.Minute

// maintain compacts the cache when it has grown enough, every compactEvery
// until ctx is done. Failures go to the event log; report receives a line
// for each compaction done.
func (s *syncer) maintain(ctx context.Context, report func(string)) {
	t := time.NewTicker(compactEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if msg, err := s.compact(); err != nil {
				s.logError(err)
			} else if msg != "" {
				report(msg)
			}
		}
	}
}

// compact runs store.DB.MaybeCompact and says what it did ("" if nothing).
// A cache another process wrote to meanwhile is left for the next time.
func (s *syncer) compact() (string, error) {
	before := fileSize(s.db.Path())
	done, err := s.db.MaybeCompact()
	switch {
	case errors.Is(err, store.ErrChanged):
		return "", nil
	case err != nil:
		return "", err
	case !done:
		return "", nil
	}
	return fmt.Sprintf("compacted %s: %.1f MB -> %.1f MB", s.db.Path(), float64(before)/(1<<20), float64(fileSize(s.db.Path()))/(1<<20)), nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func (s *syncer) logError(err error) {
	if s.log != nil {
		s.log.Error("sync", "err", err)
	}
	_ = s.db.AppendEvent(credit.Event{At: time.Now(), Type: credit.EventError, Endpoint: s.command, Err: err.Error()})
}

// holder describes this process for the holder file. Like every time
// credwatch stores, Since is on the wall clock, never a pinned day.
func (s *syncer) holder() store.Holder {
	host, _ := os.Hostname()
	return store.Holder{PID: os.Getpid(), Command: s.command, Host: host, Since: time.Now()}
}

// SyncNow asks this process's engine for a pass. Without the sync role
// it cannot start one, and says which process syncs instead.
// another process has the sync role.
func (s *syncer) SyncNow() error {
	if e := s.eng.Load(); e != nil {
		e.SyncNow()
		return nil
	}
	h, ok := store.SyncHolder(s.db.Path())
	switch {
	case !ok:
		return errors.New("no process holds the sync role yet (this one takes it within seconds)")
	case !holderAlive(h):
		return fmt.Errorf("%s died holding the sync role; this process takes it within seconds", holderText(h))
	}
	return fmt.Errorf("%s holds the sync role and syncs on its own schedule", holderText(h))
}

// holderInfo is the TUI's view of the cache's sync holder (tui.Deps.Holder).
func holderInfo(cache string) func() (tui.HolderInfo, bool) {
	return func() (tui.HolderInfo, bool) {
		h, ok := store.SyncHolder(cache)
		if !ok {
			return tui.HolderInfo{}, false
		}
		return tui.HolderInfo{PID: h.PID, Command: h.Command, Self: h.PID == os.Getpid() && sameHost(h.Host),
			Alive: holderAlive(h), StoreError: h.StoreError, StoreErrorAt: h.StoreErrorAt}, true
	}
}

func sameHost(host string) bool {
	h, _ := os.Hostname()
	return h == host
}

// openCache opens the shared cache of this configuration (demo or real).
func (a *app) openCache(readOnly bool) (*store.DB, error) {
	path, err := a.cfg.cachePath(a.demo)
	if err != nil {
		return nil, err
	}
	if readOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no cache at %s yet: start credwatch or `credwatch sync` first", path)
		}
	}
	return store.Open(path, store.Options{ReadOnly: readOnly})
}

// syncBatchNodes bounds the write transactions of the sync engine a TUI or
// a server runs (credsync.Options.BatchNodes): at most about 512 of
// bbolt's nodes changed a transaction (5-10 MB of heap), plus up to a page
// of items. A catch-up after a backlog changes records all over the cache,
// about 0.8 nodes an item at 100k records: its batches of 2,000 items held
// 1,700 nodes, 20-35 MB of the TUI's peak on top of its tables (issue 20,
// the TUI started with a backlog); with the bound they hold one or two
// pages. A re-walk's unchanged records change a node per hundred items, so
// a full resync keeps its batches of 2,000 and its speed. `sync` sets no
// bound: its incremental pass stays one transaction.
const syncBatchNodes = 512
