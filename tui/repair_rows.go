package tui

import (
	"slices"
	"strconv"

	"github.com/czyj/credwatch/credit"
)

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
)

// repairError is why a penalty's row could not be placed: the cell label's
// message key and the error's text (the row's detail line).
type repairError struct{ label, detail string }

// repairRows is the repair tab's RowSource. It is read-only once built and
// shares the snapshot's penalties, so tables copied by value (and the
// build goroutine, then the UI) may read it.
type repairRows struct {
	pens    credit.Penalties
	entries []repairEntry // in the tab's order
	pos     []int32       // pos[pen] is the pen's index in entries, or -1
	errs    map[int32]repairError
	search  map[string]string // department -> its search text
	cat     catalog
	today   credit.Date
	days    int // the "eligible soon" section's window in days (Deps.DeadlineDays)
}

var _ RowSource = (*repairRows)(nil)

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
	e := &r.entries[i]
	sum := r.pens.At(int(e.pen))
	rec := &sum
	c := r.cat
	search, ok := r.search[rec.Dept]
	if !ok {
		search = rec.Dept
	}
	cells := make([]string, 9)
	cells[0] = sectionLabel(c, int(e.section), r.days)
	cells[1], cells[2], cells[3], cells[4], cells[5] = cleanText(rec.SubjectName), rec.USCC, cleanText(rec.DocNo), rec.Severity.Chinese(), rec.Decided.String()
	row := Row{Key: rec.Key(), Cells: cells, Dept: rec.Dept, Search: search}
	if e.flags&repError != 0 {
		er := r.errs[e.pen]
		cells[6], cells[7], cells[8] = symBad+" "+c.t(er.label), "-", "-"
		row.Alert, row.Detail = true, er.detail
		return row
	}
	stage := credit.Stage(e.stage)
	stuck, reminded := e.flags&repStuck != 0, e.flags&repReminded != 0
	status := stage.Chinese()
	row.Alert = stuck
	if e.flags&repRepairable != 0 {
		cells[6] = e.elig.String()
		daysLeft := int(e.elig - r.today)
		if daysLeft <= 0 {
			cells[7] = c.t("rep.now")
			// Eligible and not applied: whether 到期提醒 went out.
			switch {
			case stage != credit.StageNotApplied:
			case reminded:
				status += " " + c.t("rep.reminded")
			default:
				status += " " + c.t("rep.noremind")
			}
			// 三同步: a general penalty's enterprise must get the
			// "eligible now" reminder once the minimum period passed.
			if !reminded && stage == credit.StageNotApplied && rec.Severity == credit.General {
				status = symBad + " " + stage.Chinese() + " " + c.t("rep.remind")
				row.Alert = true
			}
		} else {
			cells[7] = c.f("rep.days", daysLeft)
		}
	} else {
		cells[6], cells[7] = c.t("rep.norepair"), "-"
	}
	if stage == credit.StageUnderReview && stuck {
		status += " " + c.t("rep.reviewlate")
	}
	if stuck {
		status = symBad + " " + status
	}
	cells[8] = status
	return row
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
	pens    credit.Penalties
	entries []queueEntry // in the tab's order
	search  map[string]string
	cat     catalog
}

var _ RowSource = (*queueRows)(nil)

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
	e := &q.entries[i]
	c := q.cat
	name, doc, dept := e.key+c.t("q.norecord"), "", ""
	if e.pen >= 0 {
		rec := q.pens.At(int(e.pen))
		name, doc, dept = cleanText(rec.SubjectName), cleanText(rec.DocNo), rec.Dept
	}
	search, ok := q.search[dept]
	if !ok {
		search = dept
	}
	stage := credit.Stage(e.stage)
	state := symOK + " " + c.t("q.ok")
	if e.stuck {
		state = symBad + " " + c.t("q.stuck")
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
	return Row{
		Key:    e.key,
		Cells:  []string{name, doc, stage.Chinese(), e.since.String(), strconv.Itoa(int(e.age)), e.due.String(), state},
		Alert:  e.stuck,
		Detail: name + " " + doc + ": " + todo + "; " + c.f("q.since", e.since, int(e.age), e.due),
		Dept:   dept,
		Search: search,
	}
}
