package main

import (
	"os"
	"runtime/debug"

	"github.com/czyj/credwatch/store"
)

// The memory of `credwatch serve` (issue 20: 32 sessions on a 1M cache
// within 400 MB). Its sessions share one read model; what moves its
// resident memory is the churn while the data changes: each new
// generation's lists and tabs are built while the sessions still show the
// last, and at the TUI's GC target (tuiGCPercent) the collector ran for a
// large share of the CPU the officers' keys wait for. Instead the server
// collects at Go's default target and holds a soft memory limit sized from
// the cache (serveMemoryLimit): the collector runs less often while the
// heap is far below the limit, and near it the runtime collects and
// returns memory to the system to stay under it.
const (
	// serveGCPercent is the server's GC target (GOGC) under its limit.
	serveGCPercent = 100
	// serveLimitBase and serveLimitPerRecord size the limit: the program,
	// the SSH connections and the sessions' own state, and per cached
	// record its share of two generations of the shared read model (at
	// 1M records, 32 sessions: a live heap of about 180 MB for one).
	serveLimitBase      = 64 << 20
	serveLimitPerRecord = 320
)

// serveMemoryLimit returns the soft memory limit for a server of a cache
// of records records.
func serveMemoryLimit(records int) int64 {
	return serveLimitBase + int64(max(records, 0))*serveLimitPerRecord
}

// setServeMemory sets the server's GC target and soft memory limit for
// db's cache (serveMemoryLimit), unless GOGC or GOMEMLIMIT in the
// environment say otherwise; it returns the limit in force (math.MaxInt64:
// none).
func setServeMemory(db *store.DB) int64 {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1)
	}
	records := 0
	if ov, err := db.Overview(); err == nil {
		for _, n := range ov.Counts {
			records += n
		}
	}
	limit := serveMemoryLimit(records)
	debug.SetMemoryLimit(limit)
	return limit
}
