package table

import (
	"strconv"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// goldenColumns are a repair-tab-like table: CJK names, a column that
// shrinks (Min), columns dropped when narrow (Drop), a right-aligned
// number. Adding a column is one entry here and one cell in goldenRows.
var goldenColumns = []Column{
	{Title: "企业名称", Min: 8},
	{Title: "文号", Min: 10},
	{Title: "失信程度", Drop: 1},
	{Title: "处罚决定日期", Drop: 2},
	{Title: "剩余", Right: true},
	{Title: "状态", Min: 6},
}

func goldenRows() []Row {
	names := []string{"常州恒泰化工有限公司", "武进区鑫达金属制品厂", "Changzhou Ltd. 新北分公司", "天宁区龙城纺织有限公司", "溧阳市华润建材厂"}
	sev := []string{"一般", "较重", "严重"}
	status := []string{"未申请", "! 审核中 超期未审", "已批准 待注销", "已注销", "未申请 到期提醒已发"}
	var rows []Row
	for i, n := range names {
		rows = append(rows, Row{
			Key:   "penalty/" + strconv.Itoa(i),
			Cells: []string{n, "常应急罚〔2026〕" + strconv.Itoa(100+i*7) + "号", sev[i%3], "2026-0" + strconv.Itoa(i+1) + "-15", strconv.Itoa(90-i*20) + "天", status[i]},
			Alert: i == 1,
			Dept:  []string{"320412", "320402"}[i%2],
		})
	}
	return rows
}

// TestGolden draws the table at two widths, after sorting, filtering and
// moving the cursor, and compares each View with a golden file in
// testdata/TestGolden. Regenerate with: go test ./tui/table/ -run TestGolden -update
func TestGolden(t *testing.T) {
	cases := []struct {
		name  string
		w, h  int
		setup func(m *Model)
	}{
		{name: "wide", w: 100, h: 8},
		{name: "narrow", w: 48, h: 8},
		{name: "sorted-desc-by-remaining", w: 100, h: 8, setup: func(m *Model) { m.SetSort(4, true); m.MoveDown(2) }},
		{name: "filtered", w: 100, h: 8, setup: func(m *Model) { m.SetFilter("有限公司") }},
		{name: "dept", w: 100, h: 8, setup: func(m *Model) { m.SetDeptFilter("320402") }},
		{name: "empty", w: 60, h: 4, setup: func(m *Model) { m.SetFilter("无此企业") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := New(goldenColumns, DefaultStyles(), DefaultKeyMap())
			m.SetEmpty("(无)")
			m.SetRows(goldenRows())
			m.SetSize(c.w, c.h)
			if c.setup != nil {
				c.setup(&m)
			}
			golden.RequireEqual(t, []byte(m.View()))
		})
	}
}
