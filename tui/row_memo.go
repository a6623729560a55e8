package tui

import "github.com/czyj/credwatch/credit"

// rowIndexer is a RowSource whose rows are made on demand and that can make
// just what the table's index reads of a row (Cells, Dept, Search) more
// cheaply than Row: into row, reusing row.Cells, without the key or the
// detail line, and taking the text many rows share (dates, day counts,
// labels) from memo. newRowIndex reads every row twice; at 1M records that
// is 700k rows whose cells Row would make twice over on every reload.
type rowIndexer interface {
	IndexRow(i int, row *Row, memo *cellMemo)
}

// cellMemo keeps cell text that many rows share, made once per index build.
// One goroutine uses it. A nil *cellMemo makes every text afresh, so that
// Row and IndexRow can share their code.
type cellMemo struct {
	dates map[credit.Date]string
	strs  map[uint64]string
}

// Keys of cellMemo.strs: a kind in the top 8 bits, the value below.
const (
	memoSection uint64 = iota + 1
	memoRepairStatus
	memoDays
	memoQueueState
	memoAge
	memoThree
)

func memoKey(kind uint64, v int) uint64 { return kind<<56 | uint64(uint32(v)) }

// date returns d.String().
func (m *cellMemo) date(d credit.Date) string {
	if m == nil {
		return d.String()
	}
	if m.dates == nil {
		m.dates = map[credit.Date]string{}
	}
	s, ok := m.dates[d]
	if !ok {
		s = d.String()
		m.dates[d] = s
	}
	return s
}

// str returns make(), made once per key.
func (m *cellMemo) str(key uint64, make func() string) string {
	if m == nil {
		return make()
	}
	if m.strs == nil {
		m.strs = map[uint64]string{}
	}
	s, ok := m.strs[key]
	if !ok {
		s = make()
		m.strs[key] = s
	}
	return s
}

// cellsOf returns row's cells slice with n cells, reusing its array.
func cellsOf(row *Row, n int) []string {
	if cap(row.Cells) >= n {
		return row.Cells[:n]
	}
	return make([]string, n)
}
