package credit

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"
)

// DayOverride sets one day of the calendar: a holiday day off (Working false)
// or an adjusted working day (Working true). Configuration's [[calendar.day]]
// entries map to it.
type DayOverride struct {
	Date    Date   `toml:"date"`
	Working bool   `toml:"working"`
	Name    string `toml:"name"` // the holiday, e.g. 国庆节; for a working day, the holiday it makes up for
}

// DayInfo describes one day of the official calendar.
type DayInfo struct {
	Date    Date
	Working bool
	// Holiday names the public holiday on a holiday day off (e.g. "国庆节"),
	// and on an adjusted working day the holiday that day makes up for. It is
	// "" on ordinary weekdays and weekends. Use Working, not Holiday, to decide
	// whether a day is a working day.
	Holiday string
	// Adjusted is true on an adjusted working day (调休上班): a Saturday or
	// Sunday that is a working day.
	Adjusted bool
}

// UnknownYearError is returned for any question about a year whose State
// Council holiday schedule the calendar does not have. The calendar never
// guesses: a year without its schedule would put every deadline at risk.
type UnknownYearError struct{ Year int }

func (e *UnknownYearError) Error() string {
	return fmt.Sprintf("working-day calendar does not know %d (未配置%d年节假日安排): "+
		"add the State Council General Office's %d holiday schedule under [calendar] in the configuration "+
		"(years = [%d] and one [[calendar.day]] per holiday day off and adjusted working day)",
		e.Year, e.Year, e.Year, e.Year)
}

// Calendar is the official PRC working-day calendar for the years it knows.
// A Calendar is immutable once built and safe for concurrent use.
type Calendar struct {
	days        map[Date]calendarEntry
	known       map[int]bool
	sources     map[int]string
	provisional map[int]bool // years whose schedule is not checked against the notice

	// cum[i] counts the working days in [first, first+i), over 1 January of
	// the first known year to 31 December of the last, so that counting
	// working days between two dates costs two lookups.
	first Date
	cum   []int32
}

type calendarEntry struct {
	working bool
	name    string
}

var builtinCalendar = sync.OnceValue(func() *Calendar {
	c := &Calendar{days: map[Date]calendarEntry{}, known: map[int]bool{}, sources: map[int]string{}, provisional: map[int]bool{}}
	for _, y := range builtinSchedules {
		c.known[y.year] = true
		c.sources[y.year] = y.source
		if y.provisional {
			c.provisional[y.year] = true
		}
		for _, d := range y.days {
			date := MustDate(d.date)
			if _, dup := c.days[date]; dup {
				panic("credit: built-in calendar lists " + d.date + " twice")
			}
			c.days[date] = calendarEntry{working: d.working, name: d.name}
		}
	}
	c.index()
	return c
})

// index builds cum once the days and known years are final.
func (c *Calendar) index() {
	years := c.KnownYears()
	if len(years) == 0 {
		return
	}
	c.first = NewDate(years[0], 1, 1)
	last := NewDate(years[len(years)-1], 12, 31)
	c.cum = make([]int32, int(last-c.first)+2)
	for i, d := 0, c.first; d <= last; i, d = i+1, d+1 {
		c.cum[i+1] = c.cum[i]
		if c.working(d) {
			c.cum[i+1]++
		}
	}
}

// working reports whether d is a working day, without checking its year.
func (c *Calendar) working(d Date) bool {
	if e, ok := c.days[d]; ok {
		return e.working
	}
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
}

// BuiltinCalendar returns the calendar compiled into credwatch: the State
// Council schedules for 2022 through 2027 (see calendar_data.go). The same
// immutable value is returned on every call.
func BuiltinCalendar() *Calendar { return builtinCalendar() }

