package credit

import "time"

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
