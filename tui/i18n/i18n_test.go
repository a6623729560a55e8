package i18n

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/width"

	"github.com/czyj/credwatch/credit"
)

// verb matches a fmt verb, with its explicit argument index if any.
var verb = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0-9.]*([a-zA-Z%])`)

// verbArgs maps each argument a format uses (1-based) to the class of its
// verb ("s" for %s, %q, %v and %c, which show a value as text; else the
// letter), and reports whether the format picks arguments by index (%[2]s).
func verbArgs(format string) (args map[int]string, indexed bool) {
	args = map[int]string{}
	next := 1
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if m[2] == "%" {
			continue
		}
		if m[1] != "" {
			next, _ = strconv.Atoi(m[1])
			indexed = true
		}
		class := m[2]
		if class == "q" || class == "v" || class == "c" {
			class = "s"
		}
		args[next] = class
		next++
	}
	return args, indexed
}

// argCount checks that the two languages of a message agree on its
// arguments and returns how many it takes. Where the languages word a
// message with different arguments (a Chinese name in one, an English
// identifier in the other), they pick them by index (%[2]s); then each
// argument is used by at least one of them.
func argCount(t *testing.T, key string, m message) int {
	t.Helper()
	zh, zhIdx := verbArgs(m.zh)
	en, enIdx := verbArgs(m.en)
	n := 0
	for i, c := range zh {
		n = max(n, i)
		if ce, ok := en[i]; ok && ce != c {
			t.Errorf("%s: argument %d is %%%s in Chinese, %%%s in English", key, i, c, ce)
		}
	}
	for i := range en {
		n = max(n, i)
	}
	for i := 1; i <= n; i++ {
		if _, ok := zh[i]; !ok {
			if _, ok := en[i]; !ok {
				t.Errorf("%s: argument %d is used by neither language", key, i)
			}
		}
	}
	// Without indexes, fmt complains of an argument a format does not use.
	if !zhIdx && len(zh) != n || !enIdx && len(en) != n {
		t.Errorf("%s: verbs differ: zh %q en %q", key, m.zh, m.en)
	}
	return n
}

func TestCatalogueComplete(t *testing.T) {
	for key, m := range messages {
		if m.zh == "" || m.en == "" {
			t.Errorf("%s: missing a language", key)
		}
		argCount(t, key, m)
	}
}

// quotesValue: the Chinese texts of data-quality issues and credit-code
// reasons quote the value a source system sent in “”, which are
// East-Asian-ambiguous. They did so before they moved here from credit
// (where no test looked at them), and the tui shows them only in a
// record's detail and the records list's detail line; changing them would
// change what officers see, which this move must not.
func quotesValue(key string, r rune) bool {
	return (r == '“' || r == '”') && (strings.HasPrefix(key, "issue.") || strings.HasPrefix(key, "uscc."))
}

func TestMessagesHaveNoAmbiguousWidth(t *testing.T) {
	for key, m := range messages {
		for _, s := range []string{m.zh, m.en} {
			for _, r := range s {
				if r >= 0x20 && r != 0x7f && width.LookupRune(r).Kind() == width.EastAsianAmbiguous && !quotesValue(key, r) {
					t.Errorf("message %s has ambiguous-width %q (U+%04X)", key, r, r)
				}
			}
		}
	}
}

// Every text the domain can emit is in the catalogue, with the arguments
// its message takes. The domain makes every credit.Text with
// credit's text(key, args...) and a literal key (this test fails on any
// other way), so reading credit's source finds them all.
func TestDomainKeysInCatalogue(t *testing.T) {
	files, err := filepath.Glob("../../credit/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("credit's source: %v (%d files)", err, len(files))
	}
	fset := token.NewFileSet()
	found := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Name.Name == "text" && n.Recv == nil {
					return false // the constructor itself
				}
			case *ast.CompositeLit:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "Text" {
					t.Errorf("%s: a Text made without text(): its key escapes this test", fset.Position(n.Pos()))
				}
			case *ast.CallExpr:
				id, ok := n.Fun.(*ast.Ident)
				if !ok || id.Name != "text" {
					return true
				}
				pos := fset.Position(n.Pos())
				lit, ok := n.Args[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Errorf("%s: text() with a key that is not a literal", pos)
					return true
				}
				key, _ := strconv.Unquote(lit.Value)
				found++
				m, ok := messages[key]
				if !ok {
					t.Errorf("%s: key %q is not in the catalogue", pos, key)
					return true
				}
				if want := argCount(t, key, m); n.Ellipsis == token.NoPos && len(n.Args)-1 != want {
					t.Errorf("%s: %q is given %d arguments, its message takes %d", pos, key, len(n.Args)-1, want)
				}
			}
			return true
		})
	}
	if found == 0 {
		t.Fatal("no text() call found in credit: has the constructor been renamed?")
	}
}

// Text words nested texts and lists in its own language.
func TestText(t *testing.T) {
	old := messages
	t.Cleanup(func() { messages = old })
	messages = map[string]message{
		"outer": {"外%s：%s；%d", "outer %s: %s; %d"},
		"inner": {"内", "inner"},
	}
	in := credit.Text{Key: "inner"}
	tx := credit.Text{Key: "outer", Args: []any{in, []string{"a", "b"}, 3}}
	if got := New("zh").Text(tx); got != "外内：a、b；3" {
		t.Errorf("zh: %q", got)
	}
	if got := New("en").Text(tx); got != "outer inner: a, b; 3" {
		t.Errorf("en: %q", got)
	}
	lst := credit.Text{Key: "outer", Args: []any{"x", []credit.Text{in, in}, 1}}
	if got := New("en").Text(lst); got != "outer x: inner, inner; 1" {
		t.Errorf("en list of texts: %q", got)
	}
	if got := New("zh").Text(credit.Text{Key: "missing"}); got != "missing" {
		t.Errorf("unknown key: %q", got)
	}
}

// The domain's texts read as they did when credit built them itself (the
// strings below are what credit's Zh and English fields held).
func TestDomainTextsWorded(t *testing.T) {
	issue := func(rec *credit.Record, code string) credit.Text {
		t.Helper()
		for _, is := range credit.CheckRecord(rec, credit.MustDate("2026-11-30")) {
			if is.Code == code {
				return is.Text
			}
		}
		t.Fatalf("no %s issue for %+v", code, rec)
		return credit.Text{}
	}
	legal := &credit.Record{Kind: credit.Penalty, SubjectKind: credit.SubjectLegal, USCC: "91350100m000100Y43"}
	general := &credit.Record{Kind: credit.Penalty, Severity: credit.General, Accident: true}
	badKind := &credit.Record{Kind: credit.Penalty, SubjectKind: "x"}
	dup := credit.DuplicateDocNoIssues([]*credit.Record{
		{Kind: credit.Penalty, ID: "1", DocNo: "罚1号"}, {Kind: credit.Penalty, ID: "2", DocNo: "罚1号"}, {Kind: credit.Penalty, ID: "3", DocNo: "罚1号"}})
	for _, tc := range []struct {
		name   string
		text   credit.Text
		zh, en string
	}{
		{"uscc", issue(legal, credit.IssueUSCCCheck),
			"统一社会信用代码第9位“m”为小写字母", "unified social credit code character 9 'm' is lower case"},
		{"duplicate", dup["penalty/2"].Text,
			"决定书文号罚1号与penalty/1、penalty/3重复", "document number 罚1号 is also used by penalty/1, penalty/3"},
		{"three-in-step", issue(&credit.Record{Kind: credit.Penalty, Severity: credit.General}, credit.IssueThreeInStep),
			"三同步未落实：信用告知、诚信教育、修复提醒", "三同步 not complete: missing repair notice, integrity education, repair reminder"},
		{"accident (indexed)", issue(general, credit.IssueAccidentGrading),
			"涉及生产安全事故但失信程度为一般，应为严重失信（第八条），日期按严重失信计算",
			"involves a production-safety accident but is graded general: it is serious (Art. 8); dates use the serious tier"},
		{"subject kind (indexed)", issue(badKind, credit.IssueBadSubjectKind),
			"行政相对人类别“x”无效", `subject kind "x" is not one of 法人及非法人组织, 自然人, 个体工商户`},
		{"three-in-step why", credit.CheckThreeInStep(&credit.Record{Kind: credit.Penalty, Severity: credit.Serious}).Why,
			"严重失信，仅适用于一般行政处罚", "serious penalty: only general ones"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := New("zh").Text(tc.text); got != tc.zh {
				t.Errorf("zh %q, want %q", got, tc.zh)
			}
			if got := New("en").Text(tc.text); got != tc.en {
				t.Errorf("en %q, want %q", got, tc.en)
			}
		})
	}
}

// TestViewKeysInCatalogue finds every literal key the view, the SSH
// server and the commands look up (c.t("…"), c.f("…"), T, F, and the
// server's msg/msgf, whose keys are under "serve.") and fails on one the
// catalogue lacks: a missing key would be shown to the officer as the key.
func TestViewKeysInCatalogue(t *testing.T) {
	prefix := map[string]string{"t": "", "f": "", "T": "", "F": "", "msg": "serve.", "msgf": "serve."}
	fset := token.NewFileSet()
	found := 0
	for _, root := range []string{"../../tui", "../../cmd"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) == 0 {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				pre, ok := prefix[sel.Sel.Name]
				lit, isLit := call.Args[0].(*ast.BasicLit)
				if !ok || !isLit || lit.Kind != token.STRING {
					return true
				}
				key, _ := strconv.Unquote(lit.Value)
				if strings.ContainsAny(key, " %/") || key == "" { // not a catalogue key (e.g. a format or a path)
					return true
				}
				found++
				if _, ok := messages[pre+key]; !ok {
					t.Errorf("%s: key %q is not in the catalogue", fset.Position(call.Pos()), pre+key)
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if found < 100 {
		t.Fatalf("found only %d lookups: the scan no longer sees the view's calls", found)
	}
}

// English counts agree with their noun: 1 record, 2 records; Chinese has
// no plural; a singular form exists only beside its plural.
func TestEnglishSingular(t *testing.T) {
	en, zh := New("en"), New("zh")
	for _, c := range []struct {
		key  string
		n    int
		want string
	}{
		{"chk.records", 1, "1 record"},
		{"chk.records", 2, "2 records"},
		{"chk.records", 0, "0 records"},
		{"check.push-stale", 1, "1 department has not pushed for over a working day"},
		{"check.push-stale", 3, "3 departments have not pushed for over a working day"},
	} {
		if got := en.F(c.key, c.n); got != c.want {
			t.Errorf("en %s(%d) = %q, want %q", c.key, c.n, got, c.want)
		}
		if got := en.Text(credit.Text{Key: c.key, Args: []any{c.n}}); got != c.want {
			t.Errorf("en Text %s(%d) = %q, want %q", c.key, c.n, got, c.want)
		}
		if got, want := zh.F(c.key, c.n), fmt.Sprintf(messages[c.key].zh, c.n); got != want {
			t.Errorf("zh %s(%d) = %q, want %q", c.key, c.n, got, want)
		}
	}
	for key := range messages {
		if base, ok := strings.CutSuffix(key, ".one"); ok {
			if _, ok := messages[base]; !ok {
				t.Errorf("%s has no plural %s", key, base)
			}
		}
	}
}
