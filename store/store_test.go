package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

func openTemp(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "cache.db")
	db, err := Open(path, Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func penalty(id, dept string, decided string) *credit.Record {
	return &credit.Record{Kind: credit.Penalty, ID: id, Dept: dept, SubjectName: "常州市某某化工有限公司",
		DocNo: "常武应急罚〔2025〕" + id + "号", Decided: credit.MustDate(decided), Severity: credit.General,
		UpdatedAt: time.Date(2026, 11, 20, 9, 0, 0, 0, credit.ChinaZone)}
}

func upsert(r *credit.Record) credit.Change {
	return credit.Change{Op: credit.OpUpsert, Key: r.Key(), Record: r}
}

func TestOpenCreatesPrivateFileAndBuckets(t *testing.T) {
	db, path := openTemp(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("cache mode = %v, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("cache dir mode = %v, want 0700", di.Mode().Perm())
	}
	err = db.view(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if tx.Bucket(b) == nil {
				t.Errorf("bucket %s missing", b)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestApplyPageRoundTrip(t *testing.T) {
	db, path := openTemp(t)
	at := time.Date(2026, 11, 28, 8, 30, 0, 0, credit.ChinaZone)
	a, b, c := penalty("1", "320412", "2026-01-05"), penalty("2", "320412", "2026-02-05"), penalty("3", "320411", "2026-03-05")
	share := &credit.SharingEntry{Dept: "320412", Kind: credit.Penalty, Received: 2, Disclosed: 1}
	rep := &credit.Repair{RecordKey: a.Key(), Applied: credit.MustDate("2026-06-01")}
	pages := []*credit.Page{
		{Endpoint: "zf", Feed: "penalty", Changes: []credit.Change{upsert(a), upsert(b), upsert(c)}, NextCursor: "c1", FetchedAt: at},
		{Endpoint: "zf", Feed: "sharing", Changes: []credit.Change{{Op: credit.OpUpsert, Key: share.Key(), Sharing: share}}, NextCursor: "s1", FetchedAt: at},
		{Endpoint: "zf", Feed: "repair", Changes: []credit.Change{{Op: credit.OpUpsert, Key: rep.RecordKey, Repair: rep}}, NextCursor: "r1", FetchedAt: at},
		// b moves to another department, c is withdrawn.
		{Endpoint: "zf", Feed: "penalty", Changes: []credit.Change{upsert(penalty("2", "320402", "2026-02-05")), {Op: credit.OpDelete, Key: c.Key()}}, NextCursor: "c2", FetchedAt: at},
	}
	for _, p := range pages {
		if err := db.ApplyPage(p); err != nil {
			t.Fatal(err)
		}
	}
	// Applying the last page again changes nothing.
	if err := db.ApplyPage(pages[3]); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	if cur, _ := db.Cursor("zf", "penalty"); cur != "c2" {
		t.Errorf("cursor = %q, want c2", cur)
	}
	s, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if s.Penalties.Len() != 2 {
		t.Fatalf("penalties = %d, want 2", s.Penalties.Len())
	}
	if s.Penalties.ID(0) != "1" || s.Penalties.Dept(1) != "320402" {
		t.Errorf("penalties = %+v", s.Penalties.All())
	}
	counts := map[string]int{}
	for _, d := range s.Depts {
		counts[d.Dept] = d.Records[credit.Penalty]
	}
	want := map[string]int{"320412": 1, "320402": 1, "320411": 0}
	for d, n := range want {
		if counts[d] != n {
			t.Errorf("dept %s penalties = %d, want %d (all: %v)", d, counts[d], n, counts)
		}
	}
	if s.Counts[credit.Penalty] != 2 {
		t.Errorf("count = %d, want 2", s.Counts[credit.Penalty])
	}
	if len(s.Sharing) != 1 || s.Sharing[0].Received != 2 {
		t.Errorf("sharing = %+v", s.Sharing)
	}
	if r, _ := s.Repairs.Get(a.Key()); r.Applied != credit.MustDate("2026-06-01") {
		t.Errorf("repair = %+v", r)
	}
	// A page is progress (LastAttempt), not a success: only a pass that
	// completes sets LastSuccess (the engine).
	if len(s.Endpoints) != 1 || !s.Endpoints[0].LastAttempt.Equal(at) || !s.Endpoints[0].LastSuccess.IsZero() || s.Endpoints[0].Items != 9 {
		t.Errorf("endpoint = %+v", s.Endpoints)
	}
	var n int
	db.view(func(tx *bolt.Tx) error { n = tx.Bucket(bByDept).Stats().KeyN; return nil })
	if n != 2 {
		t.Errorf("dept index has %d keys, want 2", n)
	}
}

func TestQuarantineKeptUntilItemIsGood(t *testing.T) {
	db, _ := openTemp(t)
	r := penalty("9", "320412", "2026-01-05")
	q := credit.Quarantined{Endpoint: "zf", Feed: "penalty", Key: r.Key(), Reason: "bad date"}
	if err := db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "penalty", Quarantine: []credit.Quarantined{q}}); err != nil {
		t.Fatal(err)
	}
	s, _ := db.Snapshot()
	if s.Quarantine != 1 {
		t.Fatalf("quarantine = %d, want 1", s.Quarantine)
	}
	if err := db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "penalty", Changes: []credit.Change{upsert(r)}}); err != nil {
		t.Fatal(err)
	}
	s, _ = db.Snapshot()
	if s.Quarantine != 0 {
		t.Errorf("quarantine = %d after a good copy arrived, want 0", s.Quarantine)
	}
}

func TestSecondOpenerTimesOutNamingTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.db")
	first, err := Open(path, Options{Exclusive: true})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	_, err = Open(path, Options{Timeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
}

func TestRefusesOtherSchemaVersion(t *testing.T) {
	db, path := openTemp(t)
	db.update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(keySchema, []byte("99")) })
	db.Close()
	_, err := Open(path, Options{})
	if err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Fatalf("err = %v, want schema version refusal", err)
	}
}

