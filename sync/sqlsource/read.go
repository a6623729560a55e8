package sqlsource

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
	credsync "github.com/czyj/credwatch/sync"
)

// dialect is what differs between the databases in the statements built
// here.
type dialect struct {
	name  string
	quote func(string) string // a column name as the database reported it
	ph    func(i int) string  // the i-th (1-based) parameter
}

var (
	pgDialect   = dialect{Postgres, func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }, func(i int) string { return "$" + strconv.Itoa(i) }}
	myDialect   = dialect{MySQL, func(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }, func(int) string { return "?" }}
	liteDialect = dialect{SQLite, pgDialect.quote, func(int) string { return "?" }}
)

// ErrNotReadOnly is returned for any statement other than one SELECT.
var ErrNotReadOnly = errors.New("sqlsource: only a single SELECT statement may be run against the front-end database")

// checkReadOnly refuses anything but one SELECT: every statement credwatch
// runs passes here first (the database's read-only session and
// transaction refuse writes again behind it).
func checkReadOnly(q string) error {
	t := strings.TrimSpace(q)
	if len(t) < 7 || !strings.EqualFold(t[:7], "SELECT ") || strings.ContainsAny(t, ";") {
		return ErrNotReadOnly
	}
	u := strings.ToUpper(t)
	for _, w := range []string{" FOR UPDATE", " FOR SHARE", " INTO ", " LOCK IN SHARE MODE"} {
		if strings.Contains(u, w) {
			return ErrNotReadOnly
		}
	}
	return nil
}

// query runs one SELECT in a read-only transaction and calls each for
// every row, with a fresh slice of the row's values. It is the only way
// this package reaches the database.
func (s *Source) query(ctx context.Context, q string, args []any, each func(cols []string, vals []any) error) error {
	return s.readOnly(ctx, q, args, func(rows *sql.Rows) error { return eachRow(rows, each) })
}

// readOnly runs the SELECT q, checked by checkReadOnly exactly as it is
// sent, in a read-only transaction bounded by the query timeout, and
// hands fn its rows. Every query of this package goes through it.
func (s *Source) readOnly(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	if err := checkReadOnly(q); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	// SQLite's driver has no read-only transactions; its connection is
	// read-only (mode=ro, query_only).
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: s.dia.name != SQLite})
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if err := fn(rows); err != nil {
		return err
	}
	if err := rows.Close(); err != nil {
		return err
	}
	return tx.Commit()
}

// eachRow calls each for every row of rows, with a fresh slice of its
// values.
func eachRow(rows *sql.Rows, each func(cols []string, vals []any) error) error {
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	// The driver decodes rows in one goroutine while each converts them in
	// this one: on a page of thousands of rows the two take about as long,
	// and overlap on two cores.
	batches := make(chan [][]any, 4)
	stop := make(chan struct{})
	scanErr := make(chan error, 1)
	go func() {
		defer close(batches)
		n := len(cols)
		ptrs := make([]any, n)
		batch := make([][]any, 0, 64)
		var buf []any // the values of a batch's rows, allocated at once
		for rows.Next() {
			if len(buf) < n {
				buf = make([]any, 64*n)
			}
			vals := buf[:n:n]
			buf = buf[n:]
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				scanErr <- err
				return
			}
			if batch = append(batch, vals); len(batch) == cap(batch) {
				select {
				case batches <- batch:
				case <-stop:
					return
				}
				batch = make([][]any, 0, 64)
			}
		}
		if len(batch) > 0 {
			select {
			case batches <- batch:
			case <-stop:
				return
			}
		}
		scanErr <- rows.Err()
	}()
	var eachErr error
	for batch := range batches {
		for _, vals := range batch {
			if each != nil && eachErr == nil {
				eachErr = each(cols, vals)
			}
		}
		if eachErr != nil {
			close(stop)
			for range batches { // let the scanner see stop and end
			}
			return eachErr
		}
	}
	return <-scanErr
}

