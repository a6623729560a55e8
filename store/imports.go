package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// bImports is the import ledger: 8-byte big-endian unix nanoseconds of the
// import || file hash -> ImportLog JSON. Caches written before it lack the
// bucket until a writer opens them; readers treat that as empty.
var bImports = []byte("imports")

func importKey(l *credit.ImportLog) []byte {
	k := binary.BigEndian.AppendUint64(nil, uint64(l.At.UnixNano()))
	return append(k, l.Hash...)
}

// ApplyImport writes one batch of an imported file: its pages (credit.Page
// per kind, Endpoint the import's source) exactly as ApplyPages writes an
// endpoint's (records with their indexes, aggregates, quarantine, cursor,
// page events, change log), after removing the file's unkeyed refused rows
// if b.ClearRows is set, and the file's entry in the import ledger if
// b.Log.Hash is set, all in one transaction.
func (db *DB) ApplyImport(b credit.ImportBatch) error {
	err := db.writeData(func(tx *bolt.Tx) (bool, error) {
		denseFill(tx)
		cleared := 0
		if b.ClearRows != "" && len(b.Pages) > 0 {
			var err error
			if cleared, err = clearUnkeyed(tx, b.Pages[0].Endpoint, b.ClearRows); err != nil {
				return false, err
			}
		}
		removed := 0
		if len(b.Pages) > 0 {
			var err error
			if removed, err = db.applyPages(tx, b.Pages, false); err != nil {
				return false, err
			}
		}
		if b.Log.Hash != "" {
			lb, err := tx.CreateBucketIfNotExists(bImports)
			if err != nil {
				return false, err
			}
			if err := putJSON(lb, importKey(&b.Log), &b.Log); err != nil {
				return false, err
			}
		}
		data := cleared+removed > 0 || slices.ContainsFunc(b.Pages, func(p *credit.Page) bool { return len(p.Changes)+len(p.Quarantine) > 0 })
		return data, nil
	})
	if err != nil {
		return fmt.Errorf("store import of %s in %s: %w", b.Log.File, db.path, err)
	}
	return nil
}

// clearUnkeyed removes source's quarantined rows of file that were refused
// without a natural key (credit.UnkeyedRowKey), whatever their feed.
func clearUnkeyed(tx *bolt.Tx, source, file string) (int, error) {
	q := tx.Bucket(bQuarantine)
	prefix := []byte(source + "\x00")
	mark := []byte("\x00" + credit.UnkeyedRowKey(file, "", 0))
	mark = mark[:len(mark)-len("!0")] // "\x00#file!": any sheet and row
	var gone [][]byte
	c := q.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if bytes.Contains(k[len(prefix):], mark) {
			gone = append(gone, bytes.Clone(k))
		}
	}
	for _, k := range gone {
		if err := q.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(gone), nil
}

// Imports returns the import ledger, oldest first.
func (db *DB) Imports() ([]credit.ImportLog, error) {
	var out []credit.ImportLog
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bImports)
		if b == nil {
			return nil
		}
		return eachJSON(b, nil, func(l *credit.ImportLog) { out = append(out, *l) })
	})
	if err != nil {
		return nil, fmt.Errorf("read imports from %s: %w", db.path, err)
	}
	return out, nil
}

// Imported reports whether a file with this content hash was imported
// (without error) by source.
func (db *DB) Imported(source, hash string) (bool, error) {
	found := false
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bImports)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
			if len(k) > 8 && bytes.Equal(k[8:], []byte(hash)) {
				var l credit.ImportLog
				if err := json.Unmarshal(b.Get(k), &l); err != nil {
					return err
				}
				if l.Source == source && l.Err == "" {
					found = true
					return nil
				}
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("read imports from %s: %w", db.path, err)
	}
	return found, nil
}
