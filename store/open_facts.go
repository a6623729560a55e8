package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// Penalty facts in the open repairs (schema 3; issue 20, item 3).
//
// The daily check judges an open repair's application under review by its
// penalty (Rules.earlyApplication: made before the penalty was eligible?),
// which needs the penalty's decision date, severity, types and accident
// flag. An open_repairs entry carries them beside the penalty's department
// (openValue), kept in step by every repair write (setOpenRepair) and every
// write of the penalty (refreshOpenRepair), so the check reads them with
// the list: on an aged 1M cache, looking up 21,700 summaries was a fifth of
// the check's read. A schema-2 entry lacks them; the check then looks them
// up (addPenaltyFacts), and the first open for writing rewrites the entries
// (addOpenRepairFacts).

// Tags after the department in an open_repairs entry (schema 3). A schema-2
// entry has the repair's own first byte there (repV1 or repV2).
const (
	openNoPenalty = 0x10 // the penalty is not cached: no facts
	openFacts     = 0x11 // the penalty's facts follow
)

// openValue is the value of an open_repairs entry: the department of the
// repair's penalty ("" while the penalty is not cached), the penalty's
// facts (p nil: not cached), then the repair.
func openValue(p *credit.PenaltySummary, rep *credit.Repair) []byte {
	b := make([]byte, 0, 96)
	if p == nil {
		b = append(appendStr(b, ""), openNoPenalty)
		return appendRepair(b, rep)
	}
	b = append(appendStr(b, p.Dept), openFacts)
	b = appendStr(b, string(p.Severity))
	b = binary.AppendVarint(b, int64(p.Decided))
	b = binary.AppendUvarint(b, uint64(len(p.PenaltyTypes)))
	for _, t := range p.PenaltyTypes {
		b = appendStr(b, t)
	}
	var flags byte
	if p.Accident {
		flags |= sumAccident
	}
	b = append(b, flags)
	return appendRepair(b, rep)
}

// openEntry is an open_repairs entry decoded but for its penalty's facts,
// which openFactsOf decodes when they are needed.
type openEntry struct {
	dept string
	rep  credit.Repair
	// facts is the encoded facts (nil: the penalty is not cached); known
	// is false for a schema-2 entry, which does not say.
	facts []byte
	known bool
}

// decodeOpen decodes an open_repairs entry of either schema.
func decodeOpen(key, v []byte, in interner) (openEntry, error) {
	var e openEntry
	d := metaDecoder{b: v, in: in}
	e.dept = d.istr()
	if d.err == nil && len(d.b) > 0 && (d.b[0] == openNoPenalty || d.b[0] == openFacts) {
		e.known = true
		if d.byte() == openFacts {
			start := d.b
			d.skip() // Severity
			d.varint()
			d.skipStrs() // PenaltyTypes
			d.byte()
			if d.err == nil {
				e.facts = start[:len(start)-len(d.b)]
			}
		}
	}
	if d.err != nil {
		return e, fmt.Errorf("open repair %s: %w", key, d.err)
	}
	if err := decodeRepair(key, d.b, &e.rep, in); err != nil {
		return e, fmt.Errorf("open repair %s: %w", key, err)
	}
	return e, nil
}

// openFactsOf decodes an entry's facts into the summary fields the rules
// read (Rules.RepairFor): department, severity, decision date, types and
// accident flag; nil if the penalty is not cached.
func (e *openEntry) openFactsOf(key string, in interner) (*credit.PenaltySummary, error) {
	if e.facts == nil {
		return nil, nil
	}
	p := &credit.PenaltySummary{ID: strings.TrimPrefix(key, string(penaltyPrefix)), Dept: e.dept}
	d := metaDecoder{b: e.facts, in: in}
	p.Severity = credit.Severity(d.istr())
	p.Decided = credit.Date(d.varint())
	p.PenaltyTypes = d.istrs()
	p.Accident = d.byte()&sumAccident != 0
	if d.err == nil && len(d.b) != 0 {
		return nil, fmt.Errorf("open repair %s: %d bytes after its penalty's facts", key, len(d.b))
	}
	if d.err != nil {
		return nil, fmt.Errorf("open repair %s: penalty facts: %w", key, d.err)
	}
	return p, nil
}

// cachedSummary returns the summary of the penalty with key, nil if it is
// not cached.
func cachedSummary(tx *bolt.Tx, key []byte) (*credit.PenaltySummary, error) {
	if !hasPrefix(key, penaltyPrefix) {
		return nil, nil
	}
	v := tx.Bucket(bPenalties).Get(key)
	if v == nil {
		return nil, nil
	}
	var p credit.PenaltySummary
	if err := decodeSummary(key, v, &p, nil); err != nil {
		return nil, fmt.Errorf("decode summary of %s: %w", key, err)
	}
	return &p, nil
}

// refreshOpenRepair rewrites the open_repairs entry of key, if there is
// one, with its penalty's department and facts as the penalties bucket now
// holds them (gone: the penalty is being deleted). It runs at every write
// of a penalty; an entry that would not change is left alone.
func refreshOpenRepair(tx *bolt.Tx, key []byte, gone bool) error {
	b := tx.Bucket(bOpenRepairs)
	v := b.Get(key)
	if v == nil {
		return nil
	}
	e, err := decodeOpen(key, v, nil)
	if err != nil {
		return err
	}
	var p *credit.PenaltySummary
	if !gone {
		if p, err = cachedSummary(tx, key); err != nil {
			return err
		}
	}
	nv := openValue(p, &e.rep)
	if bytes.Equal(v, nv) {
		return nil
	}
	return b.Put(key, nv)
}

// addOpenRepairFacts rewrites every schema-2 open_repairs entry with its
// penalty's facts, in tx: once, when a schema-2 cache is first opened for
// writing.
func addOpenRepairFacts(tx *bolt.Tx) error {
	b := tx.Bucket(bOpenRepairs)
	var keys [][]byte
	err := b.ForEach(func(k, v []byte) error {
		e, err := decodeOpen(k, v, nil)
		if err == nil && !e.known {
			keys = append(keys, append([]byte(nil), k...))
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := refreshOpenRepair(tx, k, false); err != nil {
			return fmt.Errorf("add its penalty's facts to the open repair %s: %w", k, err)
		}
	}
	return nil
}