func TestEndpointStatus(t *testing.T) {
	db, _ := openTemp(t)
	st := credit.EndpointStatus{Name: "hub", LastError: "connection refused", Failures: 3}
	if err := db.SaveEndpointStatus(st); err != nil {
		t.Fatal(err)
	}
	got, err := db.EndpointStatus("hub")
	if err != nil || got.LastError != st.LastError || got.Failures != 3 {
		t.Errorf("got %+v, %v", got, err)
	}
}

// TestRecordEndpoint changes the stored status and logs the event in one
// write transaction; a status never stored starts from a zero one.
func TestRecordEndpoint(t *testing.T) {
	db, _ := openTemp(t)
	if err := db.SaveEndpointStatus(credit.EndpointStatus{Name: "hub", LastError: "down", Failures: 3, Items: 7}); err != nil {
		t.Fatal(err)
	}
	gen, _ := db.Generation()
	at := time.Date(2026, 11, 28, 8, 30, 0, 0, credit.ChinaZone)
	err := db.RecordEndpoint("hub", func(st *credit.EndpointStatus) {
		st.LastError, st.Failures, st.LastSuccess = "", 0, at
	}, credit.Event{At: at, Endpoint: "hub", Type: credit.EventDone})
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := db.EndpointStatus("hub"); st.LastError != "" || st.Failures != 0 || !st.LastSuccess.Equal(at) || st.Items != 7 {
		t.Errorf("status %+v, want the change on the stored one", st)
	}
	if g, _ := db.Generation(); g != gen+1 {
		t.Errorf("generation %d after one record, want %d: one transaction", g, gen+1)
	}
	evs, err := db.EventsAfter(0, 10)
	if err != nil || len(evs) != 1 || evs[0].Type != credit.EventDone || evs[0].Endpoint != "hub" {
		t.Errorf("events %+v (%v), want the done event", evs, err)
	}
	var name string
	if err := db.RecordEndpoint("new", func(st *credit.EndpointStatus) { name = st.Name }, credit.Event{At: at, Type: credit.EventDone}); err != nil || name != "new" {
		t.Errorf("a status never stored: name %q (%v), want new", name, err)
	}
}

func TestResetSyncedKeepsStatusAndEmptiesData(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 11, 28, 8, 30, 0, 0, credit.ChinaZone)
	r := penalty("1", "320412", "2026-01-05")
	if err := db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "penalty", Changes: []credit.Change{upsert(r)}, NextCursor: "c9", FetchedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := db.ResetSynced(); err != nil {
		t.Fatal(err)
	}
	s, _ := db.Snapshot()
	if s.Penalties.Len() != 0 || len(s.Depts) != 0 || s.Counts[credit.Penalty] != 0 {
		t.Errorf("data left after reset: %+v", s)
	}
	if c, _ := db.Cursor("zf", "penalty"); c != "" {
		t.Errorf("cursor left after reset: %q", c)
	}
	if st, _ := db.EndpointStatus("zf"); !st.LastAttempt.Equal(at) {
		t.Errorf("endpoint status lost: %+v", st)
	}
}
