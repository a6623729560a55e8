package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/czyj/credwatch/credit"
)

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

// failure reports an error that is not a usage error and returns 1.
func failure(e *env, name string, err error) int {
	fmt.Fprintf(e.stderr, "credwatch %s: %v\n", name, err)
	return 1
}

// whenJSON is the --json output of when. Dates are YYYY-MM-DD or "". The
// keys are documented in docs/rules.md ("when --json"); add keys, never
// rename or drop one.
type whenJSON struct {
	Decided            string   `json:"decided"`
	Severity           string   `json:"severity"` // as given
	Tier               string   `json:"tier"`     // the tier whose periods apply
	Regraded           string   `json:"regraded"` // why tier differs from severity; "" when it does not
	Accident           bool     `json:"accident"`
	PenaltyTypes       []string `json:"penalty_types"`
	RuleSet            string   `json:"rule_set"`
	RuleSetTitle       string   `json:"rule_set_title"`
	RuleSetSource      string   `json:"rule_set_source"`
	NotDisclosed       bool     `json:"not_disclosed"`
	DisclosureDue      string   `json:"disclosure_due"`
	MinPeriodEnd       string   `json:"min_period_end"`
	Eligibility        string   `json:"eligibility"` // "date", "on_fulfilment" or "not_repairable"
	Fulfilled          string   `json:"fulfilled"`
	RepairEligibleFrom string   `json:"repair_eligible_from"`
	MaxDisclosureEnd   string   `json:"max_disclosure_end"`
	Repairable         bool     `json:"repairable"`
	Reason             string   `json:"reason"`
	Applied            string   `json:"applied"`
	ReviewDue          string   `json:"review_due,omitempty"`
	ApplicationIssue   string   `json:"application_issue"`      // issue code, "" when none
	ApplicationText    string   `json:"application_issue_text"` // English and Chinese
	Unknown            []string `json:"unknown"`                // working-day dates not computable
	UnknownYears       []int    `json:"unknown_years"`
	Provisional        []string `json:"provisional"` // working-day dates through a provisional year
	ProvisionalYears   []int    `json:"provisional_years"`
}

func newWhenJSON(set *credit.RuleSet, rd credit.RepairDates, types []string, accident bool) whenJSON {
	out := whenJSON{
		Decided:            rd.Decided.String(),
		Severity:           string(rd.Severity),
		Tier:               string(rd.Tier),
		Regraded:           rd.Regraded,
		Accident:           accident,
		PenaltyTypes:       append([]string{}, types...),
		RuleSet:            rd.RuleSet,
		RuleSetTitle:       set.Title,
		RuleSetSource:      set.Source,
		NotDisclosed:       rd.NotDisclosed,
		DisclosureDue:      rd.DisclosureDue.String(),
		MinPeriodEnd:       rd.MinPeriodEnd.String(),
		Eligibility:        "date",
		Fulfilled:          rd.Fulfilled.String(),
		RepairEligibleFrom: rd.EligibleFrom.String(),
		MaxDisclosureEnd:   rd.MaxDisclosureEnd.String(),
		Repairable:         rd.Repairable,
		Reason:             rd.Reason,
		Applied:            rd.Applied.String(),
		ReviewDue:          rd.ReviewDue.String(),
		Unknown:            append([]string{}, rd.Unknown...),
		UnknownYears:       append([]int{}, rd.UnknownYears...),
		Provisional:        append([]string{}, rd.Provisional...),
		ProvisionalYears:   append([]int{}, rd.ProvisionalYears...),
	}
	switch {
	case !rd.Repairable:
		out.Eligibility = "not_repairable"
	case rd.OnFulfilment:
		out.Eligibility = "on_fulfilment"
	}
	if is := rd.ApplicationIssue; is != nil {
		out.ApplicationIssue = is.Code
		en, zh := inBoth(is.Text)
		out.ApplicationText = en + " (" + zh + ")"
	}
	return out
}

