// Package store is credwatch's offline cache on bbolt. It is the only package
// that imports bbolt; it speaks in the domain's terms (package credit).
//
// Every bucket is created at open. A page from the sync engine is written in
// one transaction together with its indexes, the per-department aggregates,
// its quarantined items, the feed's cursor and the endpoint's status, so a
// crash leaves either all of it or none.
package store

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	gosync "sync"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout version this build reads and writes. A cache
// of schema 1 is converted when it is opened for writing (migrate.go); one
// of schema 2 is read as it is and brought to 3 when it is opened for
// writing (ref_facts.go); any other version is refused with a message
// saying so.
//
// Schema 3 added a penalty's facts to its undisclosed index entry and its
// open repair's entry, which a schema-2 build cannot read: it refuses the
// cache by its version rather than fail on the entries.
const SchemaVersion = 3

var (
	bMeta        = []byte("meta")
	bRecords     = []byte("records")      // "kind/id" -> record, binary with its index header (codec.go)
	bPenalties   = []byte("penalties")    // "penalty/id" -> PenaltySummary, binary (summary.go)
	bByDept      = []byte("by_dept")      // dept \x00 kind \x00 id -> nil
	bSharing     = []byte("sharing")      // "dept/kind" -> SharingEntry JSON
	bRepairs     = []byte("repairs")      // "penalty/id" -> Repair, binary (codec.go)
	bOpenRepairs = []byte("open_repairs") // "penalty/id" -> dept + Repair, for repairs that are Open
	bCursors     = []byte("cursors")      // endpoint \x00 feed -> cursor
	bEndpoints   = []byte("endpoints")    // name -> EndpointStatus JSON
	bDeptStats   = []byte("dept_stats")   // dept -> DeptStats JSON
	bQuarantine  = []byte("quarantine")   // endpoint \x00 feed \x00 key -> Quarantined JSON
	bEvents      = []byte("events")       // 8-byte big-endian seq -> Event JSON

	// Record indexes, maintained with every record write.
	bRecvDays    = []byte("recv_days")    // 4-byte day of first arrival || dept \x00 kind -> varint count
	bUndisclosed = []byte("undisclosed")  // 4-byte decided || "kind/id" -> nil, while not disclosed
	bDisclosed   = []byte("by_disclosed") // 4-byte disclosed || "kind/id" -> nil
	bByDocNo     = []byte("by_doc_no")    // 8-byte hash of kind and doc no || "kind/id" -> nil
	bDupDocNo    = []byte("dup_doc_no")   // "kind/id" -> nil, for records sharing kind and doc no
	bQuality     = []byte("quality")      // "kind/id" -> nil, for records with quality issues

	// Officer actions: never touched by sync or by `sync --full`.
	bOutbox    = []byte("outbox")         // 8-byte seq -> OutboxItem JSON
	bActsByRec = []byte("actions_by_rec") // "kind/id" \x00 8-byte seq -> nil
	bSignoffs  = []byte("signoffs")       // "YYYY-MM-DD" -> Signoff JSON

	allBuckets = [][]byte{bMeta, bRecords, bPenalties, bByDept, bSharing, bRepairs, bCursors, bEndpoints, bDeptStats, bQuarantine, bEvents,
		bRecvDays, bUndisclosed, bDisclosed, bByDocNo, bDupDocNo, bQuality, bOpenRepairs, bOutbox, bActsByRec, bSignoffs, bChanges, bRewalk, bImports}

	keySchema = []byte("schema_version")
	// keyCacheID is a random id made when the cache is created (or first
	// opened for writing by a credwatch that knows it): Snapshot.Cache.
	keyCacheID    = []byte("cache_id")
	keyGeneration = []byte("generation")
	// keyDataGeneration grows with every write of what the views show
	// (records, repairs, sharing list, quarantine, officers' actions), but
	// not with writes of endpoint status, cursors or events alone.
	keyDataGeneration = []byte("data_generation")
	// keyInUseSince is the day (YYYY-MM-DD, in China) the cache was
	// created, or first opened for writing by a credwatch that knows the
	// key: sign-offs are missed only from then (InUseSince).
	keyInUseSince = []byte("in_use_since")
)

// ErrLocked is returned (wrapped) when another process holds the cache
// longer than the timeout.
var ErrLocked = errors.New("cache is in use by another process")

