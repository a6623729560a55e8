package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"testing"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// post sends body to POST /v1/actions with the given idempotency key ("" =
// none) and returns the status, the body and the response.
func post(t *testing.T, srv *httptest.Server, key, contentType, body string) (int, []byte, *http.Response) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+api.ActionsPath, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if key != "" {
		req.Header.Set(api.IdempotencyKeyHeader, key)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b, resp
}

func postJSON(t *testing.T, srv *httptest.Server, key, body string) (int, []byte, *http.Response) {
	t.Helper()
	return post(t, srv, key, "application/json", body)
}

// pickPenalty returns the key of the first live penalty, in creation order,
// for which ok holds; rp is its repair or nil.
func pickPenalty(t *testing.T, s *Sim, ok func(x *rec, rp *credit.Repair) bool) string {
	t.Helper()
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, x := range s.live {
		if x.Kind == credit.Penalty && ok(x, s.repairs[x.Key()]) {
			return x.Key()
		}
	}
	t.Fatal("no penalty fits")
	return ""
}

func approvedNotNational(x *rec, rp *credit.Repair) bool {
	return rp != nil && rp.Outcome == credit.OutcomeApproved && rp.NationalDone.IsZero()
}

const signoff = `{"type":"signoff","date":"2026-03-18","officer":"张伟","departments":["320412","city-zd"],"note":"已核对数据共享清单"}`

func TestActionCreatedThenReplayed(t *testing.T) {
	s, srv, _ := newTestSim(t, 1, 300)
	status, first, resp := postJSON(t, srv, "k-1", signoff)
	if status != http.StatusCreated {
		t.Fatalf("first post: %d %s", status, first)
	}
	if resp.Header.Get(api.ReplayedHeader) != "" {
		t.Errorf("first answer says it is a replay")
	}
	var res api.ActionResult
	if err := json.Unmarshal(first, &res); err != nil {
		t.Fatal(err)
	}
	want := api.Action{Type: api.ActionSignoff, Date: testToday, Officer: "张伟", Departments: []string{"320412", "city-zd"}, Note: "已核对数据共享清单"}
	if res.ID == "" || res.ReceivedAt.IsZero() || res.IdempotencyKey != "k-1" || !equalActions(res.Action, want) {
		t.Errorf("result = %+v", res)
	}

	// The same body in another member order and spacing is the same body.
	reordered := "{ \"note\":\"已核对数据共享清单\", \"departments\":[\"320412\",\"city-zd\"],\n \"officer\":\"张伟\",\"date\":\"2026-03-18\",\"type\":\"signoff\" }"
	for i, body := range []string{signoff, reordered} {
		status, again, resp := postJSON(t, srv, "k-1", body)
		if status != http.StatusOK || !bytes.Equal(again, first) {
			t.Errorf("replay %d: %d %s, want 200 and the first body %s", i, status, again, first)
		}
		if resp.Header.Get(api.ReplayedHeader) != "true" {
			t.Errorf("replay %d: %s header missing", i, api.ReplayedHeader)
		}
	}
	if got := s.Actions(); len(got) != 1 || got[0].ID != res.ID {
		t.Errorf("Actions() = %+v, want the one action", got)
	}

	// A new key is a new action.
	if status, b, _ := postJSON(t, srv, "k-2", signoff); status != http.StatusCreated {
		t.Errorf("new key: %d %s", status, b)
	}
	if n := len(s.Actions()); n != 2 {
		t.Errorf("%d actions, want 2", n)
	}
}

func equalActions(a, b api.Action) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestActionConflict(t *testing.T) {
	s, srv, _ := newTestSim(t, 1, 300)
	if status, b, _ := postJSON(t, srv, "k-1", signoff); status != http.StatusCreated {
		t.Fatalf("%d %s", status, b)
	}
	changed := strings.Replace(signoff, "张伟", "李娜", 1)
	status, b, _ := postJSON(t, srv, "k-1", changed)
	e := decodeActionError(t, b)
	if status != http.StatusConflict || e.Code != CodeIdempotencyConflict || e.Field != api.IdempotencyKeyHeader {
		t.Errorf("conflict: %d %s", status, b)
	}
	if got := s.Actions(); len(got) != 1 || got[0].Action.Officer != "张伟" {
		t.Errorf("Actions() = %+v, want only the first", got)
	}
}

