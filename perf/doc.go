// Package perf holds credwatch's end-to-end performance benchmarks, the
// measurements behind docs/PERFORMANCE.md. It has no code of its own: the
// benchmarks (perf_test.go) drive the simulator, the sync engine, the store
// and the TUI together on data from the simulator's generator.
//
// Sizes: by default a small data set, so CI's `-benchtime=1x` run stays
// quick; CREDWATCH_BENCH_SIZES=100000 (a comma-separated list) picks others,
// and CREDWATCH_BENCH_1M=1 runs 100,000 and 1,000,000 records. Each size's
// cache is built once per run, through the real sync engine, and shared by
// the benchmarks; the ones that write to it work on a copy.
package perf
