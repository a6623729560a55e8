package sync

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// A record page read without encoding/json's reflection (fastRecordPage).
// A resync re-reads every record of every feed (a 1M cache: about 500 MB
// of JSON), and a server's sessions wait for the processor meanwhile:
// json.Unmarshal of the pages was 38% of `credwatch serve`'s CPU through
// one (docs/PERFORMANCE.md). The reader here scans each page once and
// sets the record's fields from a table made from credit.Record's JSON
// names, so a field added to the record is read with no change here.
//
// It reads the pages agencies send: members named exactly as the API
// names them, each once, with values of the fields' types. On anything
// else (a name that matches a field only when case is ignored, a repeated
// member, a value of another type, nesting deeper than fastMaxDepth) it
// gives up, and the page is read by json.Unmarshal as before; so what it
// accepts it reads exactly as json.Unmarshal would (FuzzFastRecordPage
// compares the two).

// fastMaxDepth is the deepest nesting the reader skips in a member it does
// not know; deeper, it gives up (encoding/json allows 10,000 levels).
const fastMaxDepth = 512

// fastRecordPage reads body as a record feed's page, or reports false.
func fastRecordPage(body []byte) (recordPage, bool) {
	d := fastDec{b: body}
	var rp recordPage
	ok := d.page(&rp) && d.end()
	return rp, ok
}

// unknown reads the value of a member the type has no field for, as
// encoding/json ignores it; but a name that names a field when case is
// ignored (encoding/json's second match) gives up.
func (d *fastDec) unknown(name []byte, folded map[string]bool) bool {
	if folded[strings.ToLower(string(name))] {
		return false
	}
	return d.skip(1)
}

// page reads a page object into rp.
func (d *fastDec) page(rp *recordPage) bool {
	var seen uint64
	return d.object(func(name []byte) bool {
		switch string(name) {
		case "feed":
			return once(&seen, 0) && d.strInto(&rp.Feed)
		case "next_cursor":
			return once(&seen, 1) && d.strInto(&rp.NextCursor)
		case "has_more":
			if !once(&seen, 2) {
				return false
			}
			if d.null() {
				return true
			}
			v, ok := d.boolean()
			rp.HasMore = v
			return ok
		case "server_time":
			if !once(&seen, 3) {
				return false
			}
			raw, ok := d.raw()
			return ok && rp.ServerTime.UnmarshalJSON(raw) == nil
		case "items":
			return once(&seen, 4) && d.items(rp)
		}
		return d.unknown(name, pageFolded)
	})
}

// strInto reads a string into s; a null leaves s as it is.
func (d *fastDec) strInto(s *string) bool {
	if d.null() {
		return true
	}
	v, ok := d.str()
	*s = v
	return ok
}

// pageFolded and itemFolded are the lower-case member names of a page and
// of an item.
var (
	pageFolded = map[string]bool{"feed": true, "items": true, "next_cursor": true, "has_more": true, "server_time": true}
	itemFolded = map[string]bool{"op": true, "key": true, "data": true}
)

// items reads the items array (null: none).
func (d *fastDec) items(rp *recordPage) bool {
	if d.null() {
		rp.Items = nil
		return true
	}
	if !d.next('[') {
		return false
	}
	rp.Items = rp.Items[:0]
	if rp.Items == nil {
		rp.Items = make([]itemOfRecord, 0, 64)
	}
	if d.next(']') {
		return true
	}
	for {
		var it itemOfRecord
		if !d.item(&it) {
			return false
		}
		rp.Items = append(rp.Items, it)
		if d.next(',') {
			continue
		}
		return d.next(']')
	}
}

// itemOfRecord is one item of a record page.
type itemOfRecord = api.ItemOf[*credit.Record]

// item reads one item object.
func (d *fastDec) item(it *itemOfRecord) bool {
	if d.peek() != '{' {
		return false // a null item, or not an object
	}
	var seen uint64
	return d.object(func(name []byte) bool {
		switch string(name) {
		case "op":
			return once(&seen, 0) && d.strInto(&it.Op)
		case "key":
			return once(&seen, 1) && d.strInto(&it.Key)
		case "data":
			if !once(&seen, 2) {
				return false
			}
			if d.null() {
				it.Data = nil
				return true
			}
			r := new(credit.Record)
			it.Data = r
			return d.record(reflect.ValueOf(r).Elem())
		}
		return d.unknown(name, itemFolded)
	})
}

