package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/czyj/credwatch/credit"
)

// runWorkdays implements "credwatch workdays": working-day arithmetic.
func runWorkdays(e *env, args []string) int {
	fs := newFlags("workdays")
	var from, to cliDate
	fs.Var(&from, "from", "flag.workdays.from")
	fs.Var(&to, "to", "flag.workdays.to")
	add := fs.Int("add", 0, "flag.workdays.add")
	asJSON := fs.Bool("json", false, "flag.workdays.json")
	if code, ok := parseFlags(fs, args, e.stdout, e.stderr); !ok {
		return code
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	switch {
	case fs.NArg() > 0:
		return usageError(e, "workdays", "unexpected argument %q", fs.Arg(0))
	case from.d.IsZero():
		return usageError(e, "workdays", "--from is required")
	case given["add"] && given["to"]:
		return usageError(e, "workdays", "give either --add or --to, not both")
	case !given["add"] && !given["to"]:
		return usageError(e, "workdays", "give --add N or --to DATE")
	}
	cal := e.rules.Cal
	if given["add"] {
		d, err := cal.AddWorkingDays(from.d, *add)
		if err != nil {
			return failure(e, "workdays", err)
		}
		prov := cal.ProvisionalBetween(from.d, d)
		if *asJSON {
			return writeJSON(e, "workdays", struct {
				From        string `json:"from"`
				Add         int    `json:"add"`
				Date        string `json:"date"`
				Provisional []int  `json:"provisional_years"`
			}{from.d.String(), *add, d.String(), append([]int{}, prov...)})
		}
		var what string
		switch {
		case *add == 0:
			what = "is the start date itself (--add 0)"
		case *add > 0:
			what = fmt.Sprintf("is the %s working day after %s", ordinal(*add), describeDay(cal, from.d))
		default:
			what = fmt.Sprintf("is the %s working day before %s", ordinal(-*add), describeDay(cal, from.d))
		}
		fmt.Fprintf(e.stdout, "%s\n  %s %s\n", d, describeDay(cal, d), what)
		provisionalNote(e, prov)
		return 0
	}
	n, err := cal.WorkingDaysAfter(from.d, to.d)
	if err != nil {
		return failure(e, "workdays", err)
	}
	prov := cal.ProvisionalBetween(from.d, to.d)
	if *asJSON {
		return writeJSON(e, "workdays", struct {
			From        string `json:"from"`
			To          string `json:"to"`
			WorkingDays int    `json:"working_days"`
			Provisional []int  `json:"provisional_years"`
		}{from.d.String(), to.d.String(), n, append([]int{}, prov...)})
	}
	if to.d >= from.d {
		fmt.Fprintf(e.stdout, "%d\n  working days after %s up to and including %s\n", n, describeDay(cal, from.d), describeDay(cal, to.d))
	} else {
		fmt.Fprintf(e.stdout, "%d\n  --to is before --from: minus the working days after %s up to and including %s\n",
			n, describeDay(cal, to.d), describeDay(cal, from.d))
	}
	provisionalNote(e, prov)
	return 0
}

// provisionalNote says that a count went through a year whose built-in
// schedule is provisional (Calendar.Provisional).
func provisionalNote(e *env, years []int) {
	if len(years) > 0 {
		fmt.Fprintf(e.stdout, "  PROVISIONAL: the built-in %s schedule is not checked against the State Council notice;\n"+
			"  confirm it with [calendar] confirmed = [%s] or correct it with [[calendar.day]] (docs/rules.md)\n",
			joinYears(years), joinYears(years))
	}
}

// describeDay renders a day as "2024-10-12 (Sat, 调休上班 for 国庆节)".
func describeDay(cal *credit.Calendar, d credit.Date) string {
	info, err := cal.Day(d)
	wd := d.Weekday().String()[:3]
	switch {
	case err != nil:
		return fmt.Sprintf("%s (%s)", d, wd)
	case info.Adjusted:
		return fmt.Sprintf("%s (%s, adjusted working day 调休上班 for %s)", d, wd, info.Holiday)
	case !info.Working && info.Holiday != "":
		return fmt.Sprintf("%s (%s, %s holiday)", d, wd, info.Holiday)
	case !info.Working && (d.Weekday() == time.Saturday || d.Weekday() == time.Sunday):
		return fmt.Sprintf("%s (%s, weekend)", d, wd)
	case !info.Working:
		return fmt.Sprintf("%s (%s, day off)", d, wd)
	}
	return fmt.Sprintf("%s (%s)", d, wd)
}

// ordinal renders 1st, 2nd, 3rd, 4th, 11th, 21st...
func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}
