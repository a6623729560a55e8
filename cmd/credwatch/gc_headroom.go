package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// syncGCHeadroom is the least the sync command lets its heap grow between
// two collections. With Go's default (GOGC=100: grow by the live heap), an
// incremental `sync --once` of ~1,000 records, whose live heap is a few MB
// (a decoded page, a write transaction's bbolt nodes), collected six times
// in its 200 ms, and the collector took 15-20% of its CPU. With 32 MB of
// headroom it collects about once. Once the live heap has been larger
// than the headroom (a first sync, a re-walk of a large cache), GOGC=100
// applies unchanged for the rest of the process, so the peak memory of a
// large sync is what it was.
const syncGCHeadroom = 32 << 20

// keepGCHeadroom makes the collector leave at least headroom bytes between
// the live heap and the next collection, instead of GOGC percent of the
// live heap when that is less: the collection percentage is set anew at
// the end of every cycle to max(GOGC, 100 * headroom / live heap), until
// a cycle finds more live heap than headroom; from then on GOGC applies.
// (A large sync's live heap goes up and down; headroom above each low
// would raise its peak.) It does nothing if collection is off (GOGC=off).
func keepGCHeadroom(headroom uint64) {
	base := debug.SetGCPercent(100)
	debug.SetGCPercent(base)
	if base < 0 {
		return
	}
	// The first collection comes at 4 MB times the percentage (the
	// runtime's smallest heap goal), before any live heap is known.
	debug.SetGCPercent(max(base, int(headroom*100/(4<<20))))
	h := &gcHeadroom{base: base, headroom: headroom, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	h.arm()
}

// gcHeadroom sets the collection percentage after each cycle (arm).
type gcHeadroom struct {
	base     int
	headroom uint64
	sample   []metrics.Sample
}

// arm runs adjust at the end of the next collection: a finalizer runs
// once its object is found unreachable, which a collection does. (The
// object holds a pointer: the runtime batches tiny pointer-free objects,
// whose finalizers may never run.)
func (h *gcHeadroom) arm() {
	runtime.SetFinalizer(&gcSentinel{h: h}, func(s *gcSentinel) { s.h.adjust() })
}

type gcSentinel struct{ h *gcHeadroom }

func (h *gcHeadroom) adjust() {
	metrics.Read(h.sample)
	if h.sample[0].Value.Kind() != metrics.KindUint64 {
		debug.SetGCPercent(h.base)
		return
	}
	live := h.sample[0].Value.Uint64()
	if live > h.headroom {
		debug.SetGCPercent(h.base) // a large sync: GOGC from now on
		return
	}
	debug.SetGCPercent(max(h.base, int(h.headroom*100/max(live, 1))))
	h.arm()
}
