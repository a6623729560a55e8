package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/czyj/credwatch/tui/i18n"
)

// newFlags returns the flag set of command name. It prints nothing itself:
// parseFlags reports its errors and help in one format for every command.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses a command's arguments with fs, in which the command
// has declared all its flags. It returns the exit status and false when
// the command must stop: after printing its help on stdout (-h, --help;
// status 0), or after a one-line error on stderr that names the flag and
// what is wrong (status 2).
//
// When stderr is a *flagCollector, parseFlags only hands fs to it and
// stops the command: that is how help, completion and the man page learn
// a command's flags without running it (describe).
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (int, bool) {
	if c, ok := stderr.(*flagCollector); ok {
		c.fs = fs
		return 0, false
	}
	err := fs.Parse(args)
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		if c := lookupCommand(fs.Name()); c != nil {
			writeHelp(stdout, cliCat(), c, fs, false) // run() answers credwatch's own -h; this is an SSH session's
		}
		return 0, false
	}
	flagError(stderr, fs.Name(), flagErrorText(cliCat(), fs, err))
	return 2, false
}

// flagError prints a usage error of command name (or of credwatch, for
// "") and where to find help, in the command line's language (msg as
// cliText translates it).
func flagError(w io.Writer, name, msg string) {
	cat := cliCat()
	msg = cliText(cat, msg)
	if name == "" {
		fmt.Fprintf(w, "credwatch: %s\n%s\n", msg, cat.T("cli.seehelp"))
		return
	}
	fmt.Fprintf(w, "credwatch %s: %s\n%s\n", name, msg, cat.F("cli.seehelpcmd", name))
}

// usageError reports a usage error of command name and returns exit
// status 2. format is English; cliText translates it.
func usageError(e *env, name, format string, args ...any) int {
	flagError(e.stderr, name, fmt.Sprintf(cliText(cliCat(), format), args...))
	return 2
}

// flagCollector is the stderr of a command run by describe.
type flagCollector struct{ fs *flag.FlagSet }

func (*flagCollector) Write(p []byte) (int, error) { return len(p), nil }

// describe returns the flags command c declares, or an empty set. It runs
// c's run function with a flagCollector for output, so c stops in
// parseFlags before doing anything (TestEveryCommandDescribesItsFlags).
func describe(c *cliCommand) *flag.FlagSet {
	col := &flagCollector{}
	c.run(&app{cfg: &Config{}, stdout: col, stderr: col}, &env{stdout: col, stderr: col}, nil)
	if col.fs == nil {
		return newFlags(c.name)
	}
	return col.fs
}

var (
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	flagBadValue  = regexp.MustCompile(`^invalid (boolean )?value "(.*)" for (?:flag )?-+([^:]*): (.*)$`)
)

// flagErrorText rewrites package flag's error in the form of the help
// text, in cat's language: "--decided: invalid date "garbage": want
// YYYY-MM-DD".
func flagErrorText(cat i18n.Catalog, fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		out := cat.F("cli.err.unknownflag", dashed(m[1]))
		if s := nearest(m[1], names); s != "" {
			out += cat.F("cli.err.didyoumean", dashed(s))
		}
		return out
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return cat.F("cli.err.novalue", dashed(m[1]))
	}
	if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		boolean, value, name, why := m[1] != "", m[2], m[3], m[4]
		f := fs.Lookup(name)
		_, isDate := f.Value.(*cliDate)
		switch {
		case boolean:
			return cat.F("cli.err.boolvalue", dashed(name), value)
		case isDate:
			return cat.F("cli.err.date", dashed(name), value)
		case strings.Contains(why, "parse error"):
			return cat.F("cli.err.badvalue", dashed(name), value, valueKind(cat, f))
		case strings.Contains(why, "out of range"):
			return cat.F("cli.err.range", dashed(name), value)
		case strings.Contains(why, fmt.Sprintf("%q", value)):
			return fmt.Sprintf("%s: %s", dashed(name), why)
		}
		return cat.F("cli.err.badwhy", dashed(name), value, why)
	}
	return msg
}

