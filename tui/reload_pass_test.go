package tui

import (
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	credsync "github.com/czyj/credwatch/sync"
)

// With a large cache, a sync pass's progress and the age tick do not
// reload while the pass runs; its end does, and so does an officer's
// action at once. A pass whose end never comes holds them back for
// deferMax at most.
func TestReloadWaitsForPassEnd(t *testing.T) {
	defer func(n int) { largeCache = n }(largeCache)
	largeCache = 1 // the fixture's penalties make a large cache
	d := fixtureDeps(t, "zh")
	clock := fxNow
	d.Clock = func() time.Time { return clock }
	m := loaded(t, d, 100, 30)
	if m.snap.Penalties.Len() < largeCache {
		t.Fatal("the fixture has no penalties")
	}
	m = update(t, m, cooldownMsg{})
	m.d.Events = make(chan credsync.Event, 1)
	seq := m.seq
	ev := func(typ credsync.EventType) eventMsg {
		return eventMsg{ev: credsync.Event{Endpoint: "law-enforcement", Feed: "penalty", Type: typ, Items: 3}, ok: true}
	}
	for _, e := range []eventMsg{ev(credsync.EventPage), ev(credsync.EventResync), ev(credsync.EventPage)} {
		m = update(t, m, e)
	}
	m = update(t, m, tickMsg{})
	if m.seq != seq || m.loading || m.dirty {
		t.Fatalf("a reload started during the pass: seq %d -> %d, loading %v, dirty %v", seq, m.seq, m.loading, m.dirty)
	}
	if !m.syncing["law-enforcement"] {
		t.Error("the endpoint is not shown syncing")
	}
	m = update(t, m, ev(credsync.EventDone))
	if m.seq != seq+1 || !m.loading {
		t.Fatalf("the pass's end did not reload: seq %d, loading %v", m.seq, m.loading)
	}

	// An officer's action reloads in the middle of a pass.
	m = update(t, m, snapshotMsg{seq: m.seq, snap: m.snap})
	m = update(t, m, cooldownMsg{})
	m = update(t, m, ev(credsync.EventPage))
	seq = m.seq
	m = update(t, m, ev(credit.EventAction))
	if m.seq != seq+1 {
		t.Fatalf("an action waited for the pass: seq %d, want %d", m.seq, seq+1)
	}

	// A pass that never ends holds reloads back for deferMax at most.
	m = update(t, m, snapshotMsg{seq: m.seq, snap: m.snap})
	m = update(t, m, cooldownMsg{})
	seq = m.seq
	m = update(t, m, ev(credsync.EventPage))
	clock = clock.Add(deferMax)
	m = update(t, m, ev(credsync.EventPage))
	if m.seq != seq+1 {
		t.Fatalf("reloads held back past deferMax: seq %d, want %d", m.seq, seq+1)
	}
}

// Events that arrive together (waitEvent's batch) wait for the pass's end
// only when each of them would: a batch of pages waits, a batch that ends
// a pass reloads, though another endpoint's pass goes on.
func TestReloadBatchWaitsOnlyIfEveryEventWould(t *testing.T) {
	defer func(n int) { largeCache = n }(largeCache)
	largeCache = 1
	d := fixtureDeps(t, "zh")
	m := loaded(t, d, 100, 30)
	m = update(t, m, cooldownMsg{})
	m.d.Events = make(chan credsync.Event, 1)
	ev := func(typ credsync.EventType) credsync.Event {
		return credsync.Event{Endpoint: "law-enforcement", Feed: "penalty", Type: typ, Items: 3}
	}
	seq := m.seq
	m = update(t, m, eventMsg{ev: ev(credsync.EventPage), more: []credsync.Event{ev(credsync.EventPage), ev(credsync.EventResync)}, ok: true})
	if m.seq != seq || m.loading {
		t.Fatalf("a batch of a pass's pages reloaded: seq %d -> %d", seq, m.seq)
	}
	// Another endpoint's pass ends while this one's goes on.
	other := ev(credsync.EventDone)
	other.Endpoint = "market-regulation"
	m = update(t, m, eventMsg{ev: ev(credsync.EventPage), more: []credsync.Event{other}, ok: true})
	if m.seq != seq+1 || !m.loading {
		t.Fatalf("a batch ending a pass did not reload: seq %d, loading %v", m.seq, m.loading)
	}
	if !m.syncing["law-enforcement"] {
		t.Error("the endpoint whose pass goes on is not shown syncing")
	}
}

// The sessions of an SSH server (Models sharing a Shared) do not wait for
// a pass's end: their read model keeps the pace of the generations.
func TestSharedModelsDoNotWaitForPassEnd(t *testing.T) {
	defer func(n int) { largeCache = n }(largeCache)
	largeCache = 1
	d := fixtureDeps(t, "zh")
	d.Shared = NewShared()
	m := loaded(t, d, 100, 30)
	m = update(t, m, cooldownMsg{})
	m.d.Events = make(chan credsync.Event, 1)
	seq := m.seq
	m = update(t, m, eventMsg{ev: credsync.Event{Endpoint: "law-enforcement", Feed: "penalty", Type: credsync.EventPage, Items: 3}, ok: true})
	if m.seq != seq+1 || !m.loading {
		t.Fatalf("a session waited for the pass's end: seq %d -> %d, loading %v", seq, m.seq, m.loading)
	}
}
