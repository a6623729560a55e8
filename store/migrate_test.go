package store

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// fillForMigration writes records (two sharing a document number, one with
// a quality issue), open and closed repairs, an officer's action and a
// sign-off.
func fillForMigration(t *testing.T, db *DB) time.Time {
	t.Helper()
	at := time.Date(2026, 3, 17, 9, 0, 0, 0, credit.ChinaZone)
	a, b, c := penalty("1", "320412", "2026-03-02"), penalty("2", "320411", "2026-03-03"), penalty("3", "320412", "2026-03-04")
	b.DocNo = a.DocNo
	c.SubjectName = "" // a quality issue
	c.Disclosed = credit.MustDate("2026-03-17")
	lic := &credit.Record{Kind: credit.Licence, ID: "L1", Dept: "320412", SubjectName: "某公司", DocNo: "许1", Decided: credit.MustDate("2026-03-01")}
	pages := []*credit.Page{
		{Endpoint: "e", Feed: "penalty", FetchedAt: at, Changes: []credit.Change{upsert(a), upsert(b)}},
		{Endpoint: "e", Feed: "licence", FetchedAt: at, Changes: []credit.Change{upsert(lic)}},
		{Endpoint: "e", Feed: "penalty", FetchedAt: at.Add(24 * time.Hour), Changes: []credit.Change{upsert(c)}},
		{Endpoint: "e", Feed: "repair", FetchedAt: at, Changes: []credit.Change{
			{Op: credit.OpUpsert, Key: a.Key(), Repair: &credit.Repair{RecordKey: a.Key(), Applied: credit.MustDate("2026-03-05")}},
			{Op: credit.OpUpsert, Key: b.Key(), Repair: &credit.Repair{RecordKey: b.Key(), Applied: credit.MustDate("2026-03-05"), Outcome: credit.OutcomeRejected}},
		}},
	}
	for _, p := range pages {
		if err := db.ApplyPage(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, act := range []credit.Action{
		{ID: "s1", Type: credit.ActionSignoff, Officer: "张三", At: at, Date: credit.MustDate("2026-03-17")},
		{ID: "r1", Type: credit.ActionReminder, Officer: "张三", At: at, Date: credit.MustDate("2026-03-17"), RecordKey: c.Key()},
	} {
		if _, err := db.RecordAction(act); err != nil {
			t.Fatal(err)
		}
	}
	return at
}

// downgradeToV1 rewrites a current cache as schema 1 wrote it: JSON
// records, rec_meta and by_received, none of the derived buckets. Only the
// first convert records are turned back (the others look converted by an
// interrupted migration); -1 means all.
func downgradeToV1(t *testing.T, path string, convert int) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = b.Update(func(tx *bolt.Tx) error {
		metas, _ := tx.CreateBucket(bMetaRecV1)
		received, _ := tx.CreateBucket(bReceivedV1)
		type kv struct{ k, v []byte }
		var all []kv
		tx.Bucket(bRecords).ForEach(func(k, v []byte) error {
			all = append(all, kv{append([]byte(nil), k...), append([]byte(nil), v...)})
			return nil
		})
		for i, e := range all {
			var r credit.Record
			var m recMeta
			if err := decodeRecord(e.v, &r, &m, nil); err != nil {
				return err
			}
			js, _ := json.Marshal(m)
			if i%2 == 0 {
				js = appendMetaV1(&m) // both encodings of schema 1
			}
			metas.Put(e.k, js)
			received.Put(append(u64(uint64(m.Received)), e.k...), nil)
			if convert < 0 || i < convert {
				rj, _ := json.Marshal(r)
				tx.Bucket(bRecords).Put(e.k, rj)
			}
		}
		for _, name := range [][]byte{bPenalties, bRecvDays, bDupDocNo, bOpenRepairs} {
			tx.DeleteBucket(name)
			tx.CreateBucket(name) // as Open creates the buckets it lacks
		}
		// Schema 1 stored repairs as JSON.
		var reps []credit.Repair
		if err := eachRepair(tx, func(r *credit.Repair) { reps = append(reps, *r) }); err != nil {
			return err
		}
		for _, r := range reps {
			js, _ := json.Marshal(r)
			tx.Bucket(bRepairs).Put([]byte(r.RecordKey), js)
		}
		// Schema 1's undisclosed and quality entries had no values.
		for _, name := range [][]byte{bUndisclosed, bQuality} {
			var keys [][]byte
			tx.Bucket(name).ForEach(func(k, _ []byte) error { keys = append(keys, append([]byte(nil), k...)); return nil })
			for _, k := range keys {
				tx.Bucket(name).Put(k, nil)
			}
		}
		// by_doc_no keys of schema 1: kind \x00 doc no \x00 key.
		tx.DeleteBucket(bByDocNo)
		docNos, _ := tx.CreateBucket(bByDocNo)
		for _, e := range all {
			var m recMeta
			if err := recordHeader(e.v, &m); err != nil {
				return err
			}
			if m.DocNo != "" {
				docNos.Put([]byte(string(m.Kind)+"\x00"+m.DocNo+"\x00"+string(e.k)), nil)
			}
		}
		return tx.Bucket(bMeta).Put(keySchema, []byte("1"))
	})
	if err != nil {
		t.Fatal(err)
	}
}

type cacheView struct {
	snap    *credit.Snapshot
	check   *credit.CheckData
	digest  map[string]string
	outbox  []credit.OutboxItem
	signoff map[credit.Date]credit.Signoff
}

func viewOf(t *testing.T, db *DB, since time.Time) cacheView {
	t.Helper()
	var v cacheView
	var err error
	if v.snap, err = db.Snapshot(); err != nil {
		t.Fatal(err)
	}
	v.snap.TakenAt, v.snap.Generation, v.snap.Cache = time.Time{}, 0, "" // differ between equal caches
	if v.check, err = db.CheckData(since); err != nil {
		t.Fatal(err)
	}
	if v.digest, err = db.Digest(); err != nil {
		t.Fatal(err)
	}
	if v.outbox, err = db.Outbox(); err != nil {
		t.Fatal(err)
	}
	if v.signoff, err = db.Signoffs(); err != nil {
		t.Fatal(err)
	}
	return v
}

// A schema-1 cache is converted in place on open and then reads exactly as
// the same data synced by this version: records, daily-check data (arrival
// days, duplicates, open repairs), digests and officers' actions.
func TestMigrateV1(t *testing.T) {
	for name, c := range map[string]struct{ convert, batch int }{
		"whole":       {-1, 20000},
		"batches":     {-1, 2},
		"interrupted": {2, 1},
	} {
		t.Run(name, func(t *testing.T) {
			old := migrateBatch
			migrateBatch = c.batch
			t.Cleanup(func() { migrateBatch = old })
			db, path := openTemp(t)
			at := fillForMigration(t, db)
			since := at.Add(-time.Hour)
			want := viewOf(t, db, since)
			dups := 0
			for _, q := range want.check.Quality {
				if slices.Contains(q.Issues, credit.IssueDuplicateDocNo) {
					dups++
				}
			}
			if len(want.check.Repairs) != 1 || dups != 2 || want.check.Received["320412"][credit.Penalty] != 2 {
				t.Fatalf("fixture not as intended: repairs %+v, quality %+v, received %v", want.check.Repairs, want.check.Quality, want.check.Received)
			}
			db.Close()
			downgradeToV1(t, path, c.convert)

			// A read-only open converts it too (status, check, export).
			ro := Options{}
			if name == "whole" {
				ro.ReadOnly = true
			}
			db, err := Open(path, ro)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			got := viewOf(t, db, since)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("after migration:\n got %+v\nwant %+v", got.check, want.check)
				if !reflect.DeepEqual(got.snap, want.snap) {
					t.Errorf("snapshots differ:\n got %+v\nwant %+v", got.snap, want.snap)
				}
			}
			err = db.view(func(tx *bolt.Tx) error {
				if v := string(tx.Bucket(bMeta).Get(keySchema)); v != strconv.Itoa(SchemaVersion) {
					t.Errorf("schema %q after migration", v)
				}
				if tx.Bucket(bMetaRecV1) != nil || tx.Bucket(bReceivedV1) != nil {
					t.Error("schema-1 buckets left behind")
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