// NewCalendar starts from the built-in table, applies overrides (an override
// wins over the built-in entry for its day), and marks extraYears as known, so
// a new year's schedule is its year in extraYears plus one override per
// holiday day off and adjusted working day.
//
// It returns an error for two overrides of the same day that disagree, for an
// override without a date, and for an override in a year that is neither
// built in nor in extraYears (it would otherwise be silently ignored).
func NewCalendar(overrides []DayOverride, extraYears []int) (*Calendar, error) {
	b := BuiltinCalendar()
	c := &Calendar{
		days:        make(map[Date]calendarEntry, len(b.days)+len(overrides)),
		known:       make(map[int]bool, len(b.known)+len(extraYears)),
		sources:     make(map[int]string, len(b.sources)+len(extraYears)),
		provisional: maps.Clone(b.provisional),
	}
	for d, e := range b.days {
		c.days[d] = e
	}
	for y := range b.known {
		c.known[y] = true
	}
	for y, s := range b.sources {
		c.sources[y] = s
	}
	for _, y := range extraYears {
		if y < 1949 || y > 9999 {
			return nil, fmt.Errorf("calendar: year %d in [calendar] years is out of range", y)
		}
		if !c.known[y] {
			c.known[y] = true
			c.sources[y] = "configuration"
		}
	}
	seen := make(map[Date]DayOverride, len(overrides))
	for i, o := range overrides {
		if o.Date.IsZero() {
			return nil, fmt.Errorf("calendar: override %d has no date", i+1)
		}
		if prev, dup := seen[o.Date]; dup {
			if prev != o {
				return nil, fmt.Errorf("calendar: conflicting overrides for %s: working=%t %q and working=%t %q",
					o.Date, prev.Working, prev.Name, o.Working, o.Name)
			}
			continue
		}
		seen[o.Date] = o
		if y := o.Date.Year(); !c.known[y] {
			return nil, fmt.Errorf("calendar: override for %s is in %d, which is not a known year: add %d to [calendar] years", o.Date, y, y)
		}
		c.days[o.Date] = calendarEntry{working: o.Working, name: o.Name}
	}
	c.index()
	return c, nil
}

// Provisional reports whether year's built-in schedule has not been checked
// against the State Council notice itself (2027: taken from a secondary
// source). Dates counted through such a year are shown as provisional until
// the configuration confirms the year ([calendar] confirmed).
func (c *Calendar) Provisional(year int) bool { return c.provisional[year] }

// ProvisionalBetween returns the provisional years among those of a..b
// (inclusive, in either order), ascending; nil when there are none.
func (c *Calendar) ProvisionalBetween(a, b Date) []int {
	if a.IsZero() || b.IsZero() {
		return nil
	}
	if b < a {
		a, b = b, a
	}
	var out []int
	for y := a.Year(); y <= b.Year(); y++ {
		if c.provisional[y] {
			out = append(out, y)
		}
	}
	return out
}

// Confirmed returns a copy of c in which years are no longer provisional: the
// officer has checked the built-in schedule against the notice (and
// corrected any day through overrides). Confirming a year the calendar does
// not know is an error.
func (c *Calendar) Confirmed(years []int) (*Calendar, error) {
	if len(years) == 0 {
		return c, nil
	}
	out := *c
	out.provisional = maps.Clone(c.provisional)
	for _, y := range years {
		if !c.known[y] {
			return nil, fmt.Errorf("calendar: confirmed year %d is not a known year", y)
		}
		delete(out.provisional, y)
	}
	return &out, nil
}

// Knows reports whether the calendar has the holiday schedule of year.
func (c *Calendar) Knows(year int) bool { return c.known[year] }

// KnownYears returns the years the calendar knows, in ascending order.
func (c *Calendar) KnownYears() []int {
	out := make([]int, 0, len(c.known))
	for y := range c.known {
		out = append(out, y)
	}
	slices.Sort(out)
	return out
}

// Source returns where the calendar's schedule for year comes from: the
// State Council notice's document number for a built-in year, "configuration"
// for a year added by configuration, "" for an unknown year.
func (c *Calendar) Source(year int) string { return c.sources[year] }

var errNoDate = errors.New("calendar: date is not set")

