package tui

import (
	"bytes"
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// rowIndex is what SetRows computes once per set of rows, so that a filter
// keystroke is a byte search over one buffer and integer maxima, and the
// rows are never copied. It never changes after SetRows: tables copied by
// value share it.
type rowIndex struct {
	n int
	// hay holds every row's cells, lower-cased, each followed by a NUL
	// (no filter that is searched here holds one, so a match never spans
	// two cells or two rows); row i's are hay[off[i]:off[i+1]].
	hay []byte
	off []uint32
	// stride is the most cells of any row; w[i*stride+c] is the display
	// width of row i's cell c, or wideCell when it is wider (measured again
	// when needed); colMax the widest of each column over every row.
	stride int
	w      []uint8
	colMax []int
	// Rows share their Search text and department with many others (a
	// department's names): grp[i] is row i's (Search, Dept) pair in groups,
	// whose Search is lower-cased once.
	grp    []int32
	groups []rowGroup
	// anyDept: some row has a department.
	anyDept bool
	// freq estimates how often each byte occurs in hay: a search looks for
	// the needle's rarest byte first.
	freq [256]uint32
}

type rowGroup struct {
	search string // lower-cased Search
	dept   string
}

// wideCell in rowIndex.w stands for a cell of 255 cells or more.
const wideCell = math.MaxUint8

func newRowIndex(rows []Row) *rowIndex {
	x := &rowIndex{n: len(rows)}
	size := 0
	for i := range rows {
		x.stride = max(x.stride, len(rows[i].Cells))
		for _, c := range rows[i].Cells {
			size += len(c) + 1
		}
	}
	if size > math.MaxUint32 {
		panic("tui: table text over 4 GiB")
	}
	x.hay = make([]byte, 0, size)
	x.off = make([]uint32, len(rows)+1)
	x.w = make([]uint8, len(rows)*x.stride)
	x.colMax = make([]int, x.stride)
	x.grp = make([]int32, len(rows))
	type groupKey struct{ search, dept string }
	ids := map[groupKey]int32{}
	last, lastID := groupKey{}, int32(-1)
	for i := range rows {
		r := &rows[i]
		k := groupKey{r.Search, r.Dept}
		if k != last || lastID < 0 {
			id, ok := ids[k]
			if !ok {
				id = int32(len(x.groups))
				ids[k] = id
				x.groups = append(x.groups, rowGroup{search: strings.ToLower(r.Search), dept: r.Dept})
			}
			last, lastID = k, id
		}
		x.grp[i] = lastID
		x.anyDept = x.anyDept || r.Dept != ""
		w := x.w[i*x.stride : (i+1)*x.stride]
		for c, s := range r.Cells {
			x.hay = appendLower(x.hay, s)
			x.hay = append(x.hay, 0)
			cw := min(cellWidth(s), math.MaxUint16)
			x.colMax[c] = max(x.colMax[c], cw)
			w[c] = uint8(min(cw, wideCell))
		}
		x.off[i+1] = uint32(len(x.hay))
	}
	for i := 0; i < len(x.hay); i += 31 {
		x.freq[x.hay[i]]++
	}
	return x
}

// needle is a filter prepared for searching hay: its rarest byte, at k, is
// searched for first, so that Chinese text, where a few lead bytes make up
// a third of the text, does not stop the search at every character.
type needle struct {
	f []byte
	k int
}

func (x *rowIndex) needle(f string) needle {
	nd := needle{f: []byte(f)}
	for k := range nd.f {
		if x.freq[nd.f[k]] < x.freq[nd.f[nd.k]] {
			nd.k = k
		}
	}
	return nd
}

// index returns the index of the first nd.f in h, or -1.
func (nd needle) index(h []byte) int {
	n, k := len(nd.f), nd.k
	if n == 0 {
		return 0
	}
	b := nd.f[k]
	for i := 0; i+n <= len(h); {
		j := bytes.IndexByte(h[i+k:len(h)-n+k+1], b)
		if j < 0 {
			return -1
		}
		i += j
		if bytes.Equal(h[i:i+n], nd.f) {
			return i
		}
		i++
	}
	return -1
}

// appendLower appends strings.ToLower(s) to dst, without allocating for
// text that needs no or only ASCII changes (Chinese text, credit codes).
func appendLower(dst []byte, s string) []byte {
	start := len(dst)
	dst = append(dst, s...)
	seg := dst[start:]
	for i := 0; i < len(seg); {
		c := seg[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				seg[i] = c + 'a' - 'A'
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(seg[i:])
		if r == utf8.RuneError && size == 1 || !(r >= 0x3000 && r < 0xa640) && unicode.ToLower(r) != r {
			// Invalid text or a non-ASCII case change: the general path.
			return append(dst[:start], strings.ToLower(s)...)
		}
		i += size
	}
	return dst
}

// cellWidth is ansi.StringWidth(s), without the grapheme segmentation for
// text of printable ASCII and the common wide CJK characters, each its own
// grapheme cluster (TestCellWidth checks every one of them).
func cellWidth(s string) int {
	w := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			w++
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return ansi.StringWidth(s)
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !simpleWide(r) {
			return ansi.StringWidth(s)
		}
		w += 2
		i += size
	}
	return w
}

// simpleWide reports whether r is two cells wide and a grapheme cluster of
// its own before and after any other such character or printable ASCII: CJK
// ideographs, CJK punctuation (not the combining tone marks from U+302A)
// and the fullwidth forms.
func simpleWide(r rune) bool {
	return r >= 0x4e00 && r <= 0x9fff || r >= 0x3000 && r <= 0x3029 || r >= 0xff01 && r <= 0xff60
}

// width returns the display width of row i's cell c.
func (x *rowIndex) width(rows []Row, i, c int) int {
	w := int(x.w[i*x.stride+c])
	if w == wideCell {
		w = min(ansi.StringWidth(rows[i].Cells[c]), math.MaxUint16)
	}
	return w
}

// maxWidths returns the widest cell of each column over the rows (every row
// when all), stopping early once every column is as wide as it gets.
func (x *rowIndex) maxWidths(rows []Row, sel []int32, all bool) []int {
	if all {
		return x.colMax
	}
	m := make([]int, x.stride)
	left := 0 // columns not yet at their widest
	for _, w := range x.colMax {
		if w > 0 {
			left++
		}
	}
	for _, i := range sel {
		if left == 0 {
			break
		}
		ws := x.w[int(i)*x.stride : int(i+1)*x.stride]
		for c, w8 := range ws {
			w := int(w8)
			if w <= m[c] {
				continue
			}
			if w == wideCell {
				w = x.width(rows, int(i), c)
			}
			if w > m[c] {
				m[c] = w
				if w == x.colMax[c] {
					left--
				}
			}
		}
	}
	return m
}

// deptOK reports whether rows of department d pass the department filter
// dept. A department filter keeps the rows of that department; rows of no
// department stay only in tables where no row has one (the endpoints, say),
// so the filter never empties a table it does not apply to.
func (x *rowIndex) deptOK(d, dept string) bool {
	return dept == "" || d == dept || !x.anyDept
}

// filterDept returns the rows of cand (every row in order when all) that
// pass the department filter, and whether that is every row in order.
func (x *rowIndex) filterDept(cand []int32, all bool, dept string) ([]int32, bool) {
	ok := make([]bool, len(x.groups))
	every := true
	for g := range x.groups {
		ok[g] = x.deptOK(x.groups[g].dept, dept)
		every = every && ok[g]
	}
	if every {
		return cand, all
	}
	var out []int32
	if all {
		for i, g := range x.grp {
			if ok[g] {
				out = append(out, int32(i))
			}
		}
	} else {
		for _, i := range cand {
			if ok[x.grp[i]] {
				out = append(out, i)
			}
		}
	}
	return slices.Clip(out), false
}

// scanFraction: a filter is searched over the whole text at once when it is
// to narrow more than this share of the rows, else row by row (a row costs
// about eight times as much searched alone).
const scanFraction = 8

// filter returns the rows of cand (every row in order when all) whose
// cells or Search text contain f (lower-cased, without NUL), in cand's
// order.
func (x *rowIndex) filter(cand []int32, all bool, f string) []int32 {
	gm := make([]bool, len(x.groups))
	anyGM := false
	for g := range x.groups {
		gm[g] = strings.Contains(x.groups[g].search, f)
		anyGM = anyGM || gm[g]
	}
	nd := x.needle(f)
	if !all && len(cand) < x.n/scanFraction {
		out := make([]int32, 0, len(cand))
		for _, i := range cand {
			if gm[x.grp[i]] || nd.index(x.hay[x.off[i]:x.off[i+1]]) >= 0 {
				out = append(out, i)
			}
		}
		return shrink(out)
	}
	set := x.scan(nd)
	if anyGM {
		for i, g := range x.grp {
			if gm[g] {
				set[i/64] |= 1 << (i % 64)
			}
		}
	}
	if all {
		cnt := 0
		for _, b := range set {
			cnt += bits.OnesCount64(b)
		}
		out := make([]int32, 0, cnt)
		for k, b := range set {
			for b != 0 {
				out = append(out, int32(k*64+bits.TrailingZeros64(b)))
				b &= b - 1
			}
		}
		return out
	}
	out := make([]int32, 0, len(cand))
	for _, i := range cand {
		if set[i/64]&(1<<(i%64)) != 0 {
			out = append(out, i)
		}
	}
	return shrink(out)
}

// scan returns the set of rows whose cells contain f, searching the whole
// text at once.
func (x *rowIndex) scan(nd needle) []uint64 {
	set := make([]uint64, (x.n+63)/64)
	pos, r := 0, 0
	for r < x.n {
		k := nd.index(x.hay[pos:])
		if k < 0 {
			break
		}
		p := uint32(pos + k)
		// The row holding p: the first r with off[r+1] > p; galloping from
		// the last, since matches come in order and often close together.
		if x.off[r+1] <= p {
			lo, step := r+1, 1
			hi := lo + step
			for hi < x.n && x.off[hi+1] <= p {
				lo = hi + 1
				step *= 2
				hi = lo + step
			}
			hi = min(hi, x.n-1)
			for lo < hi {
				mid := int(uint(lo+hi) >> 1)
				if x.off[mid+1] <= p {
					lo = mid + 1
				} else {
					hi = mid
				}
			}
			r = lo
		}
		set[r/64] |= 1 << (r % 64)
		r++
		pos = int(x.off[r])
	}
	return set
}

// shrink returns s in an array of its own length when that saves much.
func shrink(s []int32) []int32 {
	if cap(s)-len(s) > len(s) {
		return slices.Clone(s)
	}
	return s
}

// matchSlow reports whether row r passes a text filter f holding a NUL
// byte, cell by cell as the filter always matched (such a filter could span
// cells in the joined text).
func matchSlow(r *Row, f string) bool {
	if strings.Contains(strings.ToLower(r.Search), f) {
		return true
	}
	for _, c := range r.Cells {
		if strings.Contains(strings.ToLower(c), f) {
			return true
		}
	}
	return false
}

// sortOrder returns every row's index, stably sorted by column col as
// compareCells orders it, descending when desc. The table filters this
// order rather than sorting the rows each filter keeps: for a column that
// compareCells orders (no text that starts with digits or blanks mixed
// with numbers) the two are the same.
func sortOrder(rows []Row, col int, desc bool) []int32 {
	type key struct {
		s     string
		n     int
		isNum bool
	}
	keys := make([]key, len(rows))
	order := make([]int32, len(rows))
	for i := range rows {
		s := cellAt(rows[i], col)
		n, ok := cellNumber(s)
		keys[i] = key{s, n, ok}
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		ka, kb := &keys[a], &keys[b]
		var c int
		if ka.isNum && kb.isNum && ka.n != kb.n {
			c = cmp.Compare(ka.n, kb.n)
		} else {
			c = strings.Compare(ka.s, kb.s)
		}
		if desc {
			return -c
		}
		return c
	})
	return order
}
