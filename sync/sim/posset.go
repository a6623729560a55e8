package sim

// posSet is a set of positions in Sim.live that can say how many it holds
// and which is the k-th smallest, each in O(log n): a Fenwick tree of
// 0/1 counts. Its capacity grows by rebuilding (see Sim.rebuildIndex).
type posSet struct {
	tree []int32 // 1-based: tree[i] counts the positions in (i-lowbit(i), i]
	n    int     // positions held
}

// reset empties the set and gives it room for positions below size.
func (p *posSet) reset(size int) {
	p.tree = make([]int32, size+1)
	p.n = 0
}

// room reports whether pos fits without a rebuild.
func (p *posSet) room(pos int) bool { return pos+1 < len(p.tree) }

// load sets the counts of positions 0..len(in)-1 from in, in O(size); the
// set must be empty.
func (p *posSet) load(in []bool) {
	size := len(p.tree) - 1
	for i, on := range in {
		if on {
			p.tree[i+1]++
			p.n++
		}
	}
	for i := 1; i <= size; i++ {
		if j := i + i&-i; j <= size {
			p.tree[j] += p.tree[i]
		}
	}
}

// add adds d (1 or -1) to the count at pos.
func (p *posSet) add(pos, d int) {
	p.n += d
	for i := pos + 1; i < len(p.tree); i += i & -i {
		p.tree[i] += int32(d)
	}
}

// kth returns the k-th smallest position held, k from 0 to n-1.
func (p *posSet) kth(k int) int {
	size := len(p.tree) - 1
	step := 1
	for step*2 <= size {
		step *= 2
	}
	pos, rem := 0, int32(k+1)
	for ; step > 0; step /= 2 {
		if next := pos + step; next <= size && p.tree[next] < rem {
			pos = next
			rem -= p.tree[next]
		}
	}
	return pos // the 1-based answer is pos+1
}
