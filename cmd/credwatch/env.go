package main

import (
	"io"

	"github.com/czyj/credwatch/credit"
)

// env carries what every plain-text command needs: the rules engine built
// from the configuration (or the built-in rules), the day to treat as today,
// and where to write. Commands write results to stdout and diagnostics to
// stderr, and return the process exit status: 0 success, 1 a negative result
// or a domain error, 2 a usage error.
type env struct {
	rules          *credit.Rules
	today          credit.Date
	stdout, stderr io.Writer
}
