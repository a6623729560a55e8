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

// batchSizer decides how many items the next batch of a pass may take.
// Without a node budget (Options.BatchNodes, or a store that cannot count
// nodes, or a bulk load) it is the pass's item cap. With one, it is as
// many items as the budget allows at the nodes per item of the last batch
// that wrote anything (kept per endpoint across passes), within 1 and the
// item cap. As with the item cap, a batch takes pages until it holds that
// many items: a page is never split, so the last page may take it over by
// less than a page (pages of 500 items and a limit of 512: two pages).
type batchSizer struct {
	store   nodeReporter // nil: no node budget
	nodes   int
	max     int
	perItem *float64 // the endpoint's estimate; 0: none yet
}

func (e *Engine) batchSizer(ep *Endpoint, maxItems int, crossFeeds bool) *batchSizer {
	b := &batchSizer{max: maxItems, perItem: e.nodesPerItem(ep)}
	if r, ok := e.store.(nodeReporter); ok && e.opts.BatchNodes > 0 && crossFeeds {
		b.store, b.nodes = r, e.opts.BatchNodes
	}
	return b
}

func (b *batchSizer) items() int {
	if b.store == nil {
		return b.max
	}
	perItem := *b.perItem
	if perItem <= 0 {
		perItem = firstNodesPerItem
	}
	return max(1, min(b.max, int(float64(b.nodes)/perItem)))
}

// apply stores batch, its items counted, and learns from it.
func (b *batchSizer) apply(s credit.Store, batch []*credit.Page, items int) error {
	if b.store == nil {
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
