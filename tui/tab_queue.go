package tui

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/bubbles/key"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// queuePage is the 修复后续 tab: one table (embedded) of the repairs
// waiting on a post-approval step, its columns queueTab, its rows a
// queueRows made by buildQueue.
type queuePage struct {
	oneTable
}

var _ tab = (*queuePage)(nil)

func newQueuePage(c common) queuePage {
	return queuePage{oneTable{c.newTable(queueColumns(c.cat), "empty.queue")}}
}

// apply takes the build's rows unless they are the ones held (reused),
// laid out by the load command when it did (built.prepare).
func (p *queuePage) apply(b *built) {
	switch {
	case b.reused:
	case b.prepared:
		p.SetPrepared(b.queuePrep)
	default:
		p.SetIndexed(b.queue)
	}
}

func (p *queuePage) summary(b *built) string { return b.queueSum }

func (p *queuePage) detail(r Row, _ func() buildInput) string { return r.Detail }

// keys: the actions on a penalty's repair (targetFor says which the
// selected row allows: on this tab, the national repair and a withdrawal).
func (p *queuePage) keys(k *KeyMap) []*key.Binding { return targetKeys(k) }

func (p *queuePage) exportView() string { return "queue" }

// inQueue reports whether a repair at this stage is in the post-approval
// queues: approved and waiting on a step, or a review that is overdue.
func inQueue(ps credit.PipelineStatus) bool {
	switch ps.Stage {
	case credit.StageAwaitingCancel, credit.StageAwaitingRegrade, credit.StageAwaitingNational:
		return true
	case credit.StageUnderReview:
		return ps.Stuck
	}
	return false
}

// buildQueue works out which repairs are in the post-approval queues and
// returns them, sorted, as a RowSource, with the tab's summary line.
func buildQueue(in buildInput, y *yearNotes) (*queueRows, string) {
	src := newQueueRows(&in)
	for i := range in.snap.Repairs.Len() { // in key order
		table.Yield(i)
		rep := in.snap.Repairs.At(i)
		if e, ok := src.place(&in, in.snap.Repairs.Key(i), &rep); ok {
			src.entries = append(src.entries, e)
		}
	}
	sortQueue(src.entries)
	return src, src.summary(y)
}

// newQueueRows returns the queue rows of in without entries.
func newQueueRows(in *buildInput) *queueRows {
	snap, rules := in.snap, in.rules
	return &queueRows{penaltySource: penaltySource{in.snap.Penalties}, search: map[string]string{}, depts: in.depts, cat: in.cat,
		ruleSet: func(e *queueEntry) string {
			if e.pen < 0 {
				return ""
			}
			sum := snap.Penalties.At(int(e.pen))
			lite := sum.Record()
			rd, err := rules.RepairFor(&lite, repairOf(snap, e.key))
			if err != nil {
				return ""
			}
			return rd.RuleSet
		}}
}

// place works out the queue entry of the repair rep of record k, and
// notes its department's search text, or the year the calendar did not
// know, in q; ok is false when the repair is in no queue or out of the
// officer's scope.
func (q *queueRows) place(in *buildInput, k string, rep *credit.Repair) (queueEntry, bool) {
	pen := int32(penaltyIndex(&in.snap.Penalties, k))
	var dept string
	if pen >= 0 {
		dept = in.snap.Penalties.Dept(int(pen))
	}
	// A repair whose penalty is not cached has no known department: an
	// officer scoped to departments does not see it.
	if len(in.scope) > 0 && (pen < 0 || !in.inScope(dept)) {
		return queueEntry{}, false
	}
	ps, err := in.rules.Pipeline(rep, in.today)
	if err != nil {
		// The repair tab shows the error on the penalty's row.
		if u := (*credit.UnknownYearError)(nil); errors.As(err, &u) {
			if q.errYears == nil {
				q.errYears = map[string]int{}
			}
			q.errYears[k] = u.Year
		}
		return queueEntry{}, false
	}
	if !inQueue(ps) {
		return queueEntry{}, false
	}
	if _, ok := q.search[dept]; !ok {
		q.search[dept] = in.deptSearch(dept)
	}
	return queueEntry{key: k, pen: pen, since: ps.Since, due: ps.Due,
		age: int32(ps.AgeWorkingDays), stage: uint8(ps.Stage), stuck: ps.Stuck}, true
}

