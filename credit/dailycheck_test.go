package credit

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestDailyCheck(t *testing.T) {
	r := DefaultRules()
	today := MustDate("2026-11-30") // Monday; last working day Friday 11-27
	since, err := r.LastWorkingDayStart(today)
	if err != nil || DateOf(since) != MustDate("2026-11-27") {
		t.Fatalf("since = %v, %v", since, err)
	}
	fresh := time.Date(2026, 11, 30, 8, 0, 0, 0, ChinaZone)
	data := &CheckData{
		Received: map[string]map[Kind]int{"320412": {Penalty: 3, Licence: 1}, "320411": {Penalty: 9}},
		Cached:   map[string]map[Kind]int{"320412": {Penalty: 10}, "320411": {Penalty: 5}},
		Sharing: []SharingEntry{
			{Dept: "320412", Kind: Penalty, Received: 8, Rejected: 1, LastPush: fresh},                             // 1 missing, 1 rejected
			{Dept: "320411", Kind: Penalty, Received: 5, LastPush: time.Date(2026, 11, 26, 8, 0, 0, 0, ChinaZone)}, // stale
		},
		Undisclosed: []RecordRef{
			{Key: "penalty/a", Dept: "320412", Decided: MustDate("2026-11-18")}, // due 11-27: overdue
			{Key: "penalty/b", Dept: "320412", Decided: MustDate("2026-11-20")}, // due 12-01: not yet
			{Key: "penalty/c", Dept: "320411", Decided: MustDate("2026-10-01")},
		},
		LateDisclosed: []RecordRef{
			{Key: "penalty/d", Dept: "320412", Decided: MustDate("2026-11-05"), Disclosed: MustDate("2026-11-27")}, // late
			{Key: "penalty/e", Dept: "320412", Decided: MustDate("2026-11-25"), Disclosed: MustDate("2026-11-27")}, // on time
		},
		Quality: []RecordRef{{Key: "penalty/f", Dept: "320412", Issues: []string{IssueUSCCCheck}}},
		Repairs: []RepairRef{
			{Dept: "320412", Repair: Repair{RecordKey: "penalty/g", Applied: MustDate("2026-10-08")}}, // review overdue
			{Dept: "320412", Repair: Repair{RecordKey: "penalty/h", Applied: MustDate("2026-11-27")}},
		},
		Endpoints: []EndpointStatus{{Name: "zf", LastSuccess: fresh}, {Name: "ywtb", LastError: "HTTP 503"}},
	}
	c, err := r.DailyCheck(data, []string{"320412"}, today)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		status CheckStatus
		count  int
		keys   int
	}{
		CheckReceived:       {CheckPass, 4, 0},
		CheckPushStale:      {CheckPass, 0, 0},
		CheckSharingMissing: {CheckFail, 1, 0},
		CheckRejected:       {CheckFail, 1, 0},
		CheckOverdue:        {CheckFail, 1, 1},
		CheckLate:           {CheckWarn, 1, 1},
		CheckQuality:        {CheckFail, 1, 1},
		CheckStuck:          {CheckFail, 1, 1},
		CheckEndpoints:      {CheckFail, 1, 0},
		CheckThreeInStepID:  {CheckPass, 0, 0},
	}
	if len(c.Items) != len(want) {
		t.Fatalf("%d items, want %d", len(c.Items), len(want))
	}
	for _, it := range c.Items {
		w := want[it.ID]
		if it.Status != w.status || it.Count != w.count || len(it.Keys) != w.keys {
			t.Errorf("%s: status %s count %d keys %v; want %s %d %d keys", it.ID, it.Status, it.Count, it.Keys, w.status, w.count, w.keys)
		}
	}
	if c.Failed != 6 || c.Pass() {
		t.Errorf("failed = %d", c.Failed)
	}
	// All departments: the stale push of 320411 and its overdue record count too.
	all, _ := r.DailyCheck(data, nil, today)
	for _, it := range all.Items {
		if it.ID == CheckPushStale && it.Count != 1 {
			t.Errorf("push-stale over all departments = %d, want 1", it.Count)
		}
		if it.ID == CheckOverdue && it.Count != 2 {
			t.Errorf("overdue over all departments = %d, want 2", it.Count)
		}
	}
}

func TestDailyCheckOnHolidayAndUnknownYear(t *testing.T) {
	r := DefaultRules()
	c, err := r.DailyCheck(&CheckData{}, nil, MustDate("2026-10-01"))
	if err != nil || c.Working || c.Holiday != "国庆节" {
		t.Errorf("national day: %+v %v", c, err)
	}
	if _, err := r.DailyCheck(&CheckData{}, nil, MustDate("2031-03-03")); err == nil {
		t.Error("unknown year gave no error")
	}
}

