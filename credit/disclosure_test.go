package credit

import "testing"

func TestDisclosureDue(t *testing.T) {
	r := DefaultRules()
	for _, tc := range []struct {
		name, decided, want string
	}{
		{"ordinary week", "2024-03-13", "2024-03-22"},
		{"decided on a friday", "2024-03-15", "2024-03-26"},
		{"decided on a saturday", "2024-03-16", "2024-03-26"},
		{"before national day 2024", "2024-09-27", "2024-10-12"},
		{"in national day 2024", "2024-10-03", "2024-10-15"},
		{"before spring festival 2024", "2024-02-08", "2024-02-23"},
		{"across new year 2022/2023", "2022-12-28", "2023-01-09"},
		{"across new year 2024/2025", "2024-12-27", "2025-01-08"},
		{"before national day 2025 (8 days)", "2025-09-30", "2025-10-16"},
		{"worked example", "2024-01-31", "2024-02-08"},
		{"29 february", "2024-02-29", "2024-03-11"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.DisclosureDue(MustDate(tc.decided))
			if err != nil || got.String() != tc.want {
				t.Errorf("DisclosureDue(%s) = %s, %v; want %s", tc.decided, got, err, tc.want)
			}
		})
	}
	t.Run("no date", func(t *testing.T) {
		if _, err := r.DisclosureDue(0); err == nil {
			t.Error("no error")
		}
	})
}

func TestDisclosure(t *testing.T) {
	r := DefaultRules()
	// Decided 2024-09-27; due 2024-10-12 (an adjusted Saturday).
	for _, tc := range []struct {
		name      string
		disclosed string
		today     string
		want      Disclosure
	}{
		{"disclosed on the due day", "2024-10-12", "2024-11-01", Disclosure{State: DisclosedOnTime}},
		{"disclosed early", "2024-09-30", "2024-11-01", Disclosure{State: DisclosedOnTime}},
		{"disclosed during the holiday", "2024-10-03", "2024-11-01", Disclosure{State: DisclosedOnTime}},
		{"disclosed on the sunday after", "2024-10-13", "2024-11-01", Disclosure{State: DisclosedLate, LateBy: 1}},
		{"disclosed the monday after", "2024-10-14", "2024-11-01", Disclosure{State: DisclosedLate, LateBy: 1}},
		{"disclosed three working days late", "2024-10-16", "2024-11-01", Disclosure{State: DisclosedLate, LateBy: 3}},
		{"not yet due, during the holiday", "", "2024-10-03", Disclosure{State: NotYetDue}},
		{"not yet due, on the due day", "", "2024-10-12", Disclosure{State: NotYetDue}},
		{"not yet due, decision day", "", "2024-09-27", Disclosure{State: NotYetDue}},
		{"overdue on the sunday after", "", "2024-10-13", Disclosure{State: Overdue, LateBy: 1}},
		{"overdue two working days", "", "2024-10-15", Disclosure{State: Overdue, LateBy: 2}},
		{"overdue a month", "", "2024-11-12", Disclosure{State: Overdue, LateBy: 22}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &Record{Kind: Penalty, ID: "p", Decided: MustDate("2024-09-27"), Disclosed: ds(tc.disclosed)}
			got, err := r.Disclosure(rec, MustDate(tc.today))
			if err != nil {
				t.Fatal(err)
			}
			tc.want.Due = MustDate("2024-10-12")
			if got != tc.want {
				t.Errorf("Disclosure = %+v, want %+v", got, tc.want)
			}
		})
	}
	t.Run("applies to every kind", func(t *testing.T) {
		for _, k := range Kinds {
			rec := &Record{Kind: k, ID: "x", Decided: MustDate("2024-03-13")}
			got, err := r.Disclosure(rec, MustDate("2024-03-25"))
			if err != nil || got.State != Overdue || got.LateBy != 1 {
				t.Errorf("%s: %+v, %v", k, got, err)
			}
		}
	})
	t.Run("no decision date", func(t *testing.T) {
		if _, err := r.Disclosure(&Record{Kind: Penalty, ID: "x"}, MustDate("2024-03-25")); err == nil {
			t.Error("no error")
		}
	})
}

func TestDisclosureStateNames(t *testing.T) {
	for _, tc := range []struct {
		s      DisclosureState
		en, zh string
	}{
		{DisclosedOnTime, "disclosed on time", "按时公示"},
		{DisclosedLate, "disclosed late", "逾期公示"},
		{Overdue, "overdue", "逾期未公示"},
		{NotYetDue, "not yet due", "未到期"},
	} {
		t.Run(tc.en, func(t *testing.T) {
			if tc.s.String() != tc.en || tc.s.Chinese() != tc.zh {
				t.Errorf("%d: %q %q", tc.s, tc.s.String(), tc.s.Chinese())
			}
		})
	}
}
