package credit

import (
	"fmt"
	"time"
)

// China observes one time zone, UTC+8, with no daylight saving. A fixed zone
// avoids depending on tzdata, which locked-down Windows machines may lack.
var ChinaZone = time.FixedZone("CST", 8*60*60)

// Date is a calendar day with no time of day or zone. It counts days so that
// arithmetic is cheap; the zero Date means "no date" and prints as "".
type Date int32

// epochOffset makes 1970-01-01 Date(1), leaving 0 free to mean "unset".
const epochOffset = 1

// NewDate returns the Date for the given year, month and day. Out-of-range
// values are normalised the way time.Date normalises them.
func NewDate(year int, month time.Month, day int) Date {
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	return Date(t.Unix()/86400 + epochOffset)
}

// DateOf returns the calendar day of t in China (UTC+8).
func DateOf(t time.Time) Date {
	y, m, d := t.In(ChinaZone).Date()
	return NewDate(y, m, d)
}

// ParseDate parses "YYYY-MM-DD". It rejects days that do not exist
// (2023-02-29) rather than normalising them.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, fmt.Errorf("invalid date %q: want YYYY-MM-DD", s)
	}
	return NewDate(t.Date()), nil
}

// MustDate is ParseDate for constants in tests and tables; it panics on error.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is the unset Date.
func (d Date) IsZero() bool { return d == 0 }

// Time returns midnight at the start of d in China (UTC+8).
func (d Date) Time() time.Time {
	y, m, dd := d.YMD()
	return time.Date(y, m, dd, 0, 0, 0, 0, ChinaZone)
}

// YMD returns the year, month and day of d.
func (d Date) YMD() (int, time.Month, int) {
	return time.Unix(int64(d-epochOffset)*86400, 0).UTC().Date()
}

// Year returns the year of d.
func (d Date) Year() int { y, _, _ := d.YMD(); return y }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Unix(int64(d-epochOffset)*86400, 0).UTC().Weekday()
}

// AddDays returns d moved by n calendar days.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// Before, After report calendar order.
func (d Date) Before(o Date) bool { return d < o }
func (d Date) After(o Date) bool  { return d > o }

// String formats d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	y, m, dd := d.YMD()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// MarshalText encodes d as YYYY-MM-DD ("" when zero).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes YYYY-MM-DD; an empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = 0
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
