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
	}{
		{"worked example", []string{"--decided", "2024-01-31"}, []string{
			"changzhou-2022", "常应急〔2022〕19号 / 发改办财金〔2019〕527号", "general (一般失信)",
			"Disclosure due         2024-02-08", "信用中国",
			"Minimum period ends    2024-04-30", "3 months",
			"Repair eligible from   2024-05-01",
			"Maximum disclosure     2025-01-31", "12 months",
		}},
		{"serious with application", []string{"--decided=2024-01-31", "--severity", "serious", "--applied", "2024-09-26"}, []string{
			"serious (严重失信)", "2024-07-31", "2024-08-01", "2027-01-31",
			"Review due             2024-10-15", "10 working days",
		}},
		{"not repairable", []string{"--decided", "2024-01-31", "--penalty-type", "罚款,责令停产停业"}, []string{
			"NOT REPAIRABLE", "责令停产停业", "Repair eligible from   -", "2027-01-31", "36 months", "处罚类别 罚款、责令停产停业",
		}},
		{"repeated penalty type", []string{"--decided", "2024-01-31", "--penalty-type", "罚款", "--penalty-type", "吊销许可证件"}, []string{
			"NOT REPAIRABLE", "吊销许可证件",
		}},
		{"ndrc-2026 from 2026-04-01", []string{"--decided", "2026-04-01", "--severity", "minor"}, []string{
			"ndrc-2026", "decisions from 2026-04-01", "no minimum period", "2026-04-02", "2026-07-01",
		}},
		{"Chinese severity", []string{"--decided", "2026-03-31", "--severity", "严重"}, []string{
			"changzhou-2022", "2026-09-30", "2026-10-01",
		}},
		{"explicit rule set", []string{"--decided", "2024-01-31", "--severity", "serious", "--rule-set", "ndrc-2026"}, []string{
			"ndrc-2026", "2025-01-31", "2025-02-01",
		}},
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
		})
	}
}

func TestWhenJSON(t *testing.T) {
	keys := []string{"decided", "severity", "rule_set", "disclosure_due", "min_period_end",
		"repair_eligible_from", "max_disclosure_end", "repairable", "reason"}
	for _, tc := range []struct {
		name string
		args []string
		want map[string]any
	}{
		{"worked example", []string{"--decided", "2024-01-31", "--json"}, map[string]any{
			"decided": "2024-01-31", "severity": "general", "rule_set": "changzhou-2022",
			"disclosure_due": "2024-02-08", "min_period_end": "2024-04-30", "repair_eligible_from": "2024-05-01",
			"max_disclosure_end": "2025-01-31", "repairable": true, "reason": "",
		}},
		{"with application", []string{"--json", "--decided", "2024-01-31", "--applied", "2024-05-06"}, map[string]any{
			"decided": "2024-01-31", "severity": "general", "rule_set": "changzhou-2022",
			"disclosure_due": "2024-02-08", "min_period_end": "2024-04-30", "repair_eligible_from": "2024-05-01",
			"max_disclosure_end": "2025-01-31", "repairable": true, "reason": "", "review_due": "2024-05-17",
		}},
		{"not repairable", []string{"--json", "--decided", "2024-01-31", "--penalty-type", "吊销许可证件"}, map[string]any{
			"decided": "2024-01-31", "severity": "general", "rule_set": "changzhou-2022",
			"disclosure_due": "2024-02-08", "min_period_end": "2024-04-30", "repair_eligible_from": "",
			"max_disclosure_end": "2027-01-31", "repairable": false,
		}},
		{"boundary 2026-03-31", []string{"--json", "--decided", "2026-03-31", "--severity", "serious"}, map[string]any{
			"decided": "2026-03-31", "severity": "serious", "rule_set": "changzhou-2022",
			"disclosure_due": "2026-04-10", "min_period_end": "2026-09-30", "repair_eligible_from": "2026-10-01",
			"max_disclosure_end": "2029-03-31", "repairable": true, "reason": "",
		}},
		{"boundary 2026-04-01", []string{"--json", "--decided", "2026-04-01", "--severity", "serious"}, map[string]any{
			"decided": "2026-04-01", "severity": "serious", "rule_set": "ndrc-2026",
			"disclosure_due": "2026-04-13", "min_period_end": "2027-04-01", "repair_eligible_from": "2027-04-02",
			"max_disclosure_end": "2029-04-01", "repairable": true, "reason": "",
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
			if _, ok := tc.want["review_due"]; ok {
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
		{"minor under changzhou-2022", []string{"--decided", "2025-05-01", "--severity", "minor"}, 1, "changzhou-2022"},
		{"unknown calendar year", []string{"--decided", "2028-03-01"}, 1, "does not know 2028"},
		{"disclosure runs into 2028", []string{"--decided", "2027-12-28"}, 1, "[calendar]"},
		{"review runs into 2028", []string{"--decided", "2027-06-01", "--applied", "2027-12-28"}, 1, "2028"},
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
		e, _, errb := testEnv()
		if code := runWhen(e, []string{"-h"}); code != 0 || !strings.Contains(errb.String(), "Usage: credwatch when") {
			t.Errorf("exit %d, stderr %s", code, errb)
		}
	})
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
