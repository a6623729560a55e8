package tui

import (
	"time"

	"github.com/czyj/credwatch/credit"
)

// A reload of a large cache reads and builds for seconds (at 1M records
// 2-3 s, its heap 50 MB over the live data: the check data read again,
// the repair and queue tables built beside the ones on screen). In the
// middle of a sync pass it also overlaps the pass's write transactions
// (a catch-up's or a re-walk's: up to 60 MB of bbolt nodes and page
// buffers each), and the process's peak memory is their sum (issue 20:
// the TUI started with a backlog, and through a full resync, at 1M).
// Its data is outdated by the pass's next page anyway. So with a large
// cache the pass's own progress (pages stored, a feed's walk begun or
// ended) and the age tick do not reload while a pass of an endpoint is
// in progress; the pass's end (done or error) does, once. The sync tab's
// endpoint rows and the last event still follow every event, and the
// officer's own actions reload at once as always. A pass whose end never
// comes (the process syncing died in the middle: a view that follows the
// event log sees no "done") holds reloads back for deferMax at most.
//
// Models sharing a Shared (an SSH server's sessions) do not wait: their
// read model already moves to a new generation at the pace its builds
// allow (Shared.Pace), and sessions held back until each pass's end all
// reloaded at once and kept older generations alive meanwhile (1M
// records, 32 sessions, the data changing: 418-669 MB settled and
// 4.6-11.9 MB a session with the wait, 347-351 MB and 2.3-3.4 MB
// without; docs/PERFORMANCE.md).

// largeCache is how many cached penalties make a cache large: a reload
// then waits for the sync pass under way (deferReload). At 100k records
// the cache holds about 30,000.
var largeCache = 20_000

// deferMax is the longest reloads wait for a pass's end: longer than a
// full resync of 1M records takes (3-5 min on a loaded machine).
const deferMax = 5 * time.Minute

// deferReload reports whether a reload asked for by an event of type t (or
// the age tick, t "") waits for the end of the sync pass in progress.
func (m *Model) deferReload(t credit.EventType) bool {
	if m.d.Shared != nil || len(m.syncing) == 0 || m.snap == nil || m.snap.Penalties.Len() < largeCache {
		return false
	}
	switch t {
	case "", credit.EventPage, credit.EventResync, credit.EventResyncDone:
	default:
		return false
	}
	now := m.d.Clock()
	if m.deferredSince.IsZero() {
		m.deferredSince = now
	}
	return now.Sub(m.deferredSince) < deferMax
}
