package main

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/czyj/credwatch/credit"
)

// ConfigError names the file, and where known the line and key, of a bad
// configuration. Key is the full key with array indices
// ("endpoint[1].base_url", "source[0].tables.penalty"), for programs;
// Error names a key inside an array of tables by its table's name instead:
//
//	cw.toml:14: endpoint "武进" (line 12): key "base_url": must start with http:// or https://, got "ftp://x"
//	cw.toml:2: key "lnag": unknown key (did you mean "lang"?)
type ConfigError struct {
	Path string
	Line int
	Key  string
	Msg  string

	// Table and Field, when set, are how Error shows Key: the table
	// (`endpoint "武进" (line 12)`) and the key inside it ("base_url").
	Table, Field string
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	switch {
	case e.Table != "":
		b.WriteString(": " + e.Table)
		if e.Field != "" {
			fmt.Fprintf(&b, ": key %q", e.Field)
		}
	case e.Key != "":
		fmt.Fprintf(&b, ": key %q", e.Key)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// keyIndex is where each key of a configuration's text is: the line of
// every key and table header under its full key with array indices
// (endpoint[1].base_url; a header under its table's key, endpoint[1]),
// and the name of every table that has one. It reads the text line by
// line as TOML writes it (tables, arrays of tables, dotted and quoted
// keys; multi-line strings and arrays are skipped), without checking it:
// the TOML decoder has done that.
type keyIndex struct {
	line  map[string]int    // full key -> line
	name  map[string]string // table key (endpoint[1]) -> its name or id
	order []indexedKey      // in the order of the text
}

type indexedKey struct {
	plain string // as toml.Key.String() writes it: endpoint.base_url
	full  string // with indices: endpoint[1].base_url
	line  int
}

// namedTables are the arrays of tables whose entries errors name, and the
// key that names each entry.
var namedTables = map[string]string{"endpoint": "name", "source": "name", "department": "id", "rule_set": "name"}

func indexKeys(raw []byte) *keyIndex {
	ix := &keyIndex{line: map[string]int{}, name: map[string]string{}}
	arrays := map[string]int{} // plain key of an array of tables -> entries so far
	table, multi, depth := []string(nil), "", 0
	for n, l := range strings.Split(string(raw), "\n") {
		ln := n + 1
		if multi != "" {
			if i := strings.Index(l, multi); i >= 0 {
				multi = ""
			}
			continue
		}
		if depth > 0 {
			_, depth, multi = scanValue(l, depth)
			continue
		}
		t := strings.TrimSpace(l)
		switch {
		case t == "" || t[0] == '#':
			continue
		case strings.HasPrefix(t, "[[") || t[0] == '[':
			isArray := strings.HasPrefix(t, "[[")
			inner := strings.TrimPrefix(t, "[")
			if isArray {
				inner = strings.TrimPrefix(inner, "[")
			}
			end := closingBracket(inner)
			table = splitKey(inner[:end])
			if isArray {
				arrays[toml.Key(table).String()]++
			}
			full := ix.full(table, arrays)
			ix.add(table, full, ln)
			continue
		}
		eq := equalsSign(t)
		if eq < 0 {
			continue
		}
		key := append(append([]string(nil), table...), splitKey(t[:eq])...)
		full := ix.full(key, arrays)
		ix.add(key, full, ln)
		value := strings.TrimSpace(t[eq+1:])
		if len(key) == len(table)+1 && len(table) == 1 && namedTables[table[0]] == key[len(key)-1] {
			if s, err := strconv.Unquote(strings.TrimSpace(strings.SplitN(value, "#", 2)[0])); err == nil {
				ix.name[full[:strings.LastIndex(full, ".")]] = credit.Sanitize(s)
			}
		}
		_, depth, multi = scanValue(value, 0)
	}
	return ix
}

// full writes key with the index of the current entry of every array of
// tables it passes through.
func (ix *keyIndex) full(key []string, arrays map[string]int) string {
	var b strings.Builder
	for i, k := range key {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(toml.Key{k}.String())
		if n := arrays[toml.Key(key[:i+1]).String()]; n > 0 {
			fmt.Fprintf(&b, "[%d]", n-1)
		}
	}
	return b.String()
}

func (ix *keyIndex) add(key []string, full string, ln int) {
	if _, ok := ix.line[full]; !ok {
		ix.line[full] = ln
	}
	ix.order = append(ix.order, indexedKey{plain: toml.Key(key).String(), full: full, line: ln})
}

// lineOf is the line of full key, else of the nearest table or key that
// holds it (a missing key is reported on its table's header); 0 if none.
func (ix *keyIndex) lineOf(full string) int {
	for k := full; k != ""; k = parentKey(k) {
		if ln, ok := ix.line[k]; ok {
			return ln
		}
	}
	return 0
}

// occurrence finds the nth (from 0) key written as plain, in the order of
// the text.
func (ix *keyIndex) occurrence(plain string, nth int) (indexedKey, bool) {
	for _, k := range ix.order {
		if k.plain == plain {
			if nth == 0 {
				return k, true
			}
			nth--
		}
	}
	return indexedKey{}, false
}

// parentKey drops the last part of a full key: endpoint[1].base_url ->
// endpoint[1] -> endpoint; endpoint -> "".
func parentKey(k string) string {
	if strings.HasSuffix(k, "]") {
		if i := strings.LastIndex(k, "["); i > 0 {
			return k[:i]
		}
	}
	if i := strings.LastIndex(k, "."); i > 0 {
		return k[:i]
	}
	return ""
}

// splitKey splits a TOML key (a."b.c".d) into its parts, unquoted.
func splitKey(s string) []string {
	var parts []string
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' && i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			} else {
				cur.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
		case c == ' ' || c == '\t':
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, strings.TrimSpace(cur.String()))
}

// closingBracket is the index of the ] that ends a table header's key.
func closingBracket(s string) int {
	if i := outsideQuotes(s, ']'); i >= 0 {
		return i
	}
	return len(s)
}

// equalsSign is the index of the = after a key, outside quotes; -1 if none
// (or a comment comes first).
func equalsSign(s string) int { return outsideQuotes(s, '=') }

// outsideQuotes is the index of the first target in s outside quoted
// text, or -1 if there is none before the end or a # comment.
func outsideQuotes(s string, target byte) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == target:
			return i
		case c == '#':
			return -1
		}
	}
	return -1
}

