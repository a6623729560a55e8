package credit

import (
	"fmt"
	"time"
)

// AddMonths returns the last day of a period of n months that starts on d, as
// the Civil Code counts it (民法典 Art. 201–202): the start day is not counted,
// and the period ends on the corresponding day of the final month, or on that
// month's last day where the month has no corresponding day. For example
// AddMonths(2024-01-31, 3) is 2024-04-30 and AddMonths(2023-08-31, 6) is
// 2024-02-29. The period has fully elapsed at the end of the returned day;
// whatever waits for it starts the day after.
//
// AddMonths does not apply Art. 203 (a period whose last day is a statutory
// holiday ends on the day after the holiday); see docs/rules.md. n may be
// negative or zero. The zero Date stays zero.
func AddMonths(d Date, n int) Date {
	if d.IsZero() {
		return 0
	}
	y, m, day := d.YMD()
	// First day of the final month, normalised by time.Date.
	first := NewDate(y, m+time.Month(n), 1)
	fy, fm, _ := first.YMD()
	if last := daysIn(fy, fm); day > last {
		day = last
	}
	return NewDate(fy, fm, day)
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return int(NewDate(y, m+1, 1) - NewDate(y, m, 1))
}

// Month is a calendar month, as the monthly report counts decisions.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Month{}, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	return Month{t.Year(), t.Month()}, nil
}

// MonthOf returns the month of d.
func MonthOf(d Date) Month { y, m, _ := d.YMD(); return Month{y, m} }

// First returns the month's first day, Last its last.
func (m Month) First() Date { return NewDate(m.Year, m.Month, 1) }
func (m Month) Last() Date  { return NewDate(m.Year, m.Month, daysIn(m.Year, m.Month)) }

// String returns YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// MarshalText writes YYYY-MM.
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }
