package credit

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// noticeBlock is one holiday of a State Council notice, transcribed here
// independently of calendar_data.go: the days off from first to last and the
// adjusted working days that go with them.
type noticeBlock struct {
	year        int // the notice's year
	name        string
	first, last string
	work        []string
}

// notices2022to2026 restates the notices (国办发明电〔2021〕11号, 〔2022〕16号,
// 〔2023〕7号, 〔2024〕12号 and the 2026 notice). 2023 and 2025 join 中秋节 and
// 国庆节 in one break; they are split here by the festival day.
var notices2022to2026 = []noticeBlock{
	{2022, "元旦", "2022-01-01", "2022-01-03", nil},
	{2022, "春节", "2022-01-31", "2022-02-06", []string{"2022-01-29", "2022-01-30"}},
	{2022, "清明节", "2022-04-03", "2022-04-05", []string{"2022-04-02"}},
	{2022, "劳动节", "2022-04-30", "2022-05-04", []string{"2022-04-24", "2022-05-07"}},
	{2022, "端午节", "2022-06-03", "2022-06-05", nil},
	{2022, "中秋节", "2022-09-10", "2022-09-12", nil},
	{2022, "国庆节", "2022-10-01", "2022-10-07", []string{"2022-10-08", "2022-10-09"}},

	{2023, "元旦", "2022-12-31", "2023-01-02", nil},
	{2023, "春节", "2023-01-21", "2023-01-27", []string{"2023-01-28", "2023-01-29"}},
	{2023, "清明节", "2023-04-05", "2023-04-05", nil},
	{2023, "劳动节", "2023-04-29", "2023-05-03", []string{"2023-04-23", "2023-05-06"}},
	{2023, "端午节", "2023-06-22", "2023-06-24", []string{"2023-06-25"}},
	{2023, "中秋节", "2023-09-29", "2023-09-29", nil},
	{2023, "国庆节", "2023-09-30", "2023-10-06", []string{"2023-10-07", "2023-10-08"}},

	{2024, "元旦", "2023-12-30", "2024-01-01", nil},
	{2024, "春节", "2024-02-10", "2024-02-17", []string{"2024-02-04", "2024-02-18"}},
	{2024, "清明节", "2024-04-04", "2024-04-06", []string{"2024-04-07"}},
	{2024, "劳动节", "2024-05-01", "2024-05-05", []string{"2024-04-28", "2024-05-11"}},
	{2024, "端午节", "2024-06-08", "2024-06-10", nil},
	{2024, "中秋节", "2024-09-15", "2024-09-17", []string{"2024-09-14"}},
	{2024, "国庆节", "2024-10-01", "2024-10-07", []string{"2024-09-29", "2024-10-12"}},

	{2025, "元旦", "2025-01-01", "2025-01-01", nil},
	{2025, "春节", "2025-01-28", "2025-02-04", []string{"2025-01-26", "2025-02-08"}},
	{2025, "清明节", "2025-04-04", "2025-04-06", nil},
	{2025, "劳动节", "2025-05-01", "2025-05-05", []string{"2025-04-27"}},
	{2025, "端午节", "2025-05-31", "2025-06-02", nil},
	{2025, "国庆节", "2025-10-01", "2025-10-05", []string{"2025-09-28", "2025-10-11"}},
	{2025, "中秋节", "2025-10-06", "2025-10-06", nil},
	{2025, "国庆节", "2025-10-07", "2025-10-08", nil},

	{2026, "元旦", "2026-01-01", "2026-01-03", []string{"2026-01-04"}},
	{2026, "春节", "2026-02-15", "2026-02-23", []string{"2026-02-14", "2026-02-28"}},
	{2026, "清明节", "2026-04-04", "2026-04-06", nil},
	{2026, "劳动节", "2026-05-01", "2026-05-05", []string{"2026-05-09"}},
	{2026, "端午节", "2026-06-19", "2026-06-21", nil},
	{2026, "中秋节", "2026-09-25", "2026-09-27", nil},
	{2026, "国庆节", "2026-10-01", "2026-10-07", []string{"2026-09-20", "2026-10-10"}},
}

func isWeekend(d Date) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }

