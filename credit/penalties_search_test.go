package credit

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
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

// Find and Match agree with strings.Contains over the lower-cased fields
// (and over the folded document number, FoldDocNo),
// for both ways Find works (scanning the text, summary by summary), after
// a patch that leaves replaced text in the chunks.
func TestPenaltySearchMatchesContains(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 7))
	pieces := []string{"化", "工", "常州", "A", "b", "B1", "〔2024〕", "号", "12", "ltd", "LTD", "9132", "x", "[2024]", "（2024）", "２０２４", " ", "【"}
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
	needles := []string{"化", "工", "ltd", "b1", "a", "〔", "号1", "2工", "9132", "x常", "idx",
		"[2024]", "(2024)号", "２０２４", "〔2024〕12", " 12", "【", "b1 [2024]"}
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
						// The document number is also searched folded, when the
						// needle has brackets, full-width characters or spaces.
						want = want || f == FieldDocNo && docFolds(nd) && strings.Contains(FoldDocNo(p.Field(int(i), f)), FoldDocNo(nd))
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

// BenchmarkFindDocNo: a filter keystroke for a document number typed with
// other brackets (folded search) beside the same needle as stored (plain
// search), over 1M summaries whose numbers are in the folded form but one
// in a hundred.
func BenchmarkFindDocNo(b *testing.B) {
	var pb PenaltiesBuilder
	bureaus := []string{"常武应急罚", "常新应急罚", "常天应急罚", "溧应急罚", "常经开应急罚"}
	const n = 1_000_000
	among := make([]int32, n)
	for i := range n {
		doc := fmt.Sprintf("%s〔%d〕%d号", bureaus[i%len(bureaus)], 2020+i%7, i%5000)
		if i%100 == 0 {
			doc = fmt.Sprintf("%s(%d)%d号", bureaus[i%len(bureaus)], 2020+i%7, i%5000)
		}
		pb.Add(&PenaltySummary{ID: fmt.Sprintf("p%07d", i), SubjectName: "常州某某机械有限公司", USCC: "91320412MA1XXXXX0" + string(rune('0'+i%10)), DocNo: doc, Dept: "320412"})
		among[i] = int32(i)
	}
	p := pb.Done()
	for _, c := range []struct{ name, needle string }{
		{"plain", "〔2024〕37号"},
		{"folded", "[2024]37号"},
		{"no brackets", "37号"},
		{"one character, in every summary", "机"},
		{"one character, in none", "化"},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := p.NewSearch([]PenaltyField{FieldSubjectName, FieldUSCC, FieldDocNo}, among)
			s.Find(c.needle) // the search's one-time work, as the table's first keystroke pays it
			b.ResetTimer()
			for range b.N {
				s.Find(c.needle)
			}
		})
	}
}

// TestPenaltySearchWarm checks that Warm makes what a whole-text search
// needs (and nothing for a search summary by summary), and that a warmed
// search finds what a cold one does.
func TestPenaltySearchWarm(t *testing.T) {
	var sums []PenaltySummary
	for i := range 500 {
		sums = append(sums, PenaltySummary{ID: fmt.Sprintf("id%05d", i), SubjectName: fmt.Sprintf("常州化工%d厂", i%37), USCC: "91320400MA1X", DocNo: fmt.Sprintf("常应急罚〔2024〕%d号", i), Dept: "320412"})
	}
	p := NewPenalties(sums...)
	all := make([]int32, p.Len())
	for i := range all {
		all[i] = int32(i)
	}
	fields := []PenaltyField{FieldSubjectName, FieldDocNo}
	warm, cold := p.NewSearch(fields, all), p.NewSearch(fields, all)
	warm.Warm()
	if warm.slots == nil || warm.freq == ([256]uint32{}) {
		t.Fatal("Warm left the slots or the byte counts to the first Find")
	}
	few := p.NewSearch(fields, all[:10])
	few.Warm()
	if few.slots != nil {
		t.Error("Warm made slots for a search that goes summary by summary")
	}
	for _, nd := range []string{"化工1", "〔2024〕3", "x", "厂"} {
		if a, b := warm.Find(nd), cold.Find(nd); !slices.Equal(a, b) {
			t.Errorf("Find(%q) warmed and cold differ", nd)
		}
	}
}

// TestPenaltySearchParallelScan checks that a whole-text search split
// between goroutines finds what one goroutine does, with the parts'
// borders falling anywhere among the chunks, patched (dead) text included.
func TestPenaltySearchParallelScan(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	pieces := []string{"化", "工", "化工", "常州", "A", "b", "MA1", "〔2024〕", "号", "ltd", "9132", "x"}
	text := func() string {
		var b strings.Builder
		for range 1 + r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	sums := func(n, from int) []PenaltySummary {
		out := make([]PenaltySummary, n)
		for i := range out {
			out[i] = PenaltySummary{ID: fmt.Sprintf("id%06d", from+i), SubjectName: text(), USCC: text(), DocNo: text(), Dept: "320412"}
		}
		return out
	}
	p := NewPenalties(sums(60000, 0)...) // over parallelScanMin of text
	p, ok := p.Patch(sums(3000, 20000), []string{"id000007", "id059999"})
	if !ok {
		t.Fatal("patch refused")
	}
	size := 0
	for _, c := range p.chunks {
		size += len(c)
	}
	if size < parallelScanMin || len(p.chunks) < 4 {
		t.Fatalf("%d bytes in %d chunks: too little to split", size, len(p.chunks))
	}
	all := make([]int32, p.Len())
	for i := range all {
		all[i] = int32(i)
	}
	fields := []PenaltyField{FieldSubjectName, FieldUSCC, FieldDocNo}
	defer func(f func(int) int) { scanWorkersFor = f }(scanWorkersFor)
	for _, nd := range []string{"化工", "b", "ma1", "〔2024〕号", "x常", "9132ltd"} {
		scanWorkersFor = func(int) int { return 1 }
		one := p.NewSearch(fields, all).Find(nd)
		for _, w := range []int{2, 3, 4} {
			scanWorkersFor = func(int) int { return w }
			if got := p.NewSearch(fields, all).Find(nd); !slices.Equal(got, one) {
				t.Errorf("Find(%q) with %d goroutines differs from one goroutine's", nd, w)
			}
		}
		n := 0
		for _, b := range one {
			n += bits.OnesCount64(b)
		}
		if n == 0 {
			t.Errorf("Find(%q) found nothing: the comparison proves little", nd)
		}
	}
}
