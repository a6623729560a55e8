package credit

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Repairs is a snapshot's repairs by record key, packed sorted by key: 72
// bytes a repair where a map of Repair values takes about 180 (133k repairs
// at 1M records: 10 MB instead of 24 MB). The rare receipts and withdrawal
// notes and the few outcomes sit in side tables. The repairs are kept in
// blocks (blocks.go), so that a list patched from another (Patch) shares
// the blocks no change falls in. Build one with NewRepairs or a
// RepairsBuilder. The zero value is empty; a Repairs is read-only and
// copies share their arrays.
type Repairs struct {
	rows     blocks[packedRepair]
	outcomes []string
	texts    [][2]string // NationalReceipt, WithdrawalNote; texts[0] is unused
}

type packedRepair struct {
	key     string
	dates   [6]Date // ReminderSent, Applied, Reviewed, Cancelled, Regraded, NationalDone
	updated time.Time
	outcome uint32 // index into outcomes
	texts   uint32 // index into texts; 0 for none
}

// Len returns the number of repairs.
func (rs *Repairs) Len() int { return rs.rows.Len() }

// Same reports whether rs and q are one list, q a copy of rs, or both
// empty (Penalties.Same).
func (rs *Repairs) Same(q *Repairs) bool {
	return rs.rows.same(&q.rows) && sameArray(rs.outcomes, q.outcomes) && sameArray(rs.texts, q.texts)
}

// Key returns the record key of repair i, in key order.
func (rs *Repairs) Key(i int) string { return rs.rows.at(i).key }

// At returns repair i, in key order.
func (rs *Repairs) At(i int) Repair { return rs.unpack(rs.rows.at(i)) }

func (rs *Repairs) unpack(p *packedRepair) Repair {
	r := Repair{
		RecordKey: p.key, ReminderSent: p.dates[0], Applied: p.dates[1], Reviewed: p.dates[2],
		Cancelled: p.dates[3], Regraded: p.dates[4], NationalDone: p.dates[5],
		Outcome: rs.outcomes[p.outcome], UpdatedAt: p.updated,
	}
	if p.texts != 0 {
		r.NationalReceipt, r.WithdrawalNote = rs.texts[p.texts][0], rs.texts[p.texts][1]
	}
	return r
}

// Get returns the repair of the record with key.
func (rs *Repairs) Get(key string) (Repair, bool) {
	b := sort.Search(len(rs.rows.b), func(b int) bool { return rs.rows.b[b][0].key > key }) - 1
	if b < 0 {
		return Repair{}, false
	}
	blk := rs.rows.b[b]
	j, ok := slices.BinarySearchFunc(blk, key, func(p packedRepair, k string) int { return strings.Compare(p.key, k) })
	if !ok {
		return Repair{}, false
	}
	return rs.unpack(&blk[j]), true
}

// All returns every repair, in key order.
func (rs *Repairs) All() []Repair {
	out := make([]Repair, 0, rs.Len())
	for _, blk := range rs.rows.b {
		for j := range blk {
			out = append(out, rs.unpack(&blk[j]))
		}
	}
	return out
}

// Select returns the repairs whose key keep accepts.
func (rs *Repairs) Select(keep func(key string) bool) Repairs {
	var b RepairsBuilder
	for _, blk := range rs.rows.b {
		for j := range blk {
			if keep(blk[j].key) {
				r := rs.unpack(&blk[j])
				b.Add(&r)
			}
		}
	}
	return b.Done()
}

// With returns the repairs with each of changed added, or replacing the
// repair of the same key (of two of one key in changed, the later).
func (rs *Repairs) With(changed ...Repair) Repairs { return rs.Patch(changed, nil) }

