package store

import (
	"fmt"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// Penalty facts in the undisclosed index (schema 3; issue 20, item 3).
//
// The daily check judges an undisclosed penalty by its tier (a minor
// penalty is in principle not disclosed), so it needs the penalty's
// severity and accident flag. The undisclosed index entry of a penalty
// carries them after its reference (undisclosedValue), written with the
// entry, so the check reads them with the list and looks nothing up: on an
// aged 1M cache, looking them up in the penalties bucket touched thousands
// of pages scattered over the file. A schema-2 cache lacks them: the check
// looks them up there (addPenaltyFacts), and the first open for writing
// adds them (addUndisclosedFacts) and makes the cache schema 3.

// schemaV2 is the schema before the penalty facts: readable as it is.
const schemaV2 = 2

// undisclosedValue is the value of m's undisclosed index entry: refValue,
// then for a penalty its severity and a flags byte (sumAccident).
func undisclosedValue(m *recMeta) []byte {
	b := refValue(m)
	if m.Kind != credit.Penalty {
		return b
	}
	return appendFacts(b, m.Severity, m.Accident)
}

func appendFacts(b []byte, sev credit.Severity, accident bool) []byte {
	b = appendStr(b, string(sev))
	var flags byte
	if accident {
		flags |= sumAccident
	}
	return append(b, flags)
}

// recordFacts reads a penalty's severity and accident flag from its record
// value (codec.go), decoding nothing else into memory.
func recordFacts(v []byte, in interner) (credit.Severity, bool, error) {
	if len(v) == 0 || v[0] != recV2 {
		return "", false, errRecordEncoding(v)
	}
	d := metaDecoder{b: v[1:], in: in}
	var m recMeta
	d.metaFields(&m)
	for range 13 { // SubjectName … Basis
		d.skip()
	}
	sev := credit.Severity(d.istr())
	for range 5 { // LicenceCategory … Rejected
		d.skip()
	}
	d.skipStrs() // PenaltyTypes
	d.varint()   // FineYuan
	d.varint()   // ValidFrom
	d.varint()   // ValidTo
	flags := d.byte()
	if d.err != nil {
		return "", false, d.err
	}
	return sev, flags&flagAccident != 0, nil
}

// addUndisclosedFacts gives every undisclosed penalty's index entry that
// lacks them its facts, from the penalty's summary (or its record if it
// has none), in tx. It runs once, when a schema-2 cache is first opened
// for writing: about 20,000 entries at 1M records.
func addUndisclosedFacts(tx *bolt.Tx) error {
	type fix struct{ key, value []byte }
	var fixes []fix
	in := interner{}
	c := tx.Bucket(bUndisclosed).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) < 4 {
			return fmt.Errorf("malformed undisclosed entry %q", k)
		}
		r, known, err := decodeRef(k[4:], v, in)
		if err != nil {
			return err
		}
		if known || r.Kind != credit.Penalty {
			continue
		}
		sev, accident, found, err := lookupFacts(tx, k[4:], in)
		if err != nil {
			return err
		}
		if !found {
			continue // an index entry without its record: left as it is
		}
		fixes = append(fixes, fix{append([]byte(nil), k...), appendFacts(append([]byte(nil), v...), sev, accident)})
	}
	b := tx.Bucket(bUndisclosed)
	for _, f := range fixes {
		if err := b.Put(f.key, f.value); err != nil {
			return fmt.Errorf("add facts to the undisclosed entry of %s: %w", f.key[4:], err)
		}
	}
	return nil
}

// lookupFacts finds a penalty's facts in its summary, or in its record
// when it has no summary; found is false when neither is cached.
func lookupFacts(tx *bolt.Tx, key []byte, in interner) (sev credit.Severity, accident, found bool, err error) {
	if v := tx.Bucket(bPenalties).Get(key); v != nil {
		sev, accident, err = summaryFacts(v, in)
		if err != nil {
			return "", false, false, fmt.Errorf("decode summary of %s: %w", key, err)
		}
		return sev, accident, true, nil
	}
	if v := tx.Bucket(bRecords).Get(key); v != nil {
		sev, accident, err = recordFacts(v, in)
		if err != nil {
			return "", false, false, fmt.Errorf("decode %s: %w", key, err)
		}
		return sev, accident, true, nil
	}
	return "", false, false, nil
}
