package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
	"github.com/czyj/credwatch/sync/sim"
)

// approvedRepair reads the simulator's repair feed and returns the key of a
// repair that 信用中国 approved and that is not yet repaired nationally.
func approvedRepair(t *testing.T, base string) string {
	t.Helper()
	ep := Endpoint{BaseURL: base}
	cursor := ""
	for {
		p, err := fetchPage(context.Background(), http.DefaultClient, &ep, credit.FeedRepair, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range p.Items {
			var rp credit.Repair
			if err := json.Unmarshal(it.Data, &rp); err != nil {
				t.Fatal(err)
			}
			if rp.Outcome == credit.OutcomeApproved && rp.NationalDone.IsZero() {
				return it.Key
			}
		}
		if !p.HasMore {
			t.Fatal("no approved repair in the simulator")
		}
		cursor = p.NextCursor
	}
}

func TestPostAction(t *testing.T) {
	s := sim.New(sim.Options{Seed: 1, Records: 800, Today: testToday})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	ep := Endpoint{Name: "hub", BaseURL: srv.URL}
	ctx := context.Background()
	signoff := api.Action{Type: api.ActionSignoff, Date: testToday, Officer: "张伟", Departments: []string{"320412"}, Note: "已核对"}

	first, err := PostAction(ctx, srv.Client(), ep, "key-1", signoff)
	if err != nil {
		t.Fatalf("first post: %v", err)
	}
	if first.ID == "" || first.IdempotencyKey != "key-1" || !reflect.DeepEqual(first.Action, signoff) {
		t.Errorf("first = %+v", first)
	}
	again, err := PostAction(ctx, srv.Client(), ep, "key-1", signoff)
	if err != nil || !reflect.DeepEqual(again, first) {
		t.Errorf("replay = %+v, %v; want %+v", again, err, first)
	}
	if n := len(s.Actions()); n != 1 {
		t.Errorf("%d actions stored, want 1", n)
	}

	changed := signoff
	changed.Note = "另一条"
	tests := []struct {
		name   string
		key    string
		a      api.Action
		status int
		code   string
		field  string
	}{
		{"conflict", "key-1", changed, 409, sim.CodeIdempotencyConflict, api.IdempotencyKeyHeader},
		{"no key", "", signoff, 400, sim.CodeBadIdempotencyKey, api.IdempotencyKeyHeader},
		{"missing officer", "key-2", api.Action{Type: api.ActionSignoff, Date: testToday, Departments: []string{"320412"}}, 422, sim.CodeInvalidAction, "officer"},
		{"unknown type", "key-3", api.Action{Type: "approve"}, 422, sim.CodeInvalidAction, "type"},
		{"unknown record", "key-4", api.Action{Type: api.ActionReminderSent, RecordKey: "penalty/nope", Date: testToday}, 422, sim.CodeUnknownRecord, "record_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := PostAction(ctx, srv.Client(), ep, tt.key, tt.a)
			var ae *ActionError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *ActionError", err)
			}
			if ae.Status != tt.status || ae.Code != tt.code || ae.Field != tt.field || ae.Retryable || IsRetryable(err) {
				t.Errorf("err = %+v, want %d %s (%s), not retryable", ae, tt.status, tt.code, tt.field)
			}
		})
	}
}

func TestPostActionRetryable(t *testing.T) {
	answer := func(status int, retryAfter, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(status)
			w.Write([]byte(body))
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name       string
		ctx        context.Context
		base       string
		timeout    time.Duration
		retryable  bool
		status     int
		retryAfter time.Duration
	}{
		{"429 with seconds", nil, answer(429, "30", `{"error":{"code":"rate_limited","message":"slow down"}}`), 0, true, 429, 30 * time.Second},
		{"503 with a date", nil, answer(503, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), `{"error":{"code":"unavailable","message":"maintenance"}}`), 0, true, 503, 59 * time.Minute},
		{"500", nil, answer(500, "", `{"error":{"code":"internal","message":"boom"}}`), 0, true, 500, 0},
		{"proxy page", nil, answer(502, "", `<html>Bad Gateway</html>`), 0, true, 502, 0},
		{"201 that is not a stored action", nil, answer(201, "", `<html>ok</html>`), 0, true, 201, 0},
		{"401", nil, answer(401, "", `{"error":{"code":"unauthorized","message":"missing bearer token"}}`), 0, false, 401, 0},
		{"413", nil, answer(413, "", `{"error":{"code":"too_large","message":"big"}}`), 0, false, 413, 0},
		{"connection refused", nil, down.URL, 0, true, 0, 0},
		{"timeout", nil, slow.URL, 50 * time.Millisecond, true, 0, 0},
		{"caller cancelled", cancelled, slow.URL, 0, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			ep := Endpoint{BaseURL: tt.base, Timeout: tt.timeout}
			_, err := PostAction(ctx, http.DefaultClient, ep, credit.NewActionID(), api.Action{Type: api.ActionSignoff})
			var ae *ActionError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *ActionError", err)
			}
			if ae.Retryable != tt.retryable || IsRetryable(err) != tt.retryable || ae.Status != tt.status {
				t.Errorf("err = %+v (%v), want status %d retryable %v", ae, err, tt.status, tt.retryable)
			}
			if ae.RetryAfter < tt.retryAfter || (tt.retryAfter == 0 && ae.RetryAfter != 0) {
				t.Errorf("RetryAfter = %v, want %v", ae.RetryAfter, tt.retryAfter)
			}
		})
	}
}

// TestNationalRepairShowsAfterSync posts national_repair_done and checks the
// cache holds the national repair after the next sync.
func TestNationalRepairShowsAfterSync(t *testing.T) {
	_, srv, db, eng := simHub(t, 1, 800)
	ctx := context.Background()
	if err := eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	key := approvedRepair(t, srv.URL)
	a := api.Action{Type: api.ActionNationalRepairDone, RecordKey: key, Date: testToday, Receipt: "XYXF2026113000417"}
	if _, err := PostAction(ctx, srv.Client(), eng.Endpoints()[0], credit.NewActionID(), a); err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	rp, ok := snap.Repairs.Get(key)
	if !ok || rp.NationalDone != testToday || rp.NationalReceipt != a.Receipt {
		t.Errorf("cached repair of %s = %+v (found %v), want national_done %s receipt %s", key, rp, ok, testToday, a.Receipt)
	}
}

// fetchPage asks endpoint ep for the page of feed after cursor.
func fetchPage(ctx context.Context, hc *http.Client, ep *Endpoint, feed, cursor string) (*api.Page, error) {
	body, _, err := fetchBody(ctx, hc, ep, feed, cursor)
	if err != nil {
		return nil, err
	}
	var p api.Page
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("decode %s page: %w", feed, err)
	}
	return &p, checkFeed(feed, p.Feed)
}
