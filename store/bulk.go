package store

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// A first sync fills an empty cache from the beginning of every feed. Its
// records arrive in key order, so the records and department index grow
// at their ends, but by_doc_no is keyed by a hash of the document number:
// a batch of 8,000 records touches most of its leaves, and every commit
// rewrites them. At 1M records that index and the duplicate set behind it
// cost about a third of `credwatch sync --once` (81.6 s wall, 63 s user,
// 16 s sys with them; 56.2 s, 42 s, 10.6 s without; the date-keyed
// undisclosed and by_disclosed indexes, the department index and the
// quality list together cost about 3 s more, so they stay live). During a
// bulk load (BeginBulkLoad to FinishBulkLoad) writes therefore leave
// by_doc_no and dup_doc_no alone, and FinishBulkLoad builds both from the
// records in key order, once.
//
// keyDocNoPending in the meta bucket marks a bulk load in progress. It is
// set before the first record is written and deleted in the transaction
// that completes the two indexes, so a process that dies in between leaves
// a cache whose next FinishBulkLoad (the sync engine calls it after every
// pass) completes them.
var keyDocNoPending = []byte("doc_no_pending")

// BeginBulkLoad starts a bulk load if the cache holds no record (a first
// sync, or the first after `sync --full`), and reports whether one is in
// progress, this one or one that an earlier process left unfinished. Only
// the process with the sync role may call it.
//
// Until FinishBulkLoad, readers see every record, its department, date and
// quality entries as usual, but neither the by_doc_no index nor the
// duplicate set: the daily check flags duplicate document numbers only
// once the load has finished.
func (db *DB) BeginBulkLoad() (bool, error) {
	var pending, empty bool
	err := db.view(func(tx *bolt.Tx) error {
		pending = tx.Bucket(bMeta).Get(keyDocNoPending) != nil
		k, _ := tx.Bucket(bRecords).Cursor().First()
		empty = k == nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("begin bulk load of %s: %w", db.path, err)
	}
	if pending || !empty {
		return pending, nil
	}
	err = db.updateStatus(func(tx *bolt.Tx) error {
		return tx.Bucket(bMeta).Put(keyDocNoPending, []byte{1})
	})
	if err != nil {
		return false, fmt.Errorf("begin bulk load of %s: %w", db.path, err)
	}
	return true, nil
}

// bulkChunk is how many index entries FinishBulkLoad writes per
// transaction, so that no transaction holds the cache from other
// processes for long (at 1M records one transaction of all of them took
// 6 s, and other processes wait 5 s for the lock).
var bulkChunk = 100_000

// afterBulkChunk runs after each of FinishBulkLoad's runs; tests write
// there.
var afterBulkChunk = func() {}

// FinishBulkLoad completes a bulk load, if one is in progress: it builds
// by_doc_no from the records, in sorted runs of bulkChunk entries per
// transaction, then the duplicate set, in the transaction that ends the
// load. Without a load in progress it only reads. The records are read
// once, in a read transaction; if anything wrote data meanwhile, the last
// transaction builds both indexes again itself, so they always match the
// records they end the load with.
func (db *DB) FinishBulkLoad() error {
	var pending bool
	var gen uint64
	var docNos []sortedEntries
	err := db.view(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		if pending = meta.Get(keyDocNoPending) != nil; !pending {
			return nil
		}
		gen = getU64(meta.Get(keyDataGeneration))
		var err error
		docNos, err = collectIndexEntries(tx, bByDocNo)
		return err
	})
	if err != nil || !pending {
		return wrapFinish(db, err)
	}
	// The runs do not change what a reader sees (nothing reads by_doc_no
	// during a load), so they leave the data generation as it is.
	e := docNos[0]
	for from := 0; from < len(e.ents) || from == 0; from += bulkChunk {
		err := db.updateStatus(func(tx *bolt.Tx) error {
			if tx.Bucket(bMeta).Get(keyDocNoPending) == nil {
				return errLoadGone
			}
			if from == 0 {
				if err := recreateBucket(tx, bByDocNo); err != nil {
					return err
				}
			}
			return e.put(tx.Bucket(bByDocNo), from, min(from+bulkChunk, len(e.ents)))
		})
		if errors.Is(err, errLoadGone) {
			return nil // another pass finished it meanwhile
		}
		if err != nil {
			return wrapFinish(db, err)
		}
		afterBulkChunk()
	}
	// The duplicate set is what readers see of the load: the data
	// generation grows unless there is no record with a number (a cache
	// that only syncs the sharing list would otherwise make every view
	// read the data again after every pass).
	err = db.updateStatus(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		if meta.Get(keyDocNoPending) == nil {
			return nil
		}
		changed := len(e.ents) > 0
		if getU64(meta.Get(keyDataGeneration)) != gen {
			// Written since the records were read: start over, here.
			if err := rebuildIndexes(tx, bByDocNo); err != nil {
				return err
			}
			changed = true
		} else if err := rebuildDupSet(tx); err != nil {
			return err
		}
		if changed {
			if err := meta.Put(keyDataGeneration, u64(getU64(meta.Get(keyDataGeneration))+1)); err != nil {
				return err
			}
		}
		return meta.Delete(keyDocNoPending)
	})
	return wrapFinish(db, err)
}

