package tui

import (
	"strings"
	"testing"

	"github.com/czyj/credwatch/credit"
	credsync "github.com/czyj/credwatch/sync"
)

// TestWarningsOnEveryTab checks a configuration warning (TLS verification
// off) is on screen before the first snapshot and on every tab after it.
func TestWarningsOnEveryTab(t *testing.T) {
	d := fixtureDeps(t, "zh")
	d.Warnings = []string{"TLS verification is OFF for endpoint gov-service"}
	first := New(d)
	if !strings.Contains(first.View(), "TLS verification is OFF") {
		t.Errorf("warning missing before the first snapshot:\n%s", first.View())
	}
	m := loaded(t, d, 100, 30)
	for _, k := range []string{"1", "2", "3", "4", "5"} {
		m = keys(t, m, keyMsg(k))
		if v := m.View(); !strings.Contains(v, "! TLS verification is OFF for endpoint gov-service") {
			t.Errorf("tab %s: warning missing:\n%s", k, v)
		}
	}
}

func TestEventTextForOfficerActions(t *testing.T) {
	m := New(fixtureDeps(t, "zh"))
	at := fixtureDeps(t, "zh").Now()
	cases := []struct {
		ev   credsync.Event
		want string
	}{
		{credsync.Event{At: at, Type: credit.EventAction, Actor: "张三", Message: "signoff"}, "张三 记录操作 每日核查签核，待发送"},
		{credsync.Event{At: at, Type: credit.EventActionSent, Message: "reminder_sent penalty/1"}, "操作已送达：到期提醒已推送 penalty/1"}, // not cached: its key
		{credsync.Event{At: at, Type: credit.EventActionFailed, Message: "x", Err: "HTTP 422"}, "操作被拒绝：x（HTTP 422）"},
		{credsync.Event{At: at, Type: credsync.EventDone, Endpoint: "hub"}, "hub：同步完成"},
	}
	for _, c := range cases {
		if got := m.eventText(c.ev); !strings.Contains(got, c.want) {
			t.Errorf("eventText(%s) = %q, want it to contain %q", c.ev.Type, got, c.want)
		}
	}
}

// TestQuarantineDrillDown: enter on an endpoint of the sync tab lists its
// quarantined items with their reasons; esc goes back.
func TestQuarantineDrillDown(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	st.quarantine = []credit.Quarantined{
		{Endpoint: fixtureEndpoints()[0].Name, Feed: "penalty", Key: "penalty/BAD-1", Reason: "decode record: invalid date \"2026-02-30\"", Raw: "{...}"},
		{Endpoint: "other", Feed: "licence", Key: "licence/X", Reason: "record has no department"},
	}
	m := loadedStore(t, dp, 100, 30)
	m = keys(t, m, keyMsg("3"))
	m, cmd := press(t, m, keyMsg("enter"))
	m = run(t, m, cmd)
	v := m.View()
	if !strings.Contains(v, "异常数据") || !strings.Contains(v, "penalty/BAD-1") || !strings.Contains(v, "2026-02-30") {
		t.Fatalf("quarantine view:\n%s", v)
	}
	if strings.Contains(v, "licence/X") {
		t.Errorf("another endpoint's item is listed:\n%s", v)
	}
	m = keys(t, m, keyMsg("esc"))
	if m.top() != nil {
		t.Error("esc did not close the quarantine view")
	}
}
