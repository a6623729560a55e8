package store

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// dump lists every bucket path, sequence, key and value of db.
func dump(t *testing.T, db *bolt.DB) string {
	t.Helper()
	var out bytes.Buffer
	var walk func(path string, b *bolt.Bucket)
	walk = func(path string, b *bolt.Bucket) {
		fmt.Fprintf(&out, "%s seq=%d\n", path, b.Sequence())
		_ = b.ForEach(func(k, v []byte) error {
			if v == nil {
				walk(path+"/"+string(k), b.Bucket(k))
				return nil
			}
			fmt.Fprintf(&out, "%s %q=%q\n", path, k, v)
			return nil
		})
	}
	err := db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			walk(string(name), b)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// compactCopy copies top-level and nested buckets with their sequences,
// empty values and empty buckets, across several of its transactions.
func TestCompactCopyKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	src, err := bolt.Open(filepath.Join(dir, "src.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	err = src.Update(func(tx *bolt.Tx) error {
		a, _ := tx.CreateBucket([]byte("a"))
		_ = a.SetSequence(42)
		for i := range 5000 {
			if err := a.Put([]byte(fmt.Sprintf("k%05d", (i*7919)%5000)), bytes.Repeat([]byte{byte(i)}, i%300)); err != nil {
				return err
			}
		}
		_ = a.Put([]byte("empty"), nil)
		inner, _ := a.CreateBucket([]byte("inner"))
		_ = inner.SetSequence(7)
		_ = inner.Put([]byte("x"), []byte("y"))
		deep, _ := inner.CreateBucket([]byte("deep"))
		_ = deep.Put([]byte("z"), []byte("w"))
		_, _ = tx.CreateBucket([]byte("none"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dst, err := bolt.Open(filepath.Join(dir, "dst.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if err := compactCopy(dst, src, 64<<10); err != nil { // several transactions
		t.Fatal(err)
	}
	if got, want := dump(t, dst), dump(t, src); got != want {
		t.Errorf("copy differs:\n got %.400s\nwant %.400s", got, want)
	}
}

// usedBytes, which releases pages as it reads, is within a few percent of
// what the buckets' Stats count.
func TestUsedBytesMatchesStats(t *testing.T) {
	db, _ := openTemp(t)
	fragmented(t, db, 3000)
	err := db.view(func(tx *bolt.Tx) error {
		var stats int64
		_ = tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
			st := b.Stats()
			stats += int64(st.BranchInuse + st.LeafInuse)
			return nil
		})
		got := usedBytes(tx)
		if got > stats || got < stats*9/10 {
			t.Errorf("usedBytes %d, Stats %d", got, stats)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A sparse cache considered recently is left alone even though it has not
// grown; a day later it is considered, and compacted.
func TestMaybeCompactAgainAfterADay(t *testing.T) {
	old := compactMinSize
	compactMinSize = 0
	t.Cleanup(func() { compactMinSize = old })
	db, path := openTemp(t)
	fragmented(t, db, 3000)
	note := func(ago time.Duration) {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		err = db.updateStatus(func(tx *bolt.Tx) error { return noteCompacted(tx, fi.Size(), time.Now().Add(-ago)) })
		if err != nil {
			t.Fatal(err)
		}
	}
	note(time.Hour)
	if done, err := db.MaybeCompact(); err != nil || done {
		t.Fatalf("considered an hour ago, not grown: compacted %v, %v", done, err)
	}
	note(25 * time.Hour)
	if done, err := db.MaybeCompact(); err != nil || !done {
		t.Fatalf("considered a day ago: compacted %v, %v", done, err)
	}
}
