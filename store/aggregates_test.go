package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

func bucketKeys(t *testing.T, db *DB, name []byte) []string {
	t.Helper()
	var out []string
	if err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(name).ForEach(func(k, _ []byte) error { out = append(out, string(k)); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// The duplicate set follows document numbers as records are added,
// renumbered, moved between groups and deleted, and matches a full scan.
// With every number hashed to one index group, the set is still exact.
func TestDuplicateSetFollowsWrites(t *testing.T) {
	t.Run("hashed", testDuplicateSet)
	t.Run("all colliding", func(t *testing.T) {
		old := docNoHash
		docNoHash = func(credit.Kind, string) []byte { return []byte("samehash") }
		t.Cleanup(func() { docNoHash = old })
		testDuplicateSet(t)
	})
}

func testDuplicateSet(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	// Records with no quality issue but a shared number: only the
	// duplicate set lists them.
	rec := func(id, docNo string) credit.Change {
		r := penalty(id, "320412", "2026-03-01")
		r.DocNo = docNo
		r.SubjectKind, r.Authority, r.SourceUnit = credit.SubjectPerson, "常州市应急管理局", "执法支队"
		r.Violation, r.Facts, r.Basis, r.Content, r.PenaltyTypes = "违法", "事实", "依据", "警告", []string{"警告"}
		r.NoticeGiven, r.EducationDone, r.ReminderSet = true, true, true // 三同步 done
		if is := credit.CheckRecord(r, credit.DateOf(at)); docNo != "" && len(is) > 0 {
			t.Fatalf("fixture record has issues: %+v", is)
		}
		return upsert(r)
	}
	del := func(id string) credit.Change { return credit.Change{Op: credit.OpDelete, Key: "penalty/" + id} }
	moved := func(c credit.Change, dept string) credit.Change {
		r := *c.Record
		r.Dept = dept
		c.Record = &r
		return c
	}
	steps := []struct {
		changes []credit.Change
		want    []string
	}{
		{[]credit.Change{rec("1", "X"), rec("2", "X"), rec("3", "Y")}, []string{"penalty/1", "penalty/2"}},
		{[]credit.Change{rec("2", "Y")}, []string{"penalty/2", "penalty/3"}},
		{[]credit.Change{rec("4", "Y")}, []string{"penalty/2", "penalty/3", "penalty/4"}},
		{[]credit.Change{del("3")}, []string{"penalty/2", "penalty/4"}},
		{[]credit.Change{rec("4", "")}, nil},
		{[]credit.Change{rec("5", "X"), rec("2", "X")}, []string{"penalty/1", "penalty/2", "penalty/5"}},
		{[]credit.Change{moved(rec("5", "X"), "320411")}, []string{"penalty/1", "penalty/2", "penalty/5"}},
		{[]credit.Change{del("1"), del("5")}, nil},
	}
	checkRefs := func(step int, want []string) {
		t.Helper()
		d, err := db.CheckData(at)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, q := range d.Quality {
			if slices.Equal(q.Issues, []string{credit.IssueMissingDocNo}) {
				continue // record 4, once its number is removed
			}
			keys = append(keys, q.Key)
			if !slices.Equal(q.Issues, []string{credit.IssueDuplicateDocNo}) {
				t.Errorf("step %d: %s has issues %v", step, q.Key, q.Issues)
			}
			r, ok, err := db.Record(q.Key)
			if err != nil || !ok || q.Dept != r.Dept || q.Decided != r.Decided {
				t.Errorf("step %d: check lists %+v, the cache holds %+v (%v)", step, q, r, err)
			}
		}
		if !slices.Equal(keys, want) {
			t.Errorf("step %d: check lists %v with quality issues, want the duplicates %v", step, keys, want)
		}
	}
	for i, s := range steps {
		if err := db.ApplyPage(&credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at, Changes: s.changes}); err != nil {
			t.Fatal(err)
		}
		got := bucketKeys(t, db, bDupDocNo)
		if !slices.Equal(got, s.want) {
			t.Errorf("step %d: duplicates %v, want %v", i, got, s.want)
		}
		var scan []string
		db.view(func(tx *bolt.Tx) error {
			dups, err := duplicateKeys(tx)
			for k := range dups {
				scan = append(scan, k)
			}
			return err
		})
		slices.Sort(scan)
		if !slices.Equal(scan, got) {
			t.Errorf("step %d: set %v, full scan of by_doc_no %v", i, got, scan)
		}
		checkRefs(i, s.want)
	}
}

// open_repairs holds exactly the repairs that are Open, and CheckData
// returns those, with officers' actions applied (an action can close one).
func TestOpenRepairs(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	day := credit.MustDate("2026-03-02")
	rep := func(id string, r credit.Repair) credit.Change {
		r.RecordKey = "penalty/" + id
		return credit.Change{Op: credit.OpUpsert, Key: r.RecordKey, Repair: &r}
	}
	apply := func(feed string, cs ...credit.Change) {
		t.Helper()
		if err := db.ApplyPage(&credit.Page{Endpoint: "e", Feed: feed, FetchedAt: at, Changes: cs}); err != nil {
			t.Fatal(err)
		}
	}
	apply("penalty", upsert(penalty("1", "320412", "2025-01-02")), upsert(penalty("2", "320411", "2025-01-02")))
	apply("repair",
		rep("1", credit.Repair{Applied: day}),                                         // under review: open
		rep("2", credit.Repair{Applied: day, Outcome: credit.OutcomeApproved}),        // awaiting cancel: open
		rep("3", credit.Repair{Applied: day, Outcome: credit.OutcomeRejected}),        // closed
		rep("4", credit.Repair{Applied: day, Outcome: "approved", NationalDone: day}), // done
		rep("5", credit.Repair{ReminderSent: day}),                                    // not applied
		rep("6", credit.Repair{Applied: day, Outcome: "maybe"}))                       // an error to report: open
	if got, want := bucketKeys(t, db, bOpenRepairs), []string{"penalty/1", "penalty/2", "penalty/6"}; !slices.Equal(got, want) {
		t.Errorf("open repairs %v, want %v", got, want)
	}
	apply("repair", rep("1", credit.Repair{Applied: day, Outcome: credit.OutcomeRejected}), credit.Change{Op: credit.OpDelete, Key: "penalty/6"})
	if got, want := bucketKeys(t, db, bOpenRepairs), []string{"penalty/2"}; !slices.Equal(got, want) {
		t.Errorf("after closing 1 and deleting 6: open repairs %v, want %v", got, want)
	}
	d, err := db.CheckData(at)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Repairs) != 1 || d.Repairs[0].Repair.RecordKey != "penalty/2" || d.Repairs[0].Dept != "320411" {
		t.Errorf("check repairs %+v", d.Repairs)
	}
	// The penalty moves to another department, then leaves the cache: the
	// open repair follows.
	for _, c := range []struct {
		change credit.Change
		dept   string
	}{{upsert(penalty("2", "320402", "2025-01-02")), "320402"}, {credit.Change{Op: credit.OpDelete, Key: "penalty/2"}, ""}} {
		apply("penalty", c.change)
		if d, err = db.CheckData(at); err != nil || len(d.Repairs) != 1 || d.Repairs[0].Dept != c.dept {
			t.Errorf("after %s %s: check repairs %+v (%v), want department %q", c.change.Op, c.change.Key, d.Repairs, err, c.dept)
		}
	}
	apply("penalty", upsert(penalty("2", "320411", "2025-01-02")))
	// The officer reports the national repair: the item is closed.
	if _, err := db.RecordAction(credit.Action{ID: "a", Type: credit.ActionNationalDone, Officer: "张三", At: at, Date: day, RecordKey: "penalty/2", Receipt: "R"}); err != nil {
		t.Fatal(err)
	}
	if d, err = db.CheckData(at); err != nil || len(d.Repairs) != 0 {
		t.Errorf("after the national-done action: %+v, %v", d.Repairs, err)
	}
	if err := db.ResetFeed(credit.FeedRepair); err != nil {
		t.Fatal(err)
	}
	if got := bucketKeys(t, db, bOpenRepairs); len(got) != 0 {
		t.Errorf("after resetting the repair feed: %v", got)
	}
}

// duplicateKeys returns every record key that shares its kind and document
// number with another record, computed from the records alone: the
// reference that tests compare the maintained duplicate set to (writes and
// FinishBulkLoad's sorted rebuild keep the set itself).
func duplicateKeys(tx *bolt.Tx) (map[string]bool, error) {
	out := map[string]bool{}
	groups := map[string]int{}
	err := tx.Bucket(bRecords).ForEach(func(k, v []byte) error {
		var m recMeta
		if err := recordHeader(v, &m); err != nil {
			return fmt.Errorf("decode %s: %w", k, err)
		}
		if m.DocNo != "" {
			groups[string(m.Kind)+"\x00"+m.DocNo]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.Bucket(bRecords).ForEach(func(k, v []byte) error {
		var m recMeta
		if err := recordHeader(v, &m); err != nil {
			return err
		}
		if m.DocNo != "" && groups[string(m.Kind)+"\x00"+m.DocNo] > 1 {
			out[string(k)] = true
		}
		return nil
	})
	return out, err
}
