package tui

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/credit/credittest"
	"github.com/czyj/credwatch/tui/table"
)

// press sends one key and returns the model and the command it issued.
func press(t *testing.T, m Model, k tea.KeyMsg) (Model, tea.Cmd) {
	t.Helper()
	nm, cmd := m.Update(k)
	return nm.(Model), cmd
}

// run executes a command as Bubble Tea would and feeds its messages back,
// following batches; ticks and other waits are not run.
func run(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	if cmd == nil {
		return m
	}
	var msgs []tea.Msg
	var collect func(c tea.Cmd)
	collect = func(c tea.Cmd) {
		if c == nil {
			return
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		select {
		case msg := <-done:
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					collect(c)
				}
				return
			}
			msgs = append(msgs, msg)
		case <-time.After(50 * time.Millisecond): // a tick: not run
		}
	}
	collect(cmd)
	for _, msg := range msgs {
		switch msg.(type) {
		case nil, cooldownMsg, tickMsg:
			continue
		}
		var next tea.Cmd
		nm, next := m.Update(msg)
		m = nm.(Model)
		// A snapshot's command is the cooldown, not run; after a first,
		// partial one it is the full read, which is.
		if s, ok := msg.(snapshotMsg); !ok || s.partial {
			m = run(t, m, next)
		}
	}
	return m
}

func typeText(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func paste(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true} }

func wantActions(t *testing.T, st *fakeStore, want ...credit.Action) {
	t.Helper()
	got := st.recordedActions()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RecordAction calls:\n got %+v\nwant %+v", got, want)
	}
}

func TestSignoffAfterStoreReturns(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	m := loadedStore(t, dp, 100, 30)
	if m.tab != tabCheck {
		t.Fatalf("a working day should open on the check tab, got %d", m.tab)
	}
	if !strings.Contains(m.View(), "! 今日尚未签核") {
		t.Fatalf("unsigned state missing:\n%s", m.View())
	}
	failed := m.view.check.failed
	m, _ = press(t, m, runes("s"))
	// The configured officer is not typed in: the form starts at the note.
	if m.mode != modeForm || strings.Contains(m.View(), "值班人:") {
		t.Fatalf("sign-off form: mode %d\n%s", m.mode, m.View())
	}
	// Chinese typed as one message, then pasted text, into the note.
	m = keys(t, m, typeText("武进区"), paste("推送延迟已电话催办"), typeText("!"))
	if got := m.form.Value("note"); got != "武进区推送延迟已电话催办!" {
		t.Fatalf("note %q", got)
	}
	m, cmd := press(t, m, keyMsg("enter"))
	if cmd == nil {
		t.Fatal("enter issued no command")
	}
	if v := m.View(); strings.Contains(v, "已签核 09:30") {
		t.Fatalf("confirmation shown before the Store answered:\n%s", v)
	}
	if len(st.recordedActions()) != 0 {
		t.Fatal("RecordAction called on the UI goroutine")
	}
	m = run(t, m, cmd)
	var all []string // no OfficerDepts: the sign-off names every department
	for _, d := range m.d.Depts.All() {
		all = append(all, d.ID)
	}
	wantActions(t, st, credit.Action{ID: "act-1", Type: credit.ActionSignoff, Officer: "张三", At: fxNow, Date: fxToday,
		Note: "武进区推送延迟已电话催办!", Depts: all, Failed: failed})
	v := m.View()
	if !strings.Contains(v, "+ 已签核 09:30 张三") || m.mode != modeNormal {
		t.Errorf("confirmation missing:\n%s", v)
	}
	if strings.Contains(v, "今日尚未签核") || m.keys.Signoff.Enabled() {
		t.Errorf("still offers to sign off:\n%s", v)
	}
	// Other tabs lose the banner.
	m = keys(t, m, runes("2"))
	if strings.Contains(m.View(), "今日核查尚未签核") {
		t.Errorf("banner after sign-off:\n%s", m.View())
	}
}

func TestSignoffStoreError(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	st.recordAction = func(credit.Action) (credit.OutboxItem, error) {
		return credit.OutboxItem{}, errors.New("write cache: disk full")
	}
	m := loadedStore(t, dp, 100, 30)
	m = keys(t, m, runes("s"))
	m, cmd := press(t, m, keyMsg("enter"))
	m = run(t, m, cmd)
	v := m.View()
	if !strings.Contains(v, "每日核查签核未保存：write cache: disk full") {
		t.Errorf("error not shown:\n%s", v)
	}
	if strings.Contains(v, "已签核 09:30") || m.mode != modeForm {
		t.Errorf("a failed sign-off must not confirm and must keep the form:\n%s", v)
	}
	if len(st.recordedActions()) != 1 {
		t.Errorf("%d calls", len(st.recordedActions()))
	}
	// esc abandons the form; the check stays unsigned.
	m = keys(t, m, keyMsg("esc"))
	if m.mode != modeNormal || !strings.Contains(m.View(), "今日尚未签核") {
		t.Errorf("after esc:\n%s", m.View())
	}
}

func TestReminderAction(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	m := loadedStore(t, dp, 100, 30)
	m = keys(t, m, runes("4"))
	if r, _ := m.repair.Selected(); r.Key != "penalty/JK-2026-0820" {
		t.Fatalf("first repair row %s", r.Key)
	}
	m = keys(t, m, runes("m"))
	if m.mode != modeForm || !strings.Contains(m.View(), "记录到期提醒已由信用常州推送：常州经开区宏远电子有限公司") {
		t.Fatalf("no confirmation line:\n%s", m.View())
	}
	m, cmd := press(t, m, keyMsg("enter"))
	m = run(t, m, cmd)
	wantActions(t, st, credit.Action{ID: "act-1", Type: credit.ActionReminder, Officer: "张三", At: fxNow, Date: fxToday,
		RecordKey: "penalty/JK-2026-0820"})
	if !strings.Contains(m.View(), "已保存：到期提醒已推送 常州经开区宏远电子有限公司") {
		t.Errorf("no confirmation:\n%s", m.View())
	}
	// m on a row under review does nothing.
	m = keys(t, m, runes("j"), runes("j"), runes("m"))
	if m.mode != modeNormal || len(st.recordedActions()) != 1 {
		t.Errorf("m acted on a row under review")
	}
}

