package tui

import (
	"slices"
	"testing"

	"github.com/czyj/credwatch/tui/table"
)

// What IndexRow makes of each row, with one memo and one reused Row across
// all of them, is what Row makes: the same cells, department, search text
// and alert, over the fixture grown to thousands of penalties decided over
// two years (every section, stage and day count), in both languages.
func TestIndexRowMatchesRow(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		in := fixtureInput(lang)
		growFixture(&in, 4000, 700)
		b := build(in)
		for name, src := range map[string]RowSource{"repair": b.repair.Source(), "queue": b.queue.Source()} {
			ix, ok := src.(table.Indexer)
			if !ok {
				t.Fatalf("%s rows are not a table.Indexer", name)
			}
			if src.Len() < 500 {
				t.Fatalf("%s: only %d rows", name, src.Len())
			}
			memo := &table.Memo{}
			var row Row
			sections := map[string]bool{}
			for i := range src.Len() {
				ix.IndexRow(i, &row, memo)
				want := src.Row(i)
				if !slices.Equal(row.Cells, want.Cells) || row.Dept != want.Dept || row.Search != want.Search || row.Alert != want.Alert {
					t.Fatalf("%s %s row %d:\nIndexRow %q %q %q %v\n     Row %q %q %q %v", lang, name, i,
						row.Cells, row.Dept, row.Search, row.Alert, want.Cells, want.Dept, want.Search, want.Alert)
				}
				if want.Key == "" || want.Detail == "" && name == "queue" {
					t.Fatalf("%s %s row %d: Row lost its key or detail: %+v", lang, name, i, want)
				}
				sections[want.Cells[0]] = true
			}
			if name == "repair" && len(sections) < 5 {
				t.Errorf("%s: the grown fixture covers only sections %v", lang, sections)
			}
		}
	}
}
