package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/czyj/credwatch/credit"
	credsync "github.com/czyj/credwatch/sync"
)

// Config is the TOML configuration; config.toml.example documents every key.
type Config struct {
	Lang         string           `toml:"lang"`
	Cache        string           `toml:"cache"`
	Today        string           `toml:"today"`
	Officer      string           `toml:"officer"`
	Departments  []string         `toml:"departments"`
	ReadOnly     bool             `toml:"read_only"`
	DeadlineDays int              `toml:"deadline_days"`
	SignoffSince string           `toml:"signoff_since"`
	ExportDir    string           `toml:"export_dir"` // export_dir.go
	Endpoints    []EndpointConfig `toml:"endpoint"`
	Calendar     CalendarConfig   `toml:"calendar"`
	RuleSets     []RuleSetConfig  `toml:"rule_set"`
	Pipeline     *PipelineConfig  `toml:"pipeline"`
	Directory    []DeptConfig     `toml:"department"`
	Serve        ServeConfig      `toml:"serve"`
	Sources      []SourceConfig   `toml:"source"` // config_source.go
	Import       ImportConfig     `toml:"import"`
	UI           UIConfig         `toml:"ui"` // config_ui.go

	// Keys is the [keys] table, the TUI's key bindings: action -> keys
	// (config_keys.go).
	Keys map[string][]string `toml:"keys"`

	path string    // file it was read from
	keys *keyIndex // where each key is in its text, to name the line of a mistake
}

// EndpointConfig is one [[endpoint]] table.
type EndpointConfig struct {
	Name      string   `toml:"name"`
	BaseURL   string   `toml:"base_url"`
	Feeds     []string `toml:"feeds"`
	TokenEnv  string   `toml:"token_env"`
	TokenFile string   `toml:"token_file"`
	Interval  duration `toml:"interval"`
	Timeout   duration `toml:"timeout"`
	PageSize  int      `toml:"page_size"`
	CAFile    string   `toml:"ca_file"`
	MaxSkew   duration `toml:"max_clock_skew"`
	Actions   bool     `toml:"actions"`
	Insecure  bool     `toml:"insecure_skip_verify"`
	// The ceiling of one feed's walk in one pass, and of a Retry-After.
	MaxPages      int      `toml:"max_pages"`
	MaxWalk       duration `toml:"max_walk"`
	MaxRetryAfter duration `toml:"max_retry_after"`
}

// CalendarConfig is the [calendar] table: extra known years and day overrides.
type CalendarConfig struct {
	Years []int            `toml:"years"`
	Days  []DayOverrideCfg `toml:"day"`
	// Confirmed lists built-in years whose provisional schedule (2027) the
	// bureau has checked against the State Council notice.
	Confirmed []int `toml:"confirmed"`
}

// DayOverrideCfg is one [[calendar.day]] entry.
type DayOverrideCfg struct {
	Date    string `toml:"date"`
	Working bool   `toml:"working"`
	Name    string `toml:"name"`
}

// RuleSetConfig is one [[rule_set]] table.
type RuleSetConfig struct {
	Name                string                   `toml:"name"`
	Title               string                   `toml:"title"`
	Source              string                   `toml:"source"`
	From                string                   `toml:"from"`
	Until               string                   `toml:"until"`
	Periods             map[string]credit.Period `toml:"periods"`
	NotRepairable       []string                 `toml:"not_repairable"`
	NotRepairableMonths int                      `toml:"not_repairable_months"`
	SeriousTypes        []string                 `toml:"serious_types"`
	ReviewWorkingDays   int                      `toml:"review_working_days"`
}

// PipelineConfig is the [pipeline] table.
type PipelineConfig = credit.PipelineDurations

// DeptConfig is one [[department]] table; it replaces the built-in list.
type DeptConfig struct {
	ID      string   `toml:"id"`
	Name    string   `toml:"name"`
	Short   string   `toml:"short"`
	Code    string   `toml:"code"`
	Level   string   `toml:"level"`
	Owns    []string `toml:"owns"`
	Assists []string `toml:"assists"`
}

type duration struct{ time.Duration }

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q (examples: 30s, 5m)", b)
	}
	if v <= 0 {
		return fmt.Errorf("duration %q must be positive", b)
	}
	d.Duration = v
	return nil
}

