package main

import (
	"fmt"
	"io"
	"strings"
)

// runMan implements "credwatch man": the manual page, in roff, written
// from the command table and the flag sets, as help is.
func runMan(e *env, args []string) int {
	fs := newFlags("man")
	if code, ok := parseFlags(fs, args, e.stdout, e.stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(e, "man", "unexpected argument %q", fs.Arg(0))
	}
	writeMan(e.stdout, version)
	return 0
}

// roff escapes text for a man page: backslashes, minus signs, characters
// beyond ASCII, and a dot or quote at the start of a line, which roff
// would read as a request.
func roff(s string) string {
	s = strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
	var b strings.Builder
	for _, r := range s { // ASCII only: every troff reads it, whatever the locale
		if r < 0x80 {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, `\[u%04X]`, r)
		}
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}

// manText writes paragraphs: a blank line starts a new one; lines that
// start with a space (tables, examples) are kept as they are.
func manText(b *strings.Builder, text string) {
	for _, para := range strings.Split(text, "\n\n") {
		b.WriteString(".PP\n")
		verbatim := false
		for _, l := range strings.Split(para, "\n") {
			indented := strings.HasPrefix(l, " ")
			if indented != verbatim {
				if indented {
					b.WriteString(".nf\n")
				} else {
					b.WriteString(".fi\n")
				}
				verbatim = indented
			}
			b.WriteString(roff(l) + "\n")
		}
		if verbatim {
			b.WriteString(".fi\n")
		}
	}
}

func manFlags(b *strings.Builder, flags []helpFlag) {
	for _, f := range flags {
		fmt.Fprintf(b, ".TP\n.B %s", roff(dashed(f.name)))
		if f.placeholder != "" {
			fmt.Fprintf(b, " \" \\fI%s\\fR\"", roff(f.placeholder))
		}
		text := f.usage
		if f.def != "" {
			text += fmt.Sprintf(" (default %s)", f.def)
		}
		b.WriteString("\n" + roff(strings.Join(strings.Fields(text), " ")) + "\n")
	}
}

func writeMan(w io.Writer, ver string) {
	var b strings.Builder
	fmt.Fprintf(&b, ".TH CREDWATCH 1 \"\" \"credwatch %s\" \"User Commands\"\n", roff(ver))
	b.WriteString(".SH NAME\ncredwatch \\- administrative credit disclosure and repair, for duty officers\n")
	b.WriteString(".SH SYNOPSIS\n.B credwatch\n[\\fIcommand\\fR] [\\fIflags\\fR]\n")
	b.WriteString(".SH DESCRIPTION\n")
	manText(&b, `credwatch is the duty officer's terminal tool for administrative credit disclosure and credit repair (常应急〔2022〕19号): a full-screen TUI over a local cache that syncs with the agencies' endpoints in the background, plus plain-text commands for scripts and SSH sessions. With no configuration it runs a demo: the agency simulator on loopback and a demo cache.

Global flags may come before or after the command: credwatch status --today 2026-11-30 and credwatch --today 2026-11-30 status do the same.`)
	b.WriteString(".SH COMMANDS\n")
	for _, c := range commands() {
		synopsis := "credwatch " + c.name
		if c.args != "" {
			synopsis += " " + c.args
		}
		fmt.Fprintf(&b, ".SS \"%s\"\n", roff(synopsis))
		manText(&b, enCat.T(c.about))
		manFlags(&b, flagList(enCat, describe(c)))
	}
	b.WriteString(".SH GLOBAL FLAGS\n")
	manFlags(&b, flagList(enCat, globalFlags(&globals{})))
	b.WriteString(".SH ENVIRONMENT\n")
	for _, v := range [][2]string{
		{"CREDWATCH_CONFIG", "the configuration file, when --config is not given"},
		{"CREDWATCH_TODAY", "today's date, YYYY-MM-DD, when --today is not given"},
		{"CREDWATCH_SIM_TOKEN", "the bearer token credwatch sim requires, when --token is not given"},
	} {
		fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", roff(v[0]), roff(v[1]))
	}
	b.WriteString(".SH FILES\n")
	manText(&b, `config.toml in the credwatch directory of the user configuration directory ($XDG_CONFIG_HOME or ~/.config on Linux, %AppData% on Windows): the configuration; config.toml.example documents every key. The cache is cache.db in the credwatch directory of the user cache directory, unless cache is set in the configuration.`)
	b.WriteString(".SH EXIT STATUS\n")
	manText(&b, `0 success; 1 a negative result (a failed check, an invalid code, a degraded status) or an error while working; 2 a usage or configuration error (status: 2 also when failing).`)
	b.WriteString(".SH SEE ALSO\n")
	manText(&b, `README.md and docs/ in the source: operations.md (running it, Windows), serve.md (the SSH server), rules.md (the rule sets), report.md (the monthly report), agency-api.md (the endpoints).`)
	io.WriteString(w, b.String())
}
