package tui

import (
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// The keys of the configuration's [keys] table (issue 21 item 6): each
// action the table may bind, by name, and where its binding is in a
// KeyMap. Deps.Keys applies them with key.Binding's SetKeys; the help
// then shows the configured keys. cmd checks a table with CheckKeys
// before the program starts and reports the problems with file and line.
//
// Not configurable: the tab numbers (1-5, the tabs' own numbers), ctrl+c
// (always quits), enter and esc, s (sign off) and the form's keys, which
// the texts on screen name ("enter 查看...", "esc 清除", "（s 签核）",
// "tab 下一项").

// keyAction is one action [keys] may bind.
type keyAction struct {
	name    string
	binding func(k *KeyMap) *key.Binding
}

var keyActions = []keyAction{
	{name: "next_tab", binding: func(k *KeyMap) *key.Binding { return &k.NextTab }},
	{name: "prev_tab", binding: func(k *KeyMap) *key.Binding { return &k.PrevTab }},
	{name: "up", binding: func(k *KeyMap) *key.Binding { return &k.Table.LineUp }},
	{name: "down", binding: func(k *KeyMap) *key.Binding { return &k.Table.LineDown }},
	{name: "page_up", binding: func(k *KeyMap) *key.Binding { return &k.Table.PageUp }},
	{name: "page_down", binding: func(k *KeyMap) *key.Binding { return &k.Table.PageDown }},
	{name: "top", binding: func(k *KeyMap) *key.Binding { return &k.Table.GotoTop }},
	{name: "bottom", binding: func(k *KeyMap) *key.Binding { return &k.Table.GotoBottom }},
	{name: "filter", binding: func(k *KeyMap) *key.Binding { return &k.Filter }},
	{name: "command", binding: func(k *KeyMap) *key.Binding { return &k.Command }},
	{name: "sort_prev", binding: func(k *KeyMap) *key.Binding { return &k.SortPrev }},
	{name: "sort_next", binding: func(k *KeyMap) *key.Binding { return &k.SortNext }},
	{name: "sort_dir", binding: func(k *KeyMap) *key.Binding { return &k.SortDir }},
	{name: "copy", binding: func(k *KeyMap) *key.Binding { return &k.Copy }},
	{name: "copy_row", binding: func(k *KeyMap) *key.Binding { return &k.CopyRow }},
	{name: "export", binding: func(k *KeyMap) *key.Binding { return &k.Export }},
	{name: "export_json", binding: func(k *KeyMap) *key.Binding { return &k.ExportJSON }},
	{name: "outbox", binding: func(k *KeyMap) *key.Binding { return &k.Outbox }},
	{name: "activity", binding: func(k *KeyMap) *key.Binding { return &k.Activity }},
	{name: "report", binding: func(k *KeyMap) *key.Binding { return &k.Report }},
	{name: "remind", binding: func(k *KeyMap) *key.Binding { return &k.Remind }},
	{name: "national", binding: func(k *KeyMap) *key.Binding { return &k.National }},
	{name: "withdraw", binding: func(k *KeyMap) *key.Binding { return &k.Withdraw }},
	{name: "fulfil", binding: func(k *KeyMap) *key.Binding { return &k.Fulfil }},
	{name: "retry", binding: func(k *KeyMap) *key.Binding { return &k.Retry }},
	{name: "sync", binding: func(k *KeyMap) *key.Binding { return &k.Sync }},
	{name: "help", binding: func(k *KeyMap) *key.Binding { return &k.Help }},
	{name: "quit", binding: func(k *KeyMap) *key.Binding { return &k.Quit }},
}

// fixedKeys are keys no action may take: the tab numbers, ctrl+c, enter,
// esc and s.
var fixedKeys = map[string]string{
	"1": "jump_tab", "2": "jump_tab", "3": "jump_tab", "4": "jump_tab", "5": "jump_tab",
	"ctrl+c": "quit", "enter": "open", "esc": "back", "s": "signoff",
}

// KeyActions lists the actions the [keys] table may bind, sorted.
func KeyActions() []string {
	names := make([]string, len(keyActions))
	for i, a := range keyActions {
		names[i] = a.name
	}
	slices.Sort(names)
	return names
}

// keyNames are the names of the keys that are not a character, as
// Bubble Tea writes them ("ctrl+r", "pgdown", "f5"), and "space".
var keyNames = func() map[string]bool {
	names := map[string]bool{"space": true}
	for t := tea.KeyType(-200); t < 200; t++ {
		if s := t.String(); s != "" && s != "runes" && s != " " {
			names[s] = true
		}
	}
	return names
}()

// KeyNames lists the names of keys that are not a character, sorted, for
// suggestions.
func KeyNames() []string {
	return slices.Sorted(maps.Keys(keyNames))
}

// validKey reports whether s names a key: one printable character (not
// a space), a key name, or either after "alt+".
func validKey(s string) bool {
	s = strings.TrimPrefix(s, "alt+")
	if keyNames[s] {
		return true
	}
	r, n := utf8.DecodeRuneInString(s)
	return n == len(s) && n > 0 && unicode.IsPrint(r) && !unicode.IsSpace(r)
}

// KeyProblem is one mistake in a [keys] table. Exactly one of its kinds
// is set.
type KeyProblem struct {
	Action string // the action whose entry is wrong
	// UnknownAction: Action is not one KeyActions lists.
	UnknownAction bool
	// NoKeys: the entry lists no key.
	NoKeys bool
	// BadKey is a key name that names no key.
	BadKey string
	// Taken is a key that Other has too; OtherFixed says Other's key
	// cannot be changed.
	Taken, Other string
	OtherFixed   bool
}

// CheckKeys returns the problems of a [keys] table (action -> keys),
// each entry's first one, sorted by action: unknown actions, entries
// without keys, bad key names, and a key that two actions would share,
// counting the default keys of the actions the table leaves alone and
// the fixed keys.
func CheckKeys(keys map[string][]string) []KeyProblem {
	var out []KeyProblem
	km := DefaultKeyMap()
	for _, name := range slices.Sorted(maps.Keys(keys)) {
		ks := keys[name]
		i := slices.IndexFunc(keyActions, func(a keyAction) bool { return a.name == name })
		switch {
		case i < 0:
			out = append(out, KeyProblem{Action: name, UnknownAction: true})
			continue
		case len(ks) == 0:
			out = append(out, KeyProblem{Action: name, NoKeys: true})
			continue
		}
		if j := slices.IndexFunc(ks, func(s string) bool { return !validKey(s) }); j >= 0 {
			out = append(out, KeyProblem{Action: name, BadKey: ks[j]})
			continue
		}
		keyActions[i].binding(&km).SetKeys(keyStrings(ks)...)
	}
	if len(out) > 0 {
		return out
	}
	owner := map[string]string{}
	for _, a := range keyActions {
		for _, k := range a.binding(&km).Keys() {
			other, taken := owner[k]
			fixed := false
			if !taken {
				other, taken = fixedKeys[k]
				fixed = taken
			}
			if taken && other != a.name {
				// Report it at an action the table sets.
				at, with := a.name, other
				if _, set := keys[at]; !set {
					at, with = other, a.name
				}
				out = append(out, KeyProblem{Action: at, Taken: k, Other: with, OtherFixed: fixed})
				continue
			}
			owner[k] = a.name
		}
	}
	slices.SortStableFunc(out, func(a, b KeyProblem) int { return strings.Compare(a.Action, b.Action) })
	return out
}

// keyStrings are the configured keys as Bubble Tea writes them.
func keyStrings(ks []string) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		if strings.TrimPrefix(k, "alt+") == "space" {
			k = strings.TrimSuffix(k, "space") + " "
		}
		out[i] = k
	}
	return out
}

// applyKeys binds the actions of keys (CheckKeys found no problem in
// it; names it does not know are ignored) and makes the help show them.
func applyKeys(k *KeyMap, keys map[string][]string) {
	for _, a := range keyActions {
		ks, ok := keys[a.name]
		if !ok || len(ks) == 0 {
			continue
		}
		b := a.binding(k)
		b.SetKeys(keyStrings(ks)...)
		b.SetHelp(strings.Join(ks, "/"), b.Help().Desc)
	}
}
