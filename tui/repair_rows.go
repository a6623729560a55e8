package tui

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// The search roles of the penalty tabs' columns (Column.Field): the
// penalty summary field a column shows as it is, which the table's filter
// then searches in the summaries' own text (credit.PenaltySearch).
const (
	searchName  = table.Field(credit.FieldSubjectName)
	searchUSCC  = table.Field(credit.FieldUSCC)
	searchDocNo = table.Field(credit.FieldDocNo)
)

// penaltySource is the table.SharedSource part common to the repair and
// queue tabs' rows: their items are the snapshot's penalty summaries.
type penaltySource struct{ pens credit.Penalties }

// ItemText implements table.SharedSource.
func (s *penaltySource) ItemText(p int, f table.Field) string {
	return s.pens.Field(p, credit.PenaltyField(f))
}

// Search implements table.SharedSource.
func (s *penaltySource) Search(fields []table.Field, among []int32) table.Searcher {
	pf := make([]credit.PenaltyField, len(fields))
	for i, f := range fields {
		pf[i] = credit.PenaltyField(f)
	}
	return s.pens.NewSearch(pf, among)
}

// repairEntry is one row of the repair tab in 16 bytes: what the rules
// worked out for the penalty when the tab was built. The row's cells are
// made from it and the penalty's summary when the table draws or indexes
// the row, so the tab holds no Row for its 300k penalties at 1M records.
type repairEntry struct {
	pen     int32       // index into Snapshot.Penalties
	elig    credit.Date // first day the enterprise may apply; zero when not repairable
	due     credit.Date // the current step's deadline (for sorting the review section)
	section uint8
	stage   uint8 // credit.Stage
	flags   uint8
	rset    uint8 // 1 + the index in repairRows.ruleSets of the rule set that placed it; 0: none
}

// repairEntry flags.
const (
	repRepairable = 1 << iota // RepairFor said repairable; elig is set
	repStuck                  // the pipeline is past its expected time
	repReminded               // 到期提醒 marked sent
	repError                  // the rules could not place it; repairRows.errs has why
	repFulfil                 // repairable once the obligations are fulfilled (minor), none recorded; elig is zero
	repEarly                  // applied before eligibility, or for an unrepairable penalty (RepairDates.ApplicationIssue)
)

// repairError is why a penalty's row could not be placed: the cell label's
// message key and the error's text (the row's detail line).
type repairError struct{ label, detail string }

// repairRows is the repair tab's RowSource. It is read-only once built and
// shares the snapshot's penalties, so tables copied by value (and the
// build goroutine, then the UI) may read it.
type repairRows struct {
	penaltySource
	entries []repairEntry // in the tab's order
	pos     []int32       // pos[pen] is the pen's index in entries, or -1
	errs    map[int32]repairError
	search  map[string]string // department -> its search text
	depts   *credit.Directory
	cat     catalog
	today   credit.Date
	days    int      // the "eligible soon" section's window in days (Deps.DeadlineDays)
	sets    []string // the rule sets that placed the entries (repairEntry.rset)
}

// ruleSet returns the index to store in repairEntry.rset for the rule set
// named set.
func (r *repairRows) ruleSet(set string) uint8 {
	if set == "" {
		return 0
	}
	i := slices.Index(r.sets, set)
	if i < 0 {
		if len(r.sets) == 255 {
			return 0 // more rule sets than a byte counts: none shown
		}
		r.sets = append(r.sets, set)
		i = len(r.sets) - 1
	}
	return uint8(i + 1)
}

var _ table.SharedSource = (*repairRows)(nil)

func (r *repairRows) Len() int   { return len(r.entries) }
func (r *repairRows) Width() int { return len(repairTab) }

// Find returns the row of the penalty with key ("penalty/id"), or -1.
func (r *repairRows) Find(key string) int {
	p := penaltyIndex(&r.pens, key)
	if p < 0 || p >= len(r.pos) {
		return -1
	}
	return int(r.pos[p])
}

// Row makes row i's cells; see buildRepair for what they say.
func (r *repairRows) Row(i int) Row {
	var row Row
	r.fill(i, &row, nil)
	return row
}

