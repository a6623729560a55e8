//go:build !unix

package main

// traceOnSignal does nothing where there is no SIGUSR1 (trace_unix.go).
func traceOnSignal() {}
