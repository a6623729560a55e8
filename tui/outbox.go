package tui

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/czyj/credwatch/credit"
)

// ---- 待发送 (the outbox and its history) ----

// actionLabel names an action type.
func actionLabel(c catalog, t credit.ActionType) string {
	switch t {
	case credit.ActionSignoff:
		return c.t("act.signoff")
	case credit.ActionReminder:
		return c.t("act.reminder")
	case credit.ActionNationalDone:
		return c.t("act.national")
	case credit.ActionWithdrawal:
		return c.t("act.withdrawal")
	case credit.ActionFulfilled:
		return c.t("act.fulfil")
	}
	return cleanText(string(t))
}

// actionShort names an action type in a few words, for a column; the
// detail line has actionLabel's full name.
func actionShort(c catalog, t credit.ActionType) string {
	switch t {
	case credit.ActionSignoff, credit.ActionReminder, credit.ActionNationalDone, credit.ActionWithdrawal, credit.ActionFulfilled:
		return c.t("act.short." + string(t))
	}
	return cleanText(string(t))
}

// recordWords names the record of key as an officer knows it: the
// enterprise and the document number from the snapshot's penalties, or
// the key itself when the record is not cached (or not a penalty).
func recordWords(snap *credit.Snapshot, key string) (name, doc, dept string) {
	if p := findPenalty(snap, key); p != nil {
		return cleanText(p.SubjectName), cleanText(p.DocNo), p.Dept
	}
	return cleanText(key), "", ""
}

// recordPhrase is recordWords as one phrase: "name doc no.".
func recordPhrase(snap *credit.Snapshot, key string) string {
	name, doc, _ := recordWords(snap, key)
	return strings.TrimSpace(name + " " + doc)
}

// actionWords words an action event's message, which the store writes as
// "<action type>[ <record key>]" (store's RecordAction and UpdateOutbox):
// the action's name and the record's enterprise and document number. A
// message of another shape is shown as it is.
func actionWords(c catalog, snap *credit.Snapshot, msg string) string {
	typ, key, _ := strings.Cut(strings.TrimSpace(msg), " ")
	label := actionLabel(c, credit.ActionType(typ))
	if label == cleanText(typ) { // not an action type
		return cleanText(msg)
	}
	if key == "" {
		return label
	}
	return label + " " + recordPhrase(snap, key)
}

// outboxLine is what an outbox row is made from: the item and the words
// for its record (a sign-off concerns a day, named in name).
type outboxLine struct {
	it              *credit.OutboxItem
	c               catalog
	today           credit.Date
	name, doc, dept string
	row             Row
}

// state is the item's delivery state in words.
func (x *outboxLine) state() string {
	switch x.it.State {
	case credit.OutboxPending:
		return x.c.t("ob.pending")
	case credit.OutboxFailed:
		return x.c.t("ob.failed")
	case credit.OutboxSent:
		return x.c.t("ob.sent")
	}
	return cleanText(string(x.it.State))
}

// sentClock is when the item was accepted, "" while it is not.
func (x *outboxLine) sentClock() string {
	if x.it.State != credit.OutboxSent || x.it.SentAt.IsZero() {
		return ""
	}
	return clock(x.it.SentAt, x.today)
}

// outboxTab is the outbox view's columns, in order: each one's header,
// layout, sort key, cell and export value. To add a column, add an entry
// here. As the table narrows the sequence, tries, accepted time and last
// error yield (the detail line has them), then the receipt and the
// officer go; the document number keeps 22 cells and the state stays.
var outboxTab = []tabColumn[outboxLine]{
	{title: "col.state", key: "state", cell: func(x *outboxLine) string {
		switch x.it.State {
		case credit.OutboxPending:
			return symSyncing + " " + x.state()
		case credit.OutboxFailed:
			return symBad + " " + x.state()
		case credit.OutboxSent:
			return symOK + " " + x.state()
		}
		return x.state()
	}, value: func(x *outboxLine) string { return x.state() }},
	{title: "col.time", key: "done_at", typ: credit.CellTime,
		cell:  func(x *outboxLine) string { return clock(x.it.Action.At, x.today) },
		sort:  func(x *outboxLine) string { return timeKey(x.it.Action.At) },
		value: func(x *outboxLine) string { return timeValue(x.it.Action.At) }},
	{title: "col.action", col: Column{Min: 8}, key: "action",
		cell:  func(x *outboxLine) string { return actionShort(x.c, x.it.Action.Type) },
		value: func(x *outboxLine) string { return actionLabel(x.c, x.it.Action.Type) },
		more: []exportColumn[outboxLine]{{title: "col.actiontype", key: "action_type", typ: credit.CellCode,
			value: func(x *outboxLine) string { return cleanText(string(x.it.Action.Type)) }}}},
	{title: "col.name", col: Column{Min: 12, Collate: true}, key: "subject_name", cell: func(x *outboxLine) string { return x.name }},
	{title: "col.docno", col: Column{Min: 22}, key: "doc_no", typ: credit.CellCode, cell: func(x *outboxLine) string { return x.doc },
		more: []exportColumn[outboxLine]{{title: "col.recordkey", key: "record_key", typ: credit.CellCode,
			value: func(x *outboxLine) string { return cleanText(x.it.Action.RecordKey) }}}},
	{title: "col.officer", col: Column{Min: 4, Drop: 1}, key: "officer", cell: func(x *outboxLine) string { return cleanText(x.it.Action.Officer) }},
	{title: "col.sentat", col: Column{Drop: 4, Yield: true}, key: "sent_at", typ: credit.CellTime,
		cell: func(x *outboxLine) string { return x.sentClock() },
		sort: func(x *outboxLine) string {
			if x.sentClock() == "" {
				return ""
			}
			return timeKey(x.it.SentAt)
		},
		value: func(x *outboxLine) string {
			if x.sentClock() == "" {
				return ""
			}
			return timeValue(x.it.SentAt)
		}},
	{title: "col.receipt", col: Column{Drop: 2}, key: "receipt", typ: credit.CellCode,
		cell: func(x *outboxLine) string { return cleanText(x.it.RemoteID) },
		more: []exportColumn[outboxLine]{{title: "col.receivedat", key: "received_at", typ: credit.CellTime,
			value: func(x *outboxLine) string { return timeValue(x.it.ReceivedAt) }}}},
	{title: "col.attempts", col: Column{Right: true, Drop: 5, Yield: true}, key: "attempts", typ: credit.CellNumber,
		cell: func(x *outboxLine) string { return strconv.Itoa(x.it.Attempts) }},
	{title: "col.lasterr", col: Column{Min: 8, Drop: 3, Yield: true}, key: "last_error", cell: func(x *outboxLine) string { return cleanText(x.it.LastError) }},
	{title: "col.seq", col: Column{Right: true, Drop: 6, Yield: true}, key: "seq", typ: credit.CellNumber,
		cell: func(x *outboxLine) string { return strconv.FormatUint(x.it.Seq, 10) }},
}

