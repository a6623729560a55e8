package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/czyj/credwatch/credit"
)

const whenUsage = `Usage: credwatch when --decided YYYY-MM-DD [flags]

Derives the dates of a penalty (行政处罚) from the rule set in force on its
decision date: disclosure deadline, end of the minimum disclosure period,
first day the enterprise may apply to 信用中国 for credit repair, end of the
maximum disclosure period and, with --applied, when the review is due.

Flags:
  --decided DATE        decision date (处罚决定日期), required
  --severity S          minor (轻微), general (一般) or serious (严重); default general
  --penalty-type T      处罚类别, repeatable or comma-separated, e.g. 罚款,责令停产停业
  --applied DATE        date of the application to 信用中国
  --rule-set NAME       use this rule set instead of the one in force on the decision date
  --json                print one JSON object
`

// cliDate is a flag.Value holding a YYYY-MM-DD date.
type cliDate struct{ d credit.Date }

func (f *cliDate) String() string { return f.d.String() }
func (f *cliDate) Set(s string) error {
	d, err := credit.ParseDate(s)
	if err != nil {
		return err
	}
	f.d = d
	return nil
}

// cliList is a repeatable flag.Value; each use may hold several values
// separated by commas (, ， or 、).
type cliList []string

func (f *cliList) String() string { return strings.Join(*f, ",") }
func (f *cliList) Set(s string) error {
	for _, v := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		if v = strings.TrimSpace(v); v != "" {
			*f = append(*f, v)
		}
	}
	return nil
}

// newCommandFlags returns a flag set for a sub-command that reports errors to
// stderr and prints usage there on -h.
func newCommandFlags(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	return fs
}

// parseCommandFlags parses args; it returns the exit status to use and false
// when the command must stop (help was asked for, or a usage error).
func parseCommandFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false // flag has printed the error and usage
	}
	return 0, true
}

// usageError reports a usage error of command name and returns exit status 2.
func usageError(e *env, name, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "credwatch %s: %s\n(run credwatch %s -h for help)\n", name, fmt.Sprintf(format, args...), name)
	return 2
}

// failure reports an error that is not a usage error and returns 1.
func failure(e *env, name string, err error) int {
	fmt.Fprintf(e.stderr, "credwatch %s: %v\n", name, err)
	return 1
}

// whenJSON is the --json output of when. Dates are YYYY-MM-DD or "".
type whenJSON struct {
	Decided            string `json:"decided"`
	Severity           string `json:"severity"`
	RuleSet            string `json:"rule_set"`
	DisclosureDue      string `json:"disclosure_due"`
	MinPeriodEnd       string `json:"min_period_end"`
	RepairEligibleFrom string `json:"repair_eligible_from"`
	MaxDisclosureEnd   string `json:"max_disclosure_end"`
	Repairable         bool   `json:"repairable"`
	Reason             string `json:"reason"`
	ReviewDue          string `json:"review_due,omitempty"`
}

