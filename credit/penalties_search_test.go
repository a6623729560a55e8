package credit

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestFoldNeedle(t *testing.T) {
	for _, c := range []struct {
		h, f string
		want int
	}{
		{"ABC", "abc", 0},
		{"xxAbCabc", "abc", 2},
		{"工LTD工", "ltd", 3},
		{"aaaaAAAAb", "ab", 7},
		{"Ab", "abc", -1},
		{"", "a", -1},
		{"ÉÉ", "é", -1}, // not folded: callers search such text themselves
		{"9132ab", "2a", 3},
	} {
		for k := range len(c.f) { // whichever byte is the rarest
			fn := newFoldNeedle(c.f, k)
			if got := fn.index(c.h); got != c.want {
				t.Errorf("index(%q, %q) at byte %d = %d, want %d", c.h, c.f, k, got, c.want)
			}
		}
	}
}

// Find and Match agree with strings.Contains over the lower-cased fields,
// for both ways Find works (scanning the text, summary by summary), after
// a patch that leaves replaced text in the chunks.
func TestPenaltySearchMatchesContains(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 7))
	pieces := []string{"化", "工", "常州", "A", "b", "B1", "〔2024〕", "号", "12", "ltd", "LTD", "9132", "x"}
	text := func() string {
		var b strings.Builder
		for range r.IntN(5) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	sums := func(n, from int) []PenaltySummary {
		out := make([]PenaltySummary, n)
		for i := range out {
			out[i] = PenaltySummary{ID: fmt.Sprintf("id%05d", from+i), SubjectName: text(), USCC: text(), DocNo: text(), Dept: "320412"}
		}
		return out
	}
	p := NewPenalties(sums(2000, 0)...)
	p, ok := p.Patch(sums(100, 500), []string{"id00007"})
	if !ok {
		t.Fatal("patch refused")
	}
	needles := []string{"化", "工", "ltd", "b1", "a", "〔", "号1", "2工", "9132", "x常", "idx"}
	for _, fields := range [][]PenaltyField{{FieldSubjectName, FieldUSCC, FieldDocNo}, {FieldSubjectName, FieldDocNo}, {FieldUSCC}} {
		for _, every := range []int{1, 20} { // 1: a scan; 20: summary by summary
			var among []int32
			for i := 0; i < p.Len(); i += every {
				among = append(among, int32(i))
			}
			among = append(among, -1, 3) // skipped, repeated
			s := p.NewSearch(fields, among)
			for _, nd := range needles {
				set := s.Find(nd)
				in := map[int32]bool{}
				for _, i := range among {
					if i < 0 {
						continue
					}
					in[i] = true
					want := false
					for _, f := range fields {
						want = want || strings.Contains(strings.ToLower(p.Field(int(i), f)), nd)
					}
					if got := set[i/64]&(1<<(i%64)) != 0; got != want {
						t.Errorf("fields %v every %d: Find(%q) has %d: %v, want %v (%+v)", fields, every, nd, i, got, want, p.At(int(i)))
					}
					if got := s.Match(int(i), nd); got != want {
						t.Errorf("fields %v: Match(%d, %q) = %v, want %v", fields, i, nd, got, want)
					}
				}
				for i := range p.Len() {
					if !in[int32(i)] && set[i/64]&(1<<(i%64)) != 0 {
						t.Errorf("Find(%q) has %d, which is not among the searched", nd, i)
					}
				}
			}
		}
	}
}
