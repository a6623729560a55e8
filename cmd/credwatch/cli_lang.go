package main

import (
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/czyj/credwatch/tui/i18n"
)

// The language of the command line's own texts: help, usage errors and
// completion descriptions (the texts are in tui/i18n's msg_cli.go). It is
// chosen once per process, before the configuration is read (help must
// work with a broken one): --lang, else the locale of the environment.
// The full-screen view keeps its own default (zh, or lang in the
// configuration); the man page is English.

// cliLangOf is --lang when given, else the locale's language: the first
// of LC_ALL, LC_MESSAGES and LANG that is set, Chinese when it starts
// with "zh" and English otherwise (C, POSIX, en_US.UTF-8). With none set,
// Chinese on Windows, where officers' PCs do not set LANG, and English
// elsewhere, where an unset locale is the C locale.
func cliLangOf(flagLang string, getenv func(string) string, goos string) string {
	if flagLang == "zh" || flagLang == "en" {
		return flagLang
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc := getenv(v); loc != "" {
			if strings.HasPrefix(strings.ToLower(loc), "zh") {
				return "zh"
			}
			return "en"
		}
	}
	if goos == "windows" {
		return "zh"
	}
	return "en"
}

// cliCatalog is the catalogue run chose; nil until then (English).
var cliCatalog atomic.Pointer[i18n.Catalog]

// setCLILang chooses the command line's language for the process.
func setCLILang(lang string) {
	c := i18n.New(lang)
	cliCatalog.Store(&c)
}

// cliCat is the command line's catalogue.
func cliCat() i18n.Catalog {
	if c := cliCatalog.Load(); c != nil {
		return *c
	}
	return i18n.New("en")
}

// enCat is the English catalogue (the man page).
var enCat = i18n.New("en")

// cliText translates a usage error's message, which its call site writes
// in English: the catalogue holds the Chinese under "cli.u." and the
// English text (as gettext keys messages by their English); a message it
// does not hold stays English.
func cliText(cat i18n.Catalog, msg string) string {
	key := "cli.u." + msg
	if t := cat.T(key); t != key {
		return t
	}
	return msg
}

// defaultGOOS is runtime.GOOS, for cliLangOf.
const defaultGOOS = runtime.GOOS