// Patch returns the repairs with each of upserts added, or replacing the
// repair of the same key (of two of one key, the later), and those of the
// keys in deletes removed. The blocks no change falls in are shared with
// rs: a patch of a few repairs copies a few blocks, not the list.
func (rs *Repairs) Patch(upserts []Repair, deletes []string) Repairs {
	if len(upserts) == 0 && len(deletes) == 0 {
		return *rs
	}
	ups := lastOfEach(upserts, func(r *Repair) string { return r.RecordKey })
	dels := slices.Clone(deletes)
	slices.Sort(dels)

	// The side tables grow by appending: the first entries stay shared.
	out := Repairs{outcomes: slices.Clip(rs.outcomes), texts: slices.Clip(rs.texts)}
	if len(out.texts) == 0 {
		out.texts = [][2]string{{}}
	}
	if len(out.outcomes) == 0 {
		out.outcomes = []string{""}
	}
	outcomes := make(map[string]uint32, len(out.outcomes))
	for i, o := range out.outcomes {
		outcomes[o] = uint32(i)
	}
	pack := func(r *Repair) packedRepair {
		p := packedRepair{
			key:     r.RecordKey,
			dates:   [6]Date{r.ReminderSent, r.Applied, r.Reviewed, r.Cancelled, r.Regraded, r.NationalDone},
			updated: r.UpdatedAt,
			outcome: intern(outcomes, &out.outcomes, r.Outcome),
		}
		if r.NationalReceipt != "" || r.WithdrawalNote != "" {
			p.texts = uint32(len(out.texts))
			out.texts = append(out.texts, [2]string{r.NationalReceipt, r.WithdrawalNote})
		}
		return p
	}
	var cur []packedRepair // the block being made
	end := func() {
		if len(cur) > 0 {
			out.rows.b = append(out.rows.b, fitBlock(cur))
			cur = nil
		}
	}
	add := func(p packedRepair) {
		if cur == nil {
			cur = make([]packedRepair, 0, blockSize+8)
		}
		cur = append(cur, p)
		if len(cur) == 2*blockSize {
			end()
		}
	}
	j, d := 0, 0
	for k, blk := range rs.rows.b {
		// The keys up to the next block's first fall in this block (the
		// first block also takes those before it, the last those after).
		before := func(key string) bool { return k+1 == len(rs.rows.b) || key < rs.rows.b[k+1][0].key }
		if !(j < len(ups) && before(ups[j].RecordKey)) && !(d < len(dels) && before(dels[d])) {
			end()
			out.rows.b = append(out.rows.b, blk)
			continue
		}
		for r := range blk {
			key := blk[r].key
			for j < len(ups) && ups[j].RecordKey < key {
				add(pack(&ups[j]))
				j++
			}
			for d < len(dels) && dels[d] < key {
				d++
			}
			switch {
			case j < len(ups) && ups[j].RecordKey == key:
				add(pack(&ups[j]))
				j++
			case d < len(dels) && dels[d] == key:
			default:
				add(blk[r])
			}
		}
		for j < len(ups) && before(ups[j].RecordKey) {
			add(pack(&ups[j]))
			j++
		}
		for d < len(dels) && before(dels[d]) {
			d++
		}
		if len(cur) >= blockSize/2 {
			end()
		}
	}
	for ; j < len(ups); j++ { // rs is empty
		add(pack(&ups[j]))
	}
	end()
	out.rows.setStarts()
	// The texts of replaced repairs stay in the side table: once they
	// outnumber those in use, the list is built again without them.
	live := 0
	for _, blk := range out.rows.b {
		for r := range blk {
			if blk[r].texts != 0 {
				live++
			}
		}
	}
	if dead := len(out.texts) - 1 - live; dead > live && dead > blockSize {
		var b RepairsBuilder
		b.Grow(out.Len())
		for _, blk := range out.rows.b {
			for r := range blk {
				rep := out.unpack(&blk[r])
				b.Add(&rep)
			}
		}
		return b.Done()
	}
	return out
}

// RepairsBuilder packs repairs added in any order; of two of one key the
// one added later is kept. The zero value is ready to use; Done returns the
// repairs and empties the builder.
type RepairsBuilder struct {
	rs       Repairs
	rows     []packedRepair // in the order added
	outcomes map[string]uint32
	sorted   bool // the keys added so far ascend strictly
}

// Grow makes room for n more repairs.
func (b *RepairsBuilder) Grow(n int) { b.rows = slices.Grow(b.rows, n) }

// Add adds a copy of r.
func (b *RepairsBuilder) Add(r *Repair) {
	if b.outcomes == nil {
		b.outcomes = map[string]uint32{}
		b.rs.texts = [][2]string{{}}
		b.sorted = true
	}
	p := packedRepair{
		key:     r.RecordKey,
		dates:   [6]Date{r.ReminderSent, r.Applied, r.Reviewed, r.Cancelled, r.Regraded, r.NationalDone},
		updated: r.UpdatedAt,
		outcome: intern(b.outcomes, &b.rs.outcomes, r.Outcome),
	}
	if r.NationalReceipt != "" || r.WithdrawalNote != "" {
		p.texts = uint32(len(b.rs.texts))
		b.rs.texts = append(b.rs.texts, [2]string{r.NationalReceipt, r.WithdrawalNote})
	}
	if n := len(b.rows); n > 0 && b.rows[n-1].key >= p.key {
		b.sorted = false
	}
	b.rows = append(b.rows, p)
}

// Done returns the packed repairs and empties the builder.
func (b *RepairsBuilder) Done() Repairs {
	rs, rows := b.rs, b.rows
	if !b.sorted {
		// Stable, so that of equal keys the last added ends last; then
		// keep the last of each run.
		slices.SortStableFunc(rows, func(x, y packedRepair) int { return cmp.Compare(x.key, y.key) })
		out := rows[:0]
		for i, p := range rows {
			if i+1 < len(rows) && rows[i+1].key == p.key {
				continue
			}
			out = append(out, p)
		}
		clear(rows[len(out):])
		rows = out
	}
	rows = slices.Clip(rows)
	// The blocks share the one array: a list patched from this one keeps
	// it while it shares any block.
	for i := 0; i < len(rows); i += blockSize {
		rs.rows.b = append(rs.rows.b, rows[i:min(i+blockSize, len(rows)):min(i+blockSize, len(rows))])
	}
	rs.rows.setStarts()
	if rs.outcomes == nil {
		rs.outcomes = []string{""}
	}
	*b = RepairsBuilder{}
	return rs
}
