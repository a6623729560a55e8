package credit

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// usccAlphabet is the 31-character set of GB 32100-2015 (no I, O, Z, S, V);
// a character's value is its index.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^(i-1) mod 31 for positions 1..17.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights for the eight body characters.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// USCCError says exactly why a unified social credit code is invalid.
type USCCError struct {
	Code   string // the code as given (already sanitised by the caller if needed)
	Reason string // English reason, for Error (logs, and where an error is shown as it is)
	Text   Text   // the reason for a person (the catalogue words it)
}

func (e *USCCError) Error() string { return fmt.Sprintf("credit code %q: %s", e.Code, e.Reason) }

// USCCCheckChar returns the GB 32100 check character (position 18) for the
// first 17 characters of a code. ok is false if body is not 17 characters of
// the code alphabet.
func USCCCheckChar(body string) (byte, bool) {
	if len(body) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, body[i])
		if v < 0 {
			return 0, false
		}
		sum += v * usccWeights[i]
	}
	c := (31 - sum%31) % 31
	return usccAlphabet[c], true
}

// orgValue is a character's value in GB 11714: digits 0-9, letters A=10..Z=35.
func orgValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return -1
}

// OrgCheckChar returns the GB 11714 check character for an eight-character
// organisation code body ('0'-'9' or 'X'). ok is false for a malformed body.
func OrgCheckChar(body string) (byte, bool) {
	if len(body) != 8 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		v := orgValue(body[i])
		if v < 0 {
			return 0, false
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X', true
	case 11:
		return '0', true
	default:
		return byte('0' + c), true
	}
}

// ValidateUSCC checks a unified social credit code (统一社会信用代码): length,
// alphabet, the administrative-division digits, the GB 11714 organisation-code
// check character (position 17) and the GB 32100 check character (position
// 18). It returns nil or a *USCCError naming the first problem found. Lower
// case is not accepted: the standard uses upper case only.
func ValidateUSCC(code string) error {
	fail := func(reason string, t Text) error { return &USCCError{Code: code, Reason: reason, Text: t} }
	if code == "" {
		return fail("empty", text("uscc.empty"))
	}
	if !utf8.ValidString(code) {
		return fail("not valid text", text("uscc.invalid-text"))
	}
	if n := utf8.RuneCountInString(code); n != 18 {
		return fail(fmt.Sprintf("has %d characters, want 18", n), text("uscc.length", n))
	}
	if len(code) != 18 {
		return fail("contains non-ASCII characters", text("uscc.non-ascii"))
	}
	for i := 0; i < 18; i++ {
		c := code[i]
		if strings.IndexByte(usccAlphabet, c) < 0 {
			if c >= 'a' && c <= 'z' {
				return fail(fmt.Sprintf("character %d %q is lower case", i+1, c), text("uscc.lower-case", i+1, c))
			}
			return fail(fmt.Sprintf("character %d %q is not allowed (I, O, Z, S, V and symbols never occur)", i+1, c),
				text("uscc.bad-char", i+1, c))
		}
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return fail(fmt.Sprintf("characters 3-8 must be a division code of digits, character %d is %q", i+1, code[i]),
				text("uscc.division", i+1, code[i]))
		}
	}
	if want, _ := OrgCheckChar(code[8:16]); code[16] != want {
		return fail(fmt.Sprintf("organisation code check character (17) is %q, want %q", code[16], want),
			text("uscc.org-check", code[16], want))
	}
	if want, _ := USCCCheckChar(code[:17]); code[17] != want {
		return fail(fmt.Sprintf("check character (18) is %q, want %q", code[17], want),
			text("uscc.check", code[17], want))
	}
	return nil
}

// CompleteUSCC appends both check characters to a 16-character prefix
// (registration authority, kind, six-digit division code, eight-character
// organisation body) and returns the full 18-character code. It is used by the
// simulator and tests to build valid codes.
func CompleteUSCC(prefix16 string) (string, bool) {
	if len(prefix16) != 16 {
		return "", false
	}
	org, ok := OrgCheckChar(prefix16[8:16])
	if !ok {
		return "", false
	}
	body := prefix16 + string(org)
	c, ok := USCCCheckChar(body)
	if !ok {
		return "", false
	}
	return body + string(c), true
}
