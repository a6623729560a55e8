package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The feeds deliver ids in shuffled windows, so however pages are filled
// while syncing, a large first sync leaves them about three-quarters full
// (1M records: a 1.07 GB file for 0.76 GB of pages in use). Compacting
// rewrites every bucket in key order into full pages.
var (
	// compactMinSize: smaller caches are never compacted (a city's year
	// is well under it; the gain would be a few megabytes).
	compactMinSize int64 = 32 << 20
	// compactGrowth: a cache is considered again once its file has grown to
	// this many times its size when last considered.
	compactGrowth = 1.5
	// compactUsed: a cache is compacted when its pages in use fill less
	// than this share of the file.
	compactUsed = 0.8
	// compactAge: a cache is considered again this long after it was last
	// considered, grown or not: writing the same records again lowers the
	// pages' fill without growing the file much (a 1M cache synced three
	// times over: 1,062 MB, 71% in use, never considered again by growth).
	compactAge = 24 * time.Hour
)

// compactTxBytes is how many bytes of keys and values compaction writes
// to the copy per transaction. Compacting the aged 1M cache (1,062 MB to
// 801 MB) in 64 MB transactions peaked at 1,080 MB of RSS (the copy's
// dirty pages and what committing them allocates) in 19.4 s; in 8 MB ones
// at 250 MB in 15.9 s; in 2 MB ones at 87 MB in 16.9 s.
const compactTxBytes = 2 << 20

// keyCompactedSize and keyCompactedAt in bMeta: the file's size and the
// time (unix seconds) when MaybeCompact last considered the cache.
var (
	keyCompactedSize = []byte("compacted_size")
	keyCompactedAt   = []byte("compacted_at")
)

// ErrChanged is returned (wrapped) by Compact when another process wrote
// to the cache while it was being copied; nothing was replaced, and a later
// call will try again.
var ErrChanged = errors.New("the cache changed while it was being compacted")

// MaybeCompact considers compacting the cache when it is at least 32 MB
// and was never considered, or has grown to 1.5 times its size when last
// considered, or was last considered a day ago or more; it then compacts if
// less than 80% of the file's bytes are in use (reading every key and
// value to count, a few seconds at 1M records), else notes the size and
// the time. It reports
// whether it compacted. The process holding the sync role calls
// it after its passes; it is a no-op in Exclusive and ReadOnly mode and on
// Windows (which cannot rename over a file that is open).
func (db *DB) MaybeCompact() (bool, error) {
	if db.held != nil || db.opts.ReadOnly || runtime.GOOS == "windows" {
		return false, nil
	}
	fi, err := os.Stat(db.path)
	if err != nil {
		return false, fmt.Errorf("compact %s: %w", db.path, err)
	}
	var last, lastAt int64
	if err := db.view(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		last, _ = strconv.ParseInt(string(meta.Get(keyCompactedSize)), 10, 64)
		lastAt, _ = strconv.ParseInt(string(meta.Get(keyCompactedAt)), 10, 64)
		return nil
	}); err != nil {
		return false, err
	}
	now := time.Now()
	grown := last == 0 || float64(fi.Size()) >= compactGrowth*float64(last)
	aged := now.Sub(time.Unix(lastAt, 0)) >= compactAge // never noted: aged
	if fi.Size() < compactMinSize || !grown && !aged {
		return false, nil
	}
	// Pages in use against the pages the file holds (tx.Size: its high
	// water mark; the file's preallocated tail would be there after
	// compacting too).
	var used, held int64
	if err := db.view(func(tx *bolt.Tx) error {
		held, used = tx.Size(), usedBytes(tx)
		return nil
	}); err != nil {
		return false, fmt.Errorf("compact %s: %w", db.path, err)
	}
	if float64(used) >= compactUsed*float64(held) {
		err := db.updateStatus(func(tx *bolt.Tx) error { return noteCompacted(tx, fi.Size(), now) })
		return false, err
	}
	return true, db.Compact()
}

// Compact rewrites the cache into a new file with full pages and renames it
// into place. It copies under a read lock, so other processes may read
// meanwhile but not write; it then takes the write lock and replaces the
// file only if no other process wrote since the copy began (ErrChanged
// otherwise). In this process every read and write waits until it is done.
// The file needs as much free disk space again as the compacted copy.
func (db *DB) Compact() error {
	if db.held != nil || db.opts.ReadOnly {
		return fmt.Errorf("compact %s: the cache must be open shared and writable", db.path)
	}
	return db.compactNow()
}

// compactNow is Compact without the check of how the DB was opened (Open
// compacts a converted cache even when opened read-only).
func (db *DB) compactNow() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	tmp := db.path + ".compact"
	if err := db.compactTo(tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact %s: %w", db.path, err)
	}
	return nil
}

func (db *DB) compactTo(tmp string) error {
	os.Remove(tmp) // a copy left by an interrupted compaction
	src, err := db.openBolt(true)
	if err != nil {
		return err
	}
	gen := generationOf(src)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: db.opts.Timeout})
	if err != nil {
		src.Close()
		return err
	}
	dst.AllocSize = allocSize
	err = compactCopy(dst, src, compactTxBytes)
	if err == nil {
		err = dst.Update(func(tx *bolt.Tx) error {
			// The size the copy will have on disk: its pages so far.
			return noteCompacted(tx, tx.Size(), time.Now())
		})
	}
	err = errors.Join(err, dst.Close(), src.Close())
	if err != nil {
		return err
	}
	// Swap under the write lock: other processes' readers finish first,
	// and a writer waiting for the lock reopens the new file (openBolt).
	w, err := db.openBolt(false)
	if err != nil {
		return err
	}
	defer w.Close()
	if generationOf(w) != gen {
		return ErrChanged
	}
	if err := os.Rename(tmp, db.path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(db.path))
}

// noteCompacted records that the cache was considered at size and at.
func noteCompacted(tx *bolt.Tx, size int64, at time.Time) error {
	meta := tx.Bucket(bMeta)
	if err := meta.Put(keyCompactedSize, []byte(strconv.FormatInt(size, 10))); err != nil {
		return err
	}
	return meta.Put(keyCompactedAt, []byte(strconv.FormatInt(at.Unix(), 10)))
}

func generationOf(b *bolt.DB) uint64 {
	var g uint64
	_ = b.View(func(tx *bolt.Tx) error {
		g = getU64(tx.Bucket(bMeta).Get(keyGeneration))
		return nil
	})
	return g
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && runtime.GOOS != "windows" {
		return err
	}
	return nil
}
