package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// metaV1 is the first byte of a binary recMeta. Entries written before it
// existed are JSON objects (first byte '{') and are still read.
const metaV1 = 1

// appendMeta appends m's binary encoding: the version byte, then Dept,
// Kind, ID and DocNo as length-prefixed strings, Decided and Disclosed as
// zig-zag varints, Received as a varint, then the issue codes.
func appendMeta(b []byte, m *recMeta) []byte {
	b = append(b, metaV1)
	for _, s := range []string{m.Dept, string(m.Kind), m.ID, m.DocNo} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendVarint(b, int64(m.Decided))
	b = binary.AppendVarint(b, int64(m.Disclosed))
	b = binary.AppendVarint(b, m.Received)
	b = binary.AppendUvarint(b, uint64(len(m.Issues)))
	for _, s := range m.Issues {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

var errShortMeta = errors.New("truncated index entry")

// decodeMeta reads either encoding of a recMeta. Strings are copied: the
// result does not share memory with v.
func decodeMeta(v []byte, m *recMeta) error {
	if len(v) > 0 && v[0] == '{' {
		return json.Unmarshal(v, m)
	}
	if len(v) == 0 || v[0] != metaV1 {
		return fmt.Errorf("unknown index entry encoding")
	}
	d := metaDecoder{b: v[1:]}
	m.Dept = d.str()
	m.Kind = credit.Kind(d.str())
	m.ID = d.str()
	m.DocNo = d.str()
	m.Decided = credit.Date(d.varint())
	m.Disclosed = credit.Date(d.varint())
	m.Received = d.varint()
	n := d.uvarint()
	m.Issues = nil
	if n > 0 && n <= uint64(len(d.b)) {
		m.Issues = make([]string, n)
		for i := range m.Issues {
			m.Issues[i] = d.str()
		}
	}
	return d.err
}

type metaDecoder struct {
	b   []byte
	err error
}

func (d *metaDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err, d.b = errShortMeta, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *metaDecoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err, d.b = errShortMeta, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *metaDecoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err, d.b = errShortMeta, nil
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func getMeta(tx *bolt.Tx, key []byte) (recMeta, bool, error) {
	var m recMeta
	v := tx.Bucket(bMetaRec).Get(key)
	if v == nil {
		return m, false, nil
	}
	if err := decodeMeta(v, &m); err != nil {
		return m, false, fmt.Errorf("decode index entry of %s: %w", key, err)
	}
	return m, true, nil
}

func putMeta(tx *bolt.Tx, key []byte, m *recMeta) error {
	return tx.Bucket(bMetaRec).Put(key, appendMeta(make([]byte, 0, 64), m))
}

// receivedValue is the value of a by_received entry: the record's
// department and kind, so counting arrivals reads no other bucket.
// Entries written before it existed have no value.
func receivedValue(dept string, k credit.Kind) []byte {
	return []byte(dept + "\x00" + string(k))
}

func parseReceived(v []byte) (dept string, k credit.Kind, ok bool) {
	for i, c := range v {
		if c == 0 {
			return string(v[:i]), credit.Kind(v[i+1:]), true
		}
	}
	return "", "", false
}
