package store

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// Aggregates and small sets kept up to date by every record and repair
// write (in ApplyPage's transaction), so the daily check reads what changed
// and what is open, never the whole cache.

// recvDayKey is the key of a recv_days entry: the 4-byte day of first
// arrival (China time) followed by dept \x00 kind.
func recvDayKey(day credit.Date, dept string, k credit.Kind) []byte {
	b := make([]byte, 4, 4+len(dept)+1+len(k))
	binary.BigEndian.PutUint32(b, uint32(day))
	b = append(b, dept...)
	b = append(b, 0)
	return append(b, k...)
}

func parseRecvDayKey(k []byte) (day credit.Date, dept string, kind credit.Kind, ok bool) {
	if len(k) < 5 {
		return 0, "", "", false
	}
	day = credit.Date(binary.BigEndian.Uint32(k))
	for i := 4; i < len(k); i++ {
		if k[i] == 0 {
			return day, string(k[4:i]), credit.Kind(k[i+1:]), true
		}
	}
	return 0, "", "", false
}

// receivedDay is the day of a first arrival in unix nanoseconds.
func receivedDay(ns int64) credit.Date { return credit.DateOf(time.Unix(0, ns)) }

// addReceived adjusts the count of records of dept and kind that first
// arrived on day; an entry that falls to zero is removed.
func addReceived(tx *bolt.Tx, day credit.Date, dept string, k credit.Kind, delta int64) error {
	b := tx.Bucket(bRecvDays)
	key := recvDayKey(day, dept, k)
	n, _ := binary.Varint(b.Get(key))
	n += delta
	if n <= 0 {
		return b.Delete(key)
	}
	return b.Put(key, binary.AppendVarint(nil, n))
}

// docNoGroup is the by_doc_no prefix shared by every record of a kind with
// one document number: an 8-byte FNV-1a hash of kind and number, so index
// keys stay short whatever the number's length. Records of different
// numbers may share a group (a hash collision); docNoTwins tells them
// apart by their headers.
func docNoGroup(k credit.Kind, docNo string) []byte { return docNoHash(k, docNo) }

// docNoHash is docNoGroup's hash; tests replace it to force collisions.
var docNoHash = func(k credit.Kind, docNo string) []byte {
	h := fnv.New64a()
	h.Write([]byte(k))
	h.Write([]byte{0})
	h.Write([]byte(docNo))
	return h.Sum(nil)
}

// twin is a record found by document number, with its header.
type twin struct {
	key []byte
	m   recMeta
}

// docNoTwins returns the records of kind k whose document number is docNo,
// from the index group of that number.
func docNoTwins(tx *bolt.Tx, k credit.Kind, docNo string) ([]twin, error) {
	group := docNoGroup(k, docNo)
	var out []twin
	c := tx.Bucket(bByDocNo).Cursor()
	for key, _ := c.Seek(group); key != nil && hasPrefix(key, group); key, _ = c.Next() {
		rec := key[len(group):]
		m, ok, err := getMeta(tx, rec)
		if err != nil {
			return nil, err
		}
		if ok && m.Kind == k && m.DocNo == docNo {
			out = append(out, twin{append([]byte(nil), rec...), m})
		}
	}
	return out, nil
}

// docNoAdded updates the duplicate set after a record of kind k with
// number docNo was written: if several records now share the number, each
// of them is a duplicate.
func docNoAdded(tx *bolt.Tx, k credit.Kind, docNo string) error {
	twins, err := docNoTwins(tx, k, docNo)
	if err != nil || len(twins) < 2 {
		return err
	}
	dup := tx.Bucket(bDupDocNo)
	for _, tw := range twins {
		if err := dup.Put(tw.key, refValue(&tw.m)); err != nil {
			return err
		}
	}
	return nil
}

// docNoRemoved updates the duplicate set after key no longer has kind k
// and number docNo: key is no longer a duplicate, nor is a record left
// alone with the number. It must run once key's own header no longer
// carries the number (deleted or rewritten).
func docNoRemoved(tx *bolt.Tx, k credit.Kind, docNo string, key []byte) error {
	dup := tx.Bucket(bDupDocNo)
	if err := dup.Delete(key); err != nil {
		return err
	}
	twins, err := docNoTwins(tx, k, docNo)
	if err != nil {
		return err
	}
	if len(twins) == 1 {
		return dup.Delete(twins[0].key)
	}
	return nil
}

