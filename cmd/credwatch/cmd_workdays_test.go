package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestWorkdays(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		wants []string
	}{
		{"add across national day", []string{"--from", "2024-09-27", "--add", "7"}, []string{
			"2024-10-12\n", "adjusted working day 调休上班 for 国庆节", "7th working day after 2024-09-27 (Fri)",
		}},
		{"add across new year", []string{"--from", "2022-12-30", "--add", "1"}, []string{"2023-01-03\n", "1st working day after"}},
		{"add from a holiday", []string{"--from", "2024-10-03", "--add", "2"}, []string{"2024-10-09\n", "2024-10-03 (Thu, 国庆节 holiday)"}},
		{"backwards", []string{"--from", "2024-10-08", "--add", "-1"}, []string{"2024-09-30\n", "1st working day before"}},
		{"zero", []string{"--from", "2024-10-05", "--add", "0"}, []string{"2024-10-05\n", "start date itself"}},
		{"count", []string{"--from", "2024-09-27", "--to", "2024-10-12"}, []string{"7\n", "up to and including 2024-10-12"}},
		{"count reversed", []string{"--from", "2024-10-12", "--to", "2024-09-27"}, []string{"-7\n", "before --from"}},
		{"count same day", []string{"--from", "2024-10-12", "--to", "2024-10-12"}, []string{"0\n"}},
		{"count from a weekend", []string{"--from", "2024-03-16", "--to", "2024-03-18"}, []string{"1\n", "weekend"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, out, errb := testEnv()
			if code := runWorkdays(e, tc.args); code != 0 {
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

func TestWorkdaysJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want map[string]any
	}{
		{"add", []string{"--json", "--from", "2024-09-27", "--add", "7"},
			map[string]any{"from": "2024-09-27", "add": 7.0, "date": "2024-10-12", "provisional_years": "[]"}},
		{"to", []string{"--from", "2024-09-27", "--to", "2024-10-12", "--json"},
			map[string]any{"from": "2024-09-27", "to": "2024-10-12", "working_days": 7.0, "provisional_years": "[]"}},
		// Issue 16 item 9: a count through 2027 says its schedule is provisional.
		{"add into 2027", []string{"--json", "--from", "2026-12-28", "--add", "7"},
			map[string]any{"from": "2026-12-28", "add": 7.0, "date": "2027-01-07", "provisional_years": "[2027]"}},
		{"to in 2027", []string{"--json", "--from", "2027-02-04", "--to", "2027-02-15"},
			map[string]any{"from": "2027-02-04", "to": "2027-02-15", "working_days": 2.0, "provisional_years": "[2027]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, out, errb := testEnv()
			if code := runWorkdays(e, tc.args); code != 0 {
				t.Fatalf("exit %d, stderr %s", code, errb)
			}
			var got map[string]any
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				g := got[k]
				if l, ok := g.([]any); ok {
					g = fmt.Sprint(l)
				}
				if g != v {
					t.Errorf("%s = %#v, want %#v", k, g, v)
				}
			}
		})
	}
	t.Run("text says provisional", func(t *testing.T) {
		e, out, _ := testEnv()
		if runWorkdays(e, []string{"--from", "2027-02-04", "--add", "1"}); !strings.Contains(out.String(), "PROVISIONAL") {
			t.Errorf("output:\n%s", out)
		}
		e, out, _ = testEnv()
		if runWorkdays(e, []string{"--from", "2026-02-04", "--add", "1"}); strings.Contains(out.String(), "PROVISIONAL") {
			t.Errorf("output:\n%s", out)
		}
	})
}

func TestWorkdaysErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"nothing", nil, 2, "--from is required"},
		{"no operation", []string{"--from", "2024-01-02"}, 2, "--add N or --to DATE"},
		{"both operations", []string{"--from", "2024-01-02", "--add", "1", "--to", "2024-02-01"}, 2, "not both"},
		{"bad from", []string{"--from", "2024-13-01", "--add", "1"}, 2, "-from"},
		{"bad to", []string{"--from", "2024-01-02", "--to", "tomorrow"}, 2, "tomorrow"},
		{"bad add", []string{"--from", "2024-01-02", "--add", "x"}, 2, "-add"},
		{"stray argument", []string{"--from", "2024-01-02", "--add", "1", "more"}, 2, "more"},
		{"unknown year 2021", []string{"--from", "2021-06-01", "--add", "1"}, 1, "does not know 2021"},
		{"walks into 2028", []string{"--from", "2027-12-30", "--add", "5"}, 1, "does not know 2028"},
		{"count into 2028", []string{"--from", "2027-12-01", "--to", "2028-01-10"}, 1, "[calendar]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, out, errb := testEnv()
			if code := runWorkdays(e, tc.args); code != tc.code {
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
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 101: "101st", 111: "111th"} {
		t.Run(want, func(t *testing.T) {
			if got := ordinal(n); got != want {
				t.Errorf("ordinal(%d) = %s", n, got)
			}
		})
	}
}
