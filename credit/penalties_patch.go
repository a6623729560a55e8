package credit

import (
	"encoding/binary"
	"slices"
)

// Patch returns the list with each of upserts added, or replacing the
// summary of the same ID, and the summaries whose IDs are in deletes
// removed, in ID order. The summaries kept share p's text: a patch of a
// few summaries costs the 44-byte entries of the list and the new text,
// not a copy of the text of all of them.
//
// ok is false, and the result unusable, when p's IDs do not ascend (a list
// not made by Store.Snapshot) or when the text no summary uses any more
// would pass a quarter of the text kept alive: the caller then builds the
// list again from scratch.
func (p *Penalties) Patch(upserts []PenaltySummary, deletes []string) (_ Penalties, ok bool) {
	if !p.sorted {
		return Penalties{}, false
	}
	ups := lastOfEach(upserts, func(s *PenaltySummary) string { return s.ID })
	dels := slices.Clone(deletes)
	slices.Sort(dels)

	b := PenaltiesBuilder{
		p: Penalties{
			chunks: slices.Clip(p.chunks),
			depts:  slices.Clip(p.depts),
			sevs:   slices.Clip(p.sevs),
			types:  slices.Clip(p.types),
			sorted: true,
		},
		depts: make(map[string]uint32, len(p.depts)),
		sevs:  make(map[Severity]uint32, len(p.sevs)),
		types: make(map[string]uint32, len(p.types)),
	}
	for i, d := range p.depts {
		b.depts[d] = uint32(i)
	}
	for i, s := range p.sevs {
		b.sevs[s] = uint32(i)
	}
	for i, list := range p.types {
		var key []byte
		for _, t := range list {
			key = binary.AppendUvarint(key, uint64(len(t)))
			key = append(key, t...)
		}
		b.types[string(key)] = uint32(i)
	}
	// Blocks no upsert or delete falls in are shared as they are; the
	// others are copied with the changes, in blocks of up to twice the
	// usual size so that an insert does not leave a block of one.
	b.maxBlock = 2 * blockSize
	b.p.rows.b = make([][]packedPenalty, 0, len(p.rows.b)+len(ups)/blockSize+1)
	j, d := 0, 0
	for k, blk := range p.rows.b {
		// The IDs up to the next block's first fall in this block (the
		// first block also takes those before it, the last those after).
		next := ""
		if k+1 < len(p.rows.b) {
			next = p.id(&p.rows.b[k+1][0])
		}
		before := func(id string) bool { return next == "" || id < next }
		if !(j < len(ups) && before(ups[j].ID)) && !(d < len(dels) && before(dels[d])) {
			b.shareBlock(blk, p)
			continue
		}
		for r := range blk {
			id := p.id(&blk[r])
			for j < len(ups) && ups[j].ID < id {
				b.Add(&ups[j])
				j++
			}
			for d < len(dels) && dels[d] < id {
				d++
			}
			switch {
			case j < len(ups) && ups[j].ID == id:
				b.Add(&ups[j])
				j++
			case d < len(dels) && dels[d] == id:
			default:
				b.addRow(blk[r])
				b.last = id
			}
		}
		for j < len(ups) && before(ups[j].ID) {
			b.Add(&ups[j])
			j++
		}
		for d < len(dels) && before(dels[d]) {
			d++
		}
		if len(b.cur) >= blockSize/2 {
			b.endBlock()
		}
	}
	for ; j < len(ups); j++ { // p is empty
		b.Add(&ups[j])
	}
	q := b.Done()
	var used, all int
	for _, blk := range q.rows.b {
		for r := range blk {
			used += int(blk[r].ends[3])
		}
	}
	for _, c := range q.chunks {
		all += len(c)
	}
	if dead := all - used; dead > used/4 && dead > penaltyChunk {
		return Penalties{}, false
	}
	return q, true
}