func decodeActionError(t *testing.T, b []byte) api.ActionErrorDetail {
	t.Helper()
	var eb api.ActionErrorBody
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&eb); err != nil {
		t.Fatalf("decode error body %s: %v", b, err)
	}
	if eb.Error.Message == "" || eb.Error.RequestID == "" {
		t.Errorf("error body without message or request_id: %s", b)
	}
	return eb.Error
}

func TestActionRefusals(t *testing.T) {
	s, srv, _ := newTestSim(t, 1, 3000)
	approved := pickPenalty(t, s, approvedNotNational)
	national := pickPenalty(t, s, func(x *rec, rp *credit.Repair) bool { return rp != nil && !rp.NationalDone.IsZero() })
	underReview := pickPenalty(t, s, func(x *rec, rp *credit.Repair) bool { return rp != nil && rp.Outcome == "" && !rp.Applied.IsZero() })
	closed := pickPenalty(t, s, func(x *rec, rp *credit.Repair) bool { return !ruleRepairable(x) }) // 527: 责令停产停业 before 2023-05-01
	recent := pickPenalty(t, s, func(x *rec, rp *credit.Repair) bool { return x.Decided.After(testToday.AddDays(-30)) })

	long := strings.Repeat("长", api.MaxActionNameRunes+1)
	tests := []struct {
		name        string
		key         string
		contentType string
		body        string
		status      int
		code, field string
	}{
		{"no key", "", "application/json", signoff, 400, CodeBadIdempotencyKey, api.IdempotencyKeyHeader},
		{"key with a space", "a b", "application/json", signoff, 400, CodeBadIdempotencyKey, api.IdempotencyKeyHeader},
		{"key too long", strings.Repeat("k", 256), "application/json", signoff, 400, CodeBadIdempotencyKey, api.IdempotencyKeyHeader},
		{"no content type", "k", "", signoff, 415, CodeUnsupportedMedia, "Content-Type"},
		{"form content type", "k", "application/x-www-form-urlencoded", signoff, 415, CodeUnsupportedMedia, "Content-Type"},
		{"latin-1", "k", "application/json; charset=iso-8859-1", signoff, 415, CodeUnsupportedMedia, "Content-Type"},
		{"too large", "k", "application/json", `{"type":"signoff","note":"` + strings.Repeat("x", api.MaxActionBytes) + `"}`, 413, CodeTooLarge, ""},
		{"not JSON", "k", "application/json", `type=signoff`, 400, CodeBadJSON, ""},
		{"array", "k", "application/json", `[]`, 400, CodeBadJSON, ""},
		{"two values", "k", "application/json", signoff + signoff, 400, CodeBadJSON, ""},
		{"invalid UTF-8", "k", "application/json", `{"type":"signoff","officer":"` + "\xff" + `"}`, 400, CodeBadJSON, ""},
		{"type not a string", "k", "application/json", `{"type":1}`, 400, CodeBadJSON, "type"},
		{"departments not an array", "k", "application/json", `{"type":"signoff","date":"2026-03-18","officer":"张伟","departments":"320412"}`, 400, CodeBadJSON, "departments"},
		{"no type", "k", "application/json", `{"date":"2026-03-18"}`, 422, CodeInvalidAction, "type"},
		{"unknown type", "k", "application/json", `{"type":"approve"}`, 422, CodeInvalidAction, "type"},
		{"unknown field", "k", "application/json", `{"type":"signoff","date":"2026-03-18","officer":"张伟","departments":["320412"],"sign":"x"}`, 422, CodeInvalidAction, "sign"},
		{"field of another type", "k", "application/json", `{"type":"signoff","date":"2026-03-18","officer":"张伟","departments":["320412"],"record_key":"penalty/x"}`, 422, CodeInvalidAction, "record_key"},
		{"missing date", "k", "application/json", `{"type":"signoff","officer":"张伟","departments":["320412"]}`, 422, CodeInvalidAction, "date"},
		{"no such day", "k", "application/json", `{"type":"signoff","date":"2026-02-30","officer":"张伟","departments":["320412"]}`, 422, CodeInvalidAction, "date"},
		{"date in the future", "k", "application/json", `{"type":"signoff","date":"2026-03-19","officer":"张伟","departments":["320412"]}`, 422, CodeInvalidAction, "date"},
		{"blank officer", "k", "application/json", `{"type":"signoff","date":"2026-03-18","officer":"  ","departments":["320412"]}`, 422, CodeInvalidAction, "officer"},
		{"officer with escape", "k", "application/json", `{"type":"signoff","date":"2026-03-18","officer":"张\u001b[2J伟","departments":["320412"]}`, 422, CodeInvalidAction, "officer"},
		{"officer too long", "k", "application/json", `{"type":"signoff","date":"2026-03-18","officer":"` + long + `","departments":["320412"]}`, 422, CodeInvalidAction, "officer"},
		{"no departments", "k", "application/json", `{"type":"signoff","date":"2026-03-18","officer":"张伟","departments":[]}`, 422, CodeInvalidAction, "departments"},
		{"unknown department", "k", "application/json", `{"type":"signoff","date":"2026-03-18","officer":"张伟","departments":["320412","320499"]}`, 422, CodeInvalidAction, "departments[1]"},
		{"department twice", "k", "application/json", `{"type":"signoff","date":"2026-03-18","officer":"张伟","departments":["czjk","czjk"]}`, 422, CodeInvalidAction, "departments[1]"},
		{"record key of a licence", "k", "application/json", `{"type":"reminder_sent","record_key":"licence/XK2023000001","date":"2026-03-18"}`, 422, CodeInvalidAction, "record_key"},
		{"bare record id", "k", "application/json", `{"type":"reminder_sent","record_key":"CF2023000001","date":"2026-03-18"}`, 422, CodeInvalidAction, "record_key"},
		{"unknown record", "k", "application/json", `{"type":"reminder_sent","record_key":"penalty/CF1999000001","date":"2026-03-18"}`, 422, CodeUnknownRecord, "record_key"},
		{"reminder before the decision", "k", "application/json", `{"type":"reminder_sent","record_key":"` + recent + `","date":"2025-01-01"}`, 422, CodeInvalidAction, "date"},
		{"reminder for an unrepairable penalty", "k", "application/json", `{"type":"reminder_sent","record_key":"` + closed + `","date":"2026-03-18"}`, 422, CodeInvalidState, "record_key"},
		{"national without receipt", "k", "application/json", `{"type":"national_repair_done","record_key":"` + approved + `","date":"2026-03-18"}`, 422, CodeInvalidAction, "receipt"},
		{"national under review", "k", "application/json", `{"type":"national_repair_done","record_key":"` + underReview + `","date":"2026-03-18","receipt":"XYXF2026031800001"}`, 422, CodeInvalidState, "record_key"},
		{"national twice", "k", "application/json", `{"type":"national_repair_done","record_key":"` + national + `","date":"2026-03-18","receipt":"XYXF2026031800001"}`, 422, CodeInvalidState, "record_key"},
		{"withdrawal without website", "k", "application/json", `{"type":"withdrawal_requested","record_key":"` + national + `","note":"x"}`, 422, CodeInvalidAction, "website"},
		{"withdrawal with a date", "k", "application/json", `{"type":"withdrawal_requested","record_key":"` + national + `","website":"某信用网","date":"2026-03-18"}`, 422, CodeInvalidAction, "date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, b, _ := post(t, srv, tt.key, tt.contentType, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, b)
			}
			e := decodeActionError(t, b)
			if e.Code != tt.code || e.Field != tt.field {
				t.Errorf("code %q field %q, want %q %q: %s", e.Code, e.Field, tt.code, tt.field, e.Message)
			}
		})
	}
	// Refused requests are not stored: the key is still free.
	if n := len(s.Actions()); n != 0 {
		t.Fatalf("%d actions stored after refusals", n)
	}
	if status, b, _ := postJSON(t, srv, "k", signoff); status != http.StatusCreated {
		t.Errorf("key after refusals: %d %s", status, b)
	}
}

