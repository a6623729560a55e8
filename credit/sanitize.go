package credit

import (
	"strings"
	"unicode/utf8"
)

// MaxFieldRunes bounds any single text field taken from an endpoint or from
// configuration; longer values are cut and end with "…".
const MaxFieldRunes = 2000

// Sanitize makes a string from outside safe to store and to print on a
// terminal: invalid UTF-8 becomes U+FFFD; escape sequences (CSI, OSC including
// OSC 52 clipboard writes, DCS, APC, PM, SOS and two-byte ESC sequences) are
// removed whole; other C0 and C1 control characters, DEL, and bidirectional
// overrides and isolates are removed; tabs and line breaks become a space; the
// result is cut to MaxFieldRunes. Clean strings are returned unchanged
// without allocating.
func Sanitize(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			r = '\uFFFD'
		case r == 0x1b: // ESC: skip the whole sequence
			i = skipEscape(s, i)
			continue
		case r == 0x9b || r == 0x9d || r == 0x90 || r == 0x9e || r == 0x9f || r == 0x98: // C1 CSI, OSC, DCS, PM, APC, SOS
			i = skipC1String(s, i+size, r == 0x9b)
			continue
		case r == '\t' || r == '\n' || r == '\r':
			r = ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || IsBidiControl(r):
			i += size
			continue
		}
		if n == MaxFieldRunes {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
		i += size
	}
	return b.String()
}

func isClean(s string) bool {
	if len(s) > MaxFieldRunes { // may exceed MaxFieldRunes runes
		if utf8.RuneCountInString(s) > MaxFieldRunes {
			return false
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || (r >= 0x80 && r < 0xa0) || IsBidiControl(r) {
			return false
		}
		i += size
	}
	return true
}

// IsBidiControl reports the characters that reorder displayed text:
// LRM/RLM/ALM, LRE..RLO embeddings and overrides, LRI..PDI isolates.
func IsBidiControl(r rune) bool {
	return r == 0x200e || r == 0x200f || r == 0x061c || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// skipEscape returns the index just after the escape sequence starting at
// s[i] == ESC. Unterminated strings run to the end of s.
func skipEscape(s string, i int) int {
	i++
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[': // CSI: parameters and intermediates, then a final byte 0x40-0x7e
		return skipC1String(s, i+1, true)
	case ']', 'P', '^', '_', 'X': // OSC, DCS, PM, APC, SOS: up to BEL or ST
		return skipC1String(s, i+1, false)
	default:
		// Two-byte sequences (ESC c, ESC 7, ...) and ESC followed by
		// intermediates (ESC ( B): skip intermediates and the final byte.
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
		return i
	}
}

// skipC1String skips the body of a control sequence starting at s[i]. A CSI
// ends at its final byte; a string command ends at BEL, ESC \ or C1 ST.
func skipC1String(s string, i int, csi bool) int {
	for i < len(s) {
		c := s[i]
		if csi {
			if c >= 0x40 && c <= 0x7e {
				return i + 1
			}
			if c < 0x20 || c > 0x3f && c < 0x40 || c >= 0x80 {
				return i // malformed: stop, the rest is handled as text
			}
			i++
			continue
		}
		switch {
		case c == 0x07:
			return i + 1
		case c == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c: // C1 ST in UTF-8
			return i + 2
		}
		i++
	}
	return i
}

// SanitizeStrings passes every text field of r through Sanitize.
func (r *Record) SanitizeStrings() {
	for _, p := range []*string{&r.ID, &r.Dept, &r.SubjectName, &r.SubjectKind, &r.USCC, &r.LegalRep, &r.DocNo,
		&r.Authority, &r.AuthCode, &r.SourceUnit, &r.SourceCode, &r.Content, &r.Note, &r.Violation, &r.Facts,
		&r.Basis, &r.LicenceCategory, &r.CertName, &r.LicenceNo, &r.LicenceStatus, &r.Rejected} {
		*p = Sanitize(*p)
	}
	for i := range r.PenaltyTypes {
		r.PenaltyTypes[i] = Sanitize(r.PenaltyTypes[i])
	}
}

// SanitizeStrings passes every text field of s through Sanitize.
func (s *SharingEntry) SanitizeStrings() {
	s.Dept = Sanitize(s.Dept)
	for i := range s.Rejections {
		s.Rejections[i].RecordID = Sanitize(s.Rejections[i].RecordID)
		s.Rejections[i].Reason = Sanitize(s.Rejections[i].Reason)
	}
}

// SanitizeStrings passes every text field of r through Sanitize.
func (r *Repair) SanitizeStrings() {
	for _, p := range []*string{&r.RecordKey, &r.Outcome, &r.NationalReceipt, &r.WithdrawalNote} {
		*p = Sanitize(*p)
	}
}
