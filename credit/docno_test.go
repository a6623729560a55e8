package credit

import (
	"strings"
	"testing"
)

func TestFoldDocNo(t *testing.T) {
	const want = "常武应急罚〔2024〕37号"
	same := map[string]string{
		"as written":              "常武应急罚〔2024〕37号",
		"ASCII brackets":          "常武应急罚[2024]37号",
		"round brackets":          "常武应急罚(2024)37号",
		"full-width round":        "常武应急罚（2024）37号",
		"lenticular":              "常武应急罚【2024】37号",
		"full-width square":       "常武应急罚［2024］37号",
		"small tortoise shell":    "常武应急罚﹝2024﹞37号",
		"white lenticular":        "常武应急罚〖2024〗37号",
		"corner brackets":         "常武应急罚「2024」37号",
		"full-width digits":       "常武应急罚〔２０２４〕３７号",
		"mixed widths":            "常武应急罚[２０24）37号",
		"spaces":                  " 常武应急罚 〔2024〕 37 号 ",
		"ideographic space":       "常武应急罚\u3000〔2024〕37号",
		"tab and zero-width":      "常武应急罚\t〔2024〕\u200b37号",
		"full-width and brackets": "常武应急罚【２０２４】３７号",
	}
	for name, in := range same {
		t.Run(name, func(t *testing.T) {
			if got := FoldDocNo(in); got != FoldDocNo(want) {
				t.Errorf("FoldDocNo(%q) = %q, want %q", in, got, FoldDocNo(want))
			}
			if !SameDocNo(in, want) {
				t.Errorf("SameDocNo(%q, %q) = false", in, want)
			}
		})
	}
	if got := FoldDocNo(want); got != want {
		t.Errorf("FoldDocNo(%q) = %q: a number already in the folded form must not change", want, got)
	}

	different := map[string]string{
		"other number": "常武应急罚〔2024〕38号",
		"other year":   "常武应急罚〔2023〕37号",
		"other bureau": "常新应急罚〔2024〕37号",
		"empty":        "",
		"only spaces":  "  ",
	}
	for name, in := range different {
		t.Run("not "+name, func(t *testing.T) {
			if SameDocNo(in, want) {
				t.Errorf("SameDocNo(%q, %q) = true", in, want)
			}
		})
	}
	if SameDocNo("", "") {
		t.Error(`SameDocNo("", "") = true: two empty numbers are not one document`)
	}
}

func TestFoldDocNoLettersAndIdempotence(t *testing.T) {
	cases := []struct{ in, want string }{
		{"cf2026000078", "CF2026000078"},
		{"ＣＦ２０２６－０００７８", "CF2026-00078"},
		{"许可证号：(苏)WH安许证字〔2024〕0012", "许可证号:〔苏〕WH安许证字〔2024〕0012"},
	}
	for _, c := range cases {
		got := FoldDocNo(c.in)
		if got != c.want {
			t.Errorf("FoldDocNo(%q) = %q, want %q", c.in, got, c.want)
		}
		if again := FoldDocNo(got); again != got {
			t.Errorf("FoldDocNo is not idempotent on %q: %q", got, again)
		}
	}
}

func TestSameDocNoAllocatesNothing(t *testing.T) {
	a, b := "常武应急罚[２０２４]37号", "常武应急罚〔2024〕37号"
	if n := testing.AllocsPerRun(100, func() { SameDocNo(a, b) }); n != 0 {
		t.Errorf("SameDocNo allocates %v times per call", n)
	}
}

func TestContainsDocNo(t *testing.T) {
	const h = "常武应急罚〔2024〕37号"
	for _, c := range []struct {
		needle string
		want   bool
	}{
		{"", true},
		{"[2024]37", true},
		{"（２０２４）", true},
		{"罚 (2024) 3", true},
		{"常武应急罚【2024】37号", true},
		{"〔2024〕38", false},
		{"常武应急罚〔2024〕37号〔", false},
		{"2025", false},
	} {
		if got := ContainsDocNo(h, c.needle); got != c.want {
			t.Errorf("ContainsDocNo(%q, %q) = %v, want %v", h, c.needle, got, c.want)
		}
		if got, want := ContainsDocNo(h, c.needle), strings.Contains(FoldDocNo(h), FoldDocNo(c.needle)); got != want {
			t.Errorf("ContainsDocNo(%q, %q) = %v, but the folded strings say %v", h, c.needle, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { ContainsDocNo(h, "[2024]37号") }); n != 0 {
		t.Errorf("ContainsDocNo allocates %v times per call", n)
	}
}
