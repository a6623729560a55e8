package sheet

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/sync/sim"
	"github.com/xuri/excelize/v2"
)

// benchRows is the size of the benchmark's penalty xlsx: 2,000 rows by
// default (CI runs every benchmark once), CREDWATCH_BENCH_IMPORT_ROWS=100000
// for the figures in docs/PERFORMANCE.md.
func benchRows(b *testing.B) int {
	if v := os.Getenv("CREDWATCH_BENCH_IMPORT_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("CREDWATCH_BENCH_IMPORT_ROWS: bad size %q", v)
		}
		return n
	}
	return 2000
}

// benchFile writes (once per size, kept in the temporary directory) a
// penalty template of n rows: the simulator's penalties repeated with
// distinct document numbers, all in one department.
func benchFile(b *testing.B, n int) string {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("credwatch-bench-import-%d.xlsx", n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	s := sim.New(sim.Options{Seed: 1, Records: 3000, Today: credit.MustDate("2026-11-30"),
		Now: func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone) }})
	var pens []credit.Record
	for _, r := range s.Records() {
		if r.Kind == credit.Penalty && r.DocNo != "" {
			pens = append(pens, r)
		}
	}
	recs := make([]credit.Record, n)
	for i := range recs {
		recs[i] = pens[i%len(pens)]
		recs[i].Dept = "320412"
		recs[i].DocNo = fmt.Sprintf("常武应急罚〔2026〕%d号", i+1)
	}
	tmp := path + ".tmp.xlsx"
	if err := WriteTemplate(tmp, credit.Penalty, recs); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// peakHeap samples the live heap (runtime/metrics, which does not stop
// the world as ReadMemStats does) every 10 ms while fn runs and returns
// the largest seen, in MiB.
func peakHeap(fn func()) float64 {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(done)
	return float64(peak.Load()) / (1 << 20)
}

// BenchmarkImportXLSX compares, on one file, excelize's own streaming read
// of every row (the floor: what any importer must pay) with credwatch's
// dry run (read, map, validate, diff against an empty cache) and its full
// import into a new cache. Issue 18's target: import <= 3x excelize.
func BenchmarkImportXLSX(b *testing.B) {
	n := benchRows(b)
	path := benchFile(b, n)
	b.Run("excelize-read", func(b *testing.B) {
		var heap float64
		for b.Loop() {
			heap = peakHeap(func() {
				f, err := excelize.OpenFile(path)
				if err != nil {
					b.Fatal(err)
				}
				rows, err := f.Rows(credit.Penalty.Chinese())
				if err != nil {
					b.Fatal(err)
				}
				got := 0
				for rows.Next() {
					if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
						b.Fatal(err)
					}
					got++
				}
				rows.Close()
				f.Close()
				if got != n+1 {
					b.Fatalf("read %d rows, want %d", got, n+1)
				}
			})
		}
		b.ReportMetric(heap, "peak-heap-MiB")
		b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "rows/s")
	})
	run := func(name string, write bool) {
		b.Run(name, func(b *testing.B) {
			var heap float64
			for b.Loop() {
				b.StopTimer()
				db, err := store.Open(filepath.Join(b.TempDir(), "cache.db"), store.Options{Exclusive: true})
				if err != nil {
					b.Fatal(err)
				}
				var w Writer
				if write {
					w = db
				}
				b.StartTimer()
				heap = peakHeap(func() {
					res, err := Import(path, db, w, Options{Now: importNow})
					if err != nil {
						b.Fatal(err)
					}
					if t := res.Log.Total(); t.Added != n {
						b.Fatalf("added %d of %d (refused %d)", t.Added, n, t.Refused)
					}
				})
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(heap, "peak-heap-MiB")
			b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "rows/s")
		})
	}
	run("import-dry-run", false)
	run("import", true)
}
