package credit

import "time"

// ActionType names what an officer did.
type ActionType string

const (
	ActionSignoff      ActionType = "signoff"              // the daily check is signed off (Art. 6)
	ActionReminder     ActionType = "reminder_sent"        // 到期提醒 sent to the enterprise (Art. 7)
	ActionNationalDone ActionType = "national_repair_done" // bureau's repair in 国家企业信用信息公示系统 done (Art. 10)
	ActionWithdrawal   ActionType = "withdrawal_requested" // another credit website asked to withdraw (Art. 11)
	// ActionFulfilled: the enterprise has fulfilled the legal obligations of
	// a minor (轻微) penalty, which makes it repairable (国家发展改革委令第36号:
	// 法定责任履行完毕即可申请修复). Date is the day they were fulfilled.
	ActionFulfilled ActionType = "obligations_fulfilled"
)

// Action is one thing an officer did. It is stored in the cache before the
// UI confirms it and then sent to the agencies through the outbox; ID is the
// idempotency key, so a resend never applies twice.
type Action struct {
	ID        string     `json:"id"`
	Type      ActionType `json:"type"`
	Officer   string     `json:"officer"`
	At        time.Time  `json:"at"`   // when the officer did it
	Date      Date       `json:"date"` // the day it concerns (signoff: the day checked)
	RecordKey string     `json:"record_key,omitempty"`
	Receipt   string     `json:"receipt,omitempty"`
	Website   string     `json:"website,omitempty"`
	Note      string     `json:"note,omitempty"`
	Depts     []string   `json:"departments,omitempty"`
	Failed    int        `json:"failed,omitempty"` // signoff: checklist items failing when signed (kept locally)
}

// OutboxState is where an action is on its way to the agencies.
type OutboxState string

const (
	OutboxPending OutboxState = "pending" // not yet accepted; retried automatically
	OutboxSent    OutboxState = "sent"    // accepted by the endpoint
	OutboxFailed  OutboxState = "failed"  // refused for good (e.g. validation); retry by hand after fixing
)

// OutboxItem is an action and its delivery state.
type OutboxItem struct {
	Seq       uint64      `json:"seq"`
	Action    Action      `json:"action"`
	State     OutboxState `json:"state"`
	Attempts  int         `json:"attempts"`
	LastError string      `json:"last_error,omitempty"`
	NextTry   time.Time   `json:"next_try"`
	SentAt    time.Time   `json:"sent_at"`
	// The agency's receipt of an accepted action: the id it stored the
	// action under and when it says it received it (api.ActionResult's
	// id and received_at). Zero until sent; items sent before the receipt
	// time was kept have RemoteID only.
	RemoteID   string    `json:"remote_id,omitempty"`
	ReceivedAt time.Time `json:"received_at,omitzero"`
}

// Signoff is the record that an officer checked the data-sharing list for
// their departments on Date (Art. 6).
type Signoff struct {
	Date     Date      `json:"date"`
	Officer  string    `json:"officer"`
	Depts    []string  `json:"departments"`
	Note     string    `json:"note,omitempty"`
	At       time.Time `json:"at"`
	Failed   int       `json:"failed"` // checklist items failing when signed
	ActionID string    `json:"action_id"`
}

// ApplyActions overlays officers' actions on a repair so views show them at
// once, before the agencies report them back. Reported values win.
func ApplyActions(rep *Repair, acts []Action) {
	for _, a := range acts {
		switch a.Type {
		case ActionReminder:
			if rep.ReminderSent.IsZero() {
				rep.ReminderSent = a.Date
			}
		case ActionNationalDone:
			if rep.NationalDone.IsZero() {
				rep.NationalDone, rep.NationalReceipt = a.Date, a.Receipt
			}
		case ActionFulfilled:
			if rep.Fulfilled.IsZero() {
				rep.Fulfilled = a.Date
			}
		case ActionWithdrawal:
			if rep.WithdrawalNote == "" {
				rep.WithdrawalNote = a.Website + " " + a.Note
			}
		}
	}
}