func TestActionRoutes(t *testing.T) {
	s := New(Options{Seed: 1, Records: 100, Today: testToday, Token: "t0ken", Now: newClock().Now})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	status, b, resp := get(t, srv, api.ActionsPath, "t0ken")
	if status != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != http.MethodPost || decodeActionError(t, b).Code != CodeMethod {
		t.Errorf("GET actions: %d %s Allow=%q", status, b, resp.Header.Get("Allow"))
	}
	status, b, resp = postJSON(t, srv, "k", signoff)
	if status != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" || decodeActionError(t, b).Code != CodeUnauthorized {
		t.Errorf("POST without token: %d %s", status, b)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+api.ActionsPath, strings.NewReader(signoff))
	req.Header.Set("Authorization", "Bearer t0ken")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(api.IdempotencyKeyHeader, "k")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("POST with token: %d", resp.StatusCode)
	}
	// Feeds are still read-only.
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/v1/feeds/penalty", nil)
	if resp, err := srv.Client().Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != http.MethodGet {
		t.Errorf("POST to a feed: %v %v", resp, err)
	}
}

// TestActionsShowInRepairFeed checks that reminder_sent and
// national_repair_done change the repair item, which the next incremental
// page serves.
func TestActionsShowInRepairFeed(t *testing.T) {
	s, srv, _ := newTestSim(t, 1, 3000)
	_, cursor := walk(t, srv, credit.FeedRepair, "", 500)
	approved := pickPenalty(t, s, approvedNotNational)
	fresh := pickPenalty(t, s, func(x *rec, rp *credit.Repair) bool {
		e, ok := repairable(x)
		return ok && rp == nil && !e.After(testToday)
	})

	for i, body := range []string{
		`{"type":"national_repair_done","record_key":"` + approved + `","date":"2026-03-18","receipt":"XYXF2026031800417"}`,
		`{"type":"reminder_sent","record_key":"` + fresh + `","date":"2026-03-17"}`,
		`{"type":"withdrawal_requested","record_key":"` + approved + `","website":"某第三方信用服务网站","note":"函告撤下"}`,
	} {
		if status, b, _ := postJSON(t, srv, fmt.Sprintf("feed-%d", i), body); status != http.StatusCreated {
			t.Fatalf("%s: %d %s", body, status, b)
		}
	}
	items, _ := walk(t, srv, credit.FeedRepair, cursor, 500)
	got := make(map[string]credit.Repair)
	for _, it := range items {
		var rp credit.Repair
		if err := json.Unmarshal(it.Data, &rp); err != nil {
			t.Fatal(err)
		}
		got[it.Key] = rp
	}
	if len(got) != 2 {
		t.Errorf("%d changed repairs, want 2: %v", len(got), got)
	}
	if rp := got[approved]; rp.NationalDone != testToday || rp.NationalReceipt != "XYXF2026031800417" || rp.Outcome != credit.OutcomeApproved {
		t.Errorf("national repair: %+v", rp)
	}
	if rp := got[fresh]; rp.ReminderSent != testToday.AddDays(-1) || !rp.Applied.IsZero() {
		t.Errorf("reminder: %+v", rp)
	}
	// A second national repair of the same penalty is refused.
	status, b, _ := postJSON(t, srv, "again", `{"type":"national_repair_done","record_key":"`+approved+`","date":"2026-03-18","receipt":"XYXF2026031800418"}`)
	if status != http.StatusUnprocessableEntity || decodeActionError(t, b).Code != CodeInvalidState {
		t.Errorf("second national repair: %d %s", status, b)
	}
}

