package sheet

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
	credsync "github.com/czyj/credwatch/sync"
)

// Cache is what an import reads of the cache: the records of a department
// and kind, to tell added, changed and unchanged rows apart.
type Cache interface {
	DeptRecords(dept string, kind credit.Kind) ([]credit.Record, error)
}

// Writer stores an import: store.DB implements it.
type Writer interface {
	Cache
	ApplyImport(b credit.ImportBatch) error
	EndpointStatus(name string) (credit.EndpointStatus, error)
	SaveEndpointStatus(st credit.EndpointStatus) error
}

// Options say how to read a file.
type Options struct {
	// Source names the importer in the cache: its records' pages are
	// stored as an endpoint of this name ("import" for credwatch import,
	// the [[source]] name for a folder source).
	Source string
	// Kind forces every sheet's kind; "" detects it from the field codes,
	// a 信息类别 column, the sheet's or the file's name, or the headers.
	Kind credit.Kind
	// Dept is the department of rows that name none (no 部门 column) and
	// whose authority names no department of Directory.
	Dept      string
	Directory *credit.Directory
	// Mapping maps a local template's headers to field codes (CF_WSH) or
	// agency API names (doc_no).
	Mapping map[string]string
	// Complete declares the file complete for every department and kind
	// it holds: cached records of the source for those that it does not
	// name are withdrawn.
	Complete bool
	Now      time.Time
	// BatchRows is how many rows are stored per transaction (default
	// 2000): memory stays bounded whatever the file's size.
	BatchRows int
}

// group is a department and kind.
type group struct {
	dept string
	kind credit.Kind
}

// SheetInfo says how one sheet was read.
type SheetInfo struct {
	Name      string
	Kind      credit.Kind
	HeaderRow int
	Rows      int      // data rows (blank rows not counted)
	Ignored   []string // headers mapped to no field
	Skipped   string   // why the sheet was not read, if it was not
}

// Result is what an import did, or would do (DryRun).
type Result struct {
	Log      credit.ImportLog
	Encoding string // csv only
	Sheets   []SheetInfo
	// Refused lists the quarantined rows' reasons, in file order.
	Refused []credit.Quarantined
	// Withdrawn lists the keys a complete file withdraws.
	Withdrawn []string
	// Elsewhere names, for changed records last imported from another
	// file, that file and how many: two files that disagree about a record
	// change it back and forth on every import.
	Elsewhere map[string]int
}

// cached is the cache's view of one group: the source's records by key,
// with their content hashes and files, loaded once per group.
type cached map[string]cachedRec

type cachedRec struct{ hash, file string }

// importer carries one file's import.
type importer struct {
	opt     Options
	file    string // base name
	hash    string
	w       Writer // nil for a dry run
	cache   Cache
	groups  map[group]cached
	seen    map[string]int // key -> row that named it
	counts  map[group]*credit.ImportCounts
	res     *Result
	pending []*credit.Page // by kind
	npend   int
	flushed bool // a batch was stored (the first clears old refusals)
}

