package credit

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Repairs is a snapshot's repairs by record key, packed into one array
// sorted by key: 72 bytes a repair where a map of Repair values takes about
// 180 (133k repairs at 1M records: 10 MB instead of 24 MB). The rare
// receipts and withdrawal notes and the few outcomes sit in side tables.
// Build one with NewRepairs or a RepairsBuilder. The zero value is empty;
// a Repairs is read-only and copies share their arrays.
type Repairs struct {
	rows     []packedRepair
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
func (rs *Repairs) Len() int { return len(rs.rows) }

// Key returns the record key of repair i, in key order.
func (rs *Repairs) Key(i int) string { return rs.rows[i].key }

// At returns repair i, in key order.
func (rs *Repairs) At(i int) Repair {
	p := &rs.rows[i]
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
	i, ok := slices.BinarySearchFunc(rs.rows, key, func(p packedRepair, k string) int { return strings.Compare(p.key, k) })
	if !ok {
		return Repair{}, false
	}
	return rs.At(i), true
}

// All returns every repair, in key order.
func (rs *Repairs) All() []Repair {
	out := make([]Repair, len(rs.rows))
	for i := range out {
		out[i] = rs.At(i)
	}
	return out
}

// Select returns the repairs whose key keep accepts.
func (rs *Repairs) Select(keep func(key string) bool) Repairs {
	var b RepairsBuilder
	for i := range rs.rows {
		if keep(rs.rows[i].key) {
			r := rs.At(i)
			b.Add(&r)
		}
	}
	return b.Done()
}

// With returns the repairs with each of changed added, or replacing the
// repair of the same key.
func (rs *Repairs) With(changed ...Repair) Repairs {
	if len(changed) == 0 {
		return *rs
	}
	var b RepairsBuilder
	b.Grow(len(rs.rows) + len(changed))
	for i := range rs.rows {
		r := rs.At(i)
		b.Add(&r)
	}
	for i := range changed {
		b.Add(&changed[i])
	}
	return b.Done()
}

// NewRepairs packs list; of two repairs of one key the later is kept.
func NewRepairs(list ...Repair) Repairs {
	var b RepairsBuilder
	b.Grow(len(list))
	for i := range list {
		b.Add(&list[i])
	}
	return b.Done()
}

// RepairsBuilder packs repairs added in any order; of two of one key the
// one added later is kept. The zero value is ready to use; Done returns the
// repairs and empties the builder.
type RepairsBuilder struct {
	rs       Repairs
	outcomes map[string]uint32
	sorted   bool // the keys added so far ascend strictly
}

// Grow makes room for n more repairs.
func (b *RepairsBuilder) Grow(n int) { b.rs.rows = slices.Grow(b.rs.rows, n) }

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
	if n := len(b.rs.rows); n > 0 && b.rs.rows[n-1].key >= p.key {
		b.sorted = false
	}
	b.rs.rows = append(b.rs.rows, p)
}

// Done returns the packed repairs and empties the builder.
func (b *RepairsBuilder) Done() Repairs {
	rs := b.rs
	if !b.sorted {
		// Stable, so that of equal keys the last added ends last; then
		// keep the last of each run.
		slices.SortStableFunc(rs.rows, func(x, y packedRepair) int { return cmp.Compare(x.key, y.key) })
		out := rs.rows[:0]
		for i, p := range rs.rows {
			if i+1 < len(rs.rows) && rs.rows[i+1].key == p.key {
				continue
			}
			out = append(out, p)
		}
		clear(rs.rows[len(out):])
		rs.rows = out
	}
	rs.rows = slices.Clip(rs.rows)
	if rs.outcomes == nil {
		rs.outcomes = []string{""}
	}
	*b = RepairsBuilder{}
	return rs
}