func TestCalendarHolidayBlocks(t *testing.T) {
	cal := BuiltinCalendar()
	for _, b := range notices2022to2026 {
		t.Run(fmt.Sprintf("%d %s %s..%s", b.year, b.name, b.first, b.last), func(t *testing.T) {
			for d := MustDate(b.first); d <= MustDate(b.last); d++ {
				info, err := cal.Day(d)
				if err != nil {
					t.Fatalf("Day(%s): %v", d, err)
				}
				if info.Working || info.Holiday != b.name || info.Adjusted || info.Date != d {
					t.Errorf("Day(%s) = %+v, want a day off named %s", d, info, b.name)
				}
			}
			// The days either side of the block are not part of this break.
			for _, d := range []Date{MustDate(b.first) - 1, MustDate(b.last) + 1} {
				if !cal.Knows(d.Year()) {
					continue
				}
				info, err := cal.Day(d)
				if err != nil {
					t.Fatalf("Day(%s): %v", d, err)
				}
				if !info.Working && info.Holiday == b.name {
					t.Errorf("Day(%s) = %+v: the %s break should not reach it", d, info, b.name)
				}
			}
		})
	}
}

func TestCalendarAdjustedWorkingDays(t *testing.T) {
	cal := BuiltinCalendar()
	for _, b := range notices2022to2026 {
		for _, w := range b.work {
			t.Run(fmt.Sprintf("%d %s %s", b.year, b.name, w), func(t *testing.T) {
				d := MustDate(w)
				if !isWeekend(d) {
					t.Fatalf("test data: %s is not a weekend day", w)
				}
				info, err := cal.Day(d)
				if err != nil {
					t.Fatal(err)
				}
				want := DayInfo{Date: d, Working: true, Holiday: b.name, Adjusted: true}
				if info != want {
					t.Errorf("Day(%s) = %+v, want %+v", w, info, want)
				}
				if ok, err := cal.IsWorkingDay(d); !ok || err != nil {
					t.Errorf("IsWorkingDay(%s) = %t, %v", w, ok, err)
				}
			})
		}
	}
}

// TestCalendarNothingElse checks that, for every day of 2022–2026, the
// calendar differs from "weekdays work, weekends rest" exactly where the
// notices say so: the table has no extra entries.
func TestCalendarNothingElse(t *testing.T) {
	cal := BuiltinCalendar()
	offDays, workDays := map[Date]string{}, map[Date]string{}
	for _, b := range notices2022to2026 {
		for d := MustDate(b.first); d <= MustDate(b.last); d++ {
			offDays[d] = b.name
		}
		for _, w := range b.work {
			workDays[MustDate(w)] = b.name
		}
	}
	for year := 2022; year <= 2026; year++ {
		t.Run(fmt.Sprint(year), func(t *testing.T) {
			working := 0
			for d := NewDate(year, 1, 1); d.Year() == year; d++ {
				info, err := cal.Day(d)
				if err != nil {
					t.Fatal(err)
				}
				want := !isWeekend(d)
				if _, ok := offDays[d]; ok {
					want = false
				}
				if _, ok := workDays[d]; ok {
					want = true
				}
				if info.Working != want {
					t.Errorf("%s (%s): Working = %t, want %t", d, d.Weekday(), info.Working, want)
				}
				if _, listed := offDays[d]; !listed && workDays[d] == "" && info.Holiday != "" {
					t.Errorf("%s: Holiday = %q on an ordinary day", d, info.Holiday)
				}
				if info.Working {
					working++
				}
			}
			t.Logf("%d: %d working days", year, working)
		})
	}
}

// Working days per year, counted by hand from the notices: weekdays of the
// year, minus holiday weekdays, plus adjusted working days (2024: 262-19+8).
func TestCalendarWorkingDaysPerYear(t *testing.T) {
	cal := BuiltinCalendar()
	for _, tc := range []struct {
		year int
		want int
	}{
		{2022, 249}, {2023, 249}, {2024, 251}, {2025, 248}, {2026, 248}, {2027, 248},
	} {
		t.Run(fmt.Sprint(tc.year), func(t *testing.T) {
			n, err := cal.WorkingDaysAfter(NewDate(tc.year, 1, 1)-1, NewDate(tc.year, 12, 31))
			if tc.year == 2022 {
				// 2021-12-31 is unknown; count from 2022-01-01 inclusive instead.
				n, err = cal.WorkingDaysAfter(NewDate(2022, 1, 1), NewDate(2022, 12, 31))
			}
			if err != nil {
				t.Fatal(err)
			}
			if n != tc.want {
				t.Errorf("%d working days, want %d", n, tc.want)
			}
		})
	}
}

