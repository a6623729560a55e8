package credit

import (
	"math/bits"
	"runtime"
	"strings"
	"sync"
)

// PenaltyField is a text field of a penalty summary that a PenaltySearch
// looks in.
type PenaltyField uint8

// The searchable fields; the zero PenaltyField is none.
const (
	FieldSubjectName PenaltyField = 1 + iota
	FieldUSCC
	FieldDocNo
)

// Field returns field f of summary i (as At(i) has it) without making the
// rest of the summary; "" for no field.
func (p *Penalties) Field(i int, f PenaltyField) string {
	if f < FieldSubjectName || f > FieldDocNo {
		return ""
	}
	r := p.rows.at(i)
	return p.chunks[r.chunk][r.off+r.ends[f-1] : r.off+r.ends[f]]
}

// PenaltySearch finds a text in some fields of some of a Penalties'
// summaries, in the summaries' own packed text: the caller keeps no
// lower-cased copy of it (at 1M records such a copy was 33 MB, made again
// on every reload while the old one was still on screen). Make one with
// Penalties.NewSearch. It is safe for concurrent use; what it makes at its
// first Find is kept for the next.
type PenaltySearch struct {
	p      Penalties
	fields [4]bool // fields[f]: field f is searched
	among  []int32
	// slots[c] are the summaries of among whose text is in chunk c, by
	// offset: a match at an offset is in the last slot at or before it.
	// Made by the first scan (most searches are dropped, with the table
	// that made them, by the next reload before anyone types: 2.7 MB at
	// 1M records).
	slots     [][]textSlot
	slotsOnce sync.Once
	// freq estimates how often each byte occurs in the text, letters
	// lower-cased: a search looks for the needle's rarest byte first.
	freq     [256]uint32
	freqOnce sync.Once
	// unfoldedList holds the summaries of among whose document number
	// FoldDocNo would change (unfolded).
	unfoldedList []int32
	unfoldedOnce sync.Once
}

type textSlot struct {
	off uint32
	pen int32
}

// NewSearch returns a search of fields of the summaries among (indexes into
// p; negative entries are skipped, repeats allowed). among is kept, and
// must not be modified afterwards.
func (p *Penalties) NewSearch(fields []PenaltyField, among []int32) *PenaltySearch {
	s := &PenaltySearch{p: *p, among: among}
	for _, f := range fields {
		if f >= FieldSubjectName && f <= FieldDocNo {
			s.fields[f] = true
		}
	}
	return s
}

// Match reports whether summary i's searched fields hold needle with ASCII
// letters folded: needle is lower-case, and a field matches when
// strings.Contains(strings.ToLower(field), needle) would, for fields whose
// runes beyond ASCII are their own lower case (callers search other
// fields themselves). A needle split across two fields does not match.
//
// In the document number, needle is also looked for as FoldDocNo folds
// both (ContainsDocNo) when it holds brackets, full-width characters or
// spaces: [2024]37号 finds 常武应急罚〔2024〕37号.
func (s *PenaltySearch) Match(i int, needle string) bool {
	fn := s.needle(needle)
	if s.match(&fn, int32(i)) {
		return true
	}
	return s.fields[FieldDocNo] && docFolds(needle) && ContainsDocNo(s.p.Field(i, FieldDocNo), needle)
}

func (s *PenaltySearch) match(fn *foldNeedle, p int32) bool {
	for f := FieldSubjectName; f <= FieldDocNo; f++ {
		if s.fields[f] && fn.index(s.p.Field(int(p), f)) >= 0 {
			return true
		}
	}
	return false
}

// scanFraction: Find scans the whole text when the search covers at least
// this share of the summaries, else it matches summary by summary (a
// queue of a thousand rows would otherwise search the text of all 300k).
const scanFraction = 8

// Find returns the summaries of among whose searched fields hold needle,
// as Match decides, as a set: summary i is in it when
// set[i/64]&(1<<(i%64)) != 0. The set has a bit for every summary of the
// list.
func (s *PenaltySearch) Find(needle string) []uint64 {
	set := s.find(needle)
	if s.fields[FieldDocNo] && docFolds(needle) {
		s.findDocNo(set, needle)
	}
	return set
}

