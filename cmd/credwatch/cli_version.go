package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Stamped by .ci/build.sh with -ldflags "-X main.version=... -X
// main.commit=... -X main.buildDate=...". A plain go build leaves them
// empty but for version; the commit then comes from the build's VCS
// information, when Go recorded it.
var (
	version   = "dev"
	commit    = ""
	buildDate = ""
)

// buildInfo is what version prints.
type buildInfo struct {
	Version, Commit, Date string
	DateIsCommit          bool // Date is the commit's time, not the build's
	Modified              bool // built from a work tree with changes
	Go, Platform          string
}

func currentBuild() buildInfo {
	b := buildInfo{Version: version, Commit: commit, Date: buildDate, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if b.Date == "" {
					b.Date, b.DateIsCommit = s.Value, true
				}
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	return b
}

// runVersion implements "credwatch version" and "credwatch --version". The
// first line is "credwatch VERSION" alone, for scripts.
func runVersion(e *env, args []string) int {
	fs := newFlags("version")
	if code, ok := parseFlags(fs, args, e.stdout, e.stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(e, "version", "unexpected argument %q", fs.Arg(0))
	}
	b := currentBuild()
	fmt.Fprintf(e.stdout, "credwatch %s\n", b.Version)
	c := b.Commit
	if c == "" {
		c = "unknown"
	}
	if b.Modified {
		c += " (with uncommitted changes)"
	}
	fmt.Fprintf(e.stdout, "commit     %s\n", c)
	switch {
	case b.Date == "":
		fmt.Fprintln(e.stdout, "built      unknown")
	case b.DateIsCommit:
		fmt.Fprintf(e.stdout, "committed  %s\n", b.Date)
	default:
		fmt.Fprintf(e.stdout, "built      %s\n", b.Date)
	}
	fmt.Fprintf(e.stdout, "go         %s %s\n", b.Go, b.Platform)
	return 0
}
