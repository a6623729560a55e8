package main

import (
	"reflect"

	"bytes"
	"errors"
	"github.com/czyj/credwatch/credit"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExampleConfigLoads(t *testing.T) {
	c, err := loadConfig("../../config.toml.example")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Endpoints) != 3 || c.Endpoints[0].Interval.Duration != 30*time.Second {
		t.Errorf("endpoints = %+v", c.Endpoints)
	}
	if _, err := c.rules(); err != nil {
		t.Errorf("rules: %v", err)
	}
	if d := c.directory(); len(d.All()) != 15 {
		t.Errorf("departments = %d, want the 15 built-in ones", len(d.All()))
	}
}

// The example's commented rule sets, uncommented, are the built-in ones: a
// bureau that copies them starts from what credwatch does without them.
func TestExampleRuleSetsAreTheBuiltIn(t *testing.T) {
	b, err := os.ReadFile("../../config.toml.example")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	in := false
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "# [[rule_set]]") {
			in = true
		}
		if in && strings.HasPrefix(l, "# ----") {
			break
		}
		if in && strings.HasPrefix(l, "# ") && !strings.HasPrefix(l, "# source") {
			lines = append(lines, strings.TrimPrefix(l, "# "))
		}
	}
	c, err := parseConfig("example.toml", []byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(lines, "\n"))
	}
	r, err := c.rules()
	if err != nil {
		t.Fatal(err)
	}
	want := credit.DefaultRules()
	if len(r.Sets) != len(want.Sets) {
		t.Fatalf("%d rule sets, want %d", len(r.Sets), len(want.Sets))
	}
	for i := range r.Sets {
		got, w := r.Sets[i], want.Sets[i]
		got.Source, w.Source = "", ""
		if !reflect.DeepEqual(got, w) {
			t.Errorf("rule set %d:\n got %+v\nwant %+v", i, got, w)
		}
	}
}