// obligations_fulfilled (a minor penalty's obligations, Order No. 36) sets
// the repair item's fulfilled day, once; an unrepairable penalty refuses it.
func TestActionObligationsFulfilled(t *testing.T) {
	s, srv, _ := newTestSim(t, 1, 3000)
	_, cursor := walk(t, srv, credit.FeedRepair, "", 500)
	fresh := pickPenalty(t, s, func(x *rec, rp *credit.Repair) bool { return rp == nil && ruleRepairable(x) })
	closed := pickPenalty(t, s, func(x *rec, rp *credit.Repair) bool { return !ruleRepairable(x) })
	body := `{"type":"obligations_fulfilled","record_key":"` + fresh + `","date":"2026-03-17"}`
	if status, b, _ := postJSON(t, srv, "ful-1", body); status != http.StatusCreated {
		t.Fatalf("%s: %d %s", body, status, b)
	}
	items, _ := walk(t, srv, credit.FeedRepair, cursor, 500)
	if len(items) != 1 || items[0].Key != fresh {
		t.Fatalf("changed repairs %v, want %s only", items, fresh)
	}
	var rp credit.Repair
	if err := json.Unmarshal(items[0].Data, &rp); err != nil || rp.Fulfilled != testToday.AddDays(-1) || !rp.Applied.IsZero() {
		t.Errorf("repair %+v (%v)", rp, err)
	}
	for name, tc := range map[string]struct{ key, body, field string }{
		"again":        {"ful-2", `{"type":"obligations_fulfilled","record_key":"` + fresh + `","date":"2026-03-18"}`, "record_key"},
		"unrepairable": {"ful-3", `{"type":"obligations_fulfilled","record_key":"` + closed + `","date":"2026-03-18"}`, "record_key"},
	} {
		status, b, _ := postJSON(t, srv, tc.key, tc.body)
		if e := decodeActionError(t, b); status != http.StatusUnprocessableEntity || e.Code != CodeInvalidState || e.Field != tc.field {
			t.Errorf("%s: %d %s", name, status, b)
		}
	}
	if status, b, _ := postJSON(t, srv, "ful-4", `{"type":"obligations_fulfilled","record_key":"`+fresh+`"}`); status != http.StatusUnprocessableEntity ||
		decodeActionError(t, b).Field != "date" {
		t.Errorf("without a date: %d %s", status, b)
	}
}

