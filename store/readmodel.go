package store

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/czyj/credwatch/credit"
)

// ReadModel is the cache's read side shared by the readers of one process:
// an SSH server's sessions (issue 20). Without it every session read and
// kept its own copy of the penalties and repairs (70 MB a session at 1M
// records); through it the penalties and repairs of a data generation are
// read once, with every department, and each Scoped reading through it
// (Scoped.Through) gets them limited to its scope by the same filter as
// Scoped.Snapshot, made once per generation and scope. The daily check's
// data is likewise read once per generation, day and rules.
//
// What it returns is shared by every reader and must not be modified: the
// penalties and repairs are read-only (credit.Penalties), and so are the
// slices and maps of the check data (the CheckData value itself is each
// caller's own). It keeps the newest generation only; a reader still
// showing an older one keeps that alive until it moves on.
//
// With a pace (SetPace) it moves to a newer generation at most once per
// pace: readers asking sooner get the generation it holds, which the
// overview of the cache may already have passed. A server whose data
// changes faster than its sessions' views are built from it then builds
// one generation for every session and skips the ones between, rather
// than one per session in turn while older ones stay alive.
type ReadModel struct {
	db *DB

	paceMu sync.Mutex
	pace   func() time.Duration // nil: no pace
	now    func() time.Time
	moved  time.Time // when the lists last moved to a newer generation

	mu      sync.Mutex
	snap    *credit.Snapshot // the newest full read, every department; nil before the first
	reading chan struct{}    // closed when the read in flight ends; nil when none

	listMu sync.Mutex
	lists  map[string]scopedLists // snap's lists for each scope (scopeKey)

	checkMu      sync.Mutex
	check        *sharedCheck
	checking     chan struct{}
	checkingLean bool // the read in flight is a lean one
	// scopedChecks are check's data for each scope (scopeKey).
	scopedChecks map[string]*credit.CheckData

	ovMu sync.Mutex
	ov   *keptOverview // the last overview read

	reads, filters, checkReads, overviewReads atomic.Int64
}

// keptOverview is an overview as read at one state of the cache.
type keptOverview struct {
	at   cacheState
	snap *credit.Snapshot
}

// cacheState names the state of the cache a read saw: the cache, its
// generation (bumped by every write through DB.write) and bbolt's
// transaction id (bumped by every write transaction, reset by nothing
// but a compaction, which the generation survives).
type cacheState struct {
	cache string
	gen   uint64
	txid  int
}

// scopedLists are the penalties and repairs of one snapshot a scope sees.
type scopedLists struct {
	of   *credit.Snapshot // the full read they were filtered from
	pens credit.Penalties
	reps credit.Repairs
}

// sharedCheck is the daily check's data of one generation, every
// department, its repairs cut to those failing on today (Rules.KeepFailing).
type sharedCheck struct {
	cache string
	gen   uint64
	since time.Time
	rules *credit.Rules
	today credit.Date
	data  *credit.CheckData
}

// ReadModel returns a new read model of db, empty: the first reader reads.
func (db *DB) ReadModel() *ReadModel { return &ReadModel{db: db, now: time.Now} }

// SetPace makes the model move to a newer generation (its lists and its
// check data) no sooner than pace() after its lists last moved; nil moves
// at once. Call it before the model is read.
func (m *ReadModel) SetPace(pace func() time.Duration) {
	m.paceMu.Lock()
	m.pace = pace
	m.paceMu.Unlock()
}

// holding reports whether the model keeps the generation it holds for
// now: it has a pace, and moved less than the pace ago.
func (m *ReadModel) holding() bool {
	m.paceMu.Lock()
	defer m.paceMu.Unlock()
	return m.pace != nil && !m.moved.IsZero() && m.now().Sub(m.moved) < m.pace()
}

// movedNow notes that the lists moved to a newer generation.
func (m *ReadModel) movedNow() {
	m.paceMu.Lock()
	m.moved = m.now()
	m.paceMu.Unlock()
}