func TestCalendarOrdinaryDays(t *testing.T) {
	cal := BuiltinCalendar()
	for _, tc := range []struct {
		name    string
		date    string
		working bool
		holiday string
	}{
		{"weekday", "2024-03-13", true, ""},
		{"saturday", "2024-03-16", false, ""},
		{"sunday", "2024-03-17", false, ""},
		{"29 February 2024 (Thursday)", "2024-02-29", true, ""},
		{"month end Friday", "2024-05-31", true, ""},
		{"month end Saturday", "2024-08-31", false, ""},
		{"year end 2024 (Tuesday)", "2024-12-31", true, ""},
		{"year end 2022 (Saturday, 元旦 break)", "2022-12-31", false, "元旦"},
		{"2023-01-02 Monday off", "2023-01-02", false, "元旦"},
		{"2023-01-03 back to work", "2023-01-03", true, ""},
		{"2027 spring festival", "2027-02-10", false, "春节"},
		{"2027 adjusted working day", "2027-02-14", true, "春节"},
		{"2027 national day", "2027-10-06", false, "国庆节"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := cal.Day(MustDate(tc.date))
			if err != nil {
				t.Fatal(err)
			}
			if info.Working != tc.working || info.Holiday != tc.holiday {
				t.Errorf("Day(%s) = %+v, want working=%t holiday=%q", tc.date, info, tc.working, tc.holiday)
			}
		})
	}
}

func TestCalendarAddWorkingDays(t *testing.T) {
	cal := BuiltinCalendar()
	for _, tc := range []struct {
		name string
		from string
		n    int
		want string
	}{
		{"zero returns the day", "2024-10-03", 0, "2024-10-03"},
		{"next day", "2024-03-13", 1, "2024-03-14"},
		{"over a weekend", "2024-03-15", 1, "2024-03-18"},
		{"from a saturday", "2024-03-16", 1, "2024-03-18"},
		{"into an adjusted sunday", "2024-09-27", 1, "2024-09-29"},
		{"from an adjusted sunday", "2024-09-29", 1, "2024-09-30"},
		{"over national day 2024", "2024-09-30", 1, "2024-10-08"},
		{"across new year 2022/2023", "2022-12-30", 1, "2023-01-03"},
		{"across new year 2022/2023, 5", "2022-12-28", 5, "2023-01-05"},
		{"across new year 2024/2025", "2024-12-30", 3, "2025-01-03"},
		{"across 29 February", "2024-02-28", 2, "2024-03-01"},
		{"over spring festival 2024", "2024-02-08", 2, "2024-02-18"},
		{"backwards one", "2024-03-18", -1, "2024-03-15"},
		{"backwards over national day", "2024-10-08", -1, "2024-09-30"},
		{"backwards across new year", "2023-01-03", -1, "2022-12-30"},
		{"backwards into adjusted saturday", "2024-10-14", -1, "2024-10-12"},
		{"ten working days", "2024-05-06", 10, "2024-05-17"},
		{"year's worth", "2024-01-01", 251, "2024-12-31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cal.AddWorkingDays(MustDate(tc.from), tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tc.want {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
			}
			if tc.n > 0 {
				back, err := cal.WorkingDaysAfter(MustDate(tc.from), got)
				if err != nil || back != tc.n {
					t.Errorf("WorkingDaysAfter(%s, %s) = %d, %v; want %d", tc.from, got, back, err, tc.n)
				}
			}
		})
	}
}

