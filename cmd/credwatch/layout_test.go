package main

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// moduleRoot is the import path of the module, the prefix of every
// credwatch package.
const moduleRoot = "github.com/czyj/credwatch/"

// mayImport is the layering of docs/architecture.md: for each package, the
// credwatch packages it may import directly. cmd/credwatch, which wires
// everything, may import any of them, but not the dependencies onlyIn
// gives to one package. A package missing here fails the
// test, so a new one is placed in the layering on purpose.
var mayImport = map[string][]string{
	"credit":            {},
	"credit/credittest": {"credit"},
	"store":             {"credit"},
	"store/audit":       {"credit"},
	"sync/api":          {"credit"},
	"sync":              {"credit", "sync/api"},
	"sync/sim":          {"credit", "sync/api"},
	"sync/sheet":        {"credit", "sync"},
	"sync/sqlsource":    {"credit", "sync"},
	"tui/i18n":          {"credit"},
	"tui/table":         {},
	"tui":               {"credit", "tui/i18n", "tui/table"},
	"tui/serve":         {"credit", "store", "store/audit", "tui", "tui/i18n"},
}

// onlyIn names the packages that alone may import a dependency directly
// (by import path prefix): the store is the only importer of bbolt, the
// interface of Bubble Tea and its kin, the sync engine of net/http.
var onlyIn = []struct {
	prefix string
	pkgs   []string
}{
	{"go.etcd.io/bbolt", []string{"store"}},
	{"github.com/charmbracelet/", []string{"tui", "tui/table", "tui/serve"}},
	{"net/http", []string{"sync", "sync/sim"}},
	{"database/sql", []string{"sync/sqlsource"}},
	{"github.com/xuri/excelize", []string{"sync/sheet"}},
}

// neverLinks names what a package must not link even indirectly: the
// domain nothing but the standard library, the interface no HTTP client
// (it speaks the domain's events, not the sync engine's).
var neverLinks = map[string][]string{
	"credit":    {"net/http", "go.etcd.io/bbolt", "github.com/charmbracelet/bubbletea"},
	"store":     {"net/http", "github.com/charmbracelet/bubbletea"},
	"tui":       {"net/http", "go.etcd.io/bbolt"},
	"tui/table": {"net/http", "go.etcd.io/bbolt", moduleRoot + "credit"},
	"tui/i18n":  {"github.com/charmbracelet/bubbletea", "go.etcd.io/bbolt", "net/http"},
}

type listedPackage struct {
	ImportPath string
	Imports    []string
	Deps       []string
	Standard   bool
}

// TestLayering holds the module to the layering docs/architecture.md
// describes: which credwatch package may import which, which package alone
// imports a dependency, and what the domain and the interface never link.
func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Deps,Standard", "../../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := map[string]bool{}
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(p.ImportPath, moduleRoot)
		seen[name] = true
		allowed, ok := mayImport[name]
		if !ok && name != "cmd/credwatch" { // the command wires every package
			t.Errorf("package %s is not in the layering (mayImport, docs/architecture.md)", name)
			continue
		}
		for _, imp := range p.Imports {
			if rel, ours := strings.CutPrefix(imp, moduleRoot); ours && ok && !slices.Contains(allowed, rel) {
				t.Errorf("%s imports %s; the layering allows only %v", name, rel, allowed)
			}
			for _, o := range onlyIn {
				if strings.HasPrefix(imp, o.prefix) && !slices.Contains(o.pkgs, name) {
					t.Errorf("%s imports %s, which only %v may import", name, imp, o.pkgs)
				}
			}
		}
		for _, never := range neverLinks[name] {
			for _, d := range p.Deps {
				if d == never || strings.HasPrefix(d, never+"/") {
					t.Errorf("%s links %s (through its imports)", name, d)
					break
				}
			}
		}
		if name == "credit" {
			for _, d := range p.Deps {
				if strings.Contains(strings.SplitN(d, "/", 2)[0], ".") {
					t.Errorf("the domain (credit) links %s: it may use only the standard library", d)
				}
			}
		}
	}
	for name := range mayImport {
		if !seen[name] {
			t.Errorf("the layering names %s, which no longer exists", name)
		}
	}
}
