package tui

import "testing"

// TestRecordFieldsInCatalogue checks that every label of the detail view's
// fields is a catalogue key in both languages (a missing key would show as
// the key itself).
func TestRecordFieldsInCatalogue(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		c := newCatalog(lang)
		for _, f := range recordFields {
			for _, k := range []string{f.label, f.penaltyLabel, f.licenceLabel} {
				if k != "" && c.t(k) == k {
					t.Errorf("%s: field label %q is not in the catalogue", lang, k)
				}
			}
		}
		for _, k := range []string{yesNo(true), yesNo(false)} {
			if c.t(k) == k {
				t.Errorf("%s: %q is not in the catalogue", lang, k)
			}
		}
	}
}
