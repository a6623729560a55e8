package store

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// A re-walk fetches a feed again from the beginning without emptying it
// first: the endpoint said our cursor expired (410), or an operator asked
// for `sync --full`. Until the walk has reached the end of the feed, the
// cached items stay and keep showing; the walk's pages are applied as any
// page is (upserts replace, deletes delete), and every key they name is
// remembered. The page that ends the walk removes, in its own
// transaction, every item of the feed the walk did not name: what was
// withdrawn while the endpoint's log was rebuilt. An interrupted walk
// resumes from its stored cursor at the next pass, with the keys it had
// seen; a walk whose own cursor expires starts over and forgets them. So
// no state a reader can see ever holds fewer items than before the walk
// began, except those the walk itself deleted or found gone at its end.
//
// Layout of bRewalk: one sub-bucket per walk in progress, named
// endpoint \x00 feed, holding each key the walk named -> walked. Its presence
// marks the walk.
var bRewalk = []byte("rewalk")

func rewalkName(endpoint, feed string) []byte { return []byte(endpoint + "\x00" + feed) }

// BeginRewalk starts a re-walk of endpoint's feed, or starts one in
// progress over: in one transaction, it forgets the feed's cursor at the
// endpoint and the keys a previous walk had seen, and marks the walk. It
// removes no item. The next pages of the feed the endpoint serves from the
// empty cursor are the walk's; the page with has_more false ends it
// (credit.Page.WalkEnd).
func (db *DB) BeginRewalk(endpoint, feed string) error {
	if !credit.Kind(feed).Valid() && feed != credit.FeedSharing && feed != credit.FeedRepair {
		return fmt.Errorf("re-walk %s/%s: unknown feed %q", endpoint, feed, feed)
	}
	err := db.updateStatus(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bRewalk)
		if err != nil {
			return err
		}
		name := rewalkName(endpoint, feed)
		if b.Bucket(name) != nil {
			if err := b.DeleteBucket(name); err != nil {
				return err
			}
		}
		if _, err := b.CreateBucket(name); err != nil {
			return err
		}
		return tx.Bucket(bCursors).Delete(cursorKey(endpoint, feed))
	})
	if err != nil {
		return fmt.Errorf("begin re-walk of %s/%s in %s: %w", endpoint, feed, db.path, err)
	}
	return nil
}

// Rewalks lists the re-walks in progress as endpoint -> feeds.
func (db *DB) Rewalks() (map[string][]string, error) {
	out := map[string][]string{}
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bRewalk)
		if b == nil {
			return nil
		}
		return b.ForEachBucket(func(k []byte) error {
			ep, feed, ok := bytes.Cut(k, []byte{0})
			if ok {
				out[string(ep)] = append(out[string(ep)], string(feed))
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read re-walks in %s: %w", db.path, err)
	}
	return out, nil
}

// walkSeen returns the seen-key bucket of p's walk in tx, or nil if no
// walk of p's endpoint and feed is in progress.
func walkSeen(tx *bolt.Tx, endpoint, feed string) *bolt.Bucket {
	b := tx.Bucket(bRewalk)
	if b == nil {
		return nil
	}
	return b.Bucket(rewalkName(endpoint, feed))
}

// walked is the value of a seen key (Get cannot tell an empty value from
// an absent key).
var walked = []byte{1}

// noteWalked remembers, in a walk in progress, every key page p names.
func noteWalked(tx *bolt.Tx, p *credit.Page) error {
	seen := walkSeen(tx, p.Endpoint, p.Feed)
	if seen == nil {
		return nil
	}
	for i := range p.Changes {
		if err := seen.Put([]byte(p.Changes[i].Key), walked); err != nil {
			return err
		}
	}
	for i := range p.Quarantine {
		if err := seen.Put([]byte(p.Quarantine[i].Key), walked); err != nil {
			return err
		}
	}
	return nil
}

// endWalk finishes the walk of p's endpoint and feed, if one is in
// progress, in tx: it deletes every item of the feed, and every item of
// it in quarantine at the endpoint, that the walk did not name, and drops
// the walk's marker. Imported records (credit.ImportIDPrefix) are not the
// endpoint's and stay. It reports how many items it deleted.
func endWalk(tx *bolt.Tx, w *pageWriter, endpoint, feed string, at time.Time) (int, error) {
	seen := walkSeen(tx, endpoint, feed)
	if seen == nil {
		return 0, nil
	}
	var stale [][]byte
	collect := func(b *bolt.Bucket, prefix []byte) {
		c := b.Cursor()
		rel := newPageRelease(tx)
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			rel.add(len(k) + len(v))
			if seen.Get(k) == nil {
				stale = append(stale, bytes.Clone(k))
			}
		}
	}
	w.endpoint, w.at = endpoint, at
	switch feed {
	case credit.FeedSharing:
		collect(tx.Bucket(bSharing), nil)
		for _, k := range stale {
			if err := tx.Bucket(bSharing).Delete(k); err != nil {
				return 0, err
			}
		}
	case credit.FeedRepair:
		collect(tx.Bucket(bRepairs), nil)
		for _, k := range stale {
			if err := putRepair(tx, string(k), credit.OpDelete, nil); err != nil {
				return 0, err
			}
		}
	default:
		collect(tx.Bucket(bRecords), []byte(feed+"/"))
		// Imported records are no endpoint's: a walk keeps them.
		imported := []byte(feed + "/" + credit.ImportIDPrefix)
		stale = slices.DeleteFunc(stale, func(k []byte) bool { return bytes.HasPrefix(k, imported) })
		for _, k := range stale {
			if err := w.applyRecord(&credit.Change{Op: credit.OpDelete, Key: string(k)}); err != nil {
				return 0, err
			}
		}
	}
	n := len(stale)
	// The quarantine: keys are endpoint \x00 feed \x00 item key.
	prefix := []byte(endpoint + "\x00" + feed + "\x00")
	q := tx.Bucket(bQuarantine)
	var bad [][]byte
	c := q.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if seen.Get(k[len(prefix):]) == nil {
			bad = append(bad, bytes.Clone(k))
		}
	}
	for _, k := range bad {
		if err := q.Delete(k); err != nil {
			return 0, err
		}
	}
	return n + len(bad), tx.Bucket(bRewalk).DeleteBucket(rewalkName(endpoint, feed))
}