func TestCalendarWorkingDaysAfter(t *testing.T) {
	cal := BuiltinCalendar()
	for _, tc := range []struct {
		name string
		a, b string
		want int
	}{
		{"same day", "2024-03-13", "2024-03-13", 0},
		{"one day", "2024-03-13", "2024-03-14", 1},
		{"over weekend", "2024-03-15", "2024-03-18", 1},
		{"to a saturday", "2024-03-15", "2024-03-16", 0},
		{"national day 2024 week", "2024-09-30", "2024-10-07", 0},
		{"national day 2024 with adjusted days", "2024-09-27", "2024-10-12", 7},
		{"reversed", "2024-03-18", "2024-03-13", -3},
		{"across 2022/2023", "2022-12-30", "2023-01-03", 1},
		{"february 2024 whole", "2024-01-31", "2024-02-29", 18},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cal.WorkingDaysAfter(MustDate(tc.a), MustDate(tc.b))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("WorkingDaysAfter(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestCalendarPrevNextWorkingDay(t *testing.T) {
	cal := BuiltinCalendar()
	for _, tc := range []struct {
		name, d, prev, next string
	}{
		{"monday", "2024-03-18", "2024-03-15", "2024-03-19"},
		{"first day after national day", "2024-10-08", "2024-09-30", "2024-10-09"},
		{"in spring festival", "2025-01-30", "2025-01-27", "2025-02-05"},
		{"new year 2023", "2023-01-01", "2022-12-30", "2023-01-03"},
		{"1 march 2024", "2024-03-01", "2024-02-29", "2024-03-04"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := cal.PrevWorkingDay(MustDate(tc.d))
			if err != nil || p.String() != tc.prev {
				t.Errorf("PrevWorkingDay(%s) = %s, %v; want %s", tc.d, p, err, tc.prev)
			}
			n, err := cal.NextWorkingDay(MustDate(tc.d))
			if err != nil || n.String() != tc.next {
				t.Errorf("NextWorkingDay(%s) = %s, %v; want %s", tc.d, n, err, tc.next)
			}
		})
	}
}

func TestCalendarUnknownYears(t *testing.T) {
	cal := BuiltinCalendar()
	if got := cal.KnownYears(); !slices.Equal(got, []int{2022, 2023, 2024, 2025, 2026, 2027}) {
		t.Fatalf("KnownYears = %v", got)
	}
	calls := map[string]func(d Date) error{
		"Day":                   func(d Date) error { _, err := cal.Day(d); return err },
		"IsWorkingDay":          func(d Date) error { _, err := cal.IsWorkingDay(d); return err },
		"AddWorkingDays +1":     func(d Date) error { _, err := cal.AddWorkingDays(d, 1); return err },
		"AddWorkingDays -1":     func(d Date) error { _, err := cal.AddWorkingDays(d, -1); return err },
		"AddWorkingDays 0":      func(d Date) error { _, err := cal.AddWorkingDays(d, 0); return err },
		"WorkingDaysAfter from": func(d Date) error { _, err := cal.WorkingDaysAfter(d, MustDate("2024-01-02")); return err },
		"WorkingDaysAfter to":   func(d Date) error { _, err := cal.WorkingDaysAfter(MustDate("2024-01-02"), d); return err },
		"PrevWorkingDay":        func(d Date) error { _, err := cal.PrevWorkingDay(d); return err },
		"NextWorkingDay":        func(d Date) error { _, err := cal.NextWorkingDay(d); return err },
		"Rules.DisclosureDue":   func(d Date) error { _, err := DefaultRules().DisclosureDue(d); return err },
		"Rules.Disclosure": func(d Date) error {
			_, err := DefaultRules().Disclosure(&Record{Kind: Penalty, Decided: d}, d)
			return err
		},
		"Rules.Pipeline (review)": func(d Date) error { _, err := DefaultRules().Pipeline(&Repair{Applied: d}, d); return err },
	}
	for _, year := range []int{2021, 2028} {
		for _, day := range []Date{NewDate(year, 6, 15), NewDate(year, 1, 1), NewDate(year, 12, 31)} {
			for name, call := range calls {
				t.Run(fmt.Sprintf("%s %s", name, day), func(t *testing.T) {
					err := call(day)
					var ue *UnknownYearError
					if !errors.As(err, &ue) || ue.Year != year {
						t.Fatalf("err = %v, want *UnknownYearError{%d}", err, year)
					}
				})
			}
		}
	}
	t.Run("walking out of a known year", func(t *testing.T) {
		_, err := cal.AddWorkingDays(MustDate("2027-12-30"), 3)
		var ue *UnknownYearError
		if !errors.As(err, &ue) || ue.Year != 2028 {
			t.Fatalf("err = %v, want *UnknownYearError{2028}", err)
		}
		_, err = cal.PrevWorkingDay(MustDate("2022-01-04"))
		if !errors.As(err, &ue) || ue.Year != 2021 {
			t.Fatalf("err = %v, want *UnknownYearError{2021}", err)
		}
	})
	t.Run("message", func(t *testing.T) {
		msg := (&UnknownYearError{Year: 2028}).Error()
		for _, want := range []string{"2028", "[calendar]", "configuration", "State Council"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q lacks %q", msg, want)
			}
		}
	})
	t.Run("zero date", func(t *testing.T) {
		if _, err := cal.Day(0); err == nil {
			t.Error("Day(0) succeeded")
		}
	})
}