func TestNationalDoneAction(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	m := loadedStore(t, dp, 100, 30)
	m = keys(t, m, runes("5"))
	if r, _ := m.queue.Selected(); r.Key != "penalty/ZL-2026-0520" {
		t.Fatalf("first queue row %s", r.Key)
	}
	m = keys(t, m, runes("n"))
	m, cmd := press(t, m, keyMsg("enter"))
	if cmd != nil || !strings.Contains(m.View(), "请填写回执编号") {
		t.Fatalf("empty receipt accepted:\n%s", m.View())
	}
	m = keys(t, m, paste("GS-3204-20261130-0017"))
	m, cmd = press(t, m, keyMsg("enter"))
	m = run(t, m, cmd)
	wantActions(t, st, credit.Action{ID: "act-1", Type: credit.ActionNationalDone, Officer: "张三", At: fxNow, Date: fxToday,
		RecordKey: "penalty/ZL-2026-0520", Receipt: "GS-3204-20261130-0017"})
	// n is offered only on 待国家系统修复 rows.
	m = keys(t, m, runes("j"))
	if r, _ := m.queue.Selected(); r.Key != "penalty/CF-2025-1015" || m.keys.National.Enabled() {
		t.Errorf("n enabled on %s", r.Key)
	}
}

func TestWithdrawalAction(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	dp.Officer = "" // the form then asks for the officer too
	m := loadedStore(t, dp, 100, 30)
	m = keys(t, m, runes("5"), runes("j"), runes("j")) // 常州恒泰化工, 待注销
	m = keys(t, m, runes("w"))
	if m.mode != modeForm {
		t.Fatal("w opened no form")
	}
	m = keys(t, m, typeText("信用江苏"), keyMsg("tab"), typeText("已电话联系网站管理员"), keyMsg("tab"))
	m, cmd := press(t, m, keyMsg("enter"))
	if cmd != nil || !strings.Contains(m.View(), "请填写值班人") {
		t.Fatalf("empty officer accepted:\n%s", m.View())
	}
	m = keys(t, m, typeText("王五"))
	m, cmd = press(t, m, keyMsg("enter"))
	m = run(t, m, cmd)
	wantActions(t, st, credit.Action{ID: "act-1", Type: credit.ActionWithdrawal, Officer: "王五", At: fxNow, Date: fxToday,
		RecordKey: "penalty/CF-2026-0801", Website: "信用江苏", Note: "已电话联系网站管理员"})
	if m.officer != "王五" {
		t.Errorf("officer not remembered: %q", m.officer)
	}
}

func TestReadOnly(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	dp.ReadOnly = true
	m := loadedStore(t, dp, 100, 30)
	seqs := [][]string{{"s"}, {"4", "m"}, {"5", "n"}, {"5", "j", "j", "w"}, {"o", "j", "R"}}
	for _, seq := range seqs {
		for _, k := range seq {
			var cmd tea.Cmd
			m, cmd = press(t, m, keyMsg(k))
			m = run(t, m, cmd)
			if m.mode != modeNormal {
				t.Fatalf("%v opened a form in read-only mode", seq)
			}
		}
		m.help.ShowAll = true
		help := m.help.View(m.keys)
		for _, h := range []string{"签核", "记到期提醒", "记国家系统修复", "记申请撤下", "重试发送"} {
			if strings.Contains(help, h) {
				t.Errorf("%v: help offers %s in read-only mode:\n%s", seq, h, help)
			}
		}
		m.help.ShowAll = false
		m = keys(t, m, keyMsg("esc"))
	}
	if len(st.recordedActions()) != 0 || len(st.retried) != 0 {
		t.Errorf("read-only mode wrote: %v %v", st.recordedActions(), st.retried)
	}
	if !strings.Contains(m.View(), "[只读]") {
		t.Errorf("header does not say read-only:\n%s", m.View())
	}

	// The code paths refuse too, whatever opened the form.
	dp.ReadOnly = false
	m = loadedStore(t, dp, 100, 30)
	m = keys(t, m, runes("s"))
	m.d.ReadOnly = true
	m, cmd := press(t, m, keyMsg("enter"))
	if cmd != nil || !strings.Contains(m.View(), "只读模式") {
		t.Errorf("submit in read-only mode: cmd %v\n%s", cmd != nil, m.View())
	}
	m.mode = modeNormal
	m.openSignoff()
	if m.mode == modeForm {
		t.Error("openSignoff ignored read-only")
	}
	if len(st.recordedActions()) != 0 {
		t.Error("RecordAction called in read-only mode")
	}
}

func TestHelpFollowsState(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	m := loadedStore(t, dp, 160, 40)
	short := func() string { return m.help.View(m.keys) }
	if !strings.Contains(short(), "s 签核") {
		t.Errorf("check tab, unsigned: %s", short())
	}
	m = keys(t, m, runes("4"))
	if !strings.Contains(short(), "m 记到期提醒") || strings.Contains(short(), "签核") {
		t.Errorf("repair tab on an eligible row: %s", short())
	}
	m = keys(t, m, runes("j"))
	if strings.Contains(short(), "记到期提醒") {
		t.Errorf("repair tab on a row under review: %s", short())
	}
	m = keys(t, m, runes("o")) // the failed item is listed first
	if !strings.Contains(short(), "R 重试发送") {
		t.Errorf("outbox on a failed item: %s", short())
	}
	m = keys(t, m, runes("j"))
	if strings.Contains(short(), "重试发送") {
		t.Errorf("outbox on a pending item: %s", short())
	}
	m.help.ShowAll = true
	full := m.help.View(m.keys)
	for _, want := range []string{"/ 筛选", ": 命令", "> 下一排序列", "e 导出CSV", "E 导出JSON", "返回"} {
		if !strings.Contains(full, want) {
			t.Errorf("full help lacks %q:\n%s", want, full)
		}
	}
}