// check returns an error unless d is set and in a known year.
func (c *Calendar) check(d Date) error {
	if d.IsZero() {
		return errNoDate
	}
	if y := d.Year(); !c.known[y] {
		return &UnknownYearError{Year: y}
	}
	return nil
}

// Day describes d. It returns a *UnknownYearError if the calendar does not
// know d's year.
func (c *Calendar) Day(d Date) (DayInfo, error) {
	if err := c.check(d); err != nil {
		return DayInfo{}, err
	}
	weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
	if e, ok := c.days[d]; ok {
		return DayInfo{Date: d, Working: e.working, Holiday: e.name, Adjusted: e.working && weekend}, nil
	}
	return DayInfo{Date: d, Working: !weekend}, nil
}

// IsWorkingDay reports whether d is a working day; see Day.
func (c *Calendar) IsWorkingDay(d Date) (bool, error) {
	info, err := c.Day(d)
	return info.Working, err
}

// AddWorkingDays returns, for n > 0, the nth working day after d (d itself is
// not counted, whether or not it is a working day); for n < 0, the |n|th
// working day before d; for n == 0, d itself. It returns a *UnknownYearError
// if d or any day it has to look at lies in a year the calendar does not know.
func (c *Calendar) AddWorkingDays(d Date, n int) (Date, error) {
	if err := c.check(d); err != nil {
		return 0, err
	}
	if e, ok := c.addWorkingDaysIndexed(d, n); ok {
		return e, nil
	}
	return c.addWorkingDaysStepped(d, n)
}

// addWorkingDaysIndexed is AddWorkingDays for n > 0 by binary search of the
// cumulative counts, when the answer lies in the known years with no
// unknown year between (ok is false otherwise; the stepped search then
// says which year is missing). The daily check calls AddWorkingDays for
// every open repair: 70k times at 1M records.
func (c *Calendar) addWorkingDaysIndexed(d Date, n int) (Date, bool) {
	i := int(d-c.first) + 1 // cum[i] counts the working days up to d
	if n <= 0 || i < 1 || i >= len(c.cum) {
		return 0, false
	}
	target := c.cum[i] + int32(n)
	j := i + sort.Search(len(c.cum)-i, func(k int) bool { return c.cum[i+k] >= target })
	if j >= len(c.cum) {
		return 0, false
	}
	e := c.first + Date(j-1)
	for y := d.Year() + 1; y <= e.Year(); y++ {
		if !c.known[y] {
			return 0, false
		}
	}
	return e, true
}

// addWorkingDaysStepped is AddWorkingDays a day at a time.
func (c *Calendar) addWorkingDaysStepped(d Date, n int) (Date, error) {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		w, err := c.IsWorkingDay(d)
		if err != nil {
			return 0, err
		}
		if w {
			n--
		}
	}
	return d, nil
}

// WorkingDaysAfter counts the working days in (a, b]: after a, up to and
// including b. If b is before a it returns minus the count of (b, a]. Both
// ends must lie in known years.
func (c *Calendar) WorkingDaysAfter(a, b Date) (int, error) {
	if err := c.check(a); err != nil {
		return 0, err
	}
	if err := c.check(b); err != nil {
		return 0, err
	}
	sign := 1
	if b < a {
		a, b, sign = b, a, -1
	}
	for y := a.Year() + 1; y < b.Year(); y++ {
		if !c.known[y] {
			return 0, &UnknownYearError{Year: y}
		}
	}
	n := c.cum[int(b-c.first)+1] - c.cum[int(a-c.first)+1]
	return sign * int(n), nil
}

// PrevWorkingDay returns the last working day strictly before d.
func (c *Calendar) PrevWorkingDay(d Date) (Date, error) { return c.AddWorkingDays(d, -1) }

// NextWorkingDay returns the first working day strictly after d.
func (c *Calendar) NextWorkingDay(d Date) (Date, error) { return c.AddWorkingDays(d, 1) }
