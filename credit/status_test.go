package credit

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// JudgeEndpoint is the one verdict every view shows; the order of its
// tests is its contract.
func TestJudgeEndpoint(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, ChinaZone)
	feeds := []string{"penalty", "repair"}
	done := map[string]time.Time{"penalty": now.Add(-time.Minute), "repair": now.Add(-time.Minute)}
	for _, tc := range []struct {
		name     string
		st       EndpointStatus
		interval time.Duration
		want     EndpointState
	}{
		{"nothing yet", EndpointStatus{}, time.Minute, StateNever},
		{"first sync half way", EndpointStatus{LastAttempt: now, Items: 3600}, time.Minute, StateIncomplete},
		{"first sync failing half way", EndpointStatus{LastAttempt: now, LastError: "HTTP 503"}, time.Minute, StateFailing},
		{"complete", EndpointStatus{LastSuccess: now.Add(-time.Minute), FeedsDone: done}, time.Minute, StateOK},
		{"a feed added", EndpointStatus{LastSuccess: now.Add(-time.Minute), FeedsDone: map[string]time.Time{"penalty": now}}, time.Minute, StateIncomplete},
		{"three intervals", EndpointStatus{LastSuccess: now.Add(-3 * time.Minute), FeedsDone: done}, time.Minute, StateOK},
		{"past three intervals", EndpointStatus{LastSuccess: now.Add(-3*time.Minute - time.Second), FeedsDone: done}, time.Minute, StateStale},
		{"interval unknown: never stale", EndpointStatus{LastSuccess: now.Add(-48 * time.Hour), FeedsDone: done}, 0, StateOK},
		{"failing wins over stale", EndpointStatus{LastSuccess: now.Add(-time.Hour), FeedsDone: done, LastError: "x"}, time.Minute, StateFailing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := JudgeEndpoint(tc.st, feeds, tc.interval, now); got != tc.want {
				t.Errorf("JudgeEndpoint = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestStalled(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, ChinaZone)
	for _, tc := range []struct {
		name            string
		lastWork, retry time.Time
		interval        time.Duration
		want            bool
	}{
		{"working", now.Add(-10 * time.Second), time.Time{}, 10 * time.Second, false},
		{"30 s is the least", now.Add(-29 * time.Second), time.Time{}, time.Second, false},
		{"silent for 31 s at 10 s", now.Add(-31 * time.Second), time.Time{}, 10 * time.Second, true},
		{"silent for 71 s at 4 s (the demo)", now.Add(-71 * time.Second), time.Time{}, 4 * time.Second, true},
		{"waiting for a Retry-After", now.Add(-time.Hour), now.Add(time.Minute), 10 * time.Second, false},
		{"nothing known", time.Time{}, time.Time{}, 10 * time.Second, false},
	} {
		if got := Stalled(tc.lastWork, tc.retry, tc.interval, now); got != tc.want {
			t.Errorf("%s: Stalled = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// An endpoint that has never completed a walk of every feed fails the
// daily check: the officer must not sign off a check on partial data
// without seeing it.
func TestDailyCheckFailsOnIncompleteSync(t *testing.T) {
	r := DefaultRules()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, ChinaZone)
	data := &CheckData{Endpoints: []EndpointStatus{
		{Name: "hub", Feeds: []string{"penalty", "repair"}, LastAttempt: now, Items: 3600},
		{Name: "ok", Feeds: []string{"sharing"}, LastSuccess: now, FeedsDone: map[string]time.Time{"sharing": now}, Interval: time.Minute},
		{Name: "stale", Feeds: []string{"sharing"}, LastSuccess: now.Add(-time.Hour), FeedsDone: map[string]time.Time{"sharing": now}, Interval: time.Minute},
	}, Now: now}
	c, err := r.DailyCheck(data, nil, MustDate("2026-11-30"))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range c.Items {
		if it.ID != CheckEndpoints {
			continue
		}
		// The incomplete one and the stale one: what the sync tab and status
		// count as not OK.
		if it.Status != CheckFail || it.Count != 2 || strings.Join(it.Names, ",") != "hub,stale" ||
			!reflect.DeepEqual(it.Text, text("check.endpoints-incomplete", 2, 1)) {
			t.Errorf("endpoint line %+v", it)
		}
		return
	}
	t.Fatal("no endpoint line")
}

// Issue 16 in the daily check: a minor penalty under Order No. 36 is in
// principle not disclosed, so it is never overdue; an application made
// before eligibility is a quality issue (and KeepFailing keeps its repair).
func TestDailyCheckMinorAndEarlyApplication(t *testing.T) {
	r := DefaultRules()
	today := MustDate("2026-11-30")
	minor := RecordRef{Key: "penalty/M1", Dept: "320412", Kind: Penalty, Decided: MustDate("2026-06-01"), Severity: Minor}
	general := RecordRef{Key: "penalty/G1", Dept: "320412", Kind: Penalty, Decided: MustDate("2026-06-01"), Severity: General}
	serious := PenaltySummary{ID: "S1", Dept: "320412", Decided: MustDate("2026-10-09"), Severity: Serious}
	early := RepairRef{Dept: "320412", Repair: Repair{RecordKey: "penalty/S1", Applied: MustDate("2026-11-02")}, Penalty: &serious}
	reviewed := early
	reviewed.Repair.RecordKey, reviewed.Repair.Reviewed, reviewed.Repair.Outcome = "penalty/S2", MustDate("2026-11-16"), OutcomeRejected
	data := &CheckData{Undisclosed: []RecordRef{minor, general}, Repairs: []RepairRef{early, reviewed}}
	c, err := r.DailyCheck(data, nil, today)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]CheckItem{}
	for _, it := range c.Items {
		byID[it.ID] = it
	}
	if it := byID[CheckOverdue]; it.Count != 1 || it.Keys[0] != "penalty/G1" {
		t.Errorf("overdue line %+v: want the general penalty only", it)
	}
	if it := byID[CheckQuality]; it.Count != 1 || it.Keys[0] != "penalty/S1" {
		t.Errorf("quality line %+v: want the application made before eligibility, still under review", it)
	}
	if kept := r.KeepFailing(data.Repairs, today); len(kept) != 1 {
		t.Errorf("KeepFailing dropped the early application: %+v", kept)
	}
}
