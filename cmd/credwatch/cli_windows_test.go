package main

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/sys/windows"
)

// Bubble Tea's error on the legacy console (inputreader_windows.go) gets
// the explanation; other errors are left alone.
func TestLegacyConsoleErrorExplained(t *testing.T) {
	err := fmt.Errorf("set console mode: %w", windows.ERROR_INVALID_PARAMETER)
	if got := tuiError(err, "zh"); !strings.Contains(got, "使用旧版控制台") || !strings.Contains(got, "set console mode") {
		t.Errorf("legacy console: %q", got)
	}
	if got := tuiError(fmt.Errorf("open cache: %w", windows.ERROR_INVALID_PARAMETER), "zh"); strings.Contains(got, "旧版") {
		t.Errorf("another error explained as the legacy console: %q", got)
	}
}
