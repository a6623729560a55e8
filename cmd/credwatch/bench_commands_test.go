package main

import (
	"testing"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
)

// BenchmarkStatus is what `credwatch status` reads, in process: open the
// cache read-only and read the health overview. The binary's figure comes
// from .ci/perf.sh. Target: ≤ 100 ms at 100k, ≤ 300 ms at 1M.
func BenchmarkStatus(b *testing.B) {
	for _, n := range sizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			f := getFixture(b, n)
			for b.Loop() {
				db, err := store.Open(f.cache, store.Options{ReadOnly: true})
				if err != nil {
					b.Fatal(err)
				}
				snap, err := db.Scoped(credit.Scope{}).Overview()
				if err != nil {
					b.Fatal(err)
				}
				if len(snap.Endpoints) != 1 {
					b.Fatalf("%d endpoints", len(snap.Endpoints))
				}
				db.Close()
			}
		})
	}
}

// BenchmarkCheck is what `credwatch check` does, in process: open the cache
// read-only, gather the check data from the indexes and run the daily
// check. Target: ≤ 100 ms at 100k, ≤ 300 ms at 1M.
func BenchmarkCheck(b *testing.B) {
	rules := credit.DefaultRules()
	for _, n := range sizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			f := getFixture(b, n)
			since, err := rules.LastWorkingDayStart(today)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				db, err := store.Open(f.cache, store.Options{ReadOnly: true})
				if err != nil {
					b.Fatal(err)
				}
				data, err := db.Scoped(credit.Scope{}).CheckData(since)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := rules.DailyCheck(data, nil, today); err != nil {
					b.Fatal(err)
				}
				if _, err := db.Signoffs(); err != nil {
					b.Fatal(err)
				}
				db.Close()
			}
		})
	}
}
