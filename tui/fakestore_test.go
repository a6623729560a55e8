package tui

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/credit/credittest"
	"github.com/czyj/credwatch/store"
)

// fakeStore is an in-memory Store: its read methods are a
// store.ScreenReader, and LoadScreen is store.LoadScreen over them, so the
// tests see the load policy the program uses. Its function fields, when set, replace
// the default behaviour of a method; actions records every RecordAction
// call. It is safe for the goroutines teatest runs commands on.
type fakeStore struct {
	mu       sync.Mutex
	snap     *credit.Snapshot
	check    *credit.CheckData
	records  []credit.Record // every record the store holds
	signoffs map[credit.Date]credit.Signoff
	outbox   []credit.OutboxItem // newest first
	actions  []credit.Action     // RecordAction calls, in order
	retried  []uint64
	since    []time.Time // CheckData and CheckDataLean calls
	lean     int         // CheckDataLean calls
	// sinceSnaps are the snapshots SnapshotSince was given.
	sinceSnaps []*credit.Snapshot

	recordAction func(a credit.Action) (credit.OutboxItem, error)
	quarantine   []credit.Quarantined
}

func (f *fakeStore) Quarantine() ([]credit.Quarantined, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]credit.Quarantined(nil), f.quarantine...), nil
}

var _ Store = (*fakeStore)(nil)

func (f *fakeStore) LoadScreen(req credit.ScreenRequest) (*credit.Screen, error) {
	return store.LoadScreen(f, req)
}

// Overview is Snapshot without penalties and repairs.
func (f *fakeStore) Overview() (*credit.Snapshot, error) {
	s, err := f.Snapshot()
	if s != nil {
		s.Penalties, s.Repairs = credit.Penalties{}, credit.Repairs{}
	}
	return s, err
}

// Snapshot returns the snapshot with the outbox counts, as the store
// counts them in the same transaction.
func (f *fakeStore) Snapshot() (*credit.Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := *f.snap
	s.OutboxPending, s.OutboxFailed = 0, 0
	for _, it := range f.outbox {
		switch it.State {
		case credit.OutboxPending:
			s.OutboxPending++
		case credit.OutboxFailed:
			s.OutboxFailed++
		}
	}
	return &s, nil
}

func (f *fakeStore) SnapshotSince(prev *credit.Snapshot) (*credit.Snapshot, error) {
	f.mu.Lock()
	f.sinceSnaps = append(f.sinceSnaps, prev)
	f.mu.Unlock()
	return f.Snapshot()
}

func (f *fakeStore) CheckData(since time.Time) (*credit.CheckData, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.since = append(f.since, since)
	if f.check == nil {
		return nil, nil
	}
	c := *f.check // each read is the reader's, as the store's are
	return &c, nil
}

func (f *fakeStore) CheckDataLean(since time.Time) (*credit.CheckData, error) {
	f.mu.Lock()
	f.lean++
	f.mu.Unlock()
	return f.CheckData(since)
}

