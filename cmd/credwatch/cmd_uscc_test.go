package main

import (
	"strings"
	"testing"
)

func TestUSCC(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		lines []string // substrings, one per output line, in order
	}{
		{"valid", []string{"91350100M000100Y43"}, 0, []string{"91350100M000100Y43  valid"}},
		{"bad check character", []string{"91350100M000100Y44"}, 1,
			[]string{"91350100M000100Y44  invalid: check character (18) is '4', want '3' (校验位（第18位）为“4”，应为“3”)"}},
		{"bad organisation check", []string{"91350100M000100X43"}, 1, []string{"invalid: organisation code check character (17)"}},
		{"lower case", []string{"91350100m000100Y43"}, 1, []string{"lower case (第9位“m”为小写字母)"}},
		{"letter O", []string{"91350100MO00100Y43"}, 1, []string{"is not allowed"}},
		{"division", []string{"9135A100M000100Y43"}, 1, []string{"division code of digits, character 5 is 'A' (第3-8位行政区划码应为数字"}},
		{"short", []string{"9135"}, 1, []string{"9135  invalid: has 4 characters, want 18 (长度为4位，应为18位)"}},
		{"full-width", []string{"９1350100M000100Y43"}, 1, []string{"非ASCII"}},
		{"empty", []string{""}, 1, []string{`""  invalid: empty (为空)`}},
		{"escape sequence is quoted", []string{"\x1b[31m"}, 1, []string{`"\x1b[31m"  invalid`}},
		{"several, one invalid", []string{"91350100M000100Y43", "91350100M000100Y44", "91350100M000100Y43"}, 1,
			[]string{"Y43  valid", "Y44  invalid", "Y43  valid"}},
		{"after --", []string{"--", "91350100M000100Y43"}, 0, []string{"91350100M000100Y43  valid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, out, errb := testEnv()
			if code := runUSCC(e, tc.args); code != tc.code {
				t.Errorf("exit %d, want %d (stderr %s)", code, tc.code, errb)
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if len(lines) != len(tc.args) && tc.args[0] != "--" {
				t.Fatalf("%d lines for %d codes:\n%s", len(lines), len(tc.args), out)
			}
			for i, w := range tc.lines {
				if i >= len(lines) || !strings.Contains(lines[i], w) {
					t.Errorf("line %d lacks %q:\n%s", i+1, w, out)
				}
			}
		})
	}
}

func TestUSCCUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no codes", nil, 2, "give at least one code"},
		{"unknown flag", []string{"--strict", "91350100M000100Y43"}, 2, "strict"},
		{"help", []string{"-h"}, 0, "Usage: credwatch uscc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, out, errb := testEnv()
			if code := runUSCC(e, tc.args); code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			got, other := errb, out
			if tc.code == 0 { // help asked for goes to stdout
				got, other = out, errb
			}
			if !strings.Contains(got.String(), tc.want) || other.Len() != 0 {
				t.Errorf("stdout %q, stderr %q", out, errb)
			}
		})
	}
}
