package tui

import "github.com/czyj/credwatch/tui/table"

// The tabs' tables are tui/table's; these names keep the tabs' code short
// and are the names cmd/credwatch uses (TableFor).
type (
	Table     = table.Model
	Row       = table.Row
	Column    = table.Column
	RowSource = table.RowSource
)

// truncTail ends a line cut to fit, as the tables end a cell.
const truncTail = table.Ellipsis

// tabColumn is one column of a tab whose rows are made from an R: its
// header (a message key), its layout and search role, and its cell. A tab
// lists its columns in one slice, so that adding a column is one entry
// there: header, layout, role and cell side by side, never a positional
// cells[3] far from its header.
type tabColumn[R any] struct {
	title string // message key of the header
	col   Column // Min, Drop, Right, Field; Title is set from title
	cell  func(r *R) string
}

// tabColumns returns the table's columns of a tab, headers translated.
func tabColumns[R any](c catalog, tab []tabColumn[R]) []Column {
	cols := make([]Column, len(tab))
	for i, tc := range tab {
		cols[i] = tc.col
		cols[i].Title = c.t(tc.title)
	}
	return cols
}

// tabCells returns the cells of the row made from x, one per column of tab.
func tabCells[R any](tab []tabColumn[R], x *R) []string {
	cells := make([]string, len(tab))
	for j := range tab {
		cells[j] = tab[j].cell(x)
	}
	return cells
}