func (f *fakeStore) Records(keys []string) ([]credit.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []credit.Record
	for _, k := range keys {
		for _, r := range f.records {
			if r.Key() == k {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

func (f *fakeStore) DeptRecords(dept string, kind credit.Kind) ([]credit.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []credit.Record
	for _, r := range f.records {
		if r.Dept == dept && r.Kind == kind {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fakeStore) RecordAction(a credit.Action) (credit.OutboxItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.actions = append(f.actions, a)
	if f.recordAction != nil {
		return f.recordAction(a)
	}
	item := credit.OutboxItem{Seq: uint64(100 + len(f.actions)), Action: a, State: credit.OutboxPending}
	f.outbox = append([]credit.OutboxItem{item}, f.outbox...)
	if a.Type == credit.ActionSignoff {
		if f.signoffs == nil {
			f.signoffs = map[credit.Date]credit.Signoff{}
		}
		f.signoffs[a.Date] = credit.Signoff{Date: a.Date, Officer: a.Officer, Depts: a.Depts, Note: a.Note, At: a.At, ActionID: a.ID}
	}
	return item, nil
}

func (f *fakeStore) Outbox() ([]credit.OutboxItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.outbox), nil
}

func (f *fakeStore) RetryAction(seq uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.retried = append(f.retried, seq)
	for i := range f.outbox {
		if f.outbox[i].Seq == seq {
			if f.outbox[i].State != credit.OutboxFailed {
				return errors.New("not failed")
			}
			f.outbox[i].State = credit.OutboxPending
			return nil
		}
	}
	return errors.New("no such item")
}

func (f *fakeStore) Signoffs() (map[credit.Date]credit.Signoff, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[credit.Date]credit.Signoff, len(f.signoffs))
	for d, s := range f.signoffs {
		out[d] = s
	}
	return out, nil
}

// recordedActions returns a copy of the RecordAction calls so far.
func (f *fakeStore) recordedActions() []credit.Action {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.actions)
}

// fixtureRecords are the fixture's penalties plus records of other kinds a
// department drill-down lists.
func fixtureRecords(snap *credit.Snapshot) []credit.Record {
	recs := fixturePenalties()
	lic := credit.Record{
		Kind: credit.Licence, ID: "XK-2026-0042", Dept: "city-whp", SubjectName: "常州新阳危化品储运有限公司",
		SubjectKind: credit.SubjectLegal, USCC: uscc("9132040077788810"), LegalRep: "王立", DocNo: "(苏)WH安许证字〔2026〕042号",
		Decided: d("2026-11-02"), Authority: "常州市应急管理局", SourceUnit: "危化处", LicenceCategory: "普通",
		CertName: "危险化学品经营许可证", LicenceNo: "WH-2026-042", Content: "危险化学品经营（带储存）",
		ValidFrom: d("2026-11-02"), ValidTo: d("2029-11-01"), LicenceStatus: "有效", Disclosed: d("2026-11-04"),
	}
	return append(recs, lic)
}

// fixtureCheckData is what a store would gather for the daily check of
// 2026-11-30 from the fixture snapshot: some records received since Friday,
// the sharing list, the undisclosed penalty, quality issues and the repairs.
func fixtureCheckData(snap *credit.Snapshot) *credit.CheckData {
	data := &credit.CheckData{
		Since:     credit.MustDate("2026-11-27").Time(),
		Received:  map[string]map[credit.Kind]int{"city-zd": {credit.Penalty: 1, credit.Inspection: 4}, "320412": {credit.Penalty: 1}},
		Cached:    map[string]map[credit.Kind]int{},
		Sharing:   snap.Sharing,
		Endpoints: snap.Endpoints,
	}
	full := map[string]credit.Record{}
	for _, r := range fixturePenalties() {
		full[r.Key()] = r
	}
	for _, sum := range snap.Penalties.All() {
		p, ok := full[sum.Key()]
		if !ok {
			p = sum.Record()
		}
		if data.Cached[p.Dept] == nil {
			data.Cached[p.Dept] = map[credit.Kind]int{}
		}
		data.Cached[p.Dept][p.Kind]++
		ref := credit.RecordRef{Key: p.Key(), Dept: p.Dept, Kind: p.Kind, Decided: p.Decided, Disclosed: p.Disclosed}
		if p.Disclosed.IsZero() {
			data.Undisclosed = append(data.Undisclosed, ref)
		}
		for _, is := range credit.CheckRecord(&p, fxToday) {
			ref.Issues = append(ref.Issues, is.Code)
		}
		if len(ref.Issues) > 0 {
			data.Quality = append(data.Quality, ref)
		}
		if r, ok := snap.Repairs.Get(p.Key()); ok {
			data.Repairs = append(data.Repairs, credit.RepairRef{Dept: p.Dept, Repair: r})
		}
	}
	// The city inspection list is short by two records: shows as missing.
	data.Cached["city-zd"][credit.Inspection] = 132
	return data
}

// fixtureSignoffs signs off most of the last working days; 11-25 and 11-18
// were missed.
func fixtureSignoffs(t testing.TB) map[credit.Date]credit.Signoff {
	t.Helper()
	rules := credit.DefaultRules()
	out := map[credit.Date]credit.Signoff{}
	day := fxToday
	for i := range 29 {
		prev, err := rules.Cal.PrevWorkingDay(day)
		if err != nil {
			t.Fatal(err)
		}
		day = prev
		if day == d("2026-11-25") || day == d("2026-11-18") {
			continue
		}
		officer := "张三"
		if i%3 == 1 {
			officer = "李四"
		}
		out[day] = credit.Signoff{Date: day, Officer: officer, At: day.Time().Add(9*time.Hour + 12*time.Minute), Failed: i % 2}
	}
	return out
}

func fixtureOutbox() []credit.OutboxItem {
	return []credit.OutboxItem{
		{Seq: 12, State: credit.OutboxPending, Attempts: 2, LastError: "POST /v1/actions: 503 Service Unavailable",
			NextTry: fxNow.Add(2 * time.Minute),
			Action:  credit.Action{ID: "a12", Type: credit.ActionReminder, Officer: "张三", At: fxNow.Add(-20 * time.Minute), Date: fxToday, RecordKey: "penalty/JK-2026-0820"}},
		{Seq: 11, State: credit.OutboxFailed, Attempts: 1, LastError: "422 validation: receipt: must not be empty",
			Action: credit.Action{ID: "a11", Type: credit.ActionNationalDone, Officer: "李四", At: fxNow.Add(-26 * time.Hour), Date: fxToday.AddDays(-3), RecordKey: "penalty/ZL-2026-0520"}},
		{Seq: 10, State: credit.OutboxSent, Attempts: 1, SentAt: fxNow.Add(-72*time.Hour + time.Minute),
			RemoteID: "act-29c1af16-000010", ReceivedAt: fxNow.Add(-72*time.Hour + time.Minute),
			Action: credit.Action{ID: "a10", Type: credit.ActionSignoff, Officer: "李四", At: fxNow.Add(-72 * time.Hour), Date: fxToday.AddDays(-3)}},
		{Seq: 9, State: credit.OutboxSent, Attempts: 2, SentAt: fxNow.Add(-96*time.Hour + 5*time.Minute),
			RemoteID: "act-29c1af16-000009", ReceivedAt: fxNow.Add(-96*time.Hour + 5*time.Minute),
			Action: credit.Action{ID: "a9", Type: credit.ActionReminder, Officer: "张三", At: fxNow.Add(-96 * time.Hour), Date: fxToday.AddDays(-4), RecordKey: "penalty/ZL-2026-0520"}},
	}
}

// newFixtureStore returns a fake store over the fixture.
func newFixtureStore(t testing.TB) *fakeStore {
	snap := fixtureSnapshot()
	return &fakeStore{
		snap: snap, check: fixtureCheckData(snap), records: fixtureRecords(snap),
		signoffs: fixtureSignoffs(t), outbox: fixtureOutbox(),
	}
}

// storeDeps returns Deps over a fake store of the fixture, for officer 张三.
func storeDeps(t testing.TB, lang string) (Deps, *fakeStore) {
	t.Helper()
	st := newFixtureStore(t)
	dp := fixtureDeps(t, lang)
	dp.Snapshot = nil
	dp.Store = st
	dp.Officer = "张三"
	n := 0
	dp.NewActionID = func() string { n++; return "act-" + string(rune('0'+n)) }
	return dp, st
}

// loadedStore returns a model over the fake store of size w x h that has
// applied its first load, running the load command synchronously.
func loadedStore(t testing.TB, dp Deps, w, h int) Model {
	t.Helper()
	m := New(dp)
	m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	msg := m.loadCmd()()
	nm, cmd := m.Update(msg)
	m = nm.(Model)
	if msg.(snapshotMsg).partial { // the first frame; the full read follows
		m = update(t, m, cmd())
	}
	return m
}

// The first read shows the default tab from the overview and the check
// data; the tabs built from the penalties say they are loading until the
// full read, issued at once, arrives.
func TestFirstFrameBeforePenalties(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	m := New(dp)
	m = update(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	first := m.loadCmd()().(snapshotMsg)
	if !first.partial || first.snap.Penalties.Len() != 0 {
		t.Fatalf("first read: partial %v, %d penalties", first.partial, first.snap.Penalties.Len())
	}
	nm, cmd := m.Update(first)
	m = nm.(Model)
	if m.tab != tabCheck || !m.Loading() || cmd == nil {
		t.Fatalf("after the first read: tab %d, loading %v, next read %v", m.tab, m.Loading(), cmd != nil)
	}
	if len(m.check.Rows()) == 0 {
		t.Errorf("the check tab has no rows:\n%s", m.View())
	}
	for _, tab := range []string{"2", "4", "5"} {
		if v := keys(t, m, runes(tab)).View(); !strings.Contains(v, "正在读取缓存") {
			t.Errorf("tab %s does not say it is loading:\n%s", tab, v)
		}
	}
	m = update(t, m, cmd())
	if m.Loading() || len(m.repair.Rows()) == 0 {
		t.Errorf("after the full read: loading %v, %d repair rows", m.Loading(), len(m.repair.Rows()))
	}
	if v := keys(t, m, runes("4")).View(); strings.Contains(v, "正在读取缓存") {
		t.Errorf("repair tab still loading:\n%s", v)
	}
}

// FirstLoad (cmd starts the sync engine with it) is called once, by a
// command, after the first read is on screen; later loads do not call it.
func TestFirstLoadCalledOnce(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	var calls atomic.Int32
	m := New(dp).WithHooks(Hooks{FirstLoad: func() { calls.Add(1) }})
	m = update(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	nm, cmd := m.Update(m.loadCmd()())
	m = nm.(Model)
	if calls.Load() != 0 || !strings.Contains(m.View(), "每日核查") {
		t.Fatalf("FirstLoad called %d times inside Update, or the first frame is not drawn:\n%s", calls.Load(), m.View())
	}
	m = run(t, m, cmd) // FirstLoad and the full read
	if calls.Load() != 1 || m.partial {
		t.Fatalf("after the first load's commands: %d calls, partial %v", calls.Load(), m.partial)
	}
	m.seq++
	run(t, m, m.loadCmd())
	if calls.Load() != 1 {
		t.Errorf("a later load called FirstLoad again (%d calls)", calls.Load())
	}
}

// countingStore counts full Snapshot reads.
type countingStore struct {
	*fakeStore
	full atomic.Int32
}

func (c *countingStore) Snapshot() (*credit.Snapshot, error) {
	c.full.Add(1)
	return c.fakeStore.Snapshot()
}

func (c *countingStore) LoadScreen(req credit.ScreenRequest) (*credit.Screen, error) {
	return store.LoadScreen(c, req)
}

func (c *countingStore) SnapshotSince(prev *credit.Snapshot) (*credit.Snapshot, error) {
	c.full.Add(1)
	return c.fakeStore.SnapshotSince(prev)
}

// A reload that finds the data generation unchanged on the same day keeps
// the penalties, the repair and queue rows and the check data (taking the
// endpoints' statuses from the overview); a new generation or a new day
// reads and builds them again.
func TestReloadKeepsUnchangedPenaltyTabs(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	st.snap.Generation = 5
	cs := &countingStore{fakeStore: st}
	dp.Store = cs
	m := loadedStore(t, dp, 100, 30)
	reload := func() Model {
		t.Helper()
		m.seq++
		return run(t, m, m.loadCmd())
	}
	checkReads := func() int {
		st.mu.Lock()
		defer st.mu.Unlock()
		return len(st.since)
	}
	full, checks := cs.full.Load(), checkReads()
	if checks < 2 || st.lean != checks-1 {
		t.Errorf("%d check reads, %d of them lean: all but the first frame's should be", checks, st.lean)
	}
	lean := st.lean
	src, rows := m.repair.Source(), m.repair.Rows()
	// Meanwhile an endpoint starts failing: a status write, not data.
	st.mu.Lock()
	st.snap.Endpoints = slices.Clone(st.snap.Endpoints)
	st.snap.Endpoints[0].LastError = "dial tcp: connection refused"
	st.mu.Unlock()
	m = reload()
	if cs.full.Load() != full || !m.view.reused || m.repair.Source() != src {
		t.Fatalf("same generation: %d full reads (had %d), reused %v", cs.full.Load(), full, m.view.reused)
	}
	if checkReads() != checks || m.checkData.Endpoints[0].LastError == "" || !strings.Contains(m.View(), "2个接口同步异常") {
		t.Errorf("same generation: %d check reads (had %d), endpoint error %q:\n%s", checkReads(), checks, m.checkData.Endpoints[0].LastError, m.View())
	}
	if m.snap.Penalties.Len() == 0 || m.snap.Repairs.Len() == 0 {
		t.Fatal("the kept snapshot lost its penalties or repairs")
	}
	// New data: a penalty disappears.
	st.mu.Lock()
	st.snap.Penalties = credittest.Penalties(st.snap.Penalties.All()[1:]...)
	st.snap.Generation = 6
	st.mu.Unlock()
	m = reload()
	if m.view.reused || cs.full.Load() != full+1 || len(m.repair.Rows()) != len(rows)-1 || checkReads() != checks+1 {
		t.Errorf("new generation: reused %v, %d full reads, %d rows (had %d), %d check reads", m.view.reused, cs.full.Load(), len(m.repair.Rows()), len(rows), checkReads())
	}
	if st.lean != lean+1 {
		t.Errorf("new generation: %d lean check reads, want %d (a reload in the background)", st.lean, lean+1)
	}
	// It was read as changes since the snapshot on screen, which the
	// store may patch rather than read whole.
	if n := len(st.sinceSnaps); n == 0 || st.sinceSnaps[n-1] == nil || st.sinceSnaps[n-1].Generation != 5 {
		t.Errorf("new generation: SnapshotSince given %v", st.sinceSnaps)
	}
	// The next day: the deadlines move, so the rows are built again.
	m.baseDay--
	m = reload()
	if m.view.reused || cs.full.Load() != full+2 || checkReads() != checks+2 {
		t.Errorf("next day: reused %v, %d full reads, %d check reads", m.view.reused, cs.full.Load(), checkReads())
	}
}

// The check judges endpoints by the statuses of the snapshot the header
// and the sync tab show, even when the store's check data, read in another
// transaction, already holds a newer failure: the screen never says both
// "1 failing" and "2 failing".
func TestCheckEndpointsAgreeWithHeader(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	newer := slices.Clone(st.snap.Endpoints)
	for i := range newer {
		newer[i].LastError, newer[i].Failures = "dial tcp: connection refused", 1
	}
	st.check.Endpoints = newer
	m := loadedStore(t, dp, 120, 40)
	v := m.View()
	if !strings.Contains(v, "1个接口异常") || !strings.Contains(v, "1个接口同步异常") || strings.Contains(v, "2个接口同步异常") {
		t.Errorf("header and check disagree about the failing endpoints:\n%s", v)
	}
}

// Rebuilt (cmd returns the old generation's memory with it) is called,
// inside a command, after each load that rebuilt the penalty tabs: the
// first full load and loads of changed data, not the first frame's read
// nor reloads that kept the tabs.
func TestRebuiltAfterFullLoadsOnly(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	st.snap.Generation = 5
	var calls atomic.Int32
	m := New(dp).WithHooks(Hooks{Rebuilt: func() { calls.Add(1) }})
	m = update(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	// load applies one load's result and runs the commands it returns.
	load := func() {
		t.Helper()
		nm, cmd := m.Update(m.loadCmd()())
		m = run(t, nm.(Model), cmd)
	}
	m.seq++
	nm, _ := m.Update(m.loadCmd()()) // the first frame's read
	m = nm.(Model)
	if calls.Load() != 0 || !m.partial {
		t.Fatalf("after the first frame's read: %d calls (partial %v)", calls.Load(), m.partial)
	}
	m.seq++
	load() // the full read
	if calls.Load() != 1 || m.partial {
		t.Fatalf("after the first full load: %d calls (partial %v)", calls.Load(), m.partial)
	}
	m.seq++
	load() // same generation: the tabs are kept
	if calls.Load() != 1 || !m.view.reused {
		t.Errorf("after a reload that kept the tabs: %d calls (reused %v)", calls.Load(), m.view.reused)
	}
	st.mu.Lock()
	st.snap.Generation = 6
	st.mu.Unlock()
	m.seq++
	load()
	if calls.Load() != 2 || m.view.reused {
		t.Errorf("after a reload of changed data: %d calls (reused %v)", calls.Load(), m.view.reused)
	}
}