// findConfig returns the configuration file to read: --config, then
// $CREDWATCH_CONFIG, then <user config dir>/credwatch/config.toml. explicit
// says whether the user named it (then it must exist). "" means none.
func findConfig(flagPath string) (path string, explicit bool) {
	if flagPath != "" {
		return flagPath, true
	}
	if p := os.Getenv("CREDWATCH_CONFIG"); p != "" {
		return p, true
	}
	if dir, err := os.UserConfigDir(); err == nil {
		p := filepath.Join(dir, "credwatch", "config.toml")
		if _, err := os.Stat(p); err == nil {
			return p, false
		}
	}
	return "", false
}

// loadConfig reads and checks the file at path. Every problem is reported
// with the file, and the line and key where TOML knows them.
func loadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	return parseConfig(path, data)
}

func parseConfig(path string, data []byte) (*Config, error) {
	var c Config
	ix := indexKeys(data)
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		return nil, decodeError(path, data, ix, err)
	}
	if err := unknownKeys(path, ix, md); err != nil {
		return nil, err
	}
	c.path, c.keys = path, ix
	if err := c.check(); err != nil {
		return nil, err
	}
	if err := c.checkKeys(); err != nil {
		return nil, err
	}
	return &c, nil
}

// fail reports a mistake at key, written in full with array indices
// (endpoint[0].base_url); the error names its line and, in an array of
// tables, the entry by its name.
func (c *Config) fail(key, format string, args ...any) error {
	ix := c.keys
	if ix == nil {
		ix = indexKeys(nil)
	}
	return ix.errAt(c.path, key, fmt.Sprintf(format, args...))
}

// check validates values TOML cannot: languages, dates, feed names, URLs.
func (c *Config) check() error {
	switch c.Lang {
	case "", "zh", "en":
	default:
		return c.fail("lang", "must be \"zh\" or \"en\", not %q", c.Lang)
	}
	if c.Today != "" {
		if _, err := credit.ParseDate(c.Today); err != nil {
			return c.fail("today", "%v", err)
		}
	}
	seen := map[string]bool{}
	for i, e := range c.Endpoints {
		key := fmt.Sprintf("endpoint[%d]", i)
		if e.Name == "" {
			return c.fail(key+".name", "every endpoint needs a name")
		}
		if credit.Sanitize(e.Name) != e.Name {
			return c.fail(key+".name", "contains control characters")
		}
		if seen[e.Name] {
			return c.fail(key+".name", "endpoint %q is configured twice", e.Name)
		}
		seen[e.Name] = true
		if !strings.HasPrefix(e.BaseURL, "http://") && !strings.HasPrefix(e.BaseURL, "https://") {
			return c.fail(key+".base_url", "must start with http:// or https://, got %q", e.BaseURL)
		}
		if len(e.Feeds) == 0 {
			return c.fail(key+".feeds", "endpoint %q serves no feeds", e.Name)
		}
		for _, f := range e.Feeds {
			if !credit.ValidFeed(f) {
				last := len(credit.Feeds) - 1
				return c.fail(key+".feeds", "unknown feed %q: want %s or %s", f, strings.Join(credit.Feeds[:last], ", "), credit.Feeds[last])
			}
		}
		if e.PageSize < 0 || e.PageSize > 1000 {
			return c.fail(key+".page_size", "must be between 1 and 1000, got %d", e.PageSize)
		}
		if e.TokenEnv != "" && e.TokenFile != "" {
			return c.fail(key, "set token_env or token_file, not both")
		}
		if e.MaxPages < 0 {
			return c.fail(key+".max_pages", "must be a positive number of pages, got %d", e.MaxPages)
		}
		for name, d := range map[string]duration{"max_walk": e.MaxWalk, "max_retry_after": e.MaxRetryAfter} {
			if d.Duration < 0 {
				return c.fail(key+"."+name, "must be a positive duration, got %s", d.Duration)
			}
		}
	}
	if credit.Sanitize(c.Officer) != c.Officer {
		return c.fail("officer", "contains control characters")
	}
	if c.DeadlineDays < 0 || c.DeadlineDays > 366 {
		return c.fail("deadline_days", "must be between 1 and 366, got %d", c.DeadlineDays)
	}
	if c.SignoffSince != "" {
		if _, err := credit.ParseDate(c.SignoffSince); err != nil {
			return c.fail("signoff_since", "%v", err)
		}
	}
	if c.ExportDir != "" {
		if credit.Sanitize(c.ExportDir) != c.ExportDir {
			return c.fail("export_dir", "contains control characters")
		}
		if !filepath.IsAbs(c.ExportDir) && expandHome(c.ExportDir, "/") == c.ExportDir {
			return c.fail("export_dir", "must be an absolute path or start with ~, not %q", c.ExportDir)
		}
	}
	for i, d := range c.Calendar.Days {
		if _, err := credit.ParseDate(d.Date); err != nil {
			return c.fail(fmt.Sprintf("calendar.day[%d].date", i), "%v", err)
		}
	}
	for _, y := range c.Calendar.Confirmed {
		if !credit.BuiltinCalendar().Knows(y) && !slices.Contains(c.Calendar.Years, y) {
			return c.fail("calendar.confirmed", "%d is not a known year", y)
		}
	}
	for i, r := range c.RuleSets {
		for _, v := range append(append([]string{r.Name, r.Title, r.Source}, r.NotRepairable...), r.SeriousTypes...) {
			if credit.Sanitize(v) != v {
				return c.fail(fmt.Sprintf("rule_set[%d]", i), "contains control characters or invalid text")
			}
		}
		if _, err := r.toRuleSet(); err != nil {
			return c.fail(fmt.Sprintf("rule_set[%d]", i), "%v", err)
		}
	}
	for i, d := range c.Directory {
		for _, v := range []string{d.ID, d.Name, d.Short, d.Code} {
			if credit.Sanitize(v) != v {
				return c.fail(fmt.Sprintf("department[%d]", i), "contains control characters or invalid text")
			}
		}
		if _, err := d.toDepartment(); err != nil {
			return c.fail(fmt.Sprintf("department[%d]", i), "%v", err)
		}
	}
	if err := c.checkSources(seen); err != nil {
		return err
	}
	if err := c.UI.check(c); err != nil {
		return err
	}
	return c.Serve.check(c)
}

