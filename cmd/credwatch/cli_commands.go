package main

// The commands of credwatch as data: each command's name, synopsis, summary
// and description live here, its flags where it parses them (in its run
// function, through newFlags and parseFlags). Help, the shell completion
// scripts and the man page are all written from this table and those
// flag sets, so they cannot disagree. The summaries, descriptions and flag
// usages here are message keys: their Chinese and English texts are in
// tui/i18n's msg_cli.go (cli_lang.go chooses the language).

// cliCommand is one credwatch command.
type cliCommand struct {
	name    string
	args    string // the synopsis after "credwatch NAME"
	summary string // message key of one line, for the list of commands
	about   string // message key of paragraphs for its help and the man page

	// values are the values a flag takes where they are a fixed list
	// (for completion); positional the same for the arguments.
	values     map[string][]string
	positional []string

	// noApp commands run without reading the configuration: they must
	// work with a broken one (help, version, completion, man).
	noApp bool
	run   func(a *app, e *env, args []string) int
}

// Value lists shared by commands, help and completion.
var (
	feedKinds     = []string{"licence", "penalty", "coercion", "reward", "inspection"}
	langValues    = []string{"zh", "en"}
	encodingNames = []string{"gb18030", "utf-8"}
	shellNames    = []string{"bash", "zsh", "powershell"}
)

// commands lists every command in the order help shows them. It is built
// by a function, not a variable initialiser, because the help command's
// own run function reads it.
func commands() []*cliCommand {
	return []*cliCommand{
		{name: "tui", summary: "cli.tui.summary",
			about: "cli.tui.about",
			run:   func(a *app, _ *env, args []string) int { return a.runTUI(args) }},
		{name: "sync", args: "[--once] [--full]", summary: "cli.sync.summary",
			about: "cli.sync.about",
			run:   func(a *app, _ *env, args []string) int { return a.runSync(args) }},
		{name: "status", args: "[--json]", summary: "cli.status.summary",
			about: "cli.status.about",
			run:   func(a *app, _ *env, args []string) int { return a.runStatus(args) }},
		{name: "tail", args: "[-f] [-n N] [--json]", summary: "cli.tail.summary",
			about: "cli.tail.about",
			run:   func(a *app, _ *env, args []string) int { return a.runTail(args) }},
		{name: "export", args: "--view NAME [--format csv|json|xlsx] [--out FILE] [--filter TEXT] [--dept ID] [--sort COLUMN [--desc]]",
			summary: "cli.export.summary",
			about:   "cli.export.about",
			values:  map[string][]string{"view": exportViews, "format": {"csv", "json", "xlsx"}},
			run:     func(a *app, _ *env, args []string) int { return a.runExport(args) }},
		{name: "import", args: "[--dry-run] [--complete [--yes]] [--kind K] [--dept D] FILE...",
			summary: "cli.import.summary",
			about:   "cli.import.about",
			values:  map[string][]string{"kind": feedKinds},
			run:     func(a *app, _ *env, args []string) int { return a.runImport(args) }},
		{name: "report", args: "[--month YYYY-MM] [--format xlsx|text|csv|json] [--out FILE]",
			summary: "cli.report.summary",
			about:   "cli.report.about",
			values:  map[string][]string{"format": {"xlsx", "text", "csv", "json"}},
			run:     func(a *app, _ *env, args []string) int { return a.runReport(args) }},
		{name: "serve", args: "[--listen ADDR] [--host-key FILE] [--authorized-keys FILE]",
			summary: "cli.serve.summary",
			about:   "cli.serve.about",
			run:     func(a *app, _ *env, args []string) int { return a.runServe(args) }},
		{name: "audit", args: "[--since DAY] [--json]", summary: "cli.audit.summary",
			about: "cli.audit.about",
			run:   func(a *app, _ *env, args []string) int { return a.runAudit(args) }},
		{name: "when", args: "--decided YYYY-MM-DD [flags]", summary: "cli.when.summary",
			about:  "cli.when.about",
			values: map[string][]string{"severity": {"minor", "general", "serious"}},
			run:    func(_ *app, e *env, args []string) int { return runWhen(e, args) }},
		{name: "workdays", args: "--from YYYY-MM-DD (--add N | --to YYYY-MM-DD) [--json]", summary: "cli.workdays.summary",
			about: "cli.workdays.about",
			run:   func(_ *app, e *env, args []string) int { return runWorkdays(e, args) }},
		{name: "uscc", args: "CODE...", summary: "cli.uscc.summary",
			about: "cli.uscc.about",
			run:   func(_ *app, e *env, args []string) int { return runUSCC(e, args) }},
		{name: "check", args: "[--json]", summary: "cli.check.summary",
			about: "cli.check.about",
			run:   func(a *app, _ *env, args []string) int { return a.runCheck(args) }},
		{name: "sim", args: "[flags]", summary: "cli.sim.summary",
			about: "cli.sim.about",
			run:   func(_ *app, e *env, args []string) int { return runSim(e, args) }},
		{name: "source", args: "test NAME [--sample N]", summary: "cli.source.summary",
			about:      "cli.source.about",
			positional: []string{"test"},
			run:        func(a *app, _ *env, args []string) int { return a.runSource(args) }},
		{name: "version", summary: "cli.version.summary",
			about: "cli.version.about",
			noApp: true, run: func(_ *app, e *env, args []string) int { return runVersion(e, args) }},
		{name: "completion", args: "bash|zsh|powershell", summary: "cli.completion.summary",
			about:      "cli.completion.about",
			positional: shellNames, noApp: true,
			run: func(_ *app, e *env, args []string) int { return runCompletion(e, args) }},
		{name: "man", summary: "cli.man.summary",
			about: "cli.man.about",
			noApp: true, run: func(_ *app, e *env, args []string) int { return runMan(e, args) }},
		{name: "help", args: "[COMMAND]", summary: "cli.help.summary",
			about: "cli.help.about",
			noApp: true, run: func(_ *app, e *env, args []string) int { return runHelp(e, args) }},
	}
}

// lookupCommand finds a command by name; "" is the TUI.
func lookupCommand(name string) *cliCommand {
	if name == "" {
		name = "tui"
	}
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// commandNames lists the commands, for completion and suggestions.
func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return names
}

// nearest returns the word of known closest to word, if close enough to
// be a misspelling; "" otherwise.
func nearest(word string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(word, k); d < bestD && d <= len([]rune(word))/2 {
			best, bestD = k, d
		}
	}
	return best
}
