package credit

import "time"

// EndpointStatus is what the sync engine knows about one configured endpoint.
type EndpointStatus struct {
	Name        string    `json:"name"`
	Feeds       []string  `json:"feeds"`
	LastAttempt time.Time `json:"last_attempt"`
	LastSuccess time.Time `json:"last_success"`
	LastError   string    `json:"last_error,omitempty"`
	ErrorSince  time.Time `json:"error_since"` // start of the current run of failures
	Failures    int       `json:"failures"`    // consecutive failures
	Items       int64     `json:"items"`       // items applied since the cache was created
}

// Healthy reports whether the last attempt succeeded.
func (s EndpointStatus) Healthy() bool { return s.LastError == "" && !s.LastSuccess.IsZero() }

// DeptStats aggregates what the cache holds for one department; the store
// maintains it at write time so views need not scan records.
type DeptStats struct {
	Dept         string             `json:"dept"`
	Records      map[Kind]int       `json:"records"`
	LastReceived time.Time          `json:"last_received"` // when sync last stored a record of this department
	LastChange   map[Kind]time.Time `json:"last_change"`   // newest UpdatedAt per kind
}
