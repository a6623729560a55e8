package store

import (
	"fmt"
	"time"

	"github.com/czyj/credwatch/credit"
)

// ScreenReader is the cache's read side as LoadScreen uses it: Scoped, or
// a wrapper that scopes each call (an SSH session's store).
type ScreenReader interface {
	// Snapshot reads what the tabs show.
	Snapshot() (*credit.Snapshot, error)
	// SnapshotSince is Snapshot for a reader that holds prev, an earlier
	// Snapshot of this reader: it may share prev's memory and read only
	// what changed since, but returns what Snapshot would.
	SnapshotSince(prev *credit.Snapshot) (*credit.Snapshot, error)
	// Overview is Snapshot without Penalties and Repairs. It must cost
	// the same at any cache size: the first frame waits only for it and
	// CheckData.
	Overview() (*credit.Snapshot, error)
	// CheckData gathers the daily check's data; since is
	// Rules.LastWorkingDayStart(today).
	CheckData(since time.Time) (*credit.CheckData, error)
	// CheckDataLean is CheckData for the reloads in the background: it
	// may take longer to hold less memory while it reads.
	CheckDataLean(since time.Time) (*credit.CheckData, error)
	// Signoffs returns the daily check's sign-offs by day.
	Signoffs() (map[credit.Date]credit.Signoff, error)
	// Outbox returns the outbox, newest first.
	Outbox() ([]credit.OutboxItem, error)
}

var _ ScreenReader = (*Scoped)(nil)

// failingReader is a ScreenReader that reads the check data with its
// repairs already cut to the failing ones (Scoped.CheckDataFailing):
// through a read model, once for every reader.
type failingReader interface {
	CheckDataFailing(since time.Time, lean bool, rules *credit.Rules, today credit.Date) (*credit.CheckData, error)
}

var _ failingReader = (*Scoped)(nil)

// inUseReader is a ScreenReader that knows when the cache came into use
// (DB.InUseSince); the sign-off history starts there.
type inUseReader interface {
	InUseSince() (credit.Date, error)
}

// LoadScreen reads the data the views show for req, choosing the cheapest
// read that gives it:
//
//   - the first read (req.Prev nil) is the overview and the check data
//     (Overview, CheckData), which cost the same at any cache size, so the
//     first frame never waits for the penalties; the Screen says Overview,
//     and the caller reads again at once;
//   - a read after an overview, or after a snapshot of unknown generation,
//     reads everything (Snapshot, CheckDataLean);
//   - a read when the overview shows the same cache, data generation and
//     day as req.Prev's keeps Prev's penalties, repairs and check data and
//     reads only the overview (Unchanged): most reloads follow a sync pass
//     or the age tick that changed no data;
//   - otherwise it reads what changed since Prev (SnapshotSince, sharing
//     the rest with it) and the check data (CheckDataLean).
//
// The check data is read before the snapshot, so that its open repairs
// (70k at 1M records) are cut to the failing ones before the penalties
// arrive. The error is the snapshot's read; the check data's, the
// sign-offs' and the outbox's failures are in the Screen. A nil Screen
// with a nil error means there was nothing to read.
func LoadScreen(r ScreenReader, req credit.ScreenRequest) (*credit.Screen, error) {
	prev := req.Prev
	if prev != nil && (prev.Overview || prev.Snapshot == nil || prev.Snapshot.Generation == 0) {
		prev = nil // nothing to share: read everything
	}
	first := req.Prev == nil
	sc := &credit.Screen{Today: req.Today, Overview: first}
	readCheck := func() {
		read := r.CheckDataLean
		if first {
			read = r.CheckData // only the first frame waits for it
		}
		since, err := req.Rules.LastWorkingDayStart(req.Today)
		if err != nil {
			sc.CheckErr = err
			return
		}
		var data *credit.CheckData
		if fr, ok := r.(failingReader); ok {
			data, err = fr.CheckDataFailing(since, !first, req.Rules, req.Today)
		} else if data, err = read(since); err == nil {
			data.Repairs = req.Rules.KeepFailing(data.Repairs, req.Today)
		}
		if err != nil {
			sc.CheckErr = fmt.Errorf("read check data: %w", err)
		} else {
			sc.Check = data
		}
	}
	var s *credit.Snapshot
	var err error
	switch {
	case prev != nil:
		s, err = r.Overview()
		if err != nil || s == nil {
			break
		}
		ps := prev.Snapshot
		if s.Generation == ps.Generation && s.Cache == ps.Cache && req.Today == prev.Today {
			s.Penalties, s.Repairs = ps.Penalties, ps.Repairs
			sc.Unchanged = true
			if prev.Check != nil {
				// The check data moves with the generation and the day
				// too; only the endpoints' statuses (below) may have
				// changed.
				c := *prev.Check
				sc.Check = &c
			} else {
				readCheck()
			}
		} else {
			readCheck()
			s, err = r.SnapshotSince(ps)
			if err == nil && s != nil && s.Generation == ps.Generation && s.Cache == ps.Cache && req.Today == prev.Today && prev.Check != nil {
				// A read model that holds the generation on screen
				// (ReadModel.SetPace) gave it again, with its overview:
				// nothing changed for this reader.
				s.Penalties, s.Repairs = ps.Penalties, ps.Repairs
				sc.Unchanged = true
				c := *prev.Check
				sc.Check, sc.CheckErr = &c, nil
			}
		}
	case first:
		readCheck()
		s, err = r.Overview()
	default:
		readCheck()
		s, err = r.Snapshot()
	}
	if err != nil || s == nil {
		return nil, err
	}
	sc.Snapshot = s
	if sc.Check != nil {
		// The check judges the endpoints by the statuses the header and
		// the sync tab show: a sync failure written between the two reads
		// must not pass one and fail the other.
		sc.Check.Endpoints = s.Endpoints
	}
	if sc.Signoffs, err = r.Signoffs(); err != nil {
		sc.Signoffs, sc.SignoffsErr = nil, fmt.Errorf("read sign-offs: %w", err)
	}
	if sc.Outbox, err = r.Outbox(); err != nil {
		sc.Outbox, sc.OutboxErr = nil, fmt.Errorf("read outbox: %w", err)
	}
	if u, ok := r.(inUseReader); ok {
		if d, err := u.InUseSince(); err == nil {
			sc.InUseSince = d
		}
	}
	return sc, nil
}

// LoadScreen is LoadScreen(s, req).
func (s *Scoped) LoadScreen(req credit.ScreenRequest) (*credit.Screen, error) {
	return LoadScreen(s, req)
}