func TestSignoffHistory(t *testing.T) {
	r := DefaultRules()
	s := map[Date]Signoff{MustDate("2026-09-30"): {Officer: "张三"}}
	h, err := r.SignoffHistory(MustDate("2026-10-09"), 3, s, 0) // 10-09 Fri working; 10-01..07 off; 09-30 Wed
	if err != nil {
		t.Fatal(err)
	}
	got := []string{h[0].Date.String(), h[1].Date.String(), h[2].Date.String()}
	want := []string{"2026-10-09", "2026-10-08", "2026-09-30"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("history = %v, want %v", got, want)
		}
	}
	if h[0].Signoff != nil || h[2].Signoff == nil || h[2].Signoff.Officer != "张三" {
		t.Errorf("sign-offs = %+v", h)
	}
	// On a Sunday the history starts at Friday.
	h, _ = r.SignoffHistory(MustDate("2026-11-29"), 1, nil, 0)
	if h[0].Date != MustDate("2026-11-27") {
		t.Errorf("sunday history starts %s", h[0].Date)
	}
	// Days before credwatch came into use were not missed: the history
	// stops there (today is always listed).
	start := SignoffStart(0, MustDate("2026-10-08"), nil)
	h, _ = r.SignoffHistory(MustDate("2026-10-09"), 30, nil, start)
	if len(h) != 2 || h[1].Date != MustDate("2026-10-08") {
		t.Errorf("history from 2026-10-08: %+v", h)
	}
	if h, _ = r.SignoffHistory(MustDate("2026-10-09"), 30, nil, MustDate("2026-12-05")); len(h) != 1 {
		t.Errorf("a pinned day before the cache's first use lists %d days, want today only", len(h))
	}
	// An earlier sign-off (an imported history) or a configured day move
	// the start back.
	if got := SignoffStart(0, MustDate("2026-10-08"), s); got != MustDate("2026-09-30") {
		t.Errorf("start with an earlier sign-off: %s", got)
	}
	if got := SignoffStart(MustDate("2026-01-05"), MustDate("2026-10-08"), s); got != MustDate("2026-01-05") {
		t.Errorf("configured start: %s", got)
	}
}

// KeepFailing keeps the stuck repairs and those the pipeline cannot place,
// and the check over what it keeps equals the check over every repair.
func TestKeepFailing(t *testing.T) {
	r := DefaultRules()
	today := MustDate("2026-11-30")
	repairs := []RepairRef{
		{Dept: "320412", Repair: Repair{RecordKey: "penalty/g", Applied: MustDate("2026-10-08")}}, // review overdue
		{Dept: "320412", Repair: Repair{RecordKey: "penalty/h", Applied: MustDate("2026-11-27")}}, // on time
		{Dept: "320411", Repair: Repair{RecordKey: "penalty/i", Applied: MustDate("2026-10-08"), Reviewed: MustDate("2026-10-20"), Outcome: "maybe"}},
		{Dept: "320411", Repair: Repair{RecordKey: "penalty/j", Applied: MustDate("2026-11-02"), Reviewed: MustDate("2026-11-10"), Outcome: OutcomeApproved}}, // cancellation due 11-24: stuck
		{Dept: "320411", Repair: Repair{RecordKey: "penalty/k", Applied: MustDate("2026-11-20"), Reviewed: MustDate("2026-11-27"), Outcome: OutcomeApproved}}, // due 12-11
	}
	kept := r.KeepFailing(slices.Clone(repairs), today)
	var keys []string
	for _, rr := range kept {
		keys = append(keys, rr.Repair.RecordKey)
	}
	if _, err := r.Pipeline(&repairs[2].Repair, today); err == nil {
		t.Fatal("an unknown outcome should not place")
	}
	want := []string{"penalty/g", "penalty/i", "penalty/j"}
	if !slices.Equal(keys, want) {
		t.Errorf("kept %v, want %v", keys, want)
	}
	// Without the repair the rules cannot place, both checks give the same.
	ok := []RepairRef{repairs[0], repairs[1], repairs[3], repairs[4]}
	full, err1 := r.DailyCheck(&CheckData{Repairs: ok}, nil, today)
	part, err2 := r.DailyCheck(&CheckData{Repairs: r.KeepFailing(ok, today)}, nil, today)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(full, part) {
		t.Errorf("check over every repair %+v (%v)\nover the kept ones %+v (%v)", full, err1, part, err2)
	}
	// The one the rules cannot place still fails the check.
	if _, err := r.DailyCheck(&CheckData{Repairs: r.KeepFailing(repairs, today)}, nil, today); err == nil {
		t.Error("the unplaceable repair was dropped")
	}
}

// Issue 16 item 6: 三同步 is a line of the daily check of its own, with its
// records for the drill-down; it is not counted as a data-quality error.
func TestDailyCheckThreeInStep(t *testing.T) {
	r := DefaultRules()
	today := MustDate("2026-11-30") // Monday; last working day Friday 11-27
	data := &CheckData{Quality: []RecordRef{
		{Key: "penalty/new", Dept: "320412", Decided: MustDate("2026-11-27"), Issues: []string{IssueThreeInStep}},
		{Key: "penalty/today", Dept: "320412", Decided: MustDate("2026-11-30"), Issues: []string{IssueThreeInStep}},
		{Key: "penalty/old", Dept: "320412", Decided: MustDate("2026-10-12"), Issues: []string{IssueThreeInStep, IssueUSCCCheck}},
		{Key: "penalty/q", Dept: "320412", Decided: MustDate("2026-11-02"), Issues: []string{IssueMissingFacts}},
		{Key: "penalty/other", Dept: "320411", Decided: MustDate("2026-11-27"), Issues: []string{IssueThreeInStep}},
	}}
	c, err := r.DailyCheck(data, []string{"320412"}, today)
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]CheckItem{}
	for _, it := range c.Items {
		items[it.ID] = it
	}
	tis := items[CheckThreeInStepID]
	if tis.Status != CheckFail || tis.Count != 3 || !slices.Equal(tis.Keys, []string{"penalty/new", "penalty/today", "penalty/old"}) {
		t.Errorf("three-in-step = %+v", tis)
	}
	if want := text("check.three-in-step", 3, 2); !reflect.DeepEqual(tis.Text, want) { // 2 decided since the last working day
		t.Errorf("text %+v, want %+v", tis.Text, want)
	}
	if q := items[CheckQuality]; q.Count != 2 || !slices.Equal(q.Keys, []string{"penalty/old", "penalty/q"}) {
		t.Errorf("quality = %+v, want old and q only", q)
	}
}
