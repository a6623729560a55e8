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