// dashed writes a flag as help does: -f, --json.
func dashed(name string) string {
	if utf8.RuneCountInString(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// valueKind names what a flag of the standard types takes.
func valueKind(cat i18n.Catalog, f *flag.Flag) string {
	if f == nil {
		return cat.T("cli.kind.valid")
	}
	switch fmt.Sprintf("%T", f.Value) {
	case "*flag.durationValue":
		return cat.T("cli.kind.duration")
	case "*flag.float64Value":
		return cat.T("cli.kind.number")
	}
	return cat.T("cli.kind.whole")
}

// isBoolFlag reports whether f takes no value.
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// invocation is a command line taken apart: the command, the global
// flags (before or after the command) and the command's own arguments.
type invocation struct {
	name     string   // the command as typed; "" for none
	globals  []string // for the global flag set
	args     []string // for the command
	help     bool     // -h or --help where the command does not define it
	cmdFlags *flag.FlagSet
}

// splitArgs takes the command line apart. The first argument that is not
// a flag or a flag's value is the command; global flags may come before
// or after it, except where the command has a flag of the same name (sim
// --today), which then is the command's. After "--" everything is the
// command's.
func splitArgs(args []string, global *flag.FlagSet) invocation {
	var inv invocation
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest := args[i+1:]
			if inv.name == "" && len(rest) > 0 {
				inv.name, rest = rest[0], rest[1:]
			}
			inv.args = append(inv.args, "--")
			inv.args = append(inv.args, rest...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			if inv.name == "" {
				inv.name = a
				if c := lookupCommand(a); c != nil {
					inv.cmdFlags = describe(c)
				}
			} else {
				inv.args = append(inv.args, a)
			}
			continue
		}
		name, hasValue := strings.TrimLeft(a, "-"), false
		if j := strings.Index(name, "="); j >= 0 {
			name, hasValue = name[:j], true
		}
		var own *flag.Flag
		if inv.cmdFlags != nil {
			own = inv.cmdFlags.Lookup(name)
		}
		if f := global.Lookup(name); f != nil && own == nil {
			inv.globals = append(inv.globals, a)
			if !hasValue && !isBoolFlag(f) && i+1 < len(args) {
				i++
				inv.globals = append(inv.globals, args[i])
			}
			continue
		}
		if own == nil && (name == "h" || name == "help") {
			inv.help = true
			continue
		}
		if inv.name == "" {
			inv.globals = append(inv.globals, a) // unknown: the global set reports it
			continue
		}
		inv.args = append(inv.args, a)
		if own != nil && !hasValue && !isBoolFlag(own) && i+1 < len(args) {
			i++
			inv.args = append(inv.args, args[i])
		}
	}
	return inv
}

// writeHelp prints command c's help in cat's language: synopsis,
// description, its flags (fs), then, with globalsToo, the global flags
// (which a command run by credwatch serve for an SSH session does not
// take).
func writeHelp(w io.Writer, cat i18n.Catalog, c *cliCommand, fs *flag.FlagSet, globalsToo bool) {
	synopsis := "credwatch " + c.name
	if c.name == "tui" {
		synopsis = "credwatch [tui]"
	}
	if c.args != "" {
		synopsis += " " + c.args
	}
	usage := cat.T("cli.usage")
	if !strings.HasSuffix(usage, "：") {
		usage += " "
	}
	fmt.Fprintf(w, "%s%s\n\n%s\n", usage, wrapSynopsis(synopsis, textWidth(usage), textWidth(usage+"credwatch "+c.name+" "), 78), wrap(cat.T(c.about), 78))
	if own := flagList(cat, fs); len(own) > 0 {
		fmt.Fprintf(w, "\n%s\n%s", cat.T("cli.flags"), formatFlags(cat, own))
	}
	if globalsToo {
		fmt.Fprintf(w, "\n%s\n%s", cat.T("cli.globals"), formatFlags(cat, flagList(cat, globalFlags(&globals{}))))
	}
}

// wrapSynopsis breaks a synopsis that starts at column start between its
// bracketed groups, indenting the lines after the first by indent.
func wrapSynopsis(s string, start, indent, width int) string {
	var groups []string
	depth, from := 0, 0
	for i, r := range s {
		switch r {
		case '[', '(':
			depth++
		case ']', ')':
			depth--
		case ' ':
			if depth == 0 {
				groups = append(groups, s[from:i])
				from = i + 1
			}
		}
	}
	groups = append(groups, s[from:])
	var b strings.Builder
	n := start
	for i, g := range groups {
		if i > 0 && n+1+textWidth(g) > width {
			b.WriteString("\n" + strings.Repeat(" ", indent))
			n = indent
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(g)
		n += textWidth(g)
	}
	return b.String()
}

// writeUsage prints credwatch's own help, in cat's language: the
// commands and global flags.
func writeUsage(w io.Writer, cat i18n.Catalog) {
	fmt.Fprintf(w, "%s\n\n%s\n  %s\n\n%s\n", cat.T("cli.intro"), cat.T("cli.usagehead"), cat.T("cli.synopsis"), cat.T("cli.commands"))
	for _, c := range commands() {
		name := c.name
		if name == "tui" {
			name = cat.T("cli.none")
		}
		pad := max(12-textWidth(name), 1)
		lines := strings.Split(wrap(cat.T(c.summary), 78-14), "\n")
		fmt.Fprintf(w, "  %s%s%s\n", name, strings.Repeat(" ", pad), lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "%s%s\n", strings.Repeat(" ", 14), l)
		}
	}
	fmt.Fprintf(w, "\n%s\n%s", cat.T("cli.globals"), formatFlags(cat, flagList(cat, globalFlags(&globals{}))))
	fmt.Fprintf(w, "\n%s\n", cat.T("cli.more"))
}

// helpFlag is one flag as help, completion and the man page show it.
type helpFlag struct {
	name, placeholder, usage, def string
	boolean                       bool
}

func (f helpFlag) left() string {
	s := dashed(f.name)
	if f.placeholder != "" {
		s += " " + f.placeholder
	}
	return s
}

// flagList lists fs's flags, sorted by name, their usage in cat's
// language (a flag's usage is its message key).
func flagList(cat i18n.Catalog, fs *flag.FlagSet) []helpFlag {
	var out []helpFlag
	fs.VisitAll(func(f *flag.Flag) {
		tf := *f
		tf.Usage = cat.T(f.Usage)
		ph, usage := flag.UnquoteUsage(&tf)
		h := helpFlag{name: f.Name, usage: usage, boolean: isBoolFlag(f)}
		if !h.boolean {
			h.placeholder = ph
			h.usage = strings.TrimPrefix(usage, ph+": ") // "`zh|en`: language of ..." shows the placeholder once
			if _, ok := f.Value.(*cliDate); ok && ph == "value" {
				h.placeholder = "DATE"
			}
		}
		if !h.boolean && f.DefValue != "" && f.DefValue != "0" && f.DefValue != "0s" && !strings.Contains(usage, "default") && !strings.Contains(usage, "默认") {
			h.def = f.DefValue
		}
		out = append(out, h)
	})
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// formatFlags lays flags out in two columns; a long flag puts its text on
// the next line.
func formatFlags(cat i18n.Catalog, flags []helpFlag) string {
	const col = 24
	var b strings.Builder
	for _, f := range flags {
		text := f.usage
		if f.def != "" {
			text += cat.F("cli.default", f.def)
		}
		lines := strings.Split(wrap(text, 78-col), "\n")
		left := "  " + f.left()
		if w := textWidth(left); w >= col-1 {
			fmt.Fprintf(&b, "%s\n%s%s\n", left, strings.Repeat(" ", col), lines[0])
		} else {
			fmt.Fprintf(&b, "%s%s%s\n", left, strings.Repeat(" ", col-w), lines[0])
		}
		for _, l := range lines[1:] {
			fmt.Fprintf(&b, "%s%s\n", strings.Repeat(" ", col), l)
		}
	}
	return b.String()
}

// wrap breaks each paragraph of s at width columns (a CJK character takes
// two): between words, and between CJK characters, which are written
// without spaces (never before a closing punctuation mark such as ，or ）).
// Lines that start with a space are kept as they are (tables, examples).
func wrap(s string, width int) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line == "" || line[0] == ' ' {
			out = append(out, line)
			continue
		}
		cur, n := "", 0
		for _, word := range strings.Fields(line) {
			for i, piece := range breakable(word) {
				w := textWidth(piece)
				space := i == 0 && n > 0 // words are joined by a space, pieces of one word are not
				extra := 0
				if space {
					extra = 1
				}
				if n > 0 && n+extra+w > width {
					out = append(out, cur)
					cur, n, space = "", 0, false
				}
				if space {
					cur += " "
					n++
				}
				cur += piece
				n += w
			}
		}
		out = append(out, cur)
	}
	return strings.Join(out, "\n")
}