// IndexRow implements table.Indexer.
func (r *repairRows) IndexRow(i int, row *Row, memo *table.Memo) { r.fill(i, row, memo) }

// Columns implements table.SharedSource.
func (r *repairRows) Columns() []Column { return repairColumns(r.cat) }

// Item implements table.SharedSource.
func (r *repairRows) Item(i int) int { return int(r.entries[i].pen) }

// repairRow is what the repair tab's cells are made from: one row's
// penalty summary and what the rules worked out for it, worked out once
// for all the cells (repairTab).
type repairRow struct {
	r    *repairRows
	e    *repairEntry
	rec  *credit.PenaltySummary // &sum
	sum  credit.PenaltySummary
	memo *table.Memo
	err  *repairError // the rules could not place it: &errv, else nil
	errv repairError
	tis  credit.ThreeInStep
	// From the entry's flags and the day.
	stage                          credit.Stage
	stuck, reminded, repairable    bool
	daysLeft                       int
	now, remindDue, early, fulfils bool
}

var repairRowPool = sync.Pool{New: func() any { return new(repairRow) }}

// repairTab is the repair tab's columns, in order: each one's header,
// layout, search role and cell. To add a column, add an entry here.
var repairTab = []tabColumn[repairRow]{
	{title: "col.section", col: Column{Min: 6}, key: "section", cell: func(x *repairRow) string {
		return x.memo.Str(memoKey(memoSection, int(x.e.section)), func() string { return sectionLabel(x.r.cat, int(x.e.section), x.r.days) })
	}},
	{title: "col.name", col: Column{Min: 12, Field: searchName}, key: "subject_name", cell: func(x *repairRow) string { return cleanText(x.rec.SubjectName) }},
	{title: "col.dept", col: Column{Drop: 5, Yield: true}, key: "dept", cell: func(x *repairRow) string { return x.r.depts.ShortName(x.rec.Dept) },
		more: []exportColumn[repairRow]{{title: "col.deptcode", key: "dept_code", typ: credit.CellCode,
			value: func(x *repairRow) string { return x.rec.Dept }}}},
	{title: "col.uscc", col: Column{Drop: 4, Field: searchUSCC}, key: "uscc", typ: credit.CellCode, cell: func(x *repairRow) string { return x.rec.USCC }},
	{title: "col.docno", col: Column{Min: 12, Field: searchDocNo}, key: "doc_no", typ: credit.CellCode, cell: func(x *repairRow) string { return cleanText(x.rec.DocNo) }},
	{title: "col.severity", col: Column{Drop: 1}, key: "severity", cell: func(x *repairRow) string { return x.rec.Severity.Chinese() }},
	{title: "col.decided", col: Column{Drop: 2}, key: "decided", typ: credit.CellDate,
		cell:  func(x *repairRow) string { return memoDateOf(x.memo, x.rec.Decided) },
		value: func(x *repairRow) string { return dateText(x.rec.Decided) }},
	{title: "col.eligible", key: "eligible_from", typ: credit.CellDate, cell: func(x *repairRow) string {
		c := x.r.cat
		switch {
		case x.err != nil:
			return symBad + " " + c.t(x.err.label)
		case !x.repairable:
			return c.t("rep.norepair")
		case x.fulfils:
			return c.t("rep.onfulfil")
		}
		return memoDateOf(x.memo, x.e.elig)
	}, value: func(x *repairRow) string {
		if x.err != nil || !x.repairable || x.fulfils {
			return ""
		}
		return dateText(x.e.elig)
	}, more: []exportColumn[repairRow]{
		{title: "col.eligibility", key: "eligibility", value: func(x *repairRow) string {
			c := x.r.cat
			switch {
			case x.err != nil:
				return c.t(x.err.label)
			case !x.repairable:
				return c.t("rep.norepair")
			case x.fulfils:
				return c.t("rep.onfulfil")
			case x.now:
				return c.t("rep.now")
			}
			return ""
		}},
		{title: "col.ruleset", key: "rule_set", typ: credit.CellCode, value: func(x *repairRow) string {
			if x.e.rset == 0 {
				return ""
			}
			return x.r.sets[x.e.rset-1]
		}},
	}},
	// The days left count to the eligibility date: an export has the date
	// (eligible_from) and whether it has come (eligibility), so no column.
	{title: "col.remaining", col: Column{Right: true}, cell: func(x *repairRow) string {
		switch {
		case x.err != nil, !x.repairable, x.fulfils:
			return "-"
		case x.now:
			return x.r.cat.t("rep.now")
		}
		return x.memo.Str(memoKey(memoDays, x.daysLeft), func() string { return x.r.cat.f("rep.days", x.daysLeft) })
	}, sort: func(x *repairRow) string { // the day it counts to
		if x.err != nil || !x.repairable || x.fulfils {
			return ""
		}
		return dateText(x.e.elig)
	}},
	{title: "col.status", col: Column{Min: 10}, key: "status", cell: repairStatusCell, value: func(x *repairRow) string {
		if x.err != nil {
			return ""
		}
		return unmarked(repairStatusCell(x))
	}},
	{title: "col.three", col: Column{Drop: 3}, key: "three_in_step", cell: func(x *repairRow) string {
		return x.memo.Str(memoKey(memoThree, threeCode(x.tis)), func() string { return threeCell(x.r.cat, x.tis) })
	}, value: func(x *repairRow) string {
		if !x.tis.Applicable {
			return ""
		}
		return unmarked(threeCell(x.r.cat, x.tis))
	}},
}

