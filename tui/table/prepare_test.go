package table

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/czyj/credwatch/credit/credittest"
)

// layoutCase is a table layout: sort, department filter, text filter,
// and the row the cursor is on (-1: the first row, which stays on top).
type layoutCase struct {
	sort   int
	desc   bool
	dept   string
	filter string
	cursor int
}

// apply gives tb the layout (sorting at once).
func (c layoutCase) apply(tb *Model) {
	tb.SetSort(c.sort, c.desc)
	tb.SetDeptFilter(c.dept)
	tb.SetFilter(c.filter)
	if c.cursor >= 0 {
		tb.SetCursor(c.cursor)
	}
}

func randomLayout(r *rand.Rand) layoutCase {
	filters := []string{"", "", "化", "化工", "a", "b1", "号", "zz"}
	depts := []string{"", "", "320412", "city-zd"}
	return layoutCase{sort: r.IntN(len(narrowCols)+1) - 1, desc: r.IntN(2) == 0, dept: depts[r.IntN(len(depts))],
		filter: filters[r.IntN(len(filters))], cursor: r.IntN(12) - 1}
}

// sameShown fails unless a and b show the same rows in the same order,
// with the cursor on the same row, the same widths and the same frame.
func sameShown(t *testing.T, what string, a, b *Model, cursor bool) {
	t.Helper()
	ra, rb := a.Rows(), b.Rows()
	if len(ra) != len(rb) {
		t.Fatalf("%s: %d rows, want %d", what, len(ra), len(rb))
	}
	for i := range ra {
		if ra[i].Key != rb[i].Key {
			t.Fatalf("%s: row %d is %q, want %q", what, i, ra[i].Key, rb[i].Key)
		}
	}
	sa, _ := a.Selected()
	sb, _ := b.Selected()
	if cursor && (a.Cursor() != b.Cursor() || sa.Key != sb.Key) {
		t.Fatalf("%s: cursor %d on %q, want %d on %q", what, a.Cursor(), sa.Key, b.Cursor(), sb.Key)
	}
	if !slices.Equal(a.natural, b.natural) || cursor && a.View() != b.View() {
		t.Fatalf("%s: widths %v, want %v; or the frames differ:\n%s\nwant\n%s", what, a.natural, b.natural, a.View(), b.View())
	}
}

// TestPrepareMatchesSetIndexed: new rows laid out by Prepare for the
// table's layout and swapped in by SetPrepared show what SetIndexed shows
// (sort, filters, cursor kept on its row), and so do rows prepared for a
// layout the officer has changed since (a filter typed on or replaced, a
// department filter set), without sorting in SetPrepared; a sort asked
// for since shows the prepared order until SetOrder is given the new one.
func TestPrepareMatchesSetIndexed(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 1))
	for round := range 300 {
		n := []int{0, 1, 30, 400}[round%4]
		old, rows := narrowRows(r, n), narrowRows(r, n)
		// Some keys of old are in rows too, so the cursor can stay on them.
		for i := range rows {
			if r.IntN(2) == 0 {
				rows[i].Key = fmt.Sprint("k", r.IntN(max(n, 1)))
			}
		}
		before, after := randomLayout(r), randomLayout(r)
		if round%3 == 0 {
			after = before // the layout did not change while the load ran
		}
		after.cursor = -2 // the cursor stays where the rows put it

		want := testTable(narrowCols, old, 100, 10)
		before.apply(&want)
		got := want
		got.SetRows(old) // its own copy of the rows shown
		lay := got.Layout()
		p := Prepare(Index(Rows(rows)), lay)

		// The officer changes the layout while the load runs.
		what := fmt.Sprintf("round %d, %d rows, %+v then %+v", round, n, before, after)
		if after.sort != before.sort || after.desc != before.desc {
			got.SetSortLater(after.sort, after.desc)
		}
		got.SetDeptFilter(after.dept)
		got.SetFilter(after.filter)
		got.SetPrepared(p)

		after.apply(&want)
		key, had := want.cursorKey()
		want.SetRows(rows)
		// A cursor whose row the new rows lack keeps its place, which a
		// sort shown later moves: the row it is on then.
		cursor := !got.Sorting() || !had || want.Len() > 0 && want.all.Row(want.rowAt(want.cursor)).Key == key
		if got.Sorting() {
			job := got.SortJob()
			if job == nil {
				t.Fatalf("%s: sorting, and no job", what)
			}
			if got.SortJob() != nil {
				t.Fatalf("%s: a second job for the same rows and sort", what)
			}
			if !got.SetOrder(job()) {
				t.Fatalf("%s: the order for the rows shown was dropped", what)
			}
		}
		sameShown(t, what, &got, &want, cursor)
		checkShown(t, what, &got, rows)
	}
}

