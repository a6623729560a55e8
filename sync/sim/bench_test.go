package sim

import (
	"net/http/httptest"
	"testing"

	"github.com/czyj/credwatch/sync/api"
)

func BenchmarkNew(b *testing.B) {
	for _, n := range []int{3000, 100000} {
		b.Run(itoa(n), func(b *testing.B) {
			for b.Loop() {
				New(Options{Seed: 1, Records: n, Today: testToday, Now: newClock().Now})
			}
		})
	}
}

// BenchmarkPenaltyPage serves default-size pages of the penalty feed and
// reports their size.
func BenchmarkPenaltyPage(b *testing.B) {
	s := New(Options{Seed: 1, Records: 100000, Today: testToday, Now: newClock().Now})
	h := s.Handler()
	var size int
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", api.FeedPath("penalty"), nil))
		size = w.Body.Len()
	}
	b.ReportMetric(float64(size), "bytes/page")
}

func BenchmarkStep(b *testing.B) {
	s := New(Options{Seed: 1, Records: 100000, Today: testToday, Now: newClock().Now})
	for b.Loop() {
		s.Step()
	}
}
