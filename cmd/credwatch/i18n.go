package main

import (
	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/i18n"
)

// inBoth words a domain text in both languages, through the catalogue the
// full-screen view uses: the commands' plain and JSON output gives both.
func inBoth(t credit.Text) (en, zh string) {
	return i18n.New("en").Text(t), i18n.New("zh").Text(t)
}