var errLoadGone = errors.New("no bulk load in progress")

func wrapFinish(db *DB, err error) error {
	if err != nil {
		return fmt.Errorf("finish bulk load of %s: build the document-number index: %w", db.path, err)
	}
	return nil
}

// docNoDeferred reports whether writes in tx leave by_doc_no and the
// duplicate set to FinishBulkLoad.
func docNoDeferred(tx *bolt.Tx) bool { return tx.Bucket(bMeta).Get(keyDocNoPending) != nil }

// sortedEntries are one index bucket's entries in key order, in one
// pointer-free buffer: at 1M records a slice of indexEntry values
// (strings) cost 2.5 s of copying as it grew, and as much again in the
// garbage collector.
type sortedEntries struct {
	name []byte
	buf  []byte
	ents []sortedEntry
}

// sortedEntry is where an entry's key and value lie in the buffer.
type sortedEntry struct {
	off        uint32
	klen, vlen uint16
}

func (s *sortedEntries) kv(i int) (k, v []byte) { return s.entry(s.ents[i]) }

func (s *sortedEntries) entry(e sortedEntry) (k, v []byte) {
	end := e.off + uint32(e.klen)
	return s.buf[e.off:end], s.buf[end : end+uint32(e.vlen)]
}

// put writes entries [from, to) into b, which must be s's bucket. Within
// one transaction bbolt inserts into unsplit nodes: keys out of order
// cost a memmove each (minutes at 1M records); in order, nothing.
func (s *sortedEntries) put(b *bolt.Bucket, from, to int) error {
	b.FillPercent = 1.0 // appended in order: fill each page
	for i := from; i < to; i++ {
		// bbolt keeps v until the commit: s.buf is not written again.
		if err := b.Put(s.kv(i)); err != nil {
			return err
		}
	}
	return nil
}

