package sync

import "github.com/czyj/credwatch/credit"

// nodeReporter is a store that writes with less memory for a process that
// holds much on its heap (store.DB.ApplyPagesLean), and reports what a
// write transaction changed: the nodes it held at its commit.
type nodeReporter interface {
	ApplyPagesLean(pages []*credit.Page) (nodes int, err error)
}

// firstNodesPerItem is the estimate of an endpoint's first batch: a
// catch-up's changed records, spread over the cache, changed 0.8 nodes an
// item at 100k records (a re-walk's unchanged ones 0.01, its regenerated
// repairs 0.3). The first batch is then about the budget's worth of items,
// and the next grow as far as what it measured allows.
const firstNodesPerItem = 1.0

// batchSizer decides how many items the next batch of a pass may take,
// and how it is stored. Without a node budget (Options.BatchNodes, or a
// store that cannot count nodes, or a bulk load), or for a batch that
// begins with a feed being re-walked in this pass, it is the pass's item
// cap, and the batch is stored by ApplyPages. With one, it is as
// many items as the budget allows at the nodes per item of the last batch
// that wrote anything (kept per endpoint across passes), within 1 and the
// item cap. As with the item cap, a batch takes pages until it holds that
// many items: a page is never split, so the last page may take it over by
// less than a page (pages of 500 items and a limit of 512: two pages).
//
// A re-walk is exempt: its records come in key order and are mostly
// unchanged, but at 1M records its regenerated repairs changed 2.3 nodes
// an item, and bounded batches (one page, 500 items, not 2,000) made the
// TUI's full resync take 122 s instead of 70 (a transaction's commit,
// fsyncs and the file opened anew cost about a quarter of a second at
// that size on the loaded machine). The resync's own memory is a row of
// its own (issue 20: ≤ 300 MB), met without the bound.
type batchSizer struct {
	store     nodeReporter // nil: no node budget
	nodes     int
	max       int
	perItem   *float64        // the endpoint's estimate; 0: none yet
	rewalking map[string]bool // feeds re-walked in this pass
}

func (e *Engine) batchSizer(ep *Endpoint, maxItems int, crossFeeds bool) *batchSizer {
	b := &batchSizer{max: maxItems, perItem: e.nodesPerItem(ep)}
	if r, ok := e.store.(nodeReporter); ok && e.opts.BatchNodes > 0 && crossFeeds {
		b.store, b.nodes = r, e.opts.BatchNodes
	}
	return b
}

// rewalk notes that feed is re-walked from here on in this pass.
func (b *batchSizer) rewalk(feed string) {
	if b.rewalking == nil {
		b.rewalking = map[string]bool{}
	}
	b.rewalking[feed] = true
}

// bounded reports whether a batch that begins with a page of feed is held
// to the node budget.
func (b *batchSizer) bounded(feed string) bool { return b.store != nil && !b.rewalking[feed] }

// items is the item limit of a batch that begins with a page of feed.
func (b *batchSizer) items(feed string) int {
	if !b.bounded(feed) {
		return b.max
	}
	perItem := *b.perItem
	if perItem <= 0 {
		perItem = firstNodesPerItem
	}
	return max(1, min(b.max, int(float64(b.nodes)/perItem)))
}

// apply stores batch, which begins with a page of feed and holds items,
// and learns from it.
func (b *batchSizer) apply(s credit.Store, batch []*credit.Page, feed string, items int) error {
	if !b.bounded(feed) {
		return s.ApplyPages(batch)
	}
	nodes, err := b.store.ApplyPagesLean(batch)
	if err != nil {
		return err
	}
	if items > 0 && nodes > 0 {
		*b.perItem = float64(nodes) / float64(items)
	}
	return nil
}

// nodesPerItem is where the estimate of ep (one of e.eps) is kept.
func (e *Engine) nodesPerItem(ep *Endpoint) *float64 {
	for i := range e.eps {
		if &e.eps[i] == ep {
			return &e.perItem[i]
		}
	}
	return new(float64) // not one of e.eps: an estimate for this pass only
}
