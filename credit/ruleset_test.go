package credit

import (
	"strings"
	"testing"
)

func TestBuiltinRuleSets(t *testing.T) {
	r := DefaultRules()
	if len(r.Sets) != 3 || r.Sets[0].Name != "changzhou-2022" || r.Sets[1].Name != "ndrc-2023" || r.Sets[2].Name != "ndrc-2026" {
		t.Fatalf("Sets = %+v", r.Sets)
	}
	if r.DisclosureWorkingDays != 7 || r.Durations != DefaultPipelineDurations() {
		t.Errorf("DisclosureWorkingDays = %d, Durations = %+v", r.DisclosureWorkingDays, r.Durations)
	}
	if d := DefaultPipelineDurations(); d != (PipelineDurations{CancelWorkingDays: 10, RegradeDays: 1, NationalWorkingDays: 5}) {
		t.Errorf("DefaultPipelineDurations = %+v", d)
	}
	for _, tc := range []struct {
		name    string
		decided string
		want    string
	}{
		{"long before 2022", "2015-06-01", "changzhou-2022"},
		{"last day of changzhou-2022", "2023-04-30", "changzhou-2022"},
		{"first day of ndrc-2023 (Order No. 58 in force)", "2023-05-01", "ndrc-2023"},
		{"2024", "2024-01-31", "ndrc-2023"},
		{"last day of ndrc-2023", "2026-03-31", "ndrc-2023"},
		{"first day of ndrc-2026", "2026-04-01", "ndrc-2026"},
		{"far future", "2035-01-01", "ndrc-2026"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := r.RuleSetFor(MustDate(tc.decided))
			if err != nil || s.Name != tc.want {
				t.Errorf("RuleSetFor(%s) = %v, %v; want %s", tc.decided, s, err, tc.want)
			}
		})
	}
	t.Run("zero decision date", func(t *testing.T) {
		if _, err := r.RuleSetFor(0); err == nil {
			t.Error("no error")
		}
	})
	t.Run("by name", func(t *testing.T) {
		s, err := r.RuleSetByName("ndrc-2026")
		if err != nil || s.Periods[Minor] != (Period{MaxMonths: 3, NotDisclosed: true, OnFulfilment: true}) ||
			s.Periods[General] != (Period{MinMonths: 3, MaxMonths: 12}) || s.Periods[Serious] != (Period{MinMonths: 12, MaxMonths: 36}) ||
			len(s.NotRepairable) != 0 || strings.Join(s.SeriousTypes, ",") != "吊销许可证件" || !strings.Contains(s.Source, "第二条") {
			t.Errorf("RuleSetByName(ndrc-2026) = %+v, %v", s, err)
		}
		if _, err := r.RuleSetByName("nope"); err == nil || !strings.Contains(err.Error(), "changzhou-2022") {
			t.Errorf("unknown name: err = %v, want the known names listed", err)
		}
	})
	t.Run("built-in values", func(t *testing.T) {
		cz, _ := r.RuleSetByName("changzhou-2022")
		if _, ok := cz.Periods[Minor]; ok {
			t.Error("changzhou-2022 knows minor")
		}
		if cz.Periods[General] != (Period{MinMonths: 3, MaxMonths: 12}) || cz.Periods[Serious] != (Period{MinMonths: 6, MaxMonths: 36}) ||
			cz.NotRepairableMonths != 36 || cz.ReviewWorkingDays != 10 ||
			strings.Join(cz.NotRepairable, ",") != "责令停产停业,吊销许可证件" {
			t.Errorf("changzhou-2022 = %+v", cz)
		}
		n58, _ := r.RuleSetByName("ndrc-2023")
		if _, ok := n58.Periods[Minor]; ok {
			t.Error("ndrc-2023 knows minor")
		}
		if n58.From.String() != "2023-05-01" || n58.Until.String() != "2026-04-01" ||
			n58.Periods[General] != (Period{MinMonths: 3, MaxMonths: 36}) || n58.Periods[Serious] != (Period{MinMonths: 12, MaxMonths: 36}) ||
			len(n58.NotRepairable) != 0 || n58.ReviewWorkingDays != 10 || !strings.Contains(n58.Source, "第二条") {
			t.Errorf("ndrc-2023 = %+v", n58)
		}
	})
	t.Run("BuiltinRuleSets returns fresh copies", func(t *testing.T) {
		a := BuiltinRuleSets()
		a[0].Periods[General] = Period{MinMonths: 1, MaxMonths: 1}
		if BuiltinRuleSets()[0].Periods[General] != (Period{MinMonths: 3, MaxMonths: 12}) {
			t.Error("mutation leaked")
		}
	})
}

