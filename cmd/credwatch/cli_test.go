package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/czyj/credwatch/tui/i18n"
)

// runCLI runs credwatch with args and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// Every command stops in parseFlags when described, so describe never runs
// one; and its flag set carries the command's name, which help looks up.
func TestEveryCommandDescribesItsFlags(t *testing.T) {
	for _, c := range commands() {
		col := &flagCollector{}
		c.run(&app{cfg: &Config{}, stdout: col, stderr: col}, &env{stdout: col, stderr: col}, nil)
		if col.fs == nil {
			t.Errorf("%s: its run function did not declare its flags through parseFlags", c.name)
			continue
		}
		if col.fs.Name() != c.name {
			t.Errorf("%s: flag set named %q", c.name, col.fs.Name())
		}
		if c.summary == "" || c.about == "" {
			t.Errorf("%s: no summary or description", c.name)
		}
	}
}

func TestGlobalFlagsBeforeOrAfterTheCommand(t *testing.T) {
	t.Setenv("CREDWATCH_CONFIG", "")
	t.Setenv("CREDWATCH_TODAY", "")
	cfg := filepath.Join(t.TempDir(), "c.toml")
	// 2031 is known only from this configuration.
	os.WriteFile(cfg, []byte("[calendar]\nyears = [2031]\n[[calendar.day]]\ndate = \"2031-01-01\"\nname = \"元旦\"\n"), 0o600)
	for _, args := range [][]string{
		{"--config", cfg, "workdays", "--from", "2031-01-01", "--add", "1"},
		{"workdays", "--config", cfg, "--from", "2031-01-01", "--add", "1"},
		{"workdays", "--from", "2031-01-01", "--add", "1", "--config=" + cfg},
	} {
		if code, out, errs := runCLI(t, args...); code != 0 || !strings.HasPrefix(out, "2031-01-02") {
			t.Errorf("%q: exit %d, out %q, err %q", args, code, out, errs)
		}
	}
	// --today after the command is the global flag: its mistake names it.
	for _, args := range [][]string{
		{"status", "--today", "2026-11-31", "--demo"},
		{"--today", "2026-11-31", "--demo", "status"},
	} {
		if code, _, errs := runCLI(t, args...); code != 2 || !strings.Contains(errs, `--today: invalid date "2026-11-31"`) {
			t.Errorf("%q: exit %d, err %q", args, code, errs)
		}
	}
}

func TestSplitArgs(t *testing.T) {
	for _, tc := range []struct {
		args          []string
		name          string
		globals, rest []string
		help          bool
	}{
		{[]string{"status", "--today", "2026-11-30"}, "status", []string{"--today", "2026-11-30"}, nil, false},
		{[]string{"--today", "2026-11-30", "status", "--json"}, "status", []string{"--today", "2026-11-30"}, []string{"--json"}, false},
		// sim has its own --today: after the command it is sim's.
		{[]string{"--today=2026-01-01", "sim", "--today", "2026-11-30"}, "sim", []string{"--today=2026-01-01"}, []string{"--today", "2026-11-30"}, false},
		// A command flag's value is never taken for a global flag or the command.
		{[]string{"export", "--filter", "--demo", "--view", "check"}, "export", nil, []string{"--filter", "--demo", "--view", "check"}, false},
		{[]string{"--demo", "import", "a.xlsx", "--lang", "en", "b.csv"}, "import", []string{"--demo", "--lang", "en"}, []string{"a.xlsx", "b.csv"}, false},
		{[]string{"when", "-h"}, "when", nil, nil, true},
		{[]string{"--help"}, "", nil, nil, true},
		{[]string{"uscc", "--", "--lang"}, "uscc", nil, []string{"--", "--lang"}, false},
		// tail's -n takes a value; -f does not.
		{[]string{"tail", "-f", "-n", "5", "--read-only"}, "tail", []string{"--read-only"}, []string{"-f", "-n", "5"}, false},
	} {
		inv := splitArgs(tc.args, globalFlags(&globals{}))
		if inv.name != tc.name || !slices.Equal(inv.globals, tc.globals) || !slices.Equal(inv.args, tc.rest) || inv.help != tc.help {
			t.Errorf("%q: command %q, globals %q, args %q, help %v; want %q, %q, %q, %v",
				tc.args, inv.name, inv.globals, inv.args, inv.help, tc.name, tc.globals, tc.rest, tc.help)
		}
	}
}