// find is Find without the document-number folding.
func (s *PenaltySearch) find(needle string) []uint64 {
	fn := s.needle(needle)
	if s.scans() {
		return s.scan(&fn)
	}
	set := make([]uint64, (s.p.Len()+63)/64)
	for _, p := range s.among {
		if p >= 0 && set[p/64]&(1<<(p%64)) == 0 && s.match(&fn, p) {
			set[p/64] |= 1 << (p % 64)
		}
	}
	return set
}

// findDocNo adds to set the summaries whose document number holds needle
// as ContainsDocNo decides, without folding every number at every
// keystroke. A number already in its folded form (most are: 〔〕 and
// half-width digits) holds the folded needle only if it holds the
// needle's longest part between brackets, which the fast search finds; the
// numbers not in that form are listed once per search (unfolded) and
// checked one by one.
func (s *PenaltySearch) findDocNo(set []uint64, needle string) {
	part := ""
	for _, seg := range strings.FieldsFunc(FoldDocNo(needle), func(r rune) bool { return r == '〔' || r == '〕' }) {
		if len(seg) > len(part) {
			part = seg
		}
	}
	check := func(p int) {
		if set[p/64]&(1<<(p%64)) == 0 && ContainsDocNo(s.p.Field(p, FieldDocNo), needle) {
			set[p/64] |= 1 << (p % 64)
		}
	}
	if part == "" { // only brackets: every number is a candidate
		for _, p := range s.among {
			if p >= 0 {
				check(int(p))
			}
		}
		return
	}
	for w, word := range s.find(strings.ToLower(part)) {
		for word != 0 {
			b := word & -word
			word &^= b
			check(w*64 + bits.TrailingZeros64(b))
		}
	}
	for _, p := range s.unfolded() {
		check(int(p))
	}
}

// unfolded returns the summaries of among whose document number is not in
// its folded form (FoldDocNo would change it), made at the first call.
func (s *PenaltySearch) unfolded() []int32 {
	s.unfoldedOnce.Do(func() {
		for _, p := range s.among {
			if p >= 0 && !isFoldedDocNo(s.p.Field(int(p), FieldDocNo)) {
				s.unfoldedList = append(s.unfoldedList, p)
			}
		}
	})
	return s.unfoldedList
}

// Warm makes at once what the first Find would otherwise make (the byte
// frequencies and, when Find searches the whole text, the slots), so that
// a caller can pay for it off the goroutine that waits for the first
// search: at 1M records the slots took 15-40 ms of the first keystroke
// after a reload.
func (s *PenaltySearch) Warm() {
	s.countBytes()
	if s.scans() {
		s.slotsOnce.Do(s.makeSlots)
	}
}

// scans reports whether find searches the whole text rather than summary
// by summary.
func (s *PenaltySearch) scans() bool { return len(s.among)*scanFraction >= s.p.Len() }

// countBytes sets freq, once.
func (s *PenaltySearch) countBytes() {
	s.freqOnce.Do(func() {
		for _, chunk := range s.p.chunks {
			for i := 0; i < len(chunk); i += 31 {
				c := chunk[i]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				s.freq[c]++
			}
		}
	})
}

// needle prepares needle for searching, at its rarest byte.
func (s *PenaltySearch) needle(needle string) foldNeedle {
	s.countBytes()
	k := 0
	for j := 0; j < len(needle); j++ {
		if s.freq[needle[j]] < s.freq[needle[k]] {
			k = j
		}
	}
	return newFoldNeedle(needle, k)
}

// makeSlots sets slots from among.
func (s *PenaltySearch) makeSlots() {
	p := &s.p
	used := make([]bool, p.Len())
	for _, i := range s.among {
		if i >= 0 {
			used[i] = true
		}
	}
	count := make([]int, len(p.chunks))
	for i, u := range used {
		if u {
			count[p.rows.at(i).chunk]++
		}
	}
	s.slots = make([][]textSlot, len(count))
	all := make([]textSlot, 0, len(s.among))
	for c, n := range count {
		s.slots[c] = all[len(all) : len(all) : len(all)+n]
		all = all[:len(all)+n]
	}
	for i, u := range used {
		if u {
			r := p.rows.at(i)
			s.slots[r.chunk] = append(s.slots[r.chunk], textSlot{off: r.off, pen: int32(i)})
		}
	}
}

// Parallel scans: a whole-text search of at least parallelScanMin bytes of
// text is split between up to maxScanWorkers goroutines (no more than the
// machine's cores), each searching whole chunks into a set of its own. At
// 1M records (27 MB of text) a keystroke's search took 14 ms on one core
// of a 2-core machine.
const (
	parallelScanMin = 4 << 20
	maxScanWorkers  = 4
)

