package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// Schema-1 buckets, dropped by the migration to schema 2.
var (
	bMetaRecV1  = []byte("rec_meta")    // "kind/id" -> recMeta (binary metaV1 or JSON)
	bReceivedV1 = []byte("by_received") // 8-byte first-arrival ns || "kind/id" -> ...
)

// migrateBatch is the number of records converted per transaction, so a
// province-size cache is never held in memory as one transaction's dirty
// pages.
var migrateBatch = 20000

// migrateV1 converts a schema-1 cache in place, keeping everything it
// holds, officers' actions included:
//
//   - each record's JSON value becomes the binary value of codec.go, whose
//     header carries the first-arrival time and quality issues of the old
//     rec_meta entry;
//   - the new recv_days aggregate is counted from those arrival times, the
//     duplicate set from by_doc_no and the open repairs from repairs;
//   - rec_meta and by_received are dropped and the schema becomes 2.
//
// Records are converted in transactions of migrateBatch; the schema stays
// 1 until the last one, and a converted record is known by its first byte,
// so an interrupted migration continues at the next open. The other index
// buckets keep their schema-1 layout. now stands in for arrival times and
// quality checks of records that had no rec_meta entry.
func migrateV1(b *bolt.DB, now time.Time) error {
	var after []byte
	for {
		var last []byte
		err := b.Update(func(tx *bolt.Tx) error {
			var err error
			last, err = convertRecordsV1(tx, after, now)
			return err
		})
		if err != nil {
			return fmt.Errorf("convert records to schema 2: %w", err)
		}
		if last == nil {
			break
		}
		after = last
	}
	err := b.Update(func(tx *bolt.Tx) error {
		if err := rebuildDerived(tx); err != nil {
			return err
		}
		for _, name := range [][]byte{bMetaRecV1, bReceivedV1} {
			if tx.Bucket(name) != nil {
				if err := tx.DeleteBucket(name); err != nil {
					return fmt.Errorf("drop %s: %w", name, err)
				}
			}
		}
		return tx.Bucket(bMeta).Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
	})
	if err != nil {
		return fmt.Errorf("finish conversion to schema 2: %w", err)
	}
	return nil
}

// convertRecordsV1 converts up to migrateBatch JSON records after key
// after (from the first if nil) and returns the last key it looked at, or
// nil when no record is left.
func convertRecordsV1(tx *bolt.Tx, after []byte, now time.Time) ([]byte, error) {
	recs := tx.Bucket(bRecords)
	metas := tx.Bucket(bMetaRecV1)
	type conv struct{ k, v []byte }
	var out []conv
	var last []byte
	c := recs.Cursor()
	k, v := c.First()
	if after != nil {
		if k, v = c.Seek(after); k != nil && string(k) == string(after) {
			k, v = c.Next()
		}
	}
	for n := 0; k != nil && n < migrateBatch; k, v = c.Next() {
		n++
		last = append([]byte(nil), k...)
		if len(v) == 0 || v[0] != '{' {
			continue // converted already
		}
		var r credit.Record
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("decode %s: %w", k, err)
		}
		m := recMeta{Dept: r.Dept, Kind: r.Kind, ID: r.ID, DocNo: r.DocNo, Decided: r.Decided, Disclosed: r.Disclosed}
		var old recMeta
		if mv := metaV1Value(metas, k); mv != nil && decodeMeta(mv, &old) == nil {
			m.Received, m.Issues = old.Received, old.Issues
		} else {
			m.Received = now.UnixNano()
			for _, is := range credit.CheckRecord(&r, credit.DateOf(now)) {
				m.Issues = append(m.Issues, is.Code)
			}
		}
		out = append(out, conv{last, appendRecord(nil, &r, &m)})
	}
	for _, cv := range out {
		if err := recs.Put(cv.k, cv.v); err != nil {
			return nil, err
		}
	}
	return last, nil
}

func metaV1Value(b *bolt.Bucket, key []byte) []byte {
	if b == nil {
		return nil
	}
	return b.Get(key)
}

// rebuildDerived recomputes from the records and repairs what schema 2
// keeps differently: repairs in binary, the penalty summaries, by_doc_no (whose keys it
// hashes), the undisclosed and quality entries (which carry references),
// recv_days, dup_doc_no and open_repairs.
func rebuildDerived(tx *bolt.Tx) error {
	for _, name := range [][]byte{bPenalties, bRecvDays, bOpenRepairs} {
		if err := recreateBucket(tx, name); err != nil {
			return err
		}
	}
	counts := map[string]int64{}
	type kv struct{ k, v []byte }
	var sums []kv
	err := tx.Bucket(bRecords).ForEach(func(k, v []byte) error {
		var m recMeta
		if err := recordHeader(v, &m); err != nil {
			return fmt.Errorf("decode %s: %w", k, err)
		}
		if m.Kind == credit.Penalty {
			var r credit.Record
			if err := decodeRecord(v, &r, nil, nil); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			s := credit.Summarize(&r)
			sums = append(sums, kv{append([]byte(nil), k...), appendSummary(nil, &s)})
		}
		counts[string(recvDayKey(receivedDay(m.Received), m.Dept, m.Kind))]++
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range sums {
		if err := tx.Bucket(bPenalties).Put(e.k, e.v); err != nil {
			return err
		}
	}
	// The index entries (by_doc_no then the duplicate set from it) go in
	// in key order: see rebuildIndexes.
	if err := rebuildIndexes(tx, bByDocNo, bUndisclosed, bQuality); err != nil {
		return err
	}
	days := tx.Bucket(bRecvDays)
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		if err := days.Put([]byte(k), binary.AppendVarint(nil, counts[k])); err != nil {
			return err
		}
	}
	var open []credit.Repair
	var reps []kv
	err = tx.Bucket(bRepairs).ForEach(func(k, v []byte) error {
		var r credit.Repair
		if len(v) > 0 && v[0] == '{' { // schema 1
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode repair %s: %w", k, err)
			}
			reps = append(reps, kv{append([]byte(nil), k...), appendRepair(nil, &r)})
		} else if err := decodeRepair(k, v, &r, nil); err != nil {
			return fmt.Errorf("decode repair %s: %w", k, err)
		}
		if r.Open() {
			open = append(open, r)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range reps {
		if err := tx.Bucket(bRepairs).Put(e.k, e.v); err != nil {
			return err
		}
	}
	for i := range open {
		if err := setOpenRepair(tx, []byte(open[i].RecordKey), &open[i]); err != nil {
			return err
		}
	}
	return nil
}
