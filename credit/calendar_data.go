package credit

// The built-in working-day calendar: every public-holiday day off and every
// adjusted working day (调休上班) that the State Council General Office's annual
// notices (国务院办公厅关于××年部分节假日安排的通知) set for 2022–2027.
//
// Outside this table, Saturdays and Sundays are days off and Monday to Friday
// are working days. Each schedule below is the notice as published; a block's
// weekend days are listed when the notice includes them in the holiday period
// ("1月1日至3日放假", or "与周末连休", where the weekend joins the break), so
// that DayInfo names the holiday on them. Listing them or not changes no
// working-day count.
//
// Cross-check: every entry was compared, date by date, against the holiday
// data of github.com/6tail/lunar-go v1.4.7 (HolidayUtil) and against the
// notices' text. They agree on every date and on whether it is a day off or a
// working day. The differences are names only:
//   - lunar-go says 元旦节 where the notices say 元旦; we use 元旦.
//   - 2023: the notice gives one block "中秋节、国庆节：9月29日至10月6日". lunar-go
//     names 9-29 (the Mid-Autumn day itself) 中秋节 and 9-30..10-6 国庆节; so do we.
//   - 2025: the notice gives one block "国庆节、中秋节：10月1日至8日" and
//     lunar-go names all of it 国庆中秋. We name 10-6 (the Mid-Autumn day
//     itself, 农历八月十五) 中秋节 and the rest of the block 国庆节, so that
//     names stay within the seven holiday names.
//   - lunar-go names adjusted working days after the holiday they make up for;
//     so do we (DayInfo.Holiday on an adjusted working day).
//
// The 2023 schedule's 元旦 block starts on 2022-12-31 and the 2024 schedule's
// starts on 2023-12-30: those days are listed with the schedule that set them.
//
// To add a year without a rebuild, see docs/rules.md (configuration section
// [calendar]); NewCalendar takes such entries as overrides.

// scheduleDay is one entry of a year's schedule.
type scheduleDay struct {
	date    string // YYYY-MM-DD
	working bool   // true: adjusted working day (调休上班); false: holiday day off
	name    string // the holiday (for a working day: the holiday it makes up for)
}

// yearSchedule is one State Council notice.
type yearSchedule struct {
	year   int
	source string // the notice's document number, as far as known
	// provisional: not checked against the notice itself (see
	// Calendar.Provisional).
	provisional bool
	days        []scheduleDay
}

// off lists the days off from first to last inclusive, all named name.
func off(first, last, name string) []scheduleDay {
	var out []scheduleDay
	for d, end := MustDate(first), MustDate(last); d <= end; d++ {
		out = append(out, scheduleDay{date: d.String(), name: name})
	}
	return out
}

// work lists adjusted working days that make up for holiday name.
func work(name string, dates ...string) []scheduleDay {
	out := make([]scheduleDay, 0, len(dates))
	for _, d := range dates {
		out = append(out, scheduleDay{date: d, working: true, name: name})
	}
	return out
}

