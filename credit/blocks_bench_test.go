package credit

import (
	"runtime"
	"testing"
)

// BenchmarkRepairsPatchRetained patches 133k repairs (the simulator's at
// 1M records) with 10k changed ones spread over the list, as a reload
// after a large catch-up does, and reports what the patched list holds
// beyond the blocks it shares with the original (added-MB), and per
// repair in the blocks it made (B/patched-entry; an entry is 72 bytes).
func BenchmarkRepairsPatchRetained(b *testing.B) {
	list := testRepairs(133_000)
	rs := NewRepairs(list...)
	var ups []Repair
	for i := 0; i < len(list); i += 13 {
		r := list[i]
		r.ReminderSent = r.Applied.AddDays(1)
		ups = append(ups, r)
	}
	var added, perEntry float64
	for b.Loop() {
		b.StopTimer()
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		b.StartTimer()
		p := rs.Patch(ups, nil)
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		added = float64(int64(ms.HeapAlloc)-int64(before)) / (1 << 20)
		shared, entries := 0, 0
		for k := range p.rows.b {
			if k < len(rs.rows.b) && &p.rows.b[k][0] == &rs.rows.b[k][0] {
				shared++
				continue
			}
			entries += len(p.rows.b[k])
		}
		perEntry = float64(int64(ms.HeapAlloc)-int64(before)) / float64(max(entries, 1))
		runtime.KeepAlive(&p)
		b.StartTimer()
	}
	b.ReportMetric(added, "added-MB")
	b.ReportMetric(perEntry, "B/patched-entry")
}
