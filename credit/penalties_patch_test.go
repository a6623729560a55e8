package credit

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// A patched list holds exactly what a list built from scratch of the same
// summaries holds, for random upserts (new IDs, replaced IDs, repeated
// IDs) and deletes, across chunk boundaries, and finds each by ID.
func TestPenaltiesPatchMatchesRebuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	every := testSummaries(31000)
	base := slices.Clone(every[:30000])
	// Leave gaps in the IDs so that upserts also insert between them.
	base = slices.DeleteFunc(base, func(s PenaltySummary) bool { return s.ID[len(s.ID)-1] == '5' })
	p := NewPenalties(base...)
	want := map[string]PenaltySummary{}
	for _, s := range base {
		want[s.ID] = s
	}
	for round := range 5 {
		var ups []PenaltySummary
		var dels []string
		used := map[string]bool{}
		for range 200 {
			i := rng.IntN(31000)
			id := fmt.Sprintf("P%07d", i)
			if used[id] { // the store names a key once: written or deleted
				continue
			}
			used[id] = true
			switch rng.IntN(3) {
			case 0:
				dels = append(dels, id)
				delete(want, id)
			default:
				s := every[i]
				s.SubjectName = fmt.Sprintf("第%d轮 %s", round, s.SubjectName)
				s.Dept = []string{"320401", "新部门", "320499"}[rng.IntN(3)]
				s.PenaltyTypes = [][]string{{"没收违法所得"}, nil, {"罚款"}}[rng.IntN(3)]
				ups = append(ups, s)
				want[id] = s
			}
		}
		// An ID upserted twice in one patch: the later wins.
		if len(ups) > 1 {
			again := ups[len(ups)-1]
			again.ID = ups[0].ID
			ups = append(ups, again)
			want[again.ID] = again
		}
		q, ok := p.Patch(ups, dels)
		if !ok {
			t.Fatalf("round %d: patch refused", round)
		}
		ids := make([]string, 0, len(want))
		for id := range want {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		if q.Len() != len(ids) {
			t.Fatalf("round %d: %d summaries, want %d", round, q.Len(), len(ids))
		}
		for i, id := range ids {
			if got := q.At(i); !reflect.DeepEqual(got, want[id]) {
				t.Fatalf("round %d: summary %d = %+v, want %+v", round, i, got, want[id])
			}
			if q.Index(id) != i {
				t.Fatalf("round %d: Index(%s) = %d, want %d", round, id, q.Index(id), i)
			}
		}
		if q.Index("P9999999") != -1 {
			t.Fatal("Index finds an ID never added")
		}
		checkSpans(t, &q)
		// The list patched from is unchanged.
		if fresh := NewPenalties(base...); round == 0 && !reflect.DeepEqual(p.All(), fresh.All()) {
			t.Fatal("patching changed the list patched from")
		}
		p = q
	}
}

// A list whose IDs do not ascend, or a patch that would leave more dead
// text than a quarter of the text in use, is refused: the caller builds
// the list again.
func TestPenaltiesPatchRefuses(t *testing.T) {
	list := testSummaries(100)
	list[3], list[4] = list[4], list[3]
	unsorted := NewPenalties(list...)
	if _, ok := unsorted.Patch(nil, []string{"P0000001"}); ok {
		t.Error("patched a list whose IDs do not ascend")
	}

	big := testSummaries(20000)
	for i := range big {
		big[i].SubjectName = strings.Repeat("名", 40)
	}
	p := NewPenalties(big...)
	// Replacing every summary leaves all of the old text dead.
	ups := slices.Clone(big)
	for i := range ups {
		ups[i].SubjectName = strings.Repeat("新", 40)
	}
	if _, ok := p.Patch(ups, nil); ok {
		t.Error("a patch replacing every summary was accepted")
	}
	// Replacing a few is fine.
	if q, ok := p.Patch(ups[:50], nil); !ok || q.At(10).SubjectName != ups[10].SubjectName || q.At(60).SubjectName != big[60].SubjectName {
		t.Errorf("a small patch: ok %v", ok)
	}
}

