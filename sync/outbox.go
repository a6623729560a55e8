package sync

import (
	"context"
	"errors"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// outboxEvery is how often the engine looks for actions to send; recording
// an action in another process is seen at the next look.
const outboxEvery = 2 * time.Second

// actionEndpoint returns the index of the endpoint that receives officers'
// actions: the first marked Actions, else the first serving the repair feed,
// else -1.
func (e *Engine) actionEndpoint() int {
	for i, ep := range e.eps {
		if ep.Actions {
			return i
		}
	}
	for i, ep := range e.eps {
		for _, f := range ep.Feeds {
			if f == credit.FeedRepair {
				return i
			}
		}
	}
	return -1
}

// outboxLoop sends due actions until ctx is done.
func (e *Engine) outboxLoop(ctx context.Context, i int) {
	t := time.NewTicker(outboxEvery)
	defer t.Stop()
	force := false
	for {
		e.sendOutbox(ctx, i, force)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			force = false
		case <-e.outboxKick:
			force = true
		}
	}
}

// SendOutbox sends every pending action to endpoint i once, oldest first,
// with its stored idempotency key, whether or not its back-off has passed
// (someone asked for it: "sync now", `sync --once`), and records the
// outcome: sent; failed for good (a 4xx other than 429 — the officer sees
// it and may retry after the cause is fixed); or pending again after an
// exponential back-off. It stops at the first retryable failure, since the
// endpoint is then unreachable.
func (e *Engine) SendOutbox(ctx context.Context, i int) { e.sendOutbox(ctx, i, true) }

// sendOutbox is SendOutbox; without force it skips actions still backing off.
func (e *Engine) sendOutbox(ctx context.Context, i int, force bool) {
	if i < 0 || i >= len(e.eps) {
		return
	}
	at := e.opts.Now()
	if force {
		at = at.Add(100 * 365 * 24 * time.Hour)
	}
	due, err := e.store.DueActions(at)
	if err != nil {
		return
	}
	for _, it := range due {
		res, err := PostAction(ctx, e.clients[i], e.eps[i], it.Action.ID, toAPI(it.Action))
		if ctx.Err() != nil {
			return
		}
		now := e.opts.Now()
		it.Attempts++
		switch {
		case err == nil:
			it.State, it.SentAt, it.LastError = credit.OutboxSent, now, ""
			it.RemoteID, it.ReceivedAt = res.ID, res.ReceivedAt // the agency's receipt
		case IsRetryable(err):
			it.LastError = credit.Sanitize(redact(err.Error(), e.eps[i].Token))
			wait := min(time.Duration(1<<min(it.Attempts, 9))*time.Second, e.opts.MaxBackoff)
			var ae *ActionError
			if errors.As(err, &ae) && ae.RetryAfter > wait {
				wait = min(ae.RetryAfter, e.eps[i].maxRetryAfter())
			}
			it.NextTry = now.Add(wait)
		default:
			it.State, it.LastError = credit.OutboxFailed, credit.Sanitize(redact(err.Error(), e.eps[i].Token))
		}
		if uerr := e.store.UpdateOutbox(it); uerr != nil {
			return
		}
		if err != nil && IsRetryable(err) {
			return
		}
	}
}

// toAPI maps a recorded action to the v1 wire body, with only the fields
// its type uses (a server refuses others).
func toAPI(a credit.Action) api.Action {
	w := api.Action{Type: string(a.Type)}
	switch a.Type {
	case credit.ActionSignoff:
		w.Date, w.Officer, w.Departments, w.Note = a.Date, a.Officer, a.Depts, a.Note
	case credit.ActionReminder:
		w.Date, w.RecordKey = a.Date, a.RecordKey
	case credit.ActionNationalDone:
		w.Date, w.RecordKey, w.Receipt = a.Date, a.RecordKey, a.Receipt
	case credit.ActionWithdrawal:
		w.RecordKey, w.Website, w.Note = a.RecordKey, a.Website, a.Note
	case credit.ActionFulfilled:
		w.Date, w.RecordKey = a.Date, a.RecordKey
	}
	return w
}
