package store

import (
	"errors"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

func TestScopedEnforcesDepartmentsAndReadOnly(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	wj, xb := penalty("1", "320412", "2026-01-05"), penalty("2", "320411", "2026-02-05")
	db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "penalty", Changes: []credit.Change{upsert(wj), upsert(xb)}, FetchedAt: at})
	db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "sharing", FetchedAt: at, Changes: []credit.Change{
		{Op: credit.OpUpsert, Key: "320412/penalty", Sharing: &credit.SharingEntry{Dept: "320412", Kind: credit.Penalty}},
		{Op: credit.OpUpsert, Key: "320411/penalty", Sharing: &credit.SharingEntry{Dept: "320411", Kind: credit.Penalty}},
	}})
	wujin := db.Scoped(credit.Scope{Officer: "李四", Depts: []string{"320412"}})

	snap, err := wujin.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if snap.Penalties.Len() != 1 || snap.Penalties.Dept(0) != "320412" || len(snap.Sharing) != 1 || snap.Counts[credit.Penalty] != 1 {
		t.Errorf("scoped snapshot: %d penalties, %d sharing rows, counts %v", snap.Penalties.Len(), len(snap.Sharing), snap.Counts)
	}
	cd, _ := wujin.CheckData(at.Add(-48 * time.Hour))
	if len(cd.Received) != 1 || cd.Received["320411"] != nil {
		t.Errorf("scoped check data received = %v", cd.Received)
	}
	if recs, _ := wujin.Records([]string{wj.Key(), xb.Key()}); len(recs) != 1 {
		t.Errorf("scoped records = %d, want 1", len(recs))
	}
	if _, err := wujin.DeptRecords("320411", credit.Penalty); !errors.Is(err, credit.ErrOutOfScope) {
		t.Errorf("other department's records: %v", err)
	}

	act := func(s *Scoped, a credit.Action) error {
		a.ID, a.At, a.Date = "id-"+string(a.Type)+a.RecordKey, at, credit.DateOf(at)
		_, err := s.RecordAction(a)
		return err
	}
	if err := act(wujin, credit.Action{Type: credit.ActionReminder, RecordKey: xb.Key(), Officer: "冒名"}); !errors.Is(err, credit.ErrOutOfScope) {
		t.Errorf("action on another department's record: %v", err)
	}
	if err := act(wujin, credit.Action{Type: credit.ActionSignoff, Depts: []string{"320411"}}); !errors.Is(err, credit.ErrOutOfScope) {
		t.Errorf("sign-off for another department: %v", err)
	}
	if err := act(wujin, credit.Action{Type: credit.ActionReminder, RecordKey: wj.Key(), Officer: "冒名"}); err != nil {
		t.Fatal(err)
	}
	out, _ := db.Outbox()
	if len(out) != 1 || out[0].Action.Officer != "李四" {
		t.Errorf("outbox = %+v, want one action by 李四", out)
	}
	ro := db.Scoped(credit.Scope{Officer: "王五", ReadOnly: true})
	if err := act(ro, credit.Action{Type: credit.ActionSignoff}); !errors.Is(err, credit.ErrReadOnly) {
		t.Errorf("read-only sign-off: %v", err)
	}
	if err := ro.RetryAction(out[0].Seq); !errors.Is(err, credit.ErrReadOnly) {
		t.Errorf("read-only retry: %v", err)
	}
	if out, _ := db.Outbox(); len(out) != 1 {
		t.Errorf("refused actions reached the outbox: %d items", len(out))
	}
}
