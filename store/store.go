// Package store is credwatch's offline cache on bbolt. It is the only package
// that imports bbolt; it speaks in the domain's terms (package credit).
//
// Every bucket is created at open. A page from the sync engine is written in
// one transaction together with its indexes, the per-department aggregates,
// its quarantined items, the feed's cursor and the endpoint's status, so a
// crash leaves either all of it or none.
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout version this build reads and writes. A cache
// written with another version is refused with a message saying so.
const SchemaVersion = 1

var (
	bMeta       = []byte("meta")
	bRecords    = []byte("records")    // "kind/id" -> record JSON
	bByDept     = []byte("by_dept")    // dept \x00 kind \x00 id -> nil
	bSharing    = []byte("sharing")    // "dept/kind" -> SharingEntry JSON
	bRepairs    = []byte("repairs")    // "penalty/id" -> Repair JSON
	bCursors    = []byte("cursors")    // endpoint \x00 feed -> cursor
	bEndpoints  = []byte("endpoints")  // name -> EndpointStatus JSON
	bDeptStats  = []byte("dept_stats") // dept -> DeptStats JSON
	bQuarantine = []byte("quarantine") // endpoint \x00 feed \x00 key -> Quarantined JSON
	allBuckets  = [][]byte{bMeta, bRecords, bByDept, bSharing, bRepairs, bCursors, bEndpoints, bDeptStats, bQuarantine}

	keySchema = []byte("schema_version")
)

// ErrLocked is returned (wrapped) when another process holds the cache.
var ErrLocked = errors.New("cache is in use by another process")

// Options configure Open.
type Options struct {
	// Timeout bounds the wait for the file lock held by another process.
	// Zero means one second; the cache is never opened without a timeout.
	Timeout time.Duration
	// ReadOnly opens the file for reading only.
	ReadOnly bool
}

// DB is the cache. It is safe for concurrent use by multiple goroutines.
type DB struct {
	bolt *bolt.DB
	path string
}

var _ credit.Store = (*DB)(nil)

// Open opens or creates the cache at path, creating its directory 0700 and
// the file 0600, and every bucket. It refuses a cache written by another
// schema version, and says plainly when another process holds the file.
func Open(path string, opts Options) (*DB, error) {
	if opts.Timeout == 0 {
		opts.Timeout = time.Second
	}
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("create cache directory for %s: %w", path, err)
		}
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout, ReadOnly: opts.ReadOnly})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("open cache %s: %w (waited %s for its lock; stop the other credwatch using this cache, or give this one its own cache)", path, ErrLocked, opts.Timeout)
		}
		return nil, fmt.Errorf("open cache %s: %w", path, err)
	}
	db := &DB{bolt: b, path: path}
	if err := db.init(opts.ReadOnly); err != nil {
		b.Close()
		return nil, fmt.Errorf("open cache %s: %w", path, err)
	}
	return db, nil
}

func (db *DB) init(readOnly bool) error {
	check := func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		if meta == nil {
			return fmt.Errorf("not a credwatch cache (no meta bucket)")
		}
		v := meta.Get(keySchema)
		n, err := strconv.Atoi(string(v))
		if err != nil {
			return fmt.Errorf("cache has no readable schema version (%q)", v)
		}
		if n != SchemaVersion {
			return fmt.Errorf("cache was written with schema version %d, this credwatch reads version %d: move the file aside and run `credwatch sync --full` to rebuild it", n, SchemaVersion)
		}
		return nil
	}
	if readOnly {
		return db.bolt.View(check)
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bMeta)
		if err != nil {
			return err
		}
		if meta.Get(keySchema) == nil {
			if err := meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion))); err != nil {
				return err
			}
		}
		if err := check(tx); err != nil {
			return err
		}
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	})
}

// Path returns the cache file's path.
func (db *DB) Path() string { return db.path }

// Close releases the file and its lock.
func (db *DB) Close() error { return db.bolt.Close() }
