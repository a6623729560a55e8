package tui

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
)

// ageText matches what the screen writes for an age or a count of days
// left, which an export must never hold: it has the date or time instead.
var ageText = regexp.MustCompile(`前$|刚刚|从未|剩余|\d+天$|ago$|just now|^never$|\d+d left`)

// TestExportFor exports every view in both languages and checks each
// column's cells against its type: codes stay text, counts parse as
// numbers, days as dates, instants as RFC 3339 times; no cell is an age;
// the repair and queue exports have the department and rule set of each
// row; the About facts say the day, the officer and the rule sets.
func TestExportFor(t *testing.T) {
	snap := fixtureSnapshot()
	check := fixtureCheckData(snap)
	for _, lang := range []string{"zh", "en"} {
		dp := fixtureDeps(t, lang)
		dp.Officer = "张三"
		for _, view := range []string{"check", "history", "sharing", "sync", "depts", "repair", "queue"} {
			t.Run(lang+"/"+view, func(t *testing.T) {
				e, err := ExportFor(view, dp, snap, check, TableOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if len(e.Tables) != 1 {
					t.Fatalf("%d tables", len(e.Tables))
				}
				et := e.Tables[0]
				if len(et.Rows) == 0 && view != "history" {
					t.Fatalf("no rows")
				}
				keys := map[string]bool{}
				for _, col := range et.Columns {
					if col.Key == "" || col.Title == "" || keys[col.Key] || col.Key != strings.ToLower(col.Key) || strings.ContainsAny(col.Key, " -") {
						t.Errorf("column %+v: a key must be snake_case, unique and set, a title set", col)
					}
					keys[col.Key] = true
				}
				typed := map[credit.CellType]int{}
				for _, r := range et.Rows {
					if len(r) != len(et.Columns) {
						t.Fatalf("row of %d cells, %d columns", len(r), len(et.Columns))
					}
					for j, v := range r {
						col := et.Columns[j]
						if ageText.MatchString(v) {
							t.Errorf("%s: age text %q", col.Key, v)
						}
						if v == "" {
							continue
						}
						typed[col.Type]++
						var err error
						switch col.Type {
						case credit.CellNumber:
							_, err = strconv.ParseFloat(v, 64)
						case credit.CellDate:
							_, err = time.Parse(time.DateOnly, v)
						case credit.CellTime:
							_, err = time.Parse(time.RFC3339, v)
						case credit.CellCode, credit.CellText:
							if strings.HasPrefix(v, symBad+" ") || strings.HasPrefix(v, symOK+" ") {
								err = errorString("starts with a status symbol")
							}
						}
						if err != nil {
							t.Errorf("%s (%d): %q: %v", col.Key, col.Type, v, err)
						}
						if w := col.Width; w < len([]rune(v)) {
							t.Errorf("%s: width %d for %q", col.Key, w, v)
						}
					}
				}
				want := map[string][]credit.CellType{
					"check":   {credit.CellNumber},
					"history": {credit.CellDate},
					"sharing": {credit.CellCode, credit.CellNumber, credit.CellTime},
					"sync":    {credit.CellNumber, credit.CellTime},
					"depts":   {credit.CellCode, credit.CellNumber},
					"repair":  {credit.CellCode, credit.CellDate},
					"queue":   {credit.CellCode, credit.CellNumber, credit.CellDate},
				}[view]
				for _, ty := range want {
					if typed[ty] == 0 {
						t.Errorf("no cell of type %d", ty)
					}
				}
				if view == "repair" || view == "queue" {
					for _, k := range []string{"dept", "dept_code", "rule_set", "doc_no", "subject_name"} {
						j := slices.IndexFunc(et.Columns, func(c credit.ExportColumn) bool { return c.Key == k })
						if j < 0 {
							t.Errorf("no %s column", k)
							continue
						}
						if !slices.ContainsFunc(et.Rows, func(r []string) bool { return r[j] != "" }) {
							t.Errorf("column %s is empty", k)
						}
					}
				}
				about := map[string]string{}
				for _, f := range e.About {
					about[f.Name] = f.Value
				}
				c := newCatalog(lang)
				if about[c.t("about.today")] != "2026-11-30" || about[c.t("about.officer")] != "张三" || about[c.t("about.rulesets")] == "" {
					t.Errorf("about: %v", e.About)
				}
			})
		}
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

// TestExportForOptions: ExportFor filters and sorts as FilteredTable does,
// by a column named in either language or by its export key, and says so
// in About; the dates it writes are the ones the screen shows.
func TestExportForOptions(t *testing.T) {
	dp := fixtureDeps(t, "zh")
	snap := fixtureSnapshot()
	for _, sort := range []string{"可申请修复日", "Eligible from", "eligible_from"} {
		e, err := ExportFor("repair", dp, snap, nil, TableOptions{Filter: "武进", Sort: sort, Desc: true})
		if err != nil {
			t.Fatal(err)
		}
		cols, rows, err := FilteredTable("repair", dp, snap, nil, TableOptions{Filter: "武进", Sort: sort, Desc: true})
		if err != nil {
			t.Fatal(err)
		}
		elig := slices.Index(cols, "可申请修复日")
		et := e.Tables[0]
		if len(et.Rows) != len(rows) || len(rows) == 0 {
			t.Fatalf("sort %q: %d rows, FilteredTable %d", sort, len(et.Rows), len(rows))
		}
		j := slices.IndexFunc(et.Columns, func(c credit.ExportColumn) bool { return c.Key == "eligible_from" })
		for i := range rows {
			if et.Rows[i][j] != rows[i][elig] {
				t.Errorf("row %d: eligible %q, screen %q", i, et.Rows[i][j], rows[i][elig])
			}
		}
		if !slices.Contains(e.About, credit.ExportFact{Name: "排序", Value: "可申请修复日 降序"}) ||
			!slices.Contains(e.About, credit.ExportFact{Name: "筛选", Value: "武进"}) {
			t.Errorf("about: %v", e.About)
		}
	}
	if _, err := ExportFor("repair", dp, snap, nil, TableOptions{Sort: "nope"}); err == nil {
		t.Error("unknown sort column accepted")
	}
	if _, err := ExportFor("nope", dp, snap, nil, TableOptions{}); err == nil {
		t.Error("unknown view accepted")
	}
	if _, err := ExportFor("check", dp, snap, nil, TableOptions{}); err == nil {
		t.Error("check without data accepted")
	}
}

// TestExportKeys: with Deps.Export, e gives it the table on screen typed
// (its filter and sort) as xlsx, E as json, :export csv as csv, and the
// status line shows the path it returns; an unknown format is refused; a
// view over the tabs goes as its cells' text; ExportCommand still wins.
func TestExportKeys(t *testing.T) {
	type call struct {
		e      credit.Export
		format string
	}
	var calls []call
	dp, _ := storeDeps(t, "zh")
	dp.Export = func(e credit.Export, format string) (string, error) {
		calls = append(calls, call{e, format})
		return "/srv/exports/credwatch-" + format, nil
	}
	m := loadedStore(t, dp, 100, 30)
	if m.keys.Export.Help().Desc != "导出Excel" {
		t.Errorf("help does not say e exports Excel: %q", m.keys.Export.Help().Desc)
	}
	m = keys(t, m, runes("4"), runes("/"), typeText("武进"), keyMsg("enter"), runes(">"), runes(">"))
	for _, k := range []struct {
		keys   []tea.KeyMsg
		format string
	}{
		{[]tea.KeyMsg{runes("e")}, "xlsx"},
		{[]tea.KeyMsg{runes("E")}, "json"},
		{[]tea.KeyMsg{runes(":"), typeText("export csv"), keyMsg("enter")}, "csv"},
	} {
		calls = nil
		m = keys(t, m, k.keys[:len(k.keys)-1]...)
		m2, cmd := press(t, m, k.keys[len(k.keys)-1])
		m = run(t, m2, cmd)
		if len(calls) != 1 || calls[0].format != k.format {
			t.Fatalf("%s: calls %+v", k.format, calls)
		}
		if !strings.Contains(m.View(), "/srv/exports/credwatch-"+k.format) {
			t.Errorf("%s: path not shown:\n%s", k.format, m.View())
		}
		e := calls[0].e
		et := e.Tables[0]
		name := slices.IndexFunc(et.Columns, func(c credit.ExportColumn) bool { return c.Key == "subject_name" })
		if et.Name != "信用修复" || len(et.Rows) != 2 || name < 0 ||
			!slices.IsSortedFunc(et.Rows, func(a, b []string) int { return strings.Compare(a[name], b[name]) }) {
			t.Errorf("%s: export %s %v", k.format, et.Name, et.Rows)
		}
		if !slices.Contains(e.About, credit.ExportFact{Name: "筛选", Value: "武进"}) ||
			!slices.Contains(e.About, credit.ExportFact{Name: "值班人员", Value: "张三"}) {
			t.Errorf("%s: about %v", k.format, e.About)
		}
	}
	calls = nil
	m = keys(t, m, runes(":"), typeText("export PDF"), keyMsg("enter"))
	if len(calls) != 0 || !strings.Contains(m.View(), "无法导出为 PDF") {
		t.Errorf("pdf: calls %v\n%s", calls, m.View())
	}
	// The outbox, a view over the tabs.
	m = keys(t, m, runes("o"))
	m2, cmd := press(t, m, runes("e"))
	run(t, m2, cmd)
	if len(calls) != 1 || calls[0].e.Tables[0].Name != "待发送操作" || len(calls[0].e.Tables[0].Rows) == 0 {
		t.Fatalf("outbox export: %+v", calls)
	}
	// Typed as its columns say: the history with the agency's receipt, the
	// record by name and document number and its key.
	ob := calls[0].e.Tables[0]
	col := func(key string) int {
		return slices.IndexFunc(ob.Columns, func(c credit.ExportColumn) bool { return c.Key == key })
	}
	receipt, received, doc, rec := col("receipt"), col("received_at"), col("doc_no"), col("record_key")
	if receipt < 0 || received < 0 || doc < 0 || rec < 0 || ob.Columns[receipt].Type != credit.CellCode || ob.Columns[received].Type != credit.CellTime {
		t.Fatalf("outbox export columns: %+v", ob.Columns)
	}
	last := ob.Rows[len(ob.Rows)-1] // the oldest accepted action
	if last[receipt] != "act-29c1af16-000009" || last[received] == "" || last[doc] != "钟应急罚〔2026〕52号" || last[rec] != "penalty/ZL-2026-0520" {
		t.Errorf("outbox export, last row: %q", last)
	}
	// Over SSH the command is shown and nothing is written.
	calls = nil
	dp.ExportCommand = func(r ExportRequest) string { return "credwatch export " + r.View }
	m = loadedStore(t, dp, 100, 30)
	m = keys(t, m, runes("4"))
	m2, cmd = press(t, m, runes("e"))
	run(t, m2, cmd)
	if len(calls) != 0 || !strings.Contains(m2.View(), "credwatch export repair") {
		t.Errorf("ExportCommand not preferred: calls %v\n%s", calls, m2.View())
	}
}

// TestExportSyncTabTyped: the sync tab's endpoint table exports its last
// success as a time, not an age, in the TUI as in ExportFor.
func TestExportSyncTabTyped(t *testing.T) {
	var got credit.Export
	dp, _ := storeDeps(t, "en")
	dp.Export = func(e credit.Export, format string) (string, error) { got = e; return "/x." + format, nil }
	m := loadedStore(t, dp, 100, 30)
	m = keys(t, m, runes("3"))
	m2, cmd := press(t, m, runes("e"))
	run(t, m2, cmd)
	want, err := ExportFor("sync", dp, m.snap, nil, TableOptions{})
	if err != nil || len(got.Tables) != 1 {
		t.Fatalf("%v %+v", err, got)
	}
	if !slices.EqualFunc(got.Tables[0].Rows, want.Tables[0].Rows, slices.Equal) {
		t.Errorf("TUI export\n%q\nExportFor\n%q", got.Tables[0].Rows, want.Tables[0].Rows)
	}
}