func TestOutboxRetry(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	m := loadedStore(t, dp, 100, 30)
	header := strings.Join(m.headerLines(), " ")
	if !strings.Contains(header, "待发送 1") || !strings.Contains(header, "! 发送失败 1") {
		t.Errorf("header: %s", header)
	}
	m = keys(t, m, runes("4"), runes("o"))
	v := m.View()
	// Failed first, then pending, then the history of accepted actions;
	// the record by its enterprise and document number, not its key.
	for _, want := range []string{"待发送操作", "* 待发送", "! 发送失败", "+ 已送达", "422 validation", "钟楼区新城建材", "钟应急罚〔2026〕"} {
		if !strings.Contains(v, want) {
			t.Errorf("outbox lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "penalty/") {
		t.Errorf("a record shown by its key:\n%s", v)
	}
	failed, pending, sent := strings.Index(v, "! 发送失败"), strings.Index(v, "* 待发送"), strings.Index(v, "+ 已送达")
	if !(failed < pending && pending < sent) {
		t.Errorf("order: failed at %d, pending at %d, sent at %d:\n%s", failed, pending, sent, v)
	}
	m, cmd := press(t, m, runes("R"))
	m = run(t, m, cmd)
	if !slices.Equal(st.retried, []uint64{11}) {
		t.Errorf("retried %v", st.retried)
	}
	if !strings.Contains(m.View(), "已重新排队发送：国家企业信用信息公示系统修复完成 钟楼区新城建材有限公司") {
		t.Errorf("no confirmation:\n%s", m.View())
	}
	m = keys(t, m, keyMsg("esc"))
	if m.top() != nil || m.tab != tabRepair {
		t.Error("esc did not return to the repair tab")
	}
}

func TestDrillDown(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	m := loadedStore(t, dp, 100, 30)

	// Sharing row 危化处 行政许可 -> its records -> a record's detail.
	m = keys(t, m, runes("2"))
	m, cmd := press(t, m, keyMsg("enter"))
	if top := m.top(); top == nil || !top.loading {
		t.Fatal("enter on a sharing row opened nothing")
	}
	m = run(t, m, cmd)
	v := m.View()
	if !strings.Contains(v, "危化处 行政许可 的记录") || !strings.Contains(v, "常州新阳危化品储运") {
		t.Fatalf("records view:\n%s", v)
	}
	m = keys(t, m, keyMsg("enter"))
	v = m.View()
	for _, want := range []string{"详情：常州新阳危化品储运有限公司", "许可证书名称", "XK_XKZS", "危险化学品经营许可证"} {
		if !strings.Contains(v, want) {
			t.Errorf("licence detail lacks %q:\n%s", want, v)
		}
	}
	m = keys(t, m, keyMsg("esc"), keyMsg("esc"))
	if m.top() != nil || m.tab != tabSharing {
		t.Fatal("esc esc did not return to the sharing list")
	}

	// Check line with record keys -> those records.
	m = keys(t, m, runes("1"), runes("j"), runes("j"), runes("j"), runes("j")) // 1条记录超过7个工作日未公示
	m, cmd = press(t, m, keyMsg("enter"))
	m = run(t, m, cmd)
	if v := m.View(); !strings.Contains(v, "武进区鑫达金属制品厂") || !strings.Contains(v, "! 逾期未公示") {
		t.Errorf("overdue records:\n%s", v)
	}
	// Check line of departments -> their sharing rows.
	m = keys(t, m, keyMsg("esc"), runes("k"))
	m, cmd = press(t, m, keyMsg("enter"))
	m = run(t, m, cmd)
	if top := m.top(); top == nil || top.kind != viewSharing || len(top.table.Rows()) != 4 {
		t.Fatalf("rejected line: %+v\n%s", top, m.View())
	}
	// Check line of endpoints -> the sync tab.
	m = keys(t, m, keyMsg("esc"), runes("G"), runes("g"))
	for range 9 { // the endpoints line is the last of ten
		m = keys(t, m, runes("j"))
	}
	m = keys(t, m, keyMsg("enter"))
	if m.tab != tabSync {
		t.Errorf("endpoints line went to tab %d", m.tab)
	}

	// The detail of a penalty (read through the Store): computed dates with
	// their rule set, steps.
	m, cmd = press(t, keys(t, m, runes("5")), keyMsg("enter"))
	m = run(t, m, cmd)
	v = m.View()
	for _, want := range []string{"[信用修复]", "ndrc-2026", "依据条款", "令第36号 第二条", "可申请修复日", "2026-08-21 已可申请", "! 待国家企业信用信息公示系统修复", "企业注销不良记录", "2026-09-20", "[三同步]"} {
		if !strings.Contains(v, want) {
			t.Errorf("penalty detail lacks %q:\n%s", want, v)
		}
	}
	m = keys(t, m, keyMsg("end"))
	for _, want := range []string{"CF_WSH", "钟应急罚〔2026〕52号"} {
		if !strings.Contains(m.View(), want) {
			t.Errorf("penalty detail (end) lacks %q:\n%s", want, m.View())
		}
	}
	// Actions work from the detail view too.
	if !m.keys.National.Enabled() {
		t.Error("n not offered in the detail of a 待国家系统修复 penalty")
	}
}

func TestDetailEnglish(t *testing.T) {
	dp, _ := storeDeps(t, "en")
	m := loadedStore(t, dp, 100, 30)
	m, cmd := press(t, keys(t, m, runes("5")), keyMsg("enter"))
	m = keys(t, run(t, m, cmd), keyMsg("end"))
	v := m.View()
	for _, want := range []string{"Document number", "CF_WSH", "Decision date", "CF_JDRQ"} {
		if !strings.Contains(v, want) {
			t.Errorf("English detail lacks %q:\n%s", want, v)
		}
	}
}

func TestFilter(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	m := loadedStore(t, dp, 100, 30)
	m = keys(t, m, runes("2"), runes("/"), typeText("武进"))
	if m.mode != modeFilter || len(m.sharing.Rows()) != 1 {
		t.Fatalf("filter 武进: %d rows\n%s", len(m.sharing.Rows()), m.View())
	}
	if !strings.Contains(m.View(), "/武进") {
		t.Errorf("filter line not shown:\n%s", m.View())
	}
	m = keys(t, m, keyMsg("enter"))
	if m.mode != modeNormal || len(m.sharing.Rows()) != 1 || !strings.Contains(m.View(), "筛选：武进（esc 清除）") {
		t.Fatalf("after enter:\n%s", m.View())
	}
	// The summary's totals are the tab's; filtered, it says so.
	if !strings.Contains(m.View(), "全部数据合计（不随筛选）：未公示") {
		t.Errorf("filtered summary does not say its totals are unfiltered:\n%s", m.View())
	}
	// q after the filter closed quits; while typing it is text.
	m = keys(t, m, keyMsg("esc"))
	if len(m.sharing.Rows()) != 12 {
		t.Errorf("esc left %d rows", len(m.sharing.Rows()))
	}

	// Repair tab: by credit code (pasted, lower case) and document number.
	m = keys(t, m, runes("4"), runes("/"), paste("91320412734567"))
	if rows := m.repair.Rows(); len(rows) != 1 || rows[0].Key != "penalty/WJ-2026-1118" {
		t.Errorf("filter by credit code: %v", rowKeys(rows))
	}
	m = keys(t, m, keyMsg("esc"), runes("/"), typeText("〔2026〕8"))
	if got := rowKeys(m.repair.Rows()); !slices.Equal(got, []string{"penalty/JT-2026-0803", "penalty/CF-2026-0801"}) {
		t.Errorf("filter by document number: %v", got) // 〔2026〕83号 and 〔2026〕81号
	}
	// The same number typed with other brackets, full-width digits or
	// spaces (issue 17 item 6).
	for _, typed := range []string{"[2026]8", "（２０２６）８", "(2026) 8", "【2026】81号"} {
		m = keys(t, m, keyMsg("esc"), runes("/"), typeText(typed))
		want := []string{"penalty/JT-2026-0803", "penalty/CF-2026-0801"}
		if strings.HasSuffix(typed, "81号") {
			want = want[1:]
		}
		if got := rowKeys(m.repair.Rows()); !slices.Equal(got, want) {
			t.Errorf("filter by document number typed %q: %v, want %v", typed, got, want)
		}
	}
	m = keys(t, m, keyMsg("esc"), runes("/"), typeText("q"))
	if m.mode != modeFilter {
		t.Fatal("q quit while typing a filter")
	}
	// Department names match though the repair tab has no department column.
	m = keys(t, m, keyMsg("backspace"), typeText("钟楼"), keyMsg("enter"))
	if rows := m.repair.Rows(); len(rows) != 1 || rows[0].Key != "penalty/ZL-2026-0520" {
		t.Errorf("filter by department: %v", rowKeys(rows))
	}
	// Case-insensitive over the sync tab's endpoints.
	m = keys(t, m, runes("3"), runes("/"), typeText("GOV"), keyMsg("enter"))
	if rows := m.sync.endpoints.Rows(); len(rows) != 1 || rows[0].Key != "gov-service" {
		t.Errorf("filter GOV: %v", rowKeys(rows))
	}
}

func TestBatchedKeys(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	m := loadedStore(t, dp, 100, 30)
	// One read holding several keys: each takes effect.
	m = keys(t, m, typeText("4jj"))
	if m.tab != tabRepair || m.repair.Cursor() != 2 {
		t.Fatalf("4jj: tab %d cursor %d", m.tab, m.repair.Cursor())
	}
	m = keys(t, m, typeText("2/武进"))
	if m.mode != modeFilter || m.line.Value() != "武进" || len(m.sharing.Rows()) != 1 {
		t.Fatalf("2/武进: mode %d value %q rows %d", m.mode, m.line.Value(), len(m.sharing.Rows()))
	}
	// A paste in normal mode is text, not commands.
	m = keys(t, m, keyMsg("esc"))
	cur := m.sharing.Cursor()
	nm, cmd := m.Update(paste("q5jj"))
	if m = nm.(Model); cmd != nil || m.tab != tabSharing || m.sharing.Cursor() != cur {
		t.Errorf("a paste acted as keys: tab %d cursor %d", m.tab, m.sharing.Cursor())
	}

	// The same through a running program: keys sent back to back, without
	// waiting for frames between them.
	tm := startProgram(t, dp, 100, 30)
	for _, k := range []tea.KeyMsg{runes("5"), runes("j"), runes("j"), typeText("4G"), runes("k")} {
		tm.Send(k)
	}
	tm.Send(keyMsg("q"))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if fm.tab != tabRepair || fm.repair.Cursor() != len(fm.repair.Rows())-2 {
		t.Errorf("batched keys: tab %d cursor %d", fm.tab, fm.repair.Cursor())
	}
}

func TestCommandLine(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	m := loadedStore(t, dp, 100, 30)
	cmdline := func(m Model, s string) (Model, tea.Cmd) {
		m = keys(t, m, runes(":"), typeText(s))
		return press(t, m, keyMsg("enter"))
	}

	m = keys(t, m, runes("2"))
	m, _ = cmdline(m, "武进")
	if rows := m.sharing.Rows(); len(rows) != 1 || rows[0].Dept != "320412" || !strings.Contains(m.View(), "部门：武进区") {
		t.Errorf(":武进 -> %v\n%s", rowKeys(rows), m.View())
	}
	m = keys(t, m, keyMsg("esc"), runes("4"))
	m, _ = cmdline(m, "320412")
	if rows := m.repair.Rows(); len(rows) != 2 {
		t.Errorf(":320412 on the repair tab: %v", rowKeys(rows))
	}
	m, cmd := cmdline(m, "常应急罚〔2026〕81号")
	m = run(t, m, cmd)
	if top := m.top(); top == nil || top.kind != viewDetail || len(top.recs) != 1 || top.recs[0].Key() != "penalty/CF-2026-0801" {
		t.Fatalf(":docno opened %+v", top)
	}
	for _, typed := range []string{"常应急罚[2026]81号", "常应急罚（２０２６）８１号", " 常应急罚 【2026】 81 号"} {
		m, cmd = cmdline(m, typed)
		m = run(t, m, cmd)
		if top := m.top(); top == nil || top.kind != viewDetail || len(top.recs) != 1 || top.recs[0].Key() != "penalty/CF-2026-0801" {
			t.Fatalf(":%s opened %+v", typed, top)
		}
	}
	m, cmd = cmdline(m, "penalty/ZL-2026-0520")
	m = run(t, m, cmd)
	if top := m.top(); top == nil || len(top.recs) != 1 || top.recs[0].DocNo != "钟应急罚〔2026〕52号" {
		t.Fatalf(":key opened %+v", top)
	}
	// A record of another kind is read through the Store too.
	m, cmd = cmdline(m, "licence/XK-2026-0042")
	m = run(t, m, cmd)
	if !strings.Contains(m.View(), "危险化学品经营许可证") {
		t.Errorf(":licence key:\n%s", m.View())
	}
	m, _ = cmdline(m, "不存在的文号")
	if !strings.Contains(m.View(), "未找到：不存在的文号") {
		t.Errorf("unknown command:\n%s", m.View())
	}
	if _, cmd := cmdline(m, "q"); cmd == nil || cmd() != tea.Quit() {
		t.Error(":q does not quit")
	}
}

func TestSortKeys(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	m := loadedStore(t, dp, 160, 40)
	m = keys(t, m, runes("4"), runes(">"), runes(">"))
	if col, desc := m.repair.Sort(); col != 1 || desc {
		t.Fatalf("sort %d %v", col, desc)
	}
	if !strings.Contains(m.View(), "企业名称 ^") {
		t.Errorf("no sort marker:\n%s", m.View())
	}
	m = keys(t, m, runes("S"))
	if !strings.Contains(m.View(), "企业名称 v") {
		t.Errorf("no descending marker:\n%s", m.View())
	}
	names := make([]string, 0)
	for _, r := range m.repair.Rows() {
		names = append(names, r.Cells[1])
	}
	// Names sort by pinyin (Column.Collate), as in Excel.
	coll := collate.New(language.Chinese)
	if !slices.IsSortedFunc(names, func(a, b string) int { return coll.CompareString(b, a) }) || slices.IsSorted(names) {
		t.Errorf("not sorted descending by pinyin: %v", names)
	}
	if names[0] != "钟楼区新城建材有限公司" || names[len(names)-1] != "常州恒泰化工有限公司" {
		t.Errorf("descending by pinyin: zhong first, chang last: %v", names)
	}
	// Numbers sort as numbers: the remaining days.
	m = keys(t, m, runes("<"), runes("<"), runes("<"), runes("<"), runes("<"), runes("S")) // column 8 (剩余), ascending
	if col, desc := m.repair.Sort(); col != repLeft || desc {
		t.Fatalf("sort column %d desc %v", col, desc)
	}
	var left []string
	for _, r := range m.repair.Rows() {
		if strings.HasSuffix(r.Cells[repLeft], "天") {
			left = append(left, r.Cells[repLeft])
		}
	}
	if !slices.Equal(left, []string{"81天", "184天"}) {
		t.Errorf("days not sorted as numbers: %v", left)
	}
	// The column sorts by its key, the day it counts to: "已可申请" (a
	// day passed) before "81天", though its text sorts after.
	var order []string
	for _, r := range m.repair.Rows() {
		order = append(order, r.Cells[repLeft])
	}
	if now, soon := slices.Index(order, "已可申请"), slices.Index(order, "81天"); now < 0 || soon < 0 || now > soon {
		t.Errorf("eligible-now rows do not sort before the days left: %q", order)
	}
	m = keys(t, m, runes("<"), runes("<"), runes("<"), runes("<"), runes("<"), runes("<"), runes("<"), runes("<"), runes("<"))
	if col, _ := m.repair.Sort(); col != -1 || strings.Contains(m.View(), " ^") {
		t.Errorf("back to the given order: %d", col)
	}
}

func TestScope(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	dp.OfficerDepts = []string{"320412"}
	m := loadedStore(t, dp, 100, 30)
	repair := table.AllRows(m.view.repair.Source())
	for _, rows := range [][]Row{m.view.sharing, repair, m.view.depts} {
		for _, r := range rows {
			if r.Dept != "320412" {
				t.Errorf("row of %s for an officer of 320412: %v", r.Dept, r.Cells)
			}
		}
	}
	if len(repair) != 2 || m.view.queue.Source().Len() != 0 {
		t.Errorf("repair %d queue %d", len(repair), m.view.queue.Source().Len())
	}
	// The check covers the officer's department only: its overdue penalty
	// fails, 经开区's stale push does not.
	if it := m.view.check.byID[credit.CheckPushStale]; it.Status != credit.CheckPass {
		t.Errorf("push-stale for 320412: %+v", it)
	}
	if it := m.view.check.byID[credit.CheckOverdue]; it.Status != credit.CheckFail || !slices.Equal(it.Keys, []string{"penalty/WJ-2026-1118"}) {
		t.Errorf("overdue for 320412: %+v", it)
	}
	failed := m.view.check.failed
	m = keys(t, m, runes("s"))
	m, cmd := press(t, m, keyMsg("enter"))
	m = run(t, m, cmd)
	wantActions(t, st, credit.Action{ID: "act-1", Type: credit.ActionSignoff, Officer: "张三", At: fxNow, Date: fxToday,
		Depts: []string{"320412"}, Failed: failed})
	// A record of another department opened by key is read-only.
	m = keys(t, m, runes(":"), typeText("penalty/ZL-2026-0520"), keyMsg("enter"))
	if top := m.top(); top == nil || top.kind != viewDetail || m.keys.National.Enabled() || m.keys.Withdraw.Enabled() {
		t.Errorf("actions offered on another department's record")
	}
}

func TestDayOff(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	dp.Today = credit.MustDate("2026-10-01")
	dp.Now = func() time.Time { return dp.Today.Time().Add(10 * time.Hour) }
	m := loadedStore(t, dp, 100, 30)
	if m.tab != tabSharing {
		t.Errorf("a day off opened tab %d", m.tab)
	}
	if strings.Contains(m.View(), "尚未签核") {
		t.Errorf("banner on a day off:\n%s", m.View())
	}
	m = keys(t, m, runes("1"))
	if !strings.Contains(m.View(), "今天休息（国庆节），无需每日核查") || m.keys.Signoff.Enabled() {
		t.Errorf("check tab on a holiday:\n%s", m.View())
	}
}

func TestExport(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CREDWATCH_EXPORT_DIR", dir)
	dp, _ := storeDeps(t, "zh")
	m := loadedStore(t, dp, 100, 30)
	m = keys(t, m, runes("4"), runes("/"), typeText("武进"), keyMsg("enter"))
	m, cmd := press(t, m, runes("e"))
	m = run(t, m, cmd)
	path := filepath.Join(dir, "credwatch-信用修复-20261130-0930.csv")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v\n%s", err, m.View())
	}
	want := "\uFEFF分组,企业名称,部门,统一社会信用代码,文号,失信程度,处罚决定日期,可申请修复日,剩余,状态,三同步\r\n" +
		"尚未到期,武进区鑫达金属制品厂,武进区,913204127345678005,武应急罚〔2026〕118号,一般,2026-11-18,2027-02-19,81天,未申请,! 缺1项\r\n" +
		"审核完成,武进区汇丰五金厂,"
	if !strings.HasPrefix(string(b), want) && !strings.HasPrefix(string(b), want[:strings.Index(want, "913204")]) {
		t.Errorf("csv:\n%q", b)
	}
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) || !bytes.Contains(b, []byte("\r\n")) || bytes.Count(b, []byte("\r\n")) != 3 {
		t.Errorf("csv must have a BOM, CRLF and 3 lines:\n%q", b)
	}
	if !strings.Contains(m.View(), "已导出 "+path) {
		t.Errorf("path not in the status line:\n%s", m.View())
	}

	// JSON: objects keyed by column title.
	m, cmd = press(t, m, runes("E"))
	run(t, m, cmd)
	jb, err := os.ReadFile(filepath.Join(dir, "credwatch-信用修复-20261130-0930.json"))
	if err != nil {
		t.Fatal(err)
	}
	var objs []map[string]string
	if err := json.Unmarshal(jb, &objs); err != nil || len(objs) != 2 || objs[0]["文号"] != "武应急罚〔2026〕118号" {
		t.Errorf("json %v: %s", err, jb)
	}
	// A second export in the same minute keeps the first.
	m, cmd = press(t, m, runes("e"))
	run(t, m, cmd)
	if _, err := os.Stat(filepath.Join(dir, "credwatch-信用修复-20261130-0930-2.csv")); err != nil {
		t.Error(err)
	}
}

