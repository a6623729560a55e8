package store

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// appendMetaV1 writes a schema-1 rec_meta entry, for tests that build an
// older cache.
func appendMetaV1(m *recMeta) []byte {
	return appendMetaFields([]byte{metaV1}, m)
}

func TestMetaEncodingV1(t *testing.T) {
	for name, m := range map[string]recMeta{
		"full":    {Dept: "320412", Kind: credit.Penalty, ID: "CF-1", DocNo: "常武应急罚〔2025〕1号", Decided: credit.MustDate("2025-03-01"), Disclosed: credit.MustDate("2025-03-04"), Received: time.Now().UnixNano(), Issues: []string{"a", "b"}},
		"minimal": {Dept: "d", Kind: credit.Licence, ID: "x"},
	} {
		t.Run(name, func(t *testing.T) {
			var got recMeta
			if err := decodeMeta(appendMetaV1(&m), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, m) {
				t.Errorf("binary round trip: got %+v, want %+v", got, m)
			}
			old, _ := json.Marshal(m)
			got = recMeta{}
			if err := decodeMeta(old, &got); err != nil || !reflect.DeepEqual(got, m) {
				t.Errorf("JSON entry of an older cache: got %+v (%v), want %+v", got, err, m)
			}
		})
	}
	for name, v := range map[string][]byte{"empty": {}, "unknown version": {9}, "truncated": appendMetaV1(&recMeta{Dept: "320412"})[:4]} {
		t.Run(name, func(t *testing.T) {
			if err := decodeMeta(v, &recMeta{}); err == nil {
				t.Error("no error")
			}
		})
	}
}

// A record that moves to another department is counted as received by the
// new one, on the day it first arrived; a deleted record is no longer counted.
func TestReceivedCountsFollowDepartment(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	rec := func(id, dept string) credit.Change {
		return credit.Change{Op: credit.OpUpsert, Key: "penalty/" + id, Record: &credit.Record{Kind: credit.Penalty, ID: id, Dept: dept, Decided: credit.MustDate("2026-03-01")}}
	}
	apply := func(cs ...credit.Change) {
		t.Helper()
		if err := db.ApplyPage(&credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at, Changes: cs}); err != nil {
			t.Fatal(err)
		}
	}
	apply(rec("1", "320412"), rec("2", "320412"), rec("3", "320412"))
	at = at.Add(24 * time.Hour) // the next day: a change is no new arrival
	apply(rec("1", "320411"), credit.Change{Op: credit.OpDelete, Key: "penalty/3"}, rec("4", "320412"))
	for _, c := range []struct {
		since time.Time
		want  map[string]map[credit.Kind]int
	}{
		{at.Add(-24 * time.Hour), map[string]map[credit.Kind]int{"320412": {credit.Penalty: 2}, "320411": {credit.Penalty: 1}}},
		// since is counted from the start of its day in China time.
		{time.Date(2026, 3, 19, 23, 0, 0, 0, credit.ChinaZone), map[string]map[credit.Kind]int{"320412": {credit.Penalty: 1}}},
		{at.Add(24 * time.Hour), map[string]map[credit.Kind]int{}},
	} {
		d, err := db.CheckData(c.since)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(d.Received, c.want) {
			t.Errorf("since %s: received %v, want %v", c.since, d.Received, c.want)
		}
	}
	var n int
	if err := db.view(func(tx *bolt.Tx) error { n = tx.Bucket(bRecvDays).Stats().KeyN; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 3 { // 3-18/320412, 3-18/320411 (record 1 moved), 3-19/320412
		t.Errorf("recv_days holds %d entries, want 3 (no zero counts kept)", n)
	}
}
