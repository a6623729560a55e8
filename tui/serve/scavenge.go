package serve

import (
	"runtime/debug"
	"sync"
	"time"
)

// scavenger hands the memory of superseded generations back to the
// system once the sessions' loads have settled. After a sync pass the
// sessions reload one at a time (tui.Shared); until the last of them has
// its new tabs on screen the old generation and the new are both alive,
// and the Go runtime keeps the pages of that peak for minutes (at 1M
// records and 32 sessions: a live heap of 182 MB in an RSS of 532 MB).
// Each load that rebuilt tabs pokes the scavenger; quiet seconds after
// the last poke, or at the latest maxDelay after the first one of a
// burst, it runs debug.FreeOSMemory once (one collection, tens of
// milliseconds at that heap), as the local TUI does after each rebuild.
type scavenger struct {
	quiet, maxDelay time.Duration
	free            func()

	mu    sync.Mutex
	timer *time.Timer
	first time.Time // the first poke of the burst not yet freed
}

func newScavenger() *scavenger {
	return &scavenger{quiet: time.Second, maxDelay: 10 * time.Second, free: debug.FreeOSMemory}
}

// poke says a load has just put a new generation on screen.
func (s *scavenger) poke() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if s.first.IsZero() {
		s.first = now
	}
	wait := s.quiet
	if left := s.maxDelay - now.Sub(s.first); left < wait {
		wait = max(left, 0)
	}
	if s.timer != nil {
		s.timer.Stop()
	}
	s.timer = time.AfterFunc(wait, s.run)
}

func (s *scavenger) run() {
	s.mu.Lock()
	s.first, s.timer = time.Time{}, nil
	s.mu.Unlock()
	s.free()
}

// stop cancels a pending run (the server is closing).
func (s *scavenger) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
}
