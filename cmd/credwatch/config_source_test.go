package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/czyj/credwatch/credit"
)

const sqlSourceTOML = `lang = "en"

[[source]]
name = "qzk"
kind = "sql"
driver = "postgres"
dsn_env = "CW_TEST_QZK_DSN"
deleted = "SCBZ"
[source.tables]
penalty = "cf_xzcf"
licence = "xk_xzxk"
[source.columns.penalty]
CF_XDR_MC = "xdrmc"
[source.dept]
licence = "city-whp"
`

func TestSQLSourceConfig(t *testing.T) {
	c, err := parseConfig("cw.toml", []byte(sqlSourceTOML))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("CW_TEST_QZK_DSN", "postgres://reader:Hidden-7@db.example/qzk")
	eps, err := c.endpoints()
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 1 || eps[0].Name != "qzk" || eps[0].Source == nil || eps[0].BaseURL != "" ||
		strings.Join(eps[0].Feeds, ",") != "licence,penalty" || eps[0].Interval != defaultSQLInterval {
		t.Fatalf("endpoints = %+v", eps)
	}
	sc, err := c.sqlSourceConfig(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := sc.Tables[credit.Penalty]; p.Name != "cf_xzcf" || p.Deleted != "SCBZ" || p.Columns["CF_XDR_MC"] != "xdrmc" {
		t.Errorf("penalty table = %+v", p)
	}
	if sc.Tables[credit.Licence].Dept != "city-whp" || sc.FullEvery != 0 {
		t.Errorf("licence dept %q, full comparison %s (a deletion flag is set: none by default)", sc.Tables[credit.Licence].Dept, sc.FullEvery)
	}
	if names := (&app{cfg: c}).endpointNames(); len(names) != 1 || names[0].Name != "qzk" {
		t.Errorf("endpointNames = %+v", names)
	}

	t.Setenv("CW_TEST_QZK_DSN", "")
	_, err = c.endpoints()
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Key != "source[0].dsn_env" || ce.Line != 7 {
		t.Errorf("empty DSN variable: %v (%+v)", err, ce)
	}

	path := filepath.Join(t.TempDir(), "dsn")
	os.WriteFile(path, []byte("postgres://reader:Hidden-7@db.example/qzk\n"), 0o600)
	c2, err := parseConfig("cw.toml", []byte(strings.Replace(sqlSourceTOML, `dsn_env = "CW_TEST_QZK_DSN"`, `dsn_file = "`+path+`"`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if sc, err := c2.sqlSourceConfig(0, nil); err != nil || sc.DSN != "postgres://reader:Hidden-7@db.example/qzk" {
		t.Errorf("dsn_file: %v", err)
	}
}

func TestSQLSourceConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, from, to, key string
		line                int
	}{
		{"unknown driver", `driver = "postgres"`, `driver = "oracle"`, "source[0].driver", 6},
		{"no DSN", `dsn_env = "CW_TEST_QZK_DSN"`, ``, "source[0].dsn_env", 0},
		{"DSN in the file", `dsn_env = "CW_TEST_QZK_DSN"`, `dsn_env = "X"` + "\n" + `dsn_file = "/x"`, "source[0].dsn_env", 7},
		{"unknown kind of record", `licence = "xk_xzxk"`, `license = "xk_xzxk"`, "source[0].tables.license", 11},
		{"table name with SQL", `penalty = "cf_xzcf"`, `penalty = "cf_xzcf; DROP TABLE x"`, "source[0].tables.penalty", 10},
		{"column name with SQL", `CF_XDR_MC = "xdrmc"`, `CF_XDR_MC = "a b"`, "source[0].columns.penalty.CF_XDR_MC", 13},
		{"unknown source kind", `kind = "sql"`, `kind = "ftp"`, "source[0].kind", 5},
		{"bad tls", `deleted = "SCBZ"`, `tls = "maybe"`, "source[0].tls", 8},
		{"page size", `deleted = "SCBZ"`, `page_size = 100000`, "source[0].page_size", 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConfig("cw.toml", []byte(strings.Replace(sqlSourceTOML, tc.from, tc.to, 1)))
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Key != tc.key || ce.Path != "cw.toml" || (tc.line > 0 && ce.Line != tc.line) {
				t.Fatalf("got %v (%+v), want key %s at line %d", err, ce, tc.key, tc.line)
			}
		})
	}
	// An unknown key is caught by the TOML decoder, with its name.
	_, err := parseConfig("cw.toml", []byte(strings.Replace(sqlSourceTOML, `deleted = "SCBZ"`, `dsn = "postgres://u:p@h/d"`, 1)))
	if err == nil || !strings.Contains(err.Error(), `source "qzk" (line 3): key "dsn": unknown key`) || strings.Contains(err.Error(), "u:p@") {
		t.Errorf("a DSN written in the file: %v", err)
	}
}

// The example's commented [[source]], uncommented, is a valid source.
func TestExampleSQLSourceParses(t *testing.T) {
	b, err := os.ReadFile("../../config.toml.example")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	for _, l := range strings.Split(string(b), "\n") {
		if l == "# [[source]]" {
			in = true
		}
		if in && !strings.HasPrefix(l, "# ") {
			break
		}
		if in {
			out = append(out, strings.TrimPrefix(l, "# "))
		}
	}
	if len(out) < 10 {
		t.Fatalf("no [[source]] example found (%d lines)", len(out))
	}
	c, err := parseConfig("example", []byte(strings.Join(out, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sources) != 1 || c.Sources[0].Tables["penalty"] != "cf_xzcf" {
		t.Errorf("sources = %+v", c.Sources)
	}
}