// Options configure Open.
type Options struct {
	// Timeout bounds each wait for the file lock held by another process.
	// Zero means five seconds; the cache is never opened without a timeout.
	Timeout time.Duration
	// ReadOnly refuses every write.
	ReadOnly bool
	// Exclusive keeps the file open and locked from Open to Close. It is
	// the fastest mode, but no other process can use the cache meanwhile;
	// tests, benchmarks and single-shot tools use it. Without it, the DB
	// holds the file only for the length of one transaction, so any number
	// of credwatch processes share one cache (docs/multi-process.md).
	Exclusive bool
	// MaxEvents bounds the event log (default DefaultMaxEvents).
	MaxEvents int
}

// DB is the cache. It is safe for concurrent use by multiple goroutines,
// and, unless opened Exclusive, by several processes.
type DB struct {
	path  string
	opts  Options
	mu    gosync.RWMutex // in this process, a write excludes reads: flock is per file description
	held  *bolt.DB       // the open file in Exclusive mode, else nil
	sizes checkSizes     // the daily check's list lengths at the last read
	// migrated: Open converted a schema-1 cache (which leaves it with
	// many free pages; Open compacts it then).
	migrated bool
}

var _ credit.Store = (*DB)(nil)

// Open opens or creates the cache at path, creating its directory 0700 and
// the file 0600, and every bucket. It refuses a cache written by another
// schema version, and says plainly when another process holds the file.
func Open(path string, opts Options) (*DB, error) {
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	db := &DB{path: path, opts: opts}
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("create cache directory for %s: %w", path, err)
		}
	}
	b, err := db.openBolt(opts.ReadOnly)
	if err != nil {
		return nil, err
	}
	err = db.init(b, opts.ReadOnly)
	if errors.Is(err, errSchema1) {
		// A read-only open of a schema-1 cache converts it first, with
		// write access for just that, so `status` or `check` works on
		// the first run after an upgrade.
		b.Close()
		if err := db.upgrade(); err != nil {
			return nil, fmt.Errorf("open cache %s: it was written by an older credwatch (schema 1) and converting it failed: %w; run `credwatch sync --once` as the cache's owner to convert it", path, err)
		}
		if b, err = db.openBolt(opts.ReadOnly); err != nil {
			return nil, err
		}
		err = db.init(b, opts.ReadOnly)
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("open cache %s: %w", path, err)
	}
	if opts.Exclusive {
		db.held = b
		return db, nil
	}
	if err := b.Close(); err != nil {
		return nil, fmt.Errorf("close cache %s: %w", path, err)
	}
	if db.migrated && runtime.GOOS != "windows" {
		// Best effort: a cache that stays large is compacted later by
		// the process with the sync role.
		_ = db.compactNow()
	}
	return db, nil
}

// allocSize is how much the file grows at a time once it is larger than
// that (bbolt's default is 16 MB: a sixth of a city's 90 MB cache would be
// preallocated tail).
const allocSize = 4 << 20

// errSchema1 is init's answer to a read-only open of a schema-1 cache.
var errSchema1 = errors.New("cache was written by an older credwatch (schema 1) and must be converted")

// upgrade converts a schema-1 cache in place (see migrateV1).
func (db *DB) upgrade() error {
	b, err := db.openBolt(false)
	if err != nil {
		return err
	}
	return errors.Join(db.init(b, false), b.Close())
}

// openBolt opens the file, waiting at most the timeout for its lock. If
// the file was replaced while it waited (Compact renames a new file into
// place under the lock), it opens the new one: a write into the replaced
// file would be lost.
func (db *DB) openBolt(readOnly bool) (*bolt.DB, error) {
	for attempt := 0; ; attempt++ {
		before, _ := os.Stat(db.path)
		b, err := bolt.Open(db.path, 0o600, &bolt.Options{Timeout: db.opts.Timeout, ReadOnly: readOnly})
		if err != nil {
			if errors.Is(err, bolterrors.ErrTimeout) {
				return nil, fmt.Errorf("open cache %s: %w (waited %s for its lock%s)", db.path, ErrLocked, db.opts.Timeout, holderNote(db.path))
			}
			return nil, fmt.Errorf("open cache %s: %w", db.path, err)
		}
		after, err := os.Stat(db.path)
		if before == nil || (err == nil && os.SameFile(before, after)) || attempt == 3 {
			b.AllocSize = allocSize
			return b, nil
		}
		b.Close() // replaced while we waited: open the new file
	}
}