// repairStatusCell is the repair tab's status cell: the stage and its
// marks (repairStatus), and an application made too early.
func repairStatusCell(x *repairRow) string {
	if x.err != nil {
		return "-"
	}
	var code int
	for bit, on := range [...]bool{x.stuck, x.reminded, x.now, x.remindDue, x.early} {
		if on {
			code |= 1 << (8 + bit)
		}
	}
	return x.memo.Str(memoKey(memoRepairStatus, int(x.stage)|code), func() string {
		c := x.r.cat
		st := repairStatus(c, x.stage, x.stuck, x.reminded, x.now, x.remindDue)
		if x.early {
			st = symBad + " " + strings.TrimPrefix(st, symBad+" ") + " " + c.t("rep.early")
		}
		return st
	})
}

// repairColumns are the repair tab's columns (repairTab).
func repairColumns(c catalog) []Column { return tabColumns(c, repairTab) }

// fill makes row i into row: all of it with a nil memo, else what the
// index reads (see table.Indexer).
func (r *repairRows) fill(i int, row *Row, memo *table.Memo) {
	// Rows reuse repairRows (the cells' funcs would make each row's
	// escape): the index's, one per memo; Row's, from a pool.
	var x *repairRow
	if memo != nil {
		x = memo.Scratch(func() any { return new(repairRow) }).(*repairRow)
	} else {
		x = repairRowPool.Get().(*repairRow)
		defer func() { *x = repairRow{}; repairRowPool.Put(x) }()
	}
	r.prepare(i, x, memo)
	rec := x.rec
	search, ok := r.search[rec.Dept]
	if !ok {
		search = rec.Dept
	}
	cells := table.CellsOf(row, len(repairTab))
	for j := range repairTab {
		cells[j] = repairTab[j].cell(x)
	}
	*row = Row{Cells: cells, Dept: rec.Dept, Search: search}
	if x.err != nil {
		row.Alert = true
	} else {
		row.Alert = x.stuck || x.remindDue || x.early || !x.tis.Complete()
	}
	if memo == nil {
		row.Key, row.SortKeys = rec.Key(), tabSortKeys(repairTab, x)
		if x.err != nil {
			row.Detail = x.err.detail
		}
	}
}

// line returns what row i's cells are made from.
func (r *repairRows) line(i int) *repairRow {
	x := new(repairRow)
	r.prepare(i, x, nil)
	return x
}

