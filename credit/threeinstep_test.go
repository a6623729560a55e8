package credit

import (
	"reflect"
	"slices"
	"testing"
)

func TestCheckThreeInStep(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rec      Record
		want     ThreeInStep
		complete bool
		missing  []string // the keys of the missing steps' names
	}{
		{"general, nothing done", Record{Kind: Penalty, Severity: General},
			ThreeInStep{Applicable: true}, false, []string{"three.notice", "three.education", "three.reminder"}},
		{"general, notice only", Record{Kind: Penalty, Severity: General, NoticeGiven: true},
			ThreeInStep{Applicable: true, Notice: true}, false, []string{"three.education", "three.reminder"}},
		{"general, reminder missing", Record{Kind: Penalty, Severity: General, NoticeGiven: true, EducationDone: true},
			ThreeInStep{Applicable: true, Notice: true, Education: true}, false, []string{"three.reminder"}},
		{"general, all done", Record{Kind: Penalty, Severity: General, NoticeGiven: true, EducationDone: true, ReminderSet: true},
			ThreeInStep{Applicable: true, Notice: true, Education: true, Reminder: true}, true, nil},
		{"general 罚款 applies", Record{Kind: Penalty, Severity: General, PenaltyTypes: []string{"罚款", "责令关闭"}},
			ThreeInStep{Applicable: true}, false, []string{"three.notice", "three.education", "three.reminder"}},
		{"serious penalty", Record{Kind: Penalty, Severity: Serious}, ThreeInStep{}, true, nil},
		{"serious penalty with flags", Record{Kind: Penalty, Severity: Serious, NoticeGiven: true}, ThreeInStep{}, true, nil},
		{"minor penalty", Record{Kind: Penalty, Severity: Minor}, ThreeInStep{}, true, nil},
		{"penalty without severity", Record{Kind: Penalty}, ThreeInStep{}, true, nil},
		// 常信用办〔2022〕7号: not for 特定严重 (issue 16 item 5) nor for accidents (serious by Art. 8).
		{"general 责令停产停业 is 特定严重", Record{Kind: Penalty, Severity: General, PenaltyTypes: []string{"罚款", "责令停产停业"}}, ThreeInStep{}, true, nil},
		{"general 吊销许可证件 is 特定严重", Record{Kind: Penalty, Severity: General, PenaltyTypes: []string{"吊销许可证件"}}, ThreeInStep{}, true, nil},
		{"general with accident is serious", Record{Kind: Penalty, Severity: General, Accident: true}, ThreeInStep{}, true, nil},
		{"licence", Record{Kind: Licence, Severity: General}, ThreeInStep{}, true, nil},
		{"coercion", Record{Kind: Coercion}, ThreeInStep{}, true, nil},
		{"inspection", Record{Kind: Inspection}, ThreeInStep{}, true, nil},
		{"reward", Record{Kind: Reward}, ThreeInStep{}, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckThreeInStep(&tc.rec)
			if got.Applicable == (got.Why.Key != "") {
				t.Errorf("Applicable %t with Why %+v", got.Applicable, got.Why)
			}
			got.Why = Text{}
			var missing []string
			for _, m := range got.Missing() {
				missing = append(missing, m.Key)
			}
			if !reflect.DeepEqual(got, tc.want) || got.Complete() != tc.complete || !slices.Equal(missing, tc.missing) {
				t.Errorf("= %+v complete=%t missing=%v; want %+v %t %v", got, got.Complete(), missing, tc.want, tc.complete, tc.missing)
			}
		})
	}
}
