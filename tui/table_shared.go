package tui

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/czyj/credwatch/credit"
)

// summaryRows is a RowSource whose rows show penalty summaries' text
// fields. The table's index searches those cells in the summaries' own
// shared text (credit.Penalties.Text) rather than in a lower-cased copy per
// row: at 1M records that copy was 33 MB, made again on every reload while
// the old one was still on screen.
type summaryRows interface {
	RowSource
	// summaryText returns the penalties the rows show and, for the
	// SubjectName, USCC and DocNo fields, the column showing it or -1.
	summaryText() (*credit.Penalties, [3]int)
	// rowSummary returns the index of the penalty row i shows, or -1.
	rowSummary(i int) int
}

// sharedText is the part of a rowIndex that searches the summaries' text in
// place. A row's summary cells are searched there only when each cell is
// its field's text as it is and lower-cases by ASCII case alone (checked
// per row at build): then strings.Contains(strings.ToLower(cell), f) is a
// match of f in the field with ASCII letters folded. Other rows (a name
// with a control character or a trailing blank, an É) keep those cells in
// the index's own text, as every row of other tables does.
type sharedText struct {
	pens *credit.Penalties
	// field[j] is the summary field (1 SubjectName, 2 USCC, 3 DocNo) that
	// the index's text column text[j] shows, or 0.
	field []uint8
	// shown[f] is whether field f is shown in some column.
	shown [4]bool
	// pen[i] is row i's summary when its summary cells are searched in
	// place, else -1.
	pen []int32
	// slots[c] are the summaries searched in place whose text is in chunk c,
	// by offset: a match at an offset is in the last slot at or before it.
	// Made by the first scan (most tables are replaced by the next reload
	// before anyone filters them: 2.7 MB at 1M records).
	slots     [][]textSlot
	slotsOnce sync.Once
}

type textSlot struct {
	off uint32
	pen int32
}

// newSharedText returns the sharedText of rows for the index's text
// columns, or nil when rows show no summary text among them. pen is
// filled in by buildText.
func newSharedText(rows RowSource, text []int) *sharedText {
	sr, ok := rows.(summaryRows)
	if !ok {
		return nil
	}
	pens, cols := sr.summaryText()
	st := &sharedText{pens: pens, field: make([]uint8, len(text))}
	any := false
	for j, c := range text {
		for f, fc := range cols {
			if fc == c {
				st.field[j] = uint8(f + 1)
				st.shown[f+1] = true
				any = true
			}
		}
	}
	if !any {
		return nil
	}
	st.pen = make([]int32, rows.Len())
	for i := range st.pen {
		st.pen[i] = int32(sr.rowSummary(i))
	}
	return st
}

// fieldText returns field f of summary p.
func (st *sharedText) fieldText(p int32, f uint8) string {
	c, off, ends := st.pens.Span(int(p))
	start := uint32(0)
	if f > 0 {
		start = ends[f-1]
	}
	return st.pens.Text()[c][off+int(start) : off+int(ends[f])]
}

// inPlace reports whether row i's summary cells can be searched in place:
// the row shows a summary and each of cells' summary cells (text columns
// text) is its field as it is and folds by ASCII alone. It returns the
// cells' widths in w (indexed like text; only summary cells set).
func (st *sharedText) inPlace(i int, cells []string, text []int, w []int) bool {
	p := st.pen[i]
	if p < 0 {
		return false
	}
	for j, c := range text {
		f := st.field[j]
		if f == 0 {
			continue
		}
		s := ""
		if c < len(cells) {
			s = cells[c]
		}
		if s != st.fieldText(p, f) {
			return false
		}
		var simple bool
		if w[j], simple = foldWidth(s); !simple {
			return false
		}
	}
	return true
}

// makeSlots sets slots from pen.
func (st *sharedText) makeSlots() {
	used := make([]bool, st.pens.Len())
	for _, p := range st.pen {
		if p >= 0 {
			used[p] = true
		}
	}
	count := make([]int, len(st.pens.Text()))
	for p, u := range used {
		if u {
			c, _, _ := st.pens.Span(p)
			count[c]++
		}
	}
	st.slots = make([][]textSlot, len(count))
	all := make([]textSlot, 0, len(st.pen))
	for c, n := range count {
		st.slots[c] = all[len(all) : len(all) : len(all)+n]
		all = all[:len(all)+n]
	}
	for p, u := range used {
		if u {
			c, off, _ := st.pens.Span(p)
			st.slots[c] = append(st.slots[c], textSlot{off: uint32(off), pen: int32(p)})
		}
	}
}

// foldWidth returns s's display width and whether strings.ToLower(s) is s
// with its ASCII letters lower-cased: valid UTF-8 whose other runes have
// no lower case of their own.
func foldWidth(s string) (int, bool) { return cellWidth(s), foldsByASCII(s) }

// foldsByASCII reports whether every rune of s is valid and its own lower
// case, ASCII letters aside.
func foldsByASCII(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unicode.ToLower(r) != r {
			return false
		}
		i += size
	}
	return true
}

// foldNeedle is a lower-cased filter prepared for searching text with
// ASCII letters folded: its rarest byte, at k, is searched for first, in
// both cases when it is a letter.
type foldNeedle struct {
	f      string
	k      int
	lo, up byte
}

