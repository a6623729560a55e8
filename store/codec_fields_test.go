package store

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

// The store's record codec keeps every field of credit.Record: a record
// whose every field (recursively) is set, each to a different value, comes
// back equal, with no field zero. A field added to credit.Record and
// forgotten in appendRecord or decodeRecord fails here, by name, with no
// change to this test.
func TestRecordCodecKeepsEveryField(t *testing.T) {
	var r credit.Record
	f := filler{zone: time.FixedZone("", 8*3600)} // the offset the codec keeps (zoneAt)
	f.fill(reflect.ValueOf(&r).Elem(), "Record")
	if zero := zeroFields(reflect.ValueOf(r), "Record"); len(zero) > 0 {
		t.Fatalf("the filler left fields zero (teach it their type): %v", zero)
	}
	m := recMeta{Dept: r.Dept, Kind: r.Kind, ID: r.ID, DocNo: r.DocNo, Decided: r.Decided, Disclosed: r.Disclosed}
	v := appendRecord(nil, &r, &m)
	for _, in := range []interner{nil, {}} {
		var got credit.Record
		if err := decodeRecord(v, &got, nil, in); err != nil {
			t.Fatal(err)
		}
		for _, path := range zeroFields(reflect.ValueOf(got), "Record") {
			t.Errorf("%s is lost by the codec (zero after the round trip)", path)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
		}
	}
}

// filler sets every field it reaches to a non-zero value that differs from
// the values of the fields before it (so two fields swapped by the codec
// fail too).
type filler struct {
	n    int
	zone *time.Location
}

var timeType = reflect.TypeFor[time.Time]()

func (f *filler) fill(v reflect.Value, path string) {
	f.n++
	switch {
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(time.Date(2026, 11, 30, 9, f.n, f.n, f.n, f.zone)))
		return
	case v.Type() == reflect.TypeFor[credit.Date]():
		v.Set(reflect.ValueOf(credit.MustDate("2026-01-01") + credit.Date(f.n)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("%s-%d", path, f.n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(f.n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(f.n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(f.n) + 0.5)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem(), path)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range v.Len() {
			f.fill(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		f.fill(k, path+"{key}")
		f.fill(e, path+"{value}")
		v.SetMapIndex(k, e)
	case reflect.Struct:
		for i := range v.NumField() {
			if sf := v.Type().Field(i); sf.IsExported() {
				f.fill(v.Field(i), path+"."+sf.Name)
			}
		}
	default:
		panic(fmt.Sprintf("filler: %s is a %s, which it cannot fill", path, v.Kind()))
	}
}

// zeroFields returns the path of every zero value in v: fields, elements,
// map keys and values, and what pointers point to. A struct's unexported
// fields are its own business (time.Time's, for one) and are not looked at;
// a struct with none exported counts as a value.
func zeroFields(v reflect.Value, path string) []string {
	if v.IsZero() {
		return []string{path}
	}
	var out []string
	switch v.Kind() {
	case reflect.Pointer:
		out = zeroFields(v.Elem(), path)
	case reflect.Slice:
		for i := range v.Len() {
			out = append(out, zeroFields(v.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			out = append(out, zeroFields(it.Key(), path+"{key}")...)
			out = append(out, zeroFields(it.Value(), fmt.Sprintf("%s[%v]", path, it.Key()))...)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if sf := v.Type().Field(i); sf.IsExported() {
				out = append(out, zeroFields(v.Field(i), path+"."+sf.Name)...)
			}
		}
	}
	return out
}
