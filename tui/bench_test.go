package tui

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// BenchmarkBuild measures computing every view from a city-sized snapshot,
// which Update does once per snapshot and once per age tick.
func BenchmarkBuild(b *testing.B) {
	in := fixtureInput("zh")
	growFixture(&in, 3000, 0)
	b.ResetTimer()
	for b.Loop() {
		build(in)
	}
}

// benchDepts are the departments of the synthetic repair rows: id, code,
// short name, full name (as deptSearch joins them).
var benchDepts = [][4]string{
	{"city-zd", "320400", "监察支队", "常州市安全生产监察支队"},
	{"320402", "320402", "天宁", "常州市天宁区应急管理局"},
	{"320404", "320404", "钟楼", "常州市钟楼区应急管理局"},
	{"320411", "320411", "新北", "常州市新北区应急管理局"},
	{"320412", "320412", "武进", "常州市武进区应急管理局"},
	{"320413", "320413", "金坛", "常州市金坛区应急管理局"},
	{"320481", "320481", "溧阳", "溧阳市应急管理局"},
	{"city-jk", "320491", "经开区", "常州经济技术开发区应急管理局"},
}

var (
	benchPlaces = []string{"常州", "武进区", "新北区", "天宁区", "钟楼区", "金坛", "溧阳", "江苏", "常州市", "湖塘"}
	benchWords  = []string{"恒泰", "鑫达", "龙城", "华润", "永盛", "天合", "东方", "明辉", "瑞丰", "宏远", "金鹰", "新科", "博远", "嘉业", "中信", "协力", "长江", "正大", "汇通", "佳禾"}
	benchTrades = []string{"化工", "金属制品", "机械", "纺织", "电子", "物流", "建材", "塑料", "精密铸造", "新材料", "涂料", "电器", "食品", "印染", "化学品仓储"}
	benchForms  = []string{"有限公司", "股份有限公司", "厂", "有限责任公司", "科技有限公司"}
	benchDocs   = []string{"常应急罚", "常武应急罚", "常新应急罚", "常天应急罚", "常钟应急罚", "坛应急罚", "溧应急罚", "常经应急罚"}
	benchSev    = []string{"一般", "较重", "严重"}
	benchStatus = []string{"未申请 未发到期提醒", "未申请 到期提醒已发", "审核中", "! 审核中 超期未审", "已批准 待注销", "已注销", "! 未申请 待发到期提醒", "-"}
	benchSects  = []string{"30天内可申请", "已可申请", "审核中", "尚未到期", "已审结", "不可修复"}
	benchUSCC   = "0123456789ABCDEFGHJKLMNPQRTUWXY"
)

// benchRepairRows returns n rows shaped like the 修复期限 tab's: ten cells
// (section, company name, department, credit code, document number,
// severity, decided, eligible from, days left, status), a department, and
// the department's names as Search text, allocated per row as rows.go
// does.
func benchRepairRows(n int) []Row {
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	rows := make([]Row, n)
	for i := range rows {
		dp := benchDepts[r.IntN(len(benchDepts))]
		name := pick(benchPlaces) + pick(benchWords) + pick(benchTrades) + pick(benchForms)
		var code strings.Builder
		code.WriteString("9132" + dp[1][2:])
		for range 10 {
			code.WriteByte(benchUSCC[r.IntN(len(benchUSCC))])
		}
		year := 2021 + r.IntN(6)
		doc := fmt.Sprintf("%s〔%d〕%d号", pick(benchDocs), year, 1+r.IntN(400))
		decided := credit.MustDate(fmt.Sprintf("%d-01-01", year)) + credit.Date(r.IntN(365))
		elig, left := (decided + credit.Date(90+r.IntN(1000))).String(), strconv.Itoa(1+r.IntN(400))+"天"
		switch r.IntN(6) {
		case 0:
			elig, left = "不可修复", "-"
		case 1, 2:
			left = "已可申请"
		}
		rows[i] = Row{
			Key:    fmt.Sprintf("penalty/%s-%d-%06d", dp[1], year, i),
			Cells:  []string{pick(benchSects), name, dp[2], code.String(), doc, pick(benchSev), decided.String(), elig, left, pick(benchStatus)},
			Alert:  r.IntN(10) == 0,
			Detail: "统一社会信用代码 " + code.String() + "，决定 " + decided.String() + "，规则 2023 版",
			Dept:   dp[0],
			Search: strings.Join(dp[:], " "),
		}
	}
	return rows
}

var benchRows = struct {
	sync.Mutex
	m map[int][]Row
}{m: map[int][]Row{}}

func benchRowsOf(n int) []Row {
	benchRows.Lock()
	defer benchRows.Unlock()
	if rows, ok := benchRows.m[n]; ok {
		return rows
	}
	rows := benchRepairRows(n)
	benchRows.m[n] = rows
	return rows
}

func benchTable(rows []Row) Table {
	t := table.New(repairColumns(newCatalog("zh")), table.DefaultStyles(), table.DefaultKeyMap())
	t.SetSize(120, 30)
	t.SetRows(rows)
	return t
}

