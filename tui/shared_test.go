package tui

import (
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// loadShared is loadedStore without a testing.T, for goroutines: New,
// the size, the first load and the full load that follows it.
func loadShared(dp Deps) Model {
	m := New(dp)
	nm, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m = nm.(Model)
	for range 2 {
		msg := m.loadCmd()()
		nm, _ = m.Update(msg)
		m = nm.(Model)
		if !msg.(snapshotMsg).partial {
			break
		}
	}
	return m
}

// TestSharedTabsOncePerListsAndSettings: Models given the same penalties
// and repairs with the same day, language and departments show one build
// of the repair and queue tabs, made once even when they load at once; a
// Model of one district, of another language, or given equal lists read
// separately builds its own, and the district's shows only its rows.
func TestSharedTabsOncePerListsAndSettings(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	sh := NewShared()
	dp.Shared = sh
	ms := make([]Model, 6)
	var wg sync.WaitGroup
	for i := range ms {
		wg.Add(1)
		go func() { defer wg.Done(); ms[i] = loadShared(dp) }()
	}
	wg.Wait()
	if sh.Builds() != 1 {
		t.Errorf("%d Models loading the same lists at once built the tabs %d times, want once", len(ms), sh.Builds())
	}
	for i, m := range ms {
		if m.view.tabs == nil || m.view.tabs != ms[0].view.tabs || m.view.repair != ms[0].view.repair {
			t.Fatalf("Model %d does not show the shared tabs", i)
		}
	}
	admin := ms[0]

	district := dp
	district.OfficerDepts = []string{"320412"}
	d := loadShared(district)
	if sh.Builds() != 2 || d.view.tabs == admin.view.tabs {
		t.Errorf("an officer of 320412: %d builds, shares the admin's tabs: %v", sh.Builds(), d.view.tabs == admin.view.tabs)
	}
	for _, r := range table.AllRows(d.view.repair.Source()) {
		if r.Dept != "320412" {
			t.Errorf("the officer of 320412 is shown a repair row of %s: %v", r.Dept, r.Cells)
		}
	}
	if d2 := loadShared(district); d2.view.tabs != d.view.tabs || sh.Builds() != 2 {
		t.Errorf("a second officer of 320412 does not share the first's tabs (%d builds)", sh.Builds())
	}

	en := dp
	en.Lang = "en"
	if e := loadShared(en); e.view.tabs == admin.view.tabs || sh.Builds() != 3 {
		t.Errorf("an English view shares the Chinese tabs (%d builds)", sh.Builds())
	}

	// Another store's lists, equal but read separately: built again.
	other, ost := storeDeps(t, "zh")
	other.Shared, other.Rules, other.Depts = sh, dp.Rules, dp.Depts
	if o := loadShared(other); o.view.tabs == admin.view.tabs || sh.Builds() != 4 {
		t.Errorf("a Model of other lists shares the tabs (%d builds)", sh.Builds())
	}

	// Tabs no Model holds are dropped.
	ms, d, admin = nil, Model{}, Model{}
	runtime.GC()
	runtime.GC()
	snap, err := ost.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	sh.penaltyTabs(buildInput{snap: snap, cat: newCatalog("zh"), rules: dp.Rules, depts: dp.Depts, today: dp.Today}) // sweeps, builds
	sh.mu.Lock()
	after := len(sh.slots)
	sh.mu.Unlock()
	if after != 1 {
		t.Errorf("%d slots after a look-up, want 1 (the tabs it built): the dead ones gone", after)
	}
}

// TestSharedTabsConcurrentSessions: Models sharing the tabs filter, sort,
// move and draw at once without touching each other's state or the
// shared rows (run with -race), and each still shows its own filter.
func TestSharedTabsConcurrentSessions(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	dp.Shared = NewShared()
	base := loadShared(dp)
	filters := []string{"武进", "经开", "罚", "2026"}
	var wg sync.WaitGroup
	views := make([]string, 8)
	for i := range views {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := base
			if i%2 == 1 {
				m = loadShared(dp)
			}
			step := func(k tea.KeyMsg) {
				nm, _ := m.Update(k)
				m = nm.(Model)
				_ = m.View()
			}
			for _, tab := range []string{"4", "5", "2"} {
				step(runes(tab))
				for range 3 {
					step(runes(">"))
					step(runes("S"))
					step(keyMsg("down"))
				}
				step(runes("/"))
				step(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(filters[i%len(filters)])})
				step(keyMsg("enter"))
				step(keyMsg("G"))
			}
			step(runes("4"))
			views[i] = m.View()
		}()
	}
	wg.Wait()
	for i, v := range views {
		if f := filters[i%len(filters)]; !strings.Contains(v, f) {
			t.Errorf("session %d: its filter %q is not on its screen:\n%s", i, f, v)
		}
	}
	if dp.Shared.Builds() != 1 {
		t.Errorf("%d builds, want 1", dp.Shared.Builds())
	}
}

