package main

import (
	"path/filepath"
	"runtime"
	"testing"
)

func TestOfficerFile(t *testing.T) {
	cases := map[string]string{
		"张三":        "张三",
		"li_si-2":   "li_si-2",
		"a/b":       "a_b-",
		`C:\x*?`:    "C__x__-",
		"值班员（演示）":   "值班员_演示_-",
		"":          "-",
		"../../etc": "______etc-",
	}
	seen := map[string]string{}
	for name, prefix := range cases {
		got := officerFile(name)
		if len(got) < len(prefix) || got[:len(prefix)] != prefix {
			t.Errorf("officerFile(%q) = %q, want it to start with %q", name, got, prefix)
		}
		if filepath.Base(got) != got {
			t.Errorf("officerFile(%q) = %q is not a bare file name", name, got)
		}
		if other, dup := seen[got]; dup {
			t.Errorf("officerFile(%q) = officerFile(%q) = %q", name, other, got)
		}
		seen[got] = name
	}
	if officerFile("a/b") == officerFile("a_b") {
		t.Error("a/b and a_b share a file")
	}
}

func TestStateDir(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	got, err := stateDir(env(map[string]string{"XDG_STATE_HOME": filepath.FromSlash("/srv/state"), "HOME": "/home/x", "LOCALAPPDATA": `C:\Users\x\AppData\Local`}))
	if err != nil || got != filepath.Join(filepath.FromSlash("/srv/state"), "credwatch") {
		t.Errorf("with XDG_STATE_HOME: %q, %v", got, err)
	}
	if runtime.GOOS == "linux" {
		got, err = stateDir(env(map[string]string{"HOME": "/home/x"}))
		if err != nil || got != "/home/x/.local/state/credwatch" {
			t.Errorf("with HOME only: %q, %v", got, err)
		}
	}
}