// runWhen implements "credwatch when": the repair dates of one penalty.
func runWhen(e *env, args []string) int {
	fs := newCommandFlags("when", whenUsage, e.stderr)
	var decided, applied cliDate
	var types cliList
	fs.Var(&decided, "decided", "decision date, YYYY-MM-DD")
	sevText := fs.String("severity", "general", "minor, general or serious")
	fs.Var(&types, "penalty-type", "处罚类别 (repeatable, comma-separated)")
	fs.Var(&applied, "applied", "application date, YYYY-MM-DD")
	setName := fs.String("rule-set", "", "rule set name")
	asJSON := fs.Bool("json", false, "print JSON")
	if code, ok := parseCommandFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(e, "when", "unexpected argument %q", fs.Arg(0))
	}
	if decided.d.IsZero() {
		return usageError(e, "when", "--decided is required")
	}
	sev, err := credit.ParseSeverity(*sevText)
	if err != nil {
		return usageError(e, "when", "--severity: %v", err)
	}
	for _, t := range types {
		if !slices.Contains(credit.PenaltyTypes, t) {
			return usageError(e, "when", "--penalty-type: %q is not a 处罚类别; want one of %s", t, strings.Join(credit.PenaltyTypes, ", "))
		}
	}
	var set *credit.RuleSet
	if *setName != "" {
		if set, err = e.rules.RuleSetByName(*setName); err != nil {
			return usageError(e, "when", "--rule-set: %v", err)
		}
	} else if set, err = e.rules.RuleSetFor(decided.d); err != nil {
		return failure(e, "when", err)
	}
	rd, err := e.rules.RepairWith(set, decided.d, sev, types, applied.d)
	if err != nil {
		return failure(e, "when", err)
	}
	if *asJSON {
		out := whenJSON{
			Decided:            rd.Decided.String(),
			Severity:           string(rd.Severity),
			RuleSet:            rd.RuleSet,
			DisclosureDue:      rd.DisclosureDue.String(),
			MinPeriodEnd:       rd.MinPeriodEnd.String(),
			RepairEligibleFrom: rd.EligibleFrom.String(),
			MaxDisclosureEnd:   rd.MaxDisclosureEnd.String(),
			Repairable:         rd.Repairable,
			Reason:             rd.Reason,
			ReviewDue:          rd.ReviewDue.String(),
		}
		return writeJSON(e, "when", out)
	}
	printWhen(e.stdout, e.rules, set, rd, types, applied.d)
	return 0
}

// printWhen writes the dates with one line of explanation each.
func printWhen(w io.Writer, r *credit.Rules, set *credit.RuleSet, rd credit.RepairDates, types []string, applied credit.Date) {
	p := set.Periods[rd.Severity]
	line := func(label string, d credit.Date, why string) {
		ds := d.String()
		if ds == "" {
			ds = "-"
		}
		fmt.Fprintf(w, "%-22s %-10s  %s\n", label, ds, why)
	}
	fmt.Fprintf(w, "Rule set: %s  %s (%s)\n", set.Name, set.Title, set.Range())
	penalty := ""
	if len(types) > 0 {
		penalty = ", 处罚类别 " + strings.Join(types, "、")
	}
	fmt.Fprintf(w, "Penalty:  %s (%s失信)%s\n\n", rd.Severity, rd.Severity.Chinese(), penalty)
	line("Decided", rd.Decided, "decision date (处罚决定日期); periods count from the next day")
	line("Disclosure due", rd.DisclosureDue,
		fmt.Sprintf("%d working days after the decision, decision day not counted: last day to reach 信用中国", r.DisclosureWorkingDays))
	if p.MinMonths == 0 {
		line("Minimum period ends", rd.MinPeriodEnd, fmt.Sprintf("no minimum period for %s (%s) penalties", rd.Severity, rd.Severity.Chinese()))
	} else {
		line("Minimum period ends", rd.MinPeriodEnd,
			fmt.Sprintf("%d months after the decision (民法典 Art. 201-202: same day of the month, or the month's last day)", p.MinMonths))
	}
	if rd.Repairable {
		line("Repair eligible from", rd.EligibleFrom, "the enterprise may apply to 信用中国 for credit repair (信用修复) from this day")
	} else {
		line("Repair eligible from", 0, "NOT REPAIRABLE: "+rd.Reason)
	}
	months := p.MaxMonths
	if !rd.Repairable && set.NotRepairableMonths > months {
		months = set.NotRepairableMonths
	}
	line("Maximum disclosure", rd.MaxDisclosureEnd,
		fmt.Sprintf("last day disclosed, %d months after the decision (最长公示期)", months))
	if !applied.IsZero() {
		line("Applied", applied, "application to 信用中国")
		line("Review due", rd.ReviewDue,
			fmt.Sprintf("信用中国 completes its review within %d working days of the application", set.ReviewWorkingDays))
	}
}

// writeJSON prints v as indented JSON, keeping Chinese text readable.
func writeJSON(e *env, name string, v any) int {
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return failure(e, name, err)
	}
	return 0
}
