package table

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/czyj/credwatch/credit/credittest"
)

// canonRow is what an index holds of row i, whichever way it holds it
// (a dictionary or text): each column's lower-cased text and width (up to
// wideCell), "item" for an item cell searched in place, the row's group
// and its item.
func (x *rowIndex) canonRow(i int) []string {
	out := make([]string, x.stride, x.stride+3)
	k := len(x.text)
	seg := x.hay[x.off[i]:x.off[i+1]]
	for j, c := range x.text {
		w := x.tw[i*k+j]
		if x.st != nil && x.st.pen[i] >= 0 && x.st.field[j] != 0 {
			out[c] = fmt.Sprint("item|", w)
			continue
		}
		cell := ""
		if n := strings.IndexByte(string(seg), 0); n >= 0 {
			cell, seg = string(seg[:n]), seg[n+1:]
		}
		out[c] = fmt.Sprint(cell, "|", w)
	}
	for d := range x.dicts {
		dc := &x.dicts[d]
		id := dc.ids.at(i)
		out[dc.col] = fmt.Sprint(dc.lower[id], "|", min(dc.w[id], wideCell))
	}
	g := x.groups[x.grp.at(i)]
	pen := int32(-1)
	if x.st != nil {
		pen = x.st.pen[i]
	}
	return append(out, g.search, g.dept, fmt.Sprint(pen))
}

// sameIndex fails t unless got and want hold the same of every row, and
// the same widths.
func sameIndex(t *testing.T, what string, got, want *rowIndex) {
	t.Helper()
	if got.n != want.n || !slices.Equal(got.colMax, want.colMax) || got.anyDept != want.anyDept {
		t.Fatalf("%s: n %d colMax %v anyDept %v; want %d %v %v", what, got.n, got.colMax, got.anyDept, want.n, want.colMax, want.anyDept)
	}
	for i := range got.n {
		if g, w := got.canonRow(i), want.canonRow(i); !slices.Equal(g, w) {
			t.Fatalf("%s row %d:\n got %q\nwant %q", what, i, g, w)
		}
	}
	// No group or dictionary value that no row has.
	if len(got.groups) > len(want.groups) {
		t.Fatalf("%s: %d groups, want %d", what, len(got.groups), len(want.groups))
	}
}

// patchRows makes the rows of a new generation from src: some dropped,
// some replaced by fresh ones (from -1), some added, the rest kept in
// order; it returns them with from.
func patchRows(r *rand.Rand, src *fakeSummaryRows, npens int) (*fakeSummaryRows, []int32) {
	out := &fakeSummaryRows{pens: src.pens, cols: src.cols}
	var from []int32
	extras := []string{"x", "工", "LTD", "号1", "新", "ΣΑ", strings.Repeat("宽", 140)}
	fresh := func() {
		p := r.IntN(npens+1) - 1
		out.pen = append(out.pen, p)
		out.extra = append(out.extra, extras[r.IntN(len(extras))])
		from = append(from, -1)
	}
	for i := range src.pen {
		switch op := r.IntN(40); {
		case op == 0: // dropped
		case op == 1: // replaced
			fresh()
		case op == 2: // one added before it
			fresh()
			fallthrough
		default:
			out.pen = append(out.pen, src.pen[i])
			out.extra = append(out.extra, src.extra[i])
			from = append(from, int32(i))
		}
	}
	return out, from
}

// TestPatchIndex patches indexes of summary rows generation after
// generation and checks each against the index built from scratch, in
// both tab layouts, and that the index patched from is left as it was.
func TestPatchIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 11))
	for _, layout := range [][3]int{{1, 2, 3}, {0, -1, 1}} {
		for _, n := range []int{0, 1, 70, 3000} {
			pens := credittest.Penalties(hostileSummaries(r, n, 0)...)
			src := &fakeSummaryRows{pens: pens, cols: layout}
			for i := range n {
				p := i
				if r.IntN(20) == 0 {
					p = -1
				}
				src.pen = append(src.pen, p)
				src.extra = append(src.extra, []string{"x", "工", "LTD", "号1"}[r.IntN(4)])
			}
			cur := Index(src)
			for gen := range 6 {
				before := Index(cur.src)
				next, from := patchRows(r, cur.src.(*fakeSummaryRows), n)
				got, ok := Patch(cur, next, from)
				if !ok {
					t.Fatalf("layout %v n=%d gen %d: not patched", layout, n, gen)
				}
				what := fmt.Sprintf("layout %v n=%d gen %d", layout, n, gen)
				sameIndex(t, what, got.x, newRowIndex(next))
				sameIndex(t, what+" (the old index)", cur.x, before.x)
				// The filters find what they find over the rows.
				tb := New(narrowCols, DefaultStyles(), DefaultKeyMap())
				tb.SetSize(100, 10)
				tb.SetIndexed(got)
				rows := AllRows(next)
				for _, f := range []string{"化", "工", "ltd", "é", "σα", "号1", "p", "宽宽", "\t"} {
					tb.SetFilter(f)
					checkShown(t, what+" filter "+f, &tb, rows)
				}
				cur = got
			}
		}
	}
}

// TestPatchIndexRefuses: rows of another width are indexed anew.
func TestPatchIndexRefuses(t *testing.T) {
	old := Index(rowSlice([]Row{{Cells: []string{"a", "b"}}}))
	if _, ok := Patch(old, rowSlice([]Row{{Cells: []string{"a", "b", "c"}}, {Cells: []string{"a"}}}), []int32{-1, 0}); ok {
		t.Error("patched rows of another width")
	}
	if _, ok := Patch(Indexed{}, rowSlice(nil), nil); ok {
		t.Error("patched the zero Indexed")
	}
}
