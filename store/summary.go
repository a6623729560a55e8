package store

import (
	"encoding/binary"
	"fmt"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// sumV1 is the first byte of a value in the penalties bucket: a
// credit.PenaltySummary of the penalty with that key, kept beside its full
// record by every write (in ApplyPage's transaction). Snapshot reads these
// instead of the records, so the views' load touches a tenth of the file.
const sumV1 = 1

// sumV2 is sumV1 followed by one flags byte (the accident and the three
// 三同步 steps). A v1 value decodes with no flags, so a cache written before
// needs no migration; it learns a penalty's flags when the penalty is next
// written (or on `sync --full`).
const (
	sumV2 = 2

	sumAccident = 1 << iota
	sumNotice
	sumEducation
	sumReminder
)

var penaltyPrefix = []byte(string(credit.Penalty) + "/")

// appendSummary appends the value of a penalties entry (the ID is in the key).
func appendSummary(b []byte, p *credit.PenaltySummary) []byte {
	b = append(b, sumV2)
	for _, s := range [...]string{p.Dept, p.SubjectName, p.USCC, p.DocNo, string(p.Severity)} {
		b = appendStr(b, s)
	}
	b = binary.AppendVarint(b, int64(p.Decided))
	b = binary.AppendVarint(b, int64(p.Disclosed))
	b = binary.AppendUvarint(b, uint64(len(p.PenaltyTypes)))
	for _, s := range p.PenaltyTypes {
		b = appendStr(b, s)
	}
	var flags byte
	for bit, on := range map[byte]bool{sumAccident: p.Accident, sumNotice: p.NoticeGiven, sumEducation: p.EducationDone, sumReminder: p.ReminderSet} {
		if on {
			flags |= bit
		}
	}
	return append(b, flags)
}

// decodeSummary decodes the penalties entry (key, v) into p; strings of few
// distinct values go through in (which may be nil).
func decodeSummary(key, v []byte, p *credit.PenaltySummary, in interner) error {
	if len(v) == 0 || (v[0] != sumV1 && v[0] != sumV2) || !hasPrefix(key, penaltyPrefix) {
		return fmt.Errorf("unknown penalty summary encoding")
	}
	d := metaDecoder{b: v[1:], in: in}
	*p = credit.PenaltySummary{ID: string(key[len(penaltyPrefix):])}
	p.Dept = d.istr()
	p.SubjectName = d.str()
	p.USCC = d.str()
	p.DocNo = d.str()
	p.Severity = credit.Severity(d.istr())
	p.Decided = credit.Date(d.varint())
	p.Disclosed = credit.Date(d.varint())
	p.PenaltyTypes = d.istrs()
	if v[0] == sumV2 && d.err == nil {
		if len(d.b) == 0 {
			return fmt.Errorf("penalty summary lacks its flags")
		}
		f := d.b[0]
		p.Accident, p.NoticeGiven = f&sumAccident != 0, f&sumNotice != 0
		p.EducationDone, p.ReminderSet = f&sumEducation != 0, f&sumReminder != 0
		d.b = d.b[1:]
	}
	if d.err == nil && len(d.b) != 0 {
		return fmt.Errorf("penalty summary has %d trailing bytes", len(d.b))
	}
	return d.err
}

// putSummary keeps the penalties bucket in step with a record write; r is
// nil for a deletion. Other kinds have no summary.
func putSummary(tx *bolt.Tx, key []byte, kind credit.Kind, r *credit.Record) error {
	if kind != credit.Penalty {
		return nil
	}
	if err := logPenaltyChange(tx, key); err != nil {
		return fmt.Errorf("log change of %s: %w", key, err)
	}
	b := tx.Bucket(bPenalties)
	if r == nil {
		return b.Delete(key)
	}
	s := credit.Summarize(r)
	return b.Put(key, appendSummary(make([]byte, 0, 128), &s))
}

// eachSummary decodes every penalty summary, in key order.
func eachSummary(tx *bolt.Tx, fn func(*credit.PenaltySummary)) error {
	in := interner{}
	c := tx.Bucket(bPenalties).Cursor()
	rel := newPageRelease(tx)
	for k, v := c.First(); k != nil; k, v = c.Next() {
		rel.add(len(k) + len(v))
		var p credit.PenaltySummary
		if err := decodeSummary(k, v, &p, in); err != nil {
			return fmt.Errorf("decode %s: %w", k, err)
		}
		fn(&p)
	}
	return nil
}
