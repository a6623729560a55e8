package credit

// Export is what an officer exports: one or more views as tables, and
// the facts that say how they were made. It is the one shape every export
// writer takes (xlsx, csv, json: package sync/sheet), whether the TUI's e
// key or `credwatch export` asked for it.
type Export struct {
	Tables []ExportTable
	// About says how the tables were made, in order: the filter, the sort,
	// the business date, the officer, the rule sets used, the cache's
	// data time. An xlsx export writes it as a sheet of its own.
	About []ExportFact
}

// ExportFact is one line of Export.About.
type ExportFact struct {
	Name, Value string
}

// ExportTable is one view: its columns and its rows, as shown (filtered
// and sorted) but with every value whole and typed (see CellType).
type ExportTable struct {
	// Name names the table: an xlsx sheet's name, the view's title.
	Name    string
	Columns []ExportColumn
	// Rows holds each row's cells in column order. A cell is written in
	// its column's canonical form (see CellType); "" is an empty cell.
	Rows [][]string
}

// ExportColumn is one column of an ExportTable.
type ExportColumn struct {
	Title string // the header, in the officer's language
	// Key is the column's JSON key and csv-independent identifier
	// (snake_case, the same in both languages).
	Key  string
	Type CellType
	// Width is the widest value's display width (a CJK character counts
	// two), for column widths in a spreadsheet; 0: the writer measures.
	Width int
}

// CellType says what a column's cells are, and so how a writer writes
// them: an xlsx writer as a text, number or date cell, JSON as a string or
// a number.
type CellType uint8

const (
	// CellText is text, written as it is.
	CellText CellType = iota
	// CellCode is text that looks like a number and must never become one:
	// a unified social credit code (913204002501828129 would become
	// 9.13E+17), a division code, a document or licence number.
	CellCode
	// CellNumber is a decimal number in Go syntax ("42", "-3", "12.5").
	CellNumber
	// CellDate is a day, "2006-01-02".
	CellDate
	// CellTime is an instant in RFC 3339 with its zone
	// ("2026-11-30T09:04:00+08:00").
	CellTime
)