// A usage mistake is one line naming the flag and what is wrong, then
// where help is: not package flag's message and the whole usage.
func TestUsageErrorsAreOneLine(t *testing.T) {
	t.Setenv("CREDWATCH_CONFIG", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--demo", "when", "--decided", "garbage"}, `credwatch when: --decided: invalid date "garbage": want YYYY-MM-DD` + "\nrun 'credwatch when --help' for usage\n"},
		{[]string{"--demo", "when", "--decided"}, "credwatch when: --decided needs a value\nrun 'credwatch when --help' for usage\n"},
		{[]string{"--demo", "status", "--jsn"}, "credwatch status: unknown flag --jsn (did you mean --json?)\nrun 'credwatch status --help' for usage\n"},
		{[]string{"--demo", "status", "--json=maybe"}, "credwatch status: --json takes no value (or =true, =false), got \"maybe\"\nrun 'credwatch status --help' for usage\n"},
		{[]string{"--demo", "tail", "-n", "many"}, "credwatch tail: -n: invalid value \"many\": want a whole number\nrun 'credwatch tail --help' for usage\n"},
		{[]string{"--demo", "sim", "--tick", "soon"}, "credwatch sim: --tick: invalid value \"soon\": want a duration such as 30s or 5m\nrun 'credwatch sim --help' for usage\n"},
		{[]string{"--demo", "when", "--decided", "2026-01-05", "extra"}, "credwatch when: unexpected argument \"extra\"\nrun 'credwatch when --help' for usage\n"},
		{[]string{"statsu"}, "credwatch: unknown command \"statsu\" (did you mean \"status\"?)\nrun 'credwatch --help' for usage\n"},
		{[]string{"--bogus", "status"}, "credwatch: unknown flag --bogus\nrun 'credwatch --help' for usage\n"},
		{[]string{"--lnag", "en", "status"}, "credwatch: unknown flag --lnag (did you mean --lang?)\nrun 'credwatch --help' for usage\n"},
		{[]string{"status", "--lang", "fr"}, "credwatch: --lang: want zh or en, got \"fr\"\nrun 'credwatch --help' for usage\n"},
		{[]string{"--encoding", "latin1", "status"}, "credwatch: --encoding: want gb18030 or utf-8, got \"latin1\"\nrun 'credwatch --help' for usage\n"},
		{[]string{"completion", "fish"}, "credwatch completion: unknown shell \"fish\": want bash, zsh, powershell\nrun 'credwatch completion --help' for usage\n"},
	} {
		code, out, errs := runCLI(t, tc.args...)
		if code != 2 || errs != tc.want || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr\n%s\nwant\n%s", tc.args, code, out, errs, tc.want)
		}
	}
}