func TestCalendarConfirmed(t *testing.T) {
	c, err := parseConfig("cfg.toml", []byte("[calendar]\nconfirmed = [2027]\n"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.rules()
	if err != nil {
		t.Fatal(err)
	}
	if r.Cal.Provisional(2027) || !credit.BuiltinCalendar().Provisional(2027) {
		t.Errorf("2027 provisional: configured %t, built in %t", r.Cal.Provisional(2027), credit.BuiltinCalendar().Provisional(2027))
	}
}

func TestConfigErrorsNameFileLineAndKey(t *testing.T) {
	cases := []struct {
		name, toml string
		want       []string
	}{
		{"syntax", "lang = \"zh\"\nofficer = \n", []string{"cfg.toml:2", "officer"}},
		{"unknown key", "lang = \"zh\"\nlanguage = \"en\"\n", []string{"cfg.toml", `key "language"`, "unknown key"}},
		{"unknown nested key", "[[endpoint]]\nname = \"a\"\nbase_url = \"http://x\"\nfeeds = [\"penalty\"]\nurl = \"x\"\n", []string{`cfg.toml:5: endpoint "a" (line 1): key "url": unknown key`}},
		{"bad lang", "lang = \"fr\"\n", []string{`cfg.toml:1: key "lang"`, "\"fr\""}},
		{"bad today", "today = \"2026-02-30\"\n", []string{`cfg.toml:1: key "today"`, "2026-02-30"}},
		{"wrong type", "departments = \"320412\"\n", []string{"cfg.toml:1", "departments"}},
		{"bad duration", "[[endpoint]]\nname = \"a\"\nbase_url = \"http://x\"\nfeeds = [\"penalty\"]\ninterval = \"soon\"\n", []string{"cfg.toml:5", "interval", "soon"}},
		{"bad url", "[[endpoint]]\nname = \"a\"\nbase_url = \"ftp://x\"\nfeeds = [\"penalty\"]\n", []string{`cfg.toml:3: endpoint "a" (line 1): key "base_url"`, "ftp://x"}},
		{"bad feed", "[[endpoint]]\nname = \"a\"\nbase_url = \"http://x\"\nfeeds = [\"penalties\"]\n", []string{`cfg.toml:4: endpoint "a" (line 1): key "feeds"`, "penalties"}},
		{"source kind", "[[source]]\nname = \"u\"\nkind = \"ftp\"\n", []string{`cfg.toml:3: source "u" (line 1): key "kind"`, "ftp"}},
		{"folder without path", "[[source]]\nname = \"u\"\nkind = \"folder\"\n", []string{`cfg.toml:1: source "u" (line 1): key "path"`}},
		{"source named import", "[[source]]\nname = \"import\"\nkind = \"folder\"\npath = \"/x\"\n", []string{`cfg.toml:2: source "import" (line 1): key "name"`, "reserved"}},
		{"source named as an endpoint", "[[endpoint]]\nname = \"a\"\nbase_url = \"http://x\"\nfeeds = [\"penalty\"]\n[[source]]\nname = \"a\"\nkind = \"folder\"\npath = \"/x\"\n", []string{`cfg.toml:6: source "a" (line 5): key "name"`, "already"}},
		{"folder dept", "[[source]]\nname = \"u\"\nkind = \"folder\"\npath = \"/x\"\ndept = \"999\"\n", []string{`cfg.toml:5: source "u" (line 1): key "dept"`, "999"}},
		{"duplicate endpoint", "[[endpoint]]\nname = \"a\"\nbase_url = \"http://x\"\nfeeds = [\"penalty\"]\n[[endpoint]]\nname = \"a\"\nbase_url = \"http://y\"\nfeeds = [\"licence\"]\n", []string{`cfg.toml:6: endpoint "a" (line 5): key "name"`, "twice"}},
		{"bad calendar date", "[calendar]\n[[calendar.day]]\ndate = \"2028-13-01\"\n", []string{"calendar.day[0].date"}},
		{"bad severity", "[[rule_set]]\nname = \"x\"\n[rule_set.periods.huge]\nmin_months = 1\nmax_months = 2\n", []string{`cfg.toml:1: rule_set "x" (line 1)`, "huge"}},
		{"escape in department name", "[[department]]\nid = \"x\"\nname = \"某局\\u001b]52;c;AA\\u0007\"\n", []string{`cfg.toml:1: department "x" (line 1)`, "control characters"}},
		{"escape in rule set source", "[[rule_set]]\nname = \"x\"\nsource = \"\\u001b[2J\"\n", []string{`cfg.toml:1: rule_set "x" (line 1)`, "control characters"}},
		{"confirmed year unknown", "[calendar]\nconfirmed = [2031]\n", []string{"calendar.confirmed", "2031"}},
		{"escape in rule set title", "[[rule_set]]\nname = \"x\"\ntitle = \"\\u001b[2J\"\n", []string{`cfg.toml:1: rule_set "x" (line 1)`, "control characters"}},
		{"bad department kind", "[[department]]\nid = \"x\"\nname = \"某局\"\nowns = [\"fines\"]\n", []string{`cfg.toml:1: department "x" (line 1)`, "fines"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseConfig("cfg.toml", []byte(c.toml))
			if err == nil {
				t.Fatal("no error")
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *ConfigError", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestFindConfigOrder(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("CREDWATCH_CONFIG", "")
	if p, _ := findConfig(""); p != "" {
		t.Errorf("no config anywhere: got %q", p)
	}
	xdg := filepath.Join(dir, "credwatch", "config.toml")
	os.MkdirAll(filepath.Dir(xdg), 0o700)
	os.WriteFile(xdg, []byte("lang = \"en\"\n"), 0o600)
	if p, explicit := findConfig(""); p != xdg || explicit {
		t.Errorf("xdg: got %q %v", p, explicit)
	}
	t.Setenv("CREDWATCH_CONFIG", "/env.toml")
	if p, explicit := findConfig(""); p != "/env.toml" || !explicit {
		t.Errorf("env: got %q %v", p, explicit)
	}
	if p, _ := findConfig("/flag.toml"); p != "/flag.toml" {
		t.Errorf("flag: got %q", p)
	}
}

func TestTokensComeFromEnvOrFile(t *testing.T) {
	dir := t.TempDir()
	tokFile := filepath.Join(dir, "tok")
	os.WriteFile(tokFile, []byte("  secret-file\n"), 0o600)
	t.Setenv("CW_TEST_TOKEN", "secret-env")
	c, err := parseConfig("c.toml", []byte(`
[[endpoint]]
name = "a"
base_url = "http://x"
feeds = ["penalty"]
token_env = "CW_TEST_TOKEN"
[[endpoint]]
name = "b"
base_url = "http://y"
feeds = ["licence"]
token_file = "`+tokFile+`"
`))
	if err != nil {
		t.Fatal(err)
	}
	eps, err := c.endpoints()
	if err != nil {
		t.Fatal(err)
	}
	if eps[0].Token != "secret-env" || eps[1].Token != "secret-file" {
		t.Errorf("tokens = %q, %q", eps[0].Token, eps[1].Token)
	}
	t.Setenv("CW_TEST_TOKEN", "")
	if _, err := c.endpoints(); err == nil || !strings.Contains(err.Error(), "CW_TEST_TOKEN") {
		t.Errorf("missing env token: err = %v", err)
	}
}

func TestResolveToday(t *testing.T) {
	now := time.Date(2026, 11, 27, 20, 0, 0, 0, time.UTC) // 2026-11-28 04:00 in China
	cases := []struct{ flag, env, cfg, want string }{
		{"", "", "", "2026-11-28"},
		{"", "", "2025-01-02", "2025-01-02"},
		{"", "2024-02-29", "2025-01-02", "2024-02-29"},
		{"2023-12-31", "2024-02-29", "2025-01-02", "2023-12-31"},
	}
	for _, c := range cases {
		d, err := resolveToday(c.flag, c.env, c.cfg, now)
		if err != nil || d.String() != c.want {
			t.Errorf("resolveToday(%q,%q,%q) = %v, %v; want %s", c.flag, c.env, c.cfg, d, err, c.want)
		}
	}
	if _, err := resolveToday("2026-2-3", "", "", now); err == nil || !strings.Contains(err.Error(), "--today") {
		t.Errorf("bad flag: err = %v", err)
	}
}

// TestCalendarYearFromConfiguration adds a year's schedule in the
// configuration, without a rebuild, and uses it from the CLI.
func TestCalendarYearFromConfiguration(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(cfg, []byte(`[calendar]
years = [2031]
[[calendar.day]]
date = "2031-01-01"
name = "元旦"
[[calendar.day]]
date = "2031-01-04"
working = true
name = "元旦"
`), 0o600)
	var out, errb bytes.Buffer
	if code := run([]string{"--config", cfg, "workdays", "--from", "2030-12-31", "--add", "2"}, &out, &errb); code == 0 {
		t.Errorf("2030 is unknown, but workdays succeeded: %s", out.String())
	}
	out.Reset()
	errb.Reset()
	// 2031-01-01 (Wed) is off, 01-02 Thu and 01-03 Fri work, 01-04 (Sat) is an adjusted working day.
	if code := run([]string{"--config", cfg, "workdays", "--from", "2031-01-01", "--add", "3"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "2031-01-04") {
		t.Errorf("exit %d, out %q, err %q", code, out.String(), errb.String())
	}
}

// TestDefaultOfficerWithoutUserVariables: a service or a bare tmux may have
// no USER; actions still get an actor.
func TestDefaultOfficerWithoutUserVariables(t *testing.T) {
	t.Setenv("USER", "")
	t.Setenv("USERNAME", "")
	if got := defaultOfficer(false); got == "" {
		t.Error("no officer name without USER/USERNAME")
	}
	if got := defaultOfficer(true); got != "值班员（演示）" {
		t.Errorf("demo officer = %q", got)
	}
}
