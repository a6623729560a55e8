package table

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/credit/credittest"
)

// cleanText is the tabs' cell text (tui's cleanText): control characters
// blanked, blanks trimmed.
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// fakeSummaryRows is a SharedSource over penalty summaries, shaped like the
// repair and queue tabs: cols says which column shows which field
// (cleanText of the name and document number, the code as it is), and a
// few rows show no summary. Its Searcher is the domain's own
// (credit.PenaltySearch).
type fakeSummaryRows struct {
	pens  credit.Penalties
	cols  [3]int
	pen   []int // row i's summary, or -1
	extra []string
}

func (s *fakeSummaryRows) Len() int   { return len(s.pen) }
func (s *fakeSummaryRows) Width() int { return 4 }
func (s *fakeSummaryRows) Find(key string) int {
	return slices.IndexFunc(s.pen, func(p int) bool { return s.key(p) == key })
}
func (s *fakeSummaryRows) key(p int) string { return fmt.Sprint("p", p) }
func (s *fakeSummaryRows) Row(i int) Row {
	cells := make([]string, 4)
	for c := range cells {
		cells[c] = s.extra[i]
	}
	p := s.pen[i]
	if p >= 0 {
		sum := s.pens.At(p)
		for f, c := range s.cols {
			if c < 0 {
				continue
			}
			switch f {
			case 0:
				cells[c] = cleanText(sum.SubjectName)
			case 1:
				cells[c] = sum.USCC
			case 2:
				cells[c] = cleanText(sum.DocNo)
			}
		}
	} else {
		cells[s.cols[0]] = "无记录 " + s.extra[i]
	}
	key := fmt.Sprint("row", i)
	if p >= 0 {
		key = s.key(p)
	}
	return Row{Key: key, Cells: cells}
}
func (s *fakeSummaryRows) Item(i int) int { return s.pen[i] }

// Columns declares the columns' roles as a tab does, from cols.
func (s *fakeSummaryRows) Columns() []Column {
	cols := make([]Column, s.Width())
	for f, c := range s.cols {
		if c >= 0 {
			cols[c].Field = Field(f + 1)
		}
	}
	return cols
}

func (s *fakeSummaryRows) ItemText(p int, f Field) string {
	return s.pens.Field(p, credit.PenaltyField(f))
}

func (s *fakeSummaryRows) Search(fields []Field, among []int32) Searcher {
	pf := make([]credit.PenaltyField, len(fields))
	for i, f := range fields {
		pf[i] = credit.PenaltyField(f)
	}
	return s.pens.NewSearch(pf, among)
}

// hostileText returns summary text of short pieces, some of them what
// cannot be searched in place: upper case beyond ASCII, control
// characters, blanks at either end, invalid UTF-8.
func hostileText(r *rand.Rand) string {
	pieces := []string{"化", "工", "化工", "常州", "A", "b", "B1", "〔2024〕", "号", "É", "é", " ", "12",
		"ΣΑ", "\t", "\x00", "\xff", "　", "ltd", "LTD", "9132"}
	var b strings.Builder
	for range r.IntN(6) {
		p := pieces[r.IntN(len(pieces))]
		if r.IntN(4) != 0 && (p == "É" || p == "ΣΑ" || p == "\t" || p == "\x00" || p == "\xff" || p == "　" || p == " ") {
			p = "工" // keep most summaries searchable in place
		}
		b.WriteString(p)
	}
	return b.String()
}

func hostileSummaries(r *rand.Rand, n, from int) []credit.PenaltySummary {
	out := make([]credit.PenaltySummary, n)
	for i := range out {
		out[i] = credit.PenaltySummary{ID: fmt.Sprintf("id%05d", from+i), SubjectName: hostileText(r),
			USCC: hostileText(r), DocNo: hostileText(r), Dept: "320412"}
	}
	return out
}

// TestSharedTextFilter filters tables whose rows show penalty summaries,
// searched in the summaries' own text, with hostile text, after patches
// that leave replaced text in the chunks, in both tab layouts, and checks
// every result against the plain computation over the rows.
func TestSharedTextFilter(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	alphabet := []string{"化", "工", "a", "b", "1", "〔", "号", "é", "σ", "ltd", "91", " ", "\t", "p", "id0", "工b", "a工"}
	for _, layout := range [][3]int{{1, 2, 3}, {0, -1, 1}} {
		for _, n := range []int{0, 1, 50, 3000} {
			pens := credittest.Penalties(hostileSummaries(r, n, 0)...)
			for round := range 3 { // patched: the chunks hold dead text
				ups := hostileSummaries(r, r.IntN(n/10+2), r.IntN(n+1))
				var ok bool
				if pens, ok = pens.Patch(ups, []string{fmt.Sprintf("id%05d", round)}); !ok {
					t.Fatal("patch refused")
				}
			}
			// Every summary, or (a queue) one in ten: searched summary by
			// summary rather than by scanning the text.
			every := 1
			if n >= 3000 && layout[1] < 0 {
				every = 10
			}
			src := &fakeSummaryRows{pens: pens, cols: layout}
			for i := 0; i < pens.Len(); i += every {
				p := i
				if r.IntN(20) == 0 {
					p = -1
				}
				src.pen = append(src.pen, p)
				src.extra = append(src.extra, []string{"x", "工", "LTD", "号1"}[r.IntN(4)])
			}
			r.Shuffle(len(src.pen), func(a, b int) {
				src.pen[a], src.pen[b] = src.pen[b], src.pen[a]
				src.extra[a], src.extra[b] = src.extra[b], src.extra[a]
			})
			tb := New(narrowCols, DefaultStyles(), DefaultKeyMap())
			tb.SetSize(100, 10)
			tb.SetIndexed(Index(src))
			if n > 0 && tb.x.st == nil {
				t.Fatal("summary rows are not searched in place")
			}
			if n >= 3000 {
				inPlace := 0
				for _, p := range tb.x.st.pen {
					if p >= 0 {
						inPlace++
					}
				}
				if rows := len(src.pen); inPlace < rows/2 || inPlace == rows {
					t.Fatalf("%d of %d rows searched in place: the test covers only one path", inPlace, rows)
				}
			}
			rows := AllRows(src)
			typed := ""
			for step := range 150 {
				switch op := r.IntN(10); {
				case op < 6:
					typed += alphabet[r.IntN(len(alphabet))]
				case op < 9:
					if rs := []rune(typed); len(rs) > 0 {
						typed = string(rs[:len(rs)-1])
					}
				default:
					typed = alphabet[r.IntN(len(alphabet))]
				}
				tb.SetFilter(typed)
				checkShown(t, fmt.Sprintf("layout %v n=%d step %d filter %q", layout, n, step, typed), &tb, rows)
			}
		}
	}
}

func TestFoldWidth(t *testing.T) {
	for _, c := range []struct {
		s      string
		w      int
		simple bool
	}{
		{"常州恒泰化工", 12, true},
		{"91320412MA1X2Y3Z4W", 18, true},
		{"ÉCOLE", 5, false},
		{"école", 5, true},
		{"a\tb", 2, true},
		{"a\xffb", 2, false},
		{"工\tÉ", 3, false},
		{"ΣΑ", 2, false},
	} {
		w, simple := foldWidth(c.s)
		if w != c.w || simple != c.simple || w != cellWidth(c.s) {
			t.Errorf("foldWidth(%q) = %d, %v; want %d, %v (cellWidth %d)", c.s, w, simple, c.w, c.simple, cellWidth(c.s))
		}
	}
}
