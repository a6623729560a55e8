package store

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// bulkPages are a first sync's pages: records sharing numbers, records
// renumbered, moved, deleted and re-added across pages, records without a
// number, and a quarantined item.
func bulkPages(at time.Time) []*credit.Page {
	rec := func(id, dept, docNo string) credit.Change {
		r := penalty(id, dept, "2026-03-02")
		r.DocNo = docNo
		return upsert(r)
	}
	del := func(id string) credit.Change { return credit.Change{Op: credit.OpDelete, Key: "penalty/" + id} }
	var pages []*credit.Page
	for p := range 6 {
		pg := &credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at.Add(time.Duration(p) * time.Second), NextCursor: fmt.Sprint("c", p)}
		for i := range 40 {
			id := fmt.Sprint(p*40 + i)
			docNo := fmt.Sprint("N", (p*40+i)%97) // about two and a half records per number
			if i%11 == 0 {
				docNo = ""
			}
			pg.Changes = append(pg.Changes, rec(id, fmt.Sprint("3204", 10+i%3), docNo))
		}
		if p > 0 {
			// Renumber, move and delete some records of earlier pages.
			pg.Changes = append(pg.Changes, rec(fmt.Sprint(p*40-3), "320499", "N-renumbered"), del(fmt.Sprint(p*40-5)),
				rec(fmt.Sprint(p*40-7), "320499", fmt.Sprint("N", (p*40-7)%97)))
		}
		pages = append(pages, pg)
	}
	pages[2].Quarantine = []credit.Quarantined{{Endpoint: "e", Feed: "penalty", Key: "penalty/999", Reason: "bad", At: at}}
	pages[4].Changes = append(pages[4].Changes, rec("999", "320410", "N1"), rec("1000", "320410", "N-renumbered"))
	return pages
}

