// Package sync is credwatch's background sync engine and the only HTTP client
// of the agency API (docs/agency-api.md). It polls each configured endpoint
// on its own goroutine, fetches every feed's pages after the stored cursor,
// decodes, sanitises and validates them, and hands each page to the store in
// one transaction. It never blocks its caller: progress is published as
// Events on a channel that drops events nobody is reading.
//
// An endpoint may instead carry a Source (source.go): the front-end database
// (前置库) read by the subpackage sqlsource. Its rows go through the same
// checks, quarantine, status and back-off as the API's items.
//
// The agency simulator lives in the subpackage sim; the wire types both share
// are in api.
package sync