// Import reads path and stores its rows through w (dry run when w is nil:
// cache is read, nothing is written). A file that cannot be read at all
// returns an error, and, when w is not nil, is logged with it.
func Import(path string, cache Cache, w Writer, opt Options) (*Result, error) {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.BatchRows <= 0 {
		opt.BatchRows = 2000
	}
	if opt.Source == "" {
		opt.Source = "import"
	}
	im := &importer{opt: opt, file: filepath.Base(path), w: w, cache: cache, groups: map[group]cached{},
		seen: map[string]int{}, counts: map[group]*credit.ImportCounts{}, res: &Result{}}
	hash, err := fileHash(path)
	if err == nil {
		im.hash = hash
		err = im.read(path)
	}
	im.res.Log = credit.ImportLog{Source: opt.Source, File: im.file, Hash: im.hash, At: opt.Now}
	if err == nil && opt.Complete {
		err = im.withdraw()
	}
	for _, g := range im.sortedGroups() {
		im.res.Log.Counts = append(im.res.Log.Counts, *im.counts[g])
	}
	if err != nil {
		im.res.Log.Err = credit.Sanitize(err.Error())
		if w != nil {
			if lerr := w.ApplyImport(credit.ImportBatch{Log: im.res.Log}); lerr != nil {
				return im.res, errors.Join(err, lerr)
			}
		}
		return im.res, err
	}
	if w != nil {
		if err := im.flush(true); err != nil {
			return im.res, err
		}
		if err := im.saveStatus(); err != nil {
			return im.res, err
		}
	}
	return im.res, nil
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (im *importer) sortedGroups() []group {
	var gs []group
	for g := range im.counts {
		gs = append(gs, g)
	}
	slices.SortFunc(gs, func(a, b group) int {
		if c := strings.Compare(a.dept, b.dept); c != 0 {
			return c
		}
		return strings.Compare(string(a.kind), string(b.kind))
	})
	return gs
}

func (im *importer) count(g group) *credit.ImportCounts {
	c := im.counts[g]
	if c == nil {
		c = &credit.ImportCounts{Dept: g.dept, Kind: g.kind}
		im.counts[g] = c
	}
	return c
}

// read reads every sheet of the file.
func (im *importer) read(path string) error {
	b, err := openBook(path)
	if err != nil {
		return err
	}
	defer b.Close()
	im.res.Encoding = b.Encoding()
	read := 0
	for _, name := range b.Sheets() {
		info, err := im.readSheet(b, name)
		if err != nil {
			return err
		}
		im.res.Sheets = append(im.res.Sheets, info)
		if info.Skipped == "" {
			read++
		}
	}
	if read == 0 {
		var why []string
		for _, s := range im.res.Sheets {
			why = append(why, strings.TrimSpace(s.Name+" "+s.Skipped))
		}
		return fmt.Errorf("%s: no sheet with a known header (%s)", im.file, strings.Join(why, "; "))
	}
	return nil
}

// headerScan is how many rows may precede the header (titles, merged
// group headings, notes).
const headerScan = 20

func (im *importer) readSheet(b book, name string) (SheetInfo, error) {
	info := SheetInfo{Name: name}
	rows, err := b.Rows(name)
	if err != nil {
		return info, err
	}
	defer rows.Close()
	var h header
	found := false
	for i := 0; i < headerScan; i++ {
		cells, num, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return info, fmt.Errorf("%s %s row %d: %w", im.file, name, num, err)
		}
		hh := mapHeader(cells, im.opt.Kind, im.opt.Mapping)
		if hh.known >= 3 && (slices.Contains(hh.fields, FDocNo) || slices.Contains(hh.fields, FLicenceNo)) {
			h, found = hh, true
			h.row = num
			break
		}
	}
	if !found {
		info.Skipped = fmt.Sprintf("(no header with a document number column in its first %d rows)", headerScan)
		return info, nil
	}
	info.HeaderRow = h.row
	for i, f := range h.fields {
		if f == "" && h.names[i] != "" {
			info.Ignored = append(info.Ignored, h.names[i])
		}
	}
	info.Kind = im.sheetKind(name, &h)
	for {
		cells, num, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, errRowEncoding) {
			return info, fmt.Errorf("%s %s row %d: %w", im.file, name, num, err)
		}
		if blankRow(cells) {
			continue
		}
		info.Rows++
		if err := im.row(name, num, info.Kind, &h, cells, err); err != nil {
			return info, err
		}
	}
	return info, nil
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// sheetKind decides a sheet's kind: forced, by its field codes, by the
// sheet's or the file's name, then by Chinese headers; "" leaves it to a
// 信息类别 column.
func (im *importer) sheetKind(name string, h *header) credit.Kind {
	if im.opt.Kind != "" {
		return im.opt.Kind
	}
	if h.kind != "" {
		return h.kind
	}
	for _, s := range []string{name, im.file} {
		if k := kindIn(s); k != "" {
			return k
		}
	}
	// Last, the headers only the national penalty or licence template has.
	for _, n := range h.names {
		switch normHeader(n) {
		case "处罚决定日期", "处罚类别":
			return credit.Penalty
		case "许可决定日期", "许可编号", "许可类别":
			return credit.Licence
		}
	}
	return ""
}

