// Package sqlsource reads the exchange platform's front-end database
// (前置库) as a credwatch source: the 双公示 tables the government data
// sharing and exchange platform delivers, with the national field codes
// as column names, read straight from MySQL-compatible, PostgreSQL-
// compatible or SQLite databases.
//
// A Source implements sync.Source: the sync engine walks each table along
// its change column exactly as it walks an agency API feed along its
// cursor, and checks, quarantines and stores every row as it does an API
// item. The package only reads: every statement it runs is a SELECT built
// here from validated identifiers with parameters for the values, inside
// a read-only transaction, on a connection that is read-only where the
// database allows it (PostgreSQL default_transaction_read_only, SQLite
// mode=ro and query_only). The DSN is a secret: no error, log or status
// text carries it.
package sqlsource

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // driver "sqlite", pure Go

	"github.com/czyj/credwatch/credit"
	credsync "github.com/czyj/credwatch/sync"
)

// Drivers credwatch can read.
const (
	MySQL    = "mysql"    // MySQL, MariaDB and MySQL-compatible modes (e.g. 达梦, OceanBase)
	Postgres = "postgres" // PostgreSQL and compatible (人大金仓, openGauss in PG mode)
	SQLite   = "sqlite"   // a file, for drills and small deployments
)

// Defaults and bounds.
const (
	DefaultPageSize     = 500
	MaxPageSize         = 5000
	DefaultQueryTimeout = 30 * time.Second
	DefaultKey          = "ID"
	DefaultChange       = "UPDATED_AT"
)

// Config is one SQL source.
type Config struct {
	Name   string
	Driver string // MySQL, Postgres or SQLite
	DSN    string // secret: never shown, logged or stored
	// TLS is "" (as the DSN says), "disable", or "verify-full": TLS with
	// the server's certificate checked against the system roots and
	// CAFile, and its name against the DSN's host.
	TLS    string
	CAFile string
	// Tables maps a record kind (penalty, licence, ...) to its table.
	Tables map[credit.Kind]Table
	// QueryTimeout bounds each page's query (default 30s).
	QueryTimeout time.Duration
	// FullEvery is how often a table is walked anew from the beginning to
	// find rows deleted at the source (0: never). The engine keeps the
	// cached records until such a walk completes, and then forgets those
	// it did not deliver.
	FullEvery time.Duration
	Now       func() time.Time // default time.Now
}

