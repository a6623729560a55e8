package tui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/credit/credittest"
	"github.com/czyj/credwatch/tui/table"
)

func fixtureInput(lang string) buildInput {
	return buildInput{
		snap: fixtureSnapshot(), rules: credit.DefaultRules(), depts: credit.NewDirectory(credit.DefaultDepartments()),
		endpoints: fixtureEndpoints(), syncing: map[string]bool{}, today: fxToday, now: fxNow, clock: fxNow, cat: newCatalog(lang),
	}
}

// growFixture adds n copies of the fixture's penalties, with their
// repairs, to in's snapshot: copy i has its ID suffixed with i and, when
// spread is not 0, its decision date moved i%spread days earlier.
func growFixture(in *buildInput, n, spread int) {
	base := in.snap.Penalties.All()
	all := slices.Clone(base)
	repairs := in.snap.Repairs.All()
	for i := range n {
		p := base[i%len(base)]
		p.ID = fmt.Sprintf("%s-%d", p.ID, i)
		if spread != 0 {
			p.Decided = p.Decided.AddDays(-(i % spread))
		}
		all = append(all, p)
		if r, ok := in.snap.Repairs.Get(base[i%len(base)].Key()); ok {
			r.RecordKey = p.Key()
			repairs = append(repairs, r)
		}
	}
	in.snap.Penalties = credittest.Penalties(all...)
	in.snap.Repairs = credittest.Repairs(repairs...)
}

func rowKeys(rows []Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Key
	}
	return out
}

func rowByKey(t *testing.T, rows []Row, key string) Row {
	t.Helper()
	for _, r := range rows {
		if r.Key == key {
			return r
		}
	}
	t.Fatalf("no row %q in %v", key, rowKeys(rows))
	return Row{}
}

func TestRepairRowsOrder(t *testing.T) {
	in := fixtureInput("zh")
	b := build(in)
	repair := table.AllRows(b.repair.Source())
	want := []string{
		"penalty/JK-2026-0820", // 已可申请: eligible 2026-11-21, not applied
		"penalty/CF-2025-1015", // 审核中, overdue first
		"penalty/LY-2026-0701", // 审核中, on time
		"penalty/TN-2023-0302", // 不可修复 (责令停产停业)
		"penalty/WJ-2026-1118", // 尚未到期: 2027-02-19, beyond 30 days
		"penalty/XB-2026-0601", // 2027-06-02 (serious, ndrc-2026: 12 months)
		"penalty/WJ-2026-0110", // 审核完成, by eligibility: 2026-04-11
		"penalty/XB-2026-0205", // 2026-05-06
		"penalty/ZL-2026-0520", // 2026-08-21
		"penalty/JT-2026-0803", // 2026-11-04
		"penalty/CF-2026-0801", // 2026-11-11
	}
	if got := rowKeys(repair); !slices.Equal(got, want) {
		t.Errorf("repair order\n got %v\nwant %v", got, want)
	}
	cases := []struct {
		key                             string
		section, eligible, left, status string
		alert                           bool
	}{
		{"penalty/WJ-2026-1118", "尚未到期", "2027-02-19", "81天", "未申请", true}, // 三同步 reminder missing,
		{"penalty/TN-2023-0302", "不可修复", "不可修复", "-", "未申请", false},
		{"penalty/LY-2026-0701", "审核中", "2026-10-02", "已可申请", "审核中", false},
		{"penalty/CF-2025-1015", "审核中", "2026-10-16", "已可申请", "! 审核中 已超期", true}, // serious under ndrc-2023: 12 months
		{"penalty/CF-2026-0801", "审核完成", "2026-11-11", "已可申请", "! 待注销", true},
		{"penalty/JK-2026-0820", "已可申请", "2026-11-21", "已可申请", "! 未申请 待跟进到期提醒", true},
		{"penalty/WJ-2026-0110", "审核完成", "2026-04-11", "已可申请", "已完成", false},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			r := rowByKey(t, repair, c.key)
			if r.Cells[repSection] != c.section || r.Cells[repEligible] != c.eligible || r.Cells[repLeft] != c.left || r.Cells[repStatus] != c.status || r.Alert != c.alert {
				t.Errorf("got section %q eligible %q left %q status %q alert %v", r.Cells[repSection], r.Cells[repEligible], r.Cells[repLeft], r.Cells[repStatus], r.Alert)
			}
		})
	}
	// The detail line is computed for the selected row, not kept per row.
	if r := rowByKey(t, repair, "penalty/XB-2026-0601"); r.Detail != "" {
		t.Errorf("repair row carries a detail: %q", r.Detail)
	}
	if d := repairDetail(in, "penalty/XB-2026-0601"); !strings.Contains(d, "ndrc-2026") || !strings.Contains(d, "2026-06-01") {
		t.Errorf("detail should name the rule set and decision: %q", d)
	}
	withoutReminder := in.snap.Repairs
	in.snap.Repairs = in.snap.Repairs.With(credit.Repair{RecordKey: "penalty/JK-2026-0820", ReminderSent: d("2026-11-23")})
	if d := repairDetail(in, "penalty/JK-2026-0820"); !strings.Contains(d, "到期提醒 2026-11-23 已推送") {
		t.Errorf("detail should give the reminder's day: %q", d)
	}
	in.snap.Repairs = withoutReminder

	// A wider window puts 2027-02-19 (81 days away) in the first section.
	in.deadlineDays = 90
	b = build(in)
	repair = table.AllRows(b.repair.Source())
	if r := repair[0]; r.Key != "penalty/WJ-2026-1118" || r.Cells[0] != "90天内可申请" {
		t.Errorf("90-day window: first row %s %q", r.Key, r.Cells[0])
	}
	// A reminder already sent shows on an eligible, not applied row.
	in.snap.Repairs = in.snap.Repairs.With(credit.Repair{RecordKey: "penalty/JK-2026-0820", ReminderSent: d("2026-11-23")})
	b = build(in)
	repair = table.AllRows(b.repair.Source())
	if r := rowByKey(t, repair, "penalty/JK-2026-0820"); r.Cells[repStatus] != "未申请 到期提醒已推送" || r.Alert {
		t.Errorf("reminded row: %q alert %v", r.Cells[repStatus], r.Alert)
	}
}

