package table

import (
	"strings"

	"golang.org/x/text/width"
)

// narrowSubst maps common East-Asian-ambiguous characters found in agency
// data to a narrow look-alike.
var narrowSubst = map[rune]rune{
	'—': '-', '–': '-', '―': '-', '‐': '-', '·': '.', '…': '.', '“': '"', '”': '"', '‘': '\'', '’': '\'',
	'○': 'o', '◎': 'o', '●': '*', '◇': '*', '◆': '*', '□': '#', '■': '#', '△': '^', '▲': '^', '※': '*',
	'★': '*', '☆': '*', '×': 'x', '÷': '/', '±': '+', '°': 'o', '℃': 'C', '№': '#', '§': 'S',
	'\uFFFD': '?',
}

// narrow replaces every East-Asian-ambiguous character of s with one narrow
// character, so a cell is as wide on a terminal that draws ambiguous
// characters double (common under zh_CN locales) as the width computed for
// it (ansi counts them as one cell). Full text stays in the detail view and
// exports; this is for table cells only. Strings without such characters
// are returned as they are, without allocating.
func narrow(s string) string {
	i := strings.IndexFunc(s, isAmbiguous)
	if i < 0 {
		return s
	}
	return s[:i] + strings.Map(func(r rune) rune {
		if !isAmbiguous(r) {
			return r
		}
		if n, ok := narrowSubst[r]; ok {
			return n
		}
		return '?'
	}, s[i:])
}

func isAmbiguous(r rune) bool {
	return r >= 0x80 && width.LookupRune(r).Kind() == width.EastAsianAmbiguous
}

// Narrow is narrow for any drawn line, escape sequences included (they
// are ASCII and pass through): the TUI applies it to every frame, so that
// detail, flash and help lines are as wide as measured too.
func Narrow(s string) string { return narrow(s) }