func join(parts ...[]scheduleDay) []scheduleDay {
	var out []scheduleDay
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Holiday names used in the built-in table.
const (
	HolidayNewYear     = "元旦"
	HolidaySpring      = "春节"
	HolidayQingming    = "清明节"
	HolidayLabour      = "劳动节"
	HolidayDragonBoat  = "端午节"
	HolidayMidAutumn   = "中秋节"
	HolidayNationalDay = "国庆节"
)

var builtinSchedules = []yearSchedule{
	{
		year:   2022,
		source: "国办发明电〔2021〕11号",
		days: join(
			off("2022-01-01", "2022-01-03", HolidayNewYear),
			off("2022-01-31", "2022-02-06", HolidaySpring),
			work(HolidaySpring, "2022-01-29", "2022-01-30"),
			off("2022-04-03", "2022-04-05", HolidayQingming),
			work(HolidayQingming, "2022-04-02"),
			off("2022-04-30", "2022-05-04", HolidayLabour),
			work(HolidayLabour, "2022-04-24", "2022-05-07"),
			off("2022-06-03", "2022-06-05", HolidayDragonBoat),
			off("2022-09-10", "2022-09-12", HolidayMidAutumn),
			off("2022-10-01", "2022-10-07", HolidayNationalDay),
			work(HolidayNationalDay, "2022-10-08", "2022-10-09"),
		),
	},
	{
		year:   2023,
		source: "国办发明电〔2022〕16号",
		days: join(
			off("2022-12-31", "2023-01-02", HolidayNewYear),
			off("2023-01-21", "2023-01-27", HolidaySpring),
			work(HolidaySpring, "2023-01-28", "2023-01-29"),
			off("2023-04-05", "2023-04-05", HolidayQingming),
			off("2023-04-29", "2023-05-03", HolidayLabour),
			work(HolidayLabour, "2023-04-23", "2023-05-06"),
			off("2023-06-22", "2023-06-24", HolidayDragonBoat),
			work(HolidayDragonBoat, "2023-06-25"),
			off("2023-09-29", "2023-09-29", HolidayMidAutumn),
			off("2023-09-30", "2023-10-06", HolidayNationalDay),
			work(HolidayNationalDay, "2023-10-07", "2023-10-08"),
		),
	},
	{
		year:   2024,
		source: "国办发明电〔2023〕7号",
		days: join(
			off("2023-12-30", "2024-01-01", HolidayNewYear), // "1月1日放假，与周末连休"
			off("2024-02-10", "2024-02-17", HolidaySpring),
			work(HolidaySpring, "2024-02-04", "2024-02-18"),
			off("2024-04-04", "2024-04-06", HolidayQingming),
			work(HolidayQingming, "2024-04-07"),
			off("2024-05-01", "2024-05-05", HolidayLabour),
			work(HolidayLabour, "2024-04-28", "2024-05-11"),
			off("2024-06-08", "2024-06-10", HolidayDragonBoat), // "6月10日放假，与周末连休"
			off("2024-09-15", "2024-09-17", HolidayMidAutumn),
			work(HolidayMidAutumn, "2024-09-14"),
			off("2024-10-01", "2024-10-07", HolidayNationalDay),
			work(HolidayNationalDay, "2024-09-29", "2024-10-12"),
		),
	},
	{
		// The first schedule under the 2024 revision of 《全国年节及纪念日放假办法》
		// (春节 and 劳动节 one statutory day longer).
		year:   2025,
		source: "国办发明电〔2024〕12号",
		days: join(
			off("2025-01-01", "2025-01-01", HolidayNewYear),
			off("2025-01-28", "2025-02-04", HolidaySpring),
			work(HolidaySpring, "2025-01-26", "2025-02-08"),
			off("2025-04-04", "2025-04-06", HolidayQingming),
			off("2025-05-01", "2025-05-05", HolidayLabour),
			work(HolidayLabour, "2025-04-27"),
			off("2025-05-31", "2025-06-02", HolidayDragonBoat),
			off("2025-10-01", "2025-10-05", HolidayNationalDay),
			off("2025-10-06", "2025-10-06", HolidayMidAutumn),
			off("2025-10-07", "2025-10-08", HolidayNationalDay),
			work(HolidayNationalDay, "2025-09-28", "2025-10-11"),
		),
	},
	{
		// Document number as recalled, not checked against the published
		// notice; the dates agree with lunar-go and with the notice's text.
		year:   2026,
		source: "国办发明电〔2025〕7号",
		days: join(
			off("2026-01-01", "2026-01-03", HolidayNewYear),
			work(HolidayNewYear, "2026-01-04"),
			off("2026-02-15", "2026-02-23", HolidaySpring),
			work(HolidaySpring, "2026-02-14", "2026-02-28"),
			off("2026-04-04", "2026-04-06", HolidayQingming),
			off("2026-05-01", "2026-05-05", HolidayLabour),
			work(HolidayLabour, "2026-05-09"),
			off("2026-06-19", "2026-06-21", HolidayDragonBoat),
			off("2026-09-25", "2026-09-27", HolidayMidAutumn),
			off("2026-10-01", "2026-10-07", HolidayNationalDay),
			work(HolidayNationalDay, "2026-09-20", "2026-10-10"),
		),
	},
	{
		// The 2027 notice came out in November 2026. This schedule was
		// cross-checked only against lunar-go v1.4.7's data, not against the
		// notice itself; its document number is not recorded here. Verify it
		// against the published notice and correct it through [calendar]
		// overrides in the configuration if it differs.
		year:        2027,
		source:      "国务院办公厅关于2027年部分节假日安排的通知 (checked against lunar-go v1.4.7 only; provisional)",
		provisional: true,
		days: join(
			off("2027-01-01", "2027-01-03", HolidayNewYear),
			off("2027-02-05", "2027-02-13", HolidaySpring),
			work(HolidaySpring, "2027-01-31", "2027-02-14"),
			off("2027-04-03", "2027-04-05", HolidayQingming),
			off("2027-05-01", "2027-05-05", HolidayLabour),
			work(HolidayLabour, "2027-05-08"),
			off("2027-06-09", "2027-06-09", HolidayDragonBoat),
			off("2027-09-15", "2027-09-15", HolidayMidAutumn),
			off("2027-10-01", "2027-10-07", HolidayNationalDay),
			work(HolidayNationalDay, "2027-09-26", "2027-10-09"),
		),
	},
}
