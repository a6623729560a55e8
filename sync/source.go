package sync

import (
	"context"
	"errors"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// Source is where an endpoint's record feeds are read when it is not the
// agency API over HTTP: the exchange platform's front-end database
// (前置库, sync/sqlsource). An Endpoint with a Source is synced exactly
// like one with a BaseURL: the same walks along stored cursors, the same
// checks and quarantine of every item (decode.go), the same ceilings,
// status, failure count and back-off. Only the fetching differs.
//
// ReadPage returns the items of feed after cursor ("" = from the
// beginning), at most limit of them, oldest change first, with the cursor
// that follows the last one. It must keep the paging contract of
// docs/agency-api.md: a page with HasMore has items, and NextCursor
// advances. It returns ErrRewalk to have the feed walked anew from ""
// (as an HTTP 410 does), keeping the cached items until that walk ends;
// a *FeedError for a failure of this feed alone (the endpoint's other
// feeds go on); any other error fails the pass. Errors must not carry
// secrets (a DSN, a password): they are stored and shown.
type Source interface {
	ReadPage(ctx context.Context, feed, cursor string, limit int) (*SourcePage, error)
}

// SourcePage is one page a Source read.
type SourcePage struct {
	Items      []SourceItem
	NextCursor string
	HasMore    bool
}

// SourceItem is one change a Source read: an upsert of Record under Key,
// or a deletion; or, with Err set, a row that could not be read as a
// record, which is quarantined with Err as the reason.
type SourceItem struct {
	Key    string
	Delete bool
	Record *credit.Record
	Err    error
	// Raw renders the item as the source holds it (for a database row:
	// the table, the primary key and the columns), kept in the quarantine
	// when the item is refused; called only then. Nil: nothing to keep.
	Raw func() []byte
}

// ErrRewalk is returned by a Source to walk the feed anew from the
// beginning (store.BeginRewalk): how a source without a deletion log
// finds the records deleted at their source.
var ErrRewalk = errors.New("sync: the source asks for the feed to be walked anew")

// FeedError is a Source's failure that concerns one feed only (a missing
// table, a missing column); the endpoint's other feeds are still read.
type FeedError struct {
	Feed string
	Err  error
}

func (e *FeedError) Error() string { return e.Feed + ": " + e.Err.Error() }
func (e *FeedError) Unwrap() error { return e.Err }

// readSource reads a page of feed from ep's Source and checks every item
// as an API item is checked (checkKey, checkRecord): what fails is
// quarantined under its key with the reason and the raw row.
func readSource(ctx context.Context, ep *Endpoint, feed, cursor string, at time.Time) (*wirePage, error) {
	sp, err := ep.Source.ReadPage(ctx, feed, cursor, ep.pageSize())
	if err != nil {
		return nil, err
	}
	wp := &wirePage{Page: api.Page{Feed: feed, NextCursor: sp.NextCursor, HasMore: sp.HasMore}, decoded: true}
	wp.changes = make([]credit.Change, 0, len(sp.Items))
	for i := range sp.Items {
		c, q := CheckSourceItem(ep.Name, feed, &sp.Items[i], at)
		if q != nil {
			wp.quarantine = append(wp.quarantine, *q)
			continue
		}
		wp.changes = append(wp.changes, c)
	}
	return wp, nil
}

// CheckSourceItem is decodeItem for an item a Source read: the change
// the engine stores, or the quarantine entry it keeps instead. Exported
// for tools that show what a sync would do (credwatch source test).
func CheckSourceItem(endpoint, feed string, it *SourceItem, at time.Time) (credit.Change, *credit.Quarantined) {
	refuse := func(key, reason string) (credit.Change, *credit.Quarantined) {
		raw := ""
		if it.Raw != nil {
			raw = boundedRaw(it.Raw())
		}
		return credit.Change{}, &credit.Quarantined{Endpoint: endpoint, Feed: feed, Key: naturalKey(feed, key),
			Reason: credit.Sanitize(reason), Raw: raw, At: at}
	}
	if err := checkKey(it.Key); err != nil {
		return refuse(escapeRaw([]byte(it.Key)), err.Error())
	}
	c := credit.Change{Key: naturalKey(feed, it.Key)}
	switch {
	case it.Err != nil:
		return refuse(it.Key, it.Err.Error())
	case it.Delete:
		c.Op = api.OpDelete
		return c, nil
	case it.Record == nil:
		return refuse(it.Key, "upsert without data")
	}
	if !credit.Kind(feed).Valid() {
		return refuse(it.Key, "a source serves record feeds only")
	}
	if err := checkRecord(feed, it.Key, it.Record); err != nil {
		return refuse(it.Key, err.Error())
	}
	c.Op, c.Record = api.OpUpsert, it.Record
	return c, nil
}
