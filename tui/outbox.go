package tui

import (
	"strconv"

	"github.com/czyj/credwatch/credit"
)

// ---- 待发送 (the outbox) ----

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

// actionObject is what an action concerns: its record, or the day signed off.
func actionObject(a *credit.Action) string {
	if a.RecordKey != "" {
		return cleanText(a.RecordKey)
	}
	return a.Date.String()
}

// buildOutbox lists the actions not yet accepted by the agencies: pending
// ones (retried automatically) and failed ones (retried by hand), in the
// Store's order (newest first). Sent actions are counted, not listed.
func buildOutbox(in buildInput) (rows []Row, sum string, pending, failed int) {
	c := in.cat
	sent := 0
	for _, it := range in.outbox {
		var state string
		switch it.State {
		case credit.OutboxPending:
			pending++
			state = symSyncing + " " + c.t("ob.pending")
		case credit.OutboxFailed:
			failed++
			state = symBad + " " + c.t("ob.failed")
		default:
			sent++
			continue
		}
		a := &it.Action
		errText := cleanText(it.LastError)
		detail := c.f("ob.detail", it.Seq, actionLabel(c, a.Type), actionObject(a), cleanText(a.Officer), clock(a.At, in.today), it.Attempts)
		if !it.NextTry.IsZero() && it.State == credit.OutboxPending {
			detail += c.f("ob.next", clock(it.NextTry, in.today))
		}
		if errText != "" {
			detail += "; " + errText
		}
		rows = append(rows, Row{
			Key: strconv.FormatUint(it.Seq, 10),
			Cells: []string{strconv.FormatUint(it.Seq, 10), clock(a.At, in.today), actionLabel(c, a.Type), actionObject(a),
				cleanText(a.Officer), state, strconv.Itoa(it.Attempts), errText},
			Alert:  it.State == credit.OutboxFailed,
			Detail: detail,
		})
	}
	return rows, c.f("ob.sum", pending, failed, sent), pending, failed
}

func outboxColumns(c catalog) []Column {
	return []Column{
		{Title: c.t("col.seq"), Right: true},
		{Title: c.t("col.time")},
		{Title: c.t("col.action"), Min: 8},
		{Title: c.t("col.object"), Min: 10},
		{Title: c.t("col.officer"), Min: 4, Drop: 1},
		{Title: c.t("col.state")},
		{Title: c.t("col.attempts"), Right: true},
		{Title: c.t("col.lasterr"), Min: 8},
	}
}
