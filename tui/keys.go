package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap are the application's keys. It implements help.KeyMap; bindings
// that cannot act (sync without an engine) are disabled so the help never
// lists them.
type KeyMap struct {
	NextTab key.Binding
	PrevTab key.Binding
	JumpTab key.Binding // 1-4
	Table   TableKeyMap
	Sync    key.Binding
	Help    key.Binding
	Quit    key.Binding
}

// DefaultKeyMap returns the keys with Chinese help texts.
func DefaultKeyMap() KeyMap { return keyMapFor(newCatalog("zh")) }

func keyMapFor(c catalog) KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, c.t(desc)))
	}
	return KeyMap{
		NextTab: b("tab", "help.tab", "tab"),
		PrevTab: b("shift+tab", "help.prevtab", "shift+tab"),
		JumpTab: b("1-4", "help.jump", "1", "2", "3", "4"),
		Table: TableKeyMap{
			LineUp:     b("k/up", "help.up", "up", "k"),
			LineDown:   b("j/down", "help.down", "down", "j"),
			PageUp:     b("pgup", "help.pgup", "pgup"),
			PageDown:   b("pgdown", "help.pgdown", "pgdown"),
			GotoTop:    b("g/home", "help.top", "home", "g"),
			GotoBottom: b("G/end", "help.bottom", "end", "G"),
		},
		Sync: b("r", "help.sync", "r"),
		Help: b("?", "help.help", "?"),
		Quit: b("q", "help.quit", "q", "ctrl+c"),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.NextTab, k.JumpTab, k.Table.LineDown, k.Sync, k.Help, k.Quit}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.NextTab, k.PrevTab, k.JumpTab},
		{k.Table.LineUp, k.Table.LineDown, k.Table.PageUp, k.Table.PageDown},
		{k.Table.GotoTop, k.Table.GotoBottom},
		{k.Sync, k.Help, k.Quit},
	}
}
