package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// ApplyPagesLean counts what a transaction changed: a page of new records
// changes leaves of the records and their indexes, the same page again
// (every record unchanged, as in a re-walk) only the cursor, the
// endpoint's status, the log and the department stats.
func TestApplyPagesLean(t *testing.T) {
	db, _ := openTemp(t)
	if n, err := db.ApplyPagesLean(nil); n != 0 || err != nil {
		t.Errorf("no pages: %d nodes, %v; want 0, nil", n, err)
	}
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, credit.ChinaZone)
	p := &credit.Page{Endpoint: "e", Feed: "penalty", FetchedAt: at, NextCursor: "c1"}
	for i := range 600 {
		r := penalty(fmt.Sprintf("%04d", i), fmt.Sprintf("3204%02d", i%20), "2026-03-02")
		r.DocNo = fmt.Sprintf("常应急罚〔2026〕%d号", i)
		p.Changes = append(p.Changes, upsert(r))
	}
	first, err := db.ApplyPagesLean([]*credit.Page{p})
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.ApplyPagesLean([]*credit.Page{p})
	if err != nil {
		t.Fatal(err)
	}
	if first < 10 || again*3 > first {
		t.Errorf("600 new records changed %d nodes, the same again %d; want many, then far fewer", first, again)
	}
}

// After ReleaseOften every transaction on the cache's file releases
// often, reads included; a file of another cache does not.
func TestDBReleaseOften(t *testing.T) {
	db, _ := openTemp(t)
	other, _ := openTemp(t)
	db.ReleaseOften()
	for _, c := range []struct {
		db   *DB
		want bool
	}{{db, true}, {other, false}} {
		var got bool
		err := c.db.view(func(tx *bolt.Tx) error {
			got = releasesOften(tx.DB())
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s: releases often %v, want %v", c.db.Path(), got, c.want)
		}
	}
}