// tableQuery is a table's SELECT, built once from the columns the table
// has.
type tableQuery struct {
	kind    credit.Kind
	table   Table
	cols    []string // the columns selected, as the database names them
	fields  []field  // per selected column after the key, change and deleted ones
	keyCol  string
	chgCol  string
	delIdx  int // index in cols of the deletion flag, -1 if none
	first   string
	next    string
	missing []string // fields the table has no column for
}

// table returns the query of kind's table, reading the table's columns
// the first time.
func (s *Source) table(ctx context.Context, k credit.Kind) (*tableQuery, error) {
	s.mu.Lock()
	tq := s.tables[k]
	s.mu.Unlock()
	if tq != nil {
		return tq, nil
	}
	t, ok := s.cfg.Tables[k]
	if !ok {
		return nil, &credsync.FeedError{Feed: string(k), Err: fmt.Errorf("source %s has no table for %s", s.cfg.Name, k)}
	}
	var cols []string
	err := s.query(ctx, "SELECT * FROM "+t.Name+" WHERE 1=0", nil, nil)
	if err == nil {
		err = s.columns(ctx, t.Name, &cols)
	}
	if err != nil {
		if s.db.PingContext(ctx) == nil {
			return nil, &credsync.FeedError{Feed: string(k), Err: fmt.Errorf("table %s: %w", t.Name, err)}
		}
		return nil, err
	}
	tq, err = buildQuery(s.dia, k, t, cols)
	if err != nil {
		return nil, &credsync.FeedError{Feed: string(k), Err: err}
	}
	s.mu.Lock()
	s.tables[k] = tq
	s.mu.Unlock()
	return tq, nil
}

