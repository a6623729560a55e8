package credit

import (
	"encoding/binary"
	"slices"
	"sort"
	"strings"
)

// Penalties is a list of penalty summaries, packed: the strings of every
// summary sit in a few large shared strings and the values of few distinct
// values (departments, severities, type lists) in dictionaries, so a
// summary costs 48 bytes plus its text instead of 128 bytes plus four
// separate strings (300k penalties at 1M records: 40 MB instead of 70 MB).
// Build one with a PenaltiesBuilder or NewPenalties. The zero value is an
// empty list. A Penalties is read-only; copies share their arrays.
//
// The summaries are kept in blocks (blocks.go), so that a list patched
// from another (Patch) shares the blocks no change falls in: a
// reload after a sync pass that changed a few summaries of 300k copies a
// few 45 KB blocks, not 13 MB of entries.
type Penalties struct {
	chunks []string
	rows   blocks[packedPenalty]
	depts  []string
	sevs   []Severity
	types  [][]string
	// sorted: the IDs ascend strictly, so Index can binary search.
	sorted bool
}

// packedPenalty is one summary: its ID, SubjectName, USCC and DocNo are
// chunks[chunk][off:off+ends[0]], [off+ends[0]:off+ends[1]] and so on.
type packedPenalty struct {
	chunk, off         uint32
	ends               [4]uint32
	dept, sev, types   uint32
	decided, disclosed Date
	flags              uint8 // packed*
}

// Flags of a packed summary (packedPenalty.flags).
const (
	packedAccident = 1 << iota
	packedNotice
	packedEducation
	packedReminder
)

// penaltyChunk is the size of the shared strings the builder makes; a
// summary longer than this gets a string of its own.
const penaltyChunk = 1 << 20

// Len returns the number of summaries.
func (p *Penalties) Len() int { return p.rows.Len() }

// Same reports whether p and q are one list, q a copy of p (they share
// its memory), or both empty: what a reader that keeps something computed
// from p (an SSH server's shared tabs) checks before using it for q. Two
// lists read or patched separately are never the same, even when equal.
func (p *Penalties) Same(q *Penalties) bool {
	return p.rows.same(&q.rows) && sameArray(p.chunks, q.chunks) && sameArray(p.depts, q.depts) &&
		sameArray(p.sevs, q.sevs) && sameArray(p.types, q.types)
}

// sameArray reports whether a and b are the same slice of one array (or
// both empty).
func sameArray[T any](a, b []T) bool { return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0]) }

// At returns summary i. Its strings share the list's memory; its
// PenaltyTypes is shared with other summaries and must not be modified.
func (p *Penalties) At(i int) PenaltySummary {
	r := p.rows.at(i)
	s := p.chunks[r.chunk][r.off:]
	return PenaltySummary{
		ID:            s[:r.ends[0]],
		SubjectName:   s[r.ends[0]:r.ends[1]],
		USCC:          s[r.ends[1]:r.ends[2]],
		DocNo:         s[r.ends[2]:r.ends[3]],
		Dept:          p.depts[r.dept],
		Severity:      p.sevs[r.sev],
		Decided:       r.decided,
		Disclosed:     r.disclosed,
		PenaltyTypes:  p.types[r.types],
		Accident:      r.flags&packedAccident != 0,
		NoticeGiven:   r.flags&packedNotice != 0,
		EducationDone: r.flags&packedEducation != 0,
		ReminderSet:   r.flags&packedReminder != 0,
	}
}

// ID returns summary i's ID without making the rest of the summary.
func (p *Penalties) ID(i int) string {
	r := p.rows.at(i)
	return p.chunks[r.chunk][r.off : r.off+r.ends[0]]
}

func (p *Penalties) id(r *packedPenalty) string { return p.chunks[r.chunk][r.off : r.off+r.ends[0]] }

// Dept returns summary i's department.
func (p *Penalties) Dept(i int) string { return p.depts[p.rows.at(i).dept] }

// Decided returns summary i's decision date.
func (p *Penalties) Decided(i int) Date { return p.rows.at(i).decided }

// Index returns the index of the summary with id, or -1: a binary search
// when the IDs ascend (as Store.Snapshot lists them), else a scan.
func (p *Penalties) Index(id string) int {
	if p.sorted {
		// The block that would hold id, then the summary in it.
		b := sort.Search(len(p.rows.b), func(b int) bool { return p.id(&p.rows.b[b][0]) > id }) - 1
		if b < 0 {
			return -1
		}
		blk := p.rows.b[b]
		j := sort.Search(len(blk), func(j int) bool { return p.id(&blk[j]) >= id })
		if j < len(blk) && p.id(&blk[j]) == id {
			return p.rows.starts[b] + j
		}
		return -1
	}
	for i := range p.Len() {
		if p.ID(i) == id {
			return i
		}
	}
	return -1
}

// Select returns the summaries for which keep returns true, in order.
func (p *Penalties) Select(keep func(*PenaltySummary) bool) Penalties {
	var b PenaltiesBuilder
	for i := range p.Len() {
		s := p.At(i)
		if keep(&s) {
			b.Add(&s)
		}
	}
	return b.Done()
}

