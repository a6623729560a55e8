package store

import (
	"encoding/binary"
	"fmt"
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
// one document number.
func docNoGroup(k credit.Kind, docNo string) []byte {
	return []byte(string(k) + "\x00" + docNo + "\x00")
}

// groupMembers returns the record keys in a by_doc_no group.
func groupMembers(tx *bolt.Tx, group []byte) [][]byte {
	var out [][]byte
	c := tx.Bucket(bByDocNo).Cursor()
	for k, _ := c.Seek(group); k != nil && hasPrefix(k, group); k, _ = c.Next() {
		out = append(out, append([]byte(nil), k[len(group):]...))
	}
	return out
}

// docNoAdded updates the duplicate set after key joined group: if the
// group now has several members, each of them is a duplicate.
func docNoAdded(tx *bolt.Tx, group []byte) error {
	members := groupMembers(tx, group)
	if len(members) < 2 {
		return nil
	}
	dup := tx.Bucket(bDupDocNo)
	for _, m := range members {
		if err := dup.Put(m, nil); err != nil {
			return err
		}
	}
	return nil
}

// docNoRemoved updates the duplicate set after key left group: key is no
// longer a duplicate, nor is a member left alone.
func docNoRemoved(tx *bolt.Tx, group, key []byte) error {
	dup := tx.Bucket(bDupDocNo)
	if err := dup.Delete(key); err != nil {
		return err
	}
	if members := groupMembers(tx, group); len(members) == 1 {
		return dup.Delete(members[0])
	}
	return nil
}

// setOpenRepair keeps open_repairs in step with a repair write: rep is nil
// for a deletion.
func setOpenRepair(tx *bolt.Tx, key []byte, rep *credit.Repair) error {
	b := tx.Bucket(bOpenRepairs)
	if rep != nil && rep.Open() {
		return b.Put(key, nil)
	}
	return b.Delete(key)
}

// putRepair stores a repair from the repair feed with its open-set entry.
func putRepair(tx *bolt.Tx, key, op string, rep *credit.Repair) error {
	if op != credit.OpDelete && rep == nil {
		return fmt.Errorf("upsert without data")
	}
	if op == credit.OpDelete {
		rep = nil
	}
	if err := putOrDelete(tx.Bucket(bRepairs), key, op, rep); err != nil {
		return err
	}
	return setOpenRepair(tx, []byte(key), rep)
}
