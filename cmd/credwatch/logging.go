package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// newLogger builds the one logger of the long-running processes (serve,
// sync): their diagnostics, never the output of a command. format is
// text, json or auto (or ""): auto is JSON under systemd (JOURNAL_STREAM or
// INVOCATION_ID set, as systemd sets them for a service), else text for a
// person at a terminal. level is debug, info (or ""), warn or error.
func newLogger(w io.Writer, format, level string, getenv func(string) string) (*slog.Logger, error) {
	var lv slog.Level
	switch strings.ToLower(level) {
	case "debug":
		lv = slog.LevelDebug
	case "", "info":
		lv = slog.LevelInfo
	case "warn", "warning":
		lv = slog.LevelWarn
	case "error":
		lv = slog.LevelError
	default:
		return nil, fmt.Errorf("--log-level must be debug, info, warn or error, not %q", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "", "auto":
		if underSystemd(getenv) {
			return slog.New(slog.NewJSONHandler(w, opts)), nil
		}
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text, json or auto, not %q", format)
}

// underSystemd reports whether the process runs as a systemd service,
// whose standard error goes to the journal.
func underSystemd(getenv func(string) string) bool {
	return getenv("JOURNAL_STREAM") != "" || getenv("INVOCATION_ID") != ""
}
