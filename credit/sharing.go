package credit

import "time"

// SharingEntry is one row of the data-sharing list (数据共享清单): what the
// city platform holds of one department's records of one kind.
type SharingEntry struct {
	Dept       string      `json:"dept"`
	Kind       Kind        `json:"kind"`
	Received   int         `json:"received"`  // records the platform received from the source system
	Disclosed  int         `json:"disclosed"` // of those, publicly disclosed
	Rejected   int         `json:"rejected"`  // of those, rejected by the platform
	LastPush   time.Time   `json:"last_push"` // last time the source system pushed data
	Rejections []Rejection `json:"rejections,omitempty"`
	UpdatedAt  time.Time   `json:"updated_at"`
}

// Rejection is one record the platform refused, with its reason.
type Rejection struct {
	RecordID string `json:"record_id"`
	Reason   string `json:"reason"`
}

// SharingKey is the natural key of a sharing-list row, "dept/kind".
func SharingKey(dept string, k Kind) string { return dept + "/" + string(k) }

// Key returns the entry's natural key.
func (s *SharingEntry) Key() string { return SharingKey(s.Dept, s.Kind) }