// view runs fn in a read transaction, opening the file for just that
// transaction unless the DB is Exclusive.
func (db *DB) view(fn func(*bolt.Tx) error) error {
	if db.held != nil {
		return releaseWhile(db.held, func() error { return db.held.View(fn) })
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	b, err := db.openBolt(true)
	if err != nil {
		return err
	}
	defer b.Close()
	return releaseWhile(b, func() error { return b.View(fn) })
}

// update runs fn in a write transaction and bumps the cache generation, so
// other processes can tell that something changed, and the data generation.
func (db *DB) update(fn func(*bolt.Tx) error) error { return db.write(true, fn) }

// updateStatus is update for writes of endpoint status, cursors and events
// only: the data generation stays, so views need not read the data again.
func (db *DB) updateStatus(fn func(*bolt.Tx) error) error { return db.write(false, fn) }

func (db *DB) write(data bool, fn func(*bolt.Tx) error) error {
	return db.writeData(func(tx *bolt.Tx) (bool, error) { return data, fn(tx) })
}

// writeData is write for a transaction that learns as it goes whether it
// wrote what the views show: fn says so.
func (db *DB) writeData(fn func(*bolt.Tx) (bool, error)) error {
	if db.opts.ReadOnly {
		return fmt.Errorf("cache %s is open read-only", db.path)
	}
	run := func(tx *bolt.Tx) error {
		data, err := fn(tx)
		if err != nil {
			return err
		}
		meta := tx.Bucket(bMeta)
		if data {
			gen := getU64(meta.Get(keyDataGeneration)) + 1
			if err := meta.Put(keyDataGeneration, u64(gen)); err != nil {
				return err
			}
			if err := markGeneration(tx, gen); err != nil {
				return fmt.Errorf("change log: %w", err)
			}
		}
		return meta.Put(keyGeneration, u64(getU64(meta.Get(keyGeneration))+1))
	}
	if db.held != nil {
		return releaseWhile(db.held, func() error { return db.held.Update(run) })
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	b, err := db.openBolt(false)
	if err != nil {
		return err
	}
	defer b.Close()
	return releaseWhile(b, func() error { return b.Update(run) })
}

func (db *DB) init(b *bolt.DB, readOnly bool) error {
	version := 0
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
		version = n
		switch {
		case n == 1 && readOnly:
			return errSchema1
		case n == 1:
			return nil // converted below
		case n != SchemaVersion && n != schemaV2:
			return fmt.Errorf("cache was written with schema version %d, this credwatch reads version %d: move the file aside and run `credwatch sync --full` to rebuild it", n, SchemaVersion)
		}
		return nil
	}
	if readOnly {
		return b.View(check)
	}
	// A cache that is current needs no write: most opens (every command,
	// every start of the TUI) then cost no commit and no fsync.
	current := false
	if err := b.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bMeta) == nil || check(tx) != nil || version != SchemaVersion {
			return nil
		}
		current = !slices.ContainsFunc(allBuckets, func(name []byte) bool { return tx.Bucket(name) == nil }) &&
			tx.Bucket(bMeta).Get(keyCacheID) != nil && tx.Bucket(bMeta).Get(keyInUseSince) != nil
		return nil
	}); err != nil {
		return err
	}
	if current {
		return nil
	}
	err := b.Update(func(tx *bolt.Tx) error {
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
		if meta.Get(keyCacheID) == nil {
			if err := meta.Put(keyCacheID, []byte(rand.Text())); err != nil {
				return err
			}
		}
		if meta.Get(keyInUseSince) == nil {
			if err := meta.Put(keyInUseSince, []byte(credit.DateOf(time.Now().In(credit.ChinaZone)).String())); err != nil {
				return err
			}
		}
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		if version != schemaV2 {
			return nil // current, or converted below
		}
		if err := addUndisclosedFacts(tx); err != nil {
			return fmt.Errorf("bring the cache to schema %d (penalty facts in the undisclosed index): %w", SchemaVersion, err)
		}
		if err := addOpenRepairFacts(tx); err != nil {
			return fmt.Errorf("bring the cache to schema %d (penalty facts in the open repairs): %w", SchemaVersion, err)
		}
		return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
	})
	if err != nil || version != 1 {
		return err
	}
	if err := migrateV1(b, time.Now()); err != nil {
		return err
	}
	db.migrated = true
	return nil
}

// Generation returns a number that grows with every write transaction, in
// any process. A reader polls it to learn that the cache changed.
func (db *DB) Generation() (uint64, error) {
	var g uint64
	err := db.view(func(tx *bolt.Tx) error {
		g = getU64(tx.Bucket(bMeta).Get(keyGeneration))
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("read generation of %s: %w", db.path, err)
	}
	return g, nil
}

// Path returns the cache file's path.
func (db *DB) Path() string { return db.path }

// Close releases the file and its lock (Exclusive mode); otherwise there is
// nothing held between transactions.
func (db *DB) Close() error {
	if db.held != nil {
		err := db.held.Close()
		db.held = nil
		return err
	}
	return nil
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func getU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}
