package main

import "github.com/czyj/credwatch/tui"

// UIConfig is the [ui] table: how the full-screen view behaves on the
// officer's terminal (credwatch and credwatch serve's sessions).
type UIConfig struct {
	// Bell rings the terminal's bell when something newly fails (a check
	// line, an endpoint, an action the agencies refuse). Default true.
	Bell *bool `toml:"bell"`
	// Mouse turns mouse reporting on: click a tab, a row, a column
	// header; the wheel scrolls. Default false, so that the terminal's
	// own text selection keeps working.
	Mouse bool `toml:"mouse"`
	// Theme is the terminal's background: "light", "dark" or "auto"
	// (default: detected; termenv assumes dark on Windows).
	Theme string `toml:"theme"`
}

// check validates the [ui] values TOML cannot.
func (u UIConfig) check(c *Config) error {
	switch u.Theme {
	case "", "auto", "light", "dark":
	default:
		return c.fail("ui.theme", "must be \"light\", \"dark\" or \"auto\", not %q", u.Theme)
	}
	return nil
}

// apply sets the TUI's settings from [ui].
func (u UIConfig) apply(d *tui.Deps) {
	d.NoBell = u.Bell != nil && !*u.Bell
	d.Mouse = u.Mouse
	d.Theme = u.Theme
}
