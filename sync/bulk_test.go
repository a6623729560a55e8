package sync

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
)

// plainStore hides the store's bulk load from the engine.
type plainStore struct{ credit.Store }

// duplicatesOf returns the keys the daily check flags as sharing a
// document number.
func duplicatesOf(t *testing.T, db *store.DB) []string {
	t.Helper()
	d, err := db.CheckData(testNow().Add(-24 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, q := range d.Quality {
		if slices.Contains(q.Issues, credit.IssueDuplicateDocNo) {
			out = append(out, q.Key)
		}
	}
	return out
}

// checkData is the cache's daily-check data without the endpoints' status
// (when each was last synced).
func checkData(t *testing.T, db *store.DB, since time.Time) *credit.CheckData {
	t.Helper()
	d, err := db.CheckData(since)
	if err != nil {
		t.Fatal(err)
	}
	d.Endpoints = nil
	return d
}

// A first sync is a bulk load of the store, finished by the pass: the cache
// then reads as one synced without it (digests, daily-check data), and its
// document-number index is complete, so a record that repeats the number of
// a record from the first sync is flagged with it.
func TestFirstSyncIsBulkLoad(t *testing.T) {
	_, srv, db, eng := simHub(t, 7, 800)
	ctx := context.Background()
	if err := eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	plain := openStore(t)
	peng, err := New(plainStore{plain}, hub(srv.URL), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := peng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	since := testNow().Add(-24 * time.Hour)
	for _, c := range []*store.DB{db, plain} {
		if bulk, err := c.BeginBulkLoad(); err != nil || bulk {
			t.Fatalf("a load is still pending after the pass: %v, %v", bulk, err)
		}
	}
	d1, _ := db.Digest()
	d2, _ := plain.Digest()
	if !reflect.DeepEqual(d1, d2) {
		t.Errorf("digests differ: bulk %v, plain %v", d1, d2)
	}
	c1, c2 := checkData(t, db, since), checkData(t, plain, since)
	if !reflect.DeepEqual(c1, c2) {
		t.Errorf("daily-check data differ:\nbulk  quality %+v\nplain quality %+v", c1.Quality, c2.Quality)
	}

	// A new record repeating an existing number.
	var existing credit.Record
	for dept := range c1.Cached {
		recs, err := db.DeptRecords(dept, credit.Penalty)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if r.DocNo != "" {
				existing = r
				break
			}
		}
	}
	if existing.DocNo == "" {
		t.Fatal("no synced penalty has a document number")
	}
	twin := existing
	twin.ID += "-twin"
	for _, c := range []*store.DB{db, plain} {
		err := c.ApplyPage(&credit.Page{Endpoint: "hub", Feed: string(credit.Penalty), FetchedAt: testNow(),
			Changes: []credit.Change{{Op: credit.OpUpsert, Key: twin.Key(), Record: &twin}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	got, want := duplicatesOf(t, db), duplicatesOf(t, plain)
	if !slices.Contains(got, existing.Key()) || !slices.Contains(got, twin.Key()) || !slices.Equal(got, want) {
		t.Errorf("duplicates after a repeated number: %v, want %v (with %s and %s)", got, want, existing.Key(), twin.Key())
	}
}

// A first sync stopped midway leaves the load pending; the next pass
// continues it and finishes it.
func TestStoppedFirstSyncFinishesNextPass(t *testing.T) {
	_, srv, db, _ := simHub(t, 7, 800)
	ctx, cancel := context.WithCancel(context.Background())
	eng, err := New(db, hub(srv.URL), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for ev := range eng.Events() {
			if ev.Type == EventPage {
				cancel() // after the first stored page
				return
			}
		}
	}()
	if err := eng.SyncOnce(ctx); err == nil {
		t.Fatal("the stopped pass reported no error")
	}
	if bulk, err := db.BeginBulkLoad(); err != nil || !bulk {
		t.Fatalf("after a stopped first sync, no load is pending: %v, %v", bulk, err)
	}
	eng2, err := New(db, hub(srv.URL), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng2.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if bulk, err := db.BeginBulkLoad(); err != nil || bulk {
		t.Fatalf("the next pass left the load pending: %v, %v", bulk, err)
	}
	plain := openStore(t)
	peng, _ := New(plainStore{plain}, hub(srv.URL), Options{Now: testNow})
	if err := peng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	since := testNow().Add(-24 * time.Hour)
	c1, c2 := checkData(t, db, since), checkData(t, plain, since)
	if !reflect.DeepEqual(c1, c2) {
		t.Errorf("daily-check data differ after the resumed load:\n%+v\n%+v", c1.Quality, c2.Quality)
	}
}
