package main

import (
	"errors"
	"testing"

	"github.com/czyj/credwatch/tui"
)

// [ui]: bell (default on), mouse (default off), theme; mistakes name the
// file, line and key as every other key's do.
func TestConfigUI(t *testing.T) {
	for _, tc := range []struct {
		name, toml string
		want       tui.Deps // NoBell, Mouse, Theme
	}{
		{"defaults", "", tui.Deps{}},
		{"bell on", "[ui]\nbell = true\n", tui.Deps{}},
		{"bell off, mouse, light", "[ui]\nbell = false\nmouse = true\ntheme = \"light\"\n", tui.Deps{NoBell: true, Mouse: true, Theme: "light"}},
		{"auto", "[ui]\ntheme = \"auto\"\n", tui.Deps{Theme: "auto"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseConfig("cw.toml", []byte(tc.toml))
			if err != nil {
				t.Fatal(err)
			}
			var d tui.Deps
			c.UI.apply(&d)
			if d.NoBell != tc.want.NoBell || d.Mouse != tc.want.Mouse || d.Theme != tc.want.Theme {
				t.Errorf("bell off %v mouse %v theme %q, want %v %v %q", d.NoBell, d.Mouse, d.Theme, tc.want.NoBell, tc.want.Mouse, tc.want.Theme)
			}
		})
	}
	for _, tc := range []struct {
		name, toml, want, key string
	}{
		{"bad theme", "lang = \"zh\"\n[ui]\nmouse = true\ntheme = \"blue\"\n",
			`cw.toml:4: key "ui.theme": must be "light", "dark" or "auto", not "blue"`, "ui.theme"},
		{"bell not a boolean", "[ui]\nbell = \"no\"\n",
			`cw.toml:2: key "ui.bell": want true or false, got a string ("...")`, "ui.bell"},
		{"misspelt key", "[ui]\nmose = true\n",
			`cw.toml:2: key "ui.mose": unknown key (did you mean "mouse"?); config.toml.example lists every key`, "ui.mose"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConfig("cw.toml", []byte(tc.toml))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T) is not a *ConfigError", err, err)
			}
			if err.Error() != tc.want || ce.Key != tc.key {
				t.Errorf("error\n got %s (key %q)\nwant %s (key %q)", err, ce.Key, tc.want, tc.key)
			}
		})
	}
}
