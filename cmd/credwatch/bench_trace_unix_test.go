//go:build unix

package main

import (
	"os"
	"syscall"
)

// traceWindow starts (SIGUSR1) or ends (SIGUSR2) the server's execution
// trace window (traceOnSignal).
func traceWindow(p *os.Process, start bool) {
	sig := syscall.SIGUSR2
	if start {
		sig = syscall.SIGUSR1
	}
	_ = p.Signal(sig)
}
