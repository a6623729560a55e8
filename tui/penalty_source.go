package tui

import (
	"strings"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// The search roles of the penalty tabs' columns (Column.Field): the
// penalty summary field a column shows as it is, which the table's filter
// then searches in the summaries' own text (credit.PenaltySearch).
const (
	searchName  = table.Field(credit.FieldSubjectName)
	searchUSCC  = table.Field(credit.FieldUSCC)
	searchDocNo = table.Field(credit.FieldDocNo)
)

// penaltySource is the table.SharedSource part common to the repair and
// queue tabs' rows: their items are the snapshot's penalty summaries.
type penaltySource struct{ pens credit.Penalties }

// ItemText implements table.SharedSource.
func (s *penaltySource) ItemText(p int, f table.Field) string {
	return s.pens.Field(p, credit.PenaltyField(f))
}

// Search implements table.SharedSource.
func (s *penaltySource) Search(fields []table.Field, among []int32) table.Searcher {
	pf := make([]credit.PenaltyField, len(fields))
	for i, f := range fields {
		pf[i] = credit.PenaltyField(f)
	}
	return s.pens.NewSearch(pf, among)
}

// unmarked is a cell's text without the status symbol it starts with.
func unmarked(s string) string {
	for _, sym := range [...]string{symOK, symBad, symSyncing, symNone, symWarn} {
		if t, ok := strings.CutPrefix(s, sym+" "); ok {
			return t
		}
	}
	return s
}
