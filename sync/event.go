package sync

import "time"

// EventType says what happened.
type EventType string

const (
	EventPage   EventType = "page"   // a page was stored
	EventDone   EventType = "done"   // an endpoint finished a pass with no error
	EventError  EventType = "error"  // an endpoint's pass failed; it will retry after Retry
	EventResync EventType = "resync" // the endpoint expired our cursor; the feed is fetched anew
)

// Event reports sync progress to the UI and the event log.
type Event struct {
	At       time.Time
	Endpoint string
	Feed     string
	Type     EventType
	Items    int           // items stored (EventPage) or quarantined
	Err      string        // EventError: what failed
	Retry    time.Duration // EventError: wait before the next attempt
}
