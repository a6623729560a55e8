package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	gosync "sync"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	credsync "github.com/czyj/credwatch/sync"
	"github.com/czyj/credwatch/sync/sheet"
	"github.com/czyj/credwatch/sync/sqlsource"
	"github.com/czyj/credwatch/tui"
)

// SourceConfig is one [[source]] table: a source of records other than an
// agency endpoint. Every source has a name (unique among sources and
// endpoints: its records are stored under it) and a kind; the other keys
// belong to one kind each and are checked by that kind's entry in
// sourceKinds. A new kind adds its keys below and its entry there.
//
// kind = "folder": 双公示 template files dropped into Path are imported,
// each once (by content hash), every Interval, by the process that syncs.
//
// kind = "sql" reads the exchange platform's front-end database (前置库)
// through sync/sqlsource: it becomes one more endpoint of the sync engine
// (credsync.Endpoint with a Source), named like the source, serving the
// kinds it has tables for, with the same status, back-off and checks as
// an HTTP endpoint.
type SourceConfig struct {
	Name     string      `toml:"name"`
	Kind     string      `toml:"kind"`
	Interval duration    `toml:"interval"` // folder: default 1m; sql: default 5m
	Dept     deptSetting `toml:"dept"`     // the department of rows that name none

	// kind = "folder"
	Path    string            `toml:"path"`
	Mapping map[string]string `toml:"mapping"` // local header -> field code or API name

	// kind = "sql"
	Driver       string                       `toml:"driver"`   // mysql, postgres, sqlite
	DSNEnv       string                       `toml:"dsn_env"`  // the DSN is a secret, like a token
	DSNFile      string                       `toml:"dsn_file"` //
	TLS          string                       `toml:"tls"`      // "", "disable", "verify-full"
	CAFile       string                       `toml:"ca_file"`
	Tables       map[string]string            `toml:"tables"`  // kind -> table or view
	Columns      map[string]map[string]string `toml:"columns"` // kind -> field -> column
	Key          string                       `toml:"key"`     // default ID
	Change       string                       `toml:"change"`  // default UPDATED_AT
	Deleted      string                       `toml:"deleted"` // deletion flag column, if any
	FullCompare  duration                     `toml:"full_compare"`
	QueryTimeout duration                     `toml:"query_timeout"`
	PageSize     int                          `toml:"page_size"`
	MaxPages     int                          `toml:"max_pages"`
	MaxWalk      duration                     `toml:"max_walk"`
}

// deptSetting is a source's dept key: one department for every row that
// names none (dept = "320412"), or one per kind, as a sub-table
// ([source.dept] penalty = "320412").
type deptSetting struct {
	All    string
	ByKind map[string]string
}

// UnmarshalTOML reads either form.
func (d *deptSetting) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		d.All = x
	case map[string]any:
		d.ByKind = map[string]string{}
		for k, vv := range x {
			s, ok := vv.(string)
			if !ok {
				return fmt.Errorf("dept.%s: want a department ID (a string)", k)
			}
			d.ByKind[k] = s
		}
	default:
		return fmt.Errorf("dept: want a department ID, or a table of KIND = department ID")
	}
	return nil
}

// For is the department of rows of kind that name none ("" if unset).
func (d deptSetting) For(kind string) string {
	if v, ok := d.ByKind[kind]; ok {
		return v
	}
	return d.All
}

// ImportConfig is the [import] table: how `credwatch import` reads files.
type ImportConfig struct {
	// Mapping maps a local template's headers to the national field codes
	// (CF_WSH) or the agency API's names (doc_no).
	Mapping map[string]string `toml:"mapping"`
}

// sourceKinds checks the kind-specific keys of source i.
var sourceKinds = map[string]func(c *Config, i int, s SourceConfig) error{
	"folder": checkFolderSource,
	"sql":    checkSQLSource,
}

