package credit

import (
	"slices"
	"strings"
)

// PenaltiesDiff is what changed from one Penalties to another
// (Penalties.DiffFrom).
type PenaltiesDiff struct {
	// Changed are the IDs of the summaries added, removed or different,
	// ascending.
	Changed []string
	// Remap[i] is the index in the new list of the summary at index i of
	// the old one, or -1 when it is not there any more.
	Remap []int32
}

// DiffFrom compares p with prev, an earlier list (usually one p was
// patched from, Patch), by value: a summary is changed when its fields
// differ. Blocks the two lists share are skipped unread, so a list patched
// from prev costs the blocks a patch copied. ok is false, and the diff
// unusable, when more than limit summaries changed or the IDs of either
// list do not ascend.
func (p *Penalties) DiffFrom(prev *Penalties, limit int) (d PenaltiesDiff, ok bool) {
	if !p.sorted || !prev.sorted {
		return PenaltiesDiff{}, false
	}
	d.Remap = make([]int32, prev.Len())
	a, b := blockCursor[packedPenalty]{l: &prev.rows}, blockCursor[packedPenalty]{l: &p.rows}
	for a.more() || b.more() {
		if a.more() && b.more() && a.r == 0 && b.r == 0 && sameBlock(a.block(), b.block()) {
			n := len(a.block())
			for i := range n {
				d.Remap[a.i+i] = int32(b.i + i)
			}
			a.skipBlock()
			b.skipBlock()
			continue
		}
		var c int
		switch {
		case !a.more():
			c = 1
		case !b.more():
			c = -1
		default:
			c = strings.Compare(prev.id(a.at()), p.id(b.at()))
		}
		switch {
		case c < 0: // removed
			d.Changed = append(d.Changed, prev.id(a.at()))
			d.Remap[a.i] = -1
			a.next()
		case c > 0: // added
			d.Changed = append(d.Changed, p.id(b.at()))
			b.next()
		default:
			if !samePenalty(prev, a.at(), p, b.at()) {
				d.Changed = append(d.Changed, p.id(b.at()))
			}
			d.Remap[a.i] = int32(b.i)
			a.next()
			b.next()
		}
		if len(d.Changed) > limit {
			return PenaltiesDiff{}, false
		}
	}
	return d, true
}

// samePenalty reports whether summary x of p and y of q are equal.
func samePenalty(p *Penalties, x *packedPenalty, q *Penalties, y *packedPenalty) bool {
	if x.ends != y.ends || x.decided != y.decided || x.disclosed != y.disclosed || x.flags != y.flags {
		return false
	}
	// Text shared by both lists compares by pointer first.
	if p.chunks[x.chunk][x.off:x.off+x.ends[3]] != q.chunks[y.chunk][y.off:y.off+y.ends[3]] {
		return false
	}
	return p.depts[x.dept] == q.depts[y.dept] && p.sevs[x.sev] == q.sevs[y.sev] && slices.Equal(p.types[x.types], q.types[y.types])
}

// DiffFrom returns the keys of the repairs added to rs since prev, removed
// or different, ascending, comparing by value and skipping the blocks the
// two share (Penalties.DiffFrom); ok is false when more than limit
// changed.
func (rs *Repairs) DiffFrom(prev *Repairs, limit int) (changed []string, ok bool) {
	a, b := blockCursor[packedRepair]{l: &prev.rows}, blockCursor[packedRepair]{l: &rs.rows}
	for a.more() || b.more() {
		if a.more() && b.more() && a.r == 0 && b.r == 0 && sameBlock(a.block(), b.block()) {
			a.skipBlock()
			b.skipBlock()
			continue
		}
		var c int
		switch {
		case !a.more():
			c = 1
		case !b.more():
			c = -1
		default:
			c = strings.Compare(a.at().key, b.at().key)
		}
		switch {
		case c < 0:
			changed = append(changed, a.at().key)
			a.next()
		case c > 0:
			changed = append(changed, b.at().key)
			b.next()
		default:
			x, y := a.at(), b.at()
			if x.dates != y.dates || !x.updated.Equal(y.updated) || prev.outcomes[x.outcome] != rs.outcomes[y.outcome] ||
				prev.texts[x.texts] != rs.texts[y.texts] {
				changed = append(changed, x.key)
			}
			a.next()
			b.next()
		}
		if len(changed) > limit {
			return nil, false
		}
	}
	return changed, true
}

// sameBlock reports whether x and y are one block of a list.
func sameBlock[T any](x, y []T) bool { return len(x) == len(y) && len(x) > 0 && &x[0] == &y[0] }

// blockCursor walks a blocks list entry by entry: entry i, at r in block
// k.
type blockCursor[T any] struct {
	l       *blocks[T]
	k, r, i int
}

func (c *blockCursor[T]) more() bool { return c.k < len(c.l.b) }
func (c *blockCursor[T]) block() []T { return c.l.b[c.k] }
func (c *blockCursor[T]) at() *T     { return &c.l.b[c.k][c.r] }

func (c *blockCursor[T]) next() {
	c.r++
	c.i++
	if c.r == len(c.l.b[c.k]) {
		c.k, c.r = c.k+1, 0
	}
}

func (c *blockCursor[T]) skipBlock() {
	c.i += len(c.l.b[c.k]) - c.r
	c.k, c.r = c.k+1, 0
}
