package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"golang.org/x/text/width"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/credit/credittest"
	credsync "github.com/czyj/credwatch/sync"
)

func TestStaleSnapshotDropped(t *testing.T) {
	d := fixtureDeps(t, "zh")
	m := loaded(t, d, 100, 30) // seq 1 applied
	first := m.snap

	// An event after the cooldown starts load 2.
	m = update(t, m, cooldownMsg{})
	ch := make(chan credsync.Event, 1)
	m.d.Events = ch
	m = update(t, m, eventMsg{ev: credsync.Event{Endpoint: "law-enforcement", Type: credsync.EventPage, Items: 3}, ok: true})
	if m.seq != 2 || !m.loading {
		t.Fatalf("seq %d loading %v, want load 2 in flight", m.seq, m.loading)
	}

	// A late reply to load 1 is stale and must not replace anything.
	stale := &credit.Snapshot{}
	m = update(t, m, snapshotMsg{seq: 1, snap: stale})
	if m.snap != first || !m.loading {
		t.Fatal("stale reply was applied")
	}
	fresh := fixtureSnapshot()
	fresh.Quarantine = 9
	m = update(t, m, snapshotMsg{seq: 2, snap: fresh})
	if m.snap != fresh || m.loading {
		t.Fatal("current reply was not applied")
	}
	if !strings.Contains(m.view.syncSum, "异常数据 9 条") {
		t.Errorf("rows not rebuilt: %q", m.view.syncSum)
	}
}

func TestReloadsCoalesce(t *testing.T) {
	d := fixtureDeps(t, "zh")
	ch := make(chan credsync.Event, 8)
	d.Events = ch
	m := New(d) // load 1 in flight
	ev := eventMsg{ev: credsync.Event{Endpoint: "gov-service", Type: credsync.EventPage, Items: 5}, ok: true}
	for range 5 {
		m = update(t, m, ev)
	}
	if m.seq != 1 || !m.dirty {
		t.Fatalf("events during a load must not start loads: seq %d dirty %v", m.seq, m.dirty)
	}
	m = update(t, m, snapshotMsg{seq: 1, snap: fixtureSnapshot()})
	if m.seq != 1 || !m.cooling {
		t.Fatalf("no cooldown after the load: seq %d cooling %v", m.seq, m.cooling)
	}
	m = update(t, m, ev) // still cooling
	if m.seq != 1 {
		t.Fatal("load started during the cooldown")
	}
	nm, cmd := m.Update(cooldownMsg{})
	m = nm.(Model)
	if m.seq != 2 || !m.loading || m.dirty || cmd == nil {
		t.Fatalf("after cooldown: seq %d loading %v dirty %v", m.seq, m.loading, m.dirty)
	}
	msg, ok := cmd().(snapshotMsg)
	if !ok || msg.seq != 2 || msg.built == nil {
		t.Fatalf("cooldown command returned %#v, want snapshot load 2 with rows built", msg)
	}
	m = update(t, m, msg)
	if len(m.repair.Rows()) != msg.snap.Penalties.Len() {
		t.Errorf("rows built in the command not applied: %d repair rows", len(m.repair.Rows()))
	}
	if !strings.Contains(m.lastEvent, "gov-service") {
		t.Errorf("last event %q", m.lastEvent)
	}
}

func TestEventTextAndSyncState(t *testing.T) {
	m := loaded(t, fixtureDeps(t, "zh"), 100, 30)
	at := fxNow.Add(-time.Minute)
	m.d.Events = make(chan credsync.Event)
	m = update(t, m, eventMsg{ev: credsync.Event{At: at, Endpoint: "武进区", Feed: "penalty", Type: credsync.EventPage, Items: 12}, ok: true})
	view := m.View()
	for _, want := range []string{"09:29:00 武进区 行政处罚：收到 12 条", "* 同步中"} {
		if !strings.Contains(view, want) {
			t.Errorf("missing %q:\n%s", want, view)
		}
	}
	m = update(t, m, eventMsg{ev: credsync.Event{At: at, Endpoint: "武进区", Type: credsync.EventError, Err: "timeout", Retry: 30 * time.Second}, ok: true})
	if !strings.Contains(m.View(), "同步失败 timeout，30 秒后重试") || strings.Contains(m.View(), "同步中") {
		t.Errorf("error event:\n%s", m.View())
	}
	m = update(t, m, eventMsg{ok: false})
	if !strings.Contains(m.View(), "同步引擎已停止") {
		t.Errorf("closed channel not reported:\n%s", m.View())
	}
}