// checkSources validates the [[source]] tables: unique plain names (the
// endpoints' names are in names), a known kind, and that kind's keys.
// Mistakes name the file, line and key.
func (c *Config) checkSources(names map[string]bool) error {
	names[importSource] = true
	for i, s := range c.Sources {
		if s.Name == "" || credit.Sanitize(s.Name) != s.Name {
			return c.failSource(i, "name", "every source needs a name of plain text")
		}
		if names[s.Name] {
			return c.failSource(i, "name", "%q is already the name of an endpoint or source (or the reserved %q)", s.Name, importSource)
		}
		names[s.Name] = true
		check, ok := sourceKinds[s.Kind]
		if !ok {
			return c.failSource(i, "kind", "unknown source kind %q: want \"folder\" or \"sql\"", s.Kind)
		}
		if err := check(c, i, s); err != nil {
			return err
		}
	}
	return nil
}

func checkFolderSource(c *Config, i int, s SourceConfig) error {
	if s.Path == "" {
		return c.failSource(i, "path", "a folder source needs the path of its folder")
	}
	if s.Interval.Duration < 0 {
		return c.failSource(i, "interval", "must be a positive duration")
	}
	if len(s.Dept.ByKind) > 0 {
		return c.failSource(i, "dept", "a folder source takes one department (dept = \"320412\"), not one per kind")
	}
	if s.Dept.All != "" {
		if _, ok := c.directory().Get(s.Dept.All); !ok {
			return c.failSource(i, "dept", "unknown department %q", s.Dept.All)
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

// Defaults of a SQL source: a 前置库 is a shared server, polled gently.
const (
	defaultSQLInterval    = 5 * time.Minute
	defaultSQLFullCompare = 24 * time.Hour
	// defaultSQLPageSize: rows per query. Larger pages cost the database
	// one short index range scan each and save round trips: at 5,000 the
	// read reaches 0.66 of COPY's speed, at 2,000 0.52-0.56
	// (docs/PERFORMANCE.md). The engine holds fewer such pages in wait
	// (sync.queueDepth), so the sync's peak heap stays lower than 2,000
	// rows with the old fixed queue: 102 MB against 116 MB at 100k rows.
	defaultSQLPageSize = 5000
)

// failSource reports a mistake in the i-th [[source]]: key is inside it
// ("tables.penalty"), or "" for the source as a whole.
func (c *Config) failSource(i int, key, format string, args ...any) error {
	full := fmt.Sprintf("source[%d]", i)
	if key != "" {
		full += "." + key
	}
	return c.fail(full, format, args...)
}

// checkSQLSource checks the keys of a source of kind "sql".
func checkSQLSource(c *Config, i int, s SourceConfig) error {
	switch s.Driver {
	case sqlsource.MySQL, sqlsource.Postgres, sqlsource.SQLite:
	default:
		return c.failSource(i, "driver", "want \"mysql\", \"postgres\" or \"sqlite\", got %q", s.Driver)
	}
	if (s.DSNEnv == "") == (s.DSNFile == "") {
		return c.failSource(i, "dsn_env", "set dsn_env or dsn_file (exactly one): the DSN holds a password, so it is never written in this file")
	}
	switch s.TLS {
	case "", "disable", "verify-full":
	default:
		return c.failSource(i, "tls", "want \"disable\" or \"verify-full\" (or leave it out: the DSN decides), got %q", s.TLS)
	}
	if len(s.Tables) == 0 {
		return c.failSource(i, "tables", "source %q lists no tables: e.g. [source.tables] penalty = \"cf_xzcf\"", s.Name)
	}
	for k, t := range s.Tables {
		if !credit.Kind(k).Valid() {
			return c.failSource(i, "tables."+k, "unknown kind %q: want licence, penalty, coercion, reward or inspection", k)
		}
		if !sqlsource.ValidIdent(t) {
			return c.failSource(i, "tables."+k, "%q is not a plain table name (letters, digits, _; schema.table allowed)", t)
		}
	}
	for k, cols := range s.Columns {
		if _, ok := s.Tables[k]; !ok {
			return c.failSource(i, "columns."+k, "columns for %q, which has no table", k)
		}
		for f, col := range cols {
			if !sqlsource.ValidIdent(col) {
				return c.failSource(i, "columns."+k+"."+f, "%q is not a plain column name", col)
			}
		}
	}
	for k := range s.Dept.ByKind {
		if _, ok := s.Tables[k]; !ok {
			return c.failSource(i, "dept."+k, "a department for %q, which has no table", k)
		}
	}
	for key, v := range map[string]string{"key": s.Key, "change": s.Change, "deleted": s.Deleted} {
		if v != "" && !sqlsource.ValidIdent(v) {
			return c.failSource(i, key, "%q is not a plain column name", v)
		}
	}
	if s.PageSize < 0 || s.PageSize > sqlsource.MaxPageSize {
		return c.failSource(i, "page_size", "must be between 1 and %d, got %d", sqlsource.MaxPageSize, s.PageSize)
	}
	if s.MaxPages < 0 {
		return c.failSource(i, "max_pages", "must be a positive number of pages, got %d", s.MaxPages)
	}
	if s.Dept.All != "" {
		if _, ok := c.directory().Get(s.Dept.All); !ok {
			return c.failSource(i, "dept", "unknown department %q", s.Dept.All)
		}
	}
	return nil
}

// sqlSourceConfig resolves the i-th source's DSN and builds its
// sqlsource.Config. The error names the key, never the DSN.
func (c *Config) sqlSourceConfig(i int, now func() time.Time) (sqlsource.Config, error) {
	s := c.Sources[i]
	var dsn string
	switch {
	case s.DSNEnv != "":
		dsn = os.Getenv(s.DSNEnv)
		if dsn == "" {
			return sqlsource.Config{}, c.failSource(i, "dsn_env", "environment variable %s is empty or unset", s.DSNEnv)
		}
	default:
		b, err := os.ReadFile(s.DSNFile)
		if err != nil {
			return sqlsource.Config{}, c.failSource(i, "dsn_file", "read the DSN: %v", err)
		}
		dsn = strings.TrimSpace(string(b))
	}
	sc := sqlsource.Config{Name: s.Name, Driver: s.Driver, DSN: dsn, TLS: s.TLS, CAFile: s.CAFile,
		QueryTimeout: s.QueryTimeout.Duration, FullEvery: s.FullCompare.Duration, Now: now, Tables: map[credit.Kind]sqlsource.Table{}}
	if sc.FullEvery == 0 && s.Deleted == "" {
		sc.FullEvery = defaultSQLFullCompare
	}
	for k, name := range s.Tables {
		sc.Tables[credit.Kind(k)] = sqlsource.Table{Name: name, Key: s.Key, Change: s.Change, Deleted: s.Deleted,
			Dept: s.Dept.For(k), Columns: s.Columns[k]}
	}
	return sc, nil
}

// sourceEndpoints are the sync engine's endpoints of the [[source]]
// tables of kind "sql", appended to the agency endpoints. With open false
// they carry names, feeds and intervals only (for views); with open they
// carry an opened sqlsource.Source, which holds the database connections
// for the life of the process.
func (c *Config) sourceEndpoints(open bool, now func() time.Time) ([]credsync.Endpoint, error) {
	var out []credsync.Endpoint
	for i, s := range c.Sources {
		if s.Kind != "sql" {
			continue
		}
		ep := credsync.Endpoint{Name: s.Name, Interval: s.Interval.Duration, PageSize: s.PageSize,
			MaxPages: s.MaxPages, MaxWalk: s.MaxWalk.Duration}
		if ep.Interval == 0 {
			ep.Interval = defaultSQLInterval
		}
		if ep.PageSize == 0 {
			ep.PageSize = defaultSQLPageSize
		}
		for _, k := range credit.Kinds {
			if _, ok := s.Tables[string(k)]; ok {
				ep.Feeds = append(ep.Feeds, string(k))
			}
		}
		if open {
			sc, err := c.sqlSourceConfig(i, now)
			if err != nil {
				return nil, err
			}
			src, err := sqlsource.Open(sc)
			if err != nil {
				return nil, c.failSource(i, "", "%v", err)
			}
			ep.Source = src
		}
		out = append(out, ep)
	}
	return out, nil
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
		Options: sheet.Options{Dept: s.Dept.All, Directory: a.depts, Mapping: s.Mapping}}
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
		switch s.Kind {
		case "folder":
			out = append(out, tui.EndpointInfo{Name: s.Name, Interval: s.folderInterval()})
		case "sql": // an endpoint of the engine: listed with the endpoints (endpointNames)
		}
	}
	return append(out, tui.EndpointInfo{Name: importSource, Manual: true})
}