// kindIn finds a kind's Chinese name (行政处罚, 处罚, ...) or English name in s.
func kindIn(s string) credit.Kind {
	for _, c := range []struct {
		words []string
		k     credit.Kind
	}{
		{[]string{"行政强制", "强制", "coercion"}, credit.Coercion},
		{[]string{"行政奖励", "奖励", "reward"}, credit.Reward},
		{[]string{"监督检查", "检查", "inspection"}, credit.Inspection},
		{[]string{"行政处罚", "处罚", "penalty"}, credit.Penalty},
		{[]string{"行政许可", "许可", "licence", "license"}, credit.Licence},
	} {
		for _, w := range c.words {
			if strings.Contains(strings.ToLower(s), w) {
				return c.k
			}
		}
	}
	return ""
}

// row turns one data row into a change or a quarantined item.
func (im *importer) row(sheet string, num int, kind credit.Kind, h *header, cells []string, rowErr error) error {
	where := fmt.Sprintf("file %s, row %d", im.file, num)
	if sheet != "" {
		where = fmt.Sprintf("file %s, sheet %s, row %d", im.file, sheet, num)
	}
	raw := rawRow(h, cells)
	var rec credit.Record
	var fail string
	if rowErr != nil {
		fail = rowErr.Error()
	}
	for i, f := range h.fields {
		if f == "" || f == FIgnore || i >= len(cells) {
			continue
		}
		if f == FKind {
			if k := kindIn(cells[i]); k != "" {
				kind = k
			} else if credit.Kind(strings.TrimSpace(cells[i])).Valid() {
				kind = credit.Kind(strings.TrimSpace(cells[i]))
			}
			continue
		}
		if f == FDept {
			continue
		}
		if err := setField(&rec, f, cells[i]); err != nil && fail == "" {
			fail = fmt.Sprintf("column %s: %v", colName(h, i, kind), err)
		}
	}
	if fail == "" && kind == "" {
		fail = "the kind is unknown: name the sheet or file 行政处罚/行政许可/行政强制/行政奖励/行政监督检查, add a 信息类别 column, or give --kind"
	}
	dept, derr := im.dept(h, cells, &rec)
	if fail == "" && derr != nil {
		fail = derr.Error()
	}
	no := rec.DocNo
	if kind == credit.Licence && rec.LicenceNo != "" {
		no = rec.LicenceNo
	}
	no = strings.TrimSpace(no)
	if fail == "" && no == "" {
		fail = fmt.Sprintf("column %s: no document number, the record's natural key", nameOf(FDocNo, kind))
	}
	rec.Kind, rec.Dept = kind, dept
	id := ImportID(dept, no)
	rec.ID = id
	key := credit.RecordKey(kind, id)
	if fail == "" {
		if err := credsync.CheckItem(string(kind), id, &rec); err != nil {
			fail = err.Error()
		}
	}
	if fail == "" {
		if prev, dup := im.seen[key]; dup {
			fail = fmt.Sprintf("the same %s %s is on row %d already", nameOf(FDocNo, kind), no, prev)
		}
	}
	g := group{dept, kind}
	if fail != "" {
		qkey := key
		if kind == "" || dept == "" || no == "" {
			qkey = credit.UnkeyedRowKey(im.file, sheet, num)
		}
		feed := string(kind)
		if feed == "" {
			feed = "unknown"
		}
		q := credit.Quarantined{Endpoint: im.opt.Source, Feed: feed, Key: qkey,
			Reason: credit.Sanitize(where + ": " + fail), Raw: credit.Sanitize(raw), At: im.opt.Now}
		im.res.Refused = append(im.res.Refused, q)
		im.count(g).Refused++
		return im.add(string(kind), credit.Change{}, &q)
	}
	im.seen[key] = num
	rec.Origin = &credit.Origin{File: im.file, Sheet: sheet, Row: num, Hash: contentHash(&rec), ImportedAt: im.opt.Now}
	rec.UpdatedAt = im.opt.Now
	c, err := im.cached(g)
	if err != nil {
		return err
	}
	cnt := im.count(g)
	if len(credit.QualityErrors(&rec, credit.DateOf(im.opt.Now))) > 0 {
		cnt.Issues++
	}
	switch old, ok := c[key]; {
	case !ok:
		cnt.Added++
	case old.hash == rec.Origin.Hash:
		cnt.Unchanged++
		return nil
	default:
		cnt.Changed++
		if old.file != "" && old.file != im.file {
			if im.res.Elsewhere == nil {
				im.res.Elsewhere = map[string]int{}
			}
			im.res.Elsewhere[old.file]++
		}
	}
	return im.add(string(kind), credit.Change{Op: credit.OpUpsert, Key: key, Record: &rec}, nil)
}

