// Command credwatch is the duty officer's terminal tool for administrative
// credit disclosure and credit repair (常应急〔2022〕19号): a full-screen TUI
// over a local cache that syncs with the agencies' endpoints in the
// background, plus plain-text commands for scripts and SSH sessions.
//
// With no configuration it runs a demo: the agency simulator on loopback and
// a demo cache.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"time"

	"github.com/czyj/credwatch/credit"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `credwatch: administrative credit disclosure and repair, for duty officers.

Usage:
  credwatch [global flags] [command] [flags]

Commands:
  (none)     the full-screen TUI (a demo with built-in simulator when there is no configuration)
  sync       run the sync engine without a UI (--once for a single pass)
  status     health of the cache, endpoints and departments (--json; exit 0 healthy, 1 degraded, 2 failing)
  tail       the newest sync events (-n N, -f to follow, --json)
  export     one tab as CSV or JSON (--view check|sharing|sync|repair|queue, --format, --out)
  import     import 双公示 template files (xlsx, csv) into the cache (--dry-run, --complete)
  report     the monthly 合规率 / 迟报率 report (--month YYYY-MM, --format xlsx|text|csv|json)
  serve      serve the TUI and these commands over SSH to officers with authorised keys (docs/serve.md)
  audit      the audit trail of serve: logins, sessions, commands, refusals, actions (--since DAY, --json)
  when       dates for a penalty: disclosure due, repair eligibility, review due
  workdays   working-day arithmetic on the official calendar
  uscc       check unified social credit codes
  check      the daily check (每日核查) for the configured departments; exit 1 if anything fails
  sim        run the agency simulator
  source     test a [[source]] (source test NAME): the 前置库 connection, tables, columns
  version    print the version

Global flags:
  --config FILE     configuration file (else $CREDWATCH_CONFIG, else the user config dir)
  --today DATE      act as if today were DATE, YYYY-MM-DD (also $CREDWATCH_TODAY)
  --lang zh|en      language of the TUI (default zh)
  --demo            ignore any configuration and run the demo
  --read-only       look, but take no action (also read_only in the configuration)
`

func main() {
	os.Exit(withProfile(func() int { return run(os.Args[1:], os.Stdout, os.Stderr) }))
}

// globals are the flags that come before the command.
type globals struct {
	config   string
	today    string
	lang     string
	demo     bool
	readOnly bool
}

// run parses the global flags, loads the configuration and dispatches. It
// returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("credwatch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	var g globals
	fs.StringVar(&g.config, "config", "", "configuration file")
	fs.StringVar(&g.today, "today", "", "today's date, YYYY-MM-DD")
	fs.StringVar(&g.lang, "lang", "", "zh or en")
	fs.BoolVar(&g.demo, "demo", false, "run the demo")
	fs.BoolVar(&g.readOnly, "read-only", false, "disable every officer action")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cmd, rest := "", fs.Args()
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	switch cmd {
	case "help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	case "version":
		fmt.Fprintf(stdout, "credwatch %s\n", version)
		return 0
	}

	a, err := newApp(g, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "credwatch: %v\n", err)
		return 2
	}
	e := &env{rules: a.rules, today: a.today, stdout: stdout, stderr: stderr}
	switch cmd {
	case "", "tui":
		return a.runTUI(rest)
	case "sync":
		return a.runSync(rest)
	case "status":
		return a.runStatus(rest)
	case "check":
		return a.runCheck(rest)
	case "tail":
		return a.runTail(rest)
	case "export":
		return a.runExport(rest)
	case "import":
		return a.runImport(rest)
	case "report":
		return a.runReport(rest)
	case "serve":
		return a.runServe(rest)
	case "audit":
		return a.runAudit(rest)
	case "when":
		return runWhen(e, rest)
	case "workdays":
		return runWorkdays(e, rest)
	case "uscc":
		return runUSCC(e, rest)
	case "sim":
		return runSim(e, rest)
	case "source":
		return a.runSource(rest)
	}
	fmt.Fprintf(stderr, "credwatch: unknown command %q\n\n%s", cmd, usage)
	return 2
}

// app is what the commands that need configuration share.
type app struct {
	cfg    *Config
	demo   bool
	rules  *credit.Rules
	depts  *credit.Directory
	today  credit.Date
	lang   string
	scope  credit.Scope
	stdout io.Writer
	stderr io.Writer
	// eventFilter, when set, limits the events tail prints (an SSH
	// session: its key's scope, no audit events).
	eventFilter func(credit.Event) bool
}

func newApp(g globals, stdout, stderr io.Writer) (*app, error) {
	a := &app{cfg: &Config{}, stdout: stdout, stderr: stderr}
	path, explicit := findConfig(g.config)
	if g.demo {
		path = ""
	}
	if path != "" {
		c, err := loadConfig(path)
		if err != nil {
			if explicit && errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("configuration file %s does not exist (see config.toml.example)", path)
			}
			return nil, err
		}
		a.cfg = c
	} else {
		a.demo = true
	}
	var err error
	if a.rules, err = a.cfg.rules(); err != nil {
		return nil, err
	}
	a.depts = a.cfg.directory()
	if a.today, err = resolveToday(g.today, os.Getenv("CREDWATCH_TODAY"), a.cfg.Today, time.Now()); err != nil {
		return nil, err
	}
	a.scope = credit.Scope{Officer: a.cfg.Officer, Depts: a.cfg.Departments, ReadOnly: g.readOnly || a.cfg.ReadOnly}
	if a.scope.Officer == "" {
		a.scope.Officer = defaultOfficer(a.demo)
	}
	for _, d := range a.scope.Depts {
		if _, ok := a.depts.Get(d); !ok {
			return nil, a.cfg.fail("departments", "unknown department %q (see [[department]] or the built-in list in docs/rules.md)", d)
		}
	}
	a.lang = firstNonEmpty(g.lang, a.cfg.Lang, "zh")
	if a.lang != "zh" && a.lang != "en" {
		return nil, fmt.Errorf("--lang must be zh or en, not %q", a.lang)
	}
	return a, nil
}

// resolveToday picks today's date: the flag, then $CREDWATCH_TODAY, then the
// configuration, then the clock in China.
func resolveToday(flagVal, envVal, cfgVal string, now time.Time) (credit.Date, error) {
	for _, c := range []struct{ src, v string }{{"--today", flagVal}, {"CREDWATCH_TODAY", envVal}, {"today in the configuration", cfgVal}} {
		if c.v == "" {
			continue
		}
		d, err := credit.ParseDate(c.v)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", c.src, err)
		}
		return d, nil
	}
	return credit.DateOf(now), nil
}

// defaultOfficer names the officer when the configuration does not: the
// demo's sample officer, else the login name, so every action has an actor.
func defaultOfficer(demo bool) string {
	if demo {
		return "值班员（演示）"
	}
	if u := firstNonEmpty(os.Getenv("USER"), os.Getenv("USERNAME")); u != "" {
		return credit.Sanitize(u)
	}
	if u, err := user.Current(); err == nil { // no USER in a service or a bare tmux
		return credit.Sanitize(u.Username)
	}
	return ""
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
