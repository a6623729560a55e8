package sync

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/czyj/credwatch/sync/api"
)

// A tolerant splitter for pages that encoding/json refuses as a whole: an
// item whose key has the wrong JSON type, or whose data nests deeper than
// encoding/json allows (10,000 levels), makes json.Unmarshal fail the whole
// page. The splitter finds the bounds of the page's members and items
// without decoding them and without a nesting limit (it counts brackets),
// so each item can be decoded, and refused, on its own. It checks only as
// much syntax as finding bounds needs: what it returns is decoded by
// encoding/json afterwards, which checks the rest.

// errNotJSON is wrapped by the splitter's errors.
var errNotJSON = errors.New("not JSON")

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// skipString returns the index just past the JSON string starting at b[i]
// (which is '"').
func skipString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("%w: unterminated string at byte %d", errNotJSON, i)
}

// skipValue returns the index just past the JSON value that starts at or
// after b[i] (leading white space skipped), at any depth.
func skipValue(b []byte, i int) (int, error) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return 0, fmt.Errorf("%w: value expected at byte %d", errNotJSON, i)
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, fmt.Errorf("%w: unclosed %c at byte %d", errNotJSON, b[i], i)
	}
	j := i
	for j < len(b) && !isSpace(b[j]) && b[j] != ',' && b[j] != '}' && b[j] != ']' {
		j++
	}
	if j == i {
		return 0, fmt.Errorf("%w: unexpected %q at byte %d", errNotJSON, b[i], i)
	}
	return j, nil
}

// member is one member of a JSON object: its decoded name and the bounds
// of its value in the object's bytes.
type member struct {
	name       string
	start, end int
}

// objectMembers lists the members of the JSON object b, in order
// (repeated names are listed each time).
func objectMembers(b []byte) ([]member, error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, fmt.Errorf("%w: not an object", errNotJSON)
	}
	var out []member
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return out, trailing(b, i+1)
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return nil, fmt.Errorf("%w: member name expected at byte %d", errNotJSON, i)
		}
		end, err := skipString(b, i)
		if err != nil {
			return nil, err
		}
		var name string
		if err := json.Unmarshal(b[i:end], &name); err != nil {
			return nil, fmt.Errorf("%w: member name at byte %d: %v", errNotJSON, i, err)
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, fmt.Errorf("%w: ':' expected at byte %d", errNotJSON, i)
		}
		start := skipSpace(b, i+1)
		vend, err := skipValue(b, start)
		if err != nil {
			return nil, err
		}
		out = append(out, member{name: name, start: start, end: vend})
		i = skipSpace(b, vend)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == '}' {
			return out, trailing(b, i+1)
		}
		return nil, fmt.Errorf("%w: ',' or '}' expected at byte %d", errNotJSON, i)
	}
}

// arrayElems returns the elements of the JSON array b (a null is none).
func arrayElems(b []byte) ([][]byte, error) {
	i := skipSpace(b, 0)
	if string(b[i:]) == "null" {
		return nil, nil
	}
	if i >= len(b) || b[i] != '[' {
		return nil, fmt.Errorf("%w: not an array", errNotJSON)
	}
	var out [][]byte
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return out, trailing(b, i+1)
	}
	for {
		end, err := skipValue(b, i)
		if err != nil {
			return nil, err
		}
		out = append(out, b[skipSpace(b, i):end])
		i = skipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i++
			continue
		}
		if i < len(b) && b[i] == ']' {
			return out, trailing(b, i+1)
		}
		return nil, fmt.Errorf("%w: ',' or ']' expected at byte %d", errNotJSON, i)
	}
}

func trailing(b []byte, i int) error {
	if i = skipSpace(b, i); i < len(b) {
		return fmt.Errorf("%w: data after the value at byte %d", errNotJSON, i)
	}
	return nil
}

// splitPage reads a page body item by item: the envelope (every member but
// items) decoded as api.Page, and the raw bytes of each item. It fails only
// if the envelope cannot be read.
func splitPage(body []byte) (env api.Page, items [][]byte, err error) {
	ms, err := objectMembers(body)
	if err != nil {
		return env, nil, err
	}
	// The envelope without the items: every "items" member replaced by null.
	rest := make([]byte, 0, 256)
	last := 0
	for _, m := range ms {
		if m.name != "items" {
			continue
		}
		rest = append(append(rest, body[last:m.start]...), "null"...)
		last = m.end
		if items, err = arrayElems(body[m.start:m.end]); err != nil {
			return env, nil, fmt.Errorf("items: %w", err)
		}
	}
	rest = append(rest, body[last:]...)
	if err := json.Unmarshal(rest, &env); err != nil {
		return env, nil, fmt.Errorf("%w: %v", errNotJSON, err)
	}
	return env, items, nil
}