// TestSetSortLater: a large table keeps its order until SetOrder gets the
// one SortJob made for its rows and the sort asked for; an order made for
// rows replaced since, or for a sort no more asked for, is dropped; a
// small table sorts at once.
func TestSetSortLater(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 2))
	rows := narrowRows(r, lateRows+100)
	tb := testTable(narrowCols, rows, 100, 10)
	tb.SetFilter("化")
	first := tb.Rows()[0].Key

	tb.SetSortLater(1, true)
	if col, desc := tb.Sort(); col != 1 || !desc || !tb.Sorting() {
		t.Fatalf("Sort %d %v, Sorting %v: want the sort asked for, not yet shown", col, desc, tb.Sorting())
	}
	if tb.Rows()[0].Key != first || tb.sortCol != -1 {
		t.Fatal("a large table sorted in SetSortLater")
	}
	job := tb.SortJob()
	if job == nil || tb.SortJob() != nil {
		t.Fatal("want one job for the rows and the sort asked for")
	}
	o := job()

	// Rows replaced meanwhile: the order is not theirs.
	stale := tb
	stale.SetRows(rows)
	if stale.SetOrder(o) {
		t.Fatal("an order made for other rows was shown")
	}
	// Another sort asked for meanwhile.
	other := tb
	other.SetSortLater(2, false)
	if other.SetOrder(o) {
		t.Fatal("an order for a sort no more asked for was shown")
	}
	if other.SortJob() == nil {
		t.Fatal("no job for the sort asked for since")
	}

	if !tb.SetOrder(o) || tb.Sorting() {
		t.Fatal("the order asked for was not shown")
	}
	checkShown(t, "sorted later", &tb, rows)
	if tb.SetOrder(o) {
		t.Fatal("an order shown twice")
	}

	// Back to the given order, and a small table: at once.
	tb.SetSortLater(-1, false)
	if tb.Sorting() || tb.SortJob() != nil {
		t.Fatal("the given order waited for a job")
	}
	checkShown(t, "given order", &tb, rows)
	small := testTable(narrowCols, rows[:500], 100, 10)
	small.SetSortLater(0, false)
	if small.Sorting() || small.SortJob() != nil {
		t.Fatal("a small table waited for a job")
	}
	checkShown(t, "small", &small, rows[:500])
}

// warmSource is a fakeSummaryRows whose Searcher counts its Warm calls.
type warmSource struct {
	*fakeSummaryRows
	warmed *int
}

type warmCounter struct {
	Searcher
	warmed *int
}

func (w warmCounter) Warm() { *w.warmed++ }

func (s warmSource) Search(fields []Field, among []int32) Searcher {
	return warmCounter{s.fakeSummaryRows.Search(fields, among), s.warmed}
}

// TestPrepareWarmsSearch checks that Prepare, which runs in a program's
// load command, makes the search ready, so that the first keystroke of a
// filter after a reload does not.
func TestPrepareWarmsSearch(t *testing.T) {
	pens := credittest.Penalties(hostileSummaries(rand.New(rand.NewPCG(1, 2)), 50, 0)...)
	src := warmSource{&fakeSummaryRows{pens: pens, cols: [3]int{1, 2, 3}}, new(int)}
	for i := range pens.Len() {
		src.pen = append(src.pen, i)
		src.extra = append(src.extra, "x")
	}
	r := Index(src)
	if *src.warmed != 0 {
		t.Fatalf("Index warmed the search %d times; Prepare is to", *src.warmed)
	}
	tb := New(narrowCols, DefaultStyles(), DefaultKeyMap())
	Prepare(r, tb.Layout())
	if *src.warmed != 1 {
		t.Errorf("Prepare warmed the search %d times, want 1", *src.warmed)
	}
}