func TestSnapshotErrorKeepsData(t *testing.T) {
	m := loaded(t, fixtureDeps(t, "zh"), 100, 30)
	m = update(t, m, cooldownMsg{})
	m.seq++ // a load was issued
	m = update(t, m, snapshotMsg{seq: m.seq, err: errors.New("open cache /x.db: timeout")})
	view := m.View()
	if !strings.Contains(view, "读取缓存失败") || !strings.Contains(view, "open cache /x.db: timeout") {
		t.Errorf("error not in footer:\n%s", view)
	}
	if !strings.Contains(view, "监察支队") {
		t.Errorf("data hidden by the error:\n%s", view)
	}
}

func TestCursorKeptAcrossReload(t *testing.T) {
	m := loaded(t, fixtureDeps(t, "zh"), 100, 30)
	m = keys(t, m, runes("4"), runes("j"), runes("j"))
	r, _ := m.repair.Selected()
	// A new snapshot with one more penalty eligible earliest: the cursor
	// must stay on the same penalty, now one row further down.
	s := fixtureSnapshot()
	s.Penalties = credittest.Penalties(append(s.Penalties.All(), penaltySum("OLD-1", "320412", "早期企业", "9132041299988870", "武应急罚〔2025〕1号", "2025-01-06", "2025-01-08", credit.General))...)
	m = update(t, m, cooldownMsg{})
	m.seq++
	m = update(t, m, snapshotMsg{seq: m.seq, snap: s})
	if got, _ := m.repair.Selected(); got.Key != r.Key || m.repair.Cursor() != 3 {
		t.Errorf("cursor on %s at %d, want %s at 3", got.Key, m.repair.Cursor(), r.Key)
	}
}

func TestTickRefreshesAges(t *testing.T) {
	d := fixtureDeps(t, "zh")
	now := fxNow
	d.Now = func() time.Time { return now }
	m := loaded(t, d, 100, 30)
	if !strings.Contains(m.View(), "5小时前") {
		t.Fatalf("fixture age missing:\n%s", m.View())
	}
	now = now.Add(2 * time.Hour)
	// The rows are recomputed off the UI thread, by a reload after the
	// cooldown of the last one.
	m = update(t, m, tickMsg{})
	nm, cmd := m.Update(cooldownMsg{})
	m = run(t, nm.(Model), cmd)
	if !strings.Contains(m.View(), "7小时前") {
		t.Errorf("age not refreshed:\n%s", m.View())
	}
	// Past midnight, today moves on with the clock.
	now = time.Date(2026, 12, 1, 0, 5, 0, 0, credit.ChinaZone)
	m = update(t, m, tickMsg{})
	if !strings.Contains(m.View(), "2026-12-01 周二") {
		t.Errorf("today did not advance:\n%s", m.View())
	}
}

func TestKeys(t *testing.T) {
	synced := 0
	d := fixtureDeps(t, "zh")
	d.SyncNow = func() error { synced++; return nil }
	m := loaded(t, d, 100, 30)
	for _, c := range []struct {
		key  string
		want tabID
	}{{"tab", tabSync}, {"tab", tabRepair}, {"shift+tab", tabSync}, {"5", tabQueue}, {"tab", tabCheck}, {"shift+tab", tabQueue}, {"2", tabSharing}} {
		m = update(t, m, keyMsg(c.key))
		if m.tab != c.want {
			t.Fatalf("after %s: tab %d, want %d", c.key, m.tab, c.want)
		}
	}
	m = keys(t, m, keyMsg("end"))
	if !m.sharing.AtBottom() {
		t.Error("end did not reach the bottom")
	}
	m = keys(t, m, keyMsg("home"), keyMsg("down"), runes("j"), keyMsg("up"))
	if m.sharing.Cursor() != 1 {
		t.Errorf("cursor %d, want 1", m.sharing.Cursor())
	}

	nm, cmd := m.Update(runes("r"))
	m = nm.(Model)
	if cmd == nil {
		t.Fatal("r returned no command")
	}
	cmd()
	if synced != 1 || !strings.Contains(m.View(), "已请求立即同步") {
		t.Errorf("sync now: called %d times\n%s", synced, m.View())
	}

	m = update(t, m, runes("?"))
	if !strings.Contains(m.View(), "收起帮助") || !strings.Contains(m.View(), "下翻") {
		t.Errorf("full help not shown:\n%s", m.View())
	}
	if _, cmd := m.Update(runes("q")); cmd == nil || cmd() != tea.Quit() {
		t.Error("q does not quit")
	}
	if _, cmd := m.Update(keyMsg("ctrl+c")); cmd == nil || cmd() != tea.Quit() {
		t.Error("ctrl+c does not quit")
	}

	// Without an engine, r is disabled and not offered in the help.
	d.SyncNow = nil
	m = loaded(t, d, 100, 30)
	if _, cmd := m.Update(runes("r")); cmd != nil {
		t.Error("r acts without an engine")
	}
	if strings.Contains(m.View(), "立即同步") {
		t.Errorf("help offers sync without an engine:\n%s", m.View())
	}
}

