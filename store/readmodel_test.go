package store

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

// readModelCache writes n penalties over three districts, with an open
// repair under review for every third, and the sharing list.
func readModelCache(t *testing.T, n int) (*DB, time.Time) {
	t.Helper()
	db, _ := openTemp(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	depts := []string{"320412", "320411", "320402"}
	var changes []credit.Change
	for i := range n {
		changes = append(changes, upsert(penalty(fmt.Sprint(i), depts[i%3], "2025-01-05")))
	}
	if err := db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "penalty", Changes: changes, FetchedAt: at}); err != nil {
		t.Fatal(err)
	}
	changes = nil
	for i := 0; i < n; i += 3 {
		r := credit.Repair{RecordKey: credit.RecordKey(credit.Penalty, fmt.Sprint(i)), Applied: credit.MustDate("2026-01-05")}
		changes = append(changes, credit.Change{Op: credit.OpUpsert, Key: r.RecordKey, Repair: &r})
	}
	if err := db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "repair", Changes: changes, FetchedAt: at}); err != nil {
		t.Fatal(err)
	}
	changes = nil
	for _, d := range depts {
		changes = append(changes, credit.Change{Op: credit.OpUpsert, Key: d + "/penalty", Sharing: &credit.SharingEntry{Dept: d, Kind: credit.Penalty}})
	}
	if err := db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "sharing", Changes: changes, FetchedAt: at}); err != nil {
		t.Fatal(err)
	}
	return db, at
}

// snapshotKeys lists what a snapshot shows of the penalties and repairs.
func snapshotKeys(s *credit.Snapshot) (pens, reps []string, counts string) {
	for i := range s.Penalties.Len() {
		pens = append(pens, s.Penalties.Dept(i)+"/"+s.Penalties.ID(i))
	}
	for i := range s.Repairs.Len() {
		reps = append(reps, s.Repairs.Key(i))
	}
	return pens, reps, fmt.Sprint(s.Counts, len(s.Sharing), len(s.Depts), s.Quarantine, s.OutboxPending, s.Generation)
}