// Help has one form for every command (synopsis, description, its flags,
// the global flags), on stdout, without reading the configuration (which
// may be the thing that is broken).
func TestHelpForEveryCommand(t *testing.T) {
	t.Setenv("CREDWATCH_CONFIG", "")
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("lnag = \"en\"\n"), 0o600)
	for _, c := range commands() {
		want := ""
		for _, args := range [][]string{{c.name, "--help"}, {"--config", bad, c.name, "-h"}, {"help", c.name}, {"-h", c.name}} {
			code, out, errs := runCLI(t, args...)
			if code != 0 || errs != "" {
				t.Errorf("%q: exit %d, stderr %q", args, code, errs)
				continue
			}
			if want == "" {
				want = out
			} else if out != want {
				t.Errorf("%q: help differs from %s --help", args, c.name)
			}
		}
		synopsis := "Usage: credwatch " + c.name
		if c.name == "tui" {
			synopsis = "Usage: credwatch [tui]"
		}
		if !strings.HasPrefix(want, synopsis) {
			t.Errorf("%s --help starts %q", c.name, strings.SplitN(want, "\n", 2)[0])
		}
		own, global := strings.Index(want, "\nFlags:\n"), strings.Index(want, "\nGlobal flags (before or after the command):\n")
		if global < 0 || (own > global) {
			t.Errorf("%s --help: flags, then global flags, in that order:\n%s", c.name, want)
		}
		for _, f := range flagList(enCat, describe(c)) {
			if !strings.Contains(want[:global], "  "+f.left()) {
				t.Errorf("%s --help does not list %s", c.name, f.left())
			}
		}
		for _, line := range strings.Split(want, "\n") {
			if textWidth(line) > 80 {
				t.Errorf("%s --help: line wider than 80 columns: %q", c.name, line)
			}
		}
	}
	code, out, _ := runCLI(t, "--help")
	if code != 0 || !strings.Contains(out, "Commands:") {
		t.Fatalf("--help: exit %d\n%s", code, out)
	}
	for _, name := range commandNames() {
		if name != "tui" && !strings.Contains(out, "\n  "+name+" ") {
			t.Errorf("--help does not list %s", name)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	code2, out2, _ := runCLI(t, "--version")
	code3, out3, _ := runCLI(t, "status", "--version")
	if code != 0 || code2 != 0 || code3 != 0 || out != out2 || out != out3 {
		t.Errorf("version (%d) %q, --version (%d) %q, status --version (%d) %q", code, out, code2, out2, code3, out3)
	}
	lines := strings.Split(out, "\n")
	if lines[0] != "credwatch "+version || !strings.HasPrefix(lines[1], "commit ") || !strings.HasPrefix(lines[3], "go ") {
		t.Errorf("version:\n%s", out)
	}
}

// The stamped commit and build date win over the VCS information.
func TestVersionStamped(t *testing.T) {
	defer func(v, c, d string) { version, commit, buildDate = v, c, d }(version, commit, buildDate)
	version, commit, buildDate = "v1.2.3", "0123456789abcdef", "2026-12-05T03:00:00Z"
	_, out, _ := runCLI(t, "--version")
	for _, w := range []string{"credwatch v1.2.3\n", "commit     0123456789abcdef", "built      2026-12-05T03:00:00Z"} {
		if !strings.Contains(out, w) {
			t.Errorf("version output lacks %q:\n%s", w, out)
		}
	}
}

func completionScript(t *testing.T, shell string) string {
	t.Helper()
	code, out, errs := runCLI(t, "completion", shell)
	if code != 0 || errs != "" {
		t.Fatalf("completion %s: exit %d, %s", shell, code, errs)
	}
	return out
}

// The bash script parses, and completes commands, flags and the values of
// flags with a fixed list, global flags after the command included.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	script := filepath.Join(t.TempDir(), "credwatch.bash")
	os.WriteFile(script, []byte(completionScript(t, "bash")), 0o600)
	if out, err := exec.Command(bash, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	cases := []struct{ line, want string }{
		{"credwatch st", "status"},
		{"credwatch export --format ", "csv json xlsx"},
		{"credwatch export --view s", "sharing sync"},
		{"credwatch --lang ", "zh en"},
		{"credwatch status --encoding g", "gb18030"},
		{"credwatch --config x.toml sta", "status"},
		{"credwatch status --j", "--json"},
		{"credwatch completion ", "bash zsh powershell"},
		{"credwatch report --format x", "xlsx"},
		{"credwatch when --severity s", "serious"},
		{"credwatch sim --to", "--today --token"},
		{"credwatch help wh", "when"},
		{"credwatch export --out ", ""}, // a file: bash's default completion
	}
	var prog strings.Builder
	prog.WriteString("source " + script + "\n")
	prog.WriteString(`t() { COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _credwatch; echo "${COMPREPLY[*]}"; }` + "\n")
	for _, c := range cases {
		words := strings.Fields(c.line)
		if strings.HasSuffix(c.line, " ") {
			words = append(words, "")
		}
		prog.WriteString("t")
		for _, w := range words {
			prog.WriteString(" '" + w + "'")
		}
		prog.WriteString("\n")
	}
	out, err := exec.Command(bash, "-c", prog.String()).CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(got) != len(cases) {
		t.Fatalf("%d answers for %d cases:\n%s", len(got), len(cases), out)
	}
	for i, c := range cases {
		if got[i] != c.want {
			t.Errorf("%q completes to %q, want %q", c.line, got[i], c.want)
		}
	}
}

// The zsh script parses and registers itself (zsh may not be installed:
// apt-get install zsh).
func TestZshCompletion(t *testing.T) {
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Skip("zsh is not installed")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "_credwatch")
	os.WriteFile(script, []byte(completionScript(t, "zsh")), 0o600)
	if out, err := exec.Command(zsh, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
	out, err := exec.Command(zsh, "-fc", "autoload -U compinit; compinit -u -d "+filepath.Join(dir, "zcompdump")+"; source "+script+"; print -r -- ${_comps[credwatch]}").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "_credwatch" {
		t.Errorf("zsh did not register the completion: %v\n%s", err, out)
	}
}

// PowerShell is not on the build machines: the script is compared with a
// golden file (go test -run TestPowerShellCompletion -update), checked by
// hand on Windows PowerShell 5.1 (docs/operations.md says so), and the
// quoting is checked here.
func TestPowerShellCompletion(t *testing.T) {
	s := completionScript(t, "powershell")
	golden.RequireEqual(t, []byte(s))
	for _, c := range commands() {
		if !strings.Contains(s, "'"+c.name+"' = ") {
			t.Errorf("command %s missing", c.name)
		}
	}
	if strings.Count(s, "{") != strings.Count(s, "}") || strings.Count(s, "(") != strings.Count(s, ")") {
		t.Error("unbalanced braces or parentheses")
	}
	for i, line := range strings.Split(s, "\n") {
		if strings.Count(strings.ReplaceAll(line, "''", ""), "'")%2 != 0 && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			t.Errorf("line %d: unbalanced quotes: %s", i+1, line)
		}
	}
}

