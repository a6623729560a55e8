package sync

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// maxRawQuarantine bounds the copy of a bad item kept in the quarantine.
const maxRawQuarantine = 4096

// decodeRawPage turns a page read item by item (splitPage) into a store
// page: each item becomes a sanitised Change, or a Quarantined entry with
// the reason it was refused. It never fails as a whole because of one bad
// item, whatever the item holds.
func decodeRawPage(endpoint, feed string, env *api.Page, items [][]byte, at time.Time) *credit.Page {
	out := &credit.Page{Endpoint: endpoint, Feed: feed, NextCursor: env.NextCursor, FetchedAt: at, WalkEnd: !env.HasMore}
	for _, raw := range items {
		c, q := decodeRawItem(endpoint, feed, raw, at)
		if q != nil {
			out.Quarantine = append(out.Quarantine, *q)
			continue
		}
		out.Changes = append(out.Changes, c)
	}
	return out
}

// decodeRawItem decodes one item of a page from its raw bytes, or says
// why it is refused. An item is refused with its raw bytes when it is not
// an object, when its key or op is missing or not a string, when its key
// is not clean text as sent (invalid UTF-8, an escaped lone surrogate,
// U+FFFD, control characters: such a key could not be matched later, and
// two of them could collapse into one), or when its data is refused.
func decodeRawItem(endpoint, feed string, raw []byte, at time.Time) (credit.Change, *credit.Quarantined) {
	refuse := func(key, reason string, raw []byte) (credit.Change, *credit.Quarantined) {
		return credit.Change{}, &credit.Quarantined{Endpoint: endpoint, Feed: feed, Key: key,
			Reason: credit.Sanitize(reason), Raw: boundedRaw(raw), At: at}
	}
	ms, err := objectMembers(raw)
	if err != nil {
		return refuse(naturalKey(feed, anonKey(raw)), "item is not a JSON object", raw)
	}
	var keyRaw, opRaw, dataRaw []byte
	for _, m := range ms { // the last of a repeated name wins, as in encoding/json
		switch m.name {
		case "key":
			keyRaw = raw[m.start:m.end]
		case "op":
			opRaw = raw[m.start:m.end]
		case "data":
			dataRaw = raw[m.start:m.end]
		}
	}
	var it api.Item
	if keyRaw == nil {
		return refuse(naturalKey(feed, anonKey(raw)), "item has no key", raw)
	}
	if err := json.Unmarshal(keyRaw, &it.Key); err != nil {
		return refuse(naturalKey(feed, escapeRaw(keyRaw)), fmt.Sprintf("item key is not a JSON string: %s", escapeRaw(bounded(keyRaw, 80))), raw)
	}
	if err := checkRawKey(keyRaw, it.Key); err != nil {
		// Named by the key as sent (the string's bytes between the quotes,
		// escapes and invalid bytes shown as such), so two keys that
		// decode alike stay two entries.
		return refuse(naturalKey(feed, escapeRaw(keyRaw[1:len(keyRaw)-1])), err.Error(), raw)
	}
	if opRaw == nil || json.Unmarshal(opRaw, &it.Op) != nil {
		return refuse(naturalKey(feed, it.Key), fmt.Sprintf("item op is missing or not a JSON string: %s", escapeRaw(bounded(opRaw, 80))), raw)
	}
	if string(dataRaw) != "null" {
		it.Data = dataRaw
	}
	c, err := decodeItem(feed, &it)
	if err != nil {
		if it.Data == nil {
			return refuse(naturalKey(feed, it.Key), err.Error(), raw)
		}
		return refuse(naturalKey(feed, it.Key), err.Error(), it.Data)
	}
	return c, nil
}

// checkRawKey refuses a key that is not clean text as the endpoint sent
// it: raw is the JSON string token, key what encoding/json made of it
// (which turns invalid UTF-8 and lone surrogates into U+FFFD).
func checkRawKey(raw []byte, key string) error {
	if !utf8.Valid(raw) {
		return fmt.Errorf("item key %s is not valid UTF-8", escapeRaw(bounded(raw, 200)))
	}
	if err := checkKey(key); err != nil {
		return fmt.Errorf("%w: %s", err, escapeRaw(bounded(raw, 200)))
	}
	return nil
}

