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

	// NotDisclosed: information of this tier is in principle not disclosed
	// (ndrc-2026's minor tier, 国家发展改革委令第36号: 轻微失信信息原则上不予
	// 公示). It has no 7-working-day disclosure deadline; MaxMonths is the
	// longest it may stay disclosed if the sector does disclose it.
	NotDisclosed bool `toml:"not_disclosed"`
	// OnFulfilment: the enterprise may apply for repair once its legal
	// obligations are fulfilled (法定责任履行完毕即可申请修复), not from a date.
	// MinMonths must then be 0. The eligibility date is the fulfilment day
	// the officer records, if any.
	OnFulfilment bool `toml:"on_fulfilment"`
}

// RuleSet is one dated, named regime of repair rules. Every date the engine
// computes names the rule set that produced it. The configuration's
// [[rule_set]] tables are not decoded into it: cmd/credwatch decodes them
// into its own type and builds a RuleSet (Period, which it decodes as is,
// carries the toml tags).
type RuleSet struct {
	Name  string // e.g. "changzhou-2022"
	Title string // the documents, e.g. "常应急〔2022〕19号 / 发改办财金〔2019〕527号"
	// Source cites the articles the periods and exceptions come from, e.g.
	// "常应急〔2022〕19号 第八条; 发改办财金〔2019〕527号 一、二".
	Source string

	// The set applies to penalties decided in [From, Until). A zero From or
	// Until leaves that end open.
	From  Date
	Until Date

	// Periods holds the severities the set knows. A severity it does not
	// know is an error, never a guess.
	Periods map[Severity]Period

	// NotRepairable lists 处罚类别 values that make a penalty unrepairable;
	// such a penalty stays disclosed for NotRepairableMonths.
	NotRepairable       []string
	NotRepairableMonths int

	// SeriousTypes lists 处罚类别 values that put a penalty in the serious
	// tier whatever it was graded (ndrc-2026: revocation of a licence is
	// serious). A penalty involving a production-safety accident is always
	// serious (常应急〔2022〕19号 第八条), in every set.
	SeriousTypes []string

	// ReviewWorkingDays is how long Credit China (信用中国) takes to review an
	// application, in working days after the application day.
	ReviewWorkingDays int
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

// The boundaries between the built-in rule sets: NDRC Order No. 58 takes
// effect on 2023-05-01, Order No. 36 (which repeals it) on 2026-04-01.
var (
	ndrc2023From = MustDate("2023-05-01")
	ndrc2026From = MustDate("2026-04-01")
)

// BuiltinRuleSets returns the rule sets compiled into credwatch, one per
// national regime, by decision date. docs/rules.md gives the sources and
// what could not be verified.
//
//   - changzhou-2022, decisions before 2023-05-01: the city measures
//     常应急〔2022〕19号 Art. 8 and 发改办财金〔2019〕527号, which they cite.
//     General (一般): minimum 3 months, maximum 1 year. Serious (严重): 6
//     months and 3 years. 527's 特定严重失信行为 — 责令停产停业 or revocation
//     of a licence in production safety — are not repairable and stay
//     disclosed 3 years. No minor (轻微) tier.
//   - ndrc-2023, decisions from 2023-05-01 before 2026-04-01: NDRC Order No.
//     58 《失信行为纠正后的信用信息修复管理办法（试行）》. Penalty information:
//     minimum 3 months, maximum 3 years; production safety (安全生产, with
//     food, drugs, special equipment and fire safety) minimum 1 year, which
//     credwatch applies to the serious tier (see docs/rules.md). Art. 2:
//     nothing is unrepairable unless a law, regulation or central policy
//     document says so, so the list is empty. The order is a national rule
//     that 信用中国 applies to every application, and it is stricter than
//     (or equal to) the city's 3/6 months, so it replaces them.
//   - ndrc-2026, decisions from 2026-04-01: NDRC Order No. 36
//     《信用修复管理办法》, repealing No. 58. Minor: in principle not
//     disclosed (at most 3 months), repairable once the legal obligations are
//     fulfilled. General: 3 months to 1 year. Serious, which includes the
//     revocation of a licence: 1 to 3 years. Art. 2 as No. 58: no
//     unrepairable types.
//
// All three give Credit China 10 working days to review an application.
func BuiltinRuleSets() []RuleSet {
	return []RuleSet{
		{
			Name:  "changzhou-2022",
			Title: "常应急〔2022〕19号 / 发改办财金〔2019〕527号",
			Source: "常应急〔2022〕19号 第八条 (满三个月 / 满六个月); 发改办财金〔2019〕527号: 一般失信 3个月–1年, " +
				"严重失信 6个月–3年, 特定严重失信行为 (安全生产等领域责令停产停业、吊销许可证/执照) 按最长公示期3年公示、不予修复; " +
				"常信用办〔2022〕7号 附件: 信用中国10个工作日内完成审核",
			Until: ndrc2023From,
			Periods: map[Severity]Period{
				General: {MinMonths: 3, MaxMonths: 12},
				Serious: {MinMonths: 6, MaxMonths: 36},
			},
			NotRepairable:       []string{"责令停产停业", "吊销许可证件"},
			NotRepairableMonths: 36,
			ReviewWorkingDays:   10,
		},
		{
			Name:  "ndrc-2023",
			Title: "国家发展改革委令第58号《失信行为纠正后的信用信息修复管理办法（试行）》",
			Source: "令第58号 第二条 (除法律、法规和党中央、国务院政策文件明确规定不可修复的情形外均可申请修复); " +
				"行政处罚信息最短公示期3个月、最长3年, 安全生产等领域最短1年 (令第58号, as quoted by 信用中国 guidance; article number not verified); " +
				"公示期限起点以行政处罚作出时间为准",
			From:  ndrc2023From,
			Until: ndrc2026From,
			Periods: map[Severity]Period{
				General: {MinMonths: 3, MaxMonths: 36},
				Serious: {MinMonths: 12, MaxMonths: 36},
			},
			ReviewWorkingDays: 10,
		},
		{
			Name:  "ndrc-2026",
			Title: "国家发展改革委令第36号《信用修复管理办法》",
			Source: "令第36号 第二条 (除法律、法规或党中央、国务院政策文件明确规定不可修复的情形外均可申请修复); " +
				"轻微失信信息原则上不予公示、确需公示最长3个月、法定责任履行完毕即可申请修复; 一般失信 3个月–1年; " +
				"严重失信 (含吊销许可证件) 1年–3年; 信用中国10个工作日内反馈 (article numbers of the tiers not verified)",
			From: ndrc2026From,
			Periods: map[Severity]Period{
				Minor:   {MinMonths: 0, MaxMonths: 3, NotDisclosed: true, OnFulfilment: true},
				General: {MinMonths: 3, MaxMonths: 12},
				Serious: {MinMonths: 12, MaxMonths: 36},
			},
			SeriousTypes:      []string{"吊销许可证件"},
			ReviewWorkingDays: 10,
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
		s.SeriousTypes = slices.Clone(s.SeriousTypes)
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
		case p.OnFulfilment && p.MinMonths != 0:
			return fail(field+".on_fulfilment", "needs min_months = 0, got %d", p.MinMonths)
		}
	}
	for _, t := range s.NotRepairable {
		if !slices.Contains(PenaltyTypes, t) {
			return fail("not_repairable", "%q is not a 处罚类别 (want one of %v)", t, PenaltyTypes)
		}
	}
	for _, t := range s.SeriousTypes {
		if !slices.Contains(PenaltyTypes, t) {
			return fail("serious_types", "%q is not a 处罚类别 (want one of %v)", t, PenaltyTypes)
		}
	}
	if _, ok := s.Periods[Serious]; len(s.SeriousTypes) > 0 && !ok {
		return fail("serious_types", "listed, but the set has no serious tier (periods.serious)")
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
