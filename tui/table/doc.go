// Package table is the TUI's table component, shaped like bubbles' table:
// New(columns, DefaultStyles(), DefaultKeyMap()) makes a Model; its owner
// gives it rows (SetRows, or SetIndexed with rows indexed off the UI
// goroutine by Index), its size (SetSize: it never handles
// tea.WindowSizeMsg itself) and keys (Update), and draws it with View.
//
// It draws only the rows that fit (a RowSource may make rows on demand, so
// 300k rows cost no Row each), measures every cell in display cells as
// lipgloss does (CJK counts two, East-Asian-ambiguous characters are drawn
// narrow), fits the columns to the width (Column.Min shrinks a column with
// a "~", Column.Drop hides one, highest first; a Column.Yield column is
// hidden before any other shrinks), sorts by a column (numbers
// as numbers, or by the rows' SortKeys where the text shown does not
// sort: an age by its time; a Column.Collate column of names by pinyin,
// as Excel does), and filters by text (Search text included, case ignored)
// and by department, keeping the cursor on the same row key across
// reloads. A SharedSource lets the filter search some columns in text the
// source keeps (Column.Field, Searcher) instead of a copy per row.
//
// It knows nothing of credwatch's data: a tab (package tui) declares its
// columns and makes the rows' cells. To add a column to a tab, add one
// Column to the tab's column list (header, Min/Drop/Right, and Field if it
// shows a searchable item field as it is) and the cell at the same
// position in the tab's row function; the table fits, sorts, filters and
// exports it with no other change. TestGolden's goldenColumns and
// goldenRows show the shape.
package table