// BenchmarkFilter is one keystroke in the table's text filter over 30k and
// 300k repair-shaped rows (the 修复期限 tab at 100k and 1M records), to its
// frame (SetFilter, then View): "first" types 化 into an empty filter,
// "extend" 化 -> 化工, "backspace" 化工 -> 化, "clear" 化 -> "", and
// "cycle" repeats the four as BenchmarkFilter in cmd/credwatch does. "dept"
// types 化工 one character at a time under a department filter; "sorted"
// is the cycle with the rows sorted by name. Targets: ≤ 10 ms at 30k
// rows, ≤ 30 ms at 300k.
func BenchmarkFilter(b *testing.B) {
	type step struct{ from, to string }
	cases := []struct {
		name  string
		steps []step // the timed keystrokes; each starts from its from
		setup func(t *Table)
	}{
		{name: "first", steps: []step{{"", "化"}}},
		{name: "extend", steps: []step{{"化", "化工"}}},
		{name: "backspace", steps: []step{{"化工", "化"}}},
		{name: "clear", steps: []step{{"化", ""}}},
		{name: "cycle", steps: []step{{"", "化"}, {"化", "化工"}, {"化工", "化"}, {"化", ""}}},
		{name: "dept", steps: []step{{"", "化"}, {"化", "化工"}, {"化工", "化"}, {"化", ""}},
			setup: func(t *Table) { t.SetDeptFilter("320412") }},
		{name: "sorted", steps: []step{{"", "化"}, {"化", "化工"}, {"化工", "化"}, {"化", ""}},
			setup: func(t *Table) { t.SetSort(1, false) }},
	}
	for _, n := range []int{30_000, 300_000} {
		rows := benchRowsOf(n)
		b.Run(fmt.Sprintf("rows=%dk", n/1000), func(b *testing.B) {
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					t := benchTable(rows)
					if c.setup != nil {
						c.setup(&t)
					}
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						s := c.steps[i%len(c.steps)]
						if t.Filter() != s.from {
							// Reach from as typing would: through its
							// prefixes, untimed.
							b.StopTimer()
							t.SetFilter("")
							for j := range s.from {
								if j > 0 {
									t.SetFilter(s.from[:j])
								}
							}
							t.SetFilter(s.from)
							b.StartTimer()
						}
						t.SetFilter(s.to)
						_ = t.View()
					}
				})
			}
		})
	}
}

// BenchmarkTableSetRows is SetRows of 30k and 300k repair-shaped rows, and
// reports what the table keeps per row beyond the rows themselves
// (retained-B/row, heap in use after a GC, before and after SetRows) and
// after typing 化 (filtered-B/row).
func BenchmarkTableSetRows(b *testing.B) {
	for _, n := range []int{30_000, 300_000} {
		rows := benchRowsOf(n)
		b.Run(fmt.Sprintf("rows=%dk", n/1000), func(b *testing.B) {
			var retained, filtered float64
			for b.Loop() {
				b.StopTimer()
				var ms runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&ms)
				before := ms.HeapAlloc
				t := table.New(repairColumns(newCatalog("zh")), table.DefaultStyles(), table.DefaultKeyMap())
				t.SetSize(120, 30)
				b.StartTimer()
				t.SetRows(rows)
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&ms)
				retained = float64(int64(ms.HeapAlloc)-int64(before)) / float64(n)
				t.SetFilter("化")
				_ = t.View()
				runtime.GC()
				runtime.ReadMemStats(&ms)
				filtered = float64(int64(ms.HeapAlloc)-int64(before)) / float64(n)
				runtime.KeepAlive(&t)
				b.StartTimer()
			}
			b.ReportMetric(retained, "retained-B/row")
			b.ReportMetric(filtered, "filtered-B/row")
		})
	}
}

// BenchmarkSort sorts 300k and 1M repair-shaped rows by the enterprise
// name and by the department (SetSort on a table holding them, the order
// made anew each time): "pinyin" as the tab sorts them (Column.Collate: a
// collation key per row, or per department, then a byte comparison per
// pair), "codepoint" the same column without Collate, as it sorted
// before. The difference is the collation's cost.
func BenchmarkSort(b *testing.B) {
	for _, n := range []int{300_000, 1_000_000} {
		rows := benchRowsOf(n)
		for _, c := range []struct {
			col      int
			collated bool
			name     string
		}{{1, true, "name/pinyin"}, {1, false, "name/codepoint"}, {2, true, "dept/pinyin"}, {2, false, "dept/codepoint"}} {
			b.Run(fmt.Sprintf("rows=%dk/%s", n/1000, c.name), func(b *testing.B) {
				cols := repairColumns(newCatalog("zh"))
				cols[c.col].Collate = c.collated
				t := table.New(cols, table.DefaultStyles(), table.DefaultKeyMap())
				t.SetSize(120, 30)
				t.SetRows(rows)
				for b.Loop() {
					t.SetSort(-1, false)
					t.SetSort(c.col, false)
				}
			})
		}
	}
}

// BenchmarkRebuild is the repair and queue tabs of a generation that
// changed 1,000 records (summaries and repairs changed, added, removed:
// randomChanges) of a cache of 30k and 300k penalties (100k and 1M
// records), built in full ("full", as every generation was before) and
// patched from the last generation's tabs ("patched"), then laid out
// for a table with a filter typed (table.Prepare), as a load does.
func BenchmarkRebuild(b *testing.B) {
	for _, n := range []int{30_000, 300_000} {
		in := patchBase(n)
		prev := buildPenaltyTabs(in)
		next := randomChanges(rand.New(rand.NewPCG(1, 1)), in, 1000)
		lay := benchLayout()
		for _, mode := range []string{"full", "patched"} {
			b.Run(fmt.Sprintf("pens=%dk/%s", n/1000, mode), func(b *testing.B) {
				for b.Loop() {
					var t *penaltyTabs
					if mode == "patched" {
						if t = patchPenaltyTabs(prev, &next); t == nil {
							b.Fatal("not patched")
						}
					} else {
						t = buildPenaltyTabs(next)
					}
					_ = table.Prepare(t.repair, lay)
				}
			})
		}
	}
}

// benchLayout is the repair table's layout with 化工 typed in its filter.
func benchLayout() table.Layout {
	t := table.New(repairColumns(newCatalog("zh")), table.DefaultStyles(), table.DefaultKeyMap())
	t.SetFilter("化工")
	return t.Layout()
}
