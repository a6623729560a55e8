package main

// The commands of credwatch as data: each command's name, synopsis, summary
// and description live here, its flags where it parses them (in its run
// function, through newFlags and parseFlags). Help, the shell completion
// scripts and the man page are all written from this table and those
// flag sets, so they cannot disagree. Texts are English for now; they are
// the strings a message catalogue will translate.

// cliCommand is one credwatch command.
type cliCommand struct {
	name    string
	args    string // the synopsis after "credwatch NAME"
	summary string // one line, for the list of commands
	about   string // paragraphs for its help and the man page

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
		{name: "tui", summary: "the full-screen TUI, also run by credwatch without a command (a demo with the built-in simulator when there is no configuration)",
			about: `The full-screen view of the cache for duty officers: the daily check, the sharing list, sync status, repair and the post-approval queue. It syncs in the background. It needs a terminal (ssh -t over SSH).`,
			run:   func(a *app, _ *env, args []string) int { return a.runTUI(args) }},
		{name: "sync", args: "[--once] [--full]", summary: "run the sync engine without a UI (--once for a single pass)",
			about: `Syncs the cache with every configured endpoint and source until interrupted (SIGINT, SIGTERM), as the TUI does in the background. Only one process syncs a cache at a time; the others read it.`,
			run:   func(a *app, _ *env, args []string) int { return a.runSync(args) }},
		{name: "status", args: "[--json]", summary: "health of the cache, endpoints and departments (exit 0 healthy, 1 degraded, 2 failing)",
			about: `Prints the health of the cache: every endpoint (last success and its age, last error, consecutive failures), every department (records per kind, last received), the quarantine, and which process syncs the cache.

Exit status: 0 healthy, 1 degraded (some endpoint failing or stale), 2 failing (no cache, nothing ever synced, or every endpoint failing).`,
			run: func(a *app, _ *env, args []string) int { return a.runStatus(args) }},
		{name: "tail", args: "[-f] [-n N] [--json]", summary: "the newest sync events (-f to follow)",
			about: `Prints the newest N events (default 20) of the shared event log: what the process with the sync role did (pages stored, passes done, errors). With -f, keeps printing new events until Ctrl-C, SIGTERM or until the output is closed.`,
			run:   func(a *app, _ *env, args []string) int { return a.runTail(args) }},
		{name: "export", args: "--view NAME [--format csv|json|xlsx] [--out FILE] [--filter TEXT] [--dept ID] [--sort COLUMN [--desc]]",
			summary: "one tab as CSV, JSON or an xlsx workbook",
			about: `Writes the rows of one tab, as the TUI shows them, from the cache:
  check     每日核查: the daily check items
  sharing   数据共享清单: per department and kind
  sync      同步状态: per endpoint
  repair    信用修复: penalties by repair eligibility
  queue     修复后续: post-approval items, stuck first
CSV is UTF-8 with a byte-order mark and CRLF line ends, so Excel on Chinese Windows opens it correctly (with --encoding gb18030 on standard output: GB18030 without the mark); its header is the TUI's column titles (--lang). JSON is an array of objects with snake_case keys (from the English titles). xlsx is a workbook: the tab as a sheet with a frozen header, and a sheet saying how it was made (filter, sort, business date, officer); without --out it goes to standard output when that is a pipe or file (> repair.xlsx), and on a terminal to a new file in the export directory (export_dir; default: Documents), whose full path is printed. --filter, --dept and --sort narrow and order the rows as the TUI's /, :ID and < > S do (e over SSH shows the command with the screen's own).`,
			values: map[string][]string{"view": exportViews, "format": {"csv", "json", "xlsx"}},
			run:    func(a *app, _ *env, args []string) int { return a.runExport(args) }},
		{name: "import", args: "[--dry-run] [--complete [--yes]] [--kind K] [--dept D] FILE...",
			summary: "import 双公示 template files (xlsx, csv) into the cache",
			about:   `Reads the national 双公示 templates (行政许可 / 行政处罚, and the common core of coercion, reward and inspection) from .xlsx or .csv (UTF-8 with or without BOM, or GB18030/GBK, detected) and stores their rows in the cache. Headers may be the templates' Chinese names or the field codes (CF_WSH, XK_XKBH, ...), in any order; [import] mapping in the configuration maps a local template's headers. A row that fails validation goes to 异常数据 with its file, sheet, row, column and reason. Importing the same file again changes nothing.`,
			values:  map[string][]string{"kind": feedKinds},
			run:     func(a *app, _ *env, args []string) int { return a.runImport(args) }},
		{name: "report", args: "[--month YYYY-MM] [--format xlsx|text|csv|json] [--out FILE]",
			summary: "the monthly 合规率 / 迟报率 report",
			about:   `The monthly report, per department and kind, for decisions of the month: 归集, 合规 and 数据合规率, 按时公示, 迟报 and 迟报率, 月末未公示; the records behind each late or non-compliant figure; the repair side. docs/report.md defines every figure. Over SSH: ssh host report --month 2026-11 > 11月.xlsx`,
			values:  map[string][]string{"format": {"xlsx", "text", "csv", "json"}},
			run:     func(a *app, _ *env, args []string) int { return a.runReport(args) }},
		{name: "serve", args: "[--listen ADDR] [--host-key FILE] [--authorized-keys FILE]",
			summary: "serve the TUI and these commands over SSH to officers with authorised keys (docs/serve.md)",
			about:   `Serves credwatch over SSH: a session with a terminal gets the full-screen view; a session without one runs status, check, tail [-f], export or (for admins) audit as its command line asks (ssh -p 2222 HOST tail -f). Only public keys listed in the authorised keys file get in, each with an officer's name, departments and role (officer, read-only, admin). This process syncs the cache. SIGHUP (or editing the file) reloads the keys and applies them to open sessions; SIGTERM ends every session and exits within 5 s. The audit trail is kept apart (credwatch audit). See docs/serve.md.`,
			run:     func(a *app, _ *env, args []string) int { return a.runServe(args) }},
		{name: "audit", args: "[--since DAY] [--json]", summary: "the audit trail of serve: logins, sessions, commands, refusals, actions",
			about: `Prints the audit trail of credwatch serve, oldest first: ssh-login and ssh-logout (connections), ssh-connect, ssh-command and ssh-disconnect (sessions), ssh-refused, ssh-keys, and every officer's action. It is kept in its own directory ([serve] audit_dir), one file a day, for audit_retention_days (default 180).`,
			run:   func(a *app, _ *env, args []string) int { return a.runAudit(args) }},
		{name: "when", args: "--decided YYYY-MM-DD [flags]", summary: "dates for a penalty: disclosure due, repair eligibility, review due",
			about: `Derives the dates of a penalty (行政处罚) from the rule set in force on its decision date (changzhou-2022, ndrc-2023 or ndrc-2026; docs/rules.md): disclosure deadline, end of the minimum disclosure period, first day the enterprise may apply to 信用中国 for credit repair, end of the maximum disclosure period and, with --applied, when the review is due and whether the application came too early.

Dates counted in months are always given. A date counted in working days that reaches a year the calendar does not know is shown as unknown; one counted through a year whose schedule is provisional (2027) is marked so.`,
			values: map[string][]string{"severity": {"minor", "general", "serious"}},
			run:    func(_ *app, e *env, args []string) int { return runWhen(e, args) }},
		{name: "workdays", args: "--from YYYY-MM-DD (--add N | --to YYYY-MM-DD) [--json]", summary: "working-day arithmetic on the official calendar",
			about: `With --add N, prints the Nth working day after (N<0: before) --from; with --to, the number of working days after --from up to and including --to.

Working days follow the official calendar: weekends are off except adjusted working days (调休上班), and public holidays are off. The start day itself is never counted.`,
			run: func(_ *app, e *env, args []string) int { return runWorkdays(e, args) }},
		{name: "uscc", args: "CODE...", summary: "check unified social credit codes",
			about: `Checks unified social credit codes (统一社会信用代码, GB 32100-2015): length, characters (no I, O, Z, S, V, no lower case, no full-width characters), the administrative-division digits and both check characters (17: GB 11714 organisation code; 18: GB 32100). Prints one line per code and exits 1 if any code is invalid.`,
			run:   func(_ *app, e *env, args []string) int { return runUSCC(e, args) }},
		{name: "check", args: "[--json]", summary: "the daily check (每日核查) for the configured departments; exit 1 if anything fails",
			about: `Runs the daily check (每日核查) for the configured departments on the cache, as the TUI's first tab shows it, and exits 1 if any item fails.`,
			run:   func(a *app, _ *env, args []string) int { return a.runCheck(args) }},
		{name: "sim", args: "[flags]", summary: "run the agency simulator",
			about: `Runs the agency simulator: the v1 feeds (docs/agency-api.md) with generated Changzhou data that keeps changing, until Ctrl-C (SIGINT) or SIGTERM. Prints the base URL on standard output. Its --today is the simulated day and takes the place of the global one.`,
			run:   func(_ *app, e *env, args []string) int { return runSim(e, args) }},
		{name: "source", args: "test NAME [--sample N]", summary: "test a [[source]]: the 前置库 connection, tables, columns",
			about: `Tests the [[source]] named NAME (kind "sql": the exchange platform's front-end database, 前置库) without changing the cache or the database: connects with the configured DSN, finds each table and the columns it maps, counts the rows a sync would read, reads a first page and runs it through the checks a sync applies, and says which rows would be quarantined and why. On PostgreSQL it also warns if the account may write to a table (credwatch needs SELECT only). The DSN is never printed.

Exit status: 0 every table can be synced, 1 a table has a problem or the database cannot be reached, 2 usage or configuration errors.`,
			positional: []string{"test"},
			run:        func(a *app, _ *env, args []string) int { return a.runSource(args) }},
		{name: "version", summary: "print the version, commit and build date (also --version)",
			about: `Prints the version, the commit it was built from and when, and the Go version and platform.`,
			noApp: true, run: func(_ *app, e *env, args []string) int { return runVersion(e, args) }},
		{name: "completion", args: "bash|zsh|powershell", summary: "print a shell completion script",
			about: `Prints a completion script for the shell: commands, flags, and the values of flags that take a fixed list.
  bash:        source <(credwatch completion bash)
               (or save it as /etc/bash_completion.d/credwatch)
  zsh:         credwatch completion zsh > "${fpath[1]}/_credwatch"
  PowerShell:  credwatch completion powershell | Out-String | Invoke-Expression
               (add that line to $PROFILE to keep it)`,
			positional: shellNames, noApp: true,
			run: func(_ *app, e *env, args []string) int { return runCompletion(e, args) }},
		{name: "man", summary: "print the manual page (roff)",
			about: `Prints the manual page, written from the same text as --help: man -l <(credwatch man), or save it as credwatch.1 in a man1 directory.`,
			noApp: true, run: func(_ *app, e *env, args []string) int { return runMan(e, args) }},
		{name: "help", args: "[COMMAND]", summary: "help on credwatch or on one command (also COMMAND --help)",
			about: `Prints the list of commands, or one command's synopsis, description and flags.`,
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