// prepare works out into x what row i's cells are made from.
func (r *repairRows) prepare(i int, x *repairRow, memo *table.Memo) {
	e := &r.entries[i]
	*x = repairRow{r: r, e: e, sum: r.pens.At(int(e.pen)), memo: memo}
	x.rec = &x.sum
	rec := x.rec
	lite := rec.Record()
	x.tis = credit.CheckThreeInStep(&lite)
	if e.flags&repError != 0 {
		x.errv = r.errs[e.pen]
		x.err = &x.errv
	} else {
		x.stage = credit.Stage(e.stage)
		x.stuck, x.reminded = e.flags&repStuck != 0, e.flags&repReminded != 0
		x.repairable, x.fulfils = e.flags&repRepairable != 0, e.flags&repFulfil != 0
		x.daysLeft = int(e.elig - r.today)
		x.now = x.repairable && !x.fulfils && x.daysLeft <= 0
		// 三同步: a general penalty's enterprise must get the "eligible
		// now" reminder once the minimum period passed.
		x.remindDue = x.now && !x.reminded && x.stage == credit.StageNotApplied && rec.Severity == credit.General
		x.early = e.flags&repEarly != 0
	}
}

// threeCode is a memo value for a 三同步 state: applicable, and the three
// steps.
func threeCode(t credit.ThreeInStep) int {
	code := 0
	for bit, on := range [...]bool{t.Applicable, t.Notice, t.Education, t.Reminder} {
		if on {
			code |= 1 << bit
		}
	}
	return code
}

// threeCell is the repair tab's 三同步 cell: "-" where it does not apply,
// done, or the steps missing.
func threeCell(c catalog, t credit.ThreeInStep) string {
	switch {
	case !t.Applicable:
		return "-"
	case t.Complete():
		return symOK + " " + c.t("rep.threedone")
	}
	return symBad + " " + c.f("rep.threecount", len(t.Missing()))
}

// repairStatus is the repair tab's status cell: the stage, with whether
// 到期提醒 went out once the penalty is eligible (now), and marks for a
// reminder due and a stuck pipeline.
func repairStatus(c catalog, stage credit.Stage, stuck, reminded, now, remindDue bool) string {
	status := c.stage(stage)
	if now {
		// Eligible and not applied: whether 到期提醒 went out.
		switch {
		case stage != credit.StageNotApplied:
		case reminded:
			status += " " + c.t("rep.reminded")
		default:
			status += " " + c.t("rep.noremind")
		}
		if remindDue {
			status = symBad + " " + c.stage(stage) + " " + c.t("rep.remind")
		}
	}
	if stage == credit.StageUnderReview && stuck {
		status += " " + c.t("rep.reviewlate")
	}
	if stuck {
		status = symBad + " " + status
	}
	return status
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
}

var _ table.SharedSource = (*queueRows)(nil)

func (q *queueRows) Len() int   { return len(q.entries) }
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
// layout, search role and cell. To add a column, add an entry here.
var queueTab = []tabColumn[queueRow]{
	{title: "col.name", col: Column{Min: 16, Field: searchName}, key: "subject_name", cell: func(x *queueRow) string { return x.name }},
	{title: "col.docno", col: Column{Min: 12, Field: searchDocNo}, key: "doc_no", typ: credit.CellCode, cell: func(x *queueRow) string { return x.doc }},
	{title: "col.dept", col: Column{Drop: 2, Yield: true}, key: "dept", cell: func(x *queueRow) string {
		if x.dept == "" {
			return ""
		}
		return x.q.depts.ShortName(x.dept)
	}, more: []exportColumn[queueRow]{{title: "col.deptcode", key: "dept_code", typ: credit.CellCode,
		value: func(x *queueRow) string { return x.dept }}}},
	{title: "col.stage", key: "stage", cell: func(x *queueRow) string { return x.q.cat.stage(credit.Stage(x.e.stage)) },
		more: []exportColumn[queueRow]{{title: "col.ruleset", key: "rule_set", typ: credit.CellCode,
			value: func(x *queueRow) string {
				if x.q.ruleSet == nil {
					return ""
				}
				return x.q.ruleSet(x.e)
			}}}},
	{title: "col.since", col: Column{Drop: 1}, key: "since", typ: credit.CellDate, // also in the detail line
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
	row.Detail = x.name + " " + x.doc + ": " + todo + "; " + c.f("q.since", e.since, int(e.age), e.due)
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

// unmarked is a cell's text without the status symbol it starts with.
func unmarked(s string) string {
	for _, sym := range [...]string{symOK, symBad, symSyncing, symNone, symWarn} {
		if t, ok := strings.CutPrefix(s, sym+" "); ok {
			return t
		}
	}
	return s
}
