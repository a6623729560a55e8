package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/czyj/credwatch/credit"
)

// testEnv returns an env with the built-in rules and buffers for output.
func testEnv() (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &env{rules: credit.DefaultRules(), today: credit.MustDate("2024-06-01"), stdout: &out, stderr: &errb}, &out, &errb
}

func TestWhenText(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		wants []string
		not   []string
	}{
		{"worked example under Order No. 58", []string{"--decided", "2024-01-31"}, []string{
			"ndrc-2023", "国家发展改革委令第58号", "Source:", "第二条", "general (一般失信)",
			"Disclosure due         2024-02-08", "最迟公示日",
			"Minimum period ends    2024-04-30", "3 months",
			"Repair eligible from   2024-05-01",
			"Maximum disclosure     2027-01-31", "36 months",
		}, []string{"WARNING", "PROVISIONAL", "UNKNOWN"}},
		{"city measures before 2023-05-01", []string{"--decided", "2022-09-30"}, []string{
			"changzhou-2022", "常应急〔2022〕19号 / 发改办财金〔2019〕527号", "2022-10-14", "2022-12-31", "2023-09-30", "12 months",
		}, nil},
		{"serious with application in time", []string{"--decided=2024-01-31", "--severity", "serious", "--applied", "2025-02-05"}, []string{
			"serious (严重失信)", "2025-01-31", "2025-02-01", "2027-01-31",
			"Review due             2025-02-18", "10 working days",
		}, []string{"WARNING"}},
		{"application before eligibility (item 7)", []string{"--decided", "2024-01-31", "--severity", "serious", "--applied", "2024-05-06"}, []string{
			"Review due             2024-05-17", "WARNING [applied-before-eligible]", "before eligibility on 2025-02-01", "早于可申请日2025-02-01",
		}, nil},
		{"not repairable under 527", []string{"--decided", "2022-09-30", "--penalty-type", "罚款,责令停产停业", "--applied", "2023-01-03"}, []string{
			"NOT REPAIRABLE", "责令停产停业", "Repair eligible from   -", "2025-09-30", "36 months", "处罚类别 罚款、责令停产停业",
			"WARNING [applied-not-repairable]",
		}, nil},
		{"吊销许可证件 repairable under Order No. 36 (item 1)", []string{"--decided", "2026-05-06", "--severity", "serious", "--penalty-type", "吊销许可证件"}, []string{
			"ndrc-2026", "Repair eligible from   2027-05-07", "Maximum disclosure     2029-05-06",
		}, []string{"NOT REPAIRABLE"}},
		{"accident (item 4)", []string{"--decided", "2024-01-31", "--accident"}, []string{
			"涉及生产安全事故", "Tier:     serious (严重失信)", "Repair eligible from   2025-02-01",
		}, nil},
		{"minor tier (item 3)", []string{"--decided", "2026-04-01", "--severity", "minor"}, []string{
			"ndrc-2026", "decisions from 2026-04-01", "原则上不予公示", "Disclosure due         -", "法定责任履行完毕即可申请修复", "not recorded",
			"Maximum disclosure     2026-07-01",
		}, nil},
		{"minor tier fulfilled", []string{"--decided", "2026-04-01", "--severity", "minor", "--fulfilled", "2026-04-03"}, []string{
			"Repair eligible from   2026-04-03",
		}, nil},
		{"Chinese severity", []string{"--decided", "2026-03-31", "--severity", "严重"}, []string{
			"ndrc-2023", "2027-03-31", "2027-04-01",
		}, nil},
		{"explicit rule set", []string{"--decided", "2024-01-31", "--severity", "serious", "--rule-set", "changzhou-2022"}, []string{
			"changzhou-2022", "2024-07-31", "2024-08-01",
		}, nil},
		{"unknown year: month dates still shown (item 8)", []string{"--decided", "2027-12-28"}, []string{
			"Disclosure due         -", "UNKNOWN: the calendar does not know 2028", "Repair eligible from   2028-03-29", "2028-12-28",
		}, nil},
		{"2027 provisional (item 9)", []string{"--decided", "2027-03-10"}, []string{
			"Disclosure due         2027-03-19", "PROVISIONAL", "confirmed = [2027]",
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, out, errb := testEnv()
			if code := runWhen(e, tc.args); code != 0 {
				t.Fatalf("exit %d, stderr %s", code, errb)
			}
			for _, w := range tc.wants {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(out.String(), w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}
}

// The --json keys are a contract (docs/rules.md): every key is always
// present, except review_due without --applied.
func TestWhenJSON(t *testing.T) {
	keys := []string{"decided", "severity", "tier", "regraded", "accident", "penalty_types", "rule_set", "rule_set_title",
		"rule_set_source", "not_disclosed", "disclosure_due", "min_period_end", "eligibility", "fulfilled",
		"repair_eligible_from", "max_disclosure_end", "repairable", "reason", "applied", "application_issue",
		"application_issue_text", "unknown", "unknown_years", "provisional", "provisional_years"}
	for _, tc := range []struct {
		name string
		args []string
		want map[string]any
	}{
		{"worked example", []string{"--decided", "2024-01-31", "--json"}, map[string]any{
			"decided": "2024-01-31", "severity": "general", "tier": "general", "rule_set": "ndrc-2023",
			"disclosure_due": "2024-02-08", "min_period_end": "2024-04-30", "repair_eligible_from": "2024-05-01",
			"max_disclosure_end": "2027-01-31", "repairable": true, "reason": "", "eligibility": "date",
		}},
		{"application before eligibility", []string{"--json", "--decided", "2024-01-31", "--severity", "serious", "--applied", "2024-05-06"}, map[string]any{
			"rule_set": "ndrc-2023", "repair_eligible_from": "2025-02-01", "max_disclosure_end": "2027-01-31",
			"applied": "2024-05-06", "review_due": "2024-05-17", "application_issue": "applied-before-eligible",
		}},
		{"527 not repairable", []string{"--json", "--decided", "2022-06-20", "--penalty-type", "吊销许可证件"}, map[string]any{
			"rule_set": "changzhou-2022", "min_period_end": "2022-09-20", "repair_eligible_from": "",
			"max_disclosure_end": "2025-06-20", "repairable": false, "eligibility": "not_repairable",
		}},
		{"Order 58 吊销许可证件 repairable", []string{"--json", "--decided", "2024-01-31", "--penalty-type", "吊销许可证件"}, map[string]any{
			"rule_set": "ndrc-2023", "repairable": true, "repair_eligible_from": "2024-05-01", "reason": "",
		}},
		{"Order 36 吊销许可证件 serious (item 1)", []string{"--json", "--decided", "2026-05-06", "--severity", "serious", "--penalty-type", "吊销许可证件"}, map[string]any{
			"rule_set": "ndrc-2026", "tier": "serious", "repairable": true, "disclosure_due": "2026-05-14",
			"min_period_end": "2027-05-06", "repair_eligible_from": "2027-05-07", "max_disclosure_end": "2029-05-06",
		}},
		{"Order 36 吊销许可证件 graded general is serious", []string{"--json", "--decided", "2026-05-06", "--penalty-type", "吊销许可证件"}, map[string]any{
			"severity": "general", "tier": "serious", "repair_eligible_from": "2027-05-07",
		}},
		{"Order 36 责令停产停业 general repairable", []string{"--json", "--decided", "2026-06-01", "--penalty-type", "责令停产停业"}, map[string]any{
			"rule_set": "ndrc-2026", "tier": "general", "repairable": true, "repair_eligible_from": "2026-09-02", "max_disclosure_end": "2027-06-01",
		}},
		{"accident (item 4)", []string{"--json", "--decided", "2022-09-30", "--accident"}, map[string]any{
			"rule_set": "changzhou-2022", "severity": "general", "tier": "serious", "accident": true,
			"min_period_end": "2023-03-30", "repair_eligible_from": "2023-03-31", "max_disclosure_end": "2025-09-30",
		}},
		{"minor (item 3)", []string{"--json", "--decided", "2026-05-06", "--severity", "minor"}, map[string]any{
			"rule_set": "ndrc-2026", "tier": "minor", "not_disclosed": true, "disclosure_due": "", "eligibility": "on_fulfilment",
			"repair_eligible_from": "", "repairable": true, "max_disclosure_end": "2026-08-06",
		}},
		{"boundary 2023-04-30", []string{"--json", "--decided", "2023-04-30", "--severity", "serious"}, map[string]any{
			"rule_set": "changzhou-2022", "disclosure_due": "2023-05-11", "repair_eligible_from": "2023-10-31", "max_disclosure_end": "2026-04-30",
		}},
		{"boundary 2023-05-01", []string{"--json", "--decided", "2023-05-01", "--severity", "serious"}, map[string]any{
			"rule_set": "ndrc-2023", "disclosure_due": "2023-05-11", "repair_eligible_from": "2024-05-02", "max_disclosure_end": "2026-05-01",
		}},
		{"boundary 2026-03-31", []string{"--json", "--decided", "2026-03-31", "--severity", "serious"}, map[string]any{
			"decided": "2026-03-31", "severity": "serious", "rule_set": "ndrc-2023",
			"disclosure_due": "2026-04-10", "min_period_end": "2027-03-31", "repair_eligible_from": "2027-04-01",
			"max_disclosure_end": "2029-03-31", "repairable": true, "reason": "",
		}},
		{"boundary 2026-04-01", []string{"--json", "--decided", "2026-04-01", "--severity", "serious"}, map[string]any{
			"decided": "2026-04-01", "severity": "serious", "rule_set": "ndrc-2026",
			"disclosure_due": "2026-04-13", "min_period_end": "2027-04-01", "repair_eligible_from": "2027-04-02",
			"max_disclosure_end": "2029-04-01", "repairable": true, "reason": "",
		}},
		{"unknown year (item 8)", []string{"--json", "--decided", "2027-12-28"}, map[string]any{
			"disclosure_due": "", "min_period_end": "2028-03-28", "repair_eligible_from": "2028-03-29", "max_disclosure_end": "2028-12-28",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, out, errb := testEnv()
			if code := runWhen(e, tc.args); code != 0 {
				t.Fatalf("exit %d, stderr %s", code, errb)
			}
			var got map[string]any
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			wantKeys := slices.Clone(keys)
			if slices.Contains(tc.args, "--applied") {
				wantKeys = append(wantKeys, "review_due")
			}
			if gk := slices.Sorted(maps.Keys(got)); !slices.Equal(gk, slices.Sorted(slices.Values(wantKeys))) {
				t.Errorf("keys = %v, want %v", gk, wantKeys)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %#v, want %#v", k, got[k], v)
				}
			}
			if got["repairable"] == false && !strings.Contains(got["reason"].(string), "吊销许可证件") {
				t.Errorf("reason = %q", got["reason"])
			}
		})
	}
	t.Run("lists", func(t *testing.T) {
		e, out, _ := testEnv()
		runWhen(e, []string{"--json", "--decided", "2027-06-01", "--applied", "2027-12-28"})
		var got struct {
			Unknown, Provisional []string
			UnknownYears         []int `json:"unknown_years"`
			ProvisionalYears     []int `json:"provisional_years"`
		}
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Unknown, []string{"review_due"}) || !slices.Equal(got.UnknownYears, []int{2028}) ||
			!slices.Equal(got.Provisional, []string{"disclosure_due"}) || !slices.Equal(got.ProvisionalYears, []int{2027}) {
			t.Errorf("= %+v\n%s", got, out)
		}
	})
}

func TestWhenErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no decided", nil, 2, "--decided is required"},
		{"bad date", []string{"--decided", "2024-02-30"}, 2, "-decided"},
		{"bad date format", []string{"--decided", "31/01/2024"}, 2, "31/01/2024"},
		{"bad severity", []string{"--decided", "2024-01-31", "--severity", "huge"}, 2, "--severity"},
		{"bad penalty type", []string{"--decided", "2024-01-31", "--penalty-type", "吊销执照"}, 2, "吊销执照"},
		{"bad applied", []string{"--decided", "2024-01-31", "--applied", "soon"}, 2, "-applied"},
		{"unknown rule set", []string{"--decided", "2024-01-31", "--rule-set", "beijing"}, 2, "beijing"},
		{"unknown flag", []string{"--decided", "2024-01-31", "--colour"}, 2, "colour"},
		{"stray argument", []string{"--decided", "2024-01-31", "extra"}, 2, "extra"},
		{"minor under changzhou-2022", []string{"--decided", "2022-05-01", "--severity", "minor"}, 1, "changzhou-2022"},
		{"minor under ndrc-2023", []string{"--decided", "2025-05-01", "--severity", "minor"}, 1, "ndrc-2023"},
		{"bad fulfilled", []string{"--decided", "2026-05-01", "--fulfilled", "later"}, 2, "-fulfilled"},
		{"fulfilled before decision", []string{"--decided", "2026-05-06", "--severity", "minor", "--fulfilled", "2026-05-01"}, 1, "before the decision"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, out, errb := testEnv()
			if code := runWhen(e, tc.args); code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, errb)
			}
			if out.Len() != 0 {
				t.Errorf("stdout not empty:\n%s", out)
			}
		})
	}
	t.Run("help", func(t *testing.T) {
		e, out, _ := testEnv() // help asked for goes to stdout (credwatch when -h | less)
		if code := runWhen(e, []string{"-h"}); code != 0 || !strings.Contains(out.String(), "Usage: credwatch when") {
			t.Errorf("exit %d, stdout %s", code, out)
		}
	})
}

