package credit

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func testSummaries(n int) []PenaltySummary {
	out := make([]PenaltySummary, n)
	sev := []Severity{Minor, General, Serious}
	for i := range out {
		out[i] = PenaltySummary{
			ID: fmt.Sprintf("P%07d", i), Dept: fmt.Sprintf("3204%02d", i%7), SubjectName: fmt.Sprintf("常州市第%d化工有限公司", i),
			USCC: fmt.Sprintf("91320400MA%08dX", i), DocNo: fmt.Sprintf("常应急罚〔2026〕%d号", i), Severity: sev[i%3],
			Decided: MustDate("2026-01-01").AddDays(i % 300), PenaltyTypes: [][]string{nil, {"罚款"}, {"警告", "罚款"}}[i%3],
		}
		out[i].Accident, out[i].NoticeGiven = i%5 == 0, i%3 == 1
		out[i].EducationDone, out[i].ReminderSet = i%4 == 1, i%7 == 2
		if i%2 == 0 {
			out[i].Disclosed = out[i].Decided.AddDays(3)
		}
	}
	return out
}

// A packed list gives back every summary as it was added, across chunk
// boundaries, and finds each by ID.
func TestPenaltiesRoundTrip(t *testing.T) {
	list := testSummaries(40000) // about 3 MB of text: several chunks
	long := PenaltySummary{ID: "P9999999", SubjectName: strings.Repeat("长", penaltyChunk), DocNo: "x"}
	list = append(list, long)
	p := NewPenalties(list...)
	if len(p.chunks) < 3 || p.Len() != len(list) {
		t.Fatalf("%d chunks, %d summaries", len(p.chunks), p.Len())
	}
	for i := range list {
		if got := p.At(i); !reflect.DeepEqual(got, list[i]) {
			t.Fatalf("summary %d: got %+v, want %+v", i, got, list[i])
		}
		if p.ID(i) != list[i].ID || p.Dept(i) != list[i].Dept || p.Decided(i) != list[i].Decided {
			t.Fatalf("summary %d: ID %q dept %q decided %s", i, p.ID(i), p.Dept(i), p.Decided(i))
		}
	}
	if !p.sorted {
		t.Error("ascending IDs not noticed")
	}
	for _, i := range []int{0, 1, 12345, 39999, 40000} {
		if got := p.Index(list[i].ID); got != i {
			t.Errorf("Index(%s) = %d, want %d", list[i].ID, got, i)
		}
	}
	for _, id := range []string{"", "P", "P0000000x", "Q"} {
		if got := p.Index(id); got != -1 {
			t.Errorf("Index(%q) = %d", id, got)
		}
	}
	if len(p.types) != 3 || len(p.depts) != 8 || len(p.sevs) != 4 {
		t.Errorf("dictionaries: %d type lists, %d departments, %d severities", len(p.types), len(p.depts), len(p.sevs))
	}
	// Unsorted IDs: Index scans.
	u := NewPenalties(list[5], list[2], list[9])
	if u.sorted || u.Index(list[2].ID) != 1 || u.Index(list[9].ID) != 2 || u.Index(list[1].ID) != -1 {
		t.Errorf("unsorted list: sorted %v, Index %d %d %d", u.sorted, u.Index(list[2].ID), u.Index(list[9].ID), u.Index(list[1].ID))
	}
	var zero Penalties
	if zero.Len() != 0 || zero.Index("P0000001") != -1 || len(zero.All()) != 0 {
		t.Error("the zero list is not empty")
	}
}

func TestPenaltiesSelect(t *testing.T) {
	list := testSummaries(100)
	p := NewPenalties(list...)
	s := p.Select(func(ps *PenaltySummary) bool { return ps.Dept == "320403" })
	var want []PenaltySummary
	for _, ps := range list {
		if ps.Dept == "320403" {
			want = append(want, ps)
		}
	}
	if got := s.All(); !reflect.DeepEqual(got, want) {
		t.Errorf("selected %d summaries, want %d", len(got), len(want))
	}
	if s.Index(want[3].ID) != 3 {
		t.Errorf("Index in the selection = %d", s.Index(want[3].ID))
	}
}

// NewPenalties packs list: the reference the builder and Patch are
// compared to.
func NewPenalties(list ...PenaltySummary) Penalties {
	var b PenaltiesBuilder
	b.Grow(len(list))
	for i := range list {
		b.Add(&list[i])
	}
	return b.Done()
}
