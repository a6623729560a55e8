package tui

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/czyj/credwatch/tui/table"
)

// KeyMap are the application's keys. It implements help.KeyMap. The model
// enables and disables bindings by state after every update (see
// Model.updateKeys), so the help lists exactly the keys that act now: no
// sync without an engine, no action keys in read-only mode or where the
// selected row allows no action.
type KeyMap struct {
	NextTab key.Binding
	PrevTab key.Binding
	JumpTab key.Binding // 1-5
	Table   table.KeyMap

	Open       key.Binding // enter: drill down
	Back       key.Binding // esc: clear the filter, or back to the previous view
	Filter     key.Binding // /
	Command    key.Binding // :
	SortPrev   key.Binding // <
	SortNext   key.Binding // >
	SortDir    key.Binding // S
	Export     key.Binding // e: CSV
	ExportJSON key.Binding // E
	Outbox     key.Binding // o
	Activity   key.Binding // L: the activity log
	Report     key.Binding // M: the monthly report (月报)
	Copy       key.Binding // y: the selected cell (copy.go)
	CopyRow    key.Binding // Y: the selected row, tab-separated
	Mouse      key.Binding // help only: what a click does, when the mouse is on

	// Actions, recorded through the Store.
	Signoff  key.Binding // s
	Remind   key.Binding // m
	National key.Binding // n
	Withdraw key.Binding // w
	Fulfil   key.Binding // f
	Retry    key.Binding // R

	Sync key.Binding
	Help key.Binding
	Quit key.Binding

	Form FormKeyMap

	// typing is set while a form, the filter or the command line takes the
	// keys (updateKeys); form while it is a form. The short help then offers
	// only what acts there: a letter such as q is text, not a command.
	typing, form bool
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
		JumpTab: b("1-5", "help.jump", "1", "2", "3", "4", "5"),
		Table: table.KeyMap{
			LineUp:     b("k/up", "help.up", "up", "k"),
			LineDown:   b("j/down", "help.down", "down", "j"),
			PageUp:     b("pgup", "help.pgup", "pgup"),
			PageDown:   b("pgdown", "help.pgdown", "pgdown"),
			GotoTop:    b("g/home", "help.top", "home", "g"),
			GotoBottom: b("G/end", "help.bottom", "end", "G"),
		},
		Open:       b("enter", "help.open", "enter"),
		Back:       b("esc", "help.back", "esc"),
		Filter:     b("/", "help.filter", "/"),
		Command:    b(":", "help.command", ":"),
		SortPrev:   b("<", "help.sortprev", "<"),
		SortNext:   b(">", "help.sortnext", ">"),
		SortDir:    b("S", "help.sortdir", "S"),
		Export:     b("e", "help.export", "e"),
		ExportJSON: b("E", "help.exportjson", "E"),
		Outbox:     b("o", "help.outbox", "o"),
		Activity:   b("L", "help.activity", "L"),
		Report:     b("M", "help.report", "M"),
		Copy:       b("y", "help.copy", "y"),
		CopyRow:    b("Y", "help.copyrow", "Y"),
		// A key no terminal sends: bubbles' help lists only bindings
		// with keys, and this one is for the help alone.
		Mouse:    key.NewBinding(key.WithKeys("mouse-help-only"), key.WithHelp(c.t("help.mousekey"), c.t("help.mouse"))),
		Signoff:  b("s", "help.signoff", "s"),
		Remind:   b("m", "help.remind", "m"),
		National: b("n", "help.national", "n"),
		Withdraw: b("w", "help.withdraw", "w"),
		Fulfil:   b("f", "help.fulfil", "f"),
		Retry:    b("R", "help.retry", "R"),
		Sync:     b("r", "help.sync", "r"),
		Help:     b("?", "help.help", "?"),
		Quit:     b("q", "help.quit", "q", "ctrl+c"),
		Form: FormKeyMap{
			Submit: b("enter", "help.submit", "enter"),
			Cancel: b("esc", "help.cancel", "esc"),
			Next:   b("tab", "help.nextfield", "tab", "down"),
			Prev:   b("shift+tab", "help.prevfield", "shift+tab", "up"),
		},
	}
}

// actionKeys are the bindings that record something through the Store; in
// read-only mode every one is disabled.
func (k *KeyMap) actionKeys() []*key.Binding {
	return []*key.Binding{&k.Signoff, &k.Remind, &k.National, &k.Withdraw, &k.Fulfil, &k.Retry}
}

// ShortHelp implements help.KeyMap: the actions possible on the selected row
// first, then moving around.
func (k KeyMap) ShortHelp() []key.Binding {
	if k.form {
		return []key.Binding{k.Form.Submit, k.Form.Cancel, k.Form.Next, k.Form.Prev}
	}
	if k.typing {
		return []key.Binding{k.Form.Submit, k.Form.Cancel}
	}
	return []key.Binding{k.Signoff, k.Remind, k.National, k.Withdraw, k.Fulfil, k.Retry, k.Open, k.Back,
		k.JumpTab, k.Filter, k.Outbox, k.Sync, k.Help, k.Quit}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.NextTab, k.PrevTab, k.JumpTab, k.Open, k.Back},
		{k.Table.LineUp, k.Table.LineDown, k.Table.PageUp, k.Table.PageDown, k.Table.GotoTop, k.Table.GotoBottom, k.Mouse},
		{k.Filter, k.Command, k.SortPrev, k.SortNext, k.SortDir, k.Copy, k.CopyRow},
		{k.Signoff, k.Remind, k.National, k.Withdraw, k.Fulfil, k.Retry},
		{k.Outbox, k.Activity, k.Export, k.ExportJSON, k.Report, k.Sync, k.Help, k.Quit},
	}
}