// colName names column i for messages: its header and field code.
func colName(h *header, i int, k credit.Kind) string {
	code := codeOf(h.fields[i], k)
	if code == "" || normHeader(h.names[i]) == code {
		return h.names[i]
	}
	return h.names[i] + " (" + code + ")"
}

// rawRow is the quarantine's copy of a row: header=value pairs.
func rawRow(h *header, cells []string) string {
	var sb strings.Builder
	for i, c := range cells {
		if strings.TrimSpace(c) == "" {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteString("; ")
		}
		name := fmt.Sprintf("column %d", i+1)
		if i < len(h.names) && h.names[i] != "" {
			name = h.names[i]
		}
		sb.WriteString(name + "=" + c)
		if sb.Len() > 4096 {
			break
		}
	}
	return sb.String()
}

// dept decides a row's department: its 部门 column (an id, full or short
// name), else the department whose full name is the authority's or the
// source unit's, else the only district whose short name appears in it,
// else Options.Dept.
func (im *importer) dept(h *header, cells []string, rec *credit.Record) (string, error) {
	dir := im.opt.Directory
	if dir == nil {
		dir = credit.NewDirectory(credit.DefaultDepartments())
	}
	lookup := func(v string) (string, bool) {
		v = strings.TrimSpace(v)
		for _, d := range dir.All() {
			if v == d.ID || v == d.Name || v == d.Short {
				return d.ID, true
			}
		}
		return "", false
	}
	for i, f := range h.fields {
		if f == FDept && i < len(cells) && strings.TrimSpace(cells[i]) != "" {
			if id, ok := lookup(cells[i]); ok {
				return id, nil
			}
			return "", fmt.Errorf("column %s: unknown department %q", h.names[i], strings.TrimSpace(cells[i]))
		}
	}
	for _, v := range []string{rec.Authority, rec.SourceUnit} {
		if id, ok := lookup(v); ok {
			return id, nil
		}
	}
	for _, v := range []string{rec.Authority, rec.SourceUnit} {
		var hits []string
		for _, d := range dir.All() {
			if d.Level == credit.District && d.Short != "" && strings.Contains(v, d.Short) {
				hits = append(hits, d.ID)
			}
		}
		if len(hits) == 1 {
			return hits[0], nil
		}
	}
	if im.opt.Dept != "" {
		return im.opt.Dept, nil
	}
	return "", fmt.Errorf("no department: the authority %q names none; add a 部门 column or give --dept", rec.Authority)
}

