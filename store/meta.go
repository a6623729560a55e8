package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// metaV1 is the first byte of a schema-1 rec_meta entry; entries older
// still are JSON objects (first byte '{'). Only the migration to schema 2
// reads them (migrate.go): since then the header of the record value itself
// is the index entry.
const metaV1 = 1

var errShortMeta = errors.New("truncated index entry")

// decodeMeta reads a schema-1 rec_meta entry, in either of its encodings.
// Strings are copied: the result does not share memory with v.
func decodeMeta(v []byte, m *recMeta) error {
	if len(v) > 0 && v[0] == '{' {
		return json.Unmarshal(v, m)
	}
	if len(v) == 0 || v[0] != metaV1 {
		return fmt.Errorf("unknown index entry encoding")
	}
	d := metaDecoder{b: v[1:]}
	d.metaFields(m)
	return d.err
}

// metaFields reads what appendMetaFields wrote.
func (d *metaDecoder) metaFields(m *recMeta) {
	m.Dept = d.istr()
	m.Kind = credit.Kind(d.istr())
	m.ID = d.str()
	m.DocNo = d.str()
	m.Decided = credit.Date(d.varint())
	m.Disclosed = credit.Date(d.varint())
	m.Received = d.varint()
	m.Issues = d.istrs()
}

// metaDecoder reads the binary encodings of meta.go and codec.go. After
// the first error every read returns a zero value and err stays set.
type metaDecoder struct {
	b   []byte
	err error
	in  interner // if not nil, istr keeps one copy of each distinct string
}

func (d *metaDecoder) fail() { d.err, d.b = errShortMeta, nil }

func (d *metaDecoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

// istr reads a string of few distinct values (interned when d.in is set).
func (d *metaDecoder) istr() string {
	if d.in == nil {
		return d.str()
	}
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := d.in.get(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *metaDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *metaDecoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// skip passes over a string.
func (d *metaDecoder) skip() {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return
	}
	d.b = d.b[n:]
}

// istrs reads a list of strings of few distinct values (istr each); nil
// for an empty list.
func (d *metaDecoder) istrs() []string {
	n := d.uvarint()
	if n > uint64(len(d.b)) { // each string takes a byte at least
		d.fail()
		return nil
	}
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.istr()
	}
	return out
}

// skipStrs passes over a list of strings.
func (d *metaDecoder) skipStrs() {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return
	}
	for range n {
		d.skip()
	}
}

func (d *metaDecoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// getMeta returns the index entry of the record with key: the header of
// its value in the records bucket.
func getMeta(tx *bolt.Tx, key []byte) (recMeta, bool, error) {
	var m recMeta
	v := tx.Bucket(bRecords).Get(key)
	if v == nil {
		return m, false, nil
	}
	if err := recordHeader(v, &m); err != nil {
		return m, false, fmt.Errorf("decode index entry of %s: %w", key, err)
	}
	return m, true, nil
}