func TestExportTable(t *testing.T) {
	var b bytes.Buffer
	err := ExportTable(&b, "csv", []string{"名称", "备注"}, [][]string{{"甲,乙", "说\"明\""}, {"丙"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "\uFEFF名称,备注\r\n\"甲,乙\",\"说\"\"明\"\"\"\r\n丙,\r\n"; got != want {
		t.Errorf("csv %q, want %q", got, want)
	}
	b.Reset()
	if err := ExportTable(&b, "json", []string{"b", "a"}, [][]string{{"1", "2"}}); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "[\n  {\"b\": \"1\", \"a\": \"2\"}\n]\n"; got != want {
		t.Errorf("json %q, want %q (keys in column order)", got, want)
	}
	b.Reset()
	if err := ExportTable(&b, "json", []string{"a"}, nil); err != nil || b.String() != "[]\n" {
		t.Errorf("empty json %q %v", b.String(), err)
	}
	if err := ExportTable(&b, "xlsx", nil, nil); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestTableFor(t *testing.T) {
	dp := fixtureDeps(t, "zh")
	snap := fixtureSnapshot()
	for _, c := range []struct {
		view  string
		rows  int
		first string
	}{
		{"sharing", 12, "部门"}, {"sync", 3, "接口"}, {"repair", 11, "分组"}, {"queue", 4, "企业名称"},
	} {
		cols, rows, err := TableFor(c.view, dp, snap, nil)
		if err != nil || len(rows) != c.rows || cols[0] != c.first {
			t.Errorf("%s: %d rows, cols %v, err %v", c.view, len(rows), cols, err)
		}
	}
	cols, rows, err := TableFor("check", dp, snap, fixtureCheckData(snap))
	if err != nil || len(rows) != 10 || cols[0] != "结果" || rows[1][0] != "! 未通过" {
		t.Errorf("check: %v %v %v", cols, rows, err)
	}
	if _, _, err := TableFor("check", dp, snap, nil); err == nil {
		t.Error("check without data accepted")
	}
	if _, _, err := TableFor("nope", dp, snap, nil); err == nil {
		t.Error("unknown view accepted")
	}
	dp.OfficerDepts = []string{"city-zd"}
	if _, rows, _ := TableFor("repair", dp, snap, nil); len(rows) != 2 {
		t.Errorf("scoped repair: %d rows", len(rows))
	}
}

// TestEveryScreenFits draws every tab, the opened views and a form over the
// fake store at three sizes in both languages: no line wider than the
// screen, no more lines than it has, nothing East-Asian-ambiguous.
func TestEveryScreenFits(t *testing.T) {
	seqs := [][]string{
		{}, {"j", "j", "G"}, {"2"}, {"3", "G"}, {"4"}, {"5"}, {"?"},
		{"5", "enter"}, {"4", "j", "enter", "end"}, {"o"}, {"o", "j"},
		{"s"}, {"4", "m"}, {"5", "n"}, {"5", "j", "j", "w"},
		{"2", "/"}, {"4", ":"}, {"2", "enter"},
	}
	for _, lang := range []string{"zh", "en"} {
		for _, size := range [][2]int{{80, 24}, {100, 30}, {160, 40}} {
			for _, seq := range seqs {
				dp, _ := storeDeps(t, lang)
				dp.Officer = ""
				m := loadedStore(t, dp, size[0], size[1])
				for _, k := range seq {
					var cmd tea.Cmd
					m, cmd = press(t, m, keyMsg(k))
					if k == "enter" {
						m = run(t, m, cmd)
					}
				}
				v := m.View()
				name := lang + " " + strings.Join(seq, " ")
				if r, bad := ambiguous(v); bad {
					t.Errorf("%s %dx%d draws ambiguous %q (U+%04X)", name, size[0], size[1], r, r)
				}
				lines := strings.Split(v, "\n")
				if len(lines) > size[1] {
					t.Errorf("%s %dx%d: %d lines", name, size[0], size[1], len(lines))
				}
				for _, l := range lines {
					if w := ansiWidth(l); w > size[0] {
						t.Errorf("%s %dx%d: line %d cells wide: %q", name, size[0], size[1], w, l)
					}
				}
			}
		}
	}
}

// Issue 16 item 3: a minor penalty (ndrc-2026) is repairable once its legal
// obligations are fulfilled; f records that, and it becomes eligible.
func TestFulfilAction(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	minor := penaltySum("MI-2026-1102", "320412", "武进区某五金厂", "9132041273456780", "武应急罚〔2026〕200号", "2026-11-02", "", credit.Minor, "警告")
	st.snap.Penalties = credittest.Penalties(append(st.snap.Penalties.All(), minor)...)
	m := loadedStore(t, dp, 100, 30)
	m = keys(t, m, runes("4"), runes("/"), typeText("某五金厂"), keyMsg("enter"))
	if r, _ := m.repair.Selected(); r.Key != "penalty/MI-2026-1102" || !m.keys.Fulfil.Enabled() {
		t.Fatalf("selected %s, f enabled %v:\n%s", r.Key, m.keys.Fulfil.Enabled(), m.View())
	}
	m = keys(t, m, runes("f"))
	if m.mode != modeForm || !strings.Contains(m.View(), "记录法定责任已履行完毕") {
		t.Fatalf("no form:\n%s", m.View())
	}
	m, cmd := press(t, m, keyMsg("enter"))
	m = run(t, m, cmd)
	wantActions(t, st, credit.Action{ID: "act-1", Type: credit.ActionFulfilled, Officer: "张三", At: fxNow, Date: fxToday,
		RecordKey: "penalty/MI-2026-1102"})
	if !strings.Contains(m.View(), "已保存：武进区某五金厂 武应急罚〔2026〕200号 法定责任履行完毕 2026-11-30") {
		t.Errorf("no confirmation:\n%s", m.View())
	}
	// On a penalty with a date to count to, f does nothing.
	m = keys(t, m, keyMsg("esc"), runes("g"), runes("f"))
	if m.mode != modeNormal || len(st.recordedActions()) != 1 {
		t.Errorf("f acted on a penalty that is not minor")
	}
}

// openCheckLine loads the fixture store at width w and presses enter on
// the daily check's line id, which must count some items; it returns the
// model and the line's count.
func openCheckLine(t *testing.T, w int, id string) (Model, int) {
	t.Helper()
	dp, _ := storeDeps(t, "zh")
	m := loadedStore(t, dp, w, 40)
	idx, count := -1, 0
	for i, r := range m.check.Rows() {
		if r.Key == id {
			idx, count = i, m.view.check.byID[r.Key].Count
		}
	}
	if idx < 0 || count == 0 {
		t.Fatalf("no %s line with items (index %d, count %d): the test proves nothing", id, idx, count)
	}
	m = keys(t, m, keyMsg("home"))
	for range idx {
		m = keys(t, m, keyMsg("down"))
	}
	m, _ = press(t, m, keyMsg("enter"))
	return m, count
}

// The stuck-repairs line of the daily check opens its items with the
// columns that say why each is stuck (stage, since, due, status), not the
// disclosure columns, one row per item the line counts.
func TestCheckStuckOpensTheQueueColumns(t *testing.T) {
	m, count := openCheckLine(t, 120, credit.CheckStuck)
	top := m.top()
	if top == nil || top.kind != viewQueue {
		t.Fatalf("enter on the stuck line opened %+v\n%s", top, m.View())
	}
	if n := len(top.table.Rows()); n != count {
		t.Errorf("the line counts %d, its list shows %d rows", count, n)
	}
	v := m.View()
	for _, col := range []string{"阶段", "应完成", "工作日"} {
		if !strings.Contains(v, col) {
			t.Errorf("stuck list lacks the %s column:\n%s", col, v)
		}
	}
	if strings.Contains(v, "公示状态") {
		t.Errorf("stuck list shows disclosure columns:\n%s", v)
	}
}

// The 三同步 line opens its penalties with the 信用修复 tab's columns,
// whose 三同步 column says which steps are missing.
func TestCheckThreeInStepOpensTheRepairColumns(t *testing.T) {
	m, count := openCheckLine(t, 160, credit.CheckThreeInStepID)
	top := m.top()
	if top == nil || top.kind != viewRepair || len(top.table.Rows()) != count {
		t.Fatalf("enter on the 三同步 line: %+v\n%s", top, m.View())
	}
	if !strings.Contains(m.View(), "三同步") {
		t.Errorf("the list lacks the 三同步 column:\n%s", m.View())
	}
}

// M on 每日核查 and 数据共享清单 writes last month's report through
// Deps.Report and shows the file; elsewhere it does nothing.
func TestReportKey(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	var asked []credit.Month
	dp.Report = func(m credit.Month) (string, error) {
		asked = append(asked, m)
		return "/tmp/credwatch-月报-" + m.String() + ".xlsx", nil
	}
	m := loadedStore(t, dp, 100, 30)
	m, cmd := press(t, m, runes("M"))
	if cmd == nil {
		t.Fatal("M on 每日核查 gave no command")
	}
	m = run(t, m, cmd)
	if len(asked) != 1 || asked[0].String() != "2026-10" {
		t.Fatalf("report asked for %v; want 2026-10 (the month before 2026-11-30)", asked)
	}
	if !strings.Contains(m.View(), "/tmp/credwatch-月报-2026-10.xlsx") {
		t.Errorf("the report's file is not shown:\n%s", m.View())
	}
	m = keys(t, m, runes("4"))
	if _, cmd := press(t, m, runes("M")); cmd != nil {
		if run(t, m, cmd); len(asked) != 1 {
			t.Errorf("M on the repair tab wrote a report")
		}
	}
}

// The full help names the directory e writes to (issue 17 item 8); the
// short help and an SSH session (which shows a command instead) do not.
func TestHelpNamesExportDir(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	dp.ExportDir = "/home/值班员/Documents"
	dp.Export = func(credit.Export, string) (string, error) { return "", nil }
	m := loadedStore(t, dp, 100, 30)
	if strings.Contains(m.View(), "导出目录") {
		t.Error("the short help names the export directory")
	}
	m = keys(t, m, runes("?"))
	if v := m.View(); !strings.Contains(v, "导出目录：/home/值班员/Documents") {
		t.Errorf("the full help does not name the export directory:\n%s", v)
	}
	if n := len(strings.Split(m.View(), "\n")); n > 30 {
		t.Errorf("the full help with the directory makes %d lines on a 30-line screen", n)
	}
	dp.ExportCommand = func(ExportRequest) string { return "credwatch export" }
	m = keys(t, loadedStore(t, dp, 100, 30), runes("?"))
	if strings.Contains(m.View(), "导出目录") {
		t.Error("an SSH session's help names a directory on the server")
	}
}

// At 80 columns a form's long title (enterprise and document number) must
// not push the missing-field message off the screen, and the help line
// offers the form's keys, not q (which is text in a field) (issue 17 item 4).
func TestFormAt80Columns(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	m := loadedStore(t, dp, 80, 24)
	m = keys(t, m, runes("5"), runes("n"))
	m, cmd := press(t, m, keyMsg("enter"))
	v := m.View()
	if cmd != nil || !strings.Contains(v, "请填写回执编号") {
		t.Fatalf("the missing receipt is not said at 80 columns:\n%s", v)
	}
	lines := strings.Split(v, "\n")
	help := lines[len(lines)-1]
	if strings.Contains(help, "q 退出") || strings.Contains(help, "1-5") || !strings.Contains(help, "enter 确认") || !strings.Contains(help, "esc 取消") {
		t.Errorf("help line while a form is open: %q", help)
	}
	m = keys(t, m, keyMsg("esc"))
	if lines := strings.Split(m.View(), "\n"); !strings.Contains(lines[len(lines)-1], "1-5 跳到页") {
		t.Errorf("help line after the form closed: %q", lines[len(lines)-1])
	}
}

// A filter is echoed as typed, and a filter that hides every row says so
// rather than that the tab is empty (issue 17 item 5).
func TestFilterEchoAndNoMatch(t *testing.T) {
	dp, _ := storeDeps(t, "en")
	m := loadedStore(t, dp, 100, 30)
	m = keys(t, m, runes("5"), runes("/"), typeText("NoSuchFirm"), keyMsg("enter"))
	v := m.View()
	if !strings.Contains(v, "filter: NoSuchFirm") {
		t.Errorf("the filter is not echoed as typed:\n%s", v)
	}
	if !strings.Contains(v, "(no rows match the filter)") || strings.Contains(v, "queue is empty") {
		t.Errorf("a filter matching nothing:\n%s", v)
	}
}

// The sort in force is named in the summary line, so that at 80 columns,
// where the sorted column may be off screen, the officer still sees which
// column sorts and which way (issue 17 item 2).
func TestSortNamedInSummary(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	m := loadedStore(t, dp, 80, 24)
	m = keys(t, m, runes("4"))
	if strings.Contains(m.View(), "排序：") {
		t.Fatalf("an unsorted tab names a sort:\n%s", m.View())
	}
	cols := m.repair.Columns()
	for i := range len(cols) {
		m = keys(t, m, runes(">"))
		col, desc := m.repair.Sort()
		if col < 0 {
			continue
		}
		want := "排序：" + cols[col].Title + " 升序"
		if desc {
			want = "排序：" + cols[col].Title + " 降序"
		}
		if lines := strings.Split(m.View(), "\n"); !strings.Contains(strings.Join(lines[:5], "\n"), want) {
			t.Fatalf("after %d presses of >: no %q near the top:\n%s", i+1, want, m.View())
		}
	}
	for range 2 * len(cols) {
		if col, _ := m.repair.Sort(); col >= 0 {
			break
		}
		m = keys(t, m, runes(">"))
	}
	_, before := m.repair.Sort()
	m = keys(t, m, runes("S"))
	col, after := m.repair.Sort()
	want := map[bool]string{false: " 升序", true: " 降序"}[after]
	if after == before || !strings.Contains(m.View(), "排序："+cols[col].Title+want) {
		t.Errorf("S: descending %v -> %v; the summary should say %q:\n%s", before, after, want, m.View())
	}
}
