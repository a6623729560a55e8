package tui

import (
	"slices"
	"strconv"
	"strings"

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
	cat     catalog
	today   credit.Date
	days    int // the "eligible soon" section's window in days (Deps.DeadlineDays)
}

var _ table.SharedSource = (*repairRows)(nil)

func (r *repairRows) Len() int   { return len(r.entries) }
func (r *repairRows) Width() int { return len(repairColumns(r.cat)) }

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

// fill makes row i into row: all of it with a nil memo, else what the
// index reads (see table.Indexer).
func (r *repairRows) fill(i int, row *Row, memo *table.Memo) {
	e := &r.entries[i]
	sum := r.pens.At(int(e.pen))
	rec := &sum
	c := r.cat
	search, ok := r.search[rec.Dept]
	if !ok {
		search = rec.Dept
	}
	cells := table.CellsOf(row, 10)
	cells[0] = memo.Str(memoKey(memoSection, int(e.section)), func() string { return sectionLabel(c, int(e.section), r.days) })
	cells[1], cells[2], cells[3], cells[4], cells[5] = cleanText(rec.SubjectName), rec.USCC, cleanText(rec.DocNo), rec.Severity.Chinese(), memoDateOf(memo, rec.Decided)
	lite := rec.Record()
	tis := credit.CheckThreeInStep(&lite)
	cells[9] = memo.Str(memoKey(memoThree, threeCode(tis)), func() string { return threeCell(c, tis) })
	*row = Row{Cells: cells, Dept: rec.Dept, Search: search}
	if memo == nil {
		row.Key = rec.Key()
	}
	if e.flags&repError != 0 {
		er := r.errs[e.pen]
		cells[6], cells[7], cells[8] = symBad+" "+c.t(er.label), "-", "-"
		row.Alert = true
		if memo == nil {
			row.Detail = er.detail
		}
		return
	}
	stage := credit.Stage(e.stage)
	stuck, reminded := e.flags&repStuck != 0, e.flags&repReminded != 0
	repairable := e.flags&repRepairable != 0
	daysLeft := int(e.elig - r.today)
	now := repairable && e.flags&repFulfil == 0 && daysLeft <= 0
	// 三同步: a general penalty's enterprise must get the "eligible now"
	// reminder once the minimum period passed.
	remindDue := now && !reminded && stage == credit.StageNotApplied && rec.Severity == credit.General
	early := e.flags&repEarly != 0
	row.Alert = stuck || remindDue || early || !tis.Complete()
	switch {
	case !repairable:
		cells[6], cells[7] = c.t("rep.norepair"), "-"
	case e.flags&repFulfil != 0:
		cells[6], cells[7] = c.t("rep.onfulfil"), "-"
	case now:
		cells[6], cells[7] = memoDateOf(memo, e.elig), c.t("rep.now")
	default:
		cells[6] = memoDateOf(memo, e.elig)
		cells[7] = memo.Str(memoKey(memoDays, daysLeft), func() string { return c.f("rep.days", daysLeft) })
	}
	var code int
	for bit, on := range [...]bool{stuck, reminded, now, remindDue, early} {
		if on {
			code |= 1 << (8 + bit)
		}
	}
	cells[8] = memo.Str(memoKey(memoRepairStatus, int(stage)|code), func() string {
		st := repairStatus(c, stage, stuck, reminded, now, remindDue)
		if early {
			st = symBad + " " + strings.TrimPrefix(st, symBad+" ") + " " + c.t("rep.early")
		}
		return st
	})
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
	cat     catalog
}

var _ table.SharedSource = (*queueRows)(nil)

func (q *queueRows) Len() int   { return len(q.entries) }
func (q *queueRows) Width() int { return len(queueColumns(q.cat)) }

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

// fill makes row i into row: all of it with a nil memo, else what the
// index reads (see table.Indexer).
func (q *queueRows) fill(i int, row *Row, memo *table.Memo) {
	e := &q.entries[i]
	c := q.cat
	name, doc, dept := "", "", ""
	if e.pen >= 0 {
		rec := q.pens.At(int(e.pen))
		name, doc, dept = cleanText(rec.SubjectName), cleanText(rec.DocNo), rec.Dept
	} else {
		name = e.key + c.t("q.norecord")
	}
	search, ok := q.search[dept]
	if !ok {
		search = dept
	}
	stage := credit.Stage(e.stage)
	stuck := 0
	if e.stuck {
		stuck = 1
	}
	state := memo.Str(memoKey(memoQueueState, stuck), func() string {
		if e.stuck {
			return symBad + " " + c.t("q.stuck")
		}
		return symOK + " " + c.t("q.ok")
	})
	cells := table.CellsOf(row, 7)
	cells[0], cells[1], cells[2], cells[3] = name, doc, c.stage(stage), memoDateOf(memo, e.since)
	cells[4] = memo.Str(memoKey(memoAge, int(e.age)), func() string { return strconv.Itoa(int(e.age)) })
	cells[5], cells[6] = memoDateOf(memo, e.due), state
	*row = Row{Cells: cells, Alert: e.stuck, Dept: dept, Search: search}
	if memo != nil {
		return
	}
	var todo string
	switch stage {
	case credit.StageUnderReview:
		todo = c.t("q.review")
	case credit.StageAwaitingCancel:
		todo = c.t("q.cancel")
	case credit.StageAwaitingRegrade:
		todo = c.t("q.regrade")
	case credit.StageAwaitingNational:
		todo = c.t("q.national")
	}
	row.Key = e.key
	row.Detail = name + " " + doc + ": " + todo + "; " + c.f("q.since", e.since, int(e.age), e.due)
}
