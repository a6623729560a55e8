package tui

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/credit/credittest"
	"github.com/czyj/credwatch/tui/table"
)

// patchBase returns the fixture grown by n penalties, its lists packed in
// ID order as Store.Snapshot reads them (so that they can be patched).
func patchBase(n int) buildInput {
	in := fixtureInput("zh")
	growFixture(&in, n, 97)
	pens := in.snap.Penalties.All()
	slices.SortFunc(pens, func(a, b credit.PenaltySummary) int { return strings.Compare(a.ID, b.ID) })
	snap := *in.snap
	snap.Penalties = credittest.Penalties(pens...)
	in.snap = &snap
	return in
}

// randomChanges patches in's penalties and repairs with k random changes
// (summaries and repairs changed, added and removed, repairs of penalties
// not cached) and returns the input of the new generation.
func randomChanges(r *rand.Rand, in buildInput, k int) buildInput {
	pens, reps := &in.snap.Penalties, &in.snap.Repairs
	var ups []credit.PenaltySummary
	var dels []string
	var rups []credit.Repair
	var rdels []string
	depts := []string{"city-zd", "320412", "320411", "320402", "320404", "320481", "320413", "czjk", "nowhere"}
	names := []string{"常州新科化工有限公司", "ABC Trading 有限公司", "Évian 贸易", "名称\t带控制符", "  前后空格  ", "武进区汇丰五金厂"}
	for range k {
		switch c := r.IntN(10); {
		case c < 4 && pens.Len() > 0: // a summary changed
			p := pens.At(r.IntN(pens.Len()))
			p.PenaltyTypes = slices.Clone(p.PenaltyTypes)
			switch r.IntN(6) {
			case 0:
				p.SubjectName = names[r.IntN(len(names))]
			case 1:
				p.Dept = depts[r.IntN(len(depts))]
			case 2:
				p.Decided = p.Decided.AddDays(r.IntN(400) - 200)
			case 3:
				p.Severity = []credit.Severity{credit.General, credit.Serious}[r.IntN(2)]
			case 4:
				p.DocNo = fmt.Sprintf("常应急罚〔%d〕%d号", 2020+r.IntN(7), r.IntN(500))
			default:
				p.ReminderSet = !p.ReminderSet
			}
			ups = append(ups, p)
		case c < 6: // a summary added
			base := credit.PenaltySummary{ID: fmt.Sprintf("NEW-%06d", r.IntN(1_000_000)), Dept: depts[r.IntN(len(depts))],
				SubjectName: names[r.IntN(len(names))], USCC: "91320400MA1X" + fmt.Sprint(r.IntN(100000)), DocNo: "新应急罚〔2026〕1号",
				Severity: credit.General, Decided: fxToday.AddDays(-r.IntN(900)), PenaltyTypes: []string{"罚款"}, NoticeGiven: true}
			ups = append(ups, base)
		case c < 7 && pens.Len() > 0: // a summary removed
			dels = append(dels, pens.ID(r.IntN(pens.Len())))
		case c < 9: // a repair changed or added
			var key string
			switch {
			case r.IntN(8) == 0:
				key = "penalty/NOT-CACHED-" + fmt.Sprint(r.IntN(50))
			case pens.Len() > 0:
				key = credit.RecordKey(credit.Penalty, pens.ID(r.IntN(pens.Len())))
			default:
				continue
			}
			rep := credit.Repair{RecordKey: key}
			day := fxToday.AddDays(-r.IntN(120))
			switch r.IntN(5) {
			case 0:
				rep.ReminderSent = day
			case 1:
				rep.Applied = day
			case 2:
				rep.Applied, rep.Reviewed, rep.Outcome = day, day+3, credit.OutcomeApproved
			case 3:
				rep.Applied, rep.Reviewed, rep.Outcome, rep.Cancelled = day, day+3, credit.OutcomeApproved, day+5
			default:
				rep.Applied, rep.Reviewed, rep.Outcome = day, day+3, credit.OutcomeRejected
			}
			rups = append(rups, rep)
		default: // a repair removed
			if reps.Len() > 0 {
				rdels = append(rdels, reps.Key(r.IntN(reps.Len())))
			}
		}
	}
	np, ok := pens.Patch(ups, dels)
	if !ok {
		panic("patch refused")
	}
	snap := *in.snap
	snap.Penalties, snap.Repairs = np, reps.Patch(rups, rdels)
	in.snap = &snap
	return in
}

