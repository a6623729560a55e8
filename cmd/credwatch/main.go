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
	"log/slog"
	"os"
	"os/user"
	"slices"
	"time"

	"github.com/czyj/credwatch/credit"
)

func main() {
	os.Exit(withProfile(func() int { return run(os.Args[1:], os.Stdout, os.Stderr) }))
}

// globals are the flags every command takes, before or after its name.
type globals struct {
	config   string
	today    string
	lang     string
	encoding string
	demo     bool
	readOnly bool
	version  bool
	// logFormat and logLevel shape the log of serve and sync (newLogger).
	logFormat, logLevel string
}

// globalFlags declares the global flags on a new flag set, into g. Help,
// completion and the man page list them from here too.
func globalFlags(g *globals) *flag.FlagSet {
	fs := newFlags("")
	fs.StringVar(&g.config, "config", "", "flag.global.config")
	fs.StringVar(&g.today, "today", "", "flag.global.today")
	fs.StringVar(&g.lang, "lang", "", "flag.global.lang")
	fs.StringVar(&g.encoding, "encoding", "", "flag.global.encoding")
	fs.BoolVar(&g.demo, "demo", false, "flag.global.demo")
	fs.BoolVar(&g.readOnly, "read-only", false, "flag.global.read-only")
	fs.BoolVar(&g.version, "version", false, "flag.global.version")
	fs.StringVar(&g.logFormat, "log-format", "auto", "flag.global.log-format")
	fs.StringVar(&g.logLevel, "log-level", "info", "flag.global.log-level")
	return fs
}

// run takes the command line apart, loads the configuration and runs the
// command. It returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	var g globals
	gfs := globalFlags(&g)
	inv := splitArgs(args, gfs)
	setCLILang(cliLangOf("", os.Getenv, defaultGOOS))
	if err := gfs.Parse(inv.globals); err != nil {
		flagError(stderr, "", flagErrorText(cliCat(), gfs, err))
		return 2
	}
	if g.lang != "" && !slices.Contains(langValues, g.lang) {
		flagError(stderr, "", fmt.Sprintf(cliText(cliCat(), "--lang: want zh or en, got %q"), g.lang))
		return 2
	}
	setCLILang(cliLangOf(g.lang, os.Getenv, defaultGOOS))
	enc, err := pickEncoding(g.encoding, stdout)
	if err != nil {
		flagError(stderr, "", err.Error())
		return 2
	}
	rawStdout := stdout
	c := lookupCommand(inv.name)
	if c == nil || c.textOutput() || inv.help {
		out := encodeOutput(stdout, enc)
		defer out.Close()
		stdout = out
	}
	switch {
	case g.version:
		return runVersion(&env{stdout: stdout, stderr: stderr}, nil)
	case len(gfs.Args()) > 0: // a value where a flag was expected, before the command
		return unknownCommand(stderr, gfs.Arg(0))
	case inv.help && inv.name == "":
		writeUsage(stdout, cliCat())
		return 0
	case c == nil:
		return unknownCommand(stderr, inv.name)
	case inv.help:
		writeHelp(stdout, cliCat(), c, inv.cmdFlags, true)
		return 0
	case c.noApp:
		return c.run(nil, &env{stdout: stdout, stderr: stderr}, inv.args)
	}

	a, err := newApp(g, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "credwatch: %v\n", err)
		return 2
	}
	a.binStdout = rawStdout
	e := &env{rules: a.rules, today: a.today, stdout: stdout, stderr: stderr}
	return c.run(a, e, inv.args)
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
	// binStdout is the process's standard output as it is, for bytes that
	// --encoding must not re-encode (export --format xlsx); nil: stdout is
	// as it is (an SSH session's, a test's).
	binStdout io.Writer
	// log is the diagnostics of the long-running processes (serve, sync),
	// on stderr; commands whose output is the product do not use it.
	log *slog.Logger
	// eventFilter, when set, limits the events tail prints (an SSH
	// session: its key's scope, no audit events).
	eventFilter func(credit.Event) bool
}

func newApp(g globals, stdout, stderr io.Writer) (*app, error) {
	a := &app{cfg: &Config{}, stdout: stdout, stderr: stderr}
	var err error
	if a.log, err = newLogger(stderr, g.logFormat, g.logLevel, os.Getenv); err != nil {
		return nil, err
	}
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
