package sim

import "sort"

// changeLog is one feed's append-only log of changes. Every change gets the
// next sequence number; a key is live only at its latest change, so an
// earlier change of the same key is superseded and never served again
// (compaction). Superseded entries are dropped from memory in batches.
//
// The log stores no payload: a live upsert entry points at the current
// object, which the server encodes when it serves the entry. That is correct
// because a live entry is by definition the latest state of its key.
type changeLog struct {
	entries []entry        // ascending seq; may contain superseded entries
	live    map[string]int // key -> index in entries of its latest change
	head    uint64         // last sequence number handed out
	dead    int            // superseded entries still in entries
}

type entry struct {
	seq        uint64
	key        string
	val        any // *credit.Record, *credit.SharingEntry or *credit.Repair; nil for a delete
	superseded bool
}

func newChangeLog() *changeLog { return &changeLog{live: make(map[string]int)} }

// upsert records that the item with key now has value val.
func (l *changeLog) upsert(key string, val any) { l.add(key, val) }

// remove records that the item with key was withdrawn.
func (l *changeLog) remove(key string) { l.add(key, nil) }

func (l *changeLog) add(key string, val any) {
	if i, ok := l.live[key]; ok {
		l.entries[i].superseded = true
		l.entries[i].val = nil
		l.dead++
	}
	l.head++
	l.entries = append(l.entries, entry{seq: l.head, key: key, val: val})
	l.live[key] = len(l.entries) - 1
	if l.dead > 1024 && l.dead > len(l.entries)/2 {
		l.compact()
	}
}

// compact drops superseded entries; sequence numbers are kept, so cursors
// stay valid.
func (l *changeLog) compact() {
	kept := l.entries[:0]
	for _, e := range l.entries {
		if e.superseded {
			continue
		}
		l.live[e.key] = len(kept)
		kept = append(kept, e)
	}
	clear(l.entries[len(kept):])
	l.entries = kept
	l.dead = 0
}

// after returns up to limit live entries with seq > cursor, in order, and
// whether more live entries follow them.
func (l *changeLog) after(cursor uint64, limit int) (page []entry, more bool) {
	i := sort.Search(len(l.entries), func(i int) bool { return l.entries[i].seq > cursor })
	for ; i < len(l.entries); i++ {
		e := l.entries[i]
		if e.superseded {
			continue
		}
		if len(page) == limit {
			return page, true
		}
		page = append(page, e)
	}
	return page, false
}

// liveCount returns the number of keys whose latest change is an upsert.
func (l *changeLog) liveCount() int {
	n := 0
	for _, i := range l.live {
		if l.entries[i].val != nil {
			n++
		}
	}
	return n
}
