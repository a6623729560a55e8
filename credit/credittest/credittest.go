// Package credittest builds the domain's packed values from plain lists,
// for tests (as net/http/httptest serves net/http's). Production code builds
// them with credit.PenaltiesBuilder and credit.RepairsBuilder as it reads;
// nothing outside a _test.go file imports this package.
package credittest

import "github.com/czyj/credwatch/credit"

// Penalties packs list in its order.
func Penalties(list ...credit.PenaltySummary) credit.Penalties {
	var b credit.PenaltiesBuilder
	for i := range list {
		b.Add(&list[i])
	}
	return b.Done()
}

// Repairs packs list; of two repairs of one key the later is kept.
func Repairs(list ...credit.Repair) credit.Repairs {
	var b credit.RepairsBuilder
	for i := range list {
		b.Add(&list[i])
	}
	return b.Done()
}
