package credit

import "time"

// EventType says what happened.
type EventType string

const (
	EventPage   EventType = "page"   // a page was stored
	EventDone   EventType = "done"   // an endpoint finished a pass with no error
	EventError  EventType = "error"  // an endpoint's pass failed; it will retry after Retry
	EventResync EventType = "resync" // the endpoint expired our cursor; the feed is fetched anew
	// EventResyncDone: a feed's re-walk reached its end; Items is how many
	// cached items it did not deliver and were removed.
	EventResyncDone EventType = "resync-done"

	EventAction       EventType = "action"        // an officer's action was recorded (outbox)
	EventActionSent   EventType = "action-sent"   // the agencies accepted it
	EventActionFailed EventType = "action-failed" // the agencies refused it for good

	// The audit trail of `credwatch serve`: Actor is the officer named by
	// the SSH key, Message says from where and what.
	EventSSHLogin      EventType = "ssh-login"      // a connection authenticated with an officer's key
	EventSSHLogout     EventType = "ssh-logout"     // that connection closed
	EventSSHConnect    EventType = "ssh-connect"    // an officer's SSH session began (terminal or command)
	EventSSHCommand    EventType = "ssh-command"    // a session without a terminal ran a command
	EventSSHDisconnect EventType = "ssh-disconnect" // the session ended
	EventSSHRefused    EventType = "ssh-refused"    // a connection, session or request was refused; Message says which and why
	EventSSHKeys       EventType = "ssh-keys"       // the authorised keys file was loaded; Err lists refused lines
)

// Event is one line of the sync event log: what the sync engine did, and
// later what officers did. The store keeps the log so that other processes
// (a second TUI, `credwatch tail -f`) see it too.
type Event struct {
	Seq      uint64        `json:"seq,omitempty"` // position in the log, assigned by the store (none in the serve audit trail)
	At       time.Time     `json:"at"`
	Type     EventType     `json:"type"`
	Endpoint string        `json:"endpoint,omitempty"`
	Feed     string        `json:"feed,omitempty"`
	Items    int           `json:"items,omitempty"`       // items stored (EventPage)
	Bad      int           `json:"quarantined,omitempty"` // items quarantined (EventPage)
	Err      string        `json:"error,omitempty"`       // EventError: what failed
	Retry    time.Duration `json:"retry_ns,omitempty"`    // EventError: wait before the next attempt
	Actor    string        `json:"actor,omitempty"`       // who did it, for officer actions
	Message  string        `json:"message,omitempty"`     // free text, sanitised
	// Depts are the departments an officer's action concerns (the
	// record's, or a sign-off's), so that a view scoped to departments
	// shows only its own officers' actions.
	Depts []string `json:"departments,omitempty"`
}