func TestNewRulesValidation(t *testing.T) {
	good := func() []RuleSet { return BuiltinRuleSets() }
	for _, tc := range []struct {
		name  string
		cal   *Calendar
		sets  func() []RuleSet
		p     PipelineDurations
		wants []string // substrings of the error; nil: no error
	}{
		{"built-in", BuiltinCalendar(), good, DefaultPipelineDurations(), nil},
		{"nil calendar", nil, good, DefaultPipelineDurations(), []string{"calendar"}},
		{"no sets", BuiltinCalendar(), func() []RuleSet { return nil }, DefaultPipelineDurations(), []string{"no rule sets"}},
		{"duplicate name", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[1].Name = s[0].Name
			return s
		}, DefaultPipelineDurations(), []string{"changzhou-2022", "name"}},
		{"missing name", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[1].Name = ""
			return s
		}, DefaultPipelineDurations(), []string{"name"}},
		{"overlap", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[2].From = MustDate("2026-03-01")
			return s
		}, DefaultPipelineDurations(), []string{"ndrc-2026", "overlap", "ndrc-2023"}},
		{"two open-ended", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[0].Until = 0
			return s
		}, DefaultPipelineDurations(), []string{"overlap"}},
		{"until before from", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[2].Until = MustDate("2026-01-01")
			return s
		}, DefaultPipelineDurations(), []string{"ndrc-2026", "until"}},
		{"min above max", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[0].Periods[General] = Period{MinMonths: 13, MaxMonths: 12}
			return s
		}, DefaultPipelineDurations(), []string{"changzhou-2022", "periods.general.min_months"}},
		{"negative min", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[0].Periods[Serious] = Period{MinMonths: -1, MaxMonths: 12}
			return s
		}, DefaultPipelineDurations(), []string{"periods.serious.min_months"}},
		{"zero max", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[2].Periods[Minor] = Period{}
			return s
		}, DefaultPipelineDurations(), []string{"ndrc-2026", "periods.minor.max_months"}},
		{"unknown severity", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[2].Periods["severe"] = Period{MinMonths: 1, MaxMonths: 2}
			return s
		}, DefaultPipelineDurations(), []string{"ndrc-2026", "severe"}},
		{"no periods", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[2].Periods = nil
			return s
		}, DefaultPipelineDurations(), []string{"ndrc-2026", "periods"}},
		{"not a penalty type", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[0].NotRepairable = []string{"吊销执照"}
			return s
		}, DefaultPipelineDurations(), []string{"changzhou-2022", "not_repairable", "吊销执照"}},
		{"not repairable without months", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[0].NotRepairableMonths = 0
			return s
		}, DefaultPipelineDurations(), []string{"changzhou-2022", "not_repairable_months"}},
		{"zero review", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[2].ReviewWorkingDays = 0
			return s
		}, DefaultPipelineDurations(), []string{"ndrc-2026", "review_working_days"}},
		{"on_fulfilment with a minimum", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[2].Periods[Minor] = Period{MinMonths: 1, MaxMonths: 3, OnFulfilment: true}
			return s
		}, DefaultPipelineDurations(), []string{"ndrc-2026", "periods.minor.on_fulfilment"}},
		{"serious_types not a penalty type", BuiltinCalendar(), func() []RuleSet {
			s := good()
			s[2].SeriousTypes = []string{"吊销执照"}
			return s
		}, DefaultPipelineDurations(), []string{"ndrc-2026", "serious_types", "吊销执照"}},
		{"serious_types without a serious tier", BuiltinCalendar(), func() []RuleSet {
			s := good()
			delete(s[2].Periods, Serious)
			return s
		}, DefaultPipelineDurations(), []string{"ndrc-2026", "serious_types"}},
		{"zero cancel", BuiltinCalendar(), good, PipelineDurations{0, 1, 5}, []string{"cancel_working_days"}},
		{"zero regrade", BuiltinCalendar(), good, PipelineDurations{10, 0, 5}, []string{"regrade_days"}},
		{"negative national", BuiltinCalendar(), good, PipelineDurations{10, 1, -5}, []string{"national_working_days"}},
		{"one set with a gap is fine", BuiltinCalendar(), func() []RuleSet { return good()[1:] }, DefaultPipelineDurations(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRules(tc.cal, tc.sets(), tc.p)
			if tc.wants == nil {
				if err != nil || r == nil {
					t.Fatalf("NewRules: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestNewRulesCopiesAndSorts(t *testing.T) {
	sets := BuiltinRuleSets()
	sets[0], sets[2] = sets[2], sets[0]
	r, err := NewRules(BuiltinCalendar(), sets, DefaultPipelineDurations())
	if err != nil {
		t.Fatal(err)
	}
	if r.Sets[0].Name != "changzhou-2022" {
		t.Errorf("not sorted: %s first", r.Sets[0].Name)
	}
	sets[0].Periods[Minor] = Period{MinMonths: 5, MaxMonths: 5}
	if r.Sets[2].Periods[Minor] != (Period{MaxMonths: 3, NotDisclosed: true, OnFulfilment: true}) {
		t.Error("NewRules did not copy Periods")
	}
	t.Run("gap between sets", func(t *testing.T) {
		only := BuiltinRuleSets()[2:]
		r, _ := NewRules(BuiltinCalendar(), only, DefaultPipelineDurations())
		if _, err := r.RuleSetFor(MustDate("2025-01-01")); err == nil {
			t.Error("RuleSetFor outside every set succeeded")
		}
	})
}

func TestRuleSetRange(t *testing.T) {
	for _, tc := range []struct {
		name        string
		from, until string
		want        string
	}{
		{"open", "", "", "all decisions"},
		{"until", "", "2026-04-01", "decisions before 2026-04-01"},
		{"from", "2026-04-01", "", "decisions from 2026-04-01"},
		{"both", "2023-01-01", "2026-04-01", "decisions from 2023-01-01 before 2026-04-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s RuleSet
			if tc.from != "" {
				s.From = MustDate(tc.from)
			}
			if tc.until != "" {
				s.Until = MustDate(tc.until)
			}
			if got := s.Range(); got != tc.want {
				t.Errorf("Range = %q, want %q", got, tc.want)
			}
		})
	}
}
