// Package api holds the wire types of the agency API v1 (docs/agency-api.md),
// shared by the sync client and the simulator so the two cannot drift apart.
package api

import (
	"encoding/json"
	"time"

	"github.com/czyj/credwatch/credit"
)

// Version is the path prefix of this contract.
const Version = "v1"

// FeedPath returns the path of a feed: /v1/feeds/{feed}. The feeds are
// credit.Feeds: record feeds carry credit.Record, credit.FeedSharing
// carries credit.SharingEntry and credit.FeedRepair carries credit.Repair.
func FeedPath(feed string) string { return "/" + Version + "/feeds/" + feed }

// Item operations: the domain's (credit.OpUpsert, credit.OpDelete), as
// they are spelled on the wire.
const (
	OpUpsert = credit.OpUpsert // create or replace the item with this key
	OpDelete = credit.OpDelete // the item was withdrawn at the source; data is absent
)

// Page is one response of GET /v1/feeds/{feed}?cursor=C&limit=N: the changes
// after cursor C in the order they happened. A client stores NextCursor with
// the page's items and asks again while HasMore is true.
type Page = PageOf[json.RawMessage]

// Item is one change: an upsert carrying the full current item, or a delete.
type Item = ItemOf[json.RawMessage]

// PageOf is the one definition of a feed page on the wire, its items' data
// of type D: json.RawMessage for any feed (Page), or a feed's own type
// (credit.Record for a record feed) for a client that decodes the page and
// its items' data in one pass. Every D gives the same JSON.
type PageOf[D any] struct {
	Feed       string      `json:"feed"`
	Items      []ItemOf[D] `json:"items"`
	NextCursor string      `json:"next_cursor"`
	HasMore    bool        `json:"has_more"`
	ServerTime time.Time   `json:"server_time"`
}

// ItemOf is one change of a PageOf[D]: an upsert carrying the full current
// item as Data, or a delete (Data absent).
type ItemOf[D any] struct {
	Op   string `json:"op"`
	Key  string `json:"key"`
	Data D      `json:"data,omitempty"`
}

// ErrorBody is the body of every non-2xx response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong; Code is stable, Message is for people.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// MaxLimit is the largest page a server must honour; DefaultLimit is used
// when the client sends none.
const (
	MaxLimit     = 1000
	DefaultLimit = 200
)
