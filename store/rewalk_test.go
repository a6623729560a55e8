package store

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

// rewalkFixture is a cache holding an endpoint's penalty, sharing and
// repair feeds, and the pages of a walk of the same feeds from the
// beginning that differs: one penalty changed, one deleted, two gone
// without a delete, one new, one sharing row and one repair gone.
type rewalkFixture struct {
	at        time.Time
	old, walk map[string][]*credit.Page // by feed
}

func newRewalkFixture() rewalkFixture {
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	pen := func(id string) *credit.Record { return penalty(id, "320412", "2026-01-0"+id[len(id)-1:]) }
	changed := pen("P1")
	changed.SubjectName = "常州市改名化工有限公司"
	share := func(kind credit.Kind) credit.Change {
		s := &credit.SharingEntry{Dept: "320412", Kind: kind, Received: 3, Disclosed: 2}
		return credit.Change{Op: credit.OpUpsert, Key: s.Key(), Sharing: s}
	}
	rep := func(id string) credit.Change {
		r := &credit.Repair{RecordKey: "penalty/" + id, Applied: credit.MustDate("2026-03-02")}
		return credit.Change{Op: credit.OpUpsert, Key: r.RecordKey, Repair: r}
	}
	page := func(feed string, end bool, cs ...credit.Change) *credit.Page {
		return &credit.Page{Endpoint: "e", Feed: feed, Changes: cs, NextCursor: "c", FetchedAt: at, WalkEnd: end}
	}
	bad := credit.Quarantined{Endpoint: "e", Feed: "penalty", Key: "penalty/P9", Reason: "record has no department", Raw: "{}", At: at}
	oldPen := page("penalty", true, upsert(pen("P1")), upsert(pen("P2")), upsert(pen("P3")), upsert(pen("P4")), upsert(pen("P5")))
	oldPen.Quarantine = []credit.Quarantined{bad}
	return rewalkFixture{at: at,
		old: map[string][]*credit.Page{
			"penalty": {oldPen},
			"sharing": {page("sharing", true, share(credit.Penalty), share(credit.Licence))},
			"repair":  {page("repair", true, rep("P1"), rep("P2"))},
		},
		walk: map[string][]*credit.Page{
			"penalty": {page("penalty", false, upsert(changed), upsert(pen("P6"))),
				page("penalty", true, upsert(pen("P2")), credit.Change{Op: credit.OpDelete, Key: "penalty/P3"})},
			"sharing": {page("sharing", true, share(credit.Penalty))},
			"repair":  {page("repair", true, rep("P1"))},
		},
	}
}

func applyAll(t *testing.T, db *DB, pages ...*credit.Page) {
	t.Helper()
	for _, p := range pages {
		if err := db.ApplyPage(p); err != nil {
			t.Fatal(err)
		}
	}
}

// comparable drops what differs between a re-walked cache and one that
// only ever saw the walk (endpoint progress), and the cursors, which
// BeginRewalk forgets.
func comparable(v cacheView) cacheView {
	v.snap.Endpoints, v.check.Endpoints = nil, nil
	for i := range v.check.Repairs { // a pointer: %+v would compare addresses
		if p := v.check.Repairs[i].Penalty; p != nil {
			v.check.Repairs[i].Penalty = nil
			v.check.Repairs[i].Dept += "|" + p.ID + "|" + string(p.Severity)
		}
	}
	delete(v.digest, string(bCursors))
	return v
}

