package sync

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/sim"
)

// sameAsJSON checks the fast reader against encoding/json on body: where
// the fast reader accepts, json.Unmarshal must accept too and give the
// same page. It returns whether the fast reader accepted.
func sameAsJSON(t testing.TB, body []byte) bool {
	t.Helper()
	got, ok := fastRecordPage(body)
	if !ok {
		return false
	}
	var want recordPage
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatalf("the fast reader accepts what encoding/json refuses (%v): %q", err, body)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the fast reader reads %q as\n%+v\nencoding/json as\n%+v", body, got, want)
	}
	return true
}

// Every field of credit.Record is read: a record with each field set
// comes back whole, so a field of a type the reader cannot read (which
// would make it give up on every page) fails here.
func TestFastRecordPageReadsEveryField(t *testing.T) {
	var r credit.Record
	rv := reflect.ValueOf(&r).Elem()
	for name, f := range recordFields.byName {
		fv := rv.Field(f.index)
		switch f.kind {
		case fieldString:
			fv.SetString("值 " + name + ` <&> "q" \ ` + "\u2028")
		case fieldBool:
			fv.SetBool(true)
		case fieldInt:
			fv.SetInt(-1234567)
		case fieldStrings:
			fv.Set(reflect.ValueOf([]string{"警告", "罚款"}))
		case fieldDate:
			fv.Set(reflect.ValueOf(credit.NewDate(2024, 2, 29)))
		case fieldTime:
			fv.Set(reflect.ValueOf(time.Date(2026, 12, 6, 1, 30, 1, 500, time.UTC)))
		default:
			t.Fatalf("field %q: a type the fast reader does not read", name)
		}
	}
	if len(recordFields.byName) < 30 {
		t.Fatalf("only %d fields in the table", len(recordFields.byName))
	}
	body, err := json.Marshal(map[string]any{"feed": "penalty", "has_more": true, "next_cursor": "c1",
		"server_time": "2026-12-06T09:30:00+08:00", "items": []any{map[string]any{"op": "upsert", "key": "k", "data": &r}}})
	if err != nil {
		t.Fatal(err)
	}
	if !sameAsJSON(t, body) {
		t.Fatalf("the fast reader gave up on a plain page: %s", body)
	}
	rp, _ := fastRecordPage(body)
	if got := rp.Items[0].Data; !reflect.DeepEqual(*got, r) {
		t.Fatalf("record read back as\n%+v\nwant\n%+v", *got, r)
	}
}

// What the fast reader accepts it reads as encoding/json does; what it
// does not copy (a name matching only without case, a member twice, a
// null where a date goes) it leaves to encoding/json.
func TestFastRecordPageCases(t *testing.T) {
	for _, c := range []struct {
		body   string
		accept bool
	}{
		{`{"feed":"penalty","items":[]}`, true},
		{` {"items":null, "has_more":false} `, true},
		{`{"items":[{"op":"delete","key":"9"}],"total":{"a":[1,2.5e3,-0,true,null,"x"]}}`, true},
		{`{"items":[{"op":"upsert","key":"1","data":{"dept":"320412","subject_name":"常州\u001b[31m公司","decided":"2026-01-05","extra":[[]],"fine_yuan":5000}}]}`, true},
		{`{"items":[{"op":"upsert","key":"1","data":{"dept":null,"penalty_types":null,"accident":null,"fine_yuan":null}}]}`, true},
		{`{"items":[{"op":"upsert","key":"1","data":{"penalty_types":[]}}]}`, true},
		{"{\"items\":[{\"op\":\"upsert\",\"key\":\"1\",\"data\":{\"facts\":\"bad \xff byte\"}}]}", true},
		{`{"items":[{"op":"upsert","key":"\ud800","data":{"id":"\u00e9\"\\\/\b\f\n\r\t"}}]}`, true},
		{`{"items":[{"op":"upsert","key":"1","data":{"updated_at":null}}],"server_time":null}`, true},
		{`{"items":[{"op":"upsert","key":"1","data":{"decided":""}}]}`, true},
		{`{"items":[{"op":"upsert","key":"1","data":{"origin":{"file":"x"},"Origin":1}}]}`, true}, // no JSON name

		{`null`, false},
		{`{"items":[null]}`, false},
		{`{"Items":[]}`, false},
		{`{"items":[{"OP":"delete","key":"9"}]}`, false},
		{`{"items":[{"op":"upsert","key":"1","data":{"Dept":"320412"}}]}`, false},
		{`{"items":[{"op":"upsert","key":"1","data":{"dept":"1","dept":"2"}}]}`, false},
		{`{"items":[],"items":[]}`, false},
		{`{"items":[{"op":"upsert","key":"1","data":{"decided":null}}]}`, false},
		{`{"items":[{"op":"upsert","key":"1","data":{"decided":20260105}}]}`, false},
		{`{"items":[{"op":"upsert","key":"1","data":{"fine_yuan":1.5}}]}`, false},
		{`{"items":[{"op":"upsert","key":"1","data":{"fine_yuan":99999999999999999999}}]}`, false},
		{`{"items":[{"op":"upsert","key":"1","data":{"accident":"true"}}]}`, false},
		{`{"items":[{"op":"upsert","key":"1","data":{"decided":"2026-02-30"}}]}`, false},
		{`{"items":[{"op":"upsert","key":"1","data":{"updated_at":"yesterday"}}]}`, false},
		{`{"items":[{"op":"upsert","key":"1","data":{"penalty_types":[null]}}]}`, false},
		{`{"items":[{"op":"upsert","key":"1","data":[]}]}`, false},
		{`{"items":[]} x`, false},
		{`{"items":[],}`, false},
		{`{"a":01}`, false},
		{`{"a":tru}`, false},
		{`{"a":"` + "\x01" + `"}`, false},
		{`{"a":"\x"}`, false},
		{`{"a":` + strings.Repeat("[", fastMaxDepth+1) + strings.Repeat("]", fastMaxDepth+1) + `}`, false},
	} {
		if got := sameAsJSON(t, []byte(c.body)); got != c.accept {
			t.Errorf("%s: fast reader accepts %v, want %v", c.body, got, c.accept)
		}
	}
}