// TestReadModelSharesOneReadPerGeneration: readers of several scopes
// reading at once through one model get what their Scoped reads without
// it (each scope only its departments), from one read of the cache and
// one filter per scope; a write moves every reader to the new generation
// with one more read, and what it reads matches a fresh read again.
func TestReadModelSharesOneReadPerGeneration(t *testing.T) {
	db, at := readModelCache(t, 1200)
	rm := db.ReadModel()
	scopes := []credit.Scope{{}, {Depts: []string{"320412"}}, {Depts: []string{"320411", "320402"}}, {Depts: []string{"320402", "320411"}}}
	rules := credit.DefaultRules()
	today := credit.DateOf(at)
	since := at.Add(-72 * time.Hour)

	check := func(round string, wantReads int64) {
		t.Helper()
		var wg sync.WaitGroup
		got := make([]*credit.Snapshot, 4*len(scopes))
		checks := make([]*credit.CheckData, len(got))
		errs := make([]error, len(got))
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sc := db.Scoped(scopes[i%len(scopes)]).Through(rm)
				if got[i], errs[i] = sc.Snapshot(); errs[i] == nil {
					checks[i], errs[i] = sc.CheckDataFailing(since, true, rules, today)
				}
			}()
		}
		wg.Wait()
		for i, s := range got {
			if errs[i] != nil {
				t.Fatalf("%s: reader %d: %v", round, i, errs[i])
			}
			scope := scopes[i%len(scopes)]
			want, err := db.Scoped(scope).Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			gp, gr, gc := snapshotKeys(s)
			wp, wr, wc := snapshotKeys(want)
			if !slices.Equal(gp, wp) || !slices.Equal(gr, wr) || gc != wc {
				t.Errorf("%s: scope %v through the model: %d penalties, %d repairs, %s; its own read: %d, %d, %s",
					round, scope.Depts, len(gp), len(gr), gc, len(wp), len(wr), wc)
			}
			for j := range s.Penalties.Len() {
				if !scope.Allows(s.Penalties.Dept(j)) {
					t.Fatalf("%s: scope %v sees a penalty of %s", round, scope.Depts, s.Penalties.Dept(j))
				}
			}
			wantCheck, err := db.Scoped(scope).CheckDataFailing(since, true, rules, today)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(checks[i].Received, checks[i].Cached, len(checks[i].Sharing), len(checks[i].Repairs), len(checks[i].Undisclosed)) !=
				fmt.Sprint(wantCheck.Received, wantCheck.Cached, len(wantCheck.Sharing), len(wantCheck.Repairs), len(wantCheck.Undisclosed)) {
				t.Errorf("%s: scope %v check data through the model differs from its own read", round, scope.Depts)
			}
			for _, r := range checks[i].Repairs {
				if !scope.Allows(r.Dept) {
					t.Fatalf("%s: scope %v check data holds a repair of %s", round, scope.Depts, r.Dept)
				}
			}
		}
		if rm.Reads() != wantReads || rm.CheckReads() != wantReads {
			t.Errorf("%s: %d readers made %d reads of the penalties and %d of the check data, want %d each", round, len(got), rm.Reads(), rm.CheckReads(), wantReads)
		}
		// The two spellings of one scope share one filter per generation;
		// the scope of every department filters nothing.
		if want := 2 * wantReads; rm.ScopeFilters() != want {
			t.Errorf("%s: %d scope filters, want %d", round, rm.ScopeFilters(), want)
		}
	}
	check("first", 1)
	admin := db.Scoped(credit.Scope{}).Through(rm)
	a1, _ := admin.Snapshot()
	a2, _ := admin.Snapshot()
	if !a1.Penalties.Same(&a2.Penalties) || !a1.Repairs.Same(&a2.Repairs) {
		t.Error("two reads of one generation through the model do not share the penalties and repairs")
	}
	if err := db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "penalty", FetchedAt: at,
		Changes: []credit.Change{upsert(penalty("new", "320412", "2026-03-01")), {Op: credit.OpDelete, Key: credit.RecordKey(credit.Penalty, "4")}}}); err != nil {
		t.Fatal(err)
	}
	check("after a write", 2)
	rm.Forget()
	if _, err := admin.Snapshot(); err != nil || rm.Reads() != 3 {
		t.Errorf("a read after Forget: %v; %d reads, want 3", err, rm.Reads())
	}
}