// anonKey names an item whose key cannot be read: a hash of its bytes,
// so two different such items never share a quarantine entry.
func anonKey(raw []byte) string {
	sum := sha256.Sum256(raw)
	return "#" + hex.EncodeToString(sum[:8])
}

// escapeRaw shows bytes as printable text that keeps them apart: valid
// printable UTF-8 as is, each invalid byte as \xNN, each control or
// bidirectional character as \u{N}.
func escapeRaw(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&sb, `\x%02x`, b[i])
		case r == utf8.RuneError || credit.Sanitize(string(r)) != string(r):
			fmt.Fprintf(&sb, `\u{%x}`, r)
		default:
			sb.WriteRune(r)
		}
		i += n
	}
	return sb.String()
}

func bounded(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// naturalKey maps a feed's item key to the key the store uses.
func naturalKey(feed, key string) string {
	if credit.Kind(feed).Valid() {
		return credit.RecordKey(credit.Kind(feed), key)
	}
	return key
}

// boundedRaw is the quarantine's copy of an item's bytes: at most
// maxRawQuarantine of them, shown as escapeRaw does.
func boundedRaw(b []byte) string {
	return credit.Sanitize(escapeRaw(bounded(b, maxRawQuarantine)))
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
	if !utf8.ValidString(key) || strings.ContainsRune(key, utf8.RuneError) || credit.Sanitize(key) != key {
		return fmt.Errorf("item key contains control characters, invalid UTF-8 or U+FFFD")
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
type recordPage = api.PageOf[*credit.Record]

// wirePage is a fetched page: its header (api.Page without items) and,
// when every item of a record feed's page decoded and passed the checks in
// one pass (decodeRecordPage), the items as changes already; otherwise the
// raw bytes of each item, decoded one by one (decodeRawPage).
type wirePage struct {
	api.Page // without Items
	changes  []credit.Change
	raws     [][]byte
	decoded  bool
	// quarantine holds the items a Source read that were refused
	// (decoded pages from HTTP have none: one refusal there decodes the
	// page item by item).
	quarantine []credit.Quarantined
}

// decodeRecordPage decodes body as a page of record feed feed in one pass.
// It reports false if the body or any item does not decode or is refused;
// the caller then decodes the page item by item (decodePage), which
// quarantines what it refuses with the reason. An item accepted here is
// the change decodeItem makes of it.
func decodeRecordPage(feed string, body []byte) (*wirePage, bool) {
	rp, ok := fastRecordPage(body) // fastpage.go
	if !ok {
		rp = recordPage{}
		if json.Unmarshal(body, &rp) != nil {
			return nil, false
		}
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

// storePage is the store's page of a fetched page.
func (wp *wirePage) storePage(endpoint, feed string, at time.Time) *credit.Page {
	if !wp.decoded {
		return decodeRawPage(endpoint, feed, &wp.Page, wp.raws, at)
	}
	return &credit.Page{Endpoint: endpoint, Feed: feed, NextCursor: wp.NextCursor, FetchedAt: at, Changes: wp.changes,
		Quarantine: wp.quarantine, WalkEnd: !wp.HasMore}
}

// items is how many items the page holds.
func (wp *wirePage) items() int {
	if wp.decoded {
		return len(wp.changes) + len(wp.quarantine)
	}
	return len(wp.raws)
}

// CheckItem is the check every record item of the agency API passes before
// it is stored: its key must be clean text, and the record (sanitised in
// place) must be of kind feed, carry key as its id, and have a department
// and a decision date. Other sources of records (sync/sheet) call it so
// that what they refuse is exactly what an endpoint's item would be
// refused for; what passes is stored and judged by credit.CheckRecord
// like any record.
func CheckItem(feed, key string, r *credit.Record) error {
	if err := checkKey(key); err != nil {
		return err
	}
	return checkRecord(feed, key, r)
}
