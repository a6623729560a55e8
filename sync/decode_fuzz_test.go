package sync

import (
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// FuzzDecodePage feeds arbitrary bytes through the page decoder: it must
// never panic, every accepted item must be sanitised and carry the right
// natural key, and every refused item must be quarantined with a reason.
func FuzzDecodePage(f *testing.F) {
	f.Add("penalty", []byte(`{"feed":"penalty","items":[{"op":"upsert","key":"1","data":{"kind":"penalty","id":"1","dept":"320412","decided":"2026-01-05","subject_name":"常州\u001b[31m公司"}}],"next_cursor":"c","has_more":false}`))
	f.Add("sharing", []byte(`{"items":[{"op":"upsert","key":"320412/penalty","data":{"dept":"320412","kind":"penalty","received":-1}}]}`))
	f.Add("repair", []byte(`{"items":[{"op":"delete","key":"penalty/9"},{"op":"upsert","key":"penalty/1","data":{"record_key":"penalty/1","applied":"2026-02-30"}}]}`))
	f.Add("licence", []byte(`{"items":[{"op":"upsert","key":"\u202e1","data":null}]}`))
	f.Fuzz(func(t *testing.T, feed string, body []byte) {
		env, raws, err := splitPage(body)
		if err != nil {
			var p api.Page
			if json.Unmarshal(body, &p) == nil {
				t.Fatalf("encoding/json reads the page, the splitter does not: %v", err)
			}
			return
		}
		out := decodeRawPage("ep", feed, &env, raws, time.Unix(0, 0))
		if len(out.Changes)+len(out.Quarantine) != len(raws) {
			t.Fatalf("%d items became %d changes and %d quarantined", len(raws), len(out.Changes), len(out.Quarantine))
		}
		keys := map[string]bool{}
		for _, q := range out.Quarantine {
			keys[q.Key] = true
		}
		for _, c := range out.Changes {
			if c.Key != naturalKey(feed, c.Key[len(c.Key)-len(lastPart(c.Key, feed)):]) && credit.Kind(feed).Valid() {
				t.Fatalf("bad key %q", c.Key)
			}
			if r := c.Record; r != nil {
				for _, s := range []string{r.ID, r.Dept, r.SubjectName, r.USCC, r.DocNo, r.Authority, r.Content, r.Facts} {
					assertClean(t, s)
				}
			}
			if s := c.Sharing; s != nil {
				assertClean(t, s.Dept)
			}
			if r := c.Repair; r != nil {
				assertClean(t, r.RecordKey)
				assertClean(t, r.NationalReceipt)
			}
		}
		for _, q := range out.Quarantine {
			if q.Reason == "" {
				t.Fatal("quarantined without a reason")
			}
			assertClean(t, q.Reason)
			assertClean(t, q.Raw)
			assertClean(t, q.Key)
		}
	})
}

func lastPart(key, feed string) string {
	if credit.Kind(feed).Valid() {
		return key[len(feed)+1:]
	}
	return key
}

func assertClean(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("invalid UTF-8 stored: %q", s)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Fatalf("control %U stored in %q", r, s)
		}
	}
}
