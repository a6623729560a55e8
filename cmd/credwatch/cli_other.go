//go:build !windows

package main

import "io"

// defaultEncoding is UTF-8 outside Windows.
func defaultEncoding(io.Writer) outputEncoding { return encUTF8 }

// isLegacyConsoleError: there is no legacy console outside Windows.
func isLegacyConsoleError(error) bool { return false }
