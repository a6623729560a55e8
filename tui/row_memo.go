package tui

import (
	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// Kinds of the repair and queue tabs' memoised cells (table.MemoKey).
const (
	memoSection uint8 = iota + 1
	memoRepairStatus
	memoDays
	memoQueueState
	memoAge
	memoThree
	memoDate
)

func memoKey(kind uint8, v int) uint64 { return table.MemoKey(kind, v) }

// memoDate returns d.String(), made once per index build.
func memoDateOf(m *table.Memo, d credit.Date) string {
	return m.Str(memoKey(memoDate, int(d)), d.String)
}
