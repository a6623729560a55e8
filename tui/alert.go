package tui

import (
	"io"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
)

// Alerts: what newly failed since the officer last looked. The screen
// stays open all day, so when a check line turns from pass to fail, an
// endpoint starts failing (an error, not an incomplete or stale state)
// or the agencies refuse an action (a failed outbox item), the terminal's
// bell rings once (Deps.NoBell: not at all; at most once a minute) and
// the row is marked 新 (N in English) in front, its tab's label gets a
// "+", and the status line counts what is new. The cursor row keeps its
// ">"; its detail line starts with 新 instead.
//
// "New" is against the data last applied: the first load after start
// rings nothing and marks nothing (it is what the officer opens the
// program to see; for the check and the outbox, the first load after
// some endpoint has succeeded once, since an empty cache has nothing to
// compare with), a failure that persists rings once however many loads
// repeat it, and one that clears and comes back is new again.
//
// "Seen": a mark stays until the officer presses a key (or clicks) while
// its place is on screen: the 每日核查 tab for check lines, the 同步状态
// tab for endpoints, the outbox view (o) for actions. The key that
// switches to the tab does not count, since it was pressed elsewhere; the
// next one does.

// alertPlace is where a new failure is shown.
type alertPlace int

const (
	placeCheck  alertPlace = iota // a 每日核查 checklist line
	placeSync                     // a 同步状态 endpoint row
	placeOutbox                   // an outbox item (o)
	placeCount
)

// alertKey is one failure: its place and its row's key.
type alertKey struct {
	place alertPlace
	key   string
}

// alerts is the model's record of failures, known and new.
type alerts struct {
	primed [placeCount]bool  // the place's data has been seen once
	known  map[alertKey]bool // failing in the data last applied
	fresh  map[alertKey]bool // new failures, not yet seen
	rung   int               // bells rung (for tests)
	rangAt time.Time         // when the last bell rang (Deps.Clock)
}

// bellGap is the least time between two bells: endpoints going down one
// after the other in an outage ring once, and are all marked.
const bellGap = time.Minute

// failures lists what fails in b, and which places b has data for.
func (m *Model) failures(b *built) (map[alertKey]bool, [placeCount]bool) {
	now := map[alertKey]bool{}
	var have [placeCount]bool
	// A cache no endpoint has filled yet holds nothing to compare with:
	// the check and the outbox count from the first load after a success.
	// Nor is a check computed while a pass is under way: the cache is
	// between two states (records without their sharing-list rows), and a
	// line may fail for a moment.
	if b.check.ready && b.synced && len(m.syncing) == 0 {
		have[placeCheck] = true
		for k, it := range b.check.byID {
			if it.Status == credit.CheckFail {
				now[alertKey{placeCheck, k}] = true
			}
		}
	}
	// An endpoint fails when its last attempt failed: not when it is
	// merely incomplete (its first pass under way) or stale, which its
	// row shows in red all the same.
	have[placeSync] = true
	if m.snap != nil {
		for _, st := range m.snap.Endpoints {
			if st.LastError != "" {
				now[alertKey{placeSync, st.Name}] = true
			}
		}
	}
	if m.d.Store != nil && b.synced {
		have[placeOutbox] = true
		for _, r := range b.outbox {
			if r.Alert {
				now[alertKey{placeOutbox, r.Key}] = true
			}
		}
	}
	return now, have
}

// noticeFailures compares the data just applied with what was known,
// marks what newly fails and rings the bell once if anything does.
func (m *Model) noticeFailures() tea.Cmd {
	a := &m.alerts
	now, have := m.failures(&m.view)
	for k := range a.known { // a place without data keeps what was known
		if !have[k.place] {
			now[k] = true
		}
	}
	var added int
	for k := range now {
		if !have[k.place] || !a.primed[k.place] || a.known[k] {
			continue
		}
		if a.fresh == nil {
			a.fresh = map[alertKey]bool{}
		}
		a.fresh[k] = true
		added++
	}
	for k := range a.fresh { // cleared before it was seen: nothing to mark
		if have[k.place] && !now[k] {
			delete(a.fresh, k)
		}
	}
	for p := range placeCount {
		if have[p] {
			a.primed[p] = true
		}
	}
	a.known = now
	if added == 0 || m.d.NoBell {
		return nil
	}
	at := m.d.Clock()
	if !a.rangAt.IsZero() && at.Sub(a.rangAt) < bellGap && !at.Before(a.rangAt) {
		return nil // marked, not rung again so soon
	}
	a.rung++
	a.rangAt = at
	return bellCmd(m.output())
}

// bellCmd rings the terminal's bell: BEL written to the program's own
// output (an SSH session's, for a session), since tea.Printf prints
// nothing in the alternate screen.
func bellCmd(out io.Writer) tea.Cmd {
	return func() tea.Msg {
		_, _ = io.WriteString(out, "\a")
		return nil
	}
}

// shownPlace is the place on screen, if any holds new failures.
func (m *Model) shownPlace() (alertPlace, bool) {
	if top := m.top(); top != nil {
		return placeOutbox, top.kind == viewOutbox
	}
	switch m.tab {
	case tabCheck:
		return placeCheck, true
	case tabSync:
		return placeSync, true
	}
	return 0, false
}

// seen clears the marks of the place on screen: the officer pressed a key
// or clicked while it was shown.
func (m *Model) seen() {
	p, ok := m.shownPlace()
	if !ok {
		return
	}
	for k := range m.alerts.fresh {
		if k.place == p {
			delete(m.alerts.fresh, k)
		}
	}
}

// freshOn reports whether place p holds new failures.
func (m *Model) freshOn(p alertPlace) bool {
	for k := range m.alerts.fresh {
		if k.place == p {
			return true
		}
	}
	return false
}

// tabFresh reports whether tab id holds new failures (its label's "+").
func (m *Model) tabFresh(id tabID) bool {
	switch id {
	case tabCheck:
		return m.freshOn(placeCheck)
	case tabSync:
		return m.freshOn(placeSync)
	}
	return false
}

// applyMarks tells the tables which rows to mark new; Update calls it
// after every message.
func (m *Model) applyMarks() {
	var byPlace [placeCount]map[string]bool
	for k := range m.alerts.fresh {
		if byPlace[k.place] == nil {
			byPlace[k.place] = map[string]bool{}
		}
		byPlace[k.place][k.key] = true
	}
	mark := m.cat.t("alert.mark")
	m.check.SetMarks(byPlace[placeCheck], mark)
	m.sync.endpoints.SetMarks(byPlace[placeSync], mark)
	for i := range m.stack {
		if m.stack[i].kind == viewOutbox {
			m.stack[i].table.SetMarks(byPlace[placeOutbox], mark)
		}
	}
}