// summary returns the tab's summary line and notes in y the years of the
// deadlines the rows show and those the rules did not know.
func (q *queueRows) summary(y *yearNotes) string {
	perStage := map[credit.Stage]int{}
	stuck := 0
	for _, e := range q.entries {
		y.date(e.due)
		perStage[credit.Stage(e.stage)]++
		if e.stuck {
			stuck++
		}
	}
	for _, yr := range q.errYears {
		y.err(&credit.UnknownYearError{Year: yr})
	}
	return q.cat.f("q.sum", stuck, perStage[credit.StageAwaitingCancel], perStage[credit.StageAwaitingRegrade],
		perStage[credit.StageAwaitingNational], perStage[credit.StageUnderReview])
}

// sortQueue puts stuck items first, then the oldest (most working days in
// the stage), then the earliest start, then by key.
func sortQueue(entries []queueEntry) { slices.SortFunc(entries, compareQueue) }

// compareQueue is sortQueue's order; entries of two repairs never compare
// equal.
func compareQueue(a, b queueEntry) int {
	if a.stuck != b.stuck {
		if a.stuck {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(b.age, a.age), cmp.Compare(a.since, b.since), strings.Compare(a.key, b.key))
}

// queueEntry is one row of the cancellation queues: a repair in a
// post-approval step, or an overdue review.
type queueEntry struct {
	key        string // the repair's record key
	pen        int32  // index into Snapshot.Penalties; -1 when not cached
	since, due credit.Date
	age        int32 // working days in the stage
	stage      uint8 // credit.Stage
	stuck      bool
}

// queueRows is the queue tab's RowSource, read-only once built.
type queueRows struct {
	penaltySource
	entries []queueEntry // in the tab's order
	search  map[string]string
	depts   *credit.Directory
	cat     catalog
	// ruleSet names the rule set that placed an entry's penalty ("" when
	// the penalty is not cached); an export asks, the screen does not.
	ruleSet func(e *queueEntry) string
	// errYears are the years the calendar did not know for the repairs
	// of the officer's scope whose stage the rules could not work out,
	// by record key.
	errYears map[string]int
}

var _ table.SharedSource = (*queueRows)(nil)

func (q *queueRows) Len() int { return len(q.entries) }

func (q *queueRows) Width() int { return len(queueTab) }

// Find returns the row of the repair of key, or -1, scanning the entries
// (the queues are a small share of the repairs).
func (q *queueRows) Find(key string) int {
	return slices.IndexFunc(q.entries, func(e queueEntry) bool { return e.key == key })
}

// Row makes row i: the enterprise and document, the step it waits on,
// since when and how long, its deadline and whether it is overdue.
func (q *queueRows) Row(i int) Row {
	var row Row
	q.fill(i, &row, nil)
	return row
}

// IndexRow implements table.Indexer.
func (q *queueRows) IndexRow(i int, row *Row, memo *table.Memo) { q.fill(i, row, memo) }

// Columns implements table.SharedSource.
func (q *queueRows) Columns() []Column { return queueColumns(q.cat) }

// Item implements table.SharedSource: -1 for a repair whose penalty is not
// cached (its name cell is the key).
func (q *queueRows) Item(i int) int { return int(q.entries[i].pen) }

// queueRow is what the queue tab's cells are made from: one row's entry
// and its penalty's name and document number.
type queueRow struct {
	q               *queueRows
	e               *queueEntry
	memo            *table.Memo
	name, doc, dept string
}

var queueRowPool = sync.Pool{New: func() any { return new(queueRow) }}

// queueTab is the queue tab's columns, in order: each one's header,
// layout, search role and cell. To add a column, add an entry here. As
// the table narrows the start date yields first (the detail line has it),
// the name and the stage shrink, then the department goes (at 80
// columns); the document number stays whole and the status never goes.
var queueTab = []tabColumn[queueRow]{
	{title: "col.name", col: Column{Min: 16, Field: searchName, Collate: true}, key: "subject_name", cell: func(x *queueRow) string { return x.name }},
	{title: "col.docno", col: Column{Min: 22, Field: searchDocNo}, key: "doc_no", typ: credit.CellCode, cell: func(x *queueRow) string { return x.doc }},
	{title: "col.dept", col: Column{Drop: 2, Collate: true}, key: "dept", cell: func(x *queueRow) string {
		if x.dept == "" {
			return ""
		}
		return x.q.depts.ShortName(x.dept)
	}, more: []exportColumn[queueRow]{{title: "col.deptcode", key: "dept_code", typ: credit.CellCode,
		value: func(x *queueRow) string { return x.dept }}}},
	{title: "col.stage", col: Column{Min: 12}, key: "stage", cell: func(x *queueRow) string { return x.q.cat.stage(credit.Stage(x.e.stage)) },
		more: []exportColumn[queueRow]{{title: "col.ruleset", key: "rule_set", typ: credit.CellCode,
			value: func(x *queueRow) string {
				if x.q.ruleSet == nil {
					return ""
				}
				return x.q.ruleSet(x.e)
			}}}},
	{title: "col.since", col: Column{Drop: 3, Yield: true}, key: "since", typ: credit.CellDate, // also in the detail line
		cell:  func(x *queueRow) string { return memoDateOf(x.memo, x.e.since) },
		value: func(x *queueRow) string { return dateText(x.e.since) }},
	{title: "col.age", col: Column{Right: true}, key: "working_days", typ: credit.CellNumber, cell: func(x *queueRow) string {
		return x.memo.Str(memoKey(memoAge, int(x.e.age)), func() string { return strconv.Itoa(int(x.e.age)) })
	}},
	{title: "col.due", key: "due", typ: credit.CellDate, cell: func(x *queueRow) string { return memoDateOf(x.memo, x.e.due) },
		value: func(x *queueRow) string { return dateText(x.e.due) }},
	{title: "col.status", key: "status", cell: func(x *queueRow) string {
		stuck := 0
		if x.e.stuck {
			stuck = 1
		}
		return x.memo.Str(memoKey(memoQueueState, stuck), func() string {
			if x.e.stuck {
				return symBad + " " + x.q.cat.t("q.stuck")
			}
			return symOK + " " + x.q.cat.t("q.ok")
		})
	}, value: func(x *queueRow) string {
		if x.e.stuck {
			return x.q.cat.t("q.stuck")
		}
		return x.q.cat.t("q.ok")
	}},
}

// queueColumns are the queue tab's columns (queueTab).
func queueColumns(c catalog) []Column { return tabColumns(c, queueTab) }

// fill makes row i into row: all of it with a nil memo, else what the
// index reads (see table.Indexer).
func (q *queueRows) fill(i int, row *Row, memo *table.Memo) {
	e := &q.entries[i]
	c := q.cat
	// Rows reuse queueRows (the cells' funcs would make each row's
	// escape): the index's, one per memo; Row's, from a pool.
	var x *queueRow
	if memo != nil {
		x = memo.Scratch(func() any { return new(queueRow) }).(*queueRow)
	} else {
		x = queueRowPool.Get().(*queueRow)
		defer func() { *x = queueRow{}; queueRowPool.Put(x) }()
	}
	q.prepare(i, x, memo)
	dept := x.dept
	search, ok := q.search[dept]
	if !ok {
		search = dept
	}
	cells := table.CellsOf(row, len(queueTab))
	for j := range queueTab {
		cells[j] = queueTab[j].cell(x)
	}
	*row = Row{Cells: cells, Alert: e.stuck, Dept: dept, Search: search}
	if memo != nil {
		return
	}
	var todo string
	switch credit.Stage(e.stage) {
	case credit.StageUnderReview:
		todo = c.t("q.review")
	case credit.StageAwaitingCancel:
		todo = c.t("q.cancel")
	case credit.StageAwaitingRegrade:
		todo = c.t("q.regrade")
	case credit.StageAwaitingNational:
		todo = c.t("q.national")
	}
	row.Key, row.SortKeys = e.key, tabSortKeys(queueTab, x)
	// The detail strip names the row in full (name, document number,
	// department), which the columns cut at 80 columns.
	row.Detail = x.name + " " + x.doc + " " + q.depts.ShortName(dept) + ": " + todo + "; " + c.f("q.since", e.since, int(e.age), e.due)
}

// line returns what row i's cells are made from.
func (q *queueRows) line(i int) *queueRow {
	x := new(queueRow)
	q.prepare(i, x, nil)
	return x
}

// prepare works out into x what row i's cells are made from.
func (q *queueRows) prepare(i int, x *queueRow, memo *table.Memo) {
	e := &q.entries[i]
	*x = queueRow{q: q, e: e, memo: memo}
	if e.pen >= 0 {
		rec := q.pens.At(int(e.pen))
		x.name, x.doc, x.dept = cleanText(rec.SubjectName), cleanText(rec.DocNo), rec.Dept
	} else {
		x.name = e.key + q.cat.t("q.norecord")
	}
}