// A re-walk keeps every cached item until the walk ends, then leaves the
// cache exactly as if it had only ever seen the walk; an interrupted walk
// resumes, and one started over forgets what the first attempt had seen.
func TestRewalkKeepsItemsUntilTheWalkEnds(t *testing.T) {
	f := newRewalkFixture()
	since := f.at.Add(-time.Hour)
	feeds := []string{"penalty", "sharing", "repair"}

	fresh, _ := openTemp(t)
	for _, feed := range feeds {
		applyAll(t, fresh, f.walk[feed]...)
	}
	want := comparable(viewOf(t, fresh, since))

	for _, name := range []string{"straight", "interrupted", "restarted"} {
		t.Run(name, func(t *testing.T) {
			db, _ := openTemp(t)
			for _, feed := range feeds {
				applyAll(t, db, f.old[feed]...)
			}
			before := viewOf(t, db, since)
			for _, feed := range feeds {
				if err := db.BeginRewalk("e", feed); err != nil {
					t.Fatal(err)
				}
				if c, _ := db.Cursor("e", feed); c != "" {
					t.Errorf("%s: cursor %q after BeginRewalk, want it forgotten", feed, c)
				}
			}
			if got := viewOf(t, db, since); !reflect.DeepEqual(comparable(got), comparable(before)) {
				t.Fatal("BeginRewalk changed what the views show")
			}
			walks, err := db.Rewalks()
			if err != nil || !slices.Equal(walks["e"], []string{"penalty", "repair", "sharing"}) {
				t.Fatalf("Rewalks = %v, %v", walks, err)
			}
			applyAll(t, db, f.walk["penalty"][0]) // first page only: the walk is under way
			mid, _ := db.Snapshot()
			if mid.Penalties.Len() != 6 || mid.Quarantine != 1 {
				t.Errorf("mid-walk: %d penalties, %d quarantined; want all 5 old and the new one, and the quarantine kept",
					mid.Penalties.Len(), mid.Quarantine)
			}
			switch name {
			case "interrupted": // the process dies; the next pass resumes from the stored cursor
				db.Close()
				var err error
				if db, err = Open(db.Path(), Options{Timeout: time.Second}); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
			case "restarted": // the walk's own cursor expires: it starts over
				if err := db.BeginRewalk("e", "penalty"); err != nil {
					t.Fatal(err)
				}
				applyAll(t, db, &credit.Page{Endpoint: "e", Feed: "penalty", Changes: []credit.Change{upsert(penalty("P4", "320412", "2026-01-04"))},
					NextCursor: "c", FetchedAt: f.at}) // seen by the first attempt only
				if err := db.BeginRewalk("e", "penalty"); err != nil {
					t.Fatal(err)
				}
				applyAll(t, db, f.walk["penalty"][0])
			}
			for _, feed := range feeds {
				ps := f.walk[feed]
				if feed == "penalty" {
					ps = ps[1:]
				}
				applyAll(t, db, ps...)
			}
			got := comparable(viewOf(t, db, since))
			g, w := fmt.Sprintf("%+v\n%+v", got.snap, got.check), fmt.Sprintf("%+v\n%+v", want.snap, want.check)
			if g != w || !reflect.DeepEqual(got.digest, want.digest) {
				t.Errorf("after the walk the cache differs from one that only saw it:\n got %s\nwant %s", g, w)
			}
			if walks, _ := db.Rewalks(); len(walks) != 0 {
				t.Errorf("walks left after they ended: %v", walks)
			}
			if q := bucketKeys(t, db, bQuarantine); len(q) != 0 {
				t.Errorf("quarantine the walk did not deliver is kept: %q", q)
			}
		})
	}
}

// A walk's end that removes items is a data change (the views reload) and
// is logged with the count; one that removes nothing writes no data.
func TestRewalkEndIsLogged(t *testing.T) {
	f := newRewalkFixture()
	db, _ := openTemp(t)
	applyAll(t, db, f.old["sharing"]...)
	if err := db.BeginRewalk("e", "sharing"); err != nil {
		t.Fatal(err)
	}
	g0, _ := db.Snapshot()
	empty := &credit.Page{Endpoint: "e", Feed: "sharing", NextCursor: "c", FetchedAt: f.at, WalkEnd: true}
	applyAll(t, db, empty)
	g1, _ := db.Snapshot()
	if len(g1.Sharing) != 0 || g1.Generation == g0.Generation {
		t.Errorf("an empty walk left %d sharing rows, generation %d -> %d", len(g1.Sharing), g0.Generation, g1.Generation)
	}
	evs, err := db.LastEvents(10)
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(evs, func(e credit.Event) bool { return e.Type == credit.EventResyncDone }); i < 0 || evs[i].Items != 2 {
		t.Errorf("events %+v: want a resync-done removing 2", evs)
	}
	applyAll(t, db, empty) // no walk now: nothing to remove
	g2, _ := db.Snapshot()
	if g2.Generation != g1.Generation {
		t.Errorf("an empty page without a walk changed the data generation")
	}
	st, _ := db.EndpointStatus("e")
	if st.FeedsDone["sharing"].IsZero() {
		t.Errorf("FeedsDone not set by the walk's end: %+v", st)
	}
}

