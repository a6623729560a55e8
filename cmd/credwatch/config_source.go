package main

import (
	"context"
	"fmt"
	gosync "sync"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/sync/sheet"
	"github.com/czyj/credwatch/tui"
)

// SourceConfig is one [[source]] table: a source of records other than an
// agency endpoint. Every source has a name (unique among sources and
// endpoints: its records are stored under it) and a kind; the other keys
// belong to one kind each and are checked by that kind's entry in
// sourceKinds. A new kind adds its keys below and its entry there.
type SourceConfig struct {
	Name string `toml:"name"`
	Kind string `toml:"kind"`

	// kind = "folder": 双公示 template files dropped into Path are
	// imported, each once (by content hash), every Interval.
	Path     string            `toml:"path"`
	Interval duration          `toml:"interval"`
	Dept     string            `toml:"dept"`    // department of rows that name none
	Mapping  map[string]string `toml:"mapping"` // local header -> field code or API name
}

// ImportConfig is the [import] table: how `credwatch import` reads files.
type ImportConfig struct {
	// Mapping maps a local template's headers to the national field codes
	// (CF_WSH) or the agency API's names (doc_no).
	Mapping map[string]string `toml:"mapping"`
}

// sourceKinds checks the kind-specific keys of source i.
var sourceKinds = map[string]func(c *Config, key string, s SourceConfig) error{
	"folder": checkFolderSource,
}

func (c *Config) checkSources() error {
	names := map[string]bool{importSource: true}
	for _, e := range c.Endpoints {
		names[e.Name] = true
	}
	for i, s := range c.Sources {
		key := fmt.Sprintf("source[%d]", i)
		if s.Name == "" || credit.Sanitize(s.Name) != s.Name {
			return c.fail(key+".name", "every source needs a name of plain text")
		}
		if names[s.Name] {
			return c.fail(key+".name", "%q is already the name of an endpoint or source (or the reserved %q)", s.Name, importSource)
		}
		names[s.Name] = true
		check, ok := sourceKinds[s.Kind]
		if !ok {
			return c.fail(key+".kind", "unknown source kind %q (want folder)", s.Kind)
		}
		if err := check(c, key, s); err != nil {
			return err
		}
	}
	return nil
}

func checkFolderSource(c *Config, key string, s SourceConfig) error {
	if s.Path == "" {
		return c.fail(key+".path", "a folder source needs the path of its folder")
	}
	if s.Interval.Duration < 0 {
		return c.fail(key+".interval", "must be a positive duration")
	}
	if s.Dept != "" {
		if _, ok := c.directory().Get(s.Dept); !ok {
			return c.fail(key+".dept", "unknown department %q", s.Dept)
		}
	}
	return nil
}

// folderInterval is how often a folder source looks for new files.
func (s SourceConfig) folderInterval() time.Duration {
	if s.Interval.Duration > 0 {
		return s.Interval.Duration
	}
	return time.Minute
}

// recordSource is a running [[source]]: the process that holds the sync
// role runs each beside the sync engine (syncer.serve, runSync). Run
// works until ctx is done; Once is one round, for `sync --once`.
type recordSource interface {
	Run(ctx context.Context)
	Once(ctx context.Context) error
}

// sourceRunners builds the running source of each kind.
var sourceRunners = map[string]func(a *app, db *store.DB, s SourceConfig) recordSource{
	"folder": newFolderSource,
}

func newFolderSource(a *app, db *store.DB, s SourceConfig) recordSource {
	return &sheet.Folder{Name: s.Name, Path: s.Path, Interval: s.folderInterval(), DB: db, Now: time.Now, Settle: 2 * time.Second,
		Options: sheet.Options{Dept: s.Dept, Directory: a.depts, Mapping: s.Mapping}}
}

// recordSources returns the configured [[source]]s, ready to run on db.
func (a *app) recordSources(db *store.DB) []recordSource {
	var out []recordSource
	for _, s := range a.cfg.Sources {
		if run, ok := sourceRunners[s.Kind]; ok {
			out = append(out, run(a, db, s))
		}
	}
	return out
}

// runSources runs srcs until ctx is done; the returned wait blocks until
// they have stopped.
func runSources(ctx context.Context, srcs []recordSource) (wait func()) {
	var wg gosync.WaitGroup
	for _, src := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src.Run(ctx)
		}()
	}
	return wg.Wait
}

// sourceInfos lists the sources of records beside the endpoints, as the
// sync tab and status show them: each [[source]] with its interval, and
// the manual import (never stale: an officer runs it) once the cache
// knows it.
func (a *app) sourceInfos() []tui.EndpointInfo {
	var out []tui.EndpointInfo
	for _, s := range a.cfg.Sources {
		iv := time.Duration(0)
		if s.Kind == "folder" {
			iv = s.folderInterval()
		}
		out = append(out, tui.EndpointInfo{Name: s.Name, Interval: iv})
	}
	return append(out, tui.EndpointInfo{Name: importSource, Manual: true})
}
