package table

import (
	"bytes"
	"cmp"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// rowIndex is what SetRows computes once per set of rows, so that a filter
// keystroke is a byte search over one buffer and integer maxima, and the
// rows are never copied. It never changes after SetRows (but for what
// the first search makes once, in sharedText's search): tables copied by value
// share it.
type rowIndex struct {
	n int
	// stride is the most cells of any row; colMax the widest cell of each
	// column over every row.
	stride int
	colMax []int
	// The text columns (text) are kept as text: hay holds every row's
	// cells of them, lower-cased, each followed by a NUL (no filter that is
	// searched here holds one, so a match never spans two cells or two
	// rows); row i's are hay[off[i]:off[i+1]]. tw[i*len(text)+j] is the
	// display width of row i's cell in column text[j], or wideCell when it
	// is wider (measured again when needed).
	text []int
	hay  []byte
	off  []uint32
	tw   []uint8
	// Columns of few distinct values (section, status, dates) are kept as
	// dictionaries: a keystroke searches each value once.
	dicts []dictCol
	// Rows share their Search text and department with many others (a
	// department's names): grp.at(i) is row i's (Search, Dept) pair in
	// groups, whose Search is lower-cased once.
	grp    rowIDs
	groups []rowGroup
	// anyDept: some row has a department.
	anyDept bool
	// freq estimates how often each byte occurs in hay: a search looks
	// for the needle's rarest byte first.
	freq [256]uint32
	// st searches the item cells of a SharedSource's rows in the source's
	// own text; those cells are then not in hay. nil for
	// other rows.
	st *sharedText
}

type rowGroup struct {
	search string // lower-cased Search
	dept   string
}

// dictCol is a column kept as a dictionary: row i's cell is the value
// ids.at(i).
type dictCol struct {
	col   int
	ids   rowIDs
	lower []string // each value lower-cased
	w     []int    // each value's display width
}

// wideCell in rowIndex.tw stands for a cell of 255 cells or more.
const wideCell = math.MaxUint8

// A column is a dictionary when the table has dictMinRows rows or more,
// at most half of the cells of its first dictSample rows differ, and it has
// at most a quarter as many distinct values as rows (and at most 65536).
const (
	dictMinRows = 64
	dictSample  = 4096
)

func newRowIndex(rows RowSource) *rowIndex {
	x := &rowIndex{n: rows.Len(), stride: rows.Width()}
	x.colMax = make([]int, x.stride)
	size := x.groupAndDicts(rows)
	if size > math.MaxUint32 {
		panic("table: text over 4 GiB")
	}
	x.st = newSharedText(rows, x.text)
	x.buildText(rows, size)
	for i := 0; i < len(x.hay); i += 31 {
		x.freq[x.hay[i]]++
	}
	return x
}

// rowReader returns a function giving row i of rows, for reading every row
// once in order: through IndexRow into one reused Row where rows is a
// Indexer, else Row. What it returns is valid until the next call.
func rowReader(rows RowSource) func(i int) *Row {
	var row Row
	if ix, ok := rows.(Indexer); ok {
		memo := &Memo{}
		return func(i int) *Row {
			Yield(i)
			ix.IndexRow(i, &row, memo)
			return &row
		}
	}
	return func(i int) *Row {
		Yield(i)
		row = rows.Row(i)
		return &row
	}
}

// yieldRows is how many rows a loop over a large table's rows reads
// between two yields (Yield): about a millisecond of work.
const yieldRows = 1024

// Yield lets the other goroutines waiting for a processor run once every
// yieldRows iterations i of a loop over every row, so that the key that
// arrives while a load builds a table of a million rows is handled at
// once rather than when the scheduler next preempts the load (up to 10 ms
// later, per step from the key to its frame, when every processor is
// busy: two cores, a build and the garbage collector). It costs the loop
// well under 1%.
func Yield(i int) {
	if i%yieldRows == yieldRows-1 {
		runtime.Gosched()
	}
}

// dictCandidates returns the columns that look like dictionaries in the
// first rows.
func dictCandidates(rows RowSource, stride int) []int {
	if rows.Len() < dictMinRows {
		return nil
	}
	m := min(rows.Len(), dictSample)
	sample := make([]Row, m)
	for i := range sample {
		sample[i] = rows.Row(i)
	}
	var cand []int
	for c := range stride {
		seen := map[string]struct{}{}
		for i := 0; i < m && len(seen) <= m/2; i++ {
			seen[cellAt(sample[i], c)] = struct{}{}
		}
		if len(seen) <= m/2 {
			cand = append(cand, c)
		}
	}
	return cand
}

// groupAndDicts sets grp, groups and anyDept, makes the dictionary columns
// and sets text to the others, in one pass over the rows. It returns the
// size of the text columns' cells with a NUL each. A row without the cell
// has the value "".
func (x *rowIndex) groupAndDicts(rows RowSource) int {
	n := rows.Len()
	grp := make([]int32, n)
	type groupKey struct{ search, dept string }
	groupIDs := map[groupKey]int32{}
	lastGroup, lastGroupID := groupKey{}, int32(-1)

	cand := dictCandidates(rows, x.stride)
	limit := min(math.MaxUint16+1, n/4)
	type building struct {
		ids     map[string]uint16
		vals    []string
		last    string
		size    int // the column's text size, should it be text after all
		dropped bool
	}
	bs := make([]building, len(cand))
	dicts := make([]dictCol, len(cand))
	ids := make([][]uint16, len(cand)) // each candidate's values while building
	isDict := make([]bool, x.stride)
	for d, c := range cand {
		dicts[d] = dictCol{col: c}
		ids[d] = make([]uint16, n)
		bs[d].ids = map[string]uint16{}
		isDict[c] = true
	}
	size := 0
	// The item cells of rows that show an item are searched in the
	// source's text (sharedText), so they are not counted: the few that
	// are not make hay grow.
	sumCol := make([]bool, x.stride)
	sr, _ := rows.(SharedSource)
	if sr != nil {
		cols := sr.Columns()
		for c := range min(len(cols), x.stride) {
			sumCol[c] = cols[c].Field != 0
		}
	}
	read := rowReader(rows)
	for i := range n {
		r := read(i)
		hasSummary := sr != nil && sr.Item(i) >= 0
		k := groupKey{r.Search, r.Dept}
		if k != lastGroup || lastGroupID < 0 {
			id, ok := groupIDs[k]
			if !ok {
				id = int32(len(x.groups))
				groupIDs[k] = id
				x.groups = append(x.groups, rowGroup{search: strings.ToLower(r.Search), dept: r.Dept})
			}
			lastGroup, lastGroupID = k, id
		}
		grp[i] = lastGroupID
		x.anyDept = x.anyDept || r.Dept != ""

		for c, s := range r.Cells {
			if !isDict[c] && !(hasSummary && sumCol[c]) {
				size += len(s) + 1
			}
		}
		for d := range cand {
			b := &bs[d]
			if b.dropped {
				continue
			}
			s := cellAt(*r, cand[d])
			b.size += len(s) + 1
			if i > 0 && s == b.last {
				ids[d][i] = ids[d][i-1]
				continue
			}
			id, ok := b.ids[s]
			if !ok {
				if len(b.vals) == limit {
					// Too many values: text after all, counted in size
					// from the next row on.
					b.dropped, b.ids, b.vals, ids[d] = true, nil, nil, nil
					isDict[cand[d]] = false
					continue
				}
				id = uint16(len(b.vals))
				b.ids[s] = id
				b.vals = append(b.vals, s)
			}
			ids[d][i], b.last = id, s
		}
	}
	x.grp = narrowIDs(grp, len(x.groups))
	for d, c := range cand {
		b := &bs[d]
		if b.dropped {
			// The rows before: those without the cell counted a NUL
			// they do not have, which only over-allocates.
			size += b.size
			continue
		}
		dc := dicts[d]
		dc.ids = narrowIDs16(ids[d], len(b.vals))
		ids[d] = nil
		dc.lower, dc.w = make([]string, len(b.vals)), make([]int, len(b.vals))
		for id, s := range b.vals {
			dc.lower[id] = strings.ToLower(s)
			dc.w[id] = min(cellWidth(s), math.MaxUint16)
			x.colMax[c] = max(x.colMax[c], dc.w[id])
		}
		x.dicts = append(x.dicts, dc)
	}
	for c := range x.stride {
		if !isDict[c] {
			x.text = append(x.text, c)
		}
	}
	return size
}

// buildText sets hay (of size bytes), off and tw from the text columns.
func (x *rowIndex) buildText(rows RowSource, size int) {
	k, n := len(x.text), rows.Len()
	x.hay = make([]byte, 0, size)
	x.off = make([]uint32, n+1)
	x.tw = make([]uint8, n*k)
	read := rowReader(rows)
	sw := make([]int, k) // widths of a row's item cells
	for i := range n {
		x.appendRowText(i, read(i).Cells, sw, true)
		x.off[i+1] = uint32(len(x.hay))
	}
	if cap(x.hay)-len(x.hay) > len(x.hay) {
		x.hay = slices.Clone(x.hay)
	}
	if x.st != nil {
		x.st.done()
	}
}

// appendRowText appends the text of row i, whose cells are cells, to
// x.hay (each cell the structured store does not keep in place, lowered,
// then a 0) and sets the row's cell widths in x.tw; track also raises
// x.colMax to them. sw is scratch of len(x.text).
func (x *rowIndex) appendRowText(i int, cells []string, sw []int, track bool) {
	k := len(x.text)
	tw := x.tw[i*k : (i+1)*k]
	inPlace := false
	if x.st != nil {
		inPlace = x.st.inPlace(i, cells, x.text, sw)
		if !inPlace {
			x.st.pen[i] = -1
		}
	}
	for j, c := range x.text {
		if c >= len(cells) {
			break
		}
		var w int
		if inPlace && x.st.field[j] != 0 {
			w = sw[j]
		} else {
			x.hay, w = appendCell(x.hay, cells[c])
			x.hay = append(x.hay, 0)
		}
		w = min(w, math.MaxUint16)
		if track {
			x.colMax[c] = max(x.colMax[c], w)
		}
		tw[j] = uint8(min(w, wideCell))
	}
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

// appendCell appends strings.ToLower(s) to dst and returns it with
// cellWidth(s), in one pass over s for text that needs no or only ASCII
// case changes (Chinese text, credit codes).
func appendCell(dst []byte, s string) ([]byte, int) {
	start := len(dst)
	dst = append(dst, s...)
	seg := dst[start:]
	w := 0
	lower, measure := true, true // still lower-casing / measuring here
	for i := 0; i < len(seg); {
		c := seg[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				seg[i] = c + 'a' - 'A'
			}
			if c < 0x20 || c == 0x7f {
				measure = false
			}
			w++
			i++
			continue
		}
		var r rune
		var size int
		if c&0xf0 == 0xe0 && i+2 < len(seg) && seg[i+1]&0xc0 == 0x80 && seg[i+2]&0xc0 == 0x80 {
			// Three bytes: CJK. Any rune decoded here from 0x3000 on is
			// neither overlong nor a surrogate.
			r, size = rune(c&0x0f)<<12|rune(seg[i+1]&0x3f)<<6|rune(seg[i+2]&0x3f), 3
		}
		if r < 0x3000 || r >= 0xa640 {
			r, size = utf8.DecodeRune(seg[i:])
			if r == utf8.RuneError && size == 1 || unicode.ToLower(r) != r {
				lower = false
			}
		}
		if !simpleWide(r) {
			measure = false
		}
		w += 2
		i += size
		if !lower && !measure {
			break
		}
	}
	if !lower {
		dst = append(dst[:start], strings.ToLower(s)...)
	}
	if !measure {
		w = ansi.StringWidth(s)
	}
	return dst, w
}

// cellWidth is ansi.StringWidth(s), without the grapheme segmentation for
// text of printable ASCII and the common wide CJK characters, each its own
// grapheme cluster (TestCellWidth checks every one of them).
// Width is the display width of s as the tables measure a cell: a CJK
// character takes two columns, an East-Asian-ambiguous one is drawn
// narrow. Text output that lines up with the view uses it too.
func Width(s string) int { return cellWidth(s) }

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

// maxWidths returns the widest cell of each column over the rows (every row
// when all), stopping early once every column is as wide as it gets.
func (x *rowIndex) maxWidths(rows RowSource, sel []int32, all bool) []int {
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
	k := len(x.text)
	see := func(c, w int) {
		if w > m[c] {
			m[c] = w
			if w == x.colMax[c] {
				left--
			}
		}
	}
	for _, i := range sel {
		if left == 0 {
			break
		}
		for j, w8 := range x.tw[int(i)*k : int(i+1)*k] {
			c := x.text[j]
			w := int(w8)
			if w <= m[c] {
				continue
			}
			if w == wideCell {
				w = min(ansi.StringWidth(rows.Row(int(i)).Cells[c]), math.MaxUint16)
			}
			see(c, w)
		}
		for d := range x.dicts {
			dc := &x.dicts[d]
			see(dc.col, dc.w[dc.ids.at(int(i))])
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
		out = x.grp.rowsWith(ok)
	} else {
		for _, i := range cand {
			if ok[x.grp.at(int(i))] {
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
	// The dictionaries with a value that matches, and which.
	type dictMatch struct {
		ids *rowIDs
		ok  []bool
	}
	var dm []dictMatch
	for d := range x.dicts {
		dc := &x.dicts[d]
		var ok []bool
		for id, v := range dc.lower {
			if strings.Contains(v, f) {
				if ok == nil {
					ok = make([]bool, len(dc.lower))
				}
				ok[id] = true
			}
		}
		if ok != nil {
			dm = append(dm, dictMatch{&dc.ids, ok})
		}
	}
	nd := x.needle(f)
	if !all && len(cand) < x.n/scanFraction {
		out := make([]int32, 0, len(cand))
	rows:
		for _, i := range cand {
			if gm[x.grp.at(int(i))] {
				out = append(out, i)
				continue
			}
			for _, d := range dm {
				if d.ok[d.ids.at(int(i))] {
					out = append(out, i)
					continue rows
				}
			}
			if nd.index(x.hay[x.off[i]:x.off[i+1]]) >= 0 {
				out = append(out, i)
				continue
			}
			if x.st != nil {
				if p := x.st.pen[i]; p >= 0 && x.st.search.Match(int(p), f) {
					out = append(out, i)
				}
			}
		}
		return shrink(out)
	}
	set := x.scan(nd)
	if x.st != nil {
		pens := x.st.search.Find(f)
		for i, p := range x.st.pen {
			if p >= 0 && pens[p/64]&(1<<(p%64)) != 0 {
				set[i/64] |= 1 << (i % 64)
			}
		}
	}
	if anyGM {
		x.grp.markRows(gm, set)
	}
	for _, d := range dm {
		d.ids.markRows(d.ok, set)
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

// sortOrder returns every row's index, stably sorted by column col (its
// sort keys, where rows have them) as compareCells (table_test.go, the
// reference order) orders it, descending when desc; with collated, by the
// texts' Chinese collation (Column.Collate) instead. The table filters
// this order rather than sorting the rows each filter keeps: for a column
// that compareCells orders (no text that starts with digits or blanks
// mixed with numbers) the two are the same.
func sortOrder(rows RowSource, col int, desc, collated bool) []int32 {
	if collated {
		return collatedOrder(rows, col, desc)
	}
	type key struct {
		s     string
		n     int
		isNum bool
	}
	keys := make([]key, rows.Len())
	order := make([]int32, rows.Len())
	for i := range keys {
		s := sortKeyAt(rows.Row(i), col)
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

// collateMemo is how many distinct texts collatedOrder remembers the keys
// of: every department, and a bounded share of a column of names.
const collateMemo = 4096

// collatedOrder is sortOrder by the Chinese collation of column col. Each
// row's collation key is made once, into one buffer, and the sort compares
// keys as bytes: a key per row, not a collation per comparison. A text
// seen before (a department's name) takes the key made for it: the first
// collateMemo distinct texts are remembered. Texts equal to the collation
// (case or width apart) keep code-point order.
func collatedOrder(rows RowSource, col int, desc bool) []int32 {
	coll := collate.New(language.Chinese, collate.Loose, collate.Numeric)
	var buf collate.Buffer
	n := rows.Len()
	keys, texts := make([][]byte, n), make([]string, n)
	order := make([]int32, n)
	memo := map[string][]byte{}
	for i := range n {
		s := sortKeyAt(rows.Row(i), col)
		texts[i], order[i] = s, int32(i)
		k, ok := memo[s]
		if !ok {
			k = coll.KeyFromString(&buf, s)
			if len(memo) < collateMemo {
				memo[s] = k
			}
		}
		keys[i] = k
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		c := cmp.Or(bytes.Compare(keys[a], keys[b]), strings.Compare(texts[a], texts[b]))
		if desc {
			return -c
		}
		return c
	})
	return order
}
