package main

import (
	"errors"
	"fmt"
	"strconv"
	"unicode"

	"github.com/czyj/credwatch/credit"
)

// runUSCC implements "credwatch uscc": check credit codes.
func runUSCC(e *env, args []string) int {
	fs := newFlags("uscc")
	if code, ok := parseFlags(fs, args, e.stdout, e.stderr); !ok {
		return code
	}
	if fs.NArg() == 0 {
		return usageError(e, "uscc", "give at least one code")
	}
	status := 0
	for _, code := range fs.Args() {
		shown := displayCode(code)
		err := credit.ValidateUSCC(code)
		if err == nil {
			fmt.Fprintf(e.stdout, "%s  valid\n", shown)
			continue
		}
		status = 1
		var ue *credit.USCCError
		if errors.As(err, &ue) {
			en, zh := inBoth(ue.Text)
			fmt.Fprintf(e.stdout, "%s  invalid: %s (%s)\n", shown, en, zh)
		} else {
			fmt.Fprintf(e.stdout, "%s  invalid: %v\n", shown, err)
		}
	}
	return status
}

// displayCode quotes a code that is empty or holds spaces or unprintable
// characters, so that the line shows exactly what was checked and cannot
// carry terminal escape sequences.
func displayCode(code string) string {
	if code == "" {
		return `""`
	}
	for _, r := range code {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return strconv.Quote(code)
		}
	}
	return code
}
