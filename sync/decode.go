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
	if it.Key == "" {
		return credit.Change{}, fmt.Errorf("item has no key")
	}
	if !utf8.ValidString(it.Key) || credit.Sanitize(it.Key) != it.Key {
		return credit.Change{}, fmt.Errorf("item key contains control characters or invalid UTF-8")
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
		r.SanitizeStrings()
		if string(r.Kind) != feed {
			return c, fmt.Errorf("record of kind %q in feed %q", r.Kind, feed)
		}
		if r.ID != it.Key {
			return c, fmt.Errorf("record %q served under key %q", r.ID, it.Key)
		}
		if r.Dept == "" {
			return c, fmt.Errorf("record has no department")
		}
		if r.Decided.IsZero() {
			return c, fmt.Errorf("record has no decision date")
		}
		c.Record = &r
	}
	return c, nil
}
