package store

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// sameSnapshotData fails unless a and b hold the same penalties and repairs.
func sameSnapshotData(t *testing.T, what string, a, b *credit.Snapshot) {
	t.Helper()
	if a.Generation != b.Generation {
		t.Errorf("%s: generation %d, want %d", what, a.Generation, b.Generation)
	}
	if got, want := a.Penalties.All(), b.Penalties.All(); !reflect.DeepEqual(got, want) {
		t.Errorf("%s: penalties\n got %d: %+v\nwant %d: %+v", what, len(got), got, len(want), want)
	}
	if got, want := a.Repairs.All(), b.Repairs.All(); !reflect.DeepEqual(got, want) {
		t.Errorf("%s: repairs differ: %d vs %d", what, len(got), len(want))
	}
}

// SnapshotSince patches the summaries written since the snapshot it is
// given into that snapshot's penalties, and gives what Snapshot gives; it
// reads everything when the log cannot vouch for every generation since.
func TestSnapshotSincePatchesPenalties(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	apply := func(feed string, cs ...credit.Change) {
		t.Helper()
		if err := db.ApplyPage(&credit.Page{Endpoint: "e", Feed: feed, FetchedAt: at, Changes: cs}); err != nil {
			t.Fatal(err)
		}
	}
	var first []credit.Change
	for i := range 50 {
		first = append(first, upsert(penalty(fmt.Sprint(100+i), "320412", "2026-01-02")))
	}
	apply("penalty", first...)
	prev, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	// repsWant, when set, is whether the next call patches the repairs;
	// else it does when it patches the penalties.
	var repsWant *bool
	since := func(what string, prev *credit.Snapshot, wantPatched bool) *credit.Snapshot {
		t.Helper()
		got, patched, repsPatched, err := db.snapshotSince(prev)
		if err != nil {
			t.Fatal(err)
		}
		if patched != wantPatched {
			t.Errorf("%s: patched = %v, want %v", what, patched, wantPatched)
		}
		want := wantPatched
		if repsWant != nil {
			want, repsWant = *repsWant, nil
		}
		if repsPatched != want {
			t.Errorf("%s: repairs patched = %v, want %v", what, repsPatched, want)
		}
		full, err := db.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		sameSnapshotData(t, what, got, full)
		return got
	}
	since("nothing written", prev, true)

	// Several generations: a changed, a new and a deleted penalty, a
	// licence and a repair (no summary), an officer's action.
	changed := penalty("103", "320411", "2026-01-05")
	changed.SubjectName = "改名后的公司"
	apply("penalty", upsert(changed), upsert(penalty("050", "320412", "2026-02-01")))
	apply("penalty", credit.Change{Op: credit.OpDelete, Key: "penalty/120"})
	lic := &credit.Record{Kind: credit.Licence, ID: "L1", Dept: "320412", SubjectName: "某公司", DocNo: "许1", Decided: credit.MustDate("2026-03-01")}
	apply("licence", upsert(lic))
	apply("repair", credit.Change{Op: credit.OpUpsert, Key: "penalty/101", Repair: &credit.Repair{RecordKey: "penalty/101", Applied: credit.MustDate("2026-03-02")}})
	if _, err := db.RecordAction(credit.Action{ID: "a1", Type: credit.ActionReminder, RecordKey: "penalty/102", Officer: "张三", At: at, Date: credit.MustDate("2026-03-18")}); err != nil {
		t.Fatal(err)
	}
	cur := since("after changes", prev, true)
	if i := cur.Penalties.Index("103"); i < 0 || cur.Penalties.At(i).SubjectName != "改名后的公司" {
		t.Errorf("penalty 103 not patched: %d", i)
	}
	if cur.Penalties.Index("120") >= 0 || cur.Penalties.Index("050") < 0 {
		t.Error("the deleted penalty is there or the new one is not")
	}
	if r, ok := cur.Repairs.Get("penalty/102"); !ok || r.ReminderSent.IsZero() {
		t.Errorf("the officer's action is not on the repairs: %+v", r)
	}
	// Repairs: one deleted by its feed, an action on a reported one and on
	// a record with neither repair nor penalty.
	apply("repair", credit.Change{Op: credit.OpUpsert, Key: "penalty/104", Repair: &credit.Repair{RecordKey: "penalty/104", Applied: credit.MustDate("2026-03-03")}})
	cur = since("a second repair", cur, true)
	apply("repair", credit.Change{Op: credit.OpDelete, Key: "penalty/101"})
	for i, key := range []string{"penalty/104", "penalty/999"} {
		if _, err := db.RecordAction(credit.Action{ID: fmt.Sprint("b", i), Type: credit.ActionReminder, RecordKey: key, Officer: "张三", At: at, Date: credit.MustDate("2026-03-18")}); err != nil {
			t.Fatal(err)
		}
	}
	cur = since("repairs deleted and acted on", cur, true)
	if _, ok := cur.Repairs.Get("penalty/101"); ok {
		t.Error("the deleted repair is still there")
	}
	if r, ok := cur.Repairs.Get("penalty/999"); !ok || r.ReminderSent.IsZero() {
		t.Errorf("the action on a record without a repair: %+v, %v", r, ok)
	}
	// A generation an older credwatch wrote: its summaries are logged, its
	// repairs are not.
	apply("repair", credit.Change{Op: credit.OpUpsert, Key: "penalty/105", Repair: &credit.Repair{RecordKey: "penalty/105", Applied: credit.MustDate("2026-03-04")}})
	err = db.updateStatus(func(tx *bolt.Tx) error {
		return tx.Bucket(bChanges).Put(u64(getU64(tx.Bucket(bMeta).Get(keyDataGeneration))), []byte(markerComplete))
	})
	if err != nil {
		t.Fatal(err)
	}
	no := false
	repsWant = &no
	cur = since("a generation without its repairs logged", cur, true)
	// A feed reset drops every repair without a key each.
	if err := db.ResetFeed(credit.FeedRepair); err != nil {
		t.Fatal(err)
	}
	cur = since("repair feed reset", cur, false)
	if cur.Repairs.Len() != 3 { // the three records acted on
		t.Errorf("%d repairs after the repair feed's reset", cur.Repairs.Len())
	}

	// One generation writing more summaries than it logs.
	var many []credit.Change
	for i := range changesPerGen + 1 {
		many = append(many, upsert(penalty(fmt.Sprint(1000+i), "320402", "2026-01-02")))
	}
	apply("penalty", many...)
	cur = since("overflow", cur, false)

	// A write that bumps the data generation without its marker, as an
	// older credwatch would.
	err = db.updateStatus(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		return meta.Put(keyDataGeneration, u64(getU64(meta.Get(keyDataGeneration))+1))
	})
	if err != nil {
		t.Fatal(err)
	}
	cur = since("generation without marker", cur, false)
	apply("penalty", upsert(penalty("2000", "320402", "2026-01-02")))
	cur = since("logged again after the gap", cur, true)

	// A reset drops every summary without a key each.
	if err := db.ResetSynced(); err != nil {
		t.Fatal(err)
	}
	cur = since("reset", cur, false)
	if cur.Penalties.Len() != 0 {
		t.Errorf("%d penalties after a reset", cur.Penalties.Len())
	}
	// A bulk load's writes are not logged.
	if bulk, err := db.BeginBulkLoad(); err != nil || !bulk {
		t.Fatalf("no bulk load into the emptied cache: %v %v", bulk, err)
	}
	apply("penalty", upsert(penalty("3000", "320402", "2026-01-02")))
	err = db.view(func(tx *bolt.Tx) error {
		g := u64(getU64(tx.Bucket(bMeta).Get(keyDataGeneration)))
		if m := tx.Bucket(bChanges).Get(g); string(m) != markerOverflow {
			t.Errorf("bulk load generation marked %q", m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cur = since("bulk load", cur, false)
	if err := db.FinishBulkLoad(); err != nil {
		t.Fatal(err)
	}
	cur = since("after the bulk load", cur, false)
	apply("penalty", upsert(penalty("3001", "320402", "2026-01-02")))
	cur = since("logged again after the bulk load", cur, true)

	// A snapshot newer than the cache (another cache, say) is read whole.
	future := *cur
	future.Generation += 10
	since("snapshot from the future", &future, false)
	since("no snapshot", nil, false)
}

// A snapshot of another cache is never patched, even when its generation
// numbers line up with this one's.
func TestSnapshotSinceOtherCache(t *testing.T) {
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	for i, db := range []*DB{a, b} {
		for j := range 3 {
			p := penalty(fmt.Sprint(j), "320412", "2026-01-02")
			p.SubjectName = fmt.Sprintf("缓存%d的公司", i)
			if err := db.ApplyPage(&credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at, Changes: []credit.Change{upsert(p)}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	sa, err := a.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	got, patched, err := b.SnapshotSince(sa)
	if err != nil {
		t.Fatal(err)
	}
	if sa.Cache == "" || sa.Cache == got.Cache || got.Generation != sa.Generation {
		t.Fatalf("caches %q and %q, generations %d and %d: the test needs two ids and one generation", sa.Cache, got.Cache, sa.Generation, got.Generation)
	}
	if patched || got.Penalties.At(0).SubjectName != "缓存1的公司" {
		t.Errorf("patched %v from another cache: %+v", patched, got.Penalties.At(0))
	}
}

// The log keeps changesKeepGens generations: a snapshot older than that is
// read whole, a recent one patched.
func TestChangeLogIsPruned(t *testing.T) {
	keep, every := changesKeepGens, changesPruneEvery
	changesKeepGens, changesPruneEvery = 16, 4
	t.Cleanup(func() { changesKeepGens, changesPruneEvery = keep, every })
	db, _ := openTemp(t)
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	var snaps []*credit.Snapshot
	for i := range 60 {
		if err := db.ApplyPage(&credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at,
			Changes: []credit.Change{upsert(penalty(fmt.Sprint(i), "320412", "2026-01-02"))}}); err != nil {
			t.Fatal(err)
		}
		s, err := db.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, s)
	}
	entries := 0
	err := db.view(func(tx *bolt.Tx) error {
		entries = tx.Bucket(bChanges).Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// At most keep+every generations of a marker and a key each.
	if entries > 2*int(changesKeepGens+changesPruneEvery) {
		t.Errorf("log holds %d entries after 60 generations", entries)
	}
	if _, patched, err := db.SnapshotSince(snaps[5]); err != nil || patched {
		t.Errorf("a snapshot older than the log: patched %v, %v", patched, err)
	}
	if s, patched, err := db.SnapshotSince(snaps[50]); err != nil || !patched || s.Penalties.Len() != 60 {
		t.Errorf("a recent snapshot: patched %v, %v", patched, err)
	}
}