// outboxColumns are the outbox view's columns (outboxTab).
func outboxColumns(c catalog) []Column { return tabColumns(c, outboxTab) }

// outboxLines makes the outbox view's rows: every action recorded, those
// still to send first (failed, then pending: an officer must act on the
// failed ones), then those the agencies accepted, each group newest first
// (by when the officer acted: an action recorded later may concern an
// earlier day).
func outboxLines(in buildInput) (lines []outboxLine, pending, failed, sent int) {
	c := in.cat
	for i := range in.outbox {
		it := &in.outbox[i]
		a := &it.Action
		x := outboxLine{it: it, c: c, today: in.today}
		if a.RecordKey != "" {
			x.name, x.doc, x.dept = recordWords(in.snap, a.RecordKey)
		} else {
			x.name = a.Date.String() // the day signed off
		}
		switch it.State {
		case credit.OutboxPending:
			pending++
		case credit.OutboxFailed:
			failed++
		default:
			sent++
		}
		lines = append(lines, x)
	}
	rank := func(s credit.OutboxState) int {
		switch s {
		case credit.OutboxFailed:
			return 0
		case credit.OutboxPending:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(lines, func(a, b outboxLine) int {
		return cmp.Or(cmp.Compare(rank(a.it.State), rank(b.it.State)), b.it.Action.At.Compare(a.it.Action.At), cmp.Compare(b.it.Seq, a.it.Seq))
	})
	for i := range lines {
		x := &lines[i]
		x.row = tabRow(outboxTab, x)
		x.row.Key = strconv.FormatUint(x.it.Seq, 10)
		x.row.Alert = x.it.State == credit.OutboxFailed
		x.row.Dept = x.dept
		x.row.Detail = outboxDetail(x)
	}
	return lines, pending, failed, sent
}

// outboxDetail is the line under the table for an item: the last error of
// one not yet accepted, or when one was accepted and the agency's receipt;
// then what was done to which record in full, by whom and when; then the
// attempts and the next try, or when the agency received it.
func outboxDetail(x *outboxLine) string {
	c, it, a := x.c, x.it, &x.it.Action
	what := strings.TrimSpace(x.name + " " + x.doc)
	d := c.f("ob.line", it.Seq, actionLabel(c, a.Type), what, cleanText(a.Officer), clock(a.At, x.today))
	if it.State != credit.OutboxSent {
		d += c.f("ob.tries", it.Attempts)
	}
	switch it.State {
	case credit.OutboxSent:
		// The agency's receipt leads, for the receipt column is the
		// first to give way (at 80 columns).
		lead := c.f("ob.accepted", x.sentClock())
		if it.RemoteID != "" {
			lead += c.f("ob.receipt", cleanText(it.RemoteID))
		}
		d = lead + c.t("ob.sep") + d
		if !it.ReceivedAt.IsZero() {
			d += c.f("ob.receivedat", clock(it.ReceivedAt, x.today))
		}
	case credit.OutboxPending:
		if !it.NextTry.IsZero() {
			d += c.f("ob.next", clock(it.NextTry, x.today))
		}
	}
	// What went wrong leads: the rest of a long line is cut at 80 columns.
	if e := cleanText(it.LastError); e != "" && it.State != credit.OutboxSent {
		d = e + c.t("ob.sep") + d
	}
	return d
}

// buildOutbox is the outbox view's rows and summary line, and the counts
// of items pending and failed.
func buildOutbox(in buildInput) (rows []Row, sum string, pending, failed int) {
	lines, pending, failed, sent := outboxLines(in)
	rows = make([]Row, len(lines))
	for i := range lines {
		rows[i] = lines[i].row
	}
	return rows, in.cat.f("ob.sum", pending, failed, sent), pending, failed
}