// A 2028 schedule as configuration would give it (illustrative dates).
var overrides2028 = []DayOverride{
	{Date: MustDate("2028-01-01"), Name: "元旦"},
	{Date: MustDate("2028-01-24"), Name: "春节"},
	{Date: MustDate("2028-01-25"), Name: "春节"},
	{Date: MustDate("2028-01-29"), Working: true, Name: "春节"},
}

func TestNewCalendar(t *testing.T) {
	cal, err := NewCalendar(overrides2028, []int{2028})
	if err != nil {
		t.Fatal(err)
	}
	if !cal.Knows(2028) || cal.Knows(2029) || !cal.Knows(2024) {
		t.Errorf("Knows: 2028=%t 2029=%t 2024=%t", cal.Knows(2028), cal.Knows(2029), cal.Knows(2024))
	}
	if got := cal.KnownYears(); !slices.Equal(got, []int{2022, 2023, 2024, 2025, 2026, 2027, 2028}) {
		t.Errorf("KnownYears = %v", got)
	}
	if cal.Source(2028) != "configuration" || cal.Source(2022) != "国办发明电〔2021〕11号" {
		t.Errorf("Source: %q %q", cal.Source(2028), cal.Source(2022))
	}
	if BuiltinCalendar().Knows(2028) {
		t.Error("NewCalendar changed the built-in calendar")
	}
	for _, tc := range []struct {
		name string
		date string
		want DayInfo
	}{
		{"new year (saturday)", "2028-01-01", DayInfo{Working: false, Holiday: "元旦"}},
		{"holiday monday", "2028-01-24", DayInfo{Working: false, Holiday: "春节"}},
		{"adjusted saturday", "2028-01-29", DayInfo{Working: true, Holiday: "春节", Adjusted: true}},
		{"ordinary weekday", "2028-03-01", DayInfo{Working: true}},
		{"ordinary sunday", "2028-03-05", DayInfo{Working: false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.want.Date = MustDate(tc.date)
			got, err := cal.Day(MustDate(tc.date))
			if err != nil || got != tc.want {
				t.Errorf("Day(%s) = %+v, %v; want %+v", tc.date, got, err, tc.want)
			}
		})
	}
	t.Run("add across into 2028", func(t *testing.T) {
		got, err := cal.AddWorkingDays(MustDate("2027-12-31"), 1)
		if err != nil || got.String() != "2028-01-03" {
			t.Errorf("= %s, %v; want 2028-01-03", got, err)
		}
		got, err = cal.AddWorkingDays(MustDate("2028-01-21"), 1)
		if err != nil || got.String() != "2028-01-26" {
			t.Errorf("= %s, %v; want 2028-01-26", got, err)
		}
	})
	t.Run("override wins over built-in", func(t *testing.T) {
		c, err := NewCalendar([]DayOverride{
			{Date: MustDate("2024-10-08"), Name: "国庆节"},                 // built-in: working Tuesday
			{Date: MustDate("2024-10-12"), Working: false, Name: "国庆节"}, // built-in: adjusted working day
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{"2024-10-08", "2024-10-12"} {
			if w, _ := c.IsWorkingDay(MustDate(d)); w {
				t.Errorf("%s still a working day", d)
			}
		}
		if w, _ := BuiltinCalendar().IsWorkingDay(MustDate("2024-10-08")); !w {
			t.Error("built-in calendar changed")
		}
	})
	for _, tc := range []struct {
		name      string
		overrides []DayOverride
		years     []int
	}{
		{"conflicting working", []DayOverride{{Date: MustDate("2028-01-01")}, {Date: MustDate("2028-01-01"), Working: true}}, []int{2028}},
		{"conflicting name", []DayOverride{{Date: MustDate("2028-01-01"), Name: "元旦"}, {Date: MustDate("2028-01-01"), Name: "春节"}}, []int{2028}},
		{"unknown year", []DayOverride{{Date: MustDate("2028-01-01"), Name: "元旦"}}, nil},
		{"no date", []DayOverride{{Name: "元旦"}}, nil},
		{"absurd year", nil, []int{28}},
	} {
		t.Run("error "+tc.name, func(t *testing.T) {
			if _, err := NewCalendar(tc.overrides, tc.years); err == nil {
				t.Error("no error")
			}
		})
	}
	t.Run("identical duplicates are fine", func(t *testing.T) {
		o := DayOverride{Date: MustDate("2028-01-01"), Name: "元旦"}
		if _, err := NewCalendar([]DayOverride{o, o}, []int{2028}); err != nil {
			t.Error(err)
		}
	})
}

// TestCalendar2027 pins the 2027 schedule, which was
// cross-checked only against lunar-go v1.4.7's data.
func TestCalendar2027(t *testing.T) {
	cal := BuiltinCalendar()
	off := []string{"2027-01-01", "2027-01-02", "2027-01-03", "2027-02-05", "2027-02-13", "2027-04-05",
		"2027-05-03", "2027-05-05", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-07"}
	work := []string{"2027-01-31", "2027-02-14", "2027-05-08", "2027-09-26", "2027-10-09"}
	for _, d := range off {
		t.Run("off "+d, func(t *testing.T) {
			if w, err := cal.IsWorkingDay(MustDate(d)); w || err != nil {
				t.Errorf("IsWorkingDay = %t, %v", w, err)
			}
		})
	}
	for _, d := range work {
		t.Run("work "+d, func(t *testing.T) {
			if info, err := cal.Day(MustDate(d)); !info.Working || !info.Adjusted || err != nil {
				t.Errorf("Day = %+v, %v", info, err)
			}
		})
	}
}

// TestWorkingDaysAfterMatchesDayByDay checks the indexed count against a
// day-by-day count for many pairs of dates.
func TestWorkingDaysAfterMatchesDayByDay(t *testing.T) {
	cal := BuiltinCalendar()
	first, last := MustDate("2022-01-01"), MustDate("2027-12-31")
	for a := first; a <= last; a += 37 {
		for _, span := range []int{0, 1, 6, 45, 400, 1500} {
			b := a.AddDays(span)
			if b > last {
				continue
			}
			want := 0
			for d := a + 1; d <= b; d++ {
				if w, _ := cal.IsWorkingDay(d); w {
					want++
				}
			}
			got, err := cal.WorkingDaysAfter(a, b)
			if err != nil || got != want {
				t.Fatalf("WorkingDaysAfter(%s, %s) = %d, %v; want %d", a, b, got, err, want)
			}
			if back, _ := cal.WorkingDaysAfter(b, a); back != -want {
				t.Fatalf("WorkingDaysAfter(%s, %s) = %d, want %d", b, a, back, -want)
			}
		}
	}
}

func TestWorkingDaysAfterGapYear(t *testing.T) {
	cal, err := NewCalendar(nil, []int{2030})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := cal.WorkingDaysAfter(MustDate("2030-01-01"), MustDate("2030-01-08")); err != nil || n != 5 {
		t.Errorf("within 2030: %d, %v", n, err)
	}
	_, err = cal.WorkingDaysAfter(MustDate("2027-06-01"), MustDate("2030-06-01"))
	var ue *UnknownYearError
	if !errors.As(err, &ue) || ue.Year != 2028 {
		t.Errorf("err = %v, want *UnknownYearError{2028}", err)
	}
	_, err = cal.AddWorkingDays(MustDate("2030-01-02"), -400)
	if !errors.As(err, &ue) || ue.Year != 2029 {
		t.Errorf("err = %v, want *UnknownYearError{2029}", err)
	}
}

// The indexed AddWorkingDays agrees with stepping a day at a time, across
// year boundaries, holidays, adjusted working days and up to the end of the
// known years (and with a gap year configured out).
func TestAddWorkingDaysIndexedMatchesStepped(t *testing.T) {
	gap, err := NewCalendar(nil, []int{2029}) // 2028 unknown between known years
	if err != nil {
		t.Fatal(err)
	}
	cals := map[string]*Calendar{"builtin": BuiltinCalendar(), "gap": gap}
	for name, c := range cals {
		years := c.KnownYears()
		from, to := NewDate(years[0], 1, 1), NewDate(years[len(years)-1], 12, 31)
		for d := from; d <= to; d += 3 {
			for _, n := range []int{1, 2, 5, 7, 10, 15, 20, 60, 250} {
				want, werr := c.addWorkingDaysStepped(d, n)
				if err := c.check(d); err != nil {
					want, werr = 0, err
				}
				got, gerr := c.AddWorkingDays(d, n)
				if got != want || (werr == nil) != (gerr == nil) {
					t.Fatalf("%s: %s + %d working days = %s (%v), stepping gives %s (%v)", name, d, n, got, gerr, want, werr)
				}
			}
		}
	}
}
