package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unicode"

	"github.com/czyj/credwatch/tui"
)

// stateDir is where credwatch keeps what it remembers for the person who
// runs it, apart from the cache (which may be shared, deleted and rebuilt
// from the endpoints at any time): $XDG_STATE_HOME/credwatch, else
// ~/.local/state/credwatch; %LOCALAPPDATA%\credwatch on Windows; the
// user config directory's credwatch on macOS.
func stateDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "credwatch"), nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "credwatch"), nil
		}
		return "", errors.New("find the state directory: %LOCALAPPDATA% is not set")
	case "darwin":
		d, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(d, "credwatch"), nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", err
		}
	}
	return filepath.Join(home, ".local", "state", "credwatch"), nil
}

// officerFile is a file name for an officer's name: letters and digits
// (Chinese included) kept, anything else (a path separator, a character
// Windows forbids) replaced, and then a short hash of the name, so that
// two names never share a file.
func officerFile(officer string) string {
	clean := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, officer)
	if clean != officer || clean == "" {
		sum := sha256.Sum256([]byte(officer))
		clean += "-" + hex.EncodeToString(sum[:4])
	}
	return clean
}

// viewStore is where the TUI keeps officer's views (tui.Deps.Views): one
// file per officer in the state directory, views/OFFICER.json (the
// demo's apart). serve keeps each key's officer's in its own state
// directory the same way. nil when there is no state directory.
func viewStore(officer string, demo bool) tui.ViewStore {
	dir, err := stateDir(os.Getenv)
	if err != nil {
		return nil
	}
	name := officerFile(officer)
	if demo {
		name = "demo-" + name
	}
	return tui.NewViewFile(filepath.Join(dir, "views", name+".json"))
}