func TestSyncTabMovesAcrossTables(t *testing.T) {
	m := loaded(t, fixtureDeps(t, "zh"), 100, 30)
	m = keys(t, m, runes("3"), runes("j"), runes("j"))
	if m.sync.focus != 0 || m.sync.endpoints.Cursor() != 2 {
		t.Fatalf("focus %d cursor %d", m.sync.focus, m.sync.endpoints.Cursor())
	}
	m = keys(t, m, runes("j"))
	if m.sync.focus != 1 || m.sync.depts.Cursor() != 0 || m.sync.endpoints.Focused() {
		t.Fatalf("down from the last endpoint: focus %d dept cursor %d", m.sync.focus, m.sync.depts.Cursor())
	}
	if !strings.Contains(m.View(), "市局政策法规处") {
		t.Errorf("detail of the department row missing:\n%s", m.View())
	}
	m = keys(t, m, runes("k"))
	if m.sync.focus != 0 || m.sync.endpoints.Cursor() != 2 {
		t.Errorf("up from the first department: focus %d cursor %d", m.sync.focus, m.sync.endpoints.Cursor())
	}
	m = keys(t, m, runes("G"))
	if m.sync.focus != 1 || !m.sync.depts.AtBottom() {
		t.Error("G did not reach the last department")
	}
	m = keys(t, m, runes("g"))
	if m.sync.focus != 0 || m.sync.endpoints.Cursor() != 0 {
		t.Error("g did not return to the first endpoint")
	}
}

func TestEnglish(t *testing.T) {
	m := loaded(t, fixtureDeps(t, "en"), 100, 30)
	views := tabViews(t, m)
	all := strings.Join(views, "\n")
	for _, want := range []string{
		"1 Daily check", "[2 Sharing list]", "3 Sync status", "4 Credit repair", "5 After approval",
		"2026-11-30 Mon", "working day", "failing endpoints: 1", "DEMO DATA", "data as of 09:20",
		"行政处罚", "行政监督检查", "5h ago", "Overdue", // domain terms stay Chinese
		"! failing", "- not synced", "Enterprise", "not repairable", "awaiting cancellation", "! overdue", "+ on time", "quit",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("English views lack %q", want)
		}
	}
	for _, unwanted := range []string{"数据共享清单", "最近推送", "工作日 ", "退出", "不可修复", "待注销", "到期提醒"} {
		if strings.Contains(all, unwanted) {
			t.Errorf("English views contain %q", unwanted)
		}
	}
}

// tabViews renders each tab.
func tabViews(t *testing.T, m Model) []string {
	t.Helper()
	var out []string
	for _, k := range []string{"1", "2", "3", "4", "5"} {
		m = update(t, m, runes(k))
		out = append(out, m.View())
	}
	return out
}

// ambiguous reports the first East-Asian-ambiguous (or otherwise
// width-varying) rune in s.
func ambiguous(s string) (rune, bool) {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			continue
		}
		if width.LookupRune(r).Kind() == width.EastAsianAmbiguous {
			return r, true
		}
	}
	return 0, false
}

func TestNothingAmbiguousIsDrawn(t *testing.T) {
	// The messages themselves: tui/i18n's TestMessagesHaveNoAmbiguousWidth.
	for _, s := range []string{symOK, symBad, symSyncing, symNone, truncTail, "> "} {
		if r, bad := ambiguous(s); bad {
			t.Errorf("symbol %q is ambiguous (U+%04X)", s, r)
		}
	}
	for _, lang := range []string{"zh", "en"} {
		for _, size := range [][2]int{{80, 24}, {100, 30}, {160, 40}} {
			m := loaded(t, fixtureDeps(t, lang), size[0], size[1])
			m = update(t, m, runes("?"))
			for i, v := range tabViews(t, m) {
				if r, bad := ambiguous(v); bad {
					t.Errorf("%s %dx%d tab %d draws ambiguous %q (U+%04X)", lang, size[0], size[1], i+1, r, r)
				}
				lines := strings.Split(v, "\n")
				if len(lines) > size[1] {
					t.Errorf("%s %dx%d tab %d: %d lines", lang, size[0], size[1], i+1, len(lines))
				}
				for _, l := range lines {
					if ansi.StringWidth(l) > size[0] {
						t.Errorf("%s %dx%d tab %d: line wider than the screen: %q", lang, size[0], size[1], i+1, l)
					}
				}
			}
		}
	}
}

