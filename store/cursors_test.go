package store

import (
	"slices"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

// TestCursorsReadsEveryFeed: Cursors gives what Cursor gives, feed by
// feed, "" for a feed never walked.
func TestCursorsReadsEveryFeed(t *testing.T) {
	db, err := Open(t.TempDir()+"/cache.db", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	for _, p := range []*credit.Page{
		{Endpoint: "hub", Feed: "penalty", NextCursor: "p7", FetchedAt: at},
		{Endpoint: "hub", Feed: "repair", NextCursor: "r3", FetchedAt: at},
		{Endpoint: "other", Feed: "licence", NextCursor: "x1", FetchedAt: at},
	} {
		if err := db.ApplyPages([]*credit.Page{p}); err != nil {
			t.Fatal(err)
		}
	}
	feeds := []string{"licence", "penalty", "repair"}
	got, err := db.Cursors("hub", feeds)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range feeds {
		c, err := db.Cursor("hub", f)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, c)
	}
	if !slices.Equal(got, want) || !slices.Equal(got, []string{"", "p7", "r3"}) {
		t.Errorf("Cursors = %q, Cursor gives %q, want [\"\" p7 r3]", got, want)
	}
}
