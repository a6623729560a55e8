package table

// Indexer is a RowSource whose rows are made on demand and that can make
// just what the table's index reads of a row (Cells, Dept, Search) more
// cheaply than Row: into row, reusing row.Cells, without the key or the
// detail line, and taking the text many rows share (dates, day counts,
// labels) from memo. The index reads every row twice; at 1M records that
// is 700k rows whose cells Row would make twice over on every reload.
type Indexer interface {
	IndexRow(i int, row *Row, memo *Memo)
}

// Memo keeps cell text that many rows share, made once per index build.
// One goroutine uses it. A nil *Memo makes every text afresh, so that Row
// and IndexRow can share their code.
type Memo struct {
	strs    map[uint64]string
	scratch any
}

// Scratch returns the value kept in m, made by make the first time: a
// source's working space for one row, reused from row to row (m has one
// goroutine), so that making a row allocates nothing. A nil *Memo returns
// make() every time.
func (m *Memo) Scratch(make func() any) any {
	if m == nil {
		return make()
	}
	if m.scratch == nil {
		m.scratch = make()
	}
	return m.scratch
}

// Str returns make(), made once per key. Keys are the source's own: a
// source that memoises several kinds of text keeps them apart in the key
// (MemoKey).
func (m *Memo) Str(key uint64, make func() string) string {
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

// MemoKey is a Memo key for kind (a source's own small number) and v.
func MemoKey(kind uint8, v int) uint64 { return uint64(kind)<<56 | uint64(uint32(v)) }

// CellsOf returns row's cells slice with n cells, reusing its array.
func CellsOf(row *Row, n int) []string {
	if cap(row.Cells) >= n {
		return row.Cells[:n]
	}
	return make([]string, n)
}
