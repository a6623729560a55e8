package credit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// viaTime is what YMD, Weekday and String computed through time.Time
// before they became arithmetic.
func viaTime(d Date) (int, time.Month, int, time.Weekday, string) {
	t := time.Unix(int64(d-epochOffset)*86400, 0).UTC()
	y, m, dd := t.Date()
	return y, m, dd, t.Weekday(), fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// YMD, Weekday and String agree with the time package on every day from
// 1600 to 2400 (leap centuries, the epoch, every month end) and on random
// days over Date's whole range, negative years included.
func TestDateArithmeticMatchesTime(t *testing.T) {
	check := func(d Date) {
		t.Helper()
		y, m, dd := d.YMD()
		wy, wm, wd, wwd, ws := viaTime(d)
		if y != wy || m != wm || dd != wd || d.Weekday() != wwd {
			t.Fatalf("Date(%d): %d-%d-%d %v, want %d-%d-%d %v", d, y, m, dd, d.Weekday(), wy, wm, wd, wwd)
		}
		if d != 0 && d.String() != ws {
			t.Fatalf("Date(%d).String() = %q, want %q", d, d.String(), ws)
		}
	}
	for d := NewDate(1600, 1, 1); d <= NewDate(2400, 12, 31); d++ {
		check(d)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		check(Date(r.Int64N(math.MaxInt32) - math.MaxInt32/2))
	}
	for _, d := range []Date{math.MinInt32 + 1, math.MaxInt32, -1, 1, 2} {
		check(d)
	}
	if y, m, dd := MustDate("2024-02-29").YMD(); y != 2024 || m != time.February || dd != 29 {
		t.Errorf("2024-02-29 reads %d-%d-%d", y, m, dd)
	}
}
