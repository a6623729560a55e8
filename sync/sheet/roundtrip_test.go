package sheet

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/sim"
)

// TestTemplateRoundTrip writes the simulator's records as template files
// (xlsx for some kinds, csv for the others), imports them, and finds every
// record in the cache with the fields the templates carry unchanged.
func TestTemplateRoundTrip(t *testing.T) {
	s := sim.New(sim.Options{Seed: 3, Records: 400, Today: credit.MustDate("2026-11-30"),
		Now: func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone) }})
	byKind := map[credit.Kind][]credit.Record{}
	for _, r := range s.Records() {
		byKind[r.Kind] = append(byKind[r.Kind], r)
	}
	db := openStore(t)
	dir := t.TempDir()
	for i, k := range credit.Kinds {
		ext := ".xlsx"
		if i%2 == 1 {
			ext = ".csv"
		}
		path := filepath.Join(dir, string(k)+ext)
		if err := WriteTemplate(path, k, byKind[k]); err != nil {
			t.Fatal(err)
		}
		res, err := Import(path, db, db, Options{Now: importNow})
		if err != nil {
			t.Fatal(err)
		}
		tot := res.Log.Total()
		t.Logf("%s: %+v sheets %+v", k, tot, res.Sheets)
		for _, q := range res.Refused {
			t.Errorf("%s refused: %s", k, q.Reason)
		}
		if tot.Added != len(byKind[k]) {
			t.Errorf("%s: added %d of %d", k, tot.Added, len(byKind[k]))
		}
		for _, want := range byKind[k] {
			no := want.DocNo
			if k == credit.Licence && want.LicenceNo != "" {
				no = want.LicenceNo
			}
			got, ok, err := db.Record(credit.RecordKey(k, ImportID(want.Dept, no)))
			if err != nil || !ok {
				t.Fatalf("%s %s not in the cache: %v", k, no, err)
			}
			if got.Origin == nil || got.Origin.File != string(k)+ext {
				t.Errorf("origin %+v", got.Origin)
			}
			got.ID, got.UpdatedAt, got.Origin = want.ID, want.UpdatedAt, nil
			want.Rejected = "" // the platform's verdict is not part of a template
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s round trip:\n got %+v\nwant %+v", k, got, want)
				break
			}
		}
	}
}
