package tui

import (
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
)

// The activity log (L): today's events of the shared event log, what
// `credwatch tail` prints, newest first: sync passes, pages and endpoint
// failures, actions the agencies refused, and this officer's own actions.
// It is a view over the tabs (esc closes it), filtered with / and
// exported with e like a tab; events that arrive while it is open are
// added at the top.

// activityLine is one event of the log, what its row is made from.
type activityLine struct {
	c  catalog
	ev credit.Event
}

// activityTab are the log's columns.
var activityTab = []tabColumn[activityLine]{
	{title: "col.time", key: "at", typ: credit.CellTime,
		cell:  func(x *activityLine) string { return x.ev.At.In(credit.ChinaZone).Format("15:04:05") },
		sort:  func(x *activityLine) string { return timeKey(x.ev.At) },
		value: func(x *activityLine) string { return timeValue(x.ev.At) }},
	{title: "col.actkind", key: "event", cell: func(x *activityLine) string { return x.c.activityKind(x.ev.Type) }},
	{title: "col.actwho", col: Column{Min: 8}, key: "source", cell: func(x *activityLine) string {
		if x.ev.Actor != "" {
			return cleanText(x.ev.Actor)
		}
		return cleanText(x.ev.Endpoint)
	}},
	{title: "col.actwhat", col: Column{Min: 16}, key: "what", cell: func(x *activityLine) string { return x.c.activityWhat(&x.ev) }},
}

// activityKind names an event's type.
func (c catalog) activityKind(t credit.EventType) string {
	switch t {
	case credit.EventPage, credit.EventDone, credit.EventError, credit.EventResync, credit.EventResyncDone,
		credit.EventAction, credit.EventActionSent, credit.EventActionFailed:
		return c.t("act." + string(t))
	}
	return cleanText(string(t))
}

// activityWhat is what an event says, without its time and source.
func (c catalog) activityWhat(ev *credit.Event) string {
	switch ev.Type {
	case credit.EventPage:
		s := c.f("act.pagewhat", c.feedLabel(ev.Feed), ev.Items)
		if ev.Bad > 0 {
			s += c.f("act.bad", ev.Bad)
		}
		return s
	case credit.EventError:
		return c.f("act.errwhat", cleanText(ev.Err), ev.Retry.Round(time.Second))
	case credit.EventResync, credit.EventResyncDone:
		return c.feedLabel(ev.Feed)
	case credit.EventAction, credit.EventActionSent:
		return c.actionText(ev.Message)
	case credit.EventActionFailed:
		return c.f("act.refwhat", c.actionText(ev.Message), cleanText(ev.Err))
	case credit.EventDone:
		return c.t("act.donewhat")
	}
	return cleanText(ev.Message)
}

// actionText words an action event's message, which the store writes as
// the action's type and its record ("reminder_sent penalty/CF-2026-0801"):
// the type as the outbox names it, then the record.
func (c catalog) actionText(msg string) string {
	typ, rec, _ := strings.Cut(cleanText(msg), " ")
	if rec == "" {
		return actionLabel(c, credit.ActionType(typ))
	}
	return actionLabel(c, credit.ActionType(typ)) + " " + rec
}

// ownActivity reports whether the log shows ev to officer: the sync
// engine's events and every refusal, but of the recorded and accepted
// actions only the officer's own. The store has already left out what the
// officer's departments may not see (Deps.Activity).
func ownActivity(ev credit.Event, officer string) bool {
	switch ev.Type {
	case credit.EventAction, credit.EventActionSent:
		return ev.Actor == officer
	}
	return !strings.HasPrefix(string(ev.Type), "ssh-")
}

// activityMsg is the reply to the log's read for view id.
type activityMsg struct {
	id  uint64
	evs []credit.Event
	err error
}

// startOfDay is the first instant of t's day in China.
func startOfDay(t time.Time) time.Time {
	t = t.In(credit.ChinaZone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, credit.ChinaZone)
}

// activitySince is where the activity log starts: the start of today by
// the wall clock, which stamps the sync engine's events, or of today by
// the business clock, which stamps actions, whichever is earlier (they
// differ only under a pinned --today).
func (m *Model) activitySince() time.Time {
	a, b := startOfDay(m.d.Clock()), startOfDay(m.d.Now())
	if b.Before(a) {
		return b
	}
	return a
}

// openActivity opens the activity log over the current view and reads
// today's events.
func (m Model) openActivity() (Model, tea.Cmd) {
	if m.d.Activity == nil {
		return m, nil
	}
	if top := m.top(); top != nil && top.kind == viewActivity {
		return m, nil
	}
	v := m.push(viewActivity, m.cat.t("view.activity"), tabColumns(m.cat, activityTab))
	v.loading = true
	id, fn, since := v.id, m.d.Activity, m.activitySince()
	return m, func() tea.Msg {
		evs, err := fn(since)
		return activityMsg{id: id, evs: evs, err: err}
	}
}

// handleActivity shows the events read for the log.
func (m *Model) handleActivity(msg activityMsg) {
	for i := range m.stack {
		v := &m.stack[i]
		if v.id != msg.id {
			continue
		}
		v.loading = false
		if msg.err != nil {
			v.err = cleanText(msg.err.Error())
			return
		}
		v.activity = v.activity[:0]
		for _, ev := range msg.evs {
			if ownActivity(ev, m.officer) {
				v.activity = append(v.activity, activityLine{c: m.cat, ev: ev})
			}
		}
		m.setActivityRows(v)
	}
}

// addActivity adds an event that arrived to an open log, at the top.
func (m *Model) addActivity(ev credit.Event) {
	if !ownActivity(ev, m.officer) || ev.At.Before(m.activitySince()) {
		return
	}
	for i := range m.stack {
		if v := &m.stack[i]; v.kind == viewActivity && !v.loading && v.err == "" {
			v.activity = append([]activityLine{{c: m.cat, ev: ev}}, v.activity...)
			m.setActivityRows(v)
		}
	}
}

// setActivityRows shows v's lines and counts them for the summary.
func (m *Model) setActivityRows(v *stackView) {
	rows := make([]Row, len(v.activity))
	var failed, refused, own int
	for i := range v.activity {
		x := &v.activity[i]
		r := tabRow(activityTab, x)
		r.Key = strconv.FormatUint(x.ev.Seq, 10) + "/" + strconv.Itoa(len(v.activity)-i)
		r.Detail = m.eventText(x.ev)
		switch x.ev.Type {
		case credit.EventError:
			failed++
			r.Alert = true
		case credit.EventActionFailed:
			refused++
			r.Alert = true
		case credit.EventAction:
			own++
		}
		rows[i] = r
	}
	v.sum = m.cat.f("act.sum", len(rows), failed, refused, own)
	v.table.SetRows(rows)
}
