package store

import (
	"os"
	gosync "sync"
	"time"

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

// releaseTick is how often releaseWhile drops the file's mapped pages;
// leanReleaseTick while a transaction that asked for it (releaseOften)
// runs.
const (
	releaseTick     = 10 * time.Millisecond
	leanReleaseTick = 2 * time.Millisecond
)

// often holds the databases (*bolt.DB) whose write transaction in progress
// asked for releaseOften.
var often gosync.Map

// releaseOften makes releaseWhile drop tx's file pages every
// leanReleaseTick, not releaseTick, until the transaction ends: a catch-up
// batch's commit in the TUI maps 20-25 MB of the file between two releases
// 10 ms apart (100k records). A release costs a few microseconds (madvise
// of a 767 MB mapping with nothing mapped: 3 us; a read transaction begun
// and the file's size read); what it costs the transaction is the pages it
// reads again, faulted in from the page cache.
func releaseOften(tx *bolt.Tx) { often.Store(tx.DB(), struct{}{}) }

// oftenPaths holds the cache files (paths) whose every transaction in this
// process releases every leanReleaseTick (DB.ReleaseOften).
var oftenPaths gosync.Map

// ReleaseOften makes every transaction of db from now on, reads included,
// release the file pages it maps every leanReleaseTick instead of
// releaseTick, as ApplyPagesLean's do. The TUI calls it once its first
// full load is on screen: a reload's reads (the check data, the records a
// change log names) land on leaves all over the file, and mapped 12-30 MB
// of it between two releases 10 ms apart, at its peaks (issue 20, the TUI
// started with a backlog). A read then faults again the pages it still
// reads; the first frame, which waits for its reads, is not affected.
func (db *DB) ReleaseOften() { oftenPaths.Store(db.path, struct{}{}) }

// releasesOften reports whether releaseWhile on b releases every
// leanReleaseTick.
func releasesOften(b *bolt.DB) bool {
	if _, ok := often.Load(b); ok {
		return true
	}
	_, ok := oftenPaths.Load(b.Path())
	return ok
}

// releasedWhile, if set (by tests), is called after each release of
// releaseWhile's goroutine with the database released.
var releasedWhile func(*bolt.DB)

// releaseWhile runs fn, a transaction on b, while another goroutine drops
// the resident pages of b's file mapping every releaseTick, and returns
// fn's error once that goroutine has stopped. Every transaction of a DB
// runs so (DB.view, DB.writeData).
//
// A scan inside a transaction can release as it goes (pageRelease), but a
// commit cannot: bbolt's commit reads every leaf the transaction changed
// through the mapping again (it copies the leaf's keys and values into the
// new page and reads the old page's header to free it), and on this
// kernel each of those reads maps a whole large folio of the page cache,
// about 100 KB. A catch-up batch changes leaves all over the file, so its
// commit alone mapped most of an 85 MB cache at 100k records, and the
// commit that ends a re-walk 197 MB of a 1M cache; the write is cheap, the
// resident set is not. Released every releaseTick, a commit holds what it
// maps in that time. Reads gain the same where no scan counts what it
// reads: the lookups of a reload patched from the change log, say.
//
// Each release runs in a read transaction of its own: bbolt replaces the
// mapping (when the file outgrows it) only while it holds its mapping lock
// exclusively, which no read transaction allows, so the range released is
// the file's mapping for the whole of the madvise, and never memory that
// an unmapped range was reused for. What is released is clean (the file
// changes only by pwrite to pages the transactions reading it do not
// reference), so a page read again maps again from the page cache with
// the same bytes (see pageRelease).
//
// A transaction may ask for releases every leanReleaseTick instead
// (releaseOften). The request ends with the first releaseWhile on the same
// database to end, a read's beside the write included: it only makes the
// pages released less often.
func releaseWhile(b *bolt.DB, fn func() error) error {
	if !canDropMapped {
		return fn()
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTimer(releaseTick)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			if releasesOften(b) {
				t.Reset(leanReleaseTick)
			} else {
				t.Reset(releaseTick)
			}
			tx, err := b.Begin(false)
			if err != nil {
				return // closed: nothing left mapped
			}
			newPageRelease(tx).release()
			_ = tx.Rollback()
			if releasedWhile != nil {
				releasedWhile(b)
			}
		}
	}()
	defer func() {
		close(stop)
		<-done
		often.Delete(b)
	}()
	return fn()
}