// All returns every summary, unpacked.
func (p *Penalties) All() []PenaltySummary {
	out := make([]PenaltySummary, p.Len())
	for i := range out {
		out[i] = p.At(i)
	}
	return out
}

// PenaltiesBuilder packs summaries one at a time. The zero value is ready
// to use; Done returns the list, after which the builder is empty again.
type PenaltiesBuilder struct {
	p Penalties
	// cur is the block being filled, not yet in p.rows.b; n counts the
	// summaries in p.rows.b. A block ends at blockSize summaries, or at
	// maxBlock when that is set (Patch).
	cur      []packedPenalty
	n        int
	maxBlock int
	buf      []byte
	depts    map[string]uint32
	sevs     map[Severity]uint32
	types    map[string]uint32
	key      []byte
	last     string
}

// Grow makes room for n more summaries.
func (b *PenaltiesBuilder) Grow(n int) {
	b.p.rows.b = slices.Grow(b.p.rows.b, (len(b.cur)+n)>>blockShift+1)
}

// Add appends a copy of s.
func (b *PenaltiesBuilder) Add(s *PenaltySummary) {
	if b.depts == nil {
		b.depts, b.sevs, b.types = map[string]uint32{}, map[Severity]uint32{}, map[string]uint32{}
		b.p.sorted = true
	}
	n := len(s.ID) + len(s.SubjectName) + len(s.USCC) + len(s.DocNo)
	if len(b.buf)+n > penaltyChunk && len(b.buf) > 0 {
		b.flush()
	}
	if b.buf == nil {
		b.buf = make([]byte, 0, max(penaltyChunk, n))
	}
	r := packedPenalty{chunk: uint32(len(b.p.chunks)), off: uint32(len(b.buf)), decided: s.Decided, disclosed: s.Disclosed}
	for i, f := range [...]string{s.ID, s.SubjectName, s.USCC, s.DocNo} {
		b.buf = append(b.buf, f...)
		r.ends[i] = uint32(len(b.buf)) - r.off
	}
	r.dept = intern(b.depts, &b.p.depts, s.Dept)
	r.sev = intern(b.sevs, &b.p.sevs, s.Severity)
	if s.Accident {
		r.flags |= packedAccident
	}
	if s.NoticeGiven {
		r.flags |= packedNotice
	}
	if s.EducationDone {
		r.flags |= packedEducation
	}
	if s.ReminderSet {
		r.flags |= packedReminder
	}
	b.key = b.key[:0]
	for _, t := range s.PenaltyTypes { // length-prefixed: no two lists share a key
		b.key = binary.AppendUvarint(b.key, uint64(len(t)))
		b.key = append(b.key, t...)
	}
	id, ok := b.types[string(b.key)]
	if !ok {
		id = uint32(len(b.p.types))
		b.types[string(b.key)] = id
		b.p.types = append(b.p.types, slices.Clip(slices.Clone(s.PenaltyTypes)))
	}
	r.types = id
	if b.n+len(b.cur) > 0 && strings.Compare(s.ID, b.last) <= 0 {
		b.p.sorted = false
	}
	b.last = s.ID
	b.addRow(r)
}

// addRow appends r to the block being filled, and that block to the list
// once it is full.
func (b *PenaltiesBuilder) addRow(r packedPenalty) {
	if b.cur == nil {
		b.cur = make([]packedPenalty, 0, blockSize)
	}
	b.cur = append(b.cur, r)
	if len(b.cur) == max(b.maxBlock, blockSize) {
		b.endBlock()
	}
}

// endBlock puts the block being filled, if any, in the list.
func (b *PenaltiesBuilder) endBlock() {
	if len(b.cur) == 0 {
		return
	}
	blk := fitBlock(b.cur)
	b.p.rows.b = append(b.p.rows.b, blk)
	b.n += len(blk)
	b.cur = nil
}

// shareBlock ends the block being filled and appends blk, a block of a
// list whose IDs continue those added so far, to the list as it is.
func (b *PenaltiesBuilder) shareBlock(blk []packedPenalty, p *Penalties) {
	b.endBlock()
	b.p.rows.b = append(b.p.rows.b, blk)
	b.n += len(blk)
	b.last = p.id(&blk[len(blk)-1])
}

func intern[T comparable](ids map[T]uint32, vals *[]T, v T) uint32 {
	id, ok := ids[v]
	if !ok {
		id = uint32(len(*vals))
		ids[v] = id
		*vals = append(*vals, v)
	}
	return id
}

func (b *PenaltiesBuilder) flush() {
	b.p.chunks = append(b.p.chunks, string(b.buf))
	b.buf = b.buf[:0]
}

// Done returns the packed list and empties the builder.
func (b *PenaltiesBuilder) Done() Penalties {
	if len(b.buf) > 0 {
		b.flush()
	}
	b.endBlock()
	p := b.p
	p.rows.b = slices.Clip(p.rows.b)
	p.rows.setStarts()
	if len(p.rows.b) == 0 {
		p.sorted = true
	}
	*b = PenaltiesBuilder{}
	return p
}