// Reads returns how many times the model read (or patched) the penalties
// and repairs, ScopeFilters how many times it limited them to a scope, and
// CheckReads how many times it read the check data: once per generation
// (and scope, and day), however many readers asked.
func (m *ReadModel) Reads() int64        { return m.reads.Load() }
func (m *ReadModel) ScopeFilters() int64 { return m.filters.Load() }
func (m *ReadModel) CheckReads() int64   { return m.checkReads.Load() }

// OverviewReads returns how many times the model read the overview: once
// per state of the cache, however many readers asked (overview).
func (m *ReadModel) OverviewReads() int64 { return m.overviewReads.Load() }

// overview returns the cache's overview (DB.Overview), every department:
// the one read last when nothing was written to the cache since, else
// read now. Each session reads it at every reload (twice: LoadScreen's
// and the snapshot's); between two writes of the sync engine they all
// read the same. The result is the caller's own (a copy).
func (m *ReadModel) overview() (*credit.Snapshot, error) {
	var out *credit.Snapshot
	err := m.db.view(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		at := cacheState{cache: string(meta.Get(keyCacheID)), gen: getU64(meta.Get(keyGeneration)), txid: tx.ID()}
		m.ovMu.Lock()
		kept := m.ov
		m.ovMu.Unlock()
		if kept != nil && kept.at == at {
			out = overviewOf(kept.snap)
			out.TakenAt = time.Now()
			return nil
		}
		s := newSnapshot()
		if err := readOverview(tx, s); err != nil {
			return err
		}
		m.overviewReads.Add(1)
		m.ovMu.Lock()
		m.ov = &keptOverview{at: at, snap: s}
		m.ovMu.Unlock()
		out = overviewOf(s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read overview of %s: %w", m.db.path, err)
	}
	return out, nil
}

// Forget drops what the model holds (a server whose last session ended);
// the next reader reads again. What readers hold stays theirs.
func (m *ReadModel) Forget() {
	m.mu.Lock()
	m.snap = nil
	m.mu.Unlock()
	m.listMu.Lock()
	m.lists = nil
	m.listMu.Unlock()
	m.checkMu.Lock()
	m.check, m.scopedChecks = nil, nil
	m.checkMu.Unlock()
	m.ovMu.Lock()
	m.ov = nil
	m.ovMu.Unlock()
}

// full returns the model's full read of generation ov.Generation of cache
// ov.Cache or a newer one, reading it (patching the last) when the model
// holds none. Readers asking at once wait for one read.
func (m *ReadModel) full(ov *credit.Snapshot) (*credit.Snapshot, error) {
	for {
		m.mu.Lock()
		if s := m.snap; s != nil && s.Cache == ov.Cache && (s.Generation >= ov.Generation || m.holding()) {
			m.mu.Unlock()
			return s, nil
		}
		if ch := m.reading; ch != nil {
			m.mu.Unlock()
			<-ch
			continue
		}
		ch := make(chan struct{})
		m.reading = ch
		prev := m.snap
		m.mu.Unlock()

		s, _, err := m.db.SnapshotSince(prev)
		m.reads.Add(1)
		m.mu.Lock()
		m.reading = nil
		if err == nil {
			m.snap = s
			m.movedNow()
		}
		m.mu.Unlock()
		close(ch)
		if err != nil {
			return nil, err
		}
		if s.Cache != ov.Cache || s.Generation < ov.Generation {
			// Not the cache the overview was read from (moved aside
			// meanwhile): what was read is the answer.
			return s, nil
		}
	}
}

// listsFor returns full's penalties and repairs limited to scope with
// filter, made once per full read and scope.
func (m *ReadModel) listsFor(full *credit.Snapshot, scope credit.Scope, filter func(*credit.Snapshot) (credit.Penalties, credit.Repairs)) (credit.Penalties, credit.Repairs) {
	key := scopeKey(scope)
	m.listMu.Lock()
	defer m.listMu.Unlock()
	if l, ok := m.lists[key]; ok && l.of == full {
		return l.pens, l.reps
	}
	pens, reps := filter(full)
	m.filters.Add(1)
	m.mu.Lock()
	newest := m.snap == full
	m.mu.Unlock()
	if newest {
		for k, l := range m.lists {
			if l.of != full {
				delete(m.lists, k) // an older generation's
			}
		}
		if m.lists == nil {
			m.lists = map[string]scopedLists{}
		}
		m.lists[key] = scopedLists{of: full, pens: pens, reps: reps}
	}
	return pens, reps
}

// scopeKey names a scope's departments, in any order.
func scopeKey(scope credit.Scope) string {
	d := slices.Clone(scope.Depts)
	slices.Sort(d)
	return strings.Join(slices.Compact(d), "\x00")
}

// checkFailing returns the daily check's data of the cache's generation
// now, every department, read since since with its repairs cut to those
// failing on today (rules.KeepFailing), read once for every reader asking
// with the same generation, since, rules and day. lean reads as
// CheckDataLean does; a first frame's read (not lean) reads on its own
// rather than wait for a slower lean one in flight. The result is shared:
// see ReadModel.
func (m *ReadModel) checkFailing(since time.Time, lean bool, rules *credit.Rules, today credit.Date) (*credit.CheckData, error) {
	cache, gen, err := m.db.dataGeneration()
	if err != nil {
		return nil, err
	}
	for {
		m.checkMu.Lock()
		if c := m.check; c != nil && c.cache == cache && (c.gen >= gen || m.holding()) && c.since.Equal(since) && c.rules == rules && c.today == today {
			m.checkMu.Unlock()
			return c.data, nil
		}
		if ch := m.checking; ch != nil && (lean || !m.checkingLean) {
			m.checkMu.Unlock()
			<-ch
			continue
		}
		// A first frame (not lean) does not wait for a lean read in
		// flight, which is slower: it reads on its own.
		ch := make(chan struct{})
		if m.checking == nil {
			m.checking, m.checkingLean = ch, lean
		}
		m.checkMu.Unlock()

		every := checkReleaseEvery
		if lean {
			every = leanReleaseEvery
		}
		d, err := m.db.checkData(since, every, rules, today)
		m.checkReads.Add(1)
		m.checkMu.Lock()
		if m.checking == ch {
			m.checking = nil
		}
		if err == nil && (m.check == nil || m.check.cache != cache || m.check.gen <= gen) {
			// Labelled with the generation before the read: a reader of
			// a later generation reads again.
			m.check = &sharedCheck{cache: cache, gen: gen, since: since, rules: rules, today: today, data: d}
			clear(m.scopedChecks)
		}
		m.checkMu.Unlock()
		close(ch)
		if err != nil {
			return nil, err
		}
		return d, nil
	}
}

// checkFor returns d, a check data of checkFailing, limited to scope with
// filter, made once per check data read and scope.
func (m *ReadModel) checkFor(d *credit.CheckData, scope credit.Scope, filter func(*credit.CheckData) *credit.CheckData) *credit.CheckData {
	key := scopeKey(scope)
	m.checkMu.Lock()
	defer m.checkMu.Unlock()
	newest := m.check != nil && m.check.data == d
	if c, ok := m.scopedChecks[key]; ok && newest {
		return c
	}
	c := filter(d)
	if newest {
		if m.scopedChecks == nil {
			m.scopedChecks = map[string]*credit.CheckData{}
		}
		m.scopedChecks[key] = c
	}
	return c
}

// dataGeneration reads the cache's id and data generation.
func (db *DB) dataGeneration() (cache string, gen uint64, err error) {
	err = db.view(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		gen = getU64(meta.Get(keyDataGeneration))
		cache = string(meta.Get(keyCacheID))
		return nil
	})
	if err != nil {
		return "", 0, fmt.Errorf("read data generation of %s: %w", db.path, err)
	}
	return cache, gen, nil
}

// overviewOf returns a copy of s's overview (every field but the penalties
// and repairs) that shares none of its slices or maps.
func overviewOf(s *credit.Snapshot) *credit.Snapshot {
	out := *s
	out.Penalties, out.Repairs = credit.Penalties{}, credit.Repairs{}
	out.Sharing, out.Endpoints, out.Depts = slices.Clone(s.Sharing), slices.Clone(s.Endpoints), slices.Clone(s.Depts)
	out.Counts = maps.Clone(s.Counts)
	return &out
}
