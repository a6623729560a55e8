package tui

import (
	"fmt"
	"testing"

	"github.com/czyj/credwatch/credit"
)

// BenchmarkBuild measures computing every view from a city-sized snapshot,
// which Update does once per snapshot and once per age tick.
func BenchmarkBuild(b *testing.B) {
	in := fixtureInput("zh")
	base := in.snap.Penalties
	repairs := in.snap.Repairs
	for i := range 3000 {
		p := base[i%len(base)]
		p.ID = fmt.Sprintf("%s-%d", p.ID, i)
		in.snap.Penalties = append(in.snap.Penalties, p)
		if r, ok := repairs[base[i%len(base)].Key()]; ok {
			r.RecordKey = p.Key()
			repairs[p.Key()] = r
		}
	}
	b.ResetTimer()
	for b.Loop() {
		build(in)
	}
	_ = credit.Penalty
}