func (r RuleSetConfig) toRuleSet() (credit.RuleSet, error) {
	rs := credit.RuleSet{Name: r.Name, Title: r.Title, Source: r.Source, NotRepairable: r.NotRepairable,
		NotRepairableMonths: r.NotRepairableMonths, SeriousTypes: r.SeriousTypes, ReviewWorkingDays: r.ReviewWorkingDays,
		Periods: map[credit.Severity]credit.Period{}}
	var err error
	if r.From != "" {
		if rs.From, err = credit.ParseDate(r.From); err != nil {
			return rs, fmt.Errorf("from: %w", err)
		}
	}
	if r.Until != "" {
		if rs.Until, err = credit.ParseDate(r.Until); err != nil {
			return rs, fmt.Errorf("until: %w", err)
		}
	}
	for name, p := range r.Periods {
		sev, err := credit.ParseSeverity(name)
		if err != nil {
			return rs, fmt.Errorf("periods: %w", err)
		}
		rs.Periods[sev] = p
	}
	return rs, nil
}

func (d DeptConfig) toDepartment() (credit.Department, error) {
	dep := credit.Department{ID: d.ID, Name: d.Name, Short: d.Short, Code: d.Code, Level: credit.Level(d.Level)}
	if d.ID == "" || d.Name == "" {
		return dep, fmt.Errorf("id and name are required")
	}
	if dep.Short == "" {
		dep.Short = d.Name
	}
	for _, k := range d.Owns {
		kind, err := credit.ParseKind(k)
		if err != nil {
			return dep, fmt.Errorf("owns: %w", err)
		}
		dep.Owns = append(dep.Owns, kind)
	}
	for _, k := range d.Assists {
		kind, err := credit.ParseKind(k)
		if err != nil {
			return dep, fmt.Errorf("assists: %w", err)
		}
		dep.Helps = append(dep.Helps, kind)
	}
	return dep, nil
}