// collectIndexEntries returns the entries that indexEntries gives the
// records for each named bucket, sorted by key.
func collectIndexEntries(tx *bolt.Tx, names ...[]byte) ([]sortedEntries, error) {
	out := make([]sortedEntries, len(names))
	for i, name := range names {
		out[i].name = name
	}
	// Every record is read once: without releasing, a 1M-record load
	// mapped the whole records bucket here (759 MB of file pages, the
	// peak of a first sync).
	rel := newPageRelease(tx)
	in := interner{}
	err := tx.Bucket(bRecords).ForEach(func(k, v []byte) error {
		rel.add(len(k) + len(v))
		var m recMeta
		if err := recordHeader(v, &m); err != nil {
			return fmt.Errorf("decode %s: %w", k, err)
		}
		if m.Kind == credit.Penalty && m.Disclosed.IsZero() { // its undisclosed entry carries its facts
			var err error
			if m.Severity, m.Accident, err = recordFacts(v, in); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
		}
		for _, e := range indexEntries(k, &m) {
			i := slices.IndexFunc(out, func(s sortedEntries) bool { return string(s.name) == e.bucket })
			if i < 0 {
				continue
			}
			s := &out[i]
			if len(s.buf) > math.MaxUint32-len(e.key)-len(e.value) || len(e.key) > math.MaxUint16 || len(e.value) > math.MaxUint16 {
				return fmt.Errorf("index entry of %s too large to rebuild", k)
			}
			s.ents = append(s.ents, sortedEntry{uint32(len(s.buf)), uint16(len(e.key)), uint16(len(e.value))})
			s.buf = append(append(s.buf, e.key...), e.value...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		s := &out[i]
		slices.SortFunc(s.ents, func(a, b sortedEntry) int {
			ka, _ := s.entry(a)
			kb, _ := s.entry(b)
			return bytes.Compare(ka, kb)
		})
	}
	return out, nil
}

// rebuildIndexes empties the named record index buckets (of those
// indexEntries fills) and refills them from the records, in key order,
// which fills each page once. If by_doc_no is among them, the duplicate
// set is rebuilt from it too.
func rebuildIndexes(tx *bolt.Tx, names ...[]byte) error {
	all, err := collectIndexEntries(tx, names...)
	if err != nil {
		return err
	}
	for _, s := range all {
		if err := recreateBucket(tx, s.name); err != nil {
			return err
		}
		if err := s.put(tx.Bucket(s.name), 0, len(s.ents)); err != nil {
			return err
		}
	}
	if !slices.ContainsFunc(names, func(n []byte) bool { return string(n) == string(bByDocNo) }) {
		return nil
	}
	return rebuildDupSet(tx)
}

// rebuildDupSet refills the duplicate set from by_doc_no: records that
// share a group (the hash of kind and number) are neighbours there, and
// only those groups' records are read, to tell a shared number from a
// hash collision.
func rebuildDupSet(tx *bolt.Tx) error {
	if err := recreateBucket(tx, bDupDocNo); err != nil {
		return err
	}
	type ref struct{ key, value []byte }
	var dups []ref
	var group [][]byte // record keys of the current hash group
	flush := func() error {
		if len(group) < 2 {
			return nil
		}
		byNumber := map[string][]twin{}
		for _, key := range group {
			m, ok, err := getMeta(tx, key)
			if err != nil || !ok {
				return err
			}
			n := string(m.Kind) + "\x00" + m.DocNo
			byNumber[n] = append(byNumber[n], twin{key, m})
		}
		for _, tws := range byNumber {
			if len(tws) < 2 {
				continue
			}
			for _, tw := range tws {
				dups = append(dups, ref{tw.key, refValue(&tw.m)})
			}
		}
		return nil
	}
	docNoHashLen := len(docNoGroup("", "")) // every group's length
	var prefix []byte
	c := tx.Bucket(bByDocNo).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) < docNoHashLen {
			return fmt.Errorf("by_doc_no key %q is too short", k)
		}
		if !bytes.Equal(k[:docNoHashLen], prefix) {
			if err := flush(); err != nil {
				return err
			}
			prefix, group = append(prefix[:0], k[:docNoHashLen]...), group[:0]
		}
		group = append(group, append([]byte(nil), k[docNoHashLen:]...))
	}
	if err := flush(); err != nil {
		return err
	}
	slices.SortFunc(dups, func(a, b ref) int { return bytes.Compare(a.key, b.key) })
	b := tx.Bucket(bDupDocNo)
	b.FillPercent = 1.0
	for _, d := range dups {
		if err := b.Put(d.key, d.value); err != nil {
			return err
		}
	}
	return nil
}

func recreateBucket(tx *bolt.Tx, name []byte) error {
	if err := tx.DeleteBucket(name); err != nil {
		return fmt.Errorf("drop %s: %w", name, err)
	}
	if _, err := tx.CreateBucket(name); err != nil {
		return fmt.Errorf("recreate %s: %w", name, err)
	}
	return nil
}
