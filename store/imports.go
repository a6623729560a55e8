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

// ApplyImport writes the pages of one imported file (credit.Page per kind,
// Endpoint the import's source) exactly as ApplyPages writes an endpoint's
// pages (records with their indexes, aggregates, quarantine, cursor, page
// events, change log) and, in the same transaction, the file's entry in
// the import ledger (when log.Hash is set). Either all of it is stored or none.
func (db *DB) ApplyImport(pages []*credit.Page, log credit.ImportLog) error {
	err := db.writeData(func(tx *bolt.Tx) (bool, error) {
		denseFill(tx)
		removed := 0
		if len(pages) > 0 {
			var err error
			if removed, err = db.applyPages(tx, pages); err != nil {
				return false, err
			}
		}
		if log.Hash != "" { // a batch of a larger file carries no entry
			b, err := tx.CreateBucketIfNotExists(bImports)
			if err != nil {
				return false, err
			}
			if err := putJSON(b, importKey(&log), &log); err != nil {
				return false, err
			}
		}
		data := removed > 0 || slices.ContainsFunc(pages, func(p *credit.Page) bool { return len(p.Changes)+len(p.Quarantine) > 0 })
		return data, nil
	})
	if err != nil {
		return fmt.Errorf("store import of %s in %s: %w", log.File, db.path, err)
	}
	return nil
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
