package main

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/sync/sheet"
	"github.com/czyj/credwatch/tui"
)

// TestExportDirFor: where exports go without --out, with a fake home and
// environment: the variable, export_dir, then Documents as the platform
// has it, then home.
func TestExportDirFor(t *testing.T) {
	home := filepath.FromSlash("/home/duty")
	if runtime.GOOS == "windows" {
		home = `C:\Users\duty`
	}
	j := func(parts ...string) string { return filepath.Join(append([]string{home}, parts...)...) }
	userDirs := func(text string) map[string]string {
		return map[string]string{j(".config", "user-dirs.dirs"): text}
	}
	for _, tc := range []struct {
		name       string
		goos       string
		configured string
		env        map[string]string
		files      map[string]string // path: content
		dirs       []string          // directories that exist
		noHome     bool
		want       string // "" : an error
	}{
		{name: "environment first", env: map[string]string{"CREDWATCH_EXPORT_DIR": j("x")}, configured: j("y"), want: j("x")},
		{name: "export_dir", configured: j("y"), want: j("y")},
		{name: "export_dir with ~", configured: "~/导出", want: j("导出")},
		{name: "user-dirs.dirs", files: userDirs("# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/桌面\"\nXDG_DOCUMENTS_DIR=\"$HOME/文档\"\n"),
			dirs: []string{j("Documents")}, want: j("文档")},
		{name: "user-dirs.dirs absolute", files: userDirs(`XDG_DOCUMENTS_DIR="/srv/docs"`), want: filepath.FromSlash("/srv/docs")},
		{name: "user-dirs.dirs as home", files: userDirs(`XDG_DOCUMENTS_DIR="$HOME/"`), dirs: []string{j("Documents")}, want: home},
		{name: "XDG_CONFIG_HOME", env: map[string]string{"XDG_CONFIG_HOME": j("cfg")},
			files: map[string]string{j("cfg", "user-dirs.dirs"): `XDG_DOCUMENTS_DIR="$HOME/Docs"`}, want: j("Docs")},
		{name: "user-dirs.dirs without documents", files: userDirs(`XDG_MUSIC_DIR="$HOME/Music"`), dirs: []string{j("Documents")}, want: j("Documents")},
		{name: "Documents", dirs: []string{j("Documents")}, want: j("Documents")},
		{name: "home", want: home},
		{name: "no home", noHome: true},
		{name: "windows", goos: "windows", env: map[string]string{"USERPROFILE": j("profile")}, want: j("profile", "Documents")},
		{name: "windows without USERPROFILE", goos: "windows", want: j("Documents")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := exportEnv{goos: tc.goos, home: home,
				getenv: func(k string) string { return tc.env[k] },
				read: func(p string) ([]byte, error) {
					if s, ok := tc.files[p]; ok {
						return []byte(s), nil
					}
					return nil, fs.ErrNotExist
				},
				isDir: func(p string) bool { return strings.Contains(strings.Join(tc.dirs, "\n")+"\n", p+"\n") },
			}
			if env.goos == "" {
				env.goos = "linux"
			}
			if tc.noHome {
				env.home = ""
			}
			got, err := exportDirFor(tc.configured, env)
			if tc.want == "" {
				if err == nil {
					t.Errorf("got %q, want an error", got)
				}
				return
			}
			want, _ := filepath.Abs(tc.want)
			if err != nil || got != want {
				t.Errorf("got %q, %v; want %q", got, err, want)
			}
		})
	}
}

// TestEnsureExportDir: a missing directory is created 0700 with its
// parents; one that cannot be is an error naming it.
func TestEnsureExportDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "导出")
	if err := ensureExportDir(dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		t.Fatalf("not created: %v", err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Errorf("mode %v, want 0700", fi.Mode().Perm())
	}
	if err := ensureExportDir(dir); err != nil {
		t.Errorf("an existing directory: %v", err)
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	bad := filepath.Join(file, "sub")
	if err := ensureExportDir(bad); err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "export_dir") {
		t.Errorf("under a file: %v; want an error naming %s and export_dir", err, bad)
	}
}

// TestWriteFileNew: a taken name gets -2, -3; nothing is ever replaced;
// a failed write leaves no file.
func TestWriteFileNew(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "信用修复-20261130-0904.xlsx"), []byte("old"), 0o600)
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	for i, want := range []string{"信用修复-20261130-0904-2.xlsx", "信用修复-20261130-0904-3.xlsx"} {
		path, err := writeFileNew(dir, "信用修复-20261130-0904", ".xlsx", write(want))
		if err != nil || path != filepath.Join(dir, want) {
			t.Fatalf("write %d: %q, %v; want %s", i, path, err, want)
		}
		if b, _ := os.ReadFile(path); string(b) != want {
			t.Errorf("%s holds %q", want, b)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "信用修复-20261130-0904.xlsx")); string(b) != "old" {
		t.Errorf("the first file was replaced: %q", b)
	}
	_, err := writeFileNew(dir, "失败", ".csv", func(w io.Writer) error {
		io.WriteString(w, "half")
		return io.ErrShortWrite
	})
	if !errors.Is(err, io.ErrShortWrite) {
		t.Errorf("failed write: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 3 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("files left: %q; want the three exports only (no temporary, no half file)", names)
	}
}