// Every page the simulator serves, of every record feed, is read by the
// fast reader: the pages agencies send do not fall back to encoding/json.
func TestFastRecordPageReadsSimulatorPages(t *testing.T) {
	s := sim.New(sim.Options{Seed: 9, Records: 2000, Today: testToday})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	ep := &Endpoint{Name: "hub", BaseURL: srv.URL, PageSize: 300}
	pages := 0
	for _, k := range credit.Kinds {
		cursor := ""
		for {
			body, _, err := fetchBody(context.Background(), http.DefaultClient, ep, string(k), cursor)
			if err != nil {
				t.Fatal(err)
			}
			if !sameAsJSON(t, body) {
				t.Fatalf("%s page after %q: the fast reader gave up", k, cursor)
			}
			pages++
			rp, _ := fastRecordPage(body)
			if !rp.HasMore {
				break
			}
			cursor = rp.NextCursor
		}
	}
	if pages < len(credit.Kinds) {
		t.Fatalf("read %d pages", pages)
	}
}

// FuzzFastRecordPage: on any bytes, what the fast reader accepts equals
// encoding/json's reading.
func FuzzFastRecordPage(f *testing.F) {
	f.Add([]byte(`{"feed":"penalty","items":[{"op":"upsert","key":"1","data":{"kind":"penalty","id":"1","dept":"320412","decided":"2026-01-05","penalty_types":["警告"],"fine_yuan":3,"accident":true,"updated_at":"2026-01-05T08:00:00Z"}}],"next_cursor":"c","has_more":false,"server_time":"2026-01-05T08:00:00Z"}`))
	f.Add([]byte(`{"items":[{"op":"delete","key":"\u00e9"},{"op":"upsert","key":"2","data":{"facts":"a\nb","x":{"y":[1,{"z":null}]}}}]}`))
	f.Add([]byte(`{"items":[{"op":"upsert","key":"1","data":{"decided":"","valid_until":"2099-12-31","severity":"严重"}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		sameAsJSON(t, body)
	})
}

// BenchmarkRecordPageReader reads a page of 1,000 penalties with the fast
// reader and with encoding/json.
func BenchmarkRecordPageReader(b *testing.B) {
	s := sim.New(sim.Options{Seed: 5, Records: 3000, Today: testToday})
	srv := httptest.NewServer(s.Handler())
	b.Cleanup(srv.Close)
	ep := &Endpoint{Name: "hub", BaseURL: srv.URL, PageSize: 1000}
	body, _, err := fetchBody(context.Background(), http.DefaultClient, ep, string(credit.Penalty), "")
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range []struct {
		name string
		read func() error
	}{
		{"fast", func() error {
			if _, ok := fastRecordPage(body); !ok {
				return fmt.Errorf("gave up")
			}
			return nil
		}},
		{"encoding-json", func() error {
			var rp recordPage
			return json.Unmarshal(body, &rp)
		}},
	} {
		b.Run(r.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if err := r.read(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
