package store

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// CheckData gathers, in one read transaction and from the indexes only
// (no record is decoded), what the daily check needs: records received since
// since, cached counts, the sharing list, undisclosed records, records
// disclosed since since, records with quality issues (including duplicate
// document numbers), repairs with their departments and officers' actions
// applied, and endpoint statuses.
func (db *DB) CheckData(since time.Time) (*credit.CheckData, error) {
	d := &credit.CheckData{Since: since, Received: map[string]map[credit.Kind]int{}, Cached: map[string]map[credit.Kind]int{}}
	err := db.view(func(tx *bolt.Tx) error {
		ref := func(key []byte) (credit.RecordRef, bool, error) {
			m, ok, err := getMeta(tx, key)
			return credit.RecordRef{Key: string(key), Dept: m.Dept, Kind: m.Kind, Decided: m.Decided, Disclosed: m.Disclosed, Issues: m.Issues}, ok, err
		}
		c := tx.Bucket(bReceived).Cursor()
		for k, v := c.Seek(u64(uint64(since.UnixNano()))); k != nil; k, v = c.Next() {
			if dept, kind, ok := parseReceived(v); ok {
				inc(d.Received, dept, kind)
				continue
			}
			r, ok, err := ref(k[8:])
			if err != nil {
				return err
			}
			if ok {
				inc(d.Received, r.Dept, r.Kind)
			}
		}
		if err := eachJSON(tx.Bucket(bDeptStats), nil, func(s *credit.DeptStats) {
			for k, n := range s.Records {
				if d.Cached[s.Dept] == nil {
					d.Cached[s.Dept] = map[credit.Kind]int{}
				}
				d.Cached[s.Dept][k] = n
			}
		}); err != nil {
			return err
		}
		if err := eachJSON(tx.Bucket(bSharing), nil, func(s *credit.SharingEntry) { d.Sharing = append(d.Sharing, *s) }); err != nil {
			return err
		}
		if err := eachJSON(tx.Bucket(bEndpoints), nil, func(e *credit.EndpointStatus) { d.Endpoints = append(d.Endpoints, *e) }); err != nil {
			return err
		}
		add := func(dst *[]credit.RecordRef, key []byte) error {
			r, ok, err := ref(key)
			if ok {
				*dst = append(*dst, r)
			}
			return err
		}
		if err := tx.Bucket(bUndisclosed).ForEach(func(k, _ []byte) error { return add(&d.Undisclosed, k[4:]) }); err != nil {
			return err
		}
		from := make([]byte, 4)
		binary.BigEndian.PutUint32(from, uint32(credit.DateOf(since)))
		dc := tx.Bucket(bDisclosed).Cursor()
		for k, _ := dc.Seek(from); k != nil; k, _ = dc.Next() {
			if err := add(&d.LateDisclosed, k[4:]); err != nil {
				return err
			}
		}
		dups := duplicateKeys(tx)
		if err := tx.Bucket(bQuality).ForEach(func(k, _ []byte) error {
			delete(dups, string(k))
			return add(&d.Quality, k)
		}); err != nil {
			return err
		}
		for key := range dups {
			if err := add(&d.Quality, []byte(key)); err != nil {
				return err
			}
		}
		for i := range d.Quality {
			if dupOf(tx, d.Quality[i].Key) {
				d.Quality[i].Issues = append(d.Quality[i].Issues, credit.IssueDuplicateDocNo)
			}
		}
		repairs := map[string]credit.Repair{}
		if err := eachJSON(tx.Bucket(bRepairs), nil, func(r *credit.Repair) { repairs[r.RecordKey] = *r }); err != nil {
			return err
		}
		if err := overlayActions(tx, repairs); err != nil {
			return err
		}
		for key, rep := range repairs {
			m, _, err := getMeta(tx, []byte(key))
			if err != nil {
				return err
			}
			d.Repairs = append(d.Repairs, credit.RepairRef{Dept: m.Dept, Repair: rep})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read daily-check data from %s: %w", db.path, err)
	}
	return d, nil
}

func inc(m map[string]map[credit.Kind]int, dept string, k credit.Kind) {
	if m[dept] == nil {
		m[dept] = map[credit.Kind]int{}
	}
	m[dept][k]++
}

// duplicateKeys returns the record keys that share their kind and document
// number with another record, from the doc-number index (adjacent keys).
func duplicateKeys(tx *bolt.Tx) map[string]bool {
	out := map[string]bool{}
	var prevGroup, prevKey string
	_ = tx.Bucket(bByDocNo).ForEach(func(k, _ []byte) error {
		s := string(k)
		i := strings.LastIndexByte(s, 0)
		group, key := s[:i], s[i+1:]
		if group == prevGroup {
			out[prevKey], out[key] = true, true
		}
		prevGroup, prevKey = group, key
		return nil
	})
	return out
}

// dupOf reports whether the record with key shares its document number.
func dupOf(tx *bolt.Tx, key string) bool {
	m, ok, err := getMeta(tx, []byte(key))
	if !ok || err != nil || m.DocNo == "" {
		return false
	}
	prefix := []byte(string(m.Kind) + "\x00" + m.DocNo + "\x00")
	c := tx.Bucket(bByDocNo).Cursor()
	n := 0
	for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
		n++
	}
	return n > 1
}
