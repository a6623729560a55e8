package credit

import "time"

// Repair is what the agencies report about the credit repair of one penalty
// record, plus what the bureau's officers recorded. Each date is zero until the
// step happened. It is keyed by the penalty's record key.
type Repair struct {
	RecordKey string `json:"record_key"`

	ReminderSent Date `json:"reminder_sent,omitempty"` // 到期提醒 sent to the enterprise

	// Credit China (信用中国).
	Applied  Date   `json:"applied,omitempty"`  // application submitted
	Reviewed Date   `json:"reviewed,omitempty"` // review finished
	Outcome  string `json:"outcome,omitempty"`  // "approved", "rejected" or "" while under review

	// 常州市企业安全生产管理信息系统.
	Cancelled Date `json:"cancelled,omitempty"` // bad record cancelled (注销) by the enterprise
	Regraded  Date `json:"regraded,omitempty"`  // credit grade recalculated

	// 国家企业信用信息公示系统, done by the bureau (Art. 10).
	NationalDone    Date   `json:"national_done,omitempty"`
	NationalReceipt string `json:"national_receipt,omitempty"`

	// Art. 11: a withdrawal request sent to another credit website.
	WithdrawalNote string `json:"withdrawal_note,omitempty"`

	// Fulfilled: the day the enterprise fulfilled the legal obligations of a
	// minor (轻微) penalty, as the bureau recorded it; from then it may apply
	// (国家发展改革委令第36号). Zero otherwise.
	Fulfilled Date `json:"fulfilled,omitempty"`

	UpdatedAt time.Time `json:"updated_at"`
}

// Review outcomes reported by Credit China.
const (
	OutcomeApproved = "approved"
	OutcomeRejected = "rejected"
)

// Open reports whether the repair can still become stuck, or fail to place
// in the pipeline: it has been applied for (or has any later step) and is
// neither rejected nor done in the national system. Rules.Pipeline never
// marks a repair that is not Open as stuck, and never fails on one.
func (r *Repair) Open() bool {
	if r.Outcome == OutcomeRejected {
		return false
	}
	if r.Outcome != "" && r.Outcome != OutcomeApproved {
		return true // an unknown outcome is an error Pipeline must report
	}
	if !r.NationalDone.IsZero() {
		return false
	}
	return !r.Applied.IsZero() || r.Outcome != "" || !r.Cancelled.IsZero() || !r.Regraded.IsZero()
}