// The man page is roff that groff reads without a warning, and documents
// every command and flag.
func TestManPage(t *testing.T) {
	code, page, errs := runCLI(t, "man")
	if code != 0 || errs != "" {
		t.Fatalf("man: exit %d, %s", code, errs)
	}
	for _, want := range []string{".TH CREDWATCH 1 ", ".SH NAME\n", ".SH SYNOPSIS\n", ".SH COMMANDS\n", ".SH GLOBAL FLAGS\n", ".SH EXIT STATUS\n"} {
		if !strings.Contains(page, want) {
			t.Errorf("man page lacks %q", want)
		}
	}
	for _, c := range commands() {
		if !strings.Contains(page, `.SS "credwatch `+c.name) {
			t.Errorf("man page lacks command %s", c.name)
		}
		for _, f := range flagList(enCat, describe(c)) {
			if !strings.Contains(page, ".B "+roff(dashed(f.name))+"\n") && !strings.Contains(page, ".B "+roff(dashed(f.name))+" ") {
				t.Errorf("man page lacks %s %s", c.name, dashed(f.name))
			}
		}
	}
	for i, r := range page {
		if r >= 0x80 {
			t.Fatalf("non-ASCII character %q at byte %d", r, i)
		}
	}
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("groff is not installed")
	}
	cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = strings.NewReader(page)
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("groff: %v\n%s", err, out)
	}
	cmd = exec.Command(groff, "-man", "-Tutf8", "-P", "-cbou")
	cmd.Stdin = strings.NewReader(page)
	out, err := cmd.Output()
	if err != nil || !strings.Contains(string(out), "行政处罚") || !strings.Contains(string(out), "decided YYYY") {
		t.Errorf("groff rendering: %v\n%.500s", err, out)
	}
}

func TestEncodeOutputGB18030(t *testing.T) {
	var b bytes.Buffer
	w := encodeOutput(&b, encGB18030)
	// A BOM, and a character split between two writes.
	io1, io2 := "\uFEFF名称,备注\r\n信"[:17], "\uFEFF名称,备注\r\n信"[17:]
	w.Write([]byte(io1))
	w.Write([]byte(io2))
	w.Close()
	want, _ := simplifiedchinese.GB18030.NewEncoder().String("名称,备注\r\n信")
	if b.String() != want {
		t.Errorf("got % x, want % x", b.Bytes(), want)
	}
	b.Reset()
	u := encodeOutput(&b, encUTF8)
	u.Write([]byte("\uFEFF名称"))
	u.Close()
	if b.String() != "\uFEFF名称" {
		t.Errorf("utf-8 changed the output: %q", b.String())
	}
}

// --encoding gb18030 re-encodes a text command's output, before or after
// the command; UTF-8 elsewhere than Windows by default.
func TestEncodingFlag(t *testing.T) {
	t.Setenv("CREDWATCH_CONFIG", "")
	_, plain, _ := runCLI(t, "--demo", "when", "--decided", "2026-01-05")
	if !strings.ContainsFunc(plain, func(r rune) bool { return r > 0x7f }) {
		t.Fatalf("when printed no Chinese to test with:\n%s", plain)
	}
	want, _ := simplifiedchinese.GB18030.NewEncoder().String(plain)
	for _, args := range [][]string{
		{"--demo", "--encoding", "gb18030", "when", "--decided", "2026-01-05"},
		{"--demo", "when", "--decided", "2026-01-05", "--encoding=GB18030"},
	} {
		if code, out, _ := runCLI(t, args...); code != 0 || out != want {
			t.Errorf("%q: exit %d, output not the GB18030 of the UTF-8 one", args, code)
		}
	}
	if _, out, _ := runCLI(t, "--demo", "--encoding", "utf-8", "when", "--decided", "2026-01-05"); out != plain {
		t.Error("--encoding utf-8 changed the output")
	}
	if enc, err := pickEncoding("", &bytes.Buffer{}); err != nil || enc != encUTF8 {
		t.Errorf("default encoding for a buffer: %v %v", enc, err)
	}
}

// Outside Windows the legacy console is never blamed.
func TestTUIErrorUnchanged(t *testing.T) {
	err := os.ErrInvalid
	if got := tuiError(err, "zh"); got != err.Error() {
		t.Errorf("tuiError = %q", got)
	}
	for _, lang := range []string{"zh", "en"} {
		if help := i18n.New(lang).T("cli.legacyconsole"); !strings.Contains(help, "Windows Terminal") {
			t.Errorf("%s: the legacy console help does not offer Windows Terminal", lang)
		}
	}
}
