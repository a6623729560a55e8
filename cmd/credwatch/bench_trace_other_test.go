//go:build !unix

package main

import "os"

// traceWindow does nothing where there is no SIGUSR1 (traceOnSignal).
func traceWindow(*os.Process, bool) {}
