package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// pageLimit is the page size of the raw baseline: the engine's default.
const pageLimit = 500

type rawResult struct {
	items, bytes int64
}

// rawFetch is the baseline of sync: it pages through every feed exactly as
// the engine does (same URL, page size and cursor walk) and decodes each
// page with encoding/json into api.Page and each item into its record type,
// storing nothing.
func rawFetch(base string) (rawResult, error) {
	var res rawResult
	hc := &http.Client{Transport: http.DefaultTransport}
	for _, feed := range feeds {
		cursor := ""
		for {
			q := url.Values{}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			q.Set("limit", fmt.Sprint(pageLimit))
			req, err := http.NewRequest(http.MethodGet, base+api.FeedPath(feed)+"?"+q.Encode(), nil)
			if err != nil {
				return res, err
			}
			req.Header.Set("Accept", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				return res, err
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return res, err
			}
			if resp.StatusCode != http.StatusOK {
				return res, fmt.Errorf("%s: HTTP %d", feed, resp.StatusCode)
			}
			var p api.Page
			if err := json.Unmarshal(body, &p); err != nil {
				return res, err
			}
			for i := range p.Items {
				it := &p.Items[i]
				res.items++
				res.bytes += int64(len(it.Data))
				if len(it.Data) == 0 {
					continue
				}
				var err error
				switch feed {
				case credit.FeedSharing:
					var s credit.SharingEntry
					err = json.Unmarshal(it.Data, &s)
				case credit.FeedRepair:
					var r credit.Repair
					err = json.Unmarshal(it.Data, &r)
				default:
					var r credit.Record
					err = json.Unmarshal(it.Data, &r)
				}
				if err != nil {
					return res, err
				}
			}
			if !p.HasMore {
				break
			}
			cursor = p.NextCursor
		}
	}
	return res, nil
}

// BenchmarkIngest syncs every record of the simulator over loopback into a
// new cache (fetch, decode, validate, sanitise, store with indexes and
// aggregates) and, in the same iteration, runs the raw baseline over the
// same pages, so the ratio of the two holds on a noisy machine. Target:
// ratio (baseline time / ingest time) ≥ 0.6.
func BenchmarkIngest(b *testing.B) {
	for _, n := range sizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			f := getFixture(b, n)
			dir := b.TempDir()
			var rawT, ingT time.Duration
			var items int64
			i := 0
			for b.Loop() {
				path := filepath.Join(dir, fmt.Sprintf("ingest-%d.db", i))
				i++
				t0 := time.Now()
				res, err := rawFetch(f.srv.url)
				if err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				got, err := ingest(f.srv.url, path)
				if err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				if got != res.items {
					b.Fatalf("ingest stored %d items, the baseline fetched %d", got, res.items)
				}
				rawT += t1.Sub(t0)
				ingT += t2.Sub(t1)
				items = res.items
				os.Remove(path)
			}
			b.ReportMetric(rawT.Seconds()/ingT.Seconds(), "ratio")
			b.ReportMetric(float64(items)*float64(i)/ingT.Seconds(), "ingest-items/s")
			b.ReportMetric(float64(items)*float64(i)/rawT.Seconds(), "raw-items/s")
		})
	}
}

// BenchmarkCacheSize reports the synced cache's file size over the size of
// the JSON of the same items as served, after `sync --once` compacted it
// (and, as uncompacted/raw, before). Target: ≤ 1.3.
func BenchmarkCacheSize(b *testing.B) {
	for _, n := range sizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			f := getFixture(b, n)
			for b.Loop() {
			}
			st, err := os.Stat(f.cache)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(st.Size())/float64(f.raw), "size/raw")
			b.ReportMetric(float64(f.synced)/float64(f.raw), "uncompacted/raw")
			b.ReportMetric(f.compactTime.Seconds(), "compact-s")
			b.ReportMetric(float64(st.Size())/(1<<20), "cache-MB")
			b.ReportMetric(float64(f.raw)/(1<<20), "raw-MB")
		})
	}
}
