package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
	credsync "github.com/czyj/credwatch/sync"
	"github.com/czyj/credwatch/sync/sqlsource"
)

// SourceConfig is one [[source]] table: a source of records other than an
// agency endpoint. Every kind has name and kind; the other keys belong to
// one kind (config.toml.example documents them).
//
// kind = "sql" reads the exchange platform's front-end database (前置库)
// through sync/sqlsource: it becomes one more endpoint of the sync engine
// (credsync.Endpoint with a Source), named like the source, serving the
// kinds it has tables for, with the same status, back-off and checks as
// an HTTP endpoint.
type SourceConfig struct {
	Name string `toml:"name"`
	Kind string `toml:"kind"`

	// kind = "sql"
	Driver       string                       `toml:"driver"`   // mysql, postgres, sqlite
	DSNEnv       string                       `toml:"dsn_env"`  // the DSN is a secret, like a token
	DSNFile      string                       `toml:"dsn_file"` //
	TLS          string                       `toml:"tls"`      // "", "disable", "verify-full"
	CAFile       string                       `toml:"ca_file"`
	Tables       map[string]string            `toml:"tables"`  // kind -> table or view
	Columns      map[string]map[string]string `toml:"columns"` // kind -> field -> column
	Dept         map[string]string            `toml:"dept"`    // kind -> department of every row
	Key          string                       `toml:"key"`     // default ID
	Change       string                       `toml:"change"`  // default UPDATED_AT
	Deleted      string                       `toml:"deleted"` // deletion flag column, if any
	FullCompare  duration                     `toml:"full_compare"`
	Interval     duration                     `toml:"interval"`
	QueryTimeout duration                     `toml:"query_timeout"`
	PageSize     int                          `toml:"page_size"`
	MaxPages     int                          `toml:"max_pages"`
	MaxWalk      duration                     `toml:"max_walk"`
}

// Defaults of a SQL source: a 前置库 is a shared server, polled gently.
const (
	defaultSQLInterval    = 5 * time.Minute
	defaultSQLFullCompare = 24 * time.Hour
	// defaultSQLPageSize: rows per query. Larger pages cost the database
	// one short index range scan each and save round trips (at 2,000 the
	// read reaches COPY's speed more closely than at 500: docs/PERFORMANCE.md).
	defaultSQLPageSize = 2000
)

// failSource reports a mistake in the i-th [[source]], naming the file,
// the line where it can be found and the key.
func (c *Config) failSource(i int, key, format string, args ...any) error {
	full := fmt.Sprintf("source[%d].%s", i, key)
	if key == "" {
		full = fmt.Sprintf("source[%d]", i)
	}
	return &ConfigError{Path: c.path, Line: sourceLine(c.raw, i, key), Key: full, Msg: credit.Sanitize(fmt.Sprintf(format, args...))}
}

// sourceLine finds the line of key (a.b for key b of sub-table a) in the
// i-th [[source]] of the file's text, or that table's header line; 0 if
// not found.
func sourceLine(raw []byte, i int, key string) int {
	lines := strings.Split(string(raw), "\n")
	n, header, sub := -1, 0, ""
	want, wantSub := key, ""
	if j := strings.LastIndex(key, "."); j > 0 {
		wantSub, want = key[:j], key[j+1:]
	}
	for ln, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "[[source]]":
			n++
			sub = ""
			if n == i {
				header = ln + 1
			}
			continue
		case strings.HasPrefix(t, "[[") || (strings.HasPrefix(t, "[") && !strings.HasPrefix(t, "[source.")):
			if n == i {
				return header
			}
			n = max(n, i+1)
			continue
		case strings.HasPrefix(t, "[source."):
			sub = strings.TrimSuffix(strings.TrimPrefix(t, "[source."), "]")
			continue
		}
		if n == i && sub == wantSub && want != "" {
			name, _, ok := strings.Cut(t, "=")
			if ok && strings.Trim(strings.TrimSpace(name), `"`) == want {
				return ln + 1
			}
		}
	}
	return header
}

// checkSources validates the [[source]] tables of kind "sql" (other kinds
// are checked by their own code).
func (c *Config) checkSources(endpointNames map[string]bool) error {
	for i, s := range c.Sources {
		if s.Name == "" {
			return c.failSource(i, "name", "every source needs a name")
		}
		if credit.Sanitize(s.Name) != s.Name {
			return c.failSource(i, "name", "contains control characters")
		}
		if endpointNames[s.Name] {
			return c.failSource(i, "name", "%q is already the name of an endpoint or a source", s.Name)
		}
		endpointNames[s.Name] = true
		switch s.Kind {
		case "sql":
		case "":
			return c.failSource(i, "kind", "every source needs a kind (\"sql\")")
		default:
			if !otherSourceKind(s.Kind) {
				return c.failSource(i, "kind", "unknown kind %q: want \"sql\"", s.Kind)
			}
			continue
		}
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
		for k := range s.Dept {
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
	}
	return nil
}

// otherSourceKind is set by the code of the other kinds of source.
var otherSourceKind = func(kind string) bool { return false }

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
			Dept: s.Dept[k], Columns: s.Columns[k]}
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