// scanWorkersFor is scanWorkers; tests replace it.
var scanWorkersFor = scanWorkers

// scanWorkers returns how many goroutines scan uses for size bytes of text.
func scanWorkers(size int) int {
	if size < parallelScanMin {
		return 1
	}
	return max(1, min(runtime.NumCPU(), runtime.GOMAXPROCS(0), maxScanWorkers))
}

// scan is Find searching each chunk of text at once.
func (s *PenaltySearch) scan(fn *foldNeedle) []uint64 {
	s.slotsOnce.Do(s.makeSlots)
	p := &s.p
	words := (p.Len() + 63) / 64
	set := make([]uint64, words)
	size := 0
	for _, c := range p.chunks {
		size += len(c)
	}
	w := scanWorkersFor(size)
	if w == 1 {
		s.scanChunks(fn, set, 0, len(p.chunks))
		return set
	}
	// Chunk ranges of about equal text: part i is [bounds[i], bounds[i+1]).
	bounds := make([]int, 1, w+1)
	done := 0
	for c, chunk := range p.chunks {
		done += len(chunk)
		if len(bounds) < w && done >= size*len(bounds)/w {
			bounds = append(bounds, c+1)
		}
	}
	bounds = append(bounds, len(p.chunks))
	sets := make([][]uint64, len(bounds)-1)
	sets[0] = set
	var wg sync.WaitGroup
	for i := 1; i < len(sets); i++ {
		sets[i] = make([]uint64, words)
		wg.Go(func() { s.scanChunks(fn, sets[i], bounds[i], bounds[i+1]) })
	}
	s.scanChunks(fn, set, bounds[0], bounds[1])
	wg.Wait()
	for _, other := range sets[1:] {
		for j, b := range other {
			set[j] |= b
		}
	}
	return set
}

// scanChunks adds to set the summaries whose text in chunks [lo, hi) holds
// the needle.
func (s *PenaltySearch) scanChunks(fn *foldNeedle, set []uint64, lo, hi int) {
	p := &s.p
	n := len(fn.f)
	for c := lo; c < hi; c++ {
		chunk := p.chunks[c]
		slots := s.slots[c]
		if len(slots) == 0 {
			continue
		}
		k := 0 // the slot at or before pos
		pos := int(slots[0].off)
		sc := newFoldScan(fn, chunk)
		for pos < len(chunk) {
			m := sc.next(pos)
			if m < 0 {
				break
			}
			// The last slot at or before m, galloping from k: matches come
			// in order.
			if k+1 < len(slots) && int(slots[k+1].off) <= m {
				lo, step := k+1, 1
				hi := lo + step
				for hi < len(slots) && int(slots[hi].off) <= m {
					lo = hi
					step *= 2
					hi = lo + step
				}
				hi = min(hi, len(slots))
				for hi-lo > 1 {
					mid := int(uint(lo+hi) >> 1)
					if int(slots[mid].off) <= m {
						lo = mid
					} else {
						hi = mid
					}
				}
				k = lo
			}
			sl := slots[k]
			ends := p.rows.at(int(sl.pen)).ends
			rel := uint32(m) - sl.off
			if rel >= ends[3] {
				// Text of no summary searched here.
				if k+1 == len(slots) {
					break
				}
				k++
				pos = int(slots[k].off)
				continue
			}
			f := uint8(0)
			for rel >= ends[f] {
				f++
			}
			switch {
			case f > 0 && s.fields[f] && rel+uint32(n) <= ends[f]:
				set[sl.pen/64] |= 1 << (sl.pen % 64)
				pos = int(sl.off + ends[3]) // the summary's next match adds nothing
			case f == 0 || !s.fields[f]:
				pos = int(sl.off + ends[f]) // not searched: the next field
			default:
				pos = m + 1 // spans two fields: look further on
			}
		}
	}
}

// foldNeedle is a lower-cased needle prepared for searching text with
// ASCII letters folded: its byte at k (the rarest) is searched for first,
// in both cases when it is a letter.
type foldNeedle struct {
	f      string
	k      int
	lo, up byte
}

func newFoldNeedle(f string, k int) foldNeedle {
	if f == "" {
		return foldNeedle{}
	}
	b := f[k]
	fn := foldNeedle{f: f, k: k, lo: b, up: b}
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