// rules builds the calendar and rule sets: built-in ones plus configuration.
// Configured rule sets replace the built-in ones when any are given.
func (c *Config) rules() (*credit.Rules, error) {
	var days []credit.DayOverride
	for _, d := range c.Calendar.Days {
		date, _ := credit.ParseDate(d.Date) // checked in check; the name is shown, so it is sanitised
		days = append(days, credit.DayOverride{Date: date, Working: d.Working, Name: credit.Sanitize(d.Name)})
	}
	cal, err := credit.NewCalendar(days, c.Calendar.Years)
	if err != nil {
		return nil, c.fail("calendar", "%v", err)
	}
	if cal, err = cal.Confirmed(c.Calendar.Confirmed); err != nil {
		return nil, c.fail("calendar.confirmed", "%v", err)
	}
	sets := credit.BuiltinRuleSets()
	if len(c.RuleSets) > 0 {
		sets = nil
		for _, r := range c.RuleSets {
			rs, _ := r.toRuleSet()
			sets = append(sets, rs)
		}
	}
	p := credit.DefaultPipelineDurations()
	if c.Pipeline != nil {
		p = *c.Pipeline
	}
	r, err := credit.NewRules(cal, sets, p)
	if err != nil {
		return nil, c.fail("rule_set", "%v", err)
	}
	return r, nil
}

// directory returns the configured departments, or the built-in ones.
func (c *Config) directory() *credit.Directory {
	if len(c.Directory) == 0 {
		return credit.NewDirectory(credit.DefaultDepartments())
	}
	var deps []credit.Department
	for _, d := range c.Directory {
		dep, _ := d.toDepartment()
		deps = append(deps, dep)
	}
	return credit.NewDirectory(deps)
}

// endpoints resolves tokens and returns the sync engine's endpoint list.
func (c *Config) endpoints() ([]credsync.Endpoint, error) {
	var out []credsync.Endpoint
	for i, e := range c.Endpoints {
		tok := ""
		switch {
		case e.TokenEnv != "":
			tok = os.Getenv(e.TokenEnv)
			if tok == "" {
				return nil, c.fail(fmt.Sprintf("endpoint[%d].token_env", i), "environment variable %s is empty or unset", e.TokenEnv)
			}
		case e.TokenFile != "":
			b, err := os.ReadFile(e.TokenFile)
			if err != nil {
				return nil, c.fail(fmt.Sprintf("endpoint[%d].token_file", i), "read token: %v", err)
			}
			tok = strings.TrimSpace(string(b))
		}
		out = append(out, credsync.Endpoint{Name: e.Name, BaseURL: e.BaseURL, Feeds: e.Feeds, Token: tok,
			Interval: e.Interval.Duration, Timeout: e.Timeout.Duration, PageSize: e.PageSize,
			CAFile: e.CAFile, InsecureSkipVerify: e.Insecure, MaxClockSkew: e.MaxSkew.Duration, Actions: e.Actions,
			MaxPages: e.MaxPages, MaxWalk: e.MaxWalk.Duration, MaxRetryAfter: e.MaxRetryAfter.Duration})
	}
	src, err := c.sourceEndpoints(true, nil)
	return append(out, src...), err
}

// warnings lists what every screen must show about the configuration,
// such as endpoints with TLS verification turned off.
func (c *Config) warnings() []string {
	var w []string
	for _, e := range c.Endpoints {
		if e.Insecure {
			w = append(w, fmt.Sprintf("TLS verification is OFF for endpoint %s (insecure_skip_verify)", e.Name))
		}
	}
	return w
}

// cachePath returns the configured cache file or the default under the
// user cache directory; demo mode uses its own file.
func (c *Config) cachePath(demo bool) (string, error) {
	if c.Cache != "" && !demo {
		return c.Cache, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find a cache directory (set cache in the configuration): %w", err)
	}
	name := "cache.db"
	if demo {
		name = "demo.db"
	}
	return filepath.Join(dir, "credwatch", name), nil
}