// scanValue follows a value's text from bracket depth: it returns the
// depth of [ and { at its end and the delimiter of a multi-line string
// left open ("" if none).
func scanValue(s string, depth int) (rest string, newDepth int, multi string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.HasPrefix(s[i:], `"""`) || strings.HasPrefix(s[i:], `'''`):
			d := s[i : i+3]
			j := strings.Index(s[i+3:], d)
			if j < 0 {
				return "", depth, d
			}
			i += 3 + j + 2
		case c == '"' || c == '\'':
			for i++; i < len(s) && s[i] != c; i++ {
				if c == '"' && s[i] == '\\' {
					i++
				}
			}
		case c == '#':
			return "", depth, ""
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		}
	}
	return "", depth, ""
}

// The decoder's messages: a type error of key K at line N, and its text.
var (
	tomlTypeErr      = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "(.*?)"\): (.*)$`)
	tomlIncompatible = regexp.MustCompile(`incompatible types: TOML value has type (\S+); destination has type (.+)$`)
)

var namedKey = regexp.MustCompile(`^(endpoint|source|department|rule_set)\[(\d+)\](?:\.(.+))?$`)

// errAt builds the error for full key (with indices) of the text ix indexes.
func (ix *keyIndex) errAt(path, full, msg string) *ConfigError {
	e := &ConfigError{Path: path, Line: ix.lineOf(full), Key: full, Msg: credit.Sanitize(msg)}
	if m := namedKey.FindStringSubmatch(full); m != nil {
		table := m[1] + "[" + m[2] + "]"
		n, _ := strconv.Atoi(m[2])
		if name := ix.name[table]; name != "" {
			e.Table = fmt.Sprintf("%s %q", m[1], name)
		} else {
			e.Table = fmt.Sprintf("%s #%d", m[1], n+1)
		}
		if ln := ix.line[table]; ln > 0 {
			e.Table += fmt.Sprintf(" (line %d)", ln)
		}
		e.Field = m[3]
	}
	return e
}

// unknownKeys reports the keys the decoder did not use: the first with
// its line and the nearest valid key, the others by name and line.
func unknownKeys(path string, ix *keyIndex, md toml.MetaData) error {
	und := map[string]bool{}
	for _, k := range md.Undecoded() {
		und[k.String()] = true
	}
	seen := map[string]int{}
	var errs []*ConfigError
	for _, k := range md.Keys() {
		plain := k.String()
		nth := seen[plain]
		seen[plain]++
		if !und[plain] || (len(k) > 1 && und[toml.Key(k[:len(k)-1]).String()]) {
			continue // decoded, or inside an unknown table (reported once)
		}
		full := plain
		if at, ok := ix.occurrence(plain, nth); ok {
			full = at.full
		}
		msg := "unknown key"
		if s := nearestKey(k); s != "" {
			msg += fmt.Sprintf(", did you mean %q?", s)
		}
		errs = append(errs, ix.errAt(path, full, msg))
	}
	if len(errs) == 0 {
		return nil
	}
	first := errs[0]
	if strings.HasPrefix(first.Msg, "unknown key, ") {
		first.Msg = "unknown key (" + strings.TrimPrefix(first.Msg, "unknown key, ") + ")"
	}
	if len(errs) > 1 {
		var more []string
		for _, e := range errs[1:] {
			more = append(more, fmt.Sprintf("%s (line %d%s)", e.Key, e.Line, strings.TrimPrefix(e.Msg, "unknown key")))
		}
		first.Msg += "; also unknown: " + strings.Join(more, ", ")
	}
	first.Msg += "; config.toml.example lists every key"
	return first
}

// nearestKey is the valid key at k's table closest to k's last part, if
// it is close enough to be a misspelling; "" otherwise.
func nearestKey(k toml.Key) string {
	return nearest(strings.ToLower(k[len(k)-1]), keysAt(reflect.TypeOf(Config{}), k[:len(k)-1]))
}

var unmarshalerType = reflect.TypeOf((*toml.Unmarshaler)(nil)).Elem()

// keysAt lists the keys valid in the table at path of a value of type t,
// from the toml tags; none when the table is a map or decodes itself.
func keysAt(t reflect.Type, path []string) []string {
	for {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if reflect.PointerTo(t).Implements(unmarshalerType) {
			return nil
		}
		if len(path) == 0 {
			break
		}
		switch t.Kind() {
		case reflect.Map:
			t = t.Elem()
		case reflect.Struct:
			f, ok := fieldByKey(t, path[0])
			if !ok {
				return nil
			}
			t = f.Type
		default:
			return nil
		}
		path = path[1:]
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		if k := tomlName(t.Field(i)); k != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); tomlName(f) == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func tomlName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return strings.ToLower(f.Name)
	}
	return name
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours (lnag ->
// lang) cost one each.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// decodeError turns the TOML decoder's error into a *ConfigError. A type
// error or an invalid value (a duration) inside an array of tables is
// found in its entry: the decoder names the key, not which entry.
func decodeError(path string, data []byte, ix *keyIndex, err error) error {
	var key, msg string
	line := 0
	if pe, ok := err.(toml.ParseError); ok {
		key, msg, line = pe.LastKey, pe.Message, pe.Position.Line
	} else if m := tomlTypeErr.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		key, msg = m[2], m[3]
	} else {
		return &ConfigError{Path: path, Msg: credit.Sanitize(err.Error())}
	}
	full, entry := key, entryOf(data, key)
	if entry >= 0 {
		head, tail, _ := strings.Cut(key, ".")
		full = fmt.Sprintf("%s[%d].%s", head, entry, tail)
	}
	e := ix.errAt(path, full, friendlyTypeMsg(msg))
	if entry < 0 && line > 0 {
		e.Line = line // the decoder's line: where it stopped reading
	}
	return e
}

// friendlyTypeMsg rewrites the decoder's type message in the words of the
// file: "TOML value has type string; destination has type slice" -> "want
// a list, got a string".
func friendlyTypeMsg(msg string) string {
	m := tomlIncompatible.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	words := map[string]string{"string": "a string (\"...\")", "slice": "a list ([...])", "integer": "a whole number",
		"boolean": "true or false", "float": "a number", "map": "a table", "array": "a list ([...])",
		"map[string]any": "a table", "[]any": "a list ([...])", "int64": "a whole number", "bool": "true or false",
		"primitive (string-like)": "a string (\"...\")"}
	w := func(s string) string {
		if v, ok := words[s]; ok {
			return v
		}
		return s
	}
	return fmt.Sprintf("want %s, got %s", w(m[2]), w(m[1]))
}

// entryOf finds which entry of an array of tables holds the bad value of
// key (endpoint.interval): the first entry that does not decode on its
// own. -1 when key is not in a named array of tables.
func entryOf(data []byte, key string) int {
	head, _, ok := strings.Cut(key, ".")
	if _, named := namedTables[head]; !ok || !named {
		return -1
	}
	f, ok := fieldByKey(reflect.TypeOf(Config{}), head)
	if !ok || f.Type.Kind() != reflect.Slice {
		return -1
	}
	var top map[string]toml.Primitive
	md, err := toml.Decode(string(data), &top)
	if err != nil {
		return -1
	}
	var entries []toml.Primitive
	if err := md.PrimitiveDecode(top[head], &entries); err != nil {
		return -1
	}
	for i, p := range entries {
		v := reflect.New(f.Type.Elem())
		if err := md.PrimitiveDecode(p, v.Interface()); err != nil {
			return i
		}
	}
	return -1
}
