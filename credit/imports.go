package credit

import (
	"strconv"
	"time"
)

// ImportIDPrefix starts the id of every imported record (sync/sheet's
// natural key: "imp:" + department + ":" + number). An endpoint's re-walk
// never removes such a record (it is not the endpoint's), and an import's
// --complete withdraws only such records.
const ImportIDPrefix = "imp:"

// ImportCounts says what an import did to the records of one department
// and kind: rows read and how each ended.
type ImportCounts struct {
	Dept      string `json:"dept"`
	Kind      Kind   `json:"kind"`
	Added     int    `json:"added"`
	Changed   int    `json:"changed"`
	Unchanged int    `json:"unchanged"`
	Refused   int    `json:"refused"`   // rows put in quarantine (异常数据)
	Withdrawn int    `json:"withdrawn"` // records missing from a file declared complete
	Issues    int    `json:"issues"`    // rows stored with data-quality errors (QualityErrors), in Added, Changed or Unchanged
}

// ImportLog is one imported file, as the cache remembers it: the source
// that imported it (credwatch import, or a folder source's name), the
// file, the SHA-256 of its bytes, when, and per department and kind what
// happened. A folder source imports a file whose hash is logged only once.
type ImportLog struct {
	Source string         `json:"source"`
	File   string         `json:"file"`
	Hash   string         `json:"hash"` // hex SHA-256 of the file's bytes
	At     time.Time      `json:"at"`
	Counts []ImportCounts `json:"counts"`
	// Err is why the file could not be imported at all (unreadable, no
	// sheet with a known header); empty when its rows were imported.
	Err string `json:"error,omitempty"`
}

// Total sums the counts of every department and kind.
func (l *ImportLog) Total() ImportCounts {
	var t ImportCounts
	for _, c := range l.Counts {
		t.Added += c.Added
		t.Changed += c.Changed
		t.Unchanged += c.Unchanged
		t.Refused += c.Refused
		t.Withdrawn += c.Withdrawn
		t.Issues += c.Issues
	}
	return t
}

// ImportBatch is one write of an import (store.DB.ApplyImport): pages of
// records and refused rows, stored as an endpoint's pages are.
type ImportBatch struct {
	Pages []*Page
	// Log, when its Hash is set, is the file's ledger entry: the last batch.
	Log ImportLog
	// ClearRows, when set on the first batch, is a file name: the rows of
	// that file the source refused without a natural key (quarantine keys
	// "#file!sheet!row") are removed first. Rows that still fail are refused
	// again by the batches that follow; rows now imported leave no stale
	// entry behind. Rows refused under their natural key leave the
	// quarantine when that key is stored, as an endpoint's items do.
	ClearRows string
}

// UnkeyedRowKey is the quarantine key of a row refused before its natural
// key was known.
func UnkeyedRowKey(file, sheet string, row int) string {
	return "#" + file + "!" + sheet + "!" + strconv.Itoa(row)
}