// checkSpans checks the packed text against At, and that the summaries of
// each chunk lie in the order of their indexes, as PenaltySearch's scan
// relies on.
func checkSpans(t *testing.T, p *Penalties) {
	t.Helper()
	last := map[int]int{}
	for i := range p.Len() {
		r := p.rows.at(i)
		c, off, ends := int(r.chunk), int(r.off), r.ends
		text := p.chunks[c][off:]
		s := p.At(i)
		got := [4]string{text[:ends[0]], text[ends[0]:ends[1]], text[ends[1]:ends[2]], text[ends[2]:ends[3]]}
		if got != [4]string{s.ID, s.SubjectName, s.USCC, s.DocNo} {
			t.Fatalf("summary %d's text is %q, At %+v", i, got, s)
		}
		if prev, ok := last[c]; ok && off <= prev {
			t.Fatalf("summary %d at offset %d of chunk %d, after one at %d", i, off, c, prev)
		}
		last[c] = off
	}
}

// A patch shares the blocks of summaries it does not change: one new
// summary at the end copies the last block only, one replaced in the
// middle its own block only.
func TestPenaltiesPatchSharesBlocks(t *testing.T) {
	all := testSummaries(10*blockSize + 7)
	p := NewPenalties(all[:10*blockSize]...)
	shared := func(q *Penalties) int {
		n := 0
		for _, a := range q.rows.b {
			for _, b := range p.rows.b {
				if &a[0] == &b[0] && len(a) == len(b) {
					n++
				}
			}
		}
		return n
	}
	end, ok := p.Patch(all[10*blockSize:10*blockSize+1], nil)
	if !ok || end.Len() != p.Len()+1 || shared(&end) != len(p.rows.b)-1 {
		t.Errorf("a summary added at the end: %d of %d blocks shared", shared(&end), len(p.rows.b))
	}
	mid := all[5*blockSize+3]
	mid.SubjectName = "改过的名称"
	q, ok := p.Patch([]PenaltySummary{mid}, []string{all[2*blockSize].ID})
	if !ok || q.Len() != p.Len()-1 || shared(&q) != len(p.rows.b)-2 {
		t.Errorf("one summary replaced and one deleted: %d of %d blocks shared", shared(&q), len(p.rows.b))
	}
	if i := q.Index(mid.ID); i < 0 || q.At(i).SubjectName != "改过的名称" {
		t.Errorf("the replaced summary: index %d", i)
	}
	checkSpans(t, &q)
}

func TestPenaltiesAndRepairsSame(t *testing.T) {
	all := testSummaries(3*blockSize + 5)
	p := NewPenalties(all[:3*blockSize]...)
	cp := p
	again := NewPenalties(all[:3*blockSize]...)
	patched, ok := p.Patch(all[3*blockSize:3*blockSize+1], nil)
	if !ok {
		t.Fatal("patch refused")
	}
	empty, empty2 := Penalties{}, NewPenalties()
	for _, c := range []struct {
		name string
		a, b *Penalties
		want bool
	}{
		{"a copy", &p, &cp, true},
		{"itself", &p, &p, true},
		{"equal but read again", &p, &again, false},
		{"patched from it", &p, &patched, false},
		{"both empty", &empty, &empty2, true},
		{"empty and not", &empty, &p, false},
	} {
		if got := c.a.Same(c.b); got != c.want {
			t.Errorf("penalties, %s: Same = %v, want %v", c.name, got, c.want)
		}
	}
	rs := NewRepairs(Repair{RecordKey: "penalty/a", Outcome: "x"}, Repair{RecordKey: "penalty/b"})
	rcp := rs
	ragain := NewRepairs(Repair{RecordKey: "penalty/a", Outcome: "x"}, Repair{RecordKey: "penalty/b"})
	rpatched := rs.Patch([]Repair{{RecordKey: "penalty/a", Outcome: "y"}}, nil)
	if !rs.Same(&rcp) || rs.Same(&ragain) || rs.Same(&rpatched) {
		t.Errorf("repairs: Same(copy) %v, Same(read again) %v, Same(patched) %v; want true, false, false",
			rs.Same(&rcp), rs.Same(&ragain), rs.Same(&rpatched))
	}
}
