package credit

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FoldDocNo folds a document number (决定书文号, 许可证号) to the form two
// spellings of the same number share, so that an officer can find
// 常武应急罚〔2024〕37号 however it was typed:
//
//   - every kind of bracket around the year is one: [] () （） 【】 〔〕 ［］
//     ﹝﹞ 〖〗 {} ｛｝ and 「」 fold to 〔 and 〕;
//   - full-width ASCII letters, digits and signs fold to half-width
//     (２０２４ → 2024, ＣＦ → CF), and letters to upper case;
//   - white space of every kind, the ideographic space included, is
//     dropped.
//
// Everything else (the Chinese characters, 号, 第) is kept as it is.
// FoldDocNo(FoldDocNo(s)) == FoldDocNo(s).
func FoldDocNo(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r, keep := foldDocRune(r); keep {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SameDocNo reports whether a and b are the same document number written
// differently (see FoldDocNo). Two empty numbers are not the same number.
// It compares rune by rune and allocates nothing, so a caller may run it
// over every cached penalty.
func SameDocNo(a, b string) bool {
	i, j, n := 0, 0, 0
	for {
		ra, ok := nextDocRune(a, &i)
		rb, okb := nextDocRune(b, &j)
		if !ok || !okb {
			return ok == okb && n > 0
		}
		if ra != rb {
			return false
		}
		n++
	}
}

// nextDocRune returns the next kept, folded rune of s from *i on and moves
// *i past it; false at the end of s.
func nextDocRune(s string, i *int) (rune, bool) {
	for *i < len(s) {
		r, size := utf8.DecodeRuneInString(s[*i:])
		*i += size
		if r, keep := foldDocRune(r); keep {
			return r, true
		}
	}
	return 0, false
}

// foldDocRune is FoldDocNo for one rune: its folded form, and false when
// it is dropped.
func foldDocRune(r rune) (rune, bool) {
	switch r {
	case '[', '(', '（', '【', '〔', '［', '﹝', '〖', '{', '｛', '「', '⦅', '﹙':
		return '〔', true
	case ']', ')', '）', '】', '〕', '］', '﹞', '〗', '}', '｝', '」', '⦆', '﹚':
		return '〕', true
	}
	if unicode.IsSpace(r) || r == '\u3000' || r == '\u200b' || r == '\ufeff' {
		return 0, false
	}
	if r >= '！' && r <= '～' { // U+FF01..U+FF5E: full-width ASCII
		r -= '！' - '!'
	}
	if r >= 'a' && r <= 'z' {
		r -= 'a' - 'A'
	}
	return r, true
}

// ContainsDocNo reports whether needle, folded as FoldDocNo folds it,
// occurs in h folded the same way: "[2024]37" is in 常武应急罚〔2024〕37号.
// An empty needle is in every h. It allocates nothing.
func ContainsDocNo(h, needle string) bool {
	n := 0
	if _, ok := nextDocRune(needle, &n); !ok {
		return true
	}
	for start := 0; start < len(h); {
		i, j := start, 0
		for {
			rn, okn := nextDocRune(needle, &j)
			if !okn {
				return true
			}
			rh, okh := nextDocRune(h, &i)
			if !okh {
				return false // h ran out: no later start can match either
			}
			if rh != rn {
				break
			}
		}
		// Move start past the next kept rune of h.
		if _, ok := nextDocRune(h, &start); !ok {
			return false
		}
	}
	return false
}

// docFolds reports whether FoldDocNo changes needle in more than the case
// of its letters (brackets of any kind, full-width characters, spaces):
// only then does a search look for it as a document number too.
func docFolds(needle string) bool {
	for _, r := range needle {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			continue
		}
		if f, keep := foldDocRune(r); !keep || f != r || f == '〔' || f == '〕' {
			return true
		}
	}
	return false
}

// isFoldedDocNo reports whether FoldDocNo(s) == s, without making it, and
// s has no letter beyond ASCII with a lower case of its own (which the fast
// search, folding ASCII letters only, would miss).
func isFoldedDocNo(s string) bool {
	for _, r := range s {
		if f, keep := foldDocRune(r); !keep || f != r || r >= utf8.RuneSelf && unicode.ToLower(r) != r {
			return false
		}
	}
	return true
}