func TestWhenConfirmedYear(t *testing.T) {
	cal, err := credit.BuiltinCalendar().Confirmed([]int{2027})
	if err != nil {
		t.Fatal(err)
	}
	r, err := credit.NewRules(cal, credit.BuiltinRuleSets(), credit.DefaultPipelineDurations())
	if err != nil {
		t.Fatal(err)
	}
	e, out, errb := testEnv()
	e.rules = r
	if code := runWhen(e, []string{"--decided", "2027-03-10"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if !strings.Contains(out.String(), "2027-03-19") || strings.Contains(out.String(), "PROVISIONAL") {
		t.Errorf("output:\n%s", out)
	}
	if _, err := credit.BuiltinCalendar().Confirmed([]int{2029}); err == nil {
		t.Error("confirming an unknown year succeeded")
	}
}

func TestWhenConfiguredYear(t *testing.T) {
	cal, err := credit.NewCalendar([]credit.DayOverride{{Date: credit.MustDate("2028-01-03"), Name: "元旦"}}, []int{2028})
	if err != nil {
		t.Fatal(err)
	}
	r, err := credit.NewRules(cal, credit.BuiltinRuleSets(), credit.DefaultPipelineDurations())
	if err != nil {
		t.Fatal(err)
	}
	e, out, errb := testEnv()
	e.rules = r
	if code := runWhen(e, []string{"--decided", "2027-12-28", "--json"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	// 12-29, 12-30, 12-31, (1-1, 1-2 weekend, 1-3 configured holiday) 1-4, 1-5, 1-6, 1-7.
	if !strings.Contains(out.String(), `"disclosure_due": "2028-01-07"`) {
		t.Errorf("output:\n%s", out)
	}
}
