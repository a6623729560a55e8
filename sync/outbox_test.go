package sync

import (
	"context"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

// TestOutboxSendsOnceSurvivesOutageAndReportsRefusals records actions while
// the endpoint is down, sends them when it is back, resends one (the server
// must not apply it twice) and checks a refused action is marked failed.
func TestOutboxSendsOnceSurvivesOutageAndReportsRefusals(t *testing.T) {
	s, _, db, eng := simHub(t, 11, 300)
	ctx := context.Background()
	if err := eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	snap, _ := db.Snapshot()
	var penaltyKey string
	for _, r := range snap.Repairs.All() {
		k := r.RecordKey
		if !r.Regraded.IsZero() && r.NationalDone.IsZero() && (penaltyKey == "" || k < penaltyKey) {
			penaltyKey = k // awaiting the bureau's national repair
		}
	}
	if penaltyKey == "" {
		t.Fatal("the simulator has no repair awaiting the national system")
	}
	now := testNow()
	acts := []credit.Action{
		{ID: credit.NewActionID(), Type: credit.ActionSignoff, Officer: "张三", At: now, Date: testToday, Depts: []string{"320412"}, Note: "已核查"},
		{ID: credit.NewActionID(), Type: credit.ActionNationalDone, Officer: "张三", At: now, Date: testToday, RecordKey: penaltyKey, Receipt: "GS-2026-0001"},
		{ID: credit.NewActionID(), Type: credit.ActionReminder, Officer: "张三", At: now, Date: testToday, RecordKey: "penalty/does-not-exist"},
	}

	// Offline: the endpoint is down; actions are kept pending.
	down, err := New(db, []Endpoint{{Name: "hub", BaseURL: "http://127.0.0.1:1", Feeds: []string{"repair"}}}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range acts {
		if _, err := db.RecordAction(a); err != nil {
			t.Fatal(err)
		}
	}
	down.SendOutbox(ctx, 0)
	out, _ := db.Outbox()
	if out[2].State != credit.OutboxPending || out[2].Attempts != 1 || out[2].LastError == "" || !out[2].NextTry.After(now) {
		t.Fatalf("after a failed send: %+v", out[2])
	}
	if out[1].Attempts != 0 {
		t.Errorf("sending went on after the endpoint was found down: %+v", out[1])
	}

	// Back online, the periodic send skips the action still backing off
	// (the sign-off, tried once while down)...
	eng.sendOutbox(ctx, eng.actionEndpoint(), false)
	for _, a := range s.Actions() {
		if a.Action.Type == string(credit.ActionSignoff) {
			t.Fatal("the sign-off, still backing off, was sent by the periodic send")
		}
	}
	// ...and once the back-off has passed, everything is sent.
	later := func() time.Time { return testNow().Add(10 * time.Minute) }
	eng.opts.Now = later
	eng.SendOutbox(ctx, eng.actionEndpoint())
	out, _ = db.Outbox()
	byID := map[string]credit.OutboxItem{}
	for _, it := range out {
		byID[it.Action.ID] = it
	}
	for _, it := range out {
		t.Logf("%s: %s attempts=%d err=%q", it.Action.Type, it.State, it.Attempts, it.LastError)
	}
	if it := byID[acts[0].ID]; it.State != credit.OutboxSent || it.RemoteID == "" || it.ReceivedAt.IsZero() {
		t.Errorf("signoff: %+v", it)
	}
	if it := byID[acts[1].ID]; it.State != credit.OutboxSent {
		t.Errorf("national repair: %+v", it)
	}
	if it := byID[acts[2].ID]; it.State != credit.OutboxFailed || it.LastError == "" {
		t.Errorf("action on an unknown record: %+v", it)
	}
	if n := len(s.Actions()); n != 2 {
		t.Fatalf("simulator holds %d actions, want 2", n)
	}

	// A resend with the same key is a replay, not a second action.
	again := byID[acts[1].ID]
	again.State = credit.OutboxPending
	if err := db.UpdateOutbox(again); err != nil {
		t.Fatal(err)
	}
	eng.SendOutbox(ctx, eng.actionEndpoint())
	if n := len(s.Actions()); n != 2 {
		t.Errorf("after a resend the simulator holds %d actions, want 2", n)
	}

	// The national repair comes back through the repair feed.
	if err := eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	snap, _ = db.Snapshot()
	if r, _ := snap.Repairs.Get(penaltyKey); r.NationalReceipt != "GS-2026-0001" {
		t.Errorf("repair after sync: %+v", r)
	}
	if snap.OutboxPending != 0 || snap.OutboxFailed != 1 {
		t.Errorf("outbox counts pending=%d failed=%d", snap.OutboxPending, snap.OutboxFailed)
	}
}
