package store

import (
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// fragmented fills a cache with records written in shuffled order and
// rewritten, so its pages are far from full.
func fragmented(t *testing.T, db *DB, n int) time.Time {
	t.Helper()
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	for round := range 2 {
		for lo := 0; lo < n; lo += 200 {
			var cs []credit.Change
			for i := lo; i < lo+200 && i < n; i++ {
				id := (i * 7919) % n // a permutation when n is not a multiple of 7919
				r := penalty(fmt.Sprint(id), "320412", "2026-03-02")
				r.Facts = fmt.Sprintf("第%d轮 事实 %0200d", round, id)
				cs = append(cs, upsert(r))
			}
			if err := db.ApplyPage(&credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at, Changes: cs}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return at
}

func TestCompactKeepsEverythingAndShrinks(t *testing.T) {
	old := compactMinSize
	compactMinSize = 0
	t.Cleanup(func() { compactMinSize = old })
	db, path := openTemp(t)
	at := fragmented(t, db, 3000)
	fillForMigration(t, db) // actions, sign-offs, repairs
	since := at.Add(-time.Hour)
	want := viewOf(t, db, since)
	before, _ := os.Stat(path)

	done, err := db.MaybeCompact()
	if err != nil || !done {
		t.Fatalf("MaybeCompact of a never compacted cache: %v, %v", done, err)
	}
	after, _ := os.Stat(path)
	if after.Size() >= before.Size()*3/4 {
		t.Errorf("compaction: %d -> %d bytes", before.Size(), after.Size())
	}
	if got := viewOf(t, db, since); !reflect.DeepEqual(got, want) {
		t.Errorf("after compaction the cache reads differently:\n got %+v\nwant %+v", got.check, want.check)
	}
	if _, err := os.Stat(path + ".compact"); !os.IsNotExist(err) {
		t.Errorf("temporary copy left behind: %v", err)
	}
	// Not again until the file has grown by half.
	if done, err := db.MaybeCompact(); err != nil || done {
		t.Errorf("MaybeCompact right after compacting: %v, %v", done, err)
	}
	// Writes after the swap land in the new file.
	if err := db.ApplyPage(&credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at, Changes: []credit.Change{upsert(penalty("new", "320412", "2026-03-02"))}}); err != nil {
		t.Fatal(err)
	}
	db2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db2.Record("penalty/new"); !ok || err != nil {
		t.Errorf("write after compaction not in the file: %v %v", ok, err)
	}
}

// A writer that waited for the lock while the file was replaced writes
// into the new file, not the replaced one.
func TestWriterFollowsReplacedFile(t *testing.T) {
	_, path := openTemp(t)
	db, err := Open(path, Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	if err := db.ApplyPage(&credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at, Changes: []credit.Change{upsert(penalty("1", "320412", "2026-03-02"))}}); err != nil {
		t.Fatal(err)
	}
	// A copy of the cache, to be renamed over it.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".new", data, 0o600); err != nil {
		t.Fatal(err)
	}
	holder, err := bolt.Open(path, 0o600, nil) // holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		errc <- db.ApplyPage(&credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at, Changes: []credit.Change{upsert(penalty("2", "320412", "2026-03-02"))}})
	}()
	time.Sleep(200 * time.Millisecond) // the writer waits for the lock
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
	holder.Close()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.Record("penalty/2"); !ok || err != nil {
		t.Errorf("the waiting writer's record is not in the file now in place: %v %v", ok, err)
	}
}

// A cache whose pages are mostly in use is not rewritten; its size is noted
// so it is not considered again until it has grown by half.
func TestMaybeCompactSkipsDenseCache(t *testing.T) {
	old := compactMinSize
	compactMinSize = 0
	t.Cleanup(func() { compactMinSize = old })
	db, path := openTemp(t)
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	var cs []credit.Change
	for i := range 3000 { // in key order, one transaction: dense pages
		// Complete and disclosed, so records dominate as in a real cache
		// (no quality or undisclosed entries).
		r := penalty(fmt.Sprintf("%06d", i), "320412", "2026-03-02")
		r.SubjectKind, r.Authority, r.SourceUnit = credit.SubjectPerson, "常州市应急管理局", "执法支队"
		r.Violation, r.Basis, r.Content, r.PenaltyTypes = "违法", "依据", "警告", []string{"警告"}
		r.Facts, r.Disclosed = fmt.Sprintf("事实 %0400d", i), credit.MustDate("2026-03-04")
		cs = append(cs, upsert(r))
	}
	if err := db.ApplyPage(&credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at, Changes: cs}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	if done, err := db.MaybeCompact(); err != nil || done {
		t.Fatalf("a dense cache was compacted: %v %v", done, err)
	}
	var noted string
	db.view(func(tx *bolt.Tx) error { noted = string(tx.Bucket(bMeta).Get(keyCompactedSize)); return nil })
	if noted != fmt.Sprint(before.Size()) {
		t.Errorf("noted size %q, file %d", noted, before.Size())
	}
	// The fragmented one of TestCompactKeepsEverythingAndShrinks is.
	db2, _ := openTemp(t)
	fragmented(t, db2, 3000)
	if done, err := db2.MaybeCompact(); err != nil || !done {
		t.Errorf("a fragmented cache was not compacted: %v %v", done, err)
	}
}