// columns reads the names of table's columns.
func (s *Source) columns(ctx context.Context, table string, out *[]string) error {
	return s.readOnly(ctx, "SELECT * FROM "+table+" WHERE 1=0", nil, func(rows *sql.Rows) error {
		var err error
		*out, err = rows.Columns()
		return err
	})
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// buildQuery matches the table's columns to kind k's fields
// (case-insensitively, through t.Columns) and builds its two SELECTs: the
// first page, and the page after a (change, key) position.
func buildQuery(d dialect, k credit.Kind, t Table, have []string) (*tableQuery, error) {
	byUpper := map[string]string{}
	for _, c := range have {
		byUpper[strings.ToUpper(c)] = c
	}
	mapped := map[string]string{}
	for f, c := range t.Columns {
		mapped[strings.ToUpper(f)] = c
	}
	colOf := func(f string) (string, bool) {
		name := f
		if c, ok := mapped[strings.ToUpper(f)]; ok {
			name = c
		}
		c, ok := byUpper[strings.ToUpper(name)]
		return c, ok
	}
	tq := &tableQuery{kind: k, table: t, delIdx: -1}
	var ok bool
	if tq.keyCol, ok = colOf(orDefault(t.Key, DefaultKey)); !ok {
		return nil, fmt.Errorf("table %s has no key column %s (set key in the source's table)", t.Name, orDefault(t.Key, DefaultKey))
	}
	if tq.chgCol, ok = colOf(orDefault(t.Change, DefaultChange)); !ok {
		return nil, fmt.Errorf("table %s has no change column %s (set change to an update time or an increasing id)", t.Name, orDefault(t.Change, DefaultChange))
	}
	tq.cols = []string{tq.keyCol, tq.chgCol}
	if t.Deleted != "" {
		c, ok := colOf(t.Deleted)
		if !ok {
			return nil, fmt.Errorf("table %s has no deletion flag column %s", t.Name, t.Deleted)
		}
		tq.delIdx = len(tq.cols)
		tq.cols = append(tq.cols, c)
	}
	for _, f := range fieldsOf(k) {
		c, ok := colOf(f.name)
		if !ok {
			tq.missing = append(tq.missing, f.name)
			continue
		}
		tq.cols = append(tq.cols, c)
		tq.fields = append(tq.fields, f)
	}
	if !hasField(tq.fields, "JDRQ") {
		return nil, fmt.Errorf("table %s has no decision date column (%s)", t.Name, jdrq(k))
	}
	if !hasField(tq.fields, "DEPT") && t.Dept == "" {
		return nil, fmt.Errorf("table %s has no DEPT column: map one (columns) or give the department of every row (dept)", t.Name)
	}
	sel := make([]string, len(tq.cols))
	for i, c := range tq.cols {
		sel[i] = d.quote(c)
	}
	kc, cc := d.quote(tq.keyCol), d.quote(tq.chgCol)
	base := "SELECT " + strings.Join(sel, ", ") + " FROM " + t.Name + " WHERE " + cc + " IS NOT NULL"
	order := " ORDER BY " + cc + ", " + kc + " LIMIT "
	tq.first = base + order + d.ph(1)
	// "change >= c AND (change > c OR key > k)": the first condition
	// lets every database start an index range scan on (change, key) at
	// the position (an OR alone makes PostgreSQL scan and sort the whole
	// table for every page), and the LIMIT stops it.
	tq.next = base + " AND " + cc + " >= " + d.ph(1) + " AND (" + cc + " > " + d.ph(2) + " OR " + kc + " > " + d.ph(3) + ")" + order + d.ph(4)
	return tq, nil
}

func hasField(fs []field, suffix string) bool {
	for _, f := range fs {
		if strings.HasSuffix(f.name, suffix) {
			return true
		}
	}
	return false
}

func jdrq(k credit.Kind) string {
	for _, f := range kindFields[k] {
		if strings.HasSuffix(f.name, "JDRQ") {
			return f.name
		}
	}
	return "JDRQ"
}

// position is where a walk of a table got to, kept as the feed's cursor:
// when the walk began (for FullEvery) and the change and key values of the
// last row read, typed so they compare in the database as they sorted.
type position struct {
	Walk   int64   `json:"w"`           // Unix seconds when the walk from the beginning started
	Change *typedV `json:"c,omitempty"` // nil before the first row
	Key    *typedV `json:"k,omitempty"`
}

type typedV struct {
	T string `json:"t"` // "i" int64, "f" float64, "s" string, "t" time (RFC 3339, nanoseconds)
	V string `json:"v"`
}

func typed(v any) *typedV {
	switch x := v.(type) {
	case int64:
		return &typedV{"i", strconv.FormatInt(x, 10)}
	case float64:
		return &typedV{"f", strconv.FormatFloat(x, 'g', -1, 64)}
	case time.Time:
		return &typedV{"t", x.Format(time.RFC3339Nano)}
	case []byte:
		return &typedV{"s", string(x)}
	default:
		return &typedV{"s", fmt.Sprint(x)}
	}
}

func (t *typedV) value() (any, error) {
	switch t.T {
	case "i":
		return strconv.ParseInt(t.V, 10, 64)
	case "f":
		return strconv.ParseFloat(t.V, 64)
	case "t":
		return time.Parse(time.RFC3339Nano, t.V)
	case "s":
		return t.V, nil
	}
	return nil, fmt.Errorf("unknown value type %q", t.T)
}

const cursorPrefix = "sql1."

func (p position) encode() string {
	b, _ := json.Marshal(p)
	return cursorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

func decodePosition(c string) (position, error) {
	var p position
	if !strings.HasPrefix(c, cursorPrefix) {
		return p, fmt.Errorf("cursor %q is not a position in a table", credit.Sanitize(c))
	}
	b, err := base64.RawURLEncoding.DecodeString(c[len(cursorPrefix):])
	if err == nil {
		err = json.Unmarshal(b, &p)
	}
	if err == nil && (p.Change == nil) != (p.Key == nil) {
		err = errors.New("half a position")
	}
	if err != nil {
		return p, fmt.Errorf("cursor %q is not a position in a table: %v", credit.Sanitize(c), err)
	}
	return p, nil
}

// ReadPage reads the rows of feed's table after cursor, at most limit
// (bounded by MaxPageSize), ordered by the change column and the key. See
// sync.Source.
func (s *Source) ReadPage(ctx context.Context, feed, cursor string, limit int) (*credsync.SourcePage, error) {
	sp, err := s.readPage(ctx, credit.Kind(feed), cursor, limit)
	return sp, s.redactErr(err)
}

func (s *Source) readPage(ctx context.Context, k credit.Kind, cursor string, limit int) (*credsync.SourcePage, error) {
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	now := s.cfg.Now()
	pos := position{Walk: now.Unix()}
	if cursor != "" {
		p, err := decodePosition(cursor)
		if err != nil {
			// Not ours (another source's, or older): walk anew, keeping
			// the cache until that walk completes.
			return nil, credsync.ErrRewalk
		}
		pos = p
		if s.cfg.FullEvery > 0 && now.Sub(time.Unix(pos.Walk, 0)) >= s.cfg.FullEvery {
			return nil, credsync.ErrRewalk
		}
	}
	tq, err := s.table(ctx, k)
	if err != nil {
		return nil, err
	}
	q, args := tq.first, []any{limit + 1}
	if pos.Change != nil {
		c, err1 := pos.Change.value()
		key, err2 := pos.Key.value()
		if err := errors.Join(err1, err2); err != nil {
			return nil, credsync.ErrRewalk
		}
		q, args = tq.next, []any{c, c, key, limit + 1}
	}
	sp := &credsync.SourcePage{NextCursor: cursor}
	var last []any
	err = s.query(ctx, q, args, func(_ []string, vals []any) error {
		if len(sp.Items) == limit {
			sp.HasMore = true
			return nil
		}
		sp.Items = append(sp.Items, tq.item(vals))
		last = vals
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read table %s (%s): %w", tq.table.Name, k, err)
	}
	if last != nil {
		pos.Change, pos.Key = typed(last[1]), typed(last[0])
		sp.NextCursor = pos.encode()
	} else if cursor == "" {
		sp.NextCursor = pos.encode() // an empty table: the walk is complete
	}
	return sp, nil
}

// item makes a row a change: a deletion if the flag says so, else the
// record its columns give, or the reason a column could not be read.
func (tq *tableQuery) item(vals []any) credsync.SourceItem {
	key := cell{vals[0]}.text()
	it := credsync.SourceItem{Key: key, Raw: func() []byte { return tq.raw(vals) }}
	if tq.delIdx >= 0 {
		del, err := cell{vals[tq.delIdx]}.flag()
		if err != nil {
			it.Err = fmt.Errorf("table %s, %s %s: column %s: %v", tq.table.Name, tq.keyCol, key, tq.cols[tq.delIdx], err)
			return it
		}
		if del {
			it.Delete = true
			return it
		}
	}
	r := &credit.Record{Kind: tq.kind, ID: key}
	off := len(tq.cols) - len(tq.fields)
	for i, f := range tq.fields {
		v := cell{vals[off+i]}
		if v.null() {
			continue
		}
		if err := f.set(r, v); err != nil {
			it.Err = fmt.Errorf("table %s, %s %s: column %s: %v", tq.table.Name, tq.keyCol, key, tq.cols[off+i], err)
			return it
		}
	}
	if r.Dept == "" {
		r.Dept = tq.table.Dept
	}
	if r.UpdatedAt.IsZero() {
		if t, ok := vals[1].(time.Time); ok {
			r.UpdatedAt = wall(t)
		}
	}
	it.Record = r
	return it
}

// raw renders a row for the quarantine: the table, the key and every
// column read.
func (tq *tableQuery) raw(vals []any) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "table %s, %s = %q:", tq.table.Name, tq.keyCol, cell{vals[0]}.text())
	for i, c := range tq.cols {
		if i == 0 {
			continue
		}
		v := "NULL"
		if vals[i] != nil {
			v = strconv.Quote(rawText(vals[i]))
		}
		fmt.Fprintf(&b, " %s=%s", c, v)
	}
	return []byte(b.String())
}

// rawText is a value as the database holds it, spaces kept.
func rawText(v any) string {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case string:
		return x
	case time.Time:
		return x.Format("2006-01-02 15:04:05.999999999")
	}
	return cell{v}.text()
}