func TestRepairTargets(t *testing.T) {
	in := fixtureInput("zh")
	cases := []struct {
		key                        string
		remind, national, withdraw bool
	}{
		{"penalty/JK-2026-0820", true, false, false},  // eligible, not applied, not reminded
		{"penalty/LY-2026-0701", false, false, false}, // under review
		{"penalty/WJ-2026-1118", false, false, false}, // not yet eligible
		{"penalty/ZL-2026-0520", false, true, true},   // 待国家系统修复
		{"penalty/CF-2026-0801", false, false, true},  // 待注销
		{"penalty/WJ-2026-0110", false, false, true},  // done
		{"penalty/XB-2026-0205", false, false, false}, // rejected
	}
	for _, c := range cases {
		tg, ok := targetOfKey(in.snap, in.rules, in.today, c.key)
		if !ok || tg.remind != c.remind || tg.national != c.national || tg.withdraw != c.withdraw {
			t.Errorf("%s: %+v (found %v)", c.key, tg, ok)
		}
	}
}

func TestQueueStuckFirst(t *testing.T) {
	b := build(fixtureInput("zh"))
	queue := table.AllRows(b.queue.Source())
	want := []string{
		"penalty/ZL-2026-0520", // 待国家系统修复, stuck, 45 working days
		"penalty/CF-2025-1015", // review overdue, 20
		"penalty/CF-2026-0801", // 待注销, stuck, 11
		"penalty/JT-2026-0803", // 待重算等级, on time
	}
	if got := rowKeys(queue); !slices.Equal(got, want) {
		t.Errorf("queue order\n got %v\nwant %v", got, want)
	}
	// Under review on time, done, rejected and not applied are not queued.
	for _, k := range []string{"penalty/LY-2026-0701", "penalty/WJ-2026-0110", "penalty/XB-2026-0205", "penalty/JK-2026-0820"} {
		if slices.Contains(rowKeys(queue), k) {
			t.Errorf("%s should not be queued", k)
		}
	}
	r := rowByKey(t, queue, "penalty/CF-2026-0801")
	if got := strings.Join(r.Cells[qStage:], "|"); got != "待注销|2026-11-13|11|2026-11-27|! 超期" {
		t.Errorf("待注销 row: %s", got)
	}
	if r := rowByKey(t, queue, "penalty/JT-2026-0803"); r.Cells[qStatus] != "+ 正常" || r.Alert {
		t.Errorf("on-time row: %v alert %v", r.Cells, r.Alert)
	}
}

