package store

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

func TestMetaEncoding(t *testing.T) {
	for name, m := range map[string]recMeta{
		"full":    {Dept: "320412", Kind: credit.Penalty, ID: "CF-1", DocNo: "常武应急罚〔2025〕1号", Decided: credit.MustDate("2025-03-01"), Disclosed: credit.MustDate("2025-03-04"), Received: time.Now().UnixNano(), Issues: []string{"a", "b"}},
		"minimal": {Dept: "d", Kind: credit.Licence, ID: "x"},
	} {
		t.Run(name, func(t *testing.T) {
			var got recMeta
			if err := decodeMeta(appendMeta(nil, &m), &got); err != nil {
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
	for name, v := range map[string][]byte{"empty": {}, "unknown version": {9}, "truncated": appendMeta(nil, &recMeta{Dept: "320412"})[:4]} {
		t.Run(name, func(t *testing.T) {
			if err := decodeMeta(v, &recMeta{}); err == nil {
				t.Error("no error")
			}
		})
	}
}

// A record that moves to another department is counted as received by the
// new one; entries of older caches (no value) are still counted.
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
	apply(rec("1", "320412"), rec("2", "320412"))
	apply(rec("1", "320411"))
	// Make entry 2 look like one written before values existed.
	if err := db.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bReceived).Put(timeKey(at.UnixNano(), []byte("penalty/2")), nil)
	}); err != nil {
		t.Fatal(err)
	}
	d, err := db.CheckData(at.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[credit.Kind]int{"320412": {credit.Penalty: 1}, "320411": {credit.Penalty: 1}}
	if !reflect.DeepEqual(d.Received, want) {
		t.Errorf("received %v, want %v", d.Received, want)
	}
}
