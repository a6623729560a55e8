package store

import (
	"slices"

	bolt "go.etcd.io/bbolt"
)

// compactCopy copies every bucket of src into the empty dst in key order
// with full pages, bucket sequences included, committing dst every txMax
// bytes of keys and values, as bolt.Compact does; unlike it, it hands src's
// mapped pages back as it reads (pageRelease). bolt.Compact maps the whole
// file into the process that compacts, and that process is often the TUI.
func compactCopy(dst, src *bolt.DB, txMax int64) error {
	tx, err := dst.Begin(true)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // after Commit: ErrTxClosed, ignored
	var size int64
	// bucketAt returns the bucket of dst at path, in the current tx.
	bucketAt := func(path [][]byte) *bolt.Bucket {
		b := tx.Bucket(path[0])
		for _, name := range path[1:] {
			b = b.Bucket(name)
		}
		b.FillPercent = 1.0 // keys arrive in order: fill every page
		return b
	}
	err = src.View(func(stx *bolt.Tx) error {
		rel := newPageRelease(stx)
		var copyBucket func(path [][]byte, from *bolt.Bucket) error
		copyBucket = func(path [][]byte, from *bolt.Bucket) error {
			c := from.Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				n := int64(len(k) + len(v))
				rel.add(int(n))
				if txMax > 0 && size+n > txMax {
					if err := tx.Commit(); err != nil {
						return err
					}
					if tx, err = dst.Begin(true); err != nil {
						return err
					}
					size = 0
				}
				size += n
				to := bucketAt(path)
				if v != nil {
					if err := to.Put(k, v); err != nil {
						return err
					}
					continue
				}
				// A nil value is a nested bucket.
				inner := from.Bucket(k)
				made, err := to.CreateBucket(k)
				if err != nil {
					return err
				}
				if err := made.SetSequence(inner.Sequence()); err != nil {
					return err
				}
				if err := copyBucket(append(slices.Clip(path), k), inner); err != nil {
					return err
				}
			}
			return nil
		}
		return stx.ForEach(func(name []byte, b *bolt.Bucket) error {
			made, err := tx.CreateBucket(name)
			if err != nil {
				return err
			}
			if err := made.SetSequence(b.Sequence()); err != nil {
				return err
			}
			return copyBucket([][]byte{name}, b)
		})
	})
	if err != nil {
		return err
	}
	return tx.Commit()
}

// usedBytes estimates the bytes of the file's pages in use: every key and
// value with its 16-byte leaf element, over every bucket. It reads like a
// scan, releasing the pages it maps, where the buckets' Stats (which also
// count page and branch headers, a few percent more) map the whole file.
func usedBytes(tx *bolt.Tx) int64 {
	rel := newPageRelease(tx)
	var used int64
	var walk func(b *bolt.Bucket)
	walk = func(b *bolt.Bucket) {
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			n := len(k) + len(v)
			rel.add(n)
			used += int64(n) + 16
			if v == nil {
				if inner := b.Bucket(k); inner != nil {
					walk(inner)
				}
			}
		}
	}
	_ = tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
		walk(b)
		return nil
	})
	return used
}
