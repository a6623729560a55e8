package credit

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

func testRepairs(n int) []Repair {
	out := make([]Repair, n)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, ChinaZone)
	for i := range out {
		out[i] = Repair{RecordKey: fmt.Sprintf("penalty/P%06d", i), Applied: MustDate("2026-06-01").AddDays(i % 90), UpdatedAt: at.Add(time.Duration(i) * time.Second)}
		switch i % 4 {
		case 1:
			out[i].Reviewed, out[i].Outcome = out[i].Applied.AddDays(5), OutcomeApproved
		case 2:
			out[i].Reviewed, out[i].Outcome, out[i].Cancelled = out[i].Applied.AddDays(5), OutcomeApproved, out[i].Applied.AddDays(9)
			out[i].NationalDone, out[i].NationalReceipt = out[i].Applied.AddDays(20), fmt.Sprintf("GS-%d", i)
		case 3:
			out[i].Reviewed, out[i].Outcome, out[i].WithdrawalNote = out[i].Applied.AddDays(5), OutcomeRejected, "note"
		}
	}
	return out
}

func TestRepairsRoundTrip(t *testing.T) {
	list := testRepairs(1000)
	// Added in reverse: Done sorts by key.
	rev := make([]Repair, len(list))
	for i := range list {
		rev[len(list)-1-i] = list[i]
	}
	for name, rs := range map[string]Repairs{"sorted": NewRepairs(list...), "reversed": NewRepairs(rev...)} {
		if rs.Len() != len(list) || !reflect.DeepEqual(rs.All(), list) {
			t.Fatalf("%s: %d repairs, not the ones added", name, rs.Len())
		}
		for _, i := range []int{0, 1, 2, 3, 517, 999} {
			got, ok := rs.Get(list[i].RecordKey)
			if !ok || !reflect.DeepEqual(got, list[i]) || rs.Key(i) != list[i].RecordKey {
				t.Errorf("%s: Get(%s) = %+v, %v", name, list[i].RecordKey, got, ok)
			}
		}
		if _, ok := rs.Get("penalty/none"); ok {
			t.Errorf("%s: found a repair never added", name)
		}
	}
	var zero Repairs
	if _, ok := zero.Get("x"); ok || zero.Len() != 0 {
		t.Error("the zero Repairs is not empty")
	}
}

// Of two repairs of one key the later wins, in NewRepairs and in With.
func TestRepairsLaterWins(t *testing.T) {
	list := testRepairs(10)
	newer := list[4]
	newer.ReminderSent, newer.WithdrawalNote = MustDate("2026-11-30"), "撤回"
	rs := NewRepairs(append(list, newer)...)
	if got, _ := rs.Get(newer.RecordKey); rs.Len() != 10 || !reflect.DeepEqual(got, newer) {
		t.Errorf("NewRepairs: %d repairs, %s = %+v", rs.Len(), newer.RecordKey, got)
	}
	added := Repair{RecordKey: "penalty/A-new", Applied: MustDate("2026-11-02")}
	base := NewRepairs(list...)
	w := base.With(newer, added)
	if w.Len() != 11 || w.Key(0) != added.RecordKey {
		t.Errorf("With: %d repairs, first %s", w.Len(), w.Key(0))
	}
	if got, _ := w.Get(newer.RecordKey); !reflect.DeepEqual(got, newer) {
		t.Errorf("With did not replace: %+v", got)
	}
	if got, _ := base.Get(newer.RecordKey); !reflect.DeepEqual(got, list[4]) || base.Len() != 10 {
		t.Error("With changed the repairs it was called on")
	}
	s := w.Select(func(k string) bool { return k == added.RecordKey || k == list[2].RecordKey })
	if got := s.All(); len(got) != 2 || !reflect.DeepEqual(got[1], list[2]) {
		t.Errorf("Select: %+v", got)
	}
}

// A patched list holds what a list built from scratch of the same repairs
// holds, for random upserts and deletes across block boundaries, and
// shares the blocks no change falls in.
func TestRepairsPatchMatchesRebuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	every := testRepairs(6 * blockSize)
	want := map[string]Repair{}
	var base []Repair
	for i, r := range every {
		if i%3 != 0 { // gaps: upserts also insert between
			base = append(base, r)
			want[r.RecordKey] = r
		}
	}
	rs := NewRepairs(base...)
	for round := range 6 {
		var ups []Repair
		var dels []string
		used := map[string]bool{}
		for range rng.IntN(40) + 1 {
			r := every[rng.IntN(len(every))]
			if used[r.RecordKey] {
				continue
			}
			used[r.RecordKey] = true
			if rng.IntN(3) == 0 {
				dels = append(dels, r.RecordKey)
				delete(want, r.RecordKey)
				continue
			}
			r.ReminderSent, r.Outcome = MustDate("2026-11-30"), fmt.Sprintf("outcome %d", round)
			if rng.IntN(2) == 0 {
				r.NationalReceipt = fmt.Sprintf("GS-round-%d", round)
			}
			ups = append(ups, r)
			want[r.RecordKey] = r
		}
		q := rs.Patch(ups, dels)
		var keys []string
		for k := range want {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		got := q.All()
		if len(got) != len(keys) || q.Len() != len(keys) {
			t.Fatalf("round %d: %d repairs (Len %d), want %d", round, len(got), q.Len(), len(keys))
		}
		for i, k := range keys {
			if !reflect.DeepEqual(got[i], want[k]) || q.Key(i) != k || !reflect.DeepEqual(q.At(i), want[k]) {
				t.Fatalf("round %d: repair %d = %+v, want %+v", round, i, got[i], want[k])
			}
			if g, ok := q.Get(k); !ok || !reflect.DeepEqual(g, want[k]) {
				t.Fatalf("round %d: Get(%s) = %+v, %v", round, k, g, ok)
			}
		}
		if _, ok := q.Get("penalty/none"); ok {
			t.Fatalf("round %d: Get found a key never added", round)
		}
		rs = q
	}
	// One repair added at the end copies the last block only.
	added := rs.With(Repair{RecordKey: "penalty/Z-last"})
	shared := 0
	for _, a := range added.rows.b {
		for _, b := range rs.rows.b {
			if &a[0] == &b[0] && len(a) == len(b) {
				shared++
			}
		}
	}
	if shared != len(rs.rows.b)-1 {
		t.Errorf("a repair added at the end: %d of %d blocks shared", shared, len(rs.rows.b))
	}
}

// The texts of repairs replaced patch after patch do not pile up: the list
// is built again once they outnumber the texts in use.
func TestRepairsPatchDropsReplacedTexts(t *testing.T) {
	rs := NewRepairs(testRepairs(100)...)
	key := rs.Key(5)
	for round := range 5000 {
		r, _ := rs.Get(key)
		r.NationalReceipt = fmt.Sprint("GS-", round)
		rs = rs.Patch([]Repair{r}, nil)
	}
	live := 0
	for i := range rs.Len() {
		if r := rs.At(i); r.NationalReceipt != "" || r.WithdrawalNote != "" {
			live++
		}
	}
	if len(rs.texts) > 2*live+blockSize+2 {
		t.Errorf("%d texts kept for %d in use", len(rs.texts), live)
	}
	if r, _ := rs.Get(key); r.NationalReceipt != "GS-4999" {
		t.Errorf("the last patch's receipt: %q", r.NationalReceipt)
	}
}

// NewRepairs packs list; of two repairs of one key the later is kept.
func NewRepairs(list ...Repair) Repairs {
	var b RepairsBuilder
	b.Grow(len(list))
	for i := range list {
		b.Add(&list[i])
	}
	return b.Done()
}
