package store

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// mappedKB returns the resident size in kB of this process's mappings of
// path, from /proc/self/smaps.
func mappedKB(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no smaps: %v", err)
	}
	defer f.Close()
	total, in := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) > 0 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			in = strings.HasSuffix(line, " "+path)
			continue
		}
		if in && len(fields) >= 2 && fields[0] == "Rss:" {
			n, _ := strconv.Atoi(fields[1])
			total += n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}

// A scan that releases as it reads keeps a small part of the file mapped;
// the same scan without it maps the whole file. What it reads is unchanged.
func TestPageReleaseBoundsMappedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pages.db")
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	const n, size = 6000, 4000 // 24 MB of values
	val := func(i int) []byte { return bytes.Repeat([]byte{byte(i)}, size) }
	err = b.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucket([]byte("b"))
		if err != nil {
			return err
		}
		for i := range n {
			if err := bk.Put([]byte(fmt.Sprintf("%08d", i)), val(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()

	scan := func(release bool) (peakKB, endKB int) {
		b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		err = b.View(func(tx *bolt.Tx) error {
			rel := newPageRelease(tx)
			i := 0
			c := tx.Bucket([]byte("b")).Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if release {
					rel.add(len(k) + len(v))
				}
				if !bytes.Equal(v, val(i)) {
					return fmt.Errorf("value %s read back wrong", k)
				}
				if i%500 == 0 {
					peakKB = max(peakKB, mappedKB(t, path))
				}
				i++
			}
			endKB = mappedKB(t, path)
			rel.release()
			if got := mappedKB(t, path); got > 1024 {
				t.Errorf("after release %d kB stay mapped", got)
			}
			// Released pages read back the same.
			if v := tx.Bucket([]byte("b")).Get([]byte(fmt.Sprintf("%08d", 17))); !bytes.Equal(v, val(17)) {
				return fmt.Errorf("value 17 read back wrong after release")
			}
			if i != n {
				return fmt.Errorf("read %d values, want %d", i, n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return peakKB, endKB
	}
	_, whole := scan(false)
	if whole < 20<<10 {
		t.Fatalf("a scan without release mapped only %d kB of a 24 MB file; the test cannot tell", whole)
	}
	peak, _ := scan(true)
	if limit := 2 * releaseEvery >> 10; peak > limit+1024 {
		t.Errorf("a releasing scan mapped up to %d kB, want at most %d kB", peak, limit+1024)
	}
	t.Logf("mapped: %d kB without release, at most %d kB with", whole, peak)
}

// Pages released inside a write transaction are read again from the page
// cache, so what the transaction wrote (values that are slices of the
// mapping, as bbolt's Get returns them, and leaves it changed around
// them) commits intact, while the reads keep little of the file mapped.
func TestPageReleaseInWriteTransaction(t *testing.T) {
	b, path := filledPagesDB(t)
	const n = pagesN
	val, key := pagesVal, pagesKey
	var err error

	peakKB := 0
	err = b.Update(func(tx *bolt.Tx) error {
		rel := newPageReleaseEvery(tx, 8) // counting items, as applyPages does
		bk := tx.Bucket([]byte("b"))
		// A scattered walk: every read maps pages, every write keeps
		// slices of the mapping until the commit.
		for j := range n {
			i := (j * 4999) % n
			rel.add(1)
			v := bk.Get(key("a", i))
			if !bytes.Equal(v, val(i)) {
				return fmt.Errorf("value %d read back wrong", i)
			}
			if err := bk.Put(key("c", i), v); err != nil { // a slice of the mapping
				return err
			}
			if i%3 == 0 {
				if err := bk.Put(key("a", i), val(i+1)); err != nil {
					return err
				}
			}
			if j%500 == 0 {
				peakKB = max(peakKB, mappedKB(t, path))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if peakKB > 8<<10 {
		t.Errorf("the releasing write transaction mapped up to %d kB of a 24 MB file", peakKB)
	}
	b.Close()
	if b, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	checkRewritten(t, b)
	t.Logf("mapped at most %d kB during the write", peakKB)
}

// A write transaction run by releaseWhile has the file's pages released
// beside it, also while it commits: the pages it read stop being mapped,
// what it wrote (values that are slices of the mapping) commits intact,
// and a commit that outgrows the mapping (bbolt maps the file anew) is
// safe beside the releases.
func TestReleaseWhileWriteTransaction(t *testing.T) {
	b, path := filledPagesDB(t)
	const n = pagesN
	val, key := pagesVal, pagesKey
	var err error
	defer b.Close()

	released := make(chan struct{}, 1)
	releasedWhile = func(db *bolt.DB) {
		if db == b {
			select {
			case released <- struct{}{}:
			default:
			}
		}
	}
	defer func() { releasedWhile = nil }()
	var readKB, afterKB int
	err = releaseWhile(b, func() error {
		return b.Update(func(tx *bolt.Tx) error {
			bk := tx.Bucket([]byte("b"))
			// A scattered walk: every read maps pages, every write keeps
			// slices of the mapping until the commit, which writes 24 MB
			// more than the file holds and so maps it anew.
			for j := range n {
				i := (j * 4999) % n
				v := bk.Get(key("a", i))
				if !bytes.Equal(v, val(i)) {
					return fmt.Errorf("value %d read back wrong", i)
				}
				if err := bk.Put(key("c", i), v); err != nil {
					return err
				}
				if i%3 == 0 {
					if err := bk.Put(key("a", i), val(i+1)); err != nil {
						return err
					}
				}
				if j == n/2 {
					readKB = mappedKB(t, path)
					<-released // one that may have begun before the read
					<-released
					afterKB = mappedKB(t, path)
				}
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if afterKB > 1024 {
		t.Errorf("after a release beside the transaction, %d kB of the file stay mapped (%d kB before it)", afterKB, readKB)
	}
	checkRewritten(t, b)
	t.Logf("mapped: %d kB halfway through the transaction, %d kB after a release beside it", readKB, afterKB)
}

// pagesN values of pagesSize bytes (24 MB) fill bucket "b" of
// filledPagesDB's file, under pagesKey("a", i) with pagesVal(i).
const pagesN, pagesSize = 6000, 4000

func pagesVal(i int) []byte { return bytes.Repeat([]byte{byte(i), byte(i >> 8)}, pagesSize/2) }

func pagesKey(prefix string, i int) []byte { return []byte(fmt.Sprintf("%s%08d", prefix, i)) }

// checkRewritten checks every value after the pages tests' write
// transaction: a%d holds the value i+1 where i%3 == 0, its own value
// otherwise, and c%d a copy of a%d's value before the transaction.
func checkRewritten(t *testing.T, b *bolt.DB) {
	t.Helper()
	err := b.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte("b"))
		for i := range pagesN {
			want := pagesVal(i)
			if i%3 == 0 {
				want = pagesVal(i + 1)
			}
			if !bytes.Equal(bk.Get(pagesKey("a", i)), want) {
				return fmt.Errorf("a%d wrong after commit", i)
			}
			if !bytes.Equal(bk.Get(pagesKey("c", i)), pagesVal(i)) {
				return fmt.Errorf("c%d wrong after commit", i)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// filledPagesDB writes the pagesN values into a new file, closes it and
// opens it again, so that none of it is mapped yet, and returns it and its
// path; the test closes it.
func filledPagesDB(t *testing.T) (*bolt.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pages.db")
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucket([]byte("b"))
		if err != nil {
			return err
		}
		for i := range pagesN {
			if err := bk.Put(pagesKey("a", i), pagesVal(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if b, err = bolt.Open(path, 0o600, nil); err != nil {
		t.Fatal(err)
	}
	return b, path
}

// A transaction that asks for releases more often (releaseOften) has them
// while it runs, releases still beside it, its commit intact; the request
// ends with the transaction.
func TestReleaseOften(t *testing.T) {
	b, _ := filledPagesDB(t)
	defer b.Close()
	released := make(chan struct{}, 1)
	releasedWhile = func(db *bolt.DB) {
		if db == b {
			select {
			case released <- struct{}{}:
			default:
			}
		}
	}
	defer func() { releasedWhile = nil }()
	err := releaseWhile(b, func() error {
		return b.Update(func(tx *bolt.Tx) error {
			releaseOften(tx)
			if _, ok := often.Load(b); !ok {
				t.Error("releaseOften did not mark the database")
			}
			<-released
			<-released
			return tx.Bucket([]byte("b")).Put(pagesKey("c", 1), pagesVal(1))
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := often.Load(b); ok {
		t.Error("the database is still marked after its transaction")
	}
	err = b.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte("b")).Get(pagesKey("c", 1)); !bytes.Equal(v, pagesVal(1)) {
			return fmt.Errorf("value written beside the releases read back wrong")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
