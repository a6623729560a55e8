package credit

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Period is the disclosure period of one severity, in months counted as
// AddMonths counts them. MinMonths is the minimum period before the enterprise
// may apply for repair; 0 means repairable without a minimum period.
// MaxMonths is the longest the record stays disclosed.
type Period struct {
	MinMonths int `toml:"min_months"`
	MaxMonths int `toml:"max_months"`
}

// RuleSet is one dated, named regime of repair rules. Every date the engine
// computes names the rule set that produced it.
type RuleSet struct {
	Name  string `toml:"name"`  // e.g. "changzhou-2022"
	Title string `toml:"title"` // the documents, e.g. "常应急〔2022〕19号 / 发改办财金〔2019〕527号"

	// The set applies to penalties decided in [From, Until). A zero From or
	// Until leaves that end open.
	From  Date `toml:"from"`
	Until Date `toml:"until"`

	// Periods holds the severities the set knows. A severity it does not
	// know is an error, never a guess.
	Periods map[Severity]Period `toml:"periods"`

	// NotRepairable lists 处罚类别 values that make a penalty unrepairable;
	// such a penalty stays disclosed for NotRepairableMonths.
	NotRepairable       []string `toml:"not_repairable"`
	NotRepairableMonths int      `toml:"not_repairable_months"`

	// ReviewWorkingDays is how long Credit China (信用中国) takes to review an
	// application, in working days after the application day.
	ReviewWorkingDays int `toml:"review_working_days"`
}

// Covers reports whether the set applies to a penalty decided on decided.
func (s *RuleSet) Covers(decided Date) bool {
	return (s.From.IsZero() || decided >= s.From) && (s.Until.IsZero() || decided < s.Until)
}

// Range describes the decision dates the set applies to, e.g.
// "decisions from 2026-04-01" or "decisions before 2026-04-01".
func (s *RuleSet) Range() string {
	switch {
	case s.From.IsZero() && s.Until.IsZero():
		return "all decisions"
	case s.From.IsZero():
		return "decisions before " + s.Until.String()
	case s.Until.IsZero():
		return "decisions from " + s.From.String()
	}
	return "decisions from " + s.From.String() + " before " + s.Until.String()
}