func TestNoSnapshotFunc(t *testing.T) {
	d := fixtureDeps(t, "zh")
	d.Snapshot = nil
	d.Events, d.SyncNow = nil, nil
	m := New(d)
	if m.Init() == nil {
		t.Fatal("Init returned nil")
	}
	view := m.View()
	if !strings.Contains(view, "未配置缓存") || !strings.Contains(view, "无同步引擎") {
		t.Errorf("view without cache or engine:\n%s", view)
	}
}

func TestHeaderDay(t *testing.T) {
	cases := []struct {
		day, zh, en string
	}{
		{"2026-11-30", "2026-11-30 周一  工作日", "2026-11-30 Mon  working day"},
		{"2026-11-29", "2026-11-29 周日  休息日", "2026-11-29 Sun  day off"},
		{"2026-10-01", "2026-10-01 周四  休息日 国庆节", "2026-10-01 Thu  day off (国庆节)"},
		{"2026-10-10", "2026-10-10 周六  调休上班", "2026-10-10 Sat  adjusted working day"},
		{"2028-01-10", "2028-01-10 周一  ! 日历未知", "2028-01-10 Mon  ! calendar unknown"},
	}
	for _, c := range cases {
		t.Run(c.day, func(t *testing.T) {
			for lang, want := range map[string]string{"zh": c.zh, "en": c.en} {
				d := fixtureDeps(t, lang)
				d.Today = credit.MustDate(c.day)
				d.Now = func() time.Time { return d.Today.Time().Add(9 * time.Hour) }
				m := loaded(t, d, 120, 30)
				if header := strings.Split(m.View(), "\n")[0]; !strings.Contains(header, want) {
					t.Errorf("%s header %q lacks %q", lang, header, want)
				}
			}
		})
	}
}

// TestWaitEventTakesWaitingEvents: the events waiting together arrive in
// one message, in order, and are all applied; a closed channel is seen by
// the next wait.
func TestWaitEventTakesWaitingEvents(t *testing.T) {
	ch := make(chan credit.Event, 8)
	ch <- credsync.Event{Endpoint: "gov-service", Type: credsync.EventPage, Items: 5}
	ch <- credsync.Event{Endpoint: "law-enforcement", Type: credsync.EventPage, Items: 2}
	ch <- credsync.Event{Endpoint: "gov-service", Type: credsync.EventDone}
	close(ch)
	msg := waitEvent(ch)().(eventMsg)
	if !msg.ok || msg.ev.Endpoint != "gov-service" || len(msg.more) != 2 || msg.more[1].Type != credsync.EventDone {
		t.Fatalf("got %+v, want the three events in order", msg)
	}
	if next := waitEvent(ch)().(eventMsg); next.ok {
		t.Fatalf("closed channel not seen by the next wait: %+v", next)
	}

	d := fixtureDeps(t, "zh")
	d.Events = ch
	m := loaded(t, d, 100, 30)
	m = update(t, m, msg)
	if m.syncing["gov-service"] || !m.syncing["law-enforcement"] {
		t.Errorf("syncing %v, want law-enforcement only (gov-service done after its page)", m.syncing)
	}
	if want := m.eventText(msg.more[1]); m.lastEvent != want {
		t.Errorf("last event %q, want the last of the batch %q", m.lastEvent, want)
	}
}

// Hooks.Input is called for every key, and not for other messages.
func TestInputHookSeesKeys(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	n := 0
	m := loadedStore(t, dp, 100, 30).WithHooks(Hooks{Input: func() { n++ }})
	m = update(t, m, tea.WindowSizeMsg{Width: 90, Height: 30})
	if n != 0 {
		t.Fatalf("Input called %d times for a resize", n)
	}
	m = keys(t, m, runes("4"), runes("/"), runes("化"))
	if n != 3 {
		t.Errorf("Input called %d times for 3 keys", n)
	}
	_ = m
}