func TestSortQueueTies(t *testing.T) {
	item := func(key string, stuck bool, age int, since string) queueEntry {
		return queueEntry{key: key, stuck: stuck, age: int32(age), since: credit.MustDate(since)}
	}
	items := []queueEntry{
		item("young-ok", false, 1, "2026-11-27"),
		item("old-ok", false, 9, "2026-11-16"),
		item("young-stuck", true, 3, "2026-11-25"),
		item("old-stuck", true, 12, "2026-11-12"),
		item("b-tie", true, 3, "2026-11-25"),
	}
	sortQueue(items)
	var got []string
	for _, it := range items {
		got = append(got, it.key)
	}
	want := []string{"old-stuck", "b-tie", "young-stuck", "old-ok", "young-ok"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSharingRows(t *testing.T) {
	b := build(fixtureInput("zh"))
	// Directory order (危化处 before 监察支队 before the districts), then kind order.
	want := []string{
		"city-whp/licence", "city-whp/reward",
		"city-zd/penalty", "city-zd/coercion", "city-zd/inspection",
		"320481/penalty", "320413/penalty", // penalties cached, no sharing-list row
		"320412/penalty", "320411/penalty", "320402/penalty", "320404/penalty", "czjk/penalty",
	}
	if got := rowKeys(b.sharing); !slices.Equal(got, want) {
		t.Errorf("sharing order\n got %v\nwant %v", got, want)
	}
	cases := []struct {
		key   string
		cells string // 部门|类别|归集|已公示|未公示|退回|最近推送|逾期未公示|逾期公示
		alert bool
	}{
		{"320412/penalty", "武进区|行政处罚|12|10|2|0|5小时前|! 1|0", true},
		// Its late disclosure was before the last working day: the column
		// counts, as the check does, those since then.
		{"320411/penalty", "新北区|行政处罚|9|9|0|0|1小时前|0|0", false},
		{"czjk/penalty", "经开区|行政处罚|5|3|0|2|10天前 !|0|0", true},
		// Pushed Friday, today Monday: one working day, not stale.
		{"city-whp/licence", "危化处|行政许可|85|85|0|0|3天前|-|-", false},
		{"city-zd/inspection", "监察支队|行政监督检查|130|128|2|0|1天前|-|-", false},
	}
	for _, c := range cases {
		r := rowByKey(t, b.sharing, c.key)
		if got := strings.Join(r.Cells, "|"); got != c.cells || r.Alert != c.alert {
			t.Errorf("%s: got %s alert %v, want %s alert %v", c.key, got, r.Alert, c.cells, c.alert)
		}
	}
	if r := rowByKey(t, b.sharing, "czjk/penalty"); !strings.Contains(r.Detail, "文号重复") {
		t.Errorf("rejections missing from detail: %q", r.Detail)
	}
}

func TestSyncRows(t *testing.T) {
	in := fixtureInput("zh")
	in.syncing["law-enforcement"] = true
	b := build(in)
	if got := rowKeys(b.endpoints); !slices.Equal(got, []string{"law-enforcement", "gov-service", "credit-platform"}) {
		t.Errorf("endpoints %v", got)
	}
	states := map[string]string{"law-enforcement": "* 同步中", "gov-service": "! 异常", "credit-platform": "- 未同步"}
	for k, want := range states {
		if r := rowByKey(t, b.endpoints, k); r.Cells[2] != want {
			t.Errorf("%s state %q, want %q", k, r.Cells[2], want)
		}
	}
	if b.failing != 1 || !b.newest.Equal(fxNow.Add(-10*time.Minute)) {
		t.Errorf("failing %d newest %v", b.failing, b.newest)
	}
	if len(b.depts) != len(credit.DefaultDepartments()) {
		t.Errorf("%d department rows", len(b.depts))
	}
	if r := rowByKey(t, b.depts, "city-zd"); strings.Join(r.Cells, "|") != "监察支队|0|3|6|0|130|139|10分钟前" {
		t.Errorf("监察支队 row %v", r.Cells)
	}
	if !strings.Contains(b.syncSum, "异常数据 2 条") {
		t.Errorf("quarantine missing: %q", b.syncSum)
	}
}

func TestUnknownYearWarnings(t *testing.T) {
	// Today in 2027 (known), a penalty eligible in 2028 (not known): warn
	// about 2028 because a shown date falls there.
	in := fixtureInput("zh")
	in.today = credit.MustDate("2027-11-30")
	in.now = in.today.Time().Add(9 * time.Hour)
	in.snap.Penalties = credittest.Penalties(append(in.snap.Penalties.All(),
		penaltySum("WJ-2027-1101", "320412", "武进区新建材料厂", "9132041211122230", "武应急罚〔2027〕101号", "2027-11-01", "2027-11-03", credit.General))...)
	b := build(in)
	if got := b.years.missing(in.rules.Cal, in.today); !slices.Equal(got, []int{2028}) {
		t.Errorf("missing years %v, want [2028]", got)
	}

	// Today in 2028: the header says so and the model shows the warning.
	d := fixtureDeps(t, "zh")
	d.Today = credit.MustDate("2028-01-10")
	d.Now = func() time.Time { return d.Today.Time().Add(9 * time.Hour) }
	m := loaded(t, d, 100, 30)
	view := m.View()
	if !strings.Contains(view, "! 日历未知") || !strings.Contains(view, "工作日日历缺少2028年节假日安排") {
		t.Errorf("no calendar warning:\n%s", view)
	}
}

func TestCleanText(t *testing.T) {
	if got := cleanText("a\nb\tc\x1b[31m\r"); strings.ContainsAny(got, "\n\t\x1b\r") {
		t.Errorf("control characters left: %q", got)
	}
}

// The sync tab judges each endpoint with credit.JudgeEndpoint: stale after
// three intervals without a complete pass, incomplete while a feed has
// never been walked to its end; both count as not OK in the header, and a
// scheduled retry shows with the error.
func TestSyncRowsStaleIncompleteRetry(t *testing.T) {
	in := fixtureInput("zh")
	eps := slices.Clone(in.snap.Endpoints)
	snap := *in.snap
	snap.Endpoints = eps
	in.snap = &snap
	eps[0].LastSuccess = fxNow.Add(-20 * time.Minute) // interval 5m: stale
	eps[0].LastAttempt = eps[0].LastSuccess
	eps[1].RetryAt = fxNow.Add(40 * time.Minute)
	eps = append(eps, credit.EndpointStatus{Name: "credit-platform", Feeds: []string{"sharing"}, LastAttempt: fxNow.Add(-time.Minute), Items: 500})
	snap.Endpoints = eps
	b := build(in)
	for k, want := range map[string]string{"law-enforcement": "! 过期", "gov-service": "! 异常", "credit-platform": "! 未完成"} {
		if r := rowByKey(t, b.endpoints, k); r.Cells[2] != want || !r.Alert {
			t.Errorf("%s state %q alert %v, want %q", k, r.Cells[2], r.Alert, want)
		}
	}
	if b.failing != 3 {
		t.Errorf("header counts %d not OK, want 3", b.failing)
	}
	if r := rowByKey(t, b.endpoints, "gov-service"); !strings.Contains(r.Detail, "10:10 重试") || !strings.HasPrefix(r.Cells[5], "10:10重试") {
		t.Errorf("retry time not shown: %q / %q", r.Cells[5], r.Detail)
	}
	if r := rowByKey(t, b.endpoints, "credit-platform"); !strings.Contains(r.Detail, "未完整同步：sharing") {
		t.Errorf("incomplete feeds not named: %q", r.Detail)
	}
}

// A live holder of the sync role in another process that shows no sign of
// work is stalled: every screen says so with its pid, and r says that no
// pass can start instead of pretending to request one. A holder that
// cannot write the cache says that too.
func TestStalledHolder(t *testing.T) {
	d := fixtureDeps(t, "zh")
	synced := 0
	d.SyncNow = func() error { synced++; return nil }
	holder := HolderInfo{PID: 4242, Command: "credwatch sync", Alive: true}
	d.Holder = func() (HolderInfo, bool) { return holder, true }
	loaded := func(t *testing.T, d Deps, w, h int) Model { // through the load command, which reads the holder
		m := New(d)
		m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
		return update(t, m, m.loadCmd()())
	}
	for i := range d.Endpoints {
		d.Endpoints[i].Interval = 5 * time.Minute
	}
	m := loaded(t, d, 120, 30) // the fixture's newest attempt is 2 minutes old; intervals 5m: not stalled
	if strings.Contains(m.View(), "已停滞") {
		t.Fatalf("a holder that worked 2 minutes ago is shown stalled:\n%s", m.View())
	}
	for i := range d.Endpoints {
		d.Endpoints[i].Interval = 10 * time.Second // now 2 minutes is 12 intervals
	}
	m = loaded(t, d, 120, 30)
	for _, tab := range []string{"1", "2", "3", "4", "5"} {
		m = update(t, m, runes(tab))
		if v := m.View(); !strings.Contains(v, "同步进程 credwatch sync（pid 4242）已停滞") {
			t.Errorf("tab %s does not say the holder is stalled:\n%s", tab, v)
		}
	}
	nm, cmd := m.Update(runes("r"))
	m = nm.(Model)
	if cmd != nil || synced != 0 || !strings.Contains(m.View(), "无法开始同步") {
		t.Errorf("r with a stalled holder: command %v, %d passes requested\n%s", cmd != nil, synced, m.View())
	}

	holder.Self = true // this process: it is working, not stalled
	holder.StoreError, holder.StoreErrorAt = "open cache.db: permission denied", fxNow.Add(-time.Minute)
	m = loaded(t, d, 160, 30)
	if v := m.View(); strings.Contains(v, "已停滞") || !strings.Contains(v, "无法写入缓存：open cache.db: permission denied") {
		t.Errorf("store error of the holder not shown:\n%s", v)
	}

	// Another process holds the role and is fine: r says so.
	holder = HolderInfo{PID: 7, Command: "credwatch sync", Alive: true}
	for i := range d.Endpoints {
		d.Endpoints[i].Interval = 5 * time.Minute
	}
	d.SyncNow = func() error {
		return errors.New("credwatch sync, pid 7 holds the sync role and syncs on its own schedule")
	}
	m = loaded(t, d, 160, 30)
	nm, cmd = m.Update(runes("r"))
	m = update(t, nm.(Model), cmd())
	if !strings.Contains(m.View(), "无法开始同步：credwatch sync, pid 7 holds the sync role") {
		t.Errorf("r without the sync role:\n%s", m.View())
	}
}

// Issue 16: the detail view names the rule set's source and the tier the
// dates use, flags an early application, an accident graded general and a
// 公示截止期 that is not the computed one, and shows CF_YXQ and CF_GSJZQ.
func TestDetailRulesV2(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		in := fixtureInput(lang)
		rec := penalty("AC-2024-0131", "320412", "武进区某化工有限公司", "9132041273456780", "武应急罚〔2024〕9号", "2024-01-31", "2024-02-02", credit.General)
		rec.Accident = true
		rec.ValidUntil, rec.PublishUntil = d("2099-12-31"), d("2025-01-31") // 12 months: the old general period
		in.snap.Repairs = in.snap.Repairs.With(credit.Repair{RecordKey: rec.Key(), Applied: d("2024-05-06")})
		var text []string
		for _, r := range detailRows(in, &rec) {
			text = append(text, strings.Join(r.Cells, " | "))
		}
		all := strings.Join(text, "\n")
		for _, want := range []string{
			"ndrc-2023", "第二条", "2025-02-01", "2027-01-31", // serious tier under Order No. 58
			credit.IssueAccidentGrading, credit.IssuePublishUntil, credit.IssueAppliedBeforeEligible,
			"2099-12-31 | CF_YXQ", "2025-01-31 | CF_GSJZQ",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("%s: detail lacks %q:\n%s", lang, want, all)
			}
		}
		if lang == "en" && strings.Contains(all, "三同步未落实") {
			t.Errorf("English detail has Chinese issue text:\n%s", all)
		}
	}
}

