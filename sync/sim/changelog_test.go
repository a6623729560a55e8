package sim

import (
	"fmt"
	"testing"
)

func TestChangeLog(t *testing.T) {
	type op struct {
		key string
		del bool
	}
	tests := []struct {
		name   string
		ops    []op
		cursor uint64
		limit  int
		want   []string // key@seq, "-" prefix for deletes
		more   bool
	}{
		{"empty", nil, 0, 10, nil, false},
		{"in order", []op{{"a", false}, {"b", false}, {"c", false}}, 0, 10, []string{"a@1", "b@2", "c@3"}, false},
		{"limit leaves more", []op{{"a", false}, {"b", false}, {"c", false}}, 0, 2, []string{"a@1", "b@2"}, true},
		{"after cursor", []op{{"a", false}, {"b", false}, {"c", false}}, 2, 10, []string{"c@3"}, false},
		{"nothing new", []op{{"a", false}, {"b", false}}, 2, 10, nil, false},
		{"superseded change compacted", []op{{"a", false}, {"b", false}, {"a", false}, {"c", false}}, 0, 10, []string{"b@2", "a@3", "c@4"}, false},
		{"delete replaces upsert", []op{{"a", false}, {"b", false}, {"a", true}}, 0, 10, []string{"b@2", "-a@3"}, false},
		{"more ignores superseded tail", []op{{"a", false}, {"b", false}, {"b", false}}, 0, 1, []string{"a@1"}, true},
		{"exact fit has no more", []op{{"a", false}, {"b", false}, {"a", false}}, 0, 2, []string{"b@2", "a@3"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newChangeLog()
			for _, o := range tt.ops {
				if o.del {
					l.remove(o.key)
				} else {
					l.upsert(o.key, o.key)
				}
			}
			page, more := l.after(tt.cursor, tt.limit)
			var got []string
			for _, e := range page {
				s := fmt.Sprintf("%s@%d", e.key, e.seq)
				if e.val == nil {
					s = "-" + s
				}
				got = append(got, s)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || more != tt.more {
				t.Errorf("after(%d, %d) = %v more=%v, want %v more=%v", tt.cursor, tt.limit, got, more, tt.want, tt.more)
			}
		})
	}
}

// TestChangeLogCompaction rewrites keys until superseded entries are dropped
// from memory, and checks that sequence numbers and cursors survive it.
func TestChangeLogCompaction(t *testing.T) {
	l := newChangeLog()
	for i := 0; i < 100; i++ {
		l.upsert(fmt.Sprint("k", i), i)
	}
	for round := 0; round < 30; round++ {
		for i := 0; i < 100; i += 2 {
			l.upsert(fmt.Sprint("k", i), round)
		}
	}
	if len(l.entries) >= 100+30*50 {
		t.Fatalf("entries = %d: superseded entries were never dropped", len(l.entries))
	}
	if l.head != 100+30*50 {
		t.Fatalf("head = %d, want %d", l.head, 100+30*50)
	}
	page, more := l.after(0, 1000)
	if len(page) != 100 || more {
		t.Fatalf("full read: %d entries, more=%v; want 100 live keys", len(page), more)
	}
	// The odd keys were never rewritten: they come first, in key order.
	if page[0].key != "k1" || page[0].seq != 2 || page[49].key != "k99" {
		t.Errorf("first entries = %s@%d ... %s", page[0].key, page[0].seq, page[49].key)
	}
	page, _ = l.after(l.head-1, 10)
	if len(page) != 1 || page[0].seq != l.head {
		t.Errorf("after head-1: %v, want the last change only", page)
	}
	if n := l.liveCount(); n != 100 {
		t.Errorf("liveCount = %d, want 100", n)
	}
}
