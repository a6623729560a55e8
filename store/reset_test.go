package store

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

// A record feed's reset deletes its records a batch per transaction and
// leaves what one transaction deleting them all left: every index bucket,
// the views and the digests. Stopped after a batch (the process dies), the
// feed's cursor is still there, so the endpoint refuses it again and the
// reset runs once more.
func TestResetFeedInBatches(t *testing.T) {
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	fill := func() *DB {
		db, _ := openTemp(t)
		for _, p := range bulkPages(at) {
			p.NextCursor = "c-" + p.Feed
			if err := db.ApplyPage(p); err != nil {
				t.Fatal(err)
			}
		}
		lic := &credit.Record{Kind: credit.Licence, ID: "L1", Dept: "320412", SubjectName: "某公司", DocNo: "许1", Decided: credit.MustDate("2026-03-01")}
		if err := db.ApplyPage(&credit.Page{Endpoint: "e", Feed: "licence", FetchedAt: at, Changes: []credit.Change{upsert(lic)}, NextCursor: "c-licence"}); err != nil {
			t.Fatal(err)
		}
		return db
	}
	cursor := func(db *DB, feed string) string {
		c, err := db.Cursor("e", feed)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	old := resetBatch
	t.Cleanup(func() { resetBatch = old })

	resetBatch = 1 << 30 // one transaction
	whole := fill()
	if err := whole.ResetFeed("penalty"); err != nil {
		t.Fatal(err)
	}
	since := at.Add(-time.Hour)
	want := viewOf(t, whole, since)

	resetBatch = 7
	db := fill()
	n := len(bucketKeys(t, db, bRecords))
	if done, err := db.resetRecordsBatch("penalty"); err != nil || done {
		t.Fatalf("first batch: done %v, %v", done, err)
	}
	if got := len(bucketKeys(t, db, bRecords)); got != n-7 {
		t.Errorf("after one batch %d records, want %d", got, n-7)
	}
	if cursor(db, "penalty") == "" {
		t.Fatal("the cursor went before the last batch: an interrupted reset would not run again")
	}
	if err := db.ResetFeed("penalty"); err != nil { // the next pass, refused the cursor again
		t.Fatal(err)
	}
	if cursor(db, "penalty") != "" || cursor(db, "licence") == "" {
		t.Errorf("cursors after the reset: penalty %q, licence %q", cursor(db, "penalty"), cursor(db, "licence"))
	}
	for _, k := range bucketKeys(t, db, bRecords) {
		if strings.HasPrefix(k, "penalty/") {
			t.Fatalf("record %s survived the reset", k)
		}
	}
	for _, name := range indexBuckets {
		if got, w := bucketKVs(t, db, name), bucketKVs(t, whole, name); !slices.Equal(got, w) {
			t.Errorf("%s after the batched reset:\n got %v\nwant %v", name, got, w)
		}
	}
	if got := viewOf(t, db, since); !reflect.DeepEqual(got, want) {
		t.Errorf("views after the batched reset:\n got %+v\nwant %+v", got.check, want.check)
	}
}