// sameTabs fails t unless got shows what want shows: the summaries and
// year notes, every row of both tabs (cells, key, detail, sort keys,
// item), their exports, and the rows kept by filters, department
// filters and sorts, and the frames that show them.
func sameTabs(t *testing.T, got, want *penaltyTabs) {
	t.Helper()
	if got.repairSum != want.repairSum || got.queueSum != want.queueSum {
		t.Fatalf("summaries: got %q, %q; want %q, %q", got.repairSum, got.queueSum, want.repairSum, want.queueSum)
	}
	if g, w := got.years.missing(credit.BuiltinCalendar(), fxToday), want.years.missing(credit.BuiltinCalendar(), fxToday); !slices.Equal(g, w) ||
		!reflect.DeepEqual(normYears(got.years), normYears(want.years)) {
		t.Fatalf("years: got %v, want %v", got.years, want.years)
	}
	gr, wr := got.repair.Source().(*repairRows), want.repair.Source().(*repairRows)
	gq, wq := got.queue.Source().(*queueRows), want.queue.Source().(*queueRows)
	sameRows(t, "repair", got.repair.Source(), want.repair.Source(), func(i int) []string { return exportCells(repairTab, gr.line(i)) },
		func(i int) []string { return exportCells(repairTab, wr.line(i)) })
	sameRows(t, "queue", got.queue.Source(), want.queue.Source(), func(i int) []string { return exportCells(queueTab, gq.line(i)) },
		func(i int) []string { return exportCells(queueTab, wq.line(i)) })
	sameTables(t, "repair", repairColumns(gr.cat), got.repair, want.repair)
	sameTables(t, "queue", queueColumns(gq.cat), got.queue, want.queue)
}

func normYears(y yearNotes) [2][]int {
	var out [2][]int
	for yr := range y.unknown {
		out[0] = append(out[0], yr)
	}
	for yr := range y.shown {
		out[1] = append(out[1], yr)
	}
	slices.Sort(out[0])
	slices.Sort(out[1])
	return out
}

func sameRows(t *testing.T, name string, got, want RowSource, gotExport, wantExport func(i int) []string) {
	t.Helper()
	if got.Len() != want.Len() {
		t.Fatalf("%s: %d rows, want %d", name, got.Len(), want.Len())
	}
	gs, ws := got.(table.SharedSource), want.(table.SharedSource)
	for i := range got.Len() {
		g, w := got.Row(i), want.Row(i)
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("%s row %d:\n got %+v\nwant %+v", name, i, g, w)
		}
		if gs.Item(i) != ws.Item(i) {
			t.Fatalf("%s row %d: item %d, want %d", name, i, gs.Item(i), ws.Item(i))
		}
		if got.Find(g.Key) != i {
			t.Fatalf("%s: Find(%q) = %d, want %d", name, g.Key, got.Find(g.Key), i)
		}
		if ge, we := gotExport(i), wantExport(i); !slices.Equal(ge, we) {
			t.Fatalf("%s row %d export:\n got %q\nwant %q", name, i, ge, we)
		}
	}
}

// patchFilters are the filters sameTables types: text in the names, codes,
// document numbers, sections and statuses, in either case.
var patchFilters = []string{"化", "化工", "有限", "abc", "ABC", "évian", "9132", "〔2026〕", "审核", "天", "-", "控制", "可申请", "2026-1", "zz-none", "称\t带", "x  前后"}

