package tui

import (
	"testing"

	"github.com/czyj/credwatch/tui/table"
)

// The repair and queue tabs declare which columns show penalty summary
// fields (Column.Field, so a moved column takes its role along), and the
// table's filter searches those cells in the summaries' own text when the
// cell is the field as it is. Over the fixture every such cell is: a role
// on a column whose cells are not that field fails here rather than
// silently sending the filter down the slow path.
func TestSummaryColumnsShowTheirField(t *testing.T) {
	in := fixtureInput("zh")
	b := build(in)
	for name, ix := range map[string]table.Indexed{"repair": b.repair, "queue": b.queue} {
		src := ix.Source().(table.SharedSource)
		cols, roles := src.Columns(), 0
		for _, c := range cols {
			if c.Field != 0 {
				roles++
			}
		}
		if roles == 0 {
			t.Errorf("%s: no column has a search role", name)
		}
		shown := 0
		for i := range src.Len() {
			p := src.Item(i)
			if p < 0 {
				continue
			}
			shown++
			row := src.Row(i)
			for c, col := range cols {
				if col.Field != 0 && row.Cells[c] != src.ItemText(p, col.Field) {
					t.Errorf("%s row %d column %q: cell %q, field %d is %q", name, i, col.Title, row.Cells[c], col.Field, src.ItemText(p, col.Field))
				}
			}
		}
		if shown == 0 {
			t.Errorf("%s: no row shows a summary", name)
		}
	}
}
