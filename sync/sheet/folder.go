package sheet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
)

// FolderStore is what a folder source needs of the cache: store.DB.
type FolderStore interface {
	Writer
	Imported(source, hash string) (bool, error)
	AppendEvent(ev credit.Event) error
}

// Folder is a folder source ([[source]] kind = "folder"): template files
// dropped into Path (from a USB stick, by a nightly job) are imported,
// each once by the SHA-256 of its bytes, every Interval. Every file
// imported logs an event with its counts; a file that cannot be read
// stays in place, is named in the source's status (the sync tab and
// `credwatch status` judge it as an endpoint, credit.JudgeEndpoint) and
// in an error event, and is tried again only when its content changes.
// The process holding the sync role runs it, beside the sync engine.
type Folder struct {
	Name     string
	Path     string
	Interval time.Duration
	Options  Options // Source is set to Name
	DB       FolderStore
	Now      func() time.Time
	// settle: a file modified less than this long ago may still be being
	// copied and waits for the next scan.
	Settle time.Duration

	failed map[string]string // content hash -> error, for files not to retry
}

// Run scans the folder every Interval until ctx is done.
func (f *Folder) Run(ctx context.Context) {
	for {
		_ = f.Scan(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(max(f.Interval, time.Second)):
		}
	}
}

// Scan imports the files of the folder not imported before and records
// the source's status. It returns the first failure (the others are in
// the status and the event log).
func (f *Folder) Scan(ctx context.Context) error {
	now := f.now()
	if f.failed == nil {
		f.failed = map[string]string{}
	}
	var errs []string
	entries, err := os.ReadDir(f.Path)
	if err != nil {
		errs = append(errs, fmt.Sprintf("read folder %s: %v", f.Path, err))
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		ext := strings.ToLower(filepath.Ext(n))
		if e.IsDir() || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "~$") || (ext != ".xlsx" && ext != ".csv") {
			continue
		}
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if ctx.Err() != nil {
			break
		}
		path := filepath.Join(f.Path, n)
		fi, err := os.Stat(path)
		// The real clock, not Now: a pinned --today would make every file
		// look written in the future.
		if err != nil || time.Since(fi.ModTime()) < f.Settle {
			continue
		}
		hash, err := fileHash(path)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", n, err))
			continue
		}
		if msg, ok := f.failed[hash]; ok {
			errs = append(errs, msg)
			continue
		}
		done, err := f.DB.Imported(f.Name, hash)
		if err != nil {
			return err
		}
		if done {
			continue
		}
		opt := f.Options
		opt.Source, opt.Now = f.Name, now
		res, err := Import(path, f.DB, f.DB, opt)
		if err != nil {
			msg := fmt.Sprintf("%s: %v (the file stays in the folder)", n, err)
			f.failed[hash] = msg
			errs = append(errs, msg)
			_ = f.DB.AppendEvent(credit.Event{At: now, Type: credit.EventError, Endpoint: f.Name, Err: credit.Sanitize(msg)})
			continue
		}
		t := res.Log.Total()
		_ = f.DB.AppendEvent(credit.Event{At: now, Type: credit.EventDone, Endpoint: f.Name, Items: t.Added + t.Changed, Bad: t.Refused,
			Message: credit.Sanitize(fmt.Sprintf("imported %s: %d added, %d changed, %d unchanged, %d refused, %d withdrawn", n, t.Added, t.Changed, t.Unchanged, t.Refused, t.Withdrawn))})
	}
	st, err := f.DB.EndpointStatus(f.Name)
	if err != nil {
		return err
	}
	st.Name, st.LastAttempt = f.Name, now
	if len(errs) == 0 {
		st.LastSuccess, st.LastError, st.Failures, st.ErrorSince = now, "", 0, time.Time{}
	} else {
		if st.LastError == "" {
			st.ErrorSince = now
		}
		st.LastError = credit.Sanitize(strings.Join(errs, "; "))
		st.Failures++
	}
	if err := f.DB.SaveEndpointStatus(st); err != nil {
		return err
	}
	if len(errs) > 0 {
		return fmt.Errorf("folder source %s: %s", f.Name, errs[0])
	}
	return nil
}

// Once is one scan, for `credwatch sync --once`.
func (f *Folder) Once(ctx context.Context) error { return f.Scan(ctx) }

func (f *Folder) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}
