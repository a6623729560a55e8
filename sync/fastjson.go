package sync

import (
	"encoding/json"
	"unicode/utf8"
)

// The JSON scanner under fastRecordPage (fastpage.go): each method reads
// one kind of value at the scanner's position, checking its syntax as
// encoding/json does, and reports false on anything else, whereupon the
// page is left to encoding/json.

// fastDec reads JSON from b at i. Its methods report false when the input
// is not of the form they read (or not JSON); the reader then gives up.
type fastDec struct {
	b []byte
	i int
}

func (d *fastDec) space() {
	for d.i < len(d.b) && isSpace(d.b[d.i]) {
		d.i++
	}
}

// end reports whether only white space is left.
func (d *fastDec) end() bool {
	d.space()
	return d.i == len(d.b)
}

// next skips white space and reports whether c comes next, consuming it.
func (d *fastDec) next(c byte) bool {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// peek returns the next byte after white space (0 at the end).
func (d *fastDec) peek() byte {
	d.space()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// object reads the members of an object, calling member with each name
// (raw: only ASCII names without escapes are read) positioned before its
// value, which member must read.
func (d *fastDec) object(member func(name []byte) bool) bool {
	if !d.next('{') {
		return false
	}
	if d.next('}') {
		return true
	}
	for {
		name, ok := d.name()
		if !ok || !d.next(':') || !member(name) {
			return false
		}
		if d.next(',') {
			continue
		}
		return d.next('}')
	}
}

// once marks member bit of seen and reports whether it was not marked: a
// member named twice gives up (encoding/json merges or overwrites, which
// the reader does not copy).
func once(seen *uint64, bit int) bool {
	m := uint64(1) << bit
	if *seen&m != 0 {
		return false
	}
	*seen |= m
	return true
}

// name reads a member name: ASCII without escapes, or gives up.
func (d *fastDec) name() ([]byte, bool) {
	if !d.next('"') {
		return nil, false
	}
	start := d.i
	for ; d.i < len(d.b); d.i++ {
		c := d.b[d.i]
		if c == '"' {
			name := d.b[start:d.i]
			d.i++
			return name, true
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			return nil, false
		}
	}
	return nil, false
}

// str reads a string value as encoding/json does.
func (d *fastDec) str() (string, bool) {
	s, raw, ok := d.strOrRaw()
	if raw != nil {
		return string(raw), true
	}
	return s, ok
}

// strOrRaw reads a string value as encoding/json does: as raw, its bytes
// in the input, when they are the string (no escapes, valid UTF-8), and
// as s otherwise.
func (d *fastDec) strOrRaw() (s string, raw []byte, ok bool) {
	d.space()
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return "", nil, false
	}
	start := d.i
	d.i++
	escaped, ascii := false, true
	for ; d.i < len(d.b); d.i++ {
		c := d.b[d.i]
		switch {
		case c == '"':
			raw := d.b[start+1 : d.i]
			d.i++
			if !escaped && (ascii || utf8.Valid(raw)) {
				return "", raw, true
			}
			// Escapes or invalid UTF-8 (replaced by U+FFFD): encoding/json's
			// own reading of this one string.
			return unquote(d.b[start:d.i])
		case c == '\\':
			escaped = true
			d.i++
			if d.i >= len(d.b) {
				return "", nil, false
			}
			switch d.b[d.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if d.i+4 >= len(d.b) {
					return "", nil, false
				}
				for _, h := range d.b[d.i+1 : d.i+5] {
					if !isHex(h) {
						return "", nil, false
					}
				}
				d.i += 4
			default:
				return "", nil, false
			}
		case c < 0x20:
			return "", nil, false
		case c >= 0x80:
			ascii = false
		}
	}
	return "", nil, false
}

// unquote reads the JSON string q by encoding/json.
func unquote(q []byte) (string, []byte, bool) {
	var s string
	if json.Unmarshal(q, &s) != nil {
		return "", nil, false
	}
	return s, nil, true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// null reads a null if one comes next.
func (d *fastDec) null() bool { return d.word("null") }

// word reads the literal w if it comes next, not followed by more of a
// word.
func (d *fastDec) word(w string) bool {
	d.space()
	if len(d.b)-d.i < len(w) || string(d.b[d.i:d.i+len(w)]) != w {
		return false
	}
	if j := d.i + len(w); j < len(d.b) && isWordByte(d.b[j]) {
		return false
	}
	d.i += len(w)
	return true
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// boolean reads true or false.
func (d *fastDec) boolean() (bool, bool) {
	if d.word("true") {
		return true, true
	}
	if d.word("false") {
		return false, true
	}
	return false, false
}

// number reads a number's text, checked against JSON's grammar.
func (d *fastDec) number() ([]byte, bool) {
	d.space()
	b, i := d.b, d.i
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return nil, false
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return nil, false
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (isWordByte(b[i]) || b[i] == '.' || b[i] == '-' || b[i] == '+') {
		return nil, false
	}
	d.i = i
	return b[start:i], true
}

// skip reads any value at nesting depth depth, checking its syntax.
func (d *fastDec) skip(depth int) bool {
	if depth > fastMaxDepth {
		return false
	}
	switch d.peek() {
	case '"':
		_, _, ok := d.strOrRaw() // checked, not kept: no string made
		return ok
	case '{':
		d.i++
		if d.next('}') {
			return true
		}
		for {
			if _, _, ok := d.strOrRaw(); !ok || !d.next(':') || !d.skip(depth+1) {
				return false
			}
			if d.next(',') {
				continue
			}
			return d.next('}')
		}
	case '[':
		d.i++
		if d.next(']') {
			return true
		}
		for {
			if !d.skip(depth + 1) {
				return false
			}
			if d.next(',') {
				continue
			}
			return d.next(']')
		}
	case 't', 'f':
		_, ok := d.boolean()
		return ok
	case 'n':
		return d.null()
	default:
		_, ok := d.number()
		return ok
	}
}

// raw reads any value and returns its bytes.
func (d *fastDec) raw() ([]byte, bool) {
	d.space()
	start := d.i
	if !d.skip(1) {
		return nil, false
	}
	return d.b[start:d.i], true
}
