package api

import (
	"time"

	"github.com/czyj/credwatch/credit"
)

// ActionsPath is the path of the write endpoint: POST /v1/actions.
const ActionsPath = "/" + Version + "/actions"

// IdempotencyKeyHeader names the request header that makes POST /v1/actions
// safe to retry: the client generates one key (e.g. a UUID) per action and
// sends it with every attempt. ReplayedHeader is set to "true" on a 200
// answer that repeats the stored result of an earlier request.
const (
	IdempotencyKeyHeader = "Idempotency-Key"
	ReplayedHeader       = "Idempotent-Replayed"
)

// Limits of POST /v1/actions.
const (
	MaxActionBytes       = 64 << 10 // request body
	MaxIdempotencyKeyLen = 255      // printable ASCII, no spaces
	MaxActionTextRunes   = 500      // note
	MaxActionNameRunes   = 100      // officer, receipt, website, record_key
	MaxActionDepartments = 50
)

// Action types: what an officer did.
const (
	ActionSignoff              = "signoff"               // the daily check of the data-sharing list (Art. 6)
	ActionReminderSent         = "reminder_sent"         // 到期提醒 sent to the enterprise (Art. 7)
	ActionNationalRepairDone   = "national_repair_done"  // repaired in 国家企业信用信息公示系统 (Art. 10)
	ActionWithdrawalRequested  = "withdrawal_requested"  // another credit website asked to withdraw (Art. 11)
	ActionObligationsFulfilled = "obligations_fulfilled" // a minor penalty's legal obligations fulfilled (Order No. 36)
)

// ActionTypes lists the action types of v1.
var ActionTypes = []string{ActionSignoff, ActionReminderSent, ActionNationalRepairDone, ActionWithdrawalRequested, ActionObligationsFulfilled}

// Action is the body of POST /v1/actions. Type says which fields are used;
// docs/agency-api.md lists them per type. A server refuses fields the type
// does not use, so a zero field must stay zero (it is then omitted).
type Action struct {
	Type        string      `json:"type"`
	Date        credit.Date `json:"date,omitempty"`        // signoff, reminder_sent, national_repair_done
	Officer     string      `json:"officer,omitempty"`     // signoff
	Departments []string    `json:"departments,omitempty"` // signoff: department IDs checked
	RecordKey   string      `json:"record_key,omitempty"`  // reminder_sent, national_repair_done, withdrawal_requested: "penalty/<id>"
	Receipt     string      `json:"receipt,omitempty"`     // national_repair_done: receipt number of the national system
	Website     string      `json:"website,omitempty"`     // withdrawal_requested: the site asked to withdraw
	Note        string      `json:"note,omitempty"`        // signoff, withdrawal_requested
}

// ActionResult is the answer to POST /v1/actions: the stored action. The
// first request with a key gets it with 201 Created; a replay of the same
// key and body gets the identical body with 200 OK.
type ActionResult struct {
	ID             string    `json:"id"`
	ReceivedAt     time.Time `json:"received_at"`
	IdempotencyKey string    `json:"idempotency_key"`
	Action         Action    `json:"action"`
}

// ActionErrorBody is the error body of POST /v1/actions: an ErrorBody whose
// detail may also name the request field at fault. Clients that decode
// every error into ErrorBody simply do not see Field.
type ActionErrorBody struct {
	Error ActionErrorDetail `json:"error"`
}

// ActionErrorDetail is ErrorDetail plus Field: the JSON member at fault
// ("date", "departments[1]") or the header ("Idempotency-Key").
type ActionErrorDetail struct {
	ErrorDetail
	Field string `json:"field,omitempty"`
}