// TestWriteExport: without --out, a new file in export_dir (created),
// named for the view and the time, with its absolute path returned;
// with out, that file.
func TestWriteExport(t *testing.T) {
	t.Setenv("CREDWATCH_EXPORT_DIR", "")
	a := demoApp(t)
	a.cfg.ExportDir = filepath.Join(t.TempDir(), "exports")
	e := credit.Export{Tables: []credit.ExportTable{{Name: "信用修复", Columns: []credit.ExportColumn{{Title: "代码", Key: "uscc", Type: credit.CellCode}},
		Rows: [][]string{{"913204002501828129"}}}}}
	path, err := a.writeExport(e, "csv", "")
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(path) || filepath.Dir(path) != a.cfg.ExportDir {
		t.Errorf("path %q, want an absolute path in %s", path, a.cfg.ExportDir)
	}
	if !regexp.MustCompile(`^信用修复-20261130-\d{4}\.csv$`).MatchString(filepath.Base(path)) {
		t.Errorf("file name %q, want 信用修复-20261130-HHMM.csv", filepath.Base(path))
	}
	if b, _ := os.ReadFile(path); string(b) != "\uFEFF代码\r\n913204002501828129\r\n" {
		t.Errorf("file holds %q", b)
	}
	if again, err := a.writeExport(e, "csv", ""); err != nil || again == path {
		t.Errorf("a second export: %q, %v; want a new file", again, err)
	}

	out := filepath.Join(t.TempDir(), "mine.json")
	if got, err := a.writeExport(e, "json", out); err != nil || got != out {
		t.Errorf("with out: %q, %v", got, err)
	}
	if b, _ := os.ReadFile(out); !bytes.Contains(b, []byte(`"uscc": "913204002501828129"`)) {
		t.Errorf("%s holds %q", out, b)
	}

	a.cfg.ExportDir = filepath.Join(out, "sub") // under a file
	if _, err := a.writeExport(e, "csv", ""); err == nil || !strings.Contains(err.Error(), a.cfg.ExportDir) {
		t.Errorf("an export directory that cannot be: %v", err)
	}
}

// TestExportEveryViewWrites: what `credwatch export` makes of every view
// (tui.ExportFor) writes as xlsx, csv and json, and its typed columns are
// there: the repair tab's codes as codes and its days as dates.
func TestExportEveryViewWrites(t *testing.T) {
	a := demoApp(t)
	snap := exportFixture(t)
	for _, view := range []string{"sharing", "sync", "repair", "queue"} {
		t.Run(view, func(t *testing.T) {
			e, _, keys, _, err := exportView(t, a, view, snap, tui.TableOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, format := range sheet.ExportFormats {
				var b bytes.Buffer
				if err := sheet.WriteExportLang(&b, format, a.lang, e); err != nil || b.Len() == 0 {
					t.Errorf("%s: %v (%d bytes)", format, err, b.Len())
				}
			}
			if view != "repair" {
				return
			}
			types := map[string]credit.CellType{}
			for i, c := range e.Tables[0].Columns {
				types[keys[i]] = c.Type
			}
			for key, want := range map[string]credit.CellType{"uscc": credit.CellCode, "doc_no": credit.CellCode, "decided": credit.CellDate, "eligible_from": credit.CellDate} {
				if types[key] != want {
					t.Errorf("column %s has type %d, want %d", key, types[key], want)
				}
			}
		})
	}
}

func TestConfigExportDir(t *testing.T) {
	abs := filepath.Join(t.TempDir(), "导出")
	for _, tc := range []struct{ value, err string }{
		{"'" + abs + "'", ""},
		{`"~/exports"`, ""},
		{`"exports"`, "must be an absolute path"},
		{`"/srv/a\u0007b"`, "control characters"},
	} {
		_, err := parseConfig("c.toml", []byte("export_dir = "+tc.value+"\n"))
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "export_dir")) {
			t.Errorf("export_dir = %s: %v, want %q", tc.value, err, tc.err)
		}
	}
}

// TestReportFileInExportDir: the TUI's M writes the month's report into
// export_dir, created if missing, under its absolute path, and never over
// an earlier one.
func TestReportFileInExportDir(t *testing.T) {
	t.Setenv("CREDWATCH_EXPORT_DIR", "")
	a := demoApp(t)
	a.cfg.ExportDir = filepath.Join(t.TempDir(), "报表")
	db, err := store.Open(filepath.Join(t.TempDir(), "cache.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := credit.MonthOf(a.today)
	write := a.reportFile(db)
	for _, want := range []string{"credwatch-月报-" + m.String() + ".xlsx", "credwatch-月报-" + m.String() + "-2.xlsx"} {
		path, err := write(m)
		if err != nil || path != filepath.Join(a.cfg.ExportDir, want) {
			t.Errorf("report file %q, %v; want %s in %s", path, err, want, a.cfg.ExportDir)
		}
	}
}