// breakable cuts a word where a line may break: between two characters
// either of which is wide, but never before a closing mark (，）) or after
// an opening one (（「).
func breakable(word string) []string {
	var pieces []string
	start := 0
	var prev rune
	for i, r := range word {
		if i > start && (textWidth(string(r)) == 2 || textWidth(string(prev)) == 2) &&
			!strings.ContainsRune("，。；：、）」！？", r) && !strings.ContainsRune("（「", prev) {
			pieces = append(pieces, word[start:i])
			start = i
		}
		prev = r
	}
	return append(pieces, word[start:])
}

func textWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) || (r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) || (r >= 0xffe0 && r <= 0xffe6)) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// runHelp implements "credwatch help [COMMAND]".
func runHelp(e *env, args []string) int {
	fs := newFlags("help")
	if code, ok := parseFlags(fs, args, e.stdout, e.stderr); !ok {
		return code
	}
	switch fs.NArg() {
	case 0:
		writeUsage(e.stdout, cliCat())
		return 0
	case 1:
		c := lookupCommand(fs.Arg(0))
		if c == nil {
			return unknownCommand(e.stderr, fs.Arg(0))
		}
		writeHelp(e.stdout, cliCat(), c, describe(c), true)
		return 0
	}
	return usageError(e, "help", "give one command, not %d", fs.NArg())
}

// unknownCommand reports a command that does not exist, in one line.
func unknownCommand(w io.Writer, name string) int {
	cat := cliCat()
	msg := cat.F("cli.err.unknowncmd", name)
	if s := nearest(name, commandNames()); s != "" {
		msg += cat.F("cli.err.didyoumeanq", s)
	}
	flagError(w, "", msg)
	return 2
}