// The minor tier (ndrc-2026) has no disclosure deadline and is eligible on
// fulfilment: the repair tab puts it in its own section, not "eligible".
func TestRepairRowsMinor(t *testing.T) {
	in := fixtureInput("zh")
	minor := penaltySum("MI-2026-1102", "320412", "武进区某五金厂", "9132041273456780", "武应急罚〔2026〕200号", "2026-11-02", "", credit.Minor, "警告")
	in.snap.Penalties = credittest.Penalties(append(in.snap.Penalties.All(), minor)...)
	b := build(in)
	r := rowByKey(t, table.AllRows(b.repair.Source()), "penalty/MI-2026-1102")
	if r.Cells[repSection] != "履行完毕即可申请" || r.Cells[repEligible] != "履行完毕即可申请" || r.Cells[repLeft] != "-" || r.Cells[repThree] != "-" {
		t.Errorf("minor row %q", r.Cells)
	}
	full := penalty("MI-2026-1102", "320412", "武进区某五金厂", "9132041273456780", "武应急罚〔2026〕200号", "2026-11-02", "", credit.Minor, "警告")
	var text []string
	for _, row := range detailRows(in, &full) {
		text = append(text, strings.Join(row.Cells, " | "))
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"原则上不予公示", "法定责任履行完毕即可申请"} {
		if !strings.Contains(all, want) {
			t.Errorf("minor detail lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "逾期未公示") {
		t.Errorf("minor penalty shown as overdue:\n%s", all)
	}
}

// Issue 16 item 7: an application before eligibility is flagged on the
// repair row, not only in the detail view.
func TestRepairRowEarlyApplication(t *testing.T) {
	in := fixtureInput("zh")
	in.snap.Repairs = in.snap.Repairs.With(credit.Repair{RecordKey: "penalty/WJ-2026-1118", Applied: d("2026-11-25")})
	b := build(in)
	r := rowByKey(t, table.AllRows(b.repair.Source()), "penalty/WJ-2026-1118") // eligible 2027-02-19
	if r.Cells[repStatus] != "! 审核中 申请不符合条件" || !r.Alert {
		t.Errorf("early application row: status %q alert %v", r.Cells[repStatus], r.Alert)
	}
	if d := repairDetail(in, "penalty/WJ-2026-1118"); !strings.Contains(d, "早于可申请日2027-02-19") {
		t.Errorf("detail line: %q", d)
	}
	in.snap.Repairs = in.snap.Repairs.With(credit.Repair{RecordKey: "penalty/WJ-2026-1118", Applied: d("2027-02-19")})
	b = build(in)
	if r := rowByKey(t, table.AllRows(b.repair.Source()), "penalty/WJ-2026-1118"); strings.Contains(r.Cells[repStatus], "申请不符合条件") {
		t.Errorf("application on the eligibility day flagged: %q", r.Cells[repStatus])
	}
}

// Each figure of the repair tab's summary counts exactly the rows of the
// section it names (it once counted eligible penalties under review too:
// 已可申请 734 over a section of 350 rows).
func TestRepairSummaryCountsItsSections(t *testing.T) {
	in := fixtureInput("zh")
	growFixture(&in, 3000, 900)
	src, sum := buildRepair(in, &yearNotes{})
	count := map[int]int{}
	remind := 0
	for _, e := range src.entries {
		count[int(e.section)]++
		if e.section == secNow && e.flags&repReminded == 0 && in.snap.Penalties.At(int(e.pen)).Severity == credit.General {
			remind++
		}
	}
	late := 0
	for _, e := range src.entries {
		if e.section == secReview && e.flags&repStuck != 0 {
			late++
		}
	}
	want := in.cat.f("rep.sum", len(src.entries), in.deadlineDays, count[secSoon], count[secNow], remind, count[secReview], late, count[secNotRepairable])
	if sum != want {
		t.Errorf("summary %q, sections say %q", sum, want)
	}
	if count[secNow] == 0 || count[secReview] == 0 {
		t.Fatalf("the fixture has no eligible or review rows (%v): the test proves nothing", count)
	}
}

// The 7-working-day rule covers every kind: the sharing tab's overdue and
// late columns, and their totals, are the daily check's lines split by
// department and kind (a licence overdue showed "-" on its row while the
// check listed it).
func TestSharingTimelinessIsTheChecks(t *testing.T) {
	in := fixtureInput("zh")
	data := fixtureCheckData(in.snap)
	lic := credit.RecordRef{Key: "licence/XK-OLD", Dept: "city-whp", Kind: credit.Licence, Decided: fxToday.AddDays(-40)}
	late := credit.RecordRef{Key: "inspection/JC-LATE", Dept: "city-zd", Kind: credit.Inspection, Decided: fxToday.AddDays(-30), Disclosed: fxToday}
	orphan := credit.RecordRef{Key: "reward/JL-X", Dept: "320412", Kind: credit.Reward, Decided: fxToday.AddDays(-40)}
	data.Undisclosed = append(data.Undisclosed, lic, orphan)
	data.LateDisclosed = append(data.LateDisclosed, late)
	in.check, in.hasStore = data, true
	b := build(in)
	check, err := in.rules.DailyCheck(data, nil, in.today)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, it := range check.Items {
		counts[it.ID] = it.Count
	}
	var overdue, lateN int
	for _, r := range b.sharing {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.Cells[7], symBad+" "))
		l, _ := strconv.Atoi(r.Cells[8])
		overdue += n
		lateN += l
	}
	if overdue != counts[credit.CheckOverdue] || lateN != counts[credit.CheckLate] || overdue < 3 || lateN < 1 {
		t.Errorf("sharing rows: overdue %d late %d; check: overdue %d late %d", overdue, lateN, counts[credit.CheckOverdue], counts[credit.CheckLate])
	}
	if r := rowByKey(t, b.sharing, "city-whp/licence"); r.Cells[7] != symBad+" 1" || !r.Alert {
		t.Errorf("licence row %q", r.Cells)
	}
	if r := rowByKey(t, b.sharing, "320412/reward"); r.Cells[2] != "-" || r.Cells[7] != symBad+" 1" {
		t.Errorf("a kind the sharing list lacks, with an overdue record: %q", r.Cells)
	}
	if want := in.cat.f("sharing.sum", 0, 0, overdue, lateN, 0); !strings.Contains(b.sharingSum, fmt.Sprintf("逾期未公示 %d  逾期公示 %d", overdue, lateN)) {
		t.Errorf("summary %q, want the rows' totals (%q)", b.sharingSum, want)
	}
}

