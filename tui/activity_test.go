package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/czyj/credwatch/credit"
)

// activityEvents are a morning's events, newest first, as the store
// returns them: passes, a failure, a refusal, and actions of the officer
// (王五) and of a colleague.
func activityEvents() []credit.Event {
	at := func(hm string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04:05", "2026-11-30 "+hm, credit.ChinaZone)
		return t
	}
	return []credit.Event{
		{Seq: 9, At: at("09:29:10"), Type: credit.EventDone, Endpoint: "law-enforcement"},
		{Seq: 8, At: at("09:29:02"), Type: credit.EventPage, Endpoint: "law-enforcement", Feed: "penalty", Items: 120, Bad: 2},
		{Seq: 7, At: at("09:21:40"), Type: credit.EventActionFailed, Actor: "王五", Message: "reminder_sent penalty/CF-2026-0801", Err: "409 该处罚已修复"},
		{Seq: 6, At: at("09:20:00"), Type: credit.EventActionSent, Actor: "李四", Message: "national_repair_done penalty/CF-2026-0702"},
		{Seq: 5, At: at("09:15:31"), Type: credit.EventAction, Actor: "王五", Message: "reminder_sent penalty/CF-2026-0715"},
		{Seq: 4, At: at("09:10:00"), Type: credit.EventError, Endpoint: "gov-service", Err: "connection refused", Retry: 30 * time.Second},
		{Seq: 3, At: at("09:02:00"), Type: credit.EventAction, Actor: "李四", Message: "signoff"},
		{Seq: 2, At: at("08:30:00"), Type: credit.EventResync, Endpoint: "credit-platform", Feed: "sharing"},
		{Seq: 1, At: at("08:00:05"), Type: credit.EventDone, Endpoint: "gov-service"},
	}
}

func activityDeps(t *testing.T, lang string) (Deps, *time.Time) {
	d := fixtureDeps(t, lang)
	d.Officer = "王五"
	since := new(time.Time)
	d.Activity = func(s time.Time) ([]credit.Event, error) {
		*since = s
		return activityEvents(), nil
	}
	return d, since
}

// TestActivityLog opens the log with L at 80x24: today's events newest
// first, a colleague's actions left out, failures and refusals counted.
func TestActivityLog(t *testing.T) {
	d, since := activityDeps(t, "zh")
	m := loaded(t, d, 80, 24)
	m = pressSaving(t, m, keyMsg("L"))
	if want := time.Date(2026, 11, 30, 0, 0, 0, 0, credit.ChinaZone); !since.Equal(want) {
		t.Errorf("read events since %v, want %v", since, want)
	}
	top := m.top()
	if top == nil || top.kind != viewActivity {
		t.Fatalf("L did not open the activity log")
	}
	if n := top.table.Len(); n != 7 {
		t.Errorf("%d rows, want 7 (李四's recorded and accepted actions left out)", n)
	}
	m = pressSaving(t, m, keyMsg("j"))
	golden.RequireEqual(t, []byte(m.View()))

	// Filtered with /, as a tab is.
	m = pressSaving(t, m, keyMsg("/"), runes("失败"), keyMsg("enter"))
	if n := m.activeTable().Len(); n != 1 {
		t.Errorf("filter 失败: %d rows, want 1", n)
	}
	// An event that arrives while it is open goes on top.
	m = update(t, m, eventMsg{ok: true, ev: credit.Event{Seq: 10, At: fxNow, Type: credit.EventError, Endpoint: "law-enforcement", Err: "timeout"}})
	if n := m.activeTable().Len(); n != 2 {
		t.Errorf("after a new failure: %d rows under the filter, want 2", n)
	}
	if !strings.Contains(m.summaryLine(), "同步失败 2") {
		t.Errorf("summary %q does not count the new failure", m.summaryLine())
	}
}

// TestActivityExport exports the log as its typed columns: the time as an
// instant, every event of the filter.
func TestActivityExport(t *testing.T) {
	d, _ := activityDeps(t, "zh")
	var got credit.Export
	d.Export = func(e credit.Export, format string) (string, error) { got = e; return "/tmp/x." + format, nil }
	m := loaded(t, d, 100, 30)
	m = pressSaving(t, m, keyMsg("L"), keyMsg("/"), runes("王五"), keyMsg("enter"))
	nm, cmd := m.Update(keyMsg("e"))
	m = nm.(Model)
	for _, msg := range execCmds(cmd) {
		m = update(t, m, msg)
	}
	if len(got.Tables) != 1 {
		t.Fatalf("export: %+v", got)
	}
	et := got.Tables[0]
	var keys []string
	for _, c := range et.Columns {
		keys = append(keys, c.Key)
	}
	if strings.Join(keys, ",") != "at,event,source,what" || et.Columns[0].Type != credit.CellTime {
		t.Errorf("columns %v", et.Columns)
	}
	if len(et.Rows) != 2 || et.Rows[0][0] != "2026-11-30T09:21:40+08:00" || et.Rows[1][2] != "王五" {
		t.Errorf("rows %v, want 王五's refusal and action, newest first", et.Rows)
	}
}

func TestActivityGoldenIsNarrow(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "TestActivityLog.golden"))
	if err != nil {
		t.Skip(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if w := ansiWidth(l); w > 80 {
			t.Errorf("line %d is %d cells wide", i+1, w)
		}
	}
}
