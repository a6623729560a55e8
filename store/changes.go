package store

import (
	"bytes"
	"encoding/binary"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// The change log lets a reader that holds the penalty summaries and the
// repairs of one data generation bring them up to date by reading only
// those written since, instead of all of them (300k summaries and 133k
// repairs at 1M records, which is what made every sync pass that stored a
// record cost the TUI a second copy of its data).
//
// Layout of bChanges, in key order:
//
//	8-byte data generation                 -> markerRepairs, markerComplete
//	                                          or markerOverflow
//	8-byte data generation || key          -> nil, for each penalty summary
//	                                          that generation wrote or deleted
//	8-byte data generation || 0x01 || key  -> nil, for each record whose
//	                                          repair or officers' actions
//	                                          that generation changed
//
// Every data write (DB.update) puts its generation's marker, so the log
// proves itself complete: a reader trusts it from generation a to b only if
// the markers of every generation after a up to b are there and none says
// overflow. markerComplete is what a credwatch that logged no repairs put:
// the summaries of such a generation can be patched, its repairs not. A
// generation written by an even older credwatch, by FinishBulkLoad or
// before the log was pruned has no marker, and the reader reads everything,
// as it would without the log. A generation that logs more than
// changesPerGen entries, drops the penalties or the repairs (ResetSynced,
// ResetFeed) or is part of a bulk load is marked overflow and logs no
// keys: reading everything is then cheaper.
var bChanges = []byte("changes")

const (
	markerComplete = "c"
	markerRepairs  = "r"
	markerOverflow = "o"
	// repairChange starts the key of a logged repair change after the
	// generation; no record key starts with it.
	repairChange = 0x01
	// changesPerGen is the most entries (summaries and repair changes)
	// one generation logs before it is marked overflow. A steady sync
	// pass logs a few dozen; a sync transaction stores up to 8,000 items
	// of one feed (ApplyPages), so a catch-up transaction of more than
	// 4,096 penalties or repairs, a reset or a feed's resync is read
	// whole instead.
	changesPerGen = 4096
	// changesMaxRead is the most entries a reader patches in; beyond that
	// it reads everything.
	changesMaxRead = 50000
)

// changesKeepGens is how many generations the log keeps; every
// changesPruneEvery generations the older ones are deleted. Variables for
// the tests.
var changesKeepGens, changesPruneEvery uint64 = 4096, 64

// keyChangeCount in bMeta holds the generation being logged and how many
// keys it has logged so far, 8 bytes each.
var keyChangeCount = []byte("changes_count")

// pendingGeneration returns the data generation the write transaction tx
// will commit as (DB.write adds one after its function ran).
func pendingGeneration(tx *bolt.Tx) uint64 {
	return getU64(tx.Bucket(bMeta).Get(keyDataGeneration)) + 1
}

// logPenaltyChange records that the summary of key is written or deleted
// in tx.
func logPenaltyChange(tx *bolt.Tx, key []byte) error { return logChange(tx, key) }

// logRepairChange records that the repair of the record of key, or the
// officers' actions on it, change in tx.
func logRepairChange(tx *bolt.Tx, key []byte) error {
	return logChange(tx, append([]byte{repairChange}, key...))
}

// logChange logs entry, a summary's key or a repair change's, for tx's
// generation.
func logChange(tx *bolt.Tx, key []byte) error {
	b := tx.Bucket(bChanges)
	if b == nil {
		return nil // a cache opened before the log existed; readers read everything
	}
	gen := pendingGeneration(tx)
	g := u64(gen)
	if string(b.Get(g)) == markerOverflow {
		return nil
	}
	meta := tx.Bucket(bMeta)
	if meta.Get(keyDocNoPending) != nil {
		// A bulk load writes every summary: nothing to patch.
		return markOverflow(tx)
	}
	n := uint64(0)
	if v := meta.Get(keyChangeCount); len(v) == 16 && binary.BigEndian.Uint64(v) == gen {
		n = binary.BigEndian.Uint64(v[8:])
	}
	if n >= changesPerGen {
		return markOverflow(tx)
	}
	if err := meta.Put(keyChangeCount, append(u64(gen), u64(n+1)...)); err != nil {
		return err
	}
	return b.Put(append(g, key...), nil)
}

// markOverflow marks tx's generation as one readers cannot patch in, and
// drops the keys it logged.
func markOverflow(tx *bolt.Tx) error {
	b := tx.Bucket(bChanges)
	if b == nil {
		return nil
	}
	g := u64(pendingGeneration(tx))
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(g); k != nil && bytes.HasPrefix(k, g); k, _ = c.Next() {
		if len(k) > 8 {
			keys = append(keys, bytes.Clone(k))
		}
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return b.Put(g, []byte(markerOverflow))
}

// markGeneration puts the marker of generation gen, which tx commits, and
// every changesPruneEvery generations deletes the entries older than
// changesKeepGens generations.
func markGeneration(tx *bolt.Tx, gen uint64) error {
	b := tx.Bucket(bChanges)
	if b == nil {
		return nil
	}
	g := u64(gen)
	if b.Get(g) == nil {
		if err := b.Put(g, []byte(markerRepairs)); err != nil {
			return err
		}
	}
	if gen%changesPruneEvery != 0 || gen <= changesKeepGens {
		return nil
	}
	cutoff := u64(gen - changesKeepGens)
	var old [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k[:8], cutoff) < 0; k, _ = c.Next() {
		old = append(old, bytes.Clone(k))
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// changedKeys returns the keys of the penalty summaries written or deleted
// after generation since up to cur (pens), and of the records whose repair
// or actions changed (reps), each once, in key order (they are bbolt's
// memory: valid only inside tx). ok is false when the log cannot tell (see
// bChanges) or names more than changesMaxRead keys; repsOK is false when
// it cannot tell for the repairs (a generation written by a credwatch that
// did not log them).
func changedKeys(tx *bolt.Tx, since, cur uint64) (pens, reps [][]byte, repsOK, ok bool) {
	if since > cur {
		return nil, nil, false, false
	}
	if since == cur {
		return nil, nil, true, true
	}
	b := tx.Bucket(bChanges)
	if b == nil {
		return nil, nil, false, false
	}
	repsOK = true
	want := since + 1 // the next marker expected
	c := b.Cursor()
	for k, v := c.Seek(u64(since + 1)); len(k) >= 8; k, v = c.Next() {
		gen := getU64(k[:8])
		if gen > cur {
			break
		}
		if len(k) == 8 {
			switch {
			case gen != want:
				return nil, nil, false, false
			case string(v) == markerComplete:
				repsOK = false
			case string(v) != markerRepairs:
				return nil, nil, false, false
			}
			want++
			continue
		}
		if gen != want-1 || len(pens)+len(reps) >= changesMaxRead {
			return nil, nil, false, false
		}
		if k[8] == repairChange {
			reps = append(reps, k[9:])
		} else {
			pens = append(pens, k[8:])
		}
	}
	if want != cur+1 {
		return nil, nil, false, false
	}
	if !repsOK {
		reps = nil
	}
	slices.SortFunc(pens, bytes.Compare)
	slices.SortFunc(reps, bytes.Compare)
	return slices.CompactFunc(pens, bytes.Equal), slices.CompactFunc(reps, bytes.Equal), repsOK, true
}
