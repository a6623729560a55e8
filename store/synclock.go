package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	gosync "sync"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Holder describes the process that runs the sync engine on a cache.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"` // e.g. "credwatch (TUI)" or "credwatch sync"
	Host    string    `json:"host"`
	Since   time.Time `json:"since"`
	// StoreError is the holder's last failure to write the cache (a
	// read-only directory, a full disk), which the cache itself could not
	// record; StoreErrorAt when it happened. Empty once a write succeeds.
	StoreError   string    `json:"store_error,omitempty"`
	StoreErrorAt time.Time `json:"store_error_at,omitzero"`
}

func (h Holder) String() string {
	return fmt.Sprintf("%s, pid %d on %s, since %s", h.Command, h.PID, h.Host, h.Since.In(credit.ChinaZone).Format("2006-01-02 15:04:05"))
}

// ErrSyncHeld is returned (wrapped) by LockSync when another process syncs
// this cache.
var ErrSyncHeld = errors.New("another process is syncing this cache")

// SyncLock is held by the one process that runs the sync engine on a cache.
type SyncLock struct {
	lock   *bolt.DB
	holder string
	me     Holder
	mu     gosync.Mutex
}

func lockPaths(cache string) (lock, holder string) {
	return cache + ".sync-lock", cache + ".holder"
}

// LockSync makes this process the cache's only syncing process until Unlock.
// It does not wait: if another process holds it, the error wraps
// ErrSyncHeld and names that process. The lock is an OS file lock, released
// by the kernel if the process dies, so a crash never leaves it stale.
func LockSync(cache string, me Holder) (*SyncLock, error) {
	lockPath, holderPath := lockPaths(cache)
	b, err := bolt.Open(lockPath, 0o600, &bolt.Options{Timeout: 20 * time.Millisecond})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("sync %s: %w%s", cache, ErrSyncHeld, holderNote(cache))
		}
		return nil, fmt.Errorf("sync lock for %s: %w", cache, err)
	}
	data, _ := json.Marshal(me)
	tmp := holderPath + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err == nil {
		_ = os.Rename(tmp, holderPath) // informational only
	}
	return &SyncLock{lock: b, holder: holderPath, me: me}, nil
}

// RecordStoreError notes in the holder file that this process failed to
// write the cache (err), or, with nil, that it writes again; every reader
// of the cache sees it (SyncHolder). The file is rewritten in place, not
// replaced, so that this works in a directory that became read-only,
// which is one of the failures it reports. It is best effort: it says
// whether the note was written.
func (l *SyncLock) RecordStoreError(err error, at time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err == nil && l.me.StoreError == "" {
		return true
	}
	l.me.StoreError, l.me.StoreErrorAt = "", time.Time{}
	if err != nil {
		l.me.StoreError, l.me.StoreErrorAt = credit.Sanitize(err.Error()), at
	}
	data, _ := json.Marshal(l.me)
	f, oerr := os.OpenFile(l.holder, os.O_WRONLY|os.O_TRUNC, 0)
	if oerr != nil {
		return false
	}
	_, werr := f.Write(data)
	return errors.Join(werr, f.Close()) == nil
}

// Unlock gives up the sync role.
func (l *SyncLock) Unlock() error {
	_ = os.Remove(l.holder)
	return l.lock.Close()
}

// SyncHolder returns the process recorded as syncing the cache, if any.
// The record is informational: the lock itself is authoritative.
func SyncHolder(cache string) (Holder, bool) {
	_, holderPath := lockPaths(cache)
	data, err := os.ReadFile(holderPath)
	if err != nil {
		return Holder{}, false
	}
	var h Holder
	if json.Unmarshal(data, &h) != nil || h.PID == 0 {
		return Holder{}, false
	}
	return h, true
}

// holderNote is appended to lock errors: who is syncing this cache.
func holderNote(cache string) string {
	if h, ok := SyncHolder(cache); ok {
		return "; it is synced by " + h.String()
	}
	return ""
}