// TestReadModelPace: a read model with a pace holds the generation it
// read for the pace after it moved: readers of the cache written since
// get the generation held (lists, overview and check data of one
// generation), and LoadScreen says nothing changed for a reader showing
// it; once the pace has passed, the next reader moves it to the newest,
// skipping the generations between.
func TestReadModelPace(t *testing.T) {
	db, at := readModelCache(t, 300)
	rm := db.ReadModel()
	clock := at
	rm.now = func() time.Time { return clock }
	rm.SetPace(func() time.Duration { return 5 * time.Second })
	rules := credit.DefaultRules()
	today := credit.DateOf(at)
	since, err := rules.LastWorkingDayStart(today)
	if err != nil {
		t.Fatal(err)
	}
	district := db.Scoped(credit.Scope{Depts: []string{"320412"}}).Through(rm)

	first, err := LoadScreen(district, credit.ScreenRequest{Today: today, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	shown, err := LoadScreen(district, credit.ScreenRequest{Today: today, Rules: rules, Prev: first})
	if err != nil || shown.Overview {
		t.Fatalf("the full read: %v (overview %v)", err, shown.Overview)
	}
	gen := shown.Snapshot.Generation
	write := func(id string) {
		t.Helper()
		if err := db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "penalty", FetchedAt: at,
			Changes: []credit.Change{upsert(penalty(id, "320412", "2026-03-01"))}}); err != nil {
			t.Fatal(err)
		}
	}
	write("paced-1")
	write("paced-2")
	reads, checks := rm.Reads(), rm.CheckReads()

	clock = clock.Add(4 * time.Second) // within the pace
	held, err := LoadScreen(district, credit.ScreenRequest{Today: today, Rules: rules, Prev: shown})
	if err != nil {
		t.Fatal(err)
	}
	if !held.Unchanged || held.Snapshot.Generation != gen || !held.Snapshot.Penalties.Same(&shown.Snapshot.Penalties) {
		t.Errorf("within the pace: unchanged %v, generation %d (held %d), same lists %v", held.Unchanged, held.Snapshot.Generation, gen,
			held.Snapshot.Penalties.Same(&shown.Snapshot.Penalties))
	}
	if d, err := district.CheckDataFailing(since, true, rules, today); err != nil || rm.CheckReads() != checks || rm.Reads() != reads {
		t.Errorf("within the pace: %d reads (had %d), %d check reads (had %d), %v", rm.Reads(), reads, rm.CheckReads(), checks, err)
	} else if slices.ContainsFunc(d.Undisclosed, func(r credit.RecordRef) bool { return strings.HasSuffix(r.Key, "paced-2") }) {
		t.Error("within the pace: the check data of a newer generation")
	}

	clock = clock.Add(2 * time.Second) // past the pace
	moved, err := LoadScreen(district, credit.ScreenRequest{Today: today, Rules: rules, Prev: held})
	if err != nil {
		t.Fatal(err)
	}
	if moved.Unchanged || moved.Snapshot.Generation != gen+2 || rm.Reads() != reads+1 {
		t.Errorf("past the pace: unchanged %v, generation %d (want %d, the newest), %d reads (want %d: one, the generations between skipped)",
			moved.Unchanged, moved.Snapshot.Generation, gen+2, rm.Reads(), reads+1)
	}
	if moved.Snapshot.Penalties.Index("paced-2") < 0 {
		t.Error("past the pace: the newest penalty is missing")
	}
}

// TestReadModelOverviewOncePerWrite: readers of the overview through one
// model read it once while nothing is written, each gets its own copy
// equal to a read of its own, limited to its scope; any write, of data or
// only of an endpoint's status, makes the next reader read it again.
func TestReadModelOverviewOncePerWrite(t *testing.T) {
	db, at := readModelCache(t, 30)
	rm := db.ReadModel()
	scopes := []credit.Scope{{}, {Depts: []string{"320412"}}}
	same := func(round string, wantReads int64) {
		t.Helper()
		for range 3 {
			for _, scope := range scopes {
				got, err := db.Scoped(scope).Through(rm).Overview()
				if err != nil {
					t.Fatal(err)
				}
				want, err := db.Scoped(scope).Overview()
				if err != nil {
					t.Fatal(err)
				}
				got.TakenAt, want.TakenAt = time.Time{}, time.Time{}
				if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
					t.Fatalf("%s: scope %v: through the model %+v, its own read %+v", round, scope.Depts, got, want)
				}
				got.Sharing[0].Dept = "changed by a reader"
			}
		}
		if n := rm.OverviewReads(); n != wantReads {
			t.Fatalf("%s: %d reads of the overview, want %d", round, n, wantReads)
		}
	}
	same("first", 1)
	err := db.RecordEndpoint("zf", func(st *credit.EndpointStatus) { st.LastAttempt = at.Add(time.Minute) },
		credit.Event{At: at, Endpoint: "zf", Type: credit.EventDone})
	if err != nil {
		t.Fatal(err)
	}
	same("after an endpoint's status", 2)
	if err := db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "penalty", Changes: []credit.Change{upsert(penalty("new", "320412", "2025-02-05"))}, FetchedAt: at}); err != nil {
		t.Fatal(err)
	}
	same("after a data write", 3)
}
