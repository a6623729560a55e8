package credit

import (
	"slices"
	"sort"
	"strings"
)

// The summaries of a Penalties and the repairs of a Repairs are kept in
// blocks of blockSize entries when built, up to twice that once patched, so
// that a list patched from another shares the blocks no change falls in.
const (
	blockShift = 10
	blockSize  = 1 << blockShift
)

// fitBlock returns blk, made, in an array of its own length when more than
// an eighth of its array is unused, for keeping. A patched list's blocks
// start with room for blockSize entries and more and grow past it by
// append, which doubles the array; a block that ends short (one merged
// from blocks that lost entries, the last) would keep the rest. A patch
// that changes entries all over a list copies each block whole and keeps
// no more than before (BenchmarkRepairsPatchRetained).
func fitBlock[T any](blk []T) []T {
	if cap(blk)-len(blk) > len(blk)/8 {
		return slices.Clone(blk)
	}
	return slices.Clip(blk)
}

// blocks is a list kept in blocks. The zero value is empty.
type blocks[T any] struct {
	b [][]T
	// starts[k] is the index of b[k][0]; starts[len(b)] is Len. nil for
	// the empty list.
	starts []int
}

// Len returns the number of entries.
func (l *blocks[T]) Len() int {
	if len(l.starts) == 0 {
		return 0
	}
	return l.starts[len(l.starts)-1]
}

// at returns entry i. A list whose blocks are all full but the last (one
// not patched, or patched only at its end) finds the block by a shift;
// others search the block starts.
func (l *blocks[T]) at(i int) *T {
	k := i >> blockShift
	if k >= len(l.b) || l.starts[k] > i || l.starts[k+1] <= i {
		if i < 0 || i >= l.Len() {
			panic("credit: index out of range")
		}
		k = sort.Search(len(l.b), func(k int) bool { return l.starts[k+1] > i })
	}
	return &l.b[k][i-l.starts[k]]
}

// same reports whether l and m are one list (m a copy of l) or both
// empty. Every list built or patched gets starts of its own (setStarts),
// so two lists that share starts share every block.
func (l *blocks[T]) same(m *blocks[T]) bool {
	return len(l.starts) == len(m.starts) && (len(l.starts) == 0 || &l.starts[0] == &m.starts[0])
}

// setStarts sets starts from b.
func (l *blocks[T]) setStarts() {
	if len(l.b) == 0 {
		l.starts = nil
		return
	}
	l.starts = make([]int, len(l.b)+1)
	for k, blk := range l.b {
		l.starts[k+1] = l.starts[k] + len(blk)
	}
}

// lastOfEach returns a copy of list sorted stably by key, keeping of the
// entries of one key the last: what a patch of upserts applies.
func lastOfEach[T any](list []T, key func(*T) string) []T {
	out := slices.Clone(list)
	slices.SortStableFunc(out, func(a, b T) int { return strings.Compare(key(&a), key(&b)) })
	last := out[:0]
	for i := range out {
		if i+1 < len(out) && key(&out[i+1]) == key(&out[i]) {
			continue
		}
		last = append(last, out[i])
	}
	return last
}