// record reads a record object into rv (a credit.Record).
func (d *fastDec) record(rv reflect.Value) bool {
	if d.peek() != '{' {
		return false
	}
	var seen uint64
	return d.object(func(name []byte) bool {
		f, ok := recordFields.byName[string(name)]
		if !ok {
			return d.unknown(name, recordFields.folded)
		}
		return once(&seen, f.index) && d.field(rv.Field(f.index), f.kind)
	})
}

// field reads a value of kind k into fv.
func (d *fastDec) field(fv reflect.Value, k fieldKind) bool {
	switch k {
	case fieldString:
		if d.null() {
			return true
		}
		s, ok := d.str()
		fv.SetString(s)
		return ok
	case fieldBool:
		if d.null() {
			return true
		}
		v, ok := d.boolean()
		fv.SetBool(v)
		return ok
	case fieldInt:
		if d.null() {
			return true
		}
		num, ok := d.number()
		if !ok {
			return false
		}
		v, err := strconv.ParseInt(string(num), 10, fv.Type().Bits())
		fv.SetInt(v)
		return err == nil
	case fieldStrings:
		return d.strings(fv)
	case fieldDate:
		s, raw, ok := d.strOrRaw() // a null gives up
		if raw == nil {
			raw = []byte(s)
		}
		return ok && fv.Addr().Interface().(*credit.Date).UnmarshalText(raw) == nil
	case fieldTime:
		raw, ok := d.raw()
		return ok && fv.Addr().Interface().(*time.Time).UnmarshalJSON(raw) == nil
	}
	return false
}

// strings reads an array of strings into fv (null: nil).
func (d *fastDec) strings(fv reflect.Value) bool {
	if d.null() {
		fv.SetZero()
		return true
	}
	if !d.next('[') {
		return false
	}
	out := []string{}
	if !d.next(']') {
		for {
			s, ok := d.str() // a null element gives up
			if !ok {
				return false
			}
			out = append(out, s)
			if d.next(',') {
				continue
			}
			if !d.next(']') {
				return false
			}
			break
		}
	}
	fv.Set(reflect.ValueOf(out))
	return true
}

// fieldKind is how the reader reads a record field.
type fieldKind int

const (
	fieldUnread  fieldKind = iota // a type the reader does not read: gives up
	fieldString                   // string kinds (Kind, Severity too)
	fieldBool                     //
	fieldInt                      // signed integer kinds
	fieldStrings                  // []string
	fieldDate                     // credit.Date (its UnmarshalText)
	fieldTime                     // time.Time (its UnmarshalJSON)
)

// recordField is one field of credit.Record the reader sets.
type recordField struct {
	index int
	kind  fieldKind
}

// recordFields is credit.Record's table: its fields by JSON name, and the
// lower-case names.
var recordFields = makeRecordFields()

type fieldTable struct {
	byName map[string]recordField
	folded map[string]bool
}

func makeRecordFields() fieldTable {
	t := fieldTable{byName: map[string]recordField{}, folded: map[string]bool{}}
	rt := reflect.TypeFor[credit.Record]()
	for i := range rt.NumField() {
		sf := rt.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" || !sf.IsExported() || sf.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		k := kindOfField(sf.Type)
		if i >= 64 { // beyond once's bits
			k = fieldUnread
		}
		t.byName[name] = recordField{index: i, kind: k}
		t.folded[strings.ToLower(name)] = true
	}
	return t
}

func kindOfField(ft reflect.Type) fieldKind {
	switch {
	case ft == reflect.TypeFor[credit.Date]():
		return fieldDate
	case ft == reflect.TypeFor[time.Time]():
		return fieldTime
	case ft.Kind() == reflect.Slice && ft.Elem() == reflect.TypeFor[string]():
		return fieldStrings
	case reflect.PointerTo(ft).Implements(reflect.TypeFor[json.Unmarshaler]()),
		reflect.PointerTo(ft).Implements(reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()):
		return fieldUnread // a type of its own reading
	case ft.Kind() == reflect.String:
		return fieldString
	case ft.Kind() == reflect.Bool:
		return fieldBool
	case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Int64:
		return fieldInt
	}
	return fieldUnread
}