func newFoldNeedle(nd needle) foldNeedle {
	b := nd.f[nd.k]
	fn := foldNeedle{f: string(nd.f), k: nd.k, lo: b, up: b}
	if 'a' <= b && b <= 'z' {
		fn.up = b - 'a' + 'A'
	}
	return fn
}

// index returns the index of the first match of the needle in h, letters
// folded, or -1.
func (fn *foldNeedle) index(h string) int {
	sc := newFoldScan(fn, h)
	return sc.next(0)
}

// foldScan finds the needle's matches in one text, left to right. It keeps
// where the next copies of the needle's rarest byte are, in both cases,
// across calls: a letter found in one case only (the upper-case letters of
// credit codes, say) is then looked for once per text, not once per match.
type foldScan struct {
	fn *foldNeedle
	h  string
	// nl and nu: the position in h of the next lo and up at or after the
	// last position looked at, or len(h) when none; -1 before the first.
	nl, nu int
}

func newFoldScan(fn *foldNeedle, h string) foldScan { return foldScan{fn: fn, h: h, nl: -1, nu: -1} }

// next returns the index of the first match at or after from, or -1. The
// calls' from must not decrease.
func (sc *foldScan) next(from int) int {
	fn := sc.fn
	n, k := len(fn.f), fn.k
	if n == 0 {
		return from
	}
	last := len(sc.h) - n + k // the last position byte k of a match can be at
	for i := from + k; i <= last; i++ {
		if sc.nl < i {
			sc.nl = nextByte(sc.h, i, fn.lo)
		}
		if fn.up == fn.lo {
			sc.nu = sc.nl
		} else if sc.nu < i {
			sc.nu = nextByte(sc.h, i, fn.up)
		}
		i = min(sc.nl, sc.nu)
		if i > last {
			return -1
		}
		if equalFold(sc.h[i-k:i-k+n], fn.f) {
			return i - k
		}
	}
	return -1
}

// nextByte returns the index of the first b in s at or after i, or len(s).
func nextByte(s string, i int, b byte) int {
	j := strings.IndexByte(s[i:], b)
	if j < 0 {
		return len(s)
	}
	return i + j
}

// equalFold reports whether s is f with some ASCII letters upper-cased; f
// is lower-cased.
func equalFold(s, f string) bool {
	for j := 0; j < len(f); j++ {
		c := s[j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != f[j] {
			return false
		}
	}
	return true
}

// match reports whether the needle is in one of summary p's shown fields.
func (st *sharedText) match(fn *foldNeedle, p int32) bool {
	for f := uint8(1); f <= 3; f++ {
		if st.shown[f] && fn.index(st.fieldText(p, f)) >= 0 {
			return true
		}
	}
	return false
}

// matches returns the set of summaries (bits indexed by summary) searched
// in place whose shown fields hold the needle: by scanning the text, or
// summary by summary when the table shows few of the summaries (a queue of
// a thousand rows would otherwise search the text of all 300k).
func (st *sharedText) matches(fn *foldNeedle) []uint64 {
	if len(st.pen)*scanFraction >= st.pens.Len() {
		return st.scan(fn)
	}
	set := make([]uint64, (st.pens.Len()+63)/64)
	for _, p := range st.pen {
		if p >= 0 && set[p/64]&(1<<(p%64)) == 0 && st.match(fn, p) {
			set[p/64] |= 1 << (p % 64)
		}
	}
	return set
}

// scan is matches searching each chunk of text at once.
func (st *sharedText) scan(fn *foldNeedle) []uint64 {
	st.slotsOnce.Do(st.makeSlots)
	set := make([]uint64, (st.pens.Len()+63)/64)
	n := len(fn.f)
	for c, chunk := range st.pens.Text() {
		slots := st.slots[c]
		if len(slots) == 0 {
			continue
		}
		s := 0 // the slot at or before pos
		pos := int(slots[0].off)
		sc := newFoldScan(fn, chunk)
		for pos < len(chunk) {
			p := sc.next(pos)
			if p < 0 {
				break
			}
			// The last slot at or before p, galloping from s: matches come
			// in order.
			if s+1 < len(slots) && int(slots[s+1].off) <= p {
				lo, step := s+1, 1
				hi := lo + step
				for hi < len(slots) && int(slots[hi].off) <= p {
					lo = hi
					step *= 2
					hi = lo + step
				}
				hi = min(hi, len(slots))
				for hi-lo > 1 {
					mid := int(uint(lo+hi) >> 1)
					if int(slots[mid].off) <= p {
						lo = mid
					} else {
						hi = mid
					}
				}
				s = lo
			}
			sl := slots[s]
			_, _, ends := st.pens.Span(int(sl.pen))
			rel := uint32(p) - sl.off
			if rel >= ends[3] {
				// Text of no summary searched here.
				if s+1 == len(slots) {
					break
				}
				s++
				pos = int(slots[s].off)
				continue
			}
			f := uint8(0)
			for rel >= ends[f] {
				f++
			}
			switch {
			case f > 0 && st.shown[f] && rel+uint32(n) <= ends[f]:
				set[sl.pen/64] |= 1 << (sl.pen % 64)
				pos = int(sl.off + ends[3]) // the summary's next match adds nothing
			case f == 0 || !st.shown[f]:
				pos = int(sl.off + ends[f]) // not searched: the next field
			default:
				pos = p + 1 // spans two fields: look further on
			}
		}
	}
	return set
}
