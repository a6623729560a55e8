package main

import (
	"errors"
	"fmt"
	"strconv"
	"unicode"

	"github.com/czyj/credwatch/credit"
)

const usccUsage = `Usage: credwatch uscc CODE...

Checks unified social credit codes (统一社会信用代码, GB 32100-2015): length,
characters (no I, O, Z, S, V, no lower case, no full-width characters), the
administrative-division digits and both check characters (17: GB 11714
organisation code; 18: GB 32100). Prints one line per code and exits 1 if
any code is invalid.
`

// runUSCC implements "credwatch uscc": check credit codes.
func runUSCC(e *env, args []string) int {
	fs := newCommandFlags("uscc", usccUsage, e.stderr)
	if code, ok := parseCommandFlags(fs, args); !ok {
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