// TestActionsConcurrentSameKey sends one action many times at once while
// the simulation ticks: exactly one is created, every other answer repeats it.
func TestActionsConcurrentSameKey(t *testing.T) {
	s, srv, _ := newTestSim(t, 1, 3000)
	approved := pickPenalty(t, s, approvedNotNational)
	body := `{"type":"national_repair_done","record_key":"` + approved + `","date":"2026-03-18","receipt":"XYXF2026031800417"}`
	const n = 16
	statuses := make([]int, n)
	bodies := make([][]byte, n)
	var wg gosync.WaitGroup
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				s.Step()
			}
		}
	}()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], bodies[i], _ = postJSON(t, srv, "same", body)
		}()
	}
	wg.Wait()
	close(stop)
	created := 0
	for i := range n {
		switch {
		case statuses[i] == http.StatusCreated:
			created++
		case statuses[i] == http.StatusUnprocessableEntity:
			// The tick withdrew the record before the first request; then
			// every request is refused alike.
		case statuses[i] != http.StatusOK:
			t.Errorf("request %d: %d %s", i, statuses[i], bodies[i])
		}
		if statuses[i] != http.StatusUnprocessableEntity && !bytes.Equal(bodies[i], bodies[0]) {
			t.Errorf("request %d answered %s, request 0 %s", i, bodies[i], bodies[0])
		}
	}
	if created > 1 || len(s.Actions()) != created {
		t.Errorf("%d created, %d stored; want at most one", created, len(s.Actions()))
	}
}