// Pace is twice the longest build of late: 0 before any build, then
// more than 0, decaying by a quarter with each shorter build.
func TestSharedPace(t *testing.T) {
	sh := NewShared()
	if sh.Pace() != 0 {
		t.Fatalf("pace %v before any build", sh.Pace())
	}
	sh.noteBuild(4 * time.Second)
	if sh.Pace() != 8*time.Second {
		t.Errorf("pace %v after a build of 4 s, want 8 s", sh.Pace())
	}
	sh.noteBuild(time.Second)
	if sh.Pace() != 6*time.Second {
		t.Errorf("pace %v after a shorter build, want 6 s (the longest decayed by a quarter)", sh.Pace())
	}
	sh.noteBuild(10 * time.Second)
	if sh.Pace() != 20*time.Second {
		t.Errorf("pace %v after a longer build, want 20 s", sh.Pace())
	}
	// A round: the reload queue's time held between two builds of a key.
	key := tabsKey{today: fxToday}
	if r := sh.round(key); r != 0 {
		t.Errorf("first round %v, want 0", r)
	}
	sh.busy.Add(int64(3 * time.Second))
	if r := sh.round(key); r != 3*time.Second {
		t.Errorf("round %v after 3 s held, want 3 s", r)
	}
	if r := sh.round(tabsKey{today: fxToday + 1}); r != 0 || len(sh.roundFrom) != 1 {
		t.Errorf("another day's round %v (%d keys kept), want 0 and only that day's", r, len(sh.roundFrom))
	}
	dp, _ := storeDeps(t, "zh")
	dp.Shared = NewShared()
	loadShared(dp)
	if dp.Shared.Builds() != 1 || dp.Shared.Pace() <= 0 {
		t.Errorf("after a build: %d builds, pace %v", dp.Shared.Builds(), dp.Shared.Pace())
	}
}

// TestSharedDailyCheck: Models of one scope given the same check data
// (the same lists) share one daily check, whatever its time as long as it
// judges the endpoints alike; another scope, other lists or another day
// compute their own, and the result is what DailyCheck gives.
func TestSharedDailyCheck(t *testing.T) {
	rules := credit.DefaultRules()
	today := credit.DateOf(fxNow)
	data := &credit.CheckData{
		Since:  fxNow.Add(-24 * time.Hour),
		Cached: map[string]map[credit.Kind]int{"320402": {credit.Penalty: 3}},
		Undisclosed: []credit.RecordRef{{Key: "penalty/a", Dept: "320402", Kind: credit.Penalty, Decided: today - 20},
			{Key: "penalty/b", Dept: "320412", Kind: credit.Penalty, Decided: today - 20}},
		Now: fxNow,
	}
	s := NewShared()
	want, wantErr := rules.DailyCheck(data, nil, today)
	got, err := s.dailyCheck(rules, data, nil, today)
	if wantErr != nil || err != nil || !reflect.DeepEqual(got, want) || want.Failed == 0 {
		t.Fatalf("got %+v %v, want %+v %v (a failing check)", got, err, want, wantErr)
	}
	later := *data
	later.Now = fxNow.Add(time.Second)
	if _, err := s.dailyCheck(rules, &later, nil, today); err != nil || s.ChecksShared() != 1 {
		t.Fatalf("the same lists a second later: shared %d times (err %v), want 1", s.ChecksShared(), err)
	}
	district, _ := s.dailyCheck(rules, data, []string{"320412"}, today)
	if s.ChecksShared() != 1 || reflect.DeepEqual(district, want) {
		t.Fatalf("another scope was given the first scope's check (shared %d)", s.ChecksShared())
	}
	copied := *data
	copied.Undisclosed = slices.Clone(data.Undisclosed)
	if s.dailyCheck(rules, &copied, nil, today); s.ChecksShared() != 1 {
		t.Fatal("lists of another read (equal, not the same) were given a kept check")
	}
	if s.dailyCheck(rules, data, nil, today+1); s.ChecksShared() != 1 {
		t.Fatal("another day was given a kept check")
	}
	s.Forget()
	if s.dailyCheck(rules, data, nil, today+1); s.ChecksShared() != 1 {
		t.Fatal("a check kept after Forget")
	}
}

// TestSharedTimeliness: the sharing tab's timeliness of the same check
// lists and scope is computed once; other lists, another scope or lists
// that are not shared check data are computed each time.
func TestSharedTimeliness(t *testing.T) {
	rules := credit.DefaultRules()
	today := credit.DateOf(fxNow)
	und := []credit.RecordRef{{Key: "penalty/a", Dept: "320402", Kind: credit.Penalty, Decided: today - 20},
		{Key: "penalty/b", Dept: "320412", Kind: credit.Penalty, Decided: today - 20}}
	s := NewShared()
	o1, _, err := s.timeliness(rules, und, nil, today, nil, true)
	if err != nil || o1["320402"][credit.Penalty] != 1 || o1["320412"][credit.Penalty] != 1 {
		t.Fatalf("overdue %v (%v), want one in each district", o1, err)
	}
	o2, _, _ := s.timeliness(rules, und, nil, today, nil, true)
	if reflect.ValueOf(o2).Pointer() != reflect.ValueOf(o1).Pointer() {
		t.Error("the same lists and scope computed again")
	}
	d, _, _ := s.timeliness(rules, und, nil, today, []string{"320412"}, true)
	if d["320402"] != nil || d["320412"][credit.Penalty] != 1 {
		t.Errorf("one district's timeliness %v, want 320412's only", d)
	}
	o3, _, _ := s.timeliness(rules, slices.Clone(und), nil, today, nil, true)
	o4, _, _ := s.timeliness(rules, und, nil, today, nil, false)
	if reflect.ValueOf(o3).Pointer() == reflect.ValueOf(o1).Pointer() || reflect.ValueOf(o4).Pointer() == reflect.ValueOf(o1).Pointer() {
		t.Error("other lists, or lists not shared, were given a kept result")
	}
}