// On a cache in use since the day before yesterday, only those days can
// have been missed: a fresh cache does not report 29 missed sign-offs.
func TestHistoryStartsWhenTheCacheCameIntoUse(t *testing.T) {
	in := fixtureInput("zh")
	in.hasStore, in.check = true, &credit.CheckData{}
	in.signoffs = map[credit.Date]credit.Signoff{}
	in.inUseSince = fxToday.AddDays(-3) // Friday: Friday and today (Monday) are working days
	rows, missed := buildHistory(in)
	if len(rows) != 2 || missed != 1 {
		t.Errorf("history from %s: %d rows, %d missed; want today and Friday, Friday missed", in.inUseSince, len(rows), missed)
	}
	in.signoffSince = fxToday.AddDays(-30)
	if _, missed := buildHistory(in); missed < 15 {
		t.Errorf("a configured start a month back: %d missed", missed)
	}
}

// An imported record's detail names its file, sheet, row, hash and import
// time; a record from an endpoint has no such section.
func TestDetailOrigin(t *testing.T) {
	in := fixtureInput("zh")
	rec := penalty("imp:320412:武应急罚〔2026〕9号", "320412", "武进区某化工有限公司", "9132041273456780", "武应急罚〔2026〕9号", "2026-11-02", "", credit.General)
	plain := func(r *credit.Record) string {
		var text []string
		for _, row := range detailRows(in, r) {
			text = append(text, strings.Join(row.Cells, " | "))
		}
		return strings.Join(text, "\n")
	}
	if all := plain(&rec); strings.Contains(all, "导入来源") {
		t.Errorf("a record without origin shows one:\n%s", all)
	}
	rec.Origin = &credit.Origin{File: "武进区_行政处罚.xlsx", Sheet: "行政处罚", Row: 17, Hash: "0123456789abcdef",
		ImportedAt: time.Date(2026, 11, 30, 1, 2, 3, 0, time.UTC)}
	all := plain(&rec)
	for _, want := range []string{"[导入来源]", "来源文件 | 武进区_行政处罚.xlsx", "工作表 | 行政处罚", "行号 | 17", "内容哈希 | 0123456789abcdef", "导入时间 | 2026-11-30 09:02:03"} {
		if !strings.Contains(all, want) {
			t.Errorf("detail lacks %q:\n%s", want, all)
		}
	}
}
