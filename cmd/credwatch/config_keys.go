package main

import (
	"slices"
	"strings"

	"github.com/czyj/credwatch/tui"
)

// checkKeys checks the [keys] table (key bindings of the TUI): it reports
// the first mistake in the order of the file, with its line, as the other
// configuration errors do: an unknown action (and the nearest one), an
// entry without keys, a bad key name (and the nearest), or a key two
// actions would share.
func (c *Config) checkKeys() error {
	probs := tui.CheckKeys(c.Keys)
	if len(probs) == 0 {
		return nil
	}
	line := func(action string) int {
		if c.keys == nil {
			return 0
		}
		return c.keys.lineOf("keys." + action)
	}
	slices.SortStableFunc(probs, func(a, b tui.KeyProblem) int { return line(a.Action) - line(b.Action) })
	p := probs[0]
	key := "keys." + p.Action
	switch {
	case p.UnknownAction:
		if s := nearest(p.Action, tui.KeyActions()); s != "" {
			return c.fail(key, "unknown action (did you mean %q?)", s)
		}
		return c.fail(key, "unknown action; the actions are %s", strings.Join(tui.KeyActions(), ", "))
	case p.NoKeys:
		return c.fail(key, "give at least one key, e.g. %s = [\"x\"]", p.Action)
	case p.BadKey != "":
		if s := nearest(strings.ToLower(p.BadKey), tui.KeyNames()); s != "" {
			return c.fail(key, "%q is not a key (did you mean %q?)", p.BadKey, s)
		}
		return c.fail(key, "%q is not a key: give one character (\"r\") or a key name such as \"ctrl+r\", \"f5\", \"pgdown\"", p.BadKey)
	case p.OtherFixed:
		return c.fail(key, "%q cannot be bound: it is always %s", p.Taken, p.Other)
	}
	if _, set := c.Keys[p.Other]; set {
		// Both set here: report it at the later of the two.
		if line(p.Other) > line(p.Action) {
			p.Action, p.Other = p.Other, p.Action
			key = "keys." + p.Action
		}
		return c.fail(key, "%q is also the key of %s (line %d)", p.Taken, p.Other, line(p.Other))
	}
	return c.fail(key, "%q is already the key of %s: give %s another key too", p.Taken, p.Other, p.Other)
}