// setOpenRepair keeps open_repairs in step with a repair write: rep is nil
// for a deletion. The entry's value (openValue) is the department and the
// facts of the repair's penalty (none while the penalty is not cached) and
// the repair, so the daily check reads the open repairs in one pass over
// this bucket.
func setOpenRepair(tx *bolt.Tx, key []byte, rep *credit.Repair) error {
	b := tx.Bucket(bOpenRepairs)
	if rep == nil || !rep.Open() {
		return b.Delete(key)
	}
	p, err := cachedSummary(tx, key)
	if err != nil {
		return err
	}
	return b.Put(key, openValue(p, rep))
}

// refValue is the value of an index entry the daily check lists: the
// record's department, kind, dates and quality issues (a RecordRef without
// its key, which is the entry's).
func refValue(m *recMeta) []byte {
	b := appendStr(make([]byte, 0, 32), m.Dept)
	b = appendStr(b, string(m.Kind))
	b = binary.AppendVarint(b, int64(m.Decided))
	b = binary.AppendVarint(b, int64(m.Disclosed))
	b = binary.AppendUvarint(b, uint64(len(m.Issues)))
	for _, s := range m.Issues {
		b = appendStr(b, s)
	}
	return b
}

// decodeRef decodes a refValue, or an undisclosedValue, into the
// reference of the record with key; known says whether the value carried
// a penalty's facts (Severity and Accident).
func decodeRef(key, v []byte, in interner) (r credit.RecordRef, known bool, err error) {
	d := metaDecoder{b: v, in: in}
	r = credit.RecordRef{Key: string(key), Dept: d.istr(), Kind: credit.Kind(d.istr())}
	r.Decided = credit.Date(d.varint())
	r.Disclosed = credit.Date(d.varint())
	r.Issues = d.istrs()
	if d.err == nil && len(d.b) != 0 && r.Kind == credit.Penalty {
		r.Severity = credit.Severity(d.istr())
		r.Accident = d.byte()&sumAccident != 0
		known = d.err == nil
	}
	if d.err == nil && len(d.b) != 0 {
		return r, false, fmt.Errorf("index entry of %s has %d trailing bytes", key, len(d.b))
	}
	if d.err != nil {
		return r, false, fmt.Errorf("index entry of %s: %w", key, d.err)
	}
	return r, known, nil
}

// putRepair stores a repair from the repair feed with its open-set entry.
func putRepair(tx *bolt.Tx, key, op string, rep *credit.Repair) error {
	if err := logRepairChange(tx, []byte(key)); err != nil {
		return fmt.Errorf("change log: %w", err)
	}
	if op == credit.OpDelete {
		if err := tx.Bucket(bRepairs).Delete([]byte(key)); err != nil {
			return err
		}
		return setOpenRepair(tx, []byte(key), nil)
	}
	if rep == nil {
		return fmt.Errorf("upsert without data")
	}
	if err := tx.Bucket(bRepairs).Put([]byte(key), appendRepair(make([]byte, 0, 48), rep)); err != nil {
		return err
	}
	return setOpenRepair(tx, []byte(key), rep)
}

// getRepair returns the stored repair of the penalty with key.
func getRepair(tx *bolt.Tx, key []byte) (credit.Repair, bool, error) {
	var r credit.Repair
	v := tx.Bucket(bRepairs).Get(key)
	if v == nil {
		return r, false, nil
	}
	if err := decodeRepair(key, v, &r, nil); err != nil {
		return r, false, fmt.Errorf("decode repair %s: %w", key, err)
	}
	return r, true, nil
}

// eachRepair decodes every stored repair, in key order. The repair fn is
// given is valid until fn returns.
func eachRepair(tx *bolt.Tx, fn func(*credit.Repair)) error {
	in := interner{}
	c := tx.Bucket(bRepairs).Cursor()
	rel := newPageRelease(tx)
	var r credit.Repair // one for the scan: fn must not keep it
	for k, v := c.First(); k != nil; k, v = c.Next() {
		rel.add(len(k) + len(v))
		if err := decodeRepair(k, v, &r, in); err != nil {
			return fmt.Errorf("decode repair %s: %w", k, err)
		}
		fn(&r)
	}
	return nil
}
