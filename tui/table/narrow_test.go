package table

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestNarrowKeepsWidthAndRemovesAmbiguous(t *testing.T) {
	cases := []struct{ in, want string }{
		{"常州市武进区化工有限公司", "常州市武进区化工有限公司"},
		{"常州“华东”化工—分公司", "常州\"华东\"化工-分公司"},
		{"常武应急罚〔2026〕20号\uFFFD\uFFFD", "常武应急罚〔2026〕20号??"},
		{"温度≥40℃·α", "温度?40C.?"},
		{"ASCII only", "ASCII only"},
	}
	for _, c := range cases {
		got := narrow(c.in)
		if got != c.want {
			t.Errorf("narrow(%q) = %q, want %q", c.in, got, c.want)
		}
		if ansi.StringWidth(got) != ansi.StringWidth(c.in) {
			t.Errorf("width of %q changed: %d -> %d", c.in, ansi.StringWidth(c.in), ansi.StringWidth(got))
		}
		for _, r := range got {
			if isAmbiguous(r) {
				t.Errorf("ambiguous %q left in %q", r, got)
			}
		}
	}
}
