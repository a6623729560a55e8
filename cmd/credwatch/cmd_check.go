package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
)

// checkReport is what `credwatch check --json` prints: the daily check of
// the 每日核查 tab for the configured departments. Keys are stable.
type checkReport struct {
	Date     credit.Date     `json:"date"`
	Working  bool            `json:"working"`
	Holiday  string          `json:"holiday,omitempty"`
	Depts    []string        `json:"departments"`
	Items    []checkItem     `json:"items"`
	Failed   int             `json:"failed"`
	Pass     bool            `json:"pass"`
	ExitCode int             `json:"exit_code"`
	Signoff  *credit.Signoff `json:"signoff"` // today's sign-off, null if none
	Cache    string          `json:"cache"`
}

// checkItem is one line of checkReport: credit.CheckItem with its text
// worded in both languages by the catalogue.
type checkItem struct {
	ID     string             `json:"id"`
	Status credit.CheckStatus `json:"status"`
	Count  int                `json:"count"`
	Zh     string             `json:"zh"`              // one line, Chinese
	En     string             `json:"en"`              // one line, English
	Keys   []string           `json:"keys,omitempty"`  // record keys behind the line, for drill-down
	Depts  []string           `json:"depts,omitempty"` // departments concerned
	Names  []string           `json:"names,omitempty"` // endpoint names concerned
}

func newCheckReport(c credit.DailyCheck) checkReport {
	r := checkReport{Date: c.Date, Working: c.Working, Holiday: c.Holiday, Depts: c.Depts, Failed: c.Failed, Pass: c.Pass()}
	for _, it := range c.Items {
		en, zh := inBoth(it.Text)
		r.Items = append(r.Items, checkItem{ID: it.ID, Status: it.Status, Count: it.Count,
			Zh: zh, En: en, Keys: it.Keys, Depts: it.Depts, Names: it.Names})
	}
	return r
}

// runCheck prints the daily check (Art. 6) for the officer's departments,
// for cron and monitoring. Exit status: 0 every line passes, 1 something
// fails, 2 the check could not be made (no cache, a year the calendar does
// not know).
func (a *app) runCheck(args []string) int {
	// A one-shot command whose live heap is a few tens of MB at 1M records
	// (the check's lists): with GOGC's 4 MB start the collector ran five
	// times and took a fifth of its CPU. With the sync command's headroom
	// it runs once or twice; peak RSS on the aged 1M cache 94 -> 98 MB.
	keepGCHeadroom(syncGCHeadroom)
	fs := newFlags("check")
	asJSON := fs.Bool("json", false, "flag.check.json")
	if code, ok := parseFlags(fs, args, a.stdout, a.stderr); !ok {
		return code
	}
	fail := func(err error) int {
		fmt.Fprintf(a.stderr, "credwatch check: %v\n", err)
		return 2
	}
	db, err := a.openCache(true)
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	since, err := a.rules.LastWorkingDayStart(a.today)
	if err != nil {
		return fail(err)
	}
	data, err := db.Scoped(a.scope).CheckData(since)
	if err != nil {
		return fail(err)
	}
	data.Now = time.Now() // endpoints judged on the wall clock, as status does
	c, err := a.rules.DailyCheck(data, a.scope.Depts, a.today)
	if err != nil {
		return fail(err)
	}
	rep := newCheckReport(c)
	rep.Cache = db.Path()
	if !c.Pass() {
		rep.ExitCode = 1
	}
	if so, err := db.Signoffs(); err == nil {
		if s, ok := so[a.today]; ok {
			rep.Signoff = &s
		}
	}
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fail(err)
		}
		return rep.ExitCode
	}
	a.printCheck(rep)
	return rep.ExitCode
}

func (a *app) printCheck(r checkReport) {
	w := a.stdout
	scope := "all departments"
	if len(r.Depts) > 0 {
		var names []string
		for _, d := range r.Depts {
			names = append(names, a.depts.ShortName(d))
		}
		scope = strings.Join(names, ", ")
	}
	verdict := "PASS"
	if !r.Pass {
		verdict = fmt.Sprintf("FAIL (%d failing)", r.Failed)
	}
	fmt.Fprintf(w, "credwatch check %s: %s, exit %d\n", r.Date, verdict, r.ExitCode)
	fmt.Fprintf(w, "departments: %s\n", scope)
	if !r.Working {
		fmt.Fprintf(w, "not a working day (%s): no check is due today\n", firstNonEmpty(r.Holiday, "weekend"))
	}
	if r.Signoff != nil {
		fmt.Fprintf(w, "signed off:  %s by %s\n", r.Signoff.At.In(credit.ChinaZone).Format("15:04"), r.Signoff.Officer)
	} else if r.Working {
		fmt.Fprintln(w, "signed off:  not yet")
	}
	fmt.Fprintln(w)
	for _, it := range r.Items {
		mark := map[credit.CheckStatus]string{credit.CheckPass: "pass", credit.CheckFail: "FAIL", credit.CheckWarn: "warn"}[it.Status]
		text := it.Zh
		if a.lang == "en" {
			text = it.En
		}
		extra := ""
		if len(it.Depts) > 0 {
			var names []string
			for _, d := range it.Depts {
				names = append(names, a.depts.ShortName(d))
			}
			extra = "  [" + strings.Join(names, ", ") + "]"
		}
		if len(it.Names) > 0 {
			extra = "  [" + strings.Join(it.Names, ", ") + "]"
		}
		fmt.Fprintf(w, "%-4s  %-18s  %5d  %s%s\n", mark, it.ID, it.Count, text, extra)
	}
}
