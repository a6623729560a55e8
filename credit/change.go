package credit

import (
	"slices"
	"time"
)

// Feed names an agency feed: each of the five record kinds is a feed named
// by its Kind, and two more carry the sharing list and repair status.
const (
	FeedSharing = "sharing"
	FeedRepair  = "repair"
)

// Feeds lists every feed a full hub serves, record kinds first. It is the
// one list of feed names: the agency API, its simulator and the
// configuration check all use it. Callers must not modify it.
var Feeds = []string{string(Licence), string(Penalty), string(Coercion), string(Reward), string(Inspection), FeedSharing, FeedRepair}

// ValidFeed reports whether f is one of Feeds.
func ValidFeed(f string) bool { return slices.Contains(Feeds, f) }

// Change operations.
const (
	OpUpsert = "upsert" // create or replace the item with this key
	OpDelete = "delete" // the item was withdrawn at its source
)

// Change is one decoded, validated item of a feed page. Exactly one of
// Record, Sharing and Repair is set for an upsert, none for a delete.
type Change struct {
	Op      string
	Key     string // natural key: Record.Key(), SharingEntry.Key() or Repair.RecordKey
	Record  *Record
	Sharing *SharingEntry
	Repair  *Repair
}

// Page is what the sync engine hands the store in one transaction: the
// changes of one page of one endpoint's feed, and the cursor that follows it.
type Page struct {
	Endpoint   string
	Feed       string
	Changes    []Change
	Quarantine []Quarantined // items that failed decoding or validation
	NextCursor string
	FetchedAt  time.Time
	// WalkEnd: the page's has_more was false, so the walk of the feed
	// reached its end with it. The store then records the feed's walk as
	// complete and finishes a re-walk in progress (BeginRewalk).
	WalkEnd bool
}

// Quarantined is an item kept aside because it failed decoding or validation,
// with the reason; it is never silently dropped.
type Quarantined struct {
	Endpoint string    `json:"endpoint"`
	Feed     string    `json:"feed"`
	Key      string    `json:"key"`
	Reason   string    `json:"reason"`
	Raw      string    `json:"raw"` // sanitised and bounded copy of the item
	At       time.Time `json:"at"`
}

// Snapshot is a consistent read of everything the views need, taken in one
// read transaction.
type Snapshot struct {
	Sharing    []SharingEntry
	Endpoints  []EndpointStatus
	Depts      []DeptStats
	Penalties  Penalties // every penalty, in key order
	Repairs    Repairs   // by penalty record key
	Quarantine int
	Counts     map[Kind]int
	// Outbox: officers' actions not yet accepted, and refused ones.
	OutboxPending int
	OutboxFailed  int
	TakenAt       time.Time
	// Generation is the cache's data generation when it was read: it
	// changes with every write of what the views show (records, repairs,
	// the sharing list, quarantine, officers' actions) and not with
	// endpoint status alone. 0: unknown (never equal to a later read's).
	Generation uint64
	// Cache identifies the cache the snapshot was read from: a random id
	// made when the cache was created. Generations compare only between
	// snapshots of one cache (a cache moved aside and synced again counts
	// from the start). "": unknown.
	Cache string
}

// Store is the cache the sync engine writes and the views read. The store
// package implements it on bbolt.
type Store interface {
	// Cursor returns the stored cursor of an endpoint's feed ("" if none).
	Cursor(endpoint, feed string) (string, error)
	// ApplyPage writes a page's changes, their indexes and aggregates, its
	// quarantined items, the cursor and the endpoint's success, atomically.
	ApplyPage(p *Page) error
	// ApplyPages writes several pages in order, atomically as a whole, each
	// as ApplyPage would.
	ApplyPages(ps []*Page) error
	// SaveEndpointStatus records an attempt's outcome for an endpoint.
	SaveEndpointStatus(st EndpointStatus) error
	// EndpointStatus returns the stored status of an endpoint (zero if none).
	EndpointStatus(name string) (EndpointStatus, error)
	// AppendEvent adds an event to the shared event log.
	AppendEvent(ev Event) error
	// BeginRewalk starts (or restarts) walking an endpoint's feed from the
	// beginning, keeping its items until the walk ends: the page with
	// WalkEnd then removes, atomically, the items the walk did not name.
	BeginRewalk(endpoint, feed string) error
	// DueActions returns pending outbox items due at now, oldest first.
	DueActions(now time.Time) ([]OutboxItem, error)
	// UpdateOutbox records an outbox item's delivery state.
	UpdateOutbox(it OutboxItem) error
	// Snapshot reads what the views show, consistently.
	Snapshot() (*Snapshot, error)
}
