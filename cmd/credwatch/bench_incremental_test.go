package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	credsync "github.com/czyj/credwatch/sync"
	"github.com/czyj/credwatch/sync/api"
)

// changed is 1,000 records of the fixture, served again changed: two
// default-size pages of the penalty feed per round.
type changed struct {
	recs  []credit.Record
	round int
}

// firstPenalties fetches the first n penalties the simulator serves (fewer
// if it has fewer).
func firstPenalties(base string, n int) ([]credit.Record, error) {
	var out []credit.Record
	cursor := ""
	for len(out) < n {
		resp, err := http.Get(fmt.Sprintf("%s%s?limit=%d&cursor=%s", base, api.FeedPath("penalty"), api.MaxLimit, cursor))
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		var p api.Page
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, err
		}
		for _, it := range p.Items {
			if it.Op != api.OpUpsert || len(out) == n {
				continue
			}
			var r credit.Record
			if err := json.Unmarshal(it.Data, &r); err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		if !p.HasMore {
			break
		}
		cursor = p.NextCursor
	}
	return out, nil
}

// ServeHTTP serves round k's changes: cursor "" or "k.2" starts round k+1
// with page 1 ("k+1.1", more to come); "k.1" gives page 2 ("k.2", done).
func (c *changed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cursor := r.URL.Query().Get("cursor")
	half := len(c.recs) / 2
	var items []credit.Record
	p := api.Page{Feed: "penalty", ServerTime: now()}
	if strings.HasSuffix(cursor, ".1") {
		items = c.recs[half:]
		p.NextCursor = strings.TrimSuffix(cursor, ".1") + ".2"
	} else {
		c.round++
		items = c.recs[:half]
		p.NextCursor, p.HasMore = fmt.Sprintf("%d.1", c.round), true
	}
	at := now().Truncate(time.Second)
	for _, rec := range items {
		rec.Note = fmt.Sprintf("第%d轮更正", c.round)
		rec.UpdatedAt = at
		data, _ := json.Marshal(rec)
		p.Items = append(p.Items, api.Item{Op: api.OpUpsert, Key: rec.ID, Data: data})
	}
	body, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

// BenchmarkIncremental syncs 1,000 changed records (two pages of 500) into
// a copy of the fixture's cache through the engine. Target: ≤ 150 ms at
// 100k, ≤ 300 ms at 1M.
func BenchmarkIncremental(b *testing.B) {
	for _, n := range sizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			f := getFixture(b, n)
			recs, err := firstPenalties(f.srv.url, 1000)
			if err != nil {
				b.Fatal(err)
			}
			ts := httptest.NewServer(&changed{recs: recs})
			defer ts.Close()
			db, err := store.Open(copyCache(b, f.cache), store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			ep := credsync.Endpoint{Name: "changes", BaseURL: ts.URL, Feeds: []string{"penalty"}}
			eng, err := credsync.New(db, []credsync.Endpoint{ep}, credsync.Options{Now: now})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := eng.SyncOnce(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			got, err := db.Records([]string{recs[0].Key(), recs[len(recs)-1].Key()})
			if err != nil || len(got) != 2 || !strings.HasPrefix(got[0].Note, "第") {
				b.Fatalf("changes not stored: %v %+v", err, got)
			}
		})
	}
}
