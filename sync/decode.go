package sync

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// maxRawQuarantine bounds the copy of a bad item kept in the quarantine.
const maxRawQuarantine = 4096

// decodePage turns a wire page into a store page: each item becomes a
// sanitised Change, or a Quarantined entry with the reason it was refused.
// It never fails as a whole because of one bad item.
func decodePage(endpoint, feed string, p *api.Page, at time.Time) *credit.Page {
	out := &credit.Page{Endpoint: endpoint, Feed: feed, NextCursor: p.NextCursor, FetchedAt: at}
	for i := range p.Items {
		c, err := decodeItem(feed, &p.Items[i])
		if err != nil {
			out.Quarantine = append(out.Quarantine, credit.Quarantined{
				Endpoint: endpoint, Feed: feed, Key: naturalKey(feed, credit.Sanitize(p.Items[i].Key)),
				Reason: credit.Sanitize(err.Error()), Raw: boundedRaw(p.Items[i].Data), At: at,
			})
			continue
		}
		out.Changes = append(out.Changes, c)
	}
	return out
}

// naturalKey maps a feed's item key to the key the store uses.
func naturalKey(feed, key string) string {
	if credit.Kind(feed).Valid() {
		return credit.RecordKey(credit.Kind(feed), key)
	}
	return key
}

func boundedRaw(b []byte) string {
	if len(b) > maxRawQuarantine {
		b = b[:maxRawQuarantine]
	}
	return credit.Sanitize(string(b))
}

func decodeItem(feed string, it *api.Item) (credit.Change, error) {
	if err := checkKey(it.Key); err != nil {
		return credit.Change{}, err
	}
	c := credit.Change{Op: it.Op, Key: naturalKey(feed, it.Key)}
	switch it.Op {
	case api.OpDelete:
		return c, nil
	case api.OpUpsert:
	default:
		return c, fmt.Errorf("unknown op %q", credit.Sanitize(it.Op))
	}
	if len(it.Data) == 0 {
		return c, fmt.Errorf("upsert without data")
	}
	switch feed {
	case credit.FeedSharing:
		var s credit.SharingEntry
		if err := json.Unmarshal(it.Data, &s); err != nil {
			return c, fmt.Errorf("decode sharing entry: %w", err)
		}
		s.SanitizeStrings()
		if s.Key() != it.Key {
			return c, fmt.Errorf("sharing entry %q served under key %q", s.Key(), it.Key)
		}
		if !s.Kind.Valid() || s.Received < 0 || s.Disclosed < 0 || s.Rejected < 0 {
			return c, fmt.Errorf("sharing entry has an unknown kind or negative counts")
		}
		c.Sharing = &s
	case credit.FeedRepair:
		var r credit.Repair
		if err := json.Unmarshal(it.Data, &r); err != nil {
			return c, fmt.Errorf("decode repair: %w", err)
		}
		r.SanitizeStrings()
		if r.RecordKey != it.Key {
			return c, fmt.Errorf("repair of %q served under key %q", r.RecordKey, it.Key)
		}
		c.Repair = &r
	default:
		var r credit.Record
		if err := json.Unmarshal(it.Data, &r); err != nil {
			return c, fmt.Errorf("decode record: %w", err)
		}
		if err := checkRecord(feed, it.Key, &r); err != nil {
			return c, err
		}
		c.Record = &r
	}
	return c, nil
}

// checkKey refuses an item key that is empty or not clean text.
func checkKey(key string) error {
	if key == "" {
		return fmt.Errorf("item has no key")
	}
	if !utf8.ValidString(key) || credit.Sanitize(key) != key {
		return fmt.Errorf("item key contains control characters or invalid UTF-8")
	}
	return nil
}

// checkRecord sanitises a decoded record of feed served under key and
// refuses it if it does not belong there or lacks what the views need.
func checkRecord(feed, key string, r *credit.Record) error {
	r.SanitizeStrings()
	if string(r.Kind) != feed {
		return fmt.Errorf("record of kind %q in feed %q", r.Kind, feed)
	}
	if r.ID != key {
		return fmt.Errorf("record %q served under key %q", r.ID, key)
	}
	if r.Dept == "" {
		return fmt.Errorf("record has no department")
	}
	if r.Decided.IsZero() {
		return fmt.Errorf("record has no decision date")
	}
	return nil
}

// recordPage is api.Page of a record feed with each item's data decoded
// as a record in the same pass over the body. Decoding the items one by
// one from api.Item's raw data scans each twice more (once to skip and
// copy it, once to validate it before decoding): at 1M records about 4 s
// of CPU in the sync's fetcher. One difference: where a body repeats a
// name within one object (JSON leaves the meaning open), item by item the
// last "data" wins, here the fields of all are merged; either way the
// record passes the same checks.
type recordPage struct {
	Feed       string       `json:"feed"`
	Items      []recordItem `json:"items"`
	NextCursor string       `json:"next_cursor"`
	HasMore    bool         `json:"has_more"`
	ServerTime time.Time    `json:"server_time"`
}

type recordItem struct {
	Op   string         `json:"op"`
	Key  string         `json:"key"`
	Data *credit.Record `json:"data,omitempty"`
}

// wirePage is a fetched page: api.Page, or, when every item of a record
// feed's page decoded and passed the checks in one pass (decodeRecordPage),
// its header and the items as changes already.
type wirePage struct {
	api.Page // without Items if changes is set
	changes  []credit.Change
	decoded  bool
}

// decodeRecordPage decodes body as a page of record feed feed in one pass.
// It reports false if the body or any item does not decode or is refused;
// the caller then decodes the page item by item (decodePage), which
// quarantines what it refuses with the reason. An item accepted here is
// the change decodeItem makes of it.
func decodeRecordPage(feed string, body []byte) (*wirePage, bool) {
	var rp recordPage
	if json.Unmarshal(body, &rp) != nil {
		return nil, false
	}
	wp := &wirePage{Page: api.Page{Feed: rp.Feed, NextCursor: rp.NextCursor, HasMore: rp.HasMore, ServerTime: rp.ServerTime}, decoded: true}
	if len(rp.Items) > 0 {
		wp.changes = make([]credit.Change, 0, len(rp.Items))
	}
	for i := range rp.Items {
		it := &rp.Items[i]
		if checkKey(it.Key) != nil {
			return nil, false
		}
		c := credit.Change{Op: it.Op, Key: naturalKey(feed, it.Key)}
		switch it.Op {
		case api.OpDelete:
		case api.OpUpsert:
			if it.Data == nil || checkRecord(feed, it.Key, it.Data) != nil {
				return nil, false
			}
			c.Record = it.Data
		default:
			return nil, false
		}
		wp.changes = append(wp.changes, c)
	}
	return wp, true
}

// storePage is the store's page of a fetched page (see decodePage).
func (wp *wirePage) storePage(endpoint, feed string, at time.Time) *credit.Page {
	if !wp.decoded {
		return decodePage(endpoint, feed, &wp.Page, at)
	}
	return &credit.Page{Endpoint: endpoint, Feed: feed, NextCursor: wp.NextCursor, FetchedAt: at, Changes: wp.changes}
}
