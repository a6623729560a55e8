package store

import (
	"os"

	bolt "go.etcd.io/bbolt"
)

// releaseEvery is how many bytes of keys and values a long scan reads
// between two releases of the cache file's mapped pages.
const releaseEvery = 1 << 20

// pageRelease hands the pages of the cache file that a long scan has mapped
// back to the kernel as it goes. bbolt reads through a read-only shared
// mapping of the file; every page a scan touches stays in the process's
// resident set (with the kernel's fault-around, up to 16 pages per page
// read) until the file is unmapped. Reading every penalty summary of a
// 1M-record cache whose buckets are interleaved by months of incremental
// writes mapped 267 MB that way, more than the TUI's whole heap. Dropping
// the mapping's pages (MADV_DONTNEED) only unmaps them: they are clean
// copies of the file, and the next read maps them again from the page cache.
//
// A pageRelease is used inside the transaction it was made for: bbolt
// remaps the file only when no transaction is open, so the range stays the
// file's mapping for as long as the transaction is. The range is the
// transaction's size, and never more than the file's: a file cut short
// (bbolt does not check its size against its page count) must not make the
// range run past the mapping.
type pageRelease struct {
	tx    *bolt.Tx
	every int   // bytes read between two releases
	size  int64 // bytes from the start of the mapping to release; 0: none
	read  int
}

func newPageRelease(tx *bolt.Tx) *pageRelease { return newPageReleaseEvery(tx, releaseEvery) }

// newPageReleaseEvery is newPageRelease releasing every n bytes read:
// reads that must be quick (the TUI's first frame waits for the daily
// check's) trade a larger resident set for fewer page faults.
func newPageReleaseEvery(tx *bolt.Tx, n int) *pageRelease {
	size := tx.Size()
	if fi, err := os.Stat(tx.DB().Path()); err != nil {
		size = 0 // cannot tell the file's size: leave the pages mapped
	} else {
		size = min(size, fi.Size())
	}
	return &pageRelease{tx: tx, every: n, size: size}
}

// add counts n bytes read and releases the mapped pages every r.every bytes.
func (r *pageRelease) add(n int) {
	r.read += n
	if r.read >= r.every {
		r.read = 0
		r.release()
	}
}

// countKeys counts b's keys, releasing the pages it reads as it goes. It
// takes the place of b.Stats().KeyN for sizing lists before a scan: Stats
// reads every page of the bucket at once, which maps it whole.
func countKeys(tx *bolt.Tx, b *bolt.Bucket) int {
	rel := newPageRelease(tx)
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		rel.add(len(k) + 16) // the key and its leaf element
		n++
	}
	return n
}

// release drops every mapped page of the file up to r.size. It is best
// effort: where the platform cannot, pages stay mapped until the file is
// closed, as they would without it.
func (r *pageRelease) release() {
	if r.size <= 0 {
		return
	}
	dropMapped(r.tx.DB().Info().Data, uintptr(r.size))
}
