package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

// The footer's line for an officer's action (recorded, accepted, refused)
// names the action and the record in words, the enterprise and the
// document number, never the action's code or the record's key.
func TestActionEventsInWords(t *testing.T) {
	at := fxNow.Add(-time.Minute)
	cases := []struct {
		lang string
		ev   credit.Event
		want string
	}{
		{"zh", credit.Event{At: at, Type: credit.EventActionSent, Message: "reminder_sent penalty/ZL-2026-0520"},
			"09:29:00 操作已送达：到期提醒已推送 钟楼区新城建材有限公司 钟应急罚〔2026〕52号"},
		{"zh", credit.Event{At: at, Type: credit.EventAction, Actor: "张三", Message: "national_repair_done penalty/ZL-2026-0520"},
			"09:29:00 张三 记录操作 国家企业信用信息公示系统修复完成 钟楼区新城建材有限公司 钟应急罚〔2026〕52号，待发送"},
		{"zh", credit.Event{At: at, Type: credit.EventActionFailed, Message: "obligations_fulfilled penalty/ZL-2026-0520", Err: "422 validation"},
			"09:29:00 操作被拒绝：法定责任履行完毕 钟楼区新城建材有限公司 钟应急罚〔2026〕52号（422 validation）"},
		{"zh", credit.Event{At: at, Type: credit.EventActionSent, Message: "signoff "}, "09:29:00 操作已送达：每日核查签核"},
		{"en", credit.Event{At: at, Type: credit.EventActionSent, Message: "withdrawal_requested penalty/ZL-2026-0520"},
			"09:29:00 action accepted: withdrawal requested 钟楼区新城建材有限公司 钟应急罚〔2026〕52号"},
		// A record not cached is named by its key; a message of another
		// shape is shown as it is.
		{"zh", credit.Event{At: at, Type: credit.EventActionSent, Message: "reminder_sent penalty/GONE-1"}, "操作已送达：到期提醒已推送 penalty/GONE-1"},
		{"zh", credit.Event{At: at, Type: credit.EventActionSent, Message: "something else"}, "操作已送达：something else"},
		{"zh", credit.Event{At: at, Type: credit.EventResyncDone, Endpoint: "武进区", Feed: "penalty", Items: 3},
			"09:29:00 武进区：行政处罚重新获取完成，移除 3 条不再提供的记录"},
		{"en", credit.Event{At: at, Type: credit.EventResyncDone, Endpoint: "wj", Feed: "penalty", Items: 1},
			"1 record no longer served was removed"},
		{"en", credit.Event{At: at, Type: credit.EventError, Endpoint: "wj", Err: "timeout", Retry: 90 * time.Second},
			"sync failed: timeout; retry in 2 minutes"},
	}
	for _, c := range cases {
		m := loaded(t, fixtureDeps(t, c.lang), 200, 30)
		m.d.Events = make(chan credit.Event)
		m = update(t, m, eventMsg{ev: c.ev, ok: true})
		if !strings.Contains(m.lastEvent, c.want) {
			t.Errorf("%s %s %q:\n got %q\nwant %q", c.lang, c.ev.Type, c.ev.Message, m.lastEvent, c.want)
		}
		if !strings.Contains(m.View(), c.want) {
			t.Errorf("%s %s: not on screen:\n%s", c.lang, c.ev.Type, m.View())
		}
	}
}

// The outbox lists its history and filters it as the tabs do: a filter
// that matches nothing says so, not that the outbox is empty.
func TestOutboxFilter(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	m := loadedStore(t, dp, 100, 30)
	m = keys(t, m, runes("o"), runes("/"), typeText("钟应急罚"), keyMsg("enter"))
	v := m.View()
	if !strings.Contains(v, "国家系统修复") || !strings.Contains(v, "到期提醒") || strings.Contains(v, "签核     2026") {
		t.Errorf("filter 钟应急罚:\n%s", v)
	}
	m = keys(t, m, runes("/"), typeText("没有这一行"), keyMsg("enter"))
	if v := m.View(); !strings.Contains(v, "（没有符合筛选的行）") {
		t.Errorf("filter with no match:\n%s", v)
	}
}

// English counts of 1 take the singular (key.one), of 2 the plural.
func TestEnglishSingulars(t *testing.T) {
	c := newCatalog("en")
	cases := []struct {
		key      string
		args     []any
		one, two string
	}{
		{"det.wd", []any{1}, "1 working day", "2 working days"},
		{"det.indays", []any{1}, "(in 1 day)", "(in 2 days)"},
		{"sync.epdetail", []any{1, "hub", "now", "now"}, "hub: attempt now, success now, 1 item", "2 items"},
		{"rep.sum", []any{1, 30, 0, 0, 0, 0, 0, 0}, "1 penalty ", "2 penalties "},
		{"sync.sum", []any{1, 0, 0, "/c"}, "1 endpoint,", "2 endpoints,"},
		{"chk.openrecs", []any{1}, "the 1 record", "these 2 records"},
		{"ob.tries", []any{1}, ", 1 try", ", 2 tries"},
		{"wait.min", []any{1}, "1 minute", "2 minutes"},
		{"uscc.length", []any{1}, "has 1 character,", "has 2 characters,"},
	}
	for _, tc := range cases {
		if got := c.f(tc.key, tc.args...); !strings.Contains(got, tc.one) {
			t.Errorf("%s with 1: %q, want %q", tc.key, got, tc.one)
		}
		two := append([]any{2}, tc.args[1:]...)
		if got := c.f(tc.key, two...); !strings.Contains(got, tc.two) {
			t.Errorf("%s with 2: %q, want %q", tc.key, got, tc.two)
		}
	}
}