// runWhen implements "credwatch when": the repair dates of one penalty.
func runWhen(e *env, args []string) int {
	fs := newFlags("when")
	var decided, applied, fulfilled cliDate
	var types cliList
	fs.Var(&decided, "decided", "flag.when.decided")
	sevText := fs.String("severity", "general", "flag.when.severity")
	fs.Var(&types, "penalty-type", "flag.when.penalty-type")
	accident := fs.Bool("accident", false, "flag.when.accident")
	fs.Var(&applied, "applied", "flag.when.applied")
	fs.Var(&fulfilled, "fulfilled", "flag.when.fulfilled")
	setName := fs.String("rule-set", "", "flag.when.rule-set")
	asJSON := fs.Bool("json", false, "flag.when.json")
	if code, ok := parseFlags(fs, args, e.stdout, e.stderr); !ok {
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
	f := credit.PenaltyFacts{Decided: decided.d, Severity: sev, PenaltyTypes: types, Accident: *accident,
		Applied: applied.d, Fulfilled: fulfilled.d}
	rd, err := e.rules.RepairWith(set, f)
	if err != nil {
		return failure(e, "when", err)
	}
	if *asJSON {
		return writeJSON(e, "when", newWhenJSON(set, rd, types, *accident))
	}
	printWhen(e.stdout, e.rules, set, rd, types, *accident)
	return 0
}

// printWhen writes the dates with one line of explanation each.
func printWhen(w io.Writer, r *credit.Rules, set *credit.RuleSet, rd credit.RepairDates, types []string, accident bool) {
	p := set.Periods[rd.Tier]
	mark := func(name string) string {
		switch {
		case slices.Contains(rd.Unknown, name):
			return fmt.Sprintf(" [UNKNOWN: the calendar does not know %s]", joinYears(rd.UnknownYears))
		case slices.Contains(rd.Provisional, name):
			return fmt.Sprintf(" [PROVISIONAL: the %s schedule is not checked against the State Council notice]", joinYears(rd.ProvisionalYears))
		}
		return ""
	}
	line := func(label string, d credit.Date, why string) {
		ds := d.String()
		if ds == "" {
			ds = "-"
		}
		fmt.Fprintf(w, "%-22s %-10s  %s\n", label, ds, why)
	}
	fmt.Fprintf(w, "Rule set: %s  %s (%s)\n", set.Name, set.Title, set.Range())
	if set.Source != "" {
		fmt.Fprintf(w, "Source:   %s\n", set.Source)
	}
	penalty := ""
	if len(types) > 0 {
		penalty = ", 处罚类别 " + strings.Join(types, "、")
	}
	if accident {
		penalty += ", 涉及生产安全事故"
	}
	fmt.Fprintf(w, "Penalty:  %s (%s失信)%s\n", rd.Severity, rd.Severity.Chinese(), penalty)
	if rd.Regraded != "" {
		fmt.Fprintf(w, "Tier:     %s (%s失信): %s\n", rd.Tier, rd.Tier.Chinese(), rd.Regraded)
	}
	fmt.Fprintln(w)
	line("Decided", rd.Decided, "decision date (处罚决定日期); periods count from the next day")
	if rd.NotDisclosed {
		line("Disclosure due", 0, fmt.Sprintf("none: %s (%s) information is in principle not disclosed (原则上不予公示); if the sector discloses it, at most %d months",
			rd.Tier, rd.Tier.Chinese(), p.MaxMonths))
	} else {
		line("Disclosure due", rd.DisclosureDue,
			fmt.Sprintf("%d working days after the decision, decision day not counted: last day to reach 信用中国 (最迟公示日)", r.DisclosureWorkingDays)+mark("disclosure_due"))
	}
	if p.MinMonths == 0 {
		line("Minimum period ends", rd.MinPeriodEnd, fmt.Sprintf("no minimum period for %s (%s) penalties", rd.Tier, rd.Tier.Chinese()))
	} else {
		line("Minimum period ends", rd.MinPeriodEnd,
			fmt.Sprintf("%d months after the decision (最短公示期; 民法典 Art. 201-202: same day of the month, or the month's last day)", p.MinMonths))
	}
	switch {
	case !rd.Repairable:
		line("Repair eligible from", 0, "NOT REPAIRABLE: "+rd.Reason)
	case rd.OnFulfilment && rd.Fulfilled.IsZero():
		line("Repair eligible from", 0, "once the legal obligations are fulfilled (法定责任履行完毕即可申请修复): not recorded (--fulfilled)")
	case rd.OnFulfilment:
		line("Repair eligible from", rd.EligibleFrom, "legal obligations fulfilled on this day (法定责任履行完毕即可申请修复)")
	default:
		line("Repair eligible from", rd.EligibleFrom, "the enterprise may apply to 信用中国 for credit repair (信用修复) from this day")
	}
	months := p.MaxMonths
	if !rd.Repairable && set.NotRepairableMonths > months {
		months = set.NotRepairableMonths
	}
	line("Maximum disclosure", rd.MaxDisclosureEnd,
		fmt.Sprintf("last day disclosed, %d months after the decision (最长公示期)", months))
	if !rd.Applied.IsZero() {
		line("Applied", rd.Applied, "application to 信用中国")
		line("Review due", rd.ReviewDue,
			fmt.Sprintf("信用中国 completes its review within %d working days of the application", set.ReviewWorkingDays)+mark("review_due"))
		if is := rd.ApplicationIssue; is != nil {
			en, zh := inBoth(is.Text)
			fmt.Fprintf(w, "\nWARNING [%s]: %s\n         %s\n", is.Code, en, zh)
		}
	}
	if len(rd.Unknown) > 0 {
		fmt.Fprintf(w, "\nThe calendar does not know %s: add the State Council schedule under [calendar] (docs/rules.md).\n", joinYears(rd.UnknownYears))
	}
	if len(rd.Provisional) > 0 {
		fmt.Fprintf(w, "\nProvisional: the built-in %s schedule comes from a secondary source; check it against the notice and\n"+
			"set [calendar] confirmed = [%s] (or correct days with [[calendar.day]]) (docs/rules.md).\n", joinYears(rd.ProvisionalYears), joinYears(rd.ProvisionalYears))
	}
}

// joinYears writes years as "2027" or "2027, 2028".
func joinYears(ys []int) string {
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = fmt.Sprint(y)
	}
	return strings.Join(parts, ", ")
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
