package credit_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/credit/credittest"
)

// TestPenaltiesDiffFrom patches lists with random changes, generation
// after generation, and checks DiffFrom against a comparison of the two
// lists' summaries by ID; also against a list packed anew (no block
// shared), and its limit.
func TestPenaltiesDiffFrom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 500, 5000} {
		var list []credit.PenaltySummary
		for i := range n {
			list = append(list, credit.PenaltySummary{ID: fmt.Sprintf("p%06d", i*2), Dept: "d", SubjectName: fmt.Sprint("n", i), Severity: credit.General})
		}
		cur := credittest.Penalties(list...)
		for gen := range 8 {
			var ups []credit.PenaltySummary
			var dels []string
			for range r.IntN(20) {
				switch {
				case r.IntN(3) == 0 && cur.Len() > 0:
					dels = append(dels, cur.ID(r.IntN(cur.Len())))
				case r.IntN(2) == 0 && cur.Len() > 0:
					p := cur.At(r.IntN(cur.Len()))
					switch r.IntN(4) {
					case 0:
						p.SubjectName += "x"
					case 1:
						p.Dept = "other"
					case 2:
						p.ReminderSet = !p.ReminderSet
					} // 3: upserted unchanged: not a change
					ups = append(ups, p)
				default:
					ups = append(ups, credit.PenaltySummary{ID: fmt.Sprintf("p%06d", r.IntN(2*n+10)), Dept: "d", SubjectName: "new"})
				}
			}
			next, ok := cur.Patch(ups, dels)
			if !ok {
				t.Fatal("patch refused")
			}
			want, remap := diffByID(&cur, &next)
			d, ok := next.DiffFrom(&cur, n+100)
			if !ok || !slices.Equal(d.Changed, want) || !slices.Equal(d.Remap, remap) {
				t.Fatalf("n=%d gen %d: DiffFrom = %v %v %v, want %v %v", n, gen, d.Changed, d.Remap, ok, want, remap)
			}
			// Packed anew: the same diff, every block read.
			fresh := credittest.Penalties(next.All()...)
			if d2, ok := fresh.DiffFrom(&cur, n+100); !ok || !reflect.DeepEqual(d2, d) {
				t.Fatalf("n=%d gen %d: DiffFrom of a fresh list = %v, want %v", n, gen, d2, d)
			}
			if len(want) > 0 {
				if _, ok := next.DiffFrom(&cur, len(want)-1); ok {
					t.Fatalf("n=%d gen %d: %d changes within a limit of %d", n, gen, len(want), len(want)-1)
				}
			}
			cur = next
		}
	}
}

// diffByID is DiffFrom computed naively.
func diffByID(prev, p *credit.Penalties) ([]string, []int32) {
	old, now := map[string]credit.PenaltySummary{}, map[string]int{}
	for i := range prev.Len() {
		old[prev.ID(i)] = prev.At(i)
	}
	var changed []string
	for i := range p.Len() {
		s := p.At(i)
		now[s.ID] = i
		if o, ok := old[s.ID]; !ok || !reflect.DeepEqual(o, s) {
			changed = append(changed, s.ID)
		}
	}
	remap := make([]int32, prev.Len())
	for i := range prev.Len() {
		remap[i] = -1
		if j, ok := now[prev.ID(i)]; ok {
			remap[i] = int32(j)
		} else {
			changed = append(changed, prev.ID(i))
		}
	}
	slices.Sort(changed)
	return changed, remap
}

// TestRepairsDiffFrom is TestPenaltiesDiffFrom for repairs.
func TestRepairsDiffFrom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	day := credit.MustDate("2026-11-01")
	for _, n := range []int{0, 3, 4000} {
		var list []credit.Repair
		for i := range n {
			list = append(list, credit.Repair{RecordKey: fmt.Sprintf("penalty/p%06d", i*2), Applied: day})
		}
		cur := credittest.Repairs(list...)
		for gen := range 8 {
			var ups []credit.Repair
			var dels []string
			for range r.IntN(20) {
				switch {
				case r.IntN(3) == 0 && cur.Len() > 0:
					dels = append(dels, cur.Key(r.IntN(cur.Len())))
				case r.IntN(2) == 0 && cur.Len() > 0:
					rep := cur.At(r.IntN(cur.Len()))
					switch r.IntN(4) {
					case 0:
						rep.Reviewed, rep.Outcome = day+3, credit.OutcomeApproved
					case 1:
						rep.WithdrawalNote = "撤回"
					case 2:
						rep.ReminderSent = day - 5
					}
					ups = append(ups, rep)
				default:
					ups = append(ups, credit.Repair{RecordKey: fmt.Sprintf("penalty/p%06d", r.IntN(2*n+10)), Applied: day + 1})
				}
			}
			next := cur.Patch(ups, dels)
			old, now := map[string]credit.Repair{}, map[string]bool{}
			for i := range cur.Len() {
				old[cur.Key(i)] = cur.At(i)
			}
			var want []string
			for i := range next.Len() {
				k := next.Key(i)
				now[k] = true
				if o, ok := old[k]; !ok || !reflect.DeepEqual(o, next.At(i)) {
					want = append(want, k)
				}
			}
			for k := range old {
				if !now[k] {
					want = append(want, k)
				}
			}
			slices.Sort(want)
			got, ok := next.DiffFrom(&cur, n+100)
			if !ok || !slices.Equal(got, want) {
				t.Fatalf("n=%d gen %d: DiffFrom = %v %v, want %v", n, gen, got, ok, want)
			}
			cur = next
		}
	}
}