// bucketKVs returns a bucket's keys and values, in order.
func bucketKVs(t *testing.T, db *DB, name []byte) []string {
	t.Helper()
	var out []string
	if err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(name).ForEach(func(k, v []byte) error { out = append(out, fmt.Sprintf("%q=%q", k, v)); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// indexBuckets are the buckets a record write maintains.
var indexBuckets = [][]byte{bByDept, bUndisclosed, bDisclosed, bByDocNo, bDupDocNo, bQuality, bRecvDays, bPenalties, bOpenRepairs}

// A first sync written as a bulk load, interrupted or not, leaves the same
// cache as the same pages written one by one: every index bucket holds the
// same entries (by_doc_no and the duplicate set included) and every view
// reads the same. Until the load finishes, records, department, date and
// quality entries are there, and the duplicate set is empty.
func TestBulkLoadEqualsNormalWrites(t *testing.T) {
	t.Run("hashed", testBulkLoad)
	t.Run("all colliding", func(t *testing.T) {
		old := docNoHash
		docNoHash = func(credit.Kind, string) []byte { return []byte("samehash") }
		t.Cleanup(func() { docNoHash = old })
		testBulkLoad(t)
	})
}

func testBulkLoad(t *testing.T) {
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	pages := bulkPages(at)
	normal, _ := openTemp(t)
	for _, p := range pages {
		if err := normal.ApplyPage(p); err != nil {
			t.Fatal(err)
		}
	}
	if dups := bucketKeys(t, normal, bDupDocNo); len(dups) < 100 {
		t.Fatalf("fixture has %d duplicates, want many", len(dups))
	}
	since := at.Add(-time.Hour)
	want := viewOf(t, normal, since)

	for _, crash := range []bool{false, true} {
		t.Run(fmt.Sprint("crash=", crash), func(t *testing.T) {
			db, path := openTemp(t)
			if bulk, err := db.BeginBulkLoad(); err != nil || !bulk {
				t.Fatalf("BeginBulkLoad on an empty cache: %v, %v", bulk, err)
			}
			if err := db.ApplyPages(pages[:3]); err != nil {
				t.Fatal(err)
			}
			if got := bucketKeys(t, db, bDupDocNo); len(got) != 0 {
				t.Errorf("duplicate set during the load: %v", got)
			}
			if got := bucketKeys(t, db, bByDocNo); len(got) != 0 {
				t.Errorf("by_doc_no during the load: %d entries", len(got))
			}
			if got := bucketKeys(t, db, bByDept); len(got) < 100 {
				t.Errorf("by_dept during the load: %d entries, want the records'", len(got))
			}
			if crash {
				// The process dies: nothing in memory survives, the
				// cache's flag does; the next pass continues the load.
				db.Close()
				var err error
				if db, err = Open(path, Options{Timeout: 100 * time.Millisecond}); err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if bulk, err := db.BeginBulkLoad(); err != nil || !bulk {
					t.Fatalf("BeginBulkLoad after a crash mid-load: %v, %v", bulk, err)
				}
			}
			for _, p := range pages[3:] {
				if err := db.ApplyPages([]*credit.Page{p}); err != nil {
					t.Fatal(err)
				}
			}
			d0 := dataGeneration(t, db)
			if err := db.FinishBulkLoad(); err != nil {
				t.Fatal(err)
			}
			if d := dataGeneration(t, db); d == d0 {
				t.Error("finishing the load left the data generation: views would not read the duplicates")
			}
			for _, name := range indexBuckets {
				if got, w := bucketKVs(t, db, name), bucketKVs(t, normal, name); !slices.Equal(got, w) {
					t.Errorf("%s after the load:\n got %v\nwant %v", name, got, w)
				}
			}
			if got := viewOf(t, db, since); !reflect.DeepEqual(got, want) {
				t.Errorf("views after the load:\n got %+v\nwant %+v", got.check, want.check)
			}
			if bulk, err := db.BeginBulkLoad(); err != nil || bulk {
				t.Errorf("BeginBulkLoad on a loaded cache: %v, %v", bulk, err)
			}
			// After the load, writes keep the duplicate set again.
			r := penalty("5000", "320410", "2026-03-02")
			r.DocNo = "N-fresh"
			r2 := penalty("5001", "320411", "2026-03-02")
			r2.DocNo = "N-fresh"
			if err := db.ApplyPage(&credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at, Changes: []credit.Change{upsert(r), upsert(r2)}}); err != nil {
				t.Fatal(err)
			}
			got := bucketKeys(t, db, bDupDocNo)
			if !slices.Contains(got, "penalty/5000") || !slices.Contains(got, "penalty/5001") {
				t.Errorf("a number shared after the load is not in the duplicate set")
			}
		})
	}
}

// A bulk load starts only on an empty cache; FinishBulkLoad without one
// changes nothing.
func TestBulkLoadOnlyWhenEmpty(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	g0, _ := db.Generation()
	if err := db.FinishBulkLoad(); err != nil {
		t.Fatal(err)
	}
	if g, _ := db.Generation(); g != g0 {
		t.Errorf("FinishBulkLoad without a load wrote (generation %d -> %d)", g0, g)
	}
	// A load of no record (a cache that syncs only the sharing list)
	// changes nothing readers see.
	d0 := dataGeneration(t, db)
	if bulk, err := db.BeginBulkLoad(); err != nil || !bulk {
		t.Fatalf("BeginBulkLoad on an empty cache: %v, %v", bulk, err)
	}
	if err := db.FinishBulkLoad(); err != nil {
		t.Fatal(err)
	}
	if d := dataGeneration(t, db); d != d0 {
		t.Errorf("a load of no record moved the data generation %d -> %d", d0, d)
	}
	if err := db.ApplyPage(bulkPages(at)[0]); err != nil {
		t.Fatal(err)
	}
	if bulk, err := db.BeginBulkLoad(); err != nil || bulk {
		t.Errorf("BeginBulkLoad on a cache with records: %v, %v", bulk, err)
	}
	if len(bucketKeys(t, db, bByDocNo)) == 0 {
		t.Error("a normal write left by_doc_no empty")
	}
}

// FinishBulkLoad writes by_doc_no in runs of several transactions. Records
// written between them (by another endpoint's pass) still get their
// entries, and a process that died between runs leaves a cache whose next
// FinishBulkLoad starts the index over.
func TestFinishBulkLoadInRuns(t *testing.T) {
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	pages := bulkPages(at)
	late := &credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at.Add(time.Hour), NextCursor: "late",
		Changes: []credit.Change{upsert(penalty("7001", "320410", "2026-03-02")), upsert(penalty("7002", "320411", "2026-03-02"))}}
	late.Changes[0].Record.DocNo, late.Changes[1].Record.DocNo = "N5", "N-late" // N5 is taken already
	normal, _ := openTemp(t)
	for _, p := range append(slices.Clone(pages), late) {
		if err := normal.ApplyPage(p); err != nil {
			t.Fatal(err)
		}
	}
	oldChunk, oldHook := bulkChunk, afterBulkChunk
	t.Cleanup(func() { bulkChunk, afterBulkChunk = oldChunk, oldHook })
	bulkChunk = 7

	for _, c := range []string{"write between runs", "died between runs"} {
		t.Run(c, func(t *testing.T) {
			db, path := openTemp(t)
			if _, err := db.BeginBulkLoad(); err != nil {
				t.Fatal(err)
			}
			if err := db.ApplyPages(pages); err != nil {
				t.Fatal(err)
			}
			runs := 0
			switch c {
			case "write between runs":
				afterBulkChunk = func() {
					if runs++; runs == 2 {
						if err := db.ApplyPages([]*credit.Page{late}); err != nil {
							t.Fatal(err)
						}
					}
				}
				if err := db.FinishBulkLoad(); err != nil {
					t.Fatal(err)
				}
			case "died between runs":
				afterBulkChunk = func() {
					if runs++; runs == 3 {
						panic("die")
					}
				}
				func() {
					defer func() { _ = recover() }()
					_ = db.FinishBulkLoad()
				}()
				db.Close()
				afterBulkChunk = func() {}
				var err error
				if db, err = Open(path, Options{Timeout: 100 * time.Millisecond}); err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if n := len(bucketKeys(t, db, bByDocNo)); n != 3*bulkChunk {
					t.Fatalf("by_doc_no holds %d entries after the death, want the first three runs' %d", n, 3*bulkChunk)
				}
				if bulk, err := db.BeginBulkLoad(); err != nil || !bulk {
					t.Fatalf("no load pending after a death mid-finish: %v, %v", bulk, err)
				}
				if err := db.ApplyPages([]*credit.Page{late}); err != nil {
					t.Fatal(err)
				}
				if err := db.FinishBulkLoad(); err != nil {
					t.Fatal(err)
				}
			}
			if runs < 3 {
				t.Fatalf("FinishBulkLoad wrote %d runs, want several", runs)
			}
			for _, name := range indexBuckets {
				if got, w := bucketKVs(t, db, name), bucketKVs(t, normal, name); !slices.Equal(got, w) {
					t.Errorf("%s:\n got %v\nwant %v", name, got, w)
				}
			}
			if got := bucketKeys(t, db, bDupDocNo); !slices.Contains(got, "penalty/7001") {
				t.Errorf("the record written during the finish is not a duplicate: %v", got)
			}
		})
	}
}

func dataGeneration(t *testing.T, db *DB) uint64 {
	t.Helper()
	var g uint64
	if err := db.view(func(tx *bolt.Tx) error { g = getU64(tx.Bucket(bMeta).Get(keyDataGeneration)); return nil }); err != nil {
		t.Fatal(err)
	}
	return g
}