// ServeConfig is the [serve] table: `credwatch serve`, the SSH server
// (docs/serve.md).
type ServeConfig struct {
	Listen         string   `toml:"listen"`          // default 127.0.0.1:2222
	HostKey        string   `toml:"host_key"`        // default <user config dir>/credwatch/ssh_host_ed25519_key
	AuthorizedKeys string   `toml:"authorized_keys"` // default <user config dir>/credwatch/authorized_keys
	IdleTimeout    duration `toml:"idle_timeout"`    // default 30m
	MaxSessions    int      `toml:"max_sessions"`    // default 32
	// MaxSessionsPerKey bounds one key's sessions (default 4), so that
	// one officer cannot take every slot.
	MaxSessionsPerKey int `toml:"max_sessions_per_key"`
	// HandshakeTimeout is how long a connection may take to authenticate
	// (default 30s).
	HandshakeTimeout duration `toml:"handshake_timeout"`
	// MaxUnauthenticated bounds the connections that have not yet
	// authenticated (default 64; 8 of them from one address).
	MaxUnauthenticated int `toml:"max_unauthenticated"`
	// BackoffExempt are networks (CIDR) whose addresses never wait after
	// failed logins: an office whose officers share one NAT address.
	BackoffExempt []string `toml:"backoff_exempt"`
	// AuditDir holds the audit trail (default: "audit" next to the cache).
	AuditDir string `toml:"audit_dir"`
	// AuditRetentionDays is how many days of audit the server keeps
	// (default 180).
	AuditRetentionDays int `toml:"audit_retention_days"`
	// KeepKeysOnError keeps the keys last loaded when the keys file
	// becomes unreadable or unsafe; by default the server then refuses
	// every login and ends every session until the file is fixed.
	KeepKeysOnError bool `toml:"keep_keys_on_error"`
}

// Defaults of the [serve] table.
const (
	defaultServeListen      = "127.0.0.1:2222"
	defaultServeIdleTimeout = 30 * time.Minute
	defaultServeMaxSessions = 32
	defaultServePerKey      = 4
	defaultServeHandshake   = 30 * time.Second
	defaultServeUnauth      = 64
	defaultServeAuditDays   = 180
)

func (s ServeConfig) check(c *Config) error {
	if s.Listen != "" {
		if _, _, err := net.SplitHostPort(s.Listen); err != nil {
			return c.fail("serve.listen", "want host:port such as 127.0.0.1:2222, got %q", s.Listen)
		}
	}
	if s.MaxSessions < 0 {
		return c.fail("serve.max_sessions", "must be positive, got %d", s.MaxSessions)
	}
	if s.MaxSessionsPerKey < 0 {
		return c.fail("serve.max_sessions_per_key", "must be positive, got %d", s.MaxSessionsPerKey)
	}
	if s.MaxUnauthenticated < 0 {
		return c.fail("serve.max_unauthenticated", "must be positive, got %d", s.MaxUnauthenticated)
	}
	for _, n := range s.BackoffExempt {
		if _, _, err := net.ParseCIDR(n); err != nil {
			return c.fail("serve.backoff_exempt", "want networks such as \"10.1.2.0/24\", got %q", n)
		}
	}
	if s.AuditRetentionDays < 0 {
		return c.fail("serve.audit_retention_days", "must be positive, got %d", s.AuditRetentionDays)
	}
	return nil
}

// withDefaults fills in the keys left unset; the two files default to the
// user configuration directory, next to config.toml.
func (s ServeConfig) withDefaults() (ServeConfig, error) {
	if s.Listen == "" {
		s.Listen = defaultServeListen
	}
	if s.IdleTimeout.Duration == 0 {
		s.IdleTimeout.Duration = defaultServeIdleTimeout
	}
	if s.MaxSessions == 0 {
		s.MaxSessions = defaultServeMaxSessions
	}
	if s.MaxSessionsPerKey == 0 {
		s.MaxSessionsPerKey = defaultServePerKey
	}
	if s.HandshakeTimeout.Duration == 0 {
		s.HandshakeTimeout.Duration = defaultServeHandshake
	}
	if s.MaxUnauthenticated == 0 {
		s.MaxUnauthenticated = defaultServeUnauth
	}
	if s.AuditRetentionDays == 0 {
		s.AuditRetentionDays = defaultServeAuditDays
	}
	if s.HostKey == "" || s.AuthorizedKeys == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return s, fmt.Errorf("find the configuration directory (set host_key and authorized_keys in [serve]): %w", err)
		}
		if s.HostKey == "" {
			s.HostKey = filepath.Join(dir, "credwatch", "ssh_host_ed25519_key")
		}
		if s.AuthorizedKeys == "" {
			s.AuthorizedKeys = filepath.Join(dir, "credwatch", "authorized_keys")
		}
	}
	return s, nil
}

// signoffSince is signoff_since as a day (zero when unset; parse checked it).
func (c *Config) signoffSince() credit.Date {
	d, _ := credit.ParseDate(c.SignoffSince)
	return d
}