// IsNotRepairable returns the penalty types among types that make a penalty
// unrepairable under s, in the order given.
func (s *RuleSet) IsNotRepairable(types []string) []string {
	var out []string
	for _, t := range types {
		if slices.Contains(s.NotRepairable, t) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// The boundary between the built-in rule sets: NDRC Order No. 36 takes
// effect on this day.
var ndrc2026From = MustDate("2026-04-01")

// BuiltinRuleSets returns the rule sets compiled into credwatch:
//
//   - changzhou-2022, for penalties decided before 2026-04-01: the city
//     measures 常应急〔2022〕19号 Art. 8 and 发改办财金〔2019〕527号, which they
//     cite. General (一般) penalties: minimum 3 months, maximum 1 year. Serious
//     (严重): 6 months and 3 years. 责令停产停业 and 吊销许可证件 make a
//     production-safety penalty unrepairable; it stays disclosed 3 years.
//     There is no minor (轻微) tier: a minor penalty under this set is an error.
//   - ndrc-2026, for penalties decided from 2026-04-01: NDRC Order No. 36
//     《信用修复管理办法》. Minor: repairable at once, at most 3 months.
//     General: 3 months to 1 year. Serious: 1 to 3 years.
//
// Both give Credit China 10 working days to review an application.
//
// ndrc-2026 keeps 责令停产停业 and 吊销许可证件 not repairable (36 months). We
// are NOT sure Order No. 36 still says so: its text could not be checked
// here. Keeping them is the cautious choice, because the officer then sees the
// record flagged rather than the enterprise being told it may apply. If the
// order is found to allow their repair, configure the rule sets with
// not_repairable = [] for ndrc-2026 (any [[rule_set]] in the configuration
// replaces the built-in list, so give changzhou-2022 too; see docs/rules.md).
func BuiltinRuleSets() []RuleSet {
	return []RuleSet{
		{
			Name:  "changzhou-2022",
			Title: "常应急〔2022〕19号 / 发改办财金〔2019〕527号",
			Until: ndrc2026From,
			Periods: map[Severity]Period{
				General: {MinMonths: 3, MaxMonths: 12},
				Serious: {MinMonths: 6, MaxMonths: 36},
			},
			NotRepairable:       []string{"责令停产停业", "吊销许可证件"},
			NotRepairableMonths: 36,
			ReviewWorkingDays:   10,
		},
		{
			Name:  "ndrc-2026",
			Title: "国家发展改革委令第36号《信用修复管理办法》",
			From:  ndrc2026From,
			Periods: map[Severity]Period{
				Minor:   {MinMonths: 0, MaxMonths: 3},
				General: {MinMonths: 3, MaxMonths: 12},
				Serious: {MinMonths: 12, MaxMonths: 36},
			},
			NotRepairable:       []string{"责令停产停业", "吊销许可证件"},
			NotRepairableMonths: 36,
			ReviewWorkingDays:   10,
		},
	}
}

// PipelineDurations are how long each step after Credit China's approval is
// expected to take (Art. 9–10). A step still open after its time is stuck.
type PipelineDurations struct {
	// CancelWorkingDays: approval -> the enterprise cancels (注销) the bad
	// record in 常州市企业安全生产管理信息系统.
	CancelWorkingDays int `toml:"cancel_working_days"`
	// RegradeDays: cancellation -> the city system recalculates the credit
	// grade, in calendar days ("次日": the next day).
	RegradeDays int `toml:"regrade_days"`
	// NationalWorkingDays: regraded -> the bureau has carried out the repair
	// in 国家企业信用信息公示系统.
	NationalWorkingDays int `toml:"national_working_days"`
}

// DefaultPipelineDurations returns 10 working days to cancel, 1 calendar day
// to regrade and 5 working days for the national system.
func DefaultPipelineDurations() PipelineDurations {
	return PipelineDurations{CancelWorkingDays: 10, RegradeDays: 1, NationalWorkingDays: 5}
}

// Rules is the rules engine: a calendar, the rule sets in date order and the
// pipeline's expected durations. Build it with NewRules; it is immutable
// afterwards and safe for concurrent use.
type Rules struct {
	Cal  *Calendar
	Sets []RuleSet // sorted by From
	// Durations are the pipeline's expected step durations. (The brief named
	// this field Pipeline, but Go does not allow a field and a method of the
	// same name, and Pipeline is the method.)
	Durations PipelineDurations
	// DisclosureWorkingDays is the disclosure deadline: 7 working days after
	// the decision (国办发〔2015〕51号, 发改办财金〔2018〕424号, 国办发〔2019〕35号).
	DisclosureWorkingDays int
}

// NewRules validates and combines its parts. Rule-set names must be unique and
// non-empty, date ranges must not overlap, every period must have
// 0 <= min <= max and max > 0, review and not-repairable durations and the
// pipeline durations must be positive, and not-repairable values must be
// 处罚类别 from PenaltyTypes. Errors name the rule set and the field. The sets
// are copied.
func NewRules(cal *Calendar, sets []RuleSet, p PipelineDurations) (*Rules, error) {
	if cal == nil {
		return nil, errors.New("rules: no calendar")
	}
	if len(sets) == 0 {
		return nil, errors.New("rules: no rule sets")
	}
	own := make([]RuleSet, len(sets))
	names := map[string]bool{}
	for i, s := range sets {
		s.Periods = maps.Clone(s.Periods)
		s.NotRepairable = slices.Clone(s.NotRepairable)
		if err := validateRuleSet(&s); err != nil {
			return nil, err
		}
		if names[s.Name] {
			return nil, fmt.Errorf("rule set %q: name: defined twice", s.Name)
		}
		names[s.Name] = true
		own[i] = s
	}
	// Open From sorts first.
	slices.SortStableFunc(own, func(a, b RuleSet) int { return int(a.From) - int(b.From) })
	for i := 1; i < len(own); i++ {
		prev, cur := &own[i-1], &own[i]
		if prev.Until.IsZero() || cur.From.IsZero() || prev.Until > cur.From {
			return nil, fmt.Errorf("rule set %q: from: its dates (%s) overlap rule set %q (%s)",
				cur.Name, cur.Range(), prev.Name, prev.Range())
		}
	}
	switch {
	case p.CancelWorkingDays <= 0:
		return nil, fmt.Errorf("pipeline: cancel_working_days must be positive, got %d", p.CancelWorkingDays)
	case p.RegradeDays <= 0:
		return nil, fmt.Errorf("pipeline: regrade_days must be positive, got %d", p.RegradeDays)
	case p.NationalWorkingDays <= 0:
		return nil, fmt.Errorf("pipeline: national_working_days must be positive, got %d", p.NationalWorkingDays)
	}
	return &Rules{Cal: cal, Sets: own, Durations: p, DisclosureWorkingDays: 7}, nil
}

func validateRuleSet(s *RuleSet) error {
	name := s.Name
	if name == "" {
		name = "(unnamed)"
	}
	fail := func(field, format string, args ...any) error {
		return fmt.Errorf("rule set %q: %s: %s", name, field, fmt.Sprintf(format, args...))
	}
	if s.Name == "" {
		return fail("name", "missing")
	}
	if !s.From.IsZero() && !s.Until.IsZero() && s.Until <= s.From {
		return fail("until", "%s is not after from %s", s.Until, s.From)
	}
	if len(s.Periods) == 0 {
		return fail("periods", "no severities")
	}
	for _, sev := range slices.Sorted(maps.Keys(s.Periods)) {
		p := s.Periods[sev]
		field := "periods." + string(sev)
		switch {
		case sev != Minor && sev != General && sev != Serious:
			return fail("periods", "unknown severity %q: want minor, general or serious", sev)
		case p.MinMonths < 0:
			return fail(field+".min_months", "negative (%d)", p.MinMonths)
		case p.MaxMonths <= 0:
			return fail(field+".max_months", "must be positive, got %d", p.MaxMonths)
		case p.MinMonths > p.MaxMonths:
			return fail(field+".min_months", "%d is more than max_months %d", p.MinMonths, p.MaxMonths)
		}
	}
	for _, t := range s.NotRepairable {
		if !slices.Contains(PenaltyTypes, t) {
			return fail("not_repairable", "%q is not a 处罚类别 (want one of %v)", t, PenaltyTypes)
		}
	}
	if len(s.NotRepairable) > 0 && s.NotRepairableMonths <= 0 {
		return fail("not_repairable_months", "must be positive, got %d", s.NotRepairableMonths)
	}
	if s.NotRepairableMonths < 0 {
		return fail("not_repairable_months", "negative (%d)", s.NotRepairableMonths)
	}
	if s.ReviewWorkingDays <= 0 {
		return fail("review_working_days", "must be positive, got %d", s.ReviewWorkingDays)
	}
	return nil
}

// DefaultRules returns the built-in calendar, rule sets and pipeline
// durations.
func DefaultRules() *Rules {
	r, err := NewRules(BuiltinCalendar(), BuiltinRuleSets(), DefaultPipelineDurations())
	if err != nil {
		panic("credit: built-in rules are invalid: " + err.Error())
	}
	return r
}

// RuleSetFor returns the rule set that applies to a penalty decided on
// decided, or an error if none does.
func (r *Rules) RuleSetFor(decided Date) (*RuleSet, error) {
	if decided.IsZero() {
		return nil, errors.New("rules: no decision date")
	}
	for i := range r.Sets {
		if r.Sets[i].Covers(decided) {
			return &r.Sets[i], nil
		}
	}
	return nil, fmt.Errorf("rules: no rule set applies to decisions on %s", decided)
}

// RuleSetByName returns the rule set called name.
func (r *Rules) RuleSetByName(name string) (*RuleSet, error) {
	for i := range r.Sets {
		if r.Sets[i].Name == name {
			return &r.Sets[i], nil
		}
	}
	known := make([]string, len(r.Sets))
	for i := range r.Sets {
		known[i] = r.Sets[i].Name
	}
	return nil, fmt.Errorf("rules: no rule set named %q (known: %v)", name, known)
}