// The daily check's references carry what the rules need of a penalty
// beyond its index entry: the severity and accident flag of undisclosed
// ones, the summary of one with an application.
func TestCheckDataCarriesPenaltyFacts(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	minor := penalty("M1", "320412", "2026-06-01")
	minor.Severity = credit.Minor
	serious := penalty("S1", "320412", "2026-10-09")
	serious.Severity, serious.Accident = credit.Serious, true
	rep := &credit.Repair{RecordKey: serious.Key(), Applied: credit.MustDate("2026-11-02")}
	applyAll(t, db,
		&credit.Page{Endpoint: "e", Feed: "penalty", Changes: []credit.Change{upsert(minor), upsert(serious)}, NextCursor: "c", FetchedAt: at},
		&credit.Page{Endpoint: "e", Feed: "repair", Changes: []credit.Change{{Op: credit.OpUpsert, Key: rep.RecordKey, Repair: rep}}, NextCursor: "c", FetchedAt: at})
	d, err := db.CheckData(at.Add(-24 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	sev := map[string]credit.Severity{}
	for _, r := range d.Undisclosed {
		sev[r.Key] = r.Severity
		if r.Key == serious.Key() && !r.Accident {
			t.Error("the accident flag is missing")
		}
	}
	if sev[minor.Key()] != credit.Minor || sev[serious.Key()] != credit.Serious {
		t.Errorf("severities %v", sev)
	}
	if len(d.Repairs) != 1 || d.Repairs[0].Penalty == nil || d.Repairs[0].Penalty.Severity != credit.Serious {
		t.Errorf("open repairs %+v: want the penalty's summary with the application", d.Repairs)
	}
}

// The same records served again (a re-walk of a rebuilt log) are not
// rewritten: no summary is logged as changed, so readers patch nothing.
func TestUnchangedRecordsAreNotRewritten(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	page := func() *credit.Page {
		return &credit.Page{Endpoint: "e", Feed: "penalty", NextCursor: "c", FetchedAt: at,
			Changes: []credit.Change{upsert(penalty("P1", "320412", "2026-06-01")), upsert(penalty("P2", "320412", "2026-06-02"))}}
	}
	applyAll(t, db, page())
	before := len(bucketKeys(t, db, bChanges))
	applyAll(t, db, page())
	if added := len(bucketKeys(t, db, bChanges)) - before; added != 1 {
		t.Errorf("the same page again logged %d change-log keys, want only its generation's marker", added)
	}
	changed := page()
	changed.Changes[1].Record.SubjectName = "改名"
	applyAll(t, db, changed)
	if added := len(bucketKeys(t, db, bChanges)) - before; added != 3 {
		t.Errorf("a changed record: %d keys logged since, want the two markers and its summary", added)
	}
}

// An endpoint's re-walk of a feed never removes the records an import put
// in it: they are not the endpoint's.
func TestRewalkKeepsImportedRecords(t *testing.T) {
	db, _ := openTemp(t)
	f := newRewalkFixture()
	applyAll(t, db, f.old["penalty"]...)
	imp := penalty(credit.ImportIDPrefix+"320412:常武应急罚〔2026〕1号", "320412", "2026-01-05")
	imp.Origin = &credit.Origin{File: "武进区.xlsx", Row: 2, Hash: "h", ImportedAt: f.at}
	applyAll(t, db, &credit.Page{Endpoint: "import", Feed: "penalty", Changes: []credit.Change{upsert(imp)}, NextCursor: "x", FetchedAt: f.at, WalkEnd: true})
	if err := db.BeginRewalk("e", "penalty"); err != nil {
		t.Fatal(err)
	}
	applyAll(t, db, f.walk["penalty"]...)
	if _, ok, err := db.Record(imp.Key()); err != nil || !ok {
		t.Errorf("the imported record is gone after the endpoint's re-walk: %v", err)
	}
	if _, ok, _ := db.Record("penalty/P4"); ok {
		t.Error("the endpoint's record the walk did not deliver stays")
	}
}
