package credit

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"clean chinese", "常州市武进区某某化工有限公司", "常州市武进区某某化工有限公司"},
		{"csi colour", "常州\x1b[31m红色\x1b[0m公司", "常州红色公司"},
		{"csi clear screen", "\x1b[2J\x1b[H公司", "公司"},
		{"osc 52 clipboard BEL", "a\x1b]52;c;ZXZpbA==\x07b", "ab"},
		{"osc title ST", "a\x1b]0;pwned\x1b\\b", "ab"},
		{"osc hyperlink", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"unterminated osc", "ok\x1b]52;c;AAAA", "ok"},
		{"dcs", "a\x1bPq#0;2\x1b\\b", "ab"},
		{"two byte esc", "a\x1bcb", "ab"},
		{"charset esc", "a\x1b(Bb", "ab"},
		{"c1 csi", "a\u009b31mb", "ab"},
		{"c1 osc", "a\u009d52;c;AA\u009cb", "ab"},
		{"bidi override", "abc\u202edcba\u202c", "abcdcba"},
		{"bidi isolate", "x\u2066y\u2069", "xy"},
		{"controls", "a\x00b\x07c\x7fd", "abcd"},
		{"newlines to space", "第一行\n第二行\tend\r", "第一行 第二行 end "},
		{"invalid utf8", "ab\xff\xfecd", "ab\uFFFD\uFFFDcd"},
		{"truncated utf8", "公\xe5\x8f", "公\uFFFD\uFFFD"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Sanitize(c.in); got != c.want {
				t.Errorf("Sanitize(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestSanitizeBoundsLength(t *testing.T) {
	got := Sanitize(strings.Repeat("长", MaxFieldRunes+500))
	if n := utf8.RuneCountInString(got); n != MaxFieldRunes+1 {
		t.Errorf("length = %d runes, want %d", n, MaxFieldRunes+1)
	}
	if !strings.HasSuffix(got, "…") {
		t.Errorf("cut value does not end with …")
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"常州", "\x1b[31mx", "\x1b]52;c;AA\x07", "\xff", "\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || IsBidiControl(r) {
				t.Fatalf("control %U survived in %q from %q", r, out, s)
			}
		}
		if Sanitize(out) != out {
			t.Fatalf("not idempotent on %q", s)
		}
	})
}
