package tui

import "testing"

// The repair and queue tabs declare which columns show penalty summary
// fields (Column.Field, so a moved column takes its role along), and the
// filter searches those cells in the summaries' own text: every fixture
// row with a cached penalty is searched in place. A role on a column whose
// cells are not that field as it is fails here rather than silently taking
// the slow path.
func TestSummaryColumnsSearchedInPlace(t *testing.T) {
	dp, _ := storeDeps(t, "zh")
	m := loadedStore(t, dp, 120, 40)
	for name, tb := range map[string]*Table{"repair": &m.repair, "queue": &m.queue} {
		x := tb.x
		if x.st == nil {
			t.Errorf("%s: no summary cells are searched in place", name)
			continue
		}
		inPlace, shown := 0, 0
		sr := tb.all.(summaryRows)
		for i, p := range x.st.pen {
			if sr.rowSummary(i) >= 0 {
				shown++
			}
			if p >= 0 {
				inPlace++
			}
		}
		if shown == 0 || inPlace != shown {
			t.Errorf("%s: %d of %d rows showing a summary searched in place", name, inPlace, shown)
		}
	}
}