// Table is how one kind's records are read.
type Table struct {
	Name    string // table or view, optionally schema-qualified: cf_xzcf, qzk.cf_xzcf
	Key     string // primary key column (default ID)
	Change  string // change column: an update time or an increasing id (default UPDATED_AT)
	Deleted string // optional flag column: a true value (1, Y, 是, true) is a deletion
	// Dept is the department of every row, for a table without a DEPT
	// column (one department's table).
	Dept string
	// Columns maps a field (national code, e.g. CF_XDR_MC, or DEPT,
	// UPDATED_AT ...) to the table's column where the names differ.
	Columns map[string]string
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$`)

// ValidIdent reports whether s can name a table or a column here: a plain
// identifier, optionally schema-qualified. Names are matched as the
// database folds unquoted names (PostgreSQL: lower case).
func ValidIdent(s string) bool { return identRE.MatchString(s) }

// Source reads one database. It is safe for concurrent use.
type Source struct {
	cfg     Config
	db      *sql.DB
	dia     dialect
	secrets []string

	mu     gosync.Mutex
	tables map[credit.Kind]*tableQuery
}

var _ credsync.Source = (*Source)(nil)

// Open prepares a source; it does not connect yet (the first read does,
// and a database that is down is then an endpoint failure like any other).
func Open(cfg Config) (*Source, error) {
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = DefaultQueryTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Source{cfg: cfg, tables: map[credit.Kind]*tableQuery{}}
	s.secrets = append(s.secrets, cfg.DSN)
	for k, t := range cfg.Tables {
		if !k.Valid() {
			return nil, fmt.Errorf("source %s: unknown kind %q", cfg.Name, k)
		}
		for _, id := range []string{t.Name, t.Key, t.Change, t.Deleted} {
			if id != "" && !ValidIdent(id) {
				return nil, fmt.Errorf("source %s: %s: %q is not a plain table or column name", cfg.Name, k, id)
			}
		}
	}
	tlsCfg, err := cfg.tlsConfig()
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", cfg.Name, err)
	}
	switch cfg.Driver {
	case Postgres:
		cc, err := pgx.ParseConfig(cfg.DSN)
		if err != nil {
			return nil, fmt.Errorf("source %s: the DSN cannot be read as a PostgreSQL connection string (%s)", cfg.Name, s.redact(err.Error()))
		}
		if cc.Password != "" {
			s.secrets = append(s.secrets, cc.Password)
		}
		// Read-only by construction: every transaction of the session is
		// read-only unless a statement asks otherwise, and credwatch's
		// never do (their own transactions are BEGIN READ ONLY too).
		cc.RuntimeParams["default_transaction_read_only"] = "on"
		cc.RuntimeParams["application_name"] = "credwatch"
		cc.RuntimeParams["statement_timeout"] = strconv.FormatInt(cfg.QueryTimeout.Milliseconds(), 10)
		if cc.ConnectTimeout == 0 || cc.ConnectTimeout > cfg.QueryTimeout {
			cc.ConnectTimeout = cfg.QueryTimeout
		}
		switch cfg.TLS {
		case "disable":
			cc.TLSConfig, cc.Fallbacks = nil, nil
		case "verify-full":
			tlsCfg.ServerName = cc.Host
			cc.TLSConfig, cc.Fallbacks = tlsCfg, nil
		}
		s.db, s.dia = stdlib.OpenDB(*cc), pgDialect
	case MySQL:
		mc, err := mysql.ParseDSN(cfg.DSN)
		if err != nil {
			return nil, fmt.Errorf("source %s: the DSN cannot be read as a MySQL DSN (user:password@tcp(host:port)/db): %s", cfg.Name, s.redact(err.Error()))
		}
		if mc.Passwd != "" {
			s.secrets = append(s.secrets, mc.Passwd)
		}
		mc.ParseTime = true // DATETIME as time.Time, in UTC as written: read as China time
		mc.Loc = time.UTC
		if mc.Timeout == 0 {
			mc.Timeout = cfg.QueryTimeout
		}
		switch cfg.TLS {
		case "disable":
			mc.TLS, mc.TLSConfig = nil, "false"
		case "verify-full":
			host := mc.Addr
			if i := strings.LastIndex(host, ":"); i > 0 {
				host = host[:i]
			}
			tlsCfg.ServerName = host
			mc.TLS = tlsCfg
		}
		conn, err := mysql.NewConnector(mc)
		if err != nil {
			return nil, fmt.Errorf("source %s: %s", cfg.Name, s.redact(err.Error()))
		}
		s.db, s.dia = sql.OpenDB(conn), myDialect
	case SQLite:
		dsn := cfg.DSN
		if !strings.HasPrefix(dsn, "file:") {
			dsn = "file:" + dsn
		}
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		// mode=ro opens the file read-only; query_only refuses any write
		// even on a connection that could.
		dsn += sep + "mode=ro&_pragma=query_only(1)&_pragma=busy_timeout(5000)"
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("source %s: %s", cfg.Name, s.redact(err.Error()))
		}
		s.db, s.dia = db, liteDialect
	default:
		return nil, fmt.Errorf("source %s: unknown driver %q: want mysql, postgres or sqlite", cfg.Name, cfg.Driver)
	}
	s.db.SetMaxOpenConns(2)
	s.db.SetMaxIdleConns(1)
	s.db.SetConnMaxIdleTime(5 * time.Minute)
	return s, nil
}

func (c *Config) tlsConfig() (*tls.Config, error) {
	switch c.TLS {
	case "", "disable":
		return nil, nil
	case "verify-full":
	default:
		return nil, fmt.Errorf("tls %q: want \"disable\" or \"verify-full\" (or leave it to the DSN)", c.TLS)
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s holds no PEM certificate", c.CAFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// Close closes the connections.
func (s *Source) Close() error { return s.db.Close() }

// Kinds are the kinds the source has a table for, in the national order.
func (s *Source) Kinds() []credit.Kind {
	var out []credit.Kind
	for _, k := range credit.Kinds {
		if _, ok := s.cfg.Tables[k]; ok {
			out = append(out, k)
		}
	}
	return out
}

var (
	urlCredRE = regexp.MustCompile(`://[^@/\s]*@`)
	kvPassRE  = regexp.MustCompile(`(?i)\b(password|passwd|pwd)\s*=\s*('[^']*'|"[^"]*"|\S+)`)
)

// redact removes the DSN, its password and anything shaped like a
// credential from s.
func (s *Source) redact(t string) string {
	for _, sec := range s.secrets {
		if len(sec) >= 3 {
			t = strings.ReplaceAll(t, sec, "[redacted]")
		}
	}
	t = urlCredRE.ReplaceAllString(t, "://[redacted]@")
	return kvPassRE.ReplaceAllString(t, "$1=[redacted]")
}

// redactErr is err with its text redacted, keeping the sentinels the
// engine tests for.
func (s *Source) redactErr(err error) error {
	if err == nil || errors.Is(err, credsync.ErrRewalk) {
		return err
	}
	var fe *credsync.FeedError
	if errors.As(err, &fe) {
		return &credsync.FeedError{Feed: fe.Feed, Err: errors.New(s.redact(fe.Err.Error()))}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s (query timeout %s)", s.redact(err.Error()), s.cfg.QueryTimeout)
	}
	return errors.New(s.redact(err.Error()))
}
