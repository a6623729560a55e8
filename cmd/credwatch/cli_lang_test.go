package main

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/czyj/credwatch/tui/i18n"
)

func TestCLILangOf(t *testing.T) {
	cases := []struct {
		name, flag string
		env        map[string]string
		goos, want string
	}{
		{name: "zh_CN", env: map[string]string{"LANG": "zh_CN.UTF-8"}, goos: "linux", want: "zh"},
		{name: "zh_TW", env: map[string]string{"LANG": "zh_TW.UTF-8"}, goos: "linux", want: "zh"},
		{name: "C", env: map[string]string{"LANG": "C"}, goos: "linux", want: "en"},
		{name: "en_US", env: map[string]string{"LANG": "en_US.UTF-8"}, goos: "linux", want: "en"},
		{name: "LC_ALL wins", env: map[string]string{"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, goos: "linux", want: "en"},
		{name: "LC_MESSAGES before LANG", env: map[string]string{"LC_MESSAGES": "zh_CN.GB18030", "LANG": "en_US.UTF-8"}, goos: "linux", want: "zh"},
		{name: "flag wins", flag: "en", env: map[string]string{"LANG": "zh_CN.UTF-8"}, goos: "linux", want: "en"},
		{name: "unset on Linux: the C locale", goos: "linux", want: "en"},
		{name: "unset on Windows", goos: "windows", want: "zh"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := cliLangOf(tc.flag, func(k string) string { return tc.env[k] }, tc.goos); got != tc.want {
				t.Errorf("cliLangOf = %q, want %q", got, tc.want)
			}
		})
	}
}

// setLocale sets the locale for a test: LANG, with LC_ALL and LC_MESSAGES
// cleared.
func setLocale(t *testing.T, lang string) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", lang)
	t.Cleanup(func() { setCLILang("en") })
}

func TestHelpFollowsLocale(t *testing.T) {
	t.Setenv("CREDWATCH_CONFIG", "")
	setLocale(t, "zh_CN.UTF-8")
	code, out, _ := runCLI(t, "status", "--help")
	for _, want := range []string{"用法：credwatch status [--json]\n", "打印缓存的健康状况", "\n参数：\n  --json                一个 JSON 对象", "\n全局参数（可放在命令之前或之后）：\n", "  --today DATE          假定今天是 DATE"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("LANG=zh_CN.UTF-8 status --help: exit %d, no %q in\n%s", code, want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if textWidth(line) > 80 {
			t.Errorf("line wider than 80 columns: %q", line)
		}
	}
	// Every command's Chinese help fits 80 columns and lists its flags.
	for _, c := range commands() {
		_, out, _ := runCLI(t, c.name, "--help")
		if !strings.HasPrefix(out, "用法：credwatch") || !strings.Contains(out, "全局参数") {
			t.Errorf("%s --help is not Chinese:\n%s", c.name, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if textWidth(line) > 80 {
				t.Errorf("%s --help: line wider than 80 columns: %q", c.name, line)
			}
		}
	}
	if _, out, _ := runCLI(t, "--help"); !strings.Contains(out, "\n命令：\n") {
		t.Errorf("--help is not Chinese:\n%s", out)
	}
	code, _, errs := runCLI(t, "--demo", "when", "--decided", "garbage")
	if want := "credwatch when: --decided：日期 \"garbage\" 无效：应为 YYYY-MM-DD\n运行 'credwatch when --help' 查看用法\n"; code != 2 || errs != want {
		t.Errorf("LANG=zh_CN.UTF-8 when --decided garbage: exit %d\n%s\nwant\n%s", code, errs, want)
	}
	code, _, errs = runCLI(t, "--demo", "workdays", "--from", "2026-11-30")
	if want := "credwatch workdays: 请给出 --add N 或 --to 日期\n运行 'credwatch workdays --help' 查看用法\n"; code != 2 || errs != want {
		t.Errorf("a command's own usage error: exit %d\n%s\nwant\n%s", code, errs, want)
	}
	// --lang en wins over the locale.
	if _, out, _ := runCLI(t, "status", "--help", "--lang", "en"); !strings.HasPrefix(out, "Usage: credwatch status") {
		t.Errorf("--lang en status --help:\n%s", out)
	}
	// Completion descriptions follow it too.
	if _, out, _ := runCLI(t, "completion", "zsh"); !strings.Contains(out, "缓存、接口和部门的健康状况") {
		t.Errorf("zsh completion has no Chinese descriptions")
	}
	// The man page stays English.
	if _, out, _ := runCLI(t, "man"); !strings.Contains(out, "Prints the health of the cache") || strings.Contains(out, "打印缓存的健康状况") {
		t.Errorf("the man page is not the English one")
	}

	setLocale(t, "C")
	code, out, _ = runCLI(t, "status", "--help")
	if code != 0 || !strings.HasPrefix(out, "Usage: credwatch status [--json]\n\nPrints the health of the cache") {
		t.Errorf("LANG=C status --help: exit %d\n%s", code, out)
	}
	code, _, errs = runCLI(t, "--demo", "when", "--decided", "garbage")
	if want := "credwatch when: --decided: invalid date \"garbage\": want YYYY-MM-DD\nrun 'credwatch when --help' for usage\n"; code != 2 || errs != want {
		t.Errorf("LANG=C when --decided garbage: exit %d\n%s", code, errs)
	}
	if _, out, _ := runCLI(t, "--lang", "zh", "--help"); !strings.Contains(out, "命令：") {
		t.Errorf("--lang zh --help is not Chinese:\n%s", out)
	}
}

// Every command's texts and every flag's usage are message keys the
// catalogue holds in both languages.
func TestCLITextsInBothLanguages(t *testing.T) {
	zh, en := i18n.New("zh"), i18n.New("en")
	check := func(what, key string) {
		for _, c := range []i18n.Catalog{zh, en} {
			if c.T(key) == key {
				t.Errorf("%s: %q is not in the catalogue", what, key)
				return
			}
		}
		if zh.T(key) == en.T(key) {
			t.Errorf("%s: %q has the same text in both languages", what, key)
		}
	}
	for _, c := range commands() {
		check(c.name, c.summary)
		check(c.name, c.about)
		describe(c).VisitAll(func(f *flag.Flag) { check(c.name+" --"+f.Name, f.Usage) })
	}
	globalFlags(&globals{}).VisitAll(func(f *flag.Flag) { check("--"+f.Name, f.Usage) })
}

// Every usage error whose message its call site writes as a literal has
// a Chinese text (cliText): the messages of usageError, and flagError's
// literal ones.
func TestUsageErrorsTranslated(t *testing.T) {
	zh := i18n.New("zh")
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			id, ok := call.Fun.(*ast.Ident)
			arg := 2 // usageError(e, name, format), flagError(w, name, msg)
			switch {
			case !ok:
				return true
			case id.Name == "fail" || id.Name == "usageErr": // a command's own shorthand for usageError
				arg = 0
			case id.Name != "usageError" && id.Name != "flagError":
				return true
			}
			if len(call.Args) <= arg {
				return true
			}
			lit, ok := call.Args[arg].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			msg, _ := strconv.Unquote(lit.Value)
			if cliText(zh, msg) == msg {
				t.Errorf("%s: usage error %q has no Chinese text (cli.u. in msg_cli.go)", fset.Position(lit.Pos()), msg)
			}
			return true
		})
	}
}
