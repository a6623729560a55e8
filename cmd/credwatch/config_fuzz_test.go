package main

import (
	"errors"
	"os"
	"testing"
)

// FuzzParseConfig: any bytes either load into a configuration whose rules,
// departments and endpoints can be built without panicking, or fail with a
// *ConfigError naming the file.
func FuzzParseConfig(f *testing.F) {
	example, err := os.ReadFile("../../config.toml.example")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Add([]byte("lang = \"en\"\n[calendar]\nyears = [2028]\n[[calendar.day]]\ndate = \"2028-01-01\"\nname = \"元旦\"\n"))
	f.Add([]byte("[[rule_set]]\nname = \"x\"\nuntil = \"2026-04-01\"\n[rule_set.periods.general]\nmin_months = 3\nmax_months = 1\n"))
	f.Add([]byte("[pipeline]\ncancel_working_days = -1\n"))
	f.Add([]byte("[[department]]\nid = \"x\"\nname = \"\x1b]52;c;AA\x07\"\nowns = [\"处罚\"]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parseConfig("fuzz.toml", data)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Path != "fuzz.toml" {
				t.Fatalf("error %v (%T) does not name the file", err, err)
			}
			return
		}
		if _, err := c.rules(); err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("rules error %v is not a *ConfigError", err)
			}
		}
		c.directory()
		c.warnings()
	})
}
