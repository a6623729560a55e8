package store

import (
	"errors"
	"slices"
	"strings"
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

// TestScopedHidesOtherDepartmentsActivity: an officer of 320412 sees
// neither the outbox items, the action events nor the quarantined raw
// items of 320411, and their counts leave them out; the SSH audit events
// are shown through no scope; an admin (every department) sees it all.
func TestScopedHidesOtherDepartmentsActivity(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	wj, xb := penalty("1", "320412", "2026-01-05"), penalty("2", "320411", "2026-02-05")
	db.ApplyPage(&credit.Page{Endpoint: "zf", Feed: "penalty", Changes: []credit.Change{upsert(wj), upsert(xb)}, FetchedAt: at,
		Quarantine: []credit.Quarantined{
			{Endpoint: "zf", Feed: "penalty", Key: "penalty/q1", Reason: "bad date", Raw: `{"id":"q1","dept":"320411","party":"新北某公司"}`, At: at},
			{Endpoint: "zf", Feed: "penalty", Key: "penalty/q2", Reason: "bad date", Raw: `{"id":"q2","dept":"320412","party":"武进某公司"}`, At: at},
			{Endpoint: "zf", Feed: "penalty", Key: "penalty/q3", Reason: "not json", Raw: `{"id":"q3","dept":"3204`, At: at},
		}})
	admin := db.Scoped(credit.Scope{Officer: "王五"})
	wujin := db.Scoped(credit.Scope{Officer: "张三", Depts: []string{"320412"}})
	for i, a := range []credit.Action{
		{Type: credit.ActionReminder, RecordKey: xb.Key()},
		{Type: credit.ActionSignoff, Depts: []string{"320411"}},
	} {
		a.ID, a.At, a.Date = "adm-"+string(rune('a'+i)), at, credit.DateOf(at)
		if _, err := admin.RecordAction(a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := wujin.RecordAction(credit.Action{ID: "wj-1", Type: credit.ActionReminder, RecordKey: wj.Key(), At: at, Date: credit.DateOf(at)}); err != nil {
		t.Fatal(err)
	}
	db.AppendEvent(credit.Event{At: at, Type: credit.EventSSHConnect, Actor: "王五", Message: "from 10.0.0.9"})

	ob, _ := wujin.Outbox()
	if len(ob) != 1 || ob[0].Action.RecordKey != wj.Key() {
		t.Errorf("320412's outbox: %+v; want only its own reminder", ob)
	}
	if all, _ := admin.Outbox(); len(all) != 3 {
		t.Errorf("admin's outbox: %d items, want 3", len(all))
	}
	q, _ := wujin.Quarantine()
	if len(q) != 1 || q[0].Key != "penalty/q2" {
		t.Errorf("320412's quarantine: %+v; want only q2", q)
	}
	if all, _ := admin.Quarantine(); len(all) != 3 {
		t.Errorf("admin's quarantine: %d items, want 3", len(all))
	}
	for _, snap := range []func() (*credit.Snapshot, error){wujin.Snapshot, wujin.Overview} {
		s, err := snap()
		if err != nil {
			t.Fatal(err)
		}
		if s.OutboxPending != 1 || s.Quarantine != 1 {
			t.Errorf("320412's counts: outbox %d, quarantine %d; want 1 and 1", s.OutboxPending, s.Quarantine)
		}
	}
	evs, _ := db.LastEvents(50)
	var seen, seenAdmin []string
	for _, ev := range evs {
		if wujin.EventVisible(ev) {
			seen = append(seen, string(ev.Type)+" "+ev.Message)
		}
		if admin.EventVisible(ev) {
			seenAdmin = append(seenAdmin, string(ev.Type)+" "+ev.Message)
		}
	}
	for _, s := range seen {
		if strings.Contains(s, xb.Key()) || strings.Contains(s, "signoff") || strings.HasPrefix(s, "ssh-") {
			t.Errorf("320412 sees %q", s)
		}
	}
	if !slices.ContainsFunc(seen, func(s string) bool { return strings.Contains(s, wj.Key()) }) {
		t.Errorf("320412 does not see its own action; sees %q", seen)
	}
	if len(seenAdmin) != len(evs)-1 {
		t.Errorf("admin sees %d of %d events; want all but the ssh-connect", len(seenAdmin), len(evs))
	}
}
