package sync

import "github.com/czyj/credwatch/credit"

// Event reports sync progress; it is the domain's event-log entry.
type Event = credit.Event

// EventType says what happened.
type EventType = credit.EventType

// Event types the engine produces.
const (
	EventPage   = credit.EventPage
	EventDone   = credit.EventDone
	EventError  = credit.EventError
	EventResync = credit.EventResync
)
