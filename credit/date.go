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

// YMD returns the year, month and day of d (proleptic Gregorian, as the
// time package counts). It is arithmetic on the day count (H. Hinnant's
// civil_from_days), with no time.Time: the daily check and the tables ask
// it hundreds of thousands of times at 1M records.
func (d Date) YMD() (int, time.Month, int) {
	z := int64(d) - epochOffset + 719468 // days since 0000-03-01
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era-- // floor division
	}
	doe := z - era*146097                                  // day of the 400-year era, [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // year of the era, [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // day of the year from March 1, [0, 365]
	mp := (5*doy + 2) / 153                                // month from March, [0, 11]
	day := doy - (153*mp+2)/5 + 1
	month := mp + 3
	if mp >= 10 {
		month = mp - 9
	}
	year := yoe + era*400
	if month <= 2 {
		year++
	}
	return int(year), time.Month(month), int(day)
}

// Year returns the year of d.
func (d Date) Year() int { y, _, _ := d.YMD(); return y }

// Weekday returns the day of the week of d (1970-01-01 was a Thursday).
func (d Date) Weekday() time.Weekday {
	wd := (int64(d) - epochOffset + 4) % 7
	if wd < 0 {
		wd += 7
	}
	return time.Weekday(wd)
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
	if y < 0 || y > 9999 {
		return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
	}
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + int(m)/10), byte('0' + int(m)%10), '-', byte('0' + dd/10), byte('0' + dd%10)}
	return string(b[:])
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
