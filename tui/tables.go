package tui

import (
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

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
// header (a message key), its layout and search role, its cell, its sort
// key, and what an export writes for it. A tab lists its columns in one
// slice, so that adding a column is one entry there: header, layout,
// role, cell, sort key and export value side by side, never a positional
// cells[3] far from its header.
type tabColumn[R any] struct {
	title string // message key of the header
	// head is the header as it is, instead of title's message: a name
	// the same in both languages (a kind's short name).
	head string
	col  Column // Min, Drop, Right, Field; Title is set from title
	cell func(r *R) string
	// sort is the text the column sorts by when the cell's does not sort
	// as it should (an age sorts by its time: timeKey); nil or "": the
	// cell, numbers as numbers.
	sort func(r *R) string
	// The export's column (credit.ExportColumn): its key (snake_case;
	// "": no column, where another column has what it shows), the type of
	// its values, and the value in that type's canonical form (nil: the
	// cell, which must then be what the type says). An age or a count of
	// days left on screen is the date or time it counts from in an
	// export.
	key   string
	typ   credit.CellType
	value func(r *R) string
	// more are export-only columns that follow this one: text the cell
	// merges with its value (a status beside a date), the rule set behind
	// a date.
	more []exportColumn[R]
}

// exportColumn is a column only an export has: its header (a message
// key), its key, type and value.
type exportColumn[R any] struct {
	title string
	key   string
	typ   credit.CellType
	value func(r *R) string
}

// header is the column's header in c's language.
func (tc *tabColumn[R]) header(c catalog) string {
	if tc.head != "" {
		return tc.head
	}
	return c.t(tc.title)
}

// tabColumns returns the table's columns of a tab, headers translated.
func tabColumns[R any](c catalog, tab []tabColumn[R]) []Column {
	cols := make([]Column, len(tab))
	for i := range tab {
		tc := &tab[i]
		cols[i] = tc.col
		cols[i].Title = tc.header(c)
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

// tabSortKeys returns the sort keys of the row made from x (Row.SortKeys),
// or nil when no column of tab has one.
func tabSortKeys[R any](tab []tabColumn[R], x *R) []string {
	var keys []string
	for j := range tab {
		if tab[j].sort == nil {
			continue
		}
		if keys == nil {
			keys = make([]string, len(tab))
		}
		keys[j] = tab[j].sort(x)
	}
	return keys
}

// tabRow returns a row of a tab with the cells and sort keys made from x.
func tabRow[R any](tab []tabColumn[R], x *R) Row {
	return Row{Cells: tabCells(tab, x), SortKeys: tabSortKeys(tab, x)}
}

// exportColumns returns the columns of a tab's export, headers translated:
// each column, then its export-only columns.
func exportColumns[R any](c catalog, tab []tabColumn[R]) []credit.ExportColumn {
	var cols []credit.ExportColumn
	for i := range tab {
		tc := &tab[i]
		if tc.key != "" {
			cols = append(cols, credit.ExportColumn{Title: tc.header(c), Key: tc.key, Type: tc.typ})
		}
		for _, m := range tc.more {
			cols = append(cols, credit.ExportColumn{Title: c.t(m.title), Key: m.key, Type: m.typ})
		}
	}
	return cols
}

// exportCells returns the export's cells of the row made from x, in
// exportColumns' order.
func exportCells[R any](tab []tabColumn[R], x *R) []string {
	cells := make([]string, 0, len(tab))
	for _, tc := range tab {
		switch {
		case tc.key == "":
		case tc.value != nil:
			cells = append(cells, tc.value(x))
		default:
			cells = append(cells, tc.cell(x))
		}
		for _, m := range tc.more {
			cells = append(cells, m.value(x))
		}
	}
	return cells
}

// timeKey is an instant as a sort key: RFC 3339 in China's zone, so that
// text order is time order (the zero time, never, sorts first).
func timeKey(t time.Time) string {
	if t.IsZero() {
		return "0000"
	}
	return t.In(credit.ChinaZone).Format(time.RFC3339Nano)
}

// timeValue is an instant as an export writes it (credit.CellTime), ""
// for the zero time (never).
func timeValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(credit.ChinaZone).Format(time.RFC3339)
}
