// Package audit is the audit trail of `credwatch serve`: who logged in,
// ran what, was refused, and every action an officer took. It is kept
// apart from the cache's event log, which wraps by count and which every
// officer may read: the trail is append-only JSON lines, one file a day
// (audit-20261130.jsonl, 0600), and only whole days older than the
// retention are removed. Nothing a session does can push an entry out.
package audit

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/czyj/credwatch/credit"
)

// Zone is the zone the day files are named in (the bureau's days).
var Zone = credit.ChinaZone

// Log is an open audit trail. It is safe for concurrent use by the
// goroutines of one process; two processes appending to one directory
// interleave whole lines (O_APPEND), each line one entry.
type Log struct {
	dir  string
	keep int // days

	mu   sync.Mutex
	day  string // the day of f
	f    *os.File
	last time.Time // when old files were last removed
}

// Open opens (creating it 0700) the directory dir as an audit trail that
// keeps keepDays days, and removes the files older than that.
func Open(dir string, keepDays int) (*Log, error) {
	if keepDays <= 0 {
		return nil, fmt.Errorf("audit %s: retention must be at least one day, not %d", dir, keepDays)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("audit: create %s: %w", dir, err)
	}
	l := &Log{dir: dir, keep: keepDays}
	if _, err := l.prune(time.Now()); err != nil {
		return nil, err
	}
	return l, nil
}

// Dir is the directory of the trail.
func (l *Log) Dir() string { return l.dir }

// Append writes ev as one line of its day's file and syncs the file, so
// an entry returned without error survives a crash. Text fields are
// sanitised as the event log sanitises them.
func (l *Log) Append(ev credit.Event) error {
	if ev.At.IsZero() {
		ev.At = time.Now()
	}
	ev.Endpoint, ev.Err, ev.Message, ev.Actor = credit.Sanitize(ev.Endpoint), credit.Sanitize(ev.Err), credit.Sanitize(ev.Message), credit.Sanitize(ev.Actor)
	b, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("audit: encode %s: %w", ev.Type, err)
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	day := ev.At.In(Zone).Format("20060102")
	if l.f == nil || day != l.day {
		if l.f != nil {
			l.f.Close()
		}
		l.f = nil
		f, err := os.OpenFile(filepath.Join(l.dir, "audit-"+day+".jsonl"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		l.f, l.day = f, day
		if time.Since(l.last) > time.Hour {
			if _, err := l.prune(ev.At); err != nil {
				return err
			}
		}
	}
	if _, err := l.f.Write(b); err != nil {
		return fmt.Errorf("audit: write %s: %w", l.f.Name(), err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("audit: sync %s: %w", l.f.Name(), err)
	}
	return nil
}

// Close closes the day's file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// prune removes the day files older than the retention, counted from now.
func (l *Log) prune(now time.Time) (int, error) {
	l.last = time.Now()
	cut := now.In(Zone).AddDate(0, 0, -l.keep).Format("20060102")
	days, err := dayFiles(l.dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range days {
		if d < cut {
			if err := os.Remove(filepath.Join(l.dir, "audit-"+d+".jsonl")); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return n, fmt.Errorf("audit: remove old day: %w", err)
			}
			n++
		}
	}
	return n, nil
}

// dayFiles lists the days with a file in dir, oldest first.
func dayFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("audit: read %s: %w", dir, err)
	}
	var days []string
	for _, e := range ents {
		n := e.Name()
		if d, ok := strings.CutPrefix(n, "audit-"); ok && strings.HasSuffix(d, ".jsonl") && len(d) == len("20060102.jsonl") {
			days = append(days, strings.TrimSuffix(d, ".jsonl"))
		}
	}
	slices.Sort(days)
	return days, nil
}

// Read calls fn for every entry in dir at or after since, oldest first,
// until fn returns an error, which Read returns. It needs no open Log:
// `credwatch audit` reads while the server appends. A line that does not
// decode (a crash in the middle of a write) is reported to fn as an entry
// of type "audit-unreadable" with the line in Message.
func Read(dir string, since time.Time, fn func(credit.Event) error) error {
	days, err := dayFiles(dir)
	if err != nil {
		return err
	}
	first := since.In(Zone).Format("20060102")
	for _, d := range days {
		if d < first {
			continue
		}
		if err := readDay(filepath.Join(dir, "audit-"+d+".jsonl"), since, fn); err != nil {
			return err
		}
	}
	return nil
}

func readDay(path string, since time.Time, fn func(credit.Event) error) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // removed by retention meanwhile
	}
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for sc.Scan() {
		var ev credit.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			ev = credit.Event{Type: "audit-unreadable", Message: credit.Sanitize(sc.Text())}
		} else if ev.At.Before(since) {
			continue
		}
		if err := fn(ev); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("audit: read %s: %w", path, err)
	}
	return nil
}
