package sync

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/sim"
)

// A record feed's page decoded in one pass (decodeRecordPage) becomes the
// same store page as item by item (decodePage); a page with an item either
// refuses is decoded item by item, so the item is quarantined as before.
func TestRecordPageDecodedInOnePass(t *testing.T) {
	s := sim.New(sim.Options{Seed: 5, Records: 1500, Today: testToday})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	ep := &Endpoint{Name: "hub", BaseURL: srv.URL, PageSize: 200}
	at := testNow()
	same := func(feed string, body []byte) *wirePage {
		t.Helper()
		env, raws, err := splitPage(body)
		if err != nil {
			t.Fatal(err)
		}
		want := decodeRawPage("hub", feed, &env, raws, at)
		wp, ok := decodeRecordPage(feed, body)
		if !ok {
			wp = &wirePage{Page: env, raws: raws}
		}
		if got := wp.storePage("hub", feed, at); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: one pass gives\n%+v\nitem by item\n%+v", feed, got, want)
		}
		return wp
	}
	pages, decoded := 0, 0
	for _, k := range credit.Kinds {
		feed := string(k)
		cursor := ""
		for {
			body, _, err := fetchBody(context.Background(), http.DefaultClient, ep, feed, cursor)
			if err != nil {
				t.Fatal(err)
			}
			wp := same(feed, body)
			if !wp.decoded && wp.items() > 0 {
				if q := wp.storePage("hub", feed, at).Quarantine; len(q) == 0 {
					t.Errorf("%s: a page with every item valid was not decoded in one pass", feed)
				}
			}
			pages++
			if wp.decoded {
				decoded++
			}
			if !wp.HasMore {
				break
			}
			cursor = wp.NextCursor
		}
	}
	if pages < 10 || decoded < pages/2 {
		t.Fatalf("%d of %d pages decoded in one pass", decoded, pages)
	}

	// Refused items: the page goes item by item and they are quarantined.
	good := `{"op":"upsert","key":"CF1","data":{"kind":"penalty","id":"CF1","dept":"320412","decided":"2026-01-05"}}`
	for name, bad := range map[string]string{
		"null data":     `{"op":"upsert","key":"CF2","data":null}`,
		"no data":       `{"op":"upsert","key":"CF2"}`,
		"wrong kind":    `{"op":"upsert","key":"CF2","data":{"kind":"licence","id":"CF2","dept":"320412","decided":"2026-01-05"}}`,
		"wrong type":    `{"op":"upsert","key":"CF2","data":{"kind":"penalty","id":"CF2","dept":320412,"decided":"2026-01-05"}}`,
		"bad date":      `{"op":"upsert","key":"CF2","data":{"kind":"penalty","id":"CF2","dept":"320412","decided":"2026-02-30"}}`,
		"control key":   `{"op":"upsert","key":"CF\u001b2","data":{"kind":"penalty","id":"CF\u001b2","dept":"320412","decided":"2026-01-05"}}`,
		"unknown op":    `{"op":"merge","key":"CF2"}`,
		"no department": `{"op":"upsert","key":"CF2","data":{"kind":"penalty","id":"CF2","decided":"2026-01-05"}}`,
	} {
		body := []byte(`{"feed":"penalty","items":[` + good + `,` + bad + `,{"op":"delete","key":"CF3"}],"next_cursor":"c","has_more":true,"server_time":"` + at.Format(time.RFC3339) + `"}`)
		wp := same("penalty", body)
		if wp.decoded {
			t.Errorf("%s: decoded in one pass", name)
		}
		out := wp.storePage("hub", "penalty", at)
		if len(out.Changes) != 2 || len(out.Quarantine) != 1 || !strings.HasPrefix(out.Quarantine[0].Key, "penalty/CF") {
			t.Errorf("%s: %d changes, quarantine %+v", name, len(out.Changes), out.Quarantine)
		}
	}
}

// BenchmarkDecodeRecordPage decodes a full page (1000 items) of the penalty
// feed in one pass, as the fetcher does for every record page.
func BenchmarkDecodeRecordPage(b *testing.B) {
	s := sim.New(sim.Options{Seed: 5, Records: 3000, Today: testToday})
	srv := httptest.NewServer(s.Handler())
	b.Cleanup(srv.Close)
	ep := &Endpoint{Name: "hub", BaseURL: srv.URL, PageSize: 1000}
	body, _, err := fetchBody(context.Background(), http.DefaultClient, ep, string(credit.Penalty), "")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if wp, ok := decodeRecordPage(string(credit.Penalty), body); !ok || wp.items() == 0 {
			b.Fatalf("page not decoded in one pass (ok %v)", ok)
		}
	}
}