// cached loads the source's records of a group once.
func (im *importer) cached(g group) (cached, error) {
	if c, ok := im.groups[g]; ok {
		return c, nil
	}
	c := cached{}
	if im.cache != nil {
		recs, err := im.cache.DeptRecords(g.dept, g.kind)
		if err != nil {
			return nil, err
		}
		prefix := ImportID(g.dept, "")
		for i := range recs {
			r := &recs[i]
			if !strings.HasPrefix(r.ID, prefix) {
				continue // another source's record
			}
			var cr cachedRec
			if r.Origin != nil {
				cr = cachedRec{r.Origin.Hash, r.Origin.File}
			}
			c[r.Key()] = cr
		}
	}
	im.groups[g] = c
	return c, nil
}

// withdraw deletes, for a complete file, the source's cached records of
// each department and kind it holds that no row named.
func (im *importer) withdraw() error {
	for _, g := range im.sortedGroups() {
		if g.dept == "" || g.kind == "" {
			continue
		}
		c, err := im.cached(g)
		if err != nil {
			return err
		}
		var gone []string
		for key := range c {
			if _, ok := im.seen[key]; !ok {
				gone = append(gone, key)
			}
		}
		slices.Sort(gone)
		for _, key := range gone {
			im.count(g).Withdrawn++
			im.res.Withdrawn = append(im.res.Withdrawn, key)
			if err := im.add(string(g.kind), credit.Change{Op: credit.OpDelete, Key: key}, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// add queues a change or a quarantined item in its kind's page, storing
// the queue when it holds BatchRows items.
func (im *importer) add(kind string, c credit.Change, q *credit.Quarantined) error {
	if im.w == nil {
		return nil
	}
	feed := kind
	if feed == "" {
		feed = "unknown"
	}
	var p *credit.Page
	for _, pp := range im.pending {
		if pp.Feed == feed {
			p = pp
		}
	}
	if p == nil {
		p = &credit.Page{Endpoint: im.opt.Source, Feed: feed, NextCursor: im.hash, FetchedAt: im.opt.Now}
		im.pending = append(im.pending, p)
	}
	if q != nil {
		p.Quarantine = append(p.Quarantine, *q)
	} else {
		p.Changes = append(p.Changes, c)
	}
	im.npend++
	if im.npend >= im.opt.BatchRows {
		return im.flush(false)
	}
	return nil
}

// flush stores the queued pages; the last flush also stores the ledger
// entry and ends each kind's walk (the file was read to its end). The
// first flush clears the file's earlier unkeyed refusals.
func (im *importer) flush(last bool) error {
	pages := im.pending
	im.pending, im.npend = nil, 0
	if !last && len(pages) == 0 {
		return nil
	}
	b := credit.ImportBatch{Pages: pages}
	if !im.flushed {
		b.ClearRows, im.flushed = im.file, true
		if len(pages) == 0 { // nothing else to write: a page to carry the clearing
			b.Pages = []*credit.Page{{Endpoint: im.opt.Source, Feed: "unknown", NextCursor: im.hash, FetchedAt: im.opt.Now}}
		}
	}
	if last {
		for _, p := range b.Pages {
			p.WalkEnd = credit.Kind(p.Feed).Valid()
		}
		b.Log = im.res.Log
	}
	return im.w.ApplyImport(b)
}

// saveStatus records the import as the source's success: it shows on the
// sync tab and in status like an endpoint (credit.JudgeEndpoint).
func (im *importer) saveStatus() error {
	st, err := im.w.EndpointStatus(im.opt.Source)
	if err != nil {
		return err
	}
	st.Name = im.opt.Source
	for g := range im.counts {
		if g.kind.Valid() && !slices.Contains(st.Feeds, string(g.kind)) {
			st.Feeds = append(st.Feeds, string(g.kind))
		}
	}
	slices.Sort(st.Feeds)
	st.LastAttempt, st.LastSuccess = im.opt.Now, im.opt.Now
	st.LastError, st.Failures, st.ErrorSince, st.RetryAt = "", 0, time.Time{}, time.Time{}
	return im.w.SaveEndpointStatus(st)
}
