// Package credit is credwatch's domain: the five kinds of administrative credit
// information, the departments that publish them, the records and their repair
// pipeline, and the rules (working-day calendar, disclosure deadline, repair
// periods, code validation) that every date shown to an officer comes from.
//
// The package does no I/O: it imports no database, network or terminal code.
// The store, the sync engine, the TUI and the CLI all speak in its terms.
package credit
