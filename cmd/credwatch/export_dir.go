package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/sheet"
)

// exportEnv is what exportDirFor reads of the process's surroundings, so a
// test can give it a fake home and environment.
type exportEnv struct {
	goos   string
	home   string                       // the user's home directory ("" if unknown)
	getenv func(string) string          // os.Getenv
	read   func(string) ([]byte, error) // os.ReadFile
	isDir  func(string) bool
}

func osExportEnv() exportEnv {
	home, _ := os.UserHomeDir()
	return exportEnv{goos: runtime.GOOS, home: home, getenv: os.Getenv, read: os.ReadFile,
		isDir: func(p string) bool { fi, err := os.Stat(p); return err == nil && fi.IsDir() }}
}

// exportDirFor is where exports go without --out: $CREDWATCH_EXPORT_DIR
// (kept from before export_dir existed, and useful for a one-off), then
// export_dir of the configuration (a leading ~ is the home directory),
// then the user's Documents directory: on Windows %USERPROFILE%\Documents;
// elsewhere XDG_DOCUMENTS_DIR of user-dirs.dirs ($XDG_CONFIG_HOME or
// ~/.config; the file is read, xdg-user-dir is not run), else ~/Documents
// if it exists, else the home directory. It returns an absolute path and
// does not create it (ensureExportDir does).
func exportDirFor(configured string, env exportEnv) (string, error) {
	dir := env.getenv("CREDWATCH_EXPORT_DIR")
	if dir == "" {
		dir = expandHome(configured, env.home)
	}
	if dir == "" {
		dir = documentsDir(env)
	}
	if dir == "" {
		return "", errors.New("no directory for exports: the home directory is unknown; set export_dir in the configuration")
	}
	return filepath.Abs(dir)
}

// documentsDir is the user's Documents directory, or the home directory
// when there is none; "" when the home directory is unknown too.
func documentsDir(env exportEnv) string {
	if env.goos == "windows" {
		if p := env.getenv("USERPROFILE"); p != "" {
			return filepath.Join(p, "Documents")
		}
		if env.home == "" {
			return ""
		}
		return filepath.Join(env.home, "Documents")
	}
	if env.home == "" {
		return ""
	}
	cfg := env.getenv("XDG_CONFIG_HOME")
	if cfg == "" {
		cfg = filepath.Join(env.home, ".config")
	}
	if data, err := env.read(filepath.Join(cfg, "user-dirs.dirs")); err == nil {
		if d := xdgDocuments(string(data), env.home); d != "" {
			return d
		}
	}
	if d := filepath.Join(env.home, "Documents"); env.isDir(d) {
		return d
	}
	return env.home
}

// xdgDocuments reads XDG_DOCUMENTS_DIR from the text of user-dirs.dirs,
// whose lines are XDG_xxx_DIR="$HOME/yyy" or an absolute path; "" if the
// file does not set it (or sets something else, which xdg-user-dirs does
// not write).
func xdgDocuments(text, home string) string {
	for _, line := range strings.Split(text, "\n") {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), "XDG_DOCUMENTS_DIR=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			continue
		}
		v = v[1 : len(v)-1]
		if rest, ok := strings.CutPrefix(v, "$HOME"); ok && (rest == "" || rest[0] == '/') {
			return filepath.Join(home, rest)
		}
		if filepath.IsAbs(v) {
			return filepath.Clean(v)
		}
	}
	return ""
}

// expandHome turns a leading ~ (alone or before a separator) into home.
func expandHome(p, home string) string {
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		if home == "" {
			return p
		}
		return filepath.Join(home, p[1:])
	}
	return p
}

// ensureExportDir creates dir (0700, with its parents) if it is missing
// and says which directory it could not create or use.
func ensureExportDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("the export directory %s cannot be created (set export_dir in the configuration): %w", dir, err)
	}
	return nil
}

// exportDir is the export directory of this configuration, created if
// missing.
func (a *app) exportDir() (string, error) {
	dir, err := exportDirFor(a.cfg.ExportDir, osExportEnv())
	if err != nil {
		return "", err
	}
	return dir, ensureExportDir(dir)
}

// writeExport writes e as format ("xlsx", "csv", "json"; sheet.WriteExport,
// in this configuration's language) and returns the absolute path of the
// file written. With out, the file is out, replaced atomically. Without,
// it is a new file in the export directory named for the view and the
// time (信用修复-20261130-0904.xlsx; -2, -3, ... rather than replace a
// file), which appears whole or not at all. It is the TUI's e key (the
// Deps.Export hook) and `credwatch export` to a file.
func (a *app) writeExport(e credit.Export, format, out string) (string, error) {
	write := func(w io.Writer) error { return sheet.WriteExportLang(w, format, a.lang, e) }
	if out != "" {
		path, err := filepath.Abs(out)
		if err != nil {
			return "", err
		}
		return path, writeFileAtomic(path, write)
	}
	dir, err := a.exportDir()
	if err != nil {
		return "", err
	}
	view := "export"
	if len(e.Tables) > 0 {
		view = e.Tables[0].Name
	}
	base := exportFileBase(view) + "-" + a.now().Format("20060102-1504")
	return writeFileNew(dir, base, "."+format, write)
}

// exportFileBase is view made safe as a file name on Windows and elsewhere:
// no separators, no <>:"|?* or control characters, no trailing dot or space.
func exportFileBase(view string) string {
	s := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`<>:"/\|?*`, r) {
			return '_'
		}
		return r
	}, view)
	s = strings.TrimRight(strings.TrimSpace(s), ". ")
	if s == "" {
		return "export"
	}
	return s
}

// writeFileNew writes a new file dir/base+ext, or base-2+ext, base-3+ext,
// ... if that name is taken, and returns its path: the content is written
// to a temporary file first and linked to the free name, which fails
// rather than replace a file, so a reader never sees half a file and no
// file is ever overwritten. (Where hard links are not supported, the name
// is checked and then renamed to: a file created in between would be
// replaced.)
func writeFileNew(dir, base, ext string, write func(io.Writer) error) (string, error) {
	tmp, err := writeTemp(filepath.Join(dir, base+ext), write)
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp)
	for n := 1; n <= 1000; n++ {
		name := base + ext
		if n > 1 {
			name = fmt.Sprintf("%s-%d%s", base, n, ext)
		}
		path := filepath.Join(dir, name)
		err := os.Link(tmp, path)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil { // no hard links here (FAT, some network shares)
			if _, serr := os.Lstat(path); serr == nil {
				continue
			}
			err = os.Rename(tmp, path)
		}
		if err != nil {
			return "", fmt.Errorf("write %s: %w", path, err)
		}
		return path, nil
	}
	return "", fmt.Errorf("write %s: a thousand files of that name already", filepath.Join(dir, base+ext))
}

// writeTemp writes a temporary file next to path (its name starts with a
// dot and path's name) with mode 0644 and returns its name; on error it
// leaves nothing behind.
func writeTemp(path string, write func(io.Writer) error) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return "", fmt.Errorf("create %s: %w", path, err)
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return f.Name(), nil
}