func sameTables(t *testing.T, name string, cols []Column, got, want table.Indexed) {
	t.Helper()
	mk := func(x table.Indexed) Table {
		tb := table.New(cols, table.DefaultStyles(), table.DefaultKeyMap())
		tb.SetSize(160, 40)
		tb.SetIndexed(x)
		return tb
	}
	g, w := mk(got), mk(want)
	check := func(what string) {
		t.Helper()
		if g.Len() != w.Len() {
			t.Fatalf("%s %s: %d rows shown, want %d", name, what, g.Len(), w.Len())
		}
		for j := range g.Len() {
			if g.SourceIndex(j) != w.SourceIndex(j) {
				t.Fatalf("%s %s: shown row %d is %d, want %d", name, what, j, g.SourceIndex(j), w.SourceIndex(j))
			}
		}
		if gv, wv := g.View(), w.View(); gv != wv {
			t.Fatalf("%s %s: frames differ:\n%s\nwant\n%s", name, what, gv, wv)
		}
	}
	check("unfiltered")
	for _, dept := range []string{"", "320412", "nowhere"} {
		g.SetDeptFilter(dept)
		w.SetDeptFilter(dept)
		for _, f := range patchFilters {
			g.SetFilter(f)
			w.SetFilter(f)
			check(fmt.Sprintf("dept %q filter %q", dept, f))
		}
		g.SetFilter("")
		w.SetFilter("")
	}
	g.SetDeptFilter("")
	w.SetDeptFilter("")
	for _, col := range []int{1, 3} {
		g.SetSort(col, col == 3)
		w.SetSort(col, col == 3)
		g.SetFilter("有限")
		w.SetFilter("有限")
		check(fmt.Sprintf("sort %d", col))
		g.SetFilter("")
		w.SetFilter("")
	}
}

// TestPatchedTabsAsBuilt applies random change sets, generation after
// generation, and checks that the tabs patched from the last generation's
// (patchPenaltyTabs) show what tabs built in full do, at several sizes,
// with and without a scope.
func TestPatchedTabsAsBuilt(t *testing.T) {
	for _, size := range []int{0, 300, 3000} {
		for _, scope := range [][]string{nil, {"320412", "city-zd", "nowhere"}} {
			t.Run(fmt.Sprintf("size=%d/scope=%d", size, len(scope)), func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(size), uint64(len(scope))))
				in := patchBase(size)
				in.scope = scope
				prev := buildPenaltyTabs(in)
				patched := 0
				for gen := range 12 {
					k := 1 + r.IntN(max(2, in.snap.Penalties.Len()/20))
					if gen == 5 {
						k = 0 // a generation that changed nothing
					}
					in = randomChanges(r, in, k)
					in.prevTabs = prev
					got := patchPenaltyTabs(prev, &in)
					in.prevTabs = nil
					want := buildPenaltyTabs(in)
					if got == nil {
						if k <= in.snap.Penalties.Len()/patchFraction/2 {
							t.Fatalf("generation %d: %d changes to %d penalties built in full", gen, k, in.snap.Penalties.Len())
						}
						prev = want
						continue
					}
					patched++
					sameTabs(t, got, want)
					prev = got
				}
				if patched < 6 {
					t.Fatalf("only %d of 12 generations patched", patched)
				}
			})
		}
	}
}

// TestPatchLeavesOldTabs checks that patching does not modify the tabs
// patched from, which other sessions may be showing.
func TestPatchLeavesOldTabs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	in := patchBase(2000)
	old := buildPenaltyTabs(in)
	again := buildPenaltyTabs(in)
	next := randomChanges(r, in, 40)
	if patchPenaltyTabs(old, &next) == nil {
		t.Fatal("not patched")
	}
	sameTabs(t, old, again)
}

// TestPatchNeedsSameKey: another day, or other settings, build in full.
func TestPatchNeedsSameKey(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	in := patchBase(500)
	prev := buildPenaltyTabs(in)
	next := randomChanges(r, in, 5)
	if patchPenaltyTabs(prev, &next) == nil {
		t.Fatal("same key: not patched")
	}
	for name, change := range map[string]func(*buildInput){
		"today": func(in *buildInput) { in.today++ },
		"days":  func(in *buildInput) { in.deadlineDays += 3 },
		"scope": func(in *buildInput) { in.scope = []string{"320412"} },
		"lang":  func(in *buildInput) { in.cat = newCatalog("en") },
	} {
		other := next
		change(&other)
		if patchPenaltyTabs(prev, &other) != nil {
			t.Errorf("%s changed: patched", name)
		}
	}
	// Too many changes: built in full.
	many := randomChanges(r, in, in.snap.Penalties.Len())
	if patchPenaltyTabs(prev, &many) != nil {
		t.Error("a generation changing most penalties was patched")
	}
}
