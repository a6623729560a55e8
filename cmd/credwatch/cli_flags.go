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
			writeHelp(stdout, c, fs, false) // run() answers credwatch's own -h; this is an SSH session's
		}
		return 0, false
	}
	flagError(stderr, fs.Name(), flagErrorText(fs, err))
	return 2, false
}

// flagError prints a usage error of command name (or of credwatch, for
// "") and where to find help.
func flagError(w io.Writer, name, msg string) {
	if name == "" {
		fmt.Fprintf(w, "credwatch: %s\nrun 'credwatch --help' for usage\n", msg)
		return
	}
	fmt.Fprintf(w, "credwatch %s: %s\nrun 'credwatch %s --help' for usage\n", name, msg, name)
}

// usageError reports a usage error of command name and returns exit status 2.
func usageError(e *env, name, format string, args ...any) int {
	flagError(e.stderr, name, fmt.Sprintf(format, args...))
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
// text: "--decided: invalid date "garbage": want YYYY-MM-DD".
func flagErrorText(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		out := "unknown flag " + dashed(m[1])
		if s := nearest(m[1], names); s != "" {
			out += fmt.Sprintf(" (did you mean %s?)", dashed(s))
		}
		return out
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return dashed(m[1]) + " needs a value"
	}
	if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		boolean, value, name, why := m[1] != "", m[2], m[3], m[4]
		switch {
		case boolean:
			return fmt.Sprintf("%s takes no value (or =true, =false), got %q", dashed(name), value)
		case strings.Contains(why, "parse error"):
			return fmt.Sprintf("%s: invalid value %q: want %s", dashed(name), value, valueKind(fs.Lookup(name)))
		case strings.Contains(why, "out of range"):
			return fmt.Sprintf("%s: %q is out of range", dashed(name), value)
		case strings.Contains(why, fmt.Sprintf("%q", value)):
			return fmt.Sprintf("%s: %s", dashed(name), why)
		}
		return fmt.Sprintf("%s: invalid value %q: %s", dashed(name), value, why)
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
func valueKind(f *flag.Flag) string {
	if f == nil {
		return "a valid value"
	}
	switch fmt.Sprintf("%T", f.Value) {
	case "*flag.durationValue":
		return "a duration such as 30s or 5m"
	case "*flag.float64Value":
		return "a number"
	}
	return "a whole number"
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

// writeHelp prints command c's help: synopsis, description, its flags
// (fs), then, with globalsToo, the global flags (which a command run by
// credwatch serve for an SSH session does not take).
func writeHelp(w io.Writer, c *cliCommand, fs *flag.FlagSet, globalsToo bool) {
	synopsis := "credwatch " + c.name
	if c.name == "tui" {
		synopsis = "credwatch [tui]"
	}
	if c.args != "" {
		synopsis += " " + c.args
	}
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", wrapSynopsis(synopsis, len("Usage: credwatch "+c.name+" "), 78), wrap(c.about, 78))
	if own := flagList(fs); len(own) > 0 {
		fmt.Fprintf(w, "\nFlags:\n%s", formatFlags(own))
	}
	if globalsToo {
		fmt.Fprintf(w, "\nGlobal flags (before or after the command):\n%s", formatFlags(flagList(globalFlags(&globals{}))))
	}
}

// wrapSynopsis breaks a synopsis between its bracketed groups, indenting
// the lines after the first by indent.
func wrapSynopsis(s string, indent, width int) string {
	var groups []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '[', '(':
			depth++
		case ']', ')':
			depth--
		case ' ':
			if depth == 0 {
				groups = append(groups, s[start:i])
				start = i + 1
			}
		}
	}
	groups = append(groups, s[start:])
	var b strings.Builder
	n := len("Usage: ")
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

// writeUsage prints credwatch's own help: the commands and global flags.
func writeUsage(w io.Writer) {
	fmt.Fprint(w, "credwatch: administrative credit disclosure and repair, for duty officers.\n\nUsage:\n  credwatch [command] [flags]\n\nCommands:\n")
	for _, c := range commands() {
		name := c.name
		if name == "tui" {
			name = "(none)"
		}
		fmt.Fprintf(w, "  %-12s%s\n", name, c.summary)
	}
	fmt.Fprintf(w, "\nGlobal flags (before or after the command):\n%s", formatFlags(flagList(globalFlags(&globals{}))))
	fmt.Fprint(w, "\nRun 'credwatch COMMAND --help' for a command's flags; 'credwatch man' prints the manual.\n")
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

// flagList lists fs's flags, sorted by name.
func flagList(fs *flag.FlagSet) []helpFlag {
	var out []helpFlag
	fs.VisitAll(func(f *flag.Flag) {
		ph, usage := flag.UnquoteUsage(f)
		h := helpFlag{name: f.Name, usage: usage, boolean: isBoolFlag(f)}
		if !h.boolean {
			h.placeholder = ph
			h.usage = strings.TrimPrefix(usage, ph+": ") // "`zh|en`: language of ..." shows the placeholder once
			if _, ok := f.Value.(*cliDate); ok && ph == "value" {
				h.placeholder = "DATE"
			}
		}
		if !h.boolean && f.DefValue != "" && f.DefValue != "0" && f.DefValue != "0s" && !strings.Contains(usage, "default") {
			h.def = f.DefValue
		}
		out = append(out, h)
	})
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// formatFlags lays flags out in two columns; a long flag puts its text on
// the next line.
func formatFlags(flags []helpFlag) string {
	const col = 24
	var b strings.Builder
	for _, f := range flags {
		text := f.usage
		if f.def != "" {
			text += fmt.Sprintf(" (default %s)", f.def)
		}
		lines := strings.Split(wrap(text, 78-col), "\n")
		left := "  " + f.left()
		if utf8.RuneCountInString(left) >= col-1 {
			fmt.Fprintf(&b, "%s\n%s%s\n", left, strings.Repeat(" ", col), lines[0])
		} else {
			fmt.Fprintf(&b, "%-*s%s\n", col, left, lines[0])
		}
		for _, l := range lines[1:] {
			fmt.Fprintf(&b, "%s%s\n", strings.Repeat(" ", col), l)
		}
	}
	return b.String()
}

// wrap breaks each paragraph of s at width columns (a CJK character takes
// two). Lines that start with a space are kept as they are (tables,
// examples).
func wrap(s string, width int) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line == "" || line[0] == ' ' {
			out = append(out, line)
			continue
		}
		cur, n := "", 0
		for _, word := range strings.Fields(line) {
			w := textWidth(word)
			if n > 0 && n+1+w > width {
				out = append(out, cur)
				cur, n = "", 0
			}
			if n > 0 {
				cur += " "
				n++
			}
			cur += word
			n += w
		}
		out = append(out, cur)
	}
	return strings.Join(out, "\n")
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
		writeUsage(e.stdout)
		return 0
	case 1:
		c := lookupCommand(fs.Arg(0))
		if c == nil {
			return unknownCommand(e.stderr, fs.Arg(0))
		}
		writeHelp(e.stdout, c, describe(c), true)
		return 0
	}
	return usageError(e, "help", "give one command, not %d", fs.NArg())
}

// unknownCommand reports a command that does not exist, in one line.
func unknownCommand(w io.Writer, name string) int {
	msg := fmt.Sprintf("unknown command %q", name)
	if s := nearest(name, commandNames()); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	flagError(w, "", msg)
	return 2
}
