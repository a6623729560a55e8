package tui

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/charmbracelet/bubbles/key"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// repairPage is the 信用修复 tab: one table (embedded) of every penalty,
// its columns repairTab, its rows a repairRows made by buildRepair.
type repairPage struct {
	oneTable
}

var _ tab = (*repairPage)(nil)

func newRepairPage(c common) repairPage {
	return repairPage{oneTable{c.newTable(repairColumns(c.cat), "empty")}}
}

// apply takes the build's rows unless they are the ones held (reused),
// laid out by the load command when it did (built.prepare).
func (p *repairPage) apply(b *built) {
	switch {
	case b.reused:
	case b.prepared:
		p.SetPrepared(b.repairPrep)
	default:
		p.SetIndexed(b.repair)
	}
}

func (p *repairPage) summary(b *built) string { return b.repairSum }

// detail is worked out for the selected row only (repairDetail): the
// rows keep no detail line of their own.
func (p *repairPage) detail(r Row, in func() buildInput) string {
	if r.Detail != "" {
		return r.Detail
	}
	return repairDetail(in(), r.Key)
}

// keys: the actions on a penalty's repair (targetFor says which the
// selected row allows).
func (p *repairPage) keys(k *KeyMap) []*key.Binding { return targetKeys(k) }

func (p *repairPage) exportView() string { return "repair" }

// Repair sections, in the order the tab shows them: what needs doing soonest
// first. A section is a column, so filtering and sorting keep it visible.
const (
	secSoon          = iota // eligible within DeadlineDays days
	secNow                  // eligible now, no application known
	secReview               // Credit China reviewing; overdue reviews first
	secFulfil               // minor tier: eligible once the legal obligations are fulfilled, none recorded
	secNotRepairable        // 责令停产停业 and the like (changzhou-2022)
	secLater                // eligible later than DeadlineDays days
	secOther                // approved (the queues follow it up), done or rejected
	secError                // the rules could not place it
)

var sectionKeys = [...]string{"sec.soon", "sec.now", "sec.review", "sec.fulfil", "sec.norepair", "sec.later", "sec.other", "sec.error"}

// sectionLabel is the text of a repair section's cell.
func sectionLabel(c catalog, sec, days int) string {
	if sec == secSoon {
		return c.f("sec.soon", days)
	}
	return c.t(sectionKeys[sec])
}

// buildRepair works out every penalty's repair row (the rules run here,
// once per build) and returns them, sorted, as a RowSource that makes each
// row's cells when the table asks, with the tab's summary line.
func buildRepair(in buildInput, y *yearNotes) (*repairRows, string) {
	pens := in.snap.Penalties
	src := newRepairRows(&in, pens.Len())
	for i := range pens.Len() {
		table.Yield(i)
		src.pos[i] = -1
		if e, ok := src.place(&in, i); ok {
			src.entries = append(src.entries, e)
		}
	}
	slices.SortFunc(src.entries, src.compare)
	src.setPos()
	return src, src.summary(y)
}

// newRepairRows returns the repair rows of in without entries, with room
// for n.
func newRepairRows(in *buildInput, n int) *repairRows {
	return &repairRows{penaltySource: penaltySource{in.snap.Penalties}, entries: make([]repairEntry, 0, n), pos: make([]int32, in.snap.Penalties.Len()),
		search: map[string]string{}, depts: in.depts, cat: in.cat, today: in.today, days: in.deadlineDays}
}

// place works out the entry of penalty i of r's penalties (in's), and
// notes its department's search text and any error in r; ok is false for
// a penalty out of the officer's scope.
func (r *repairRows) place(in *buildInput, i int) (e repairEntry, ok bool) {
	pens := &r.pens
	if !in.inScope(pens.Dept(i)) {
		return repairEntry{}, false
	}
	sum := pens.At(i)
	rec := &sum
	if _, ok := r.search[rec.Dept]; !ok {
		r.search[rec.Dept] = in.deptSearch(rec.Dept)
	}
	rep := repairOf(in.snap, rec.Key())
	e = repairEntry{pen: int32(i)}
	rd, ps, err := placeRepair(in, rec, rep)
	if err != nil {
		var u *credit.UnknownYearError
		re := repairError{label: "rep.error", detail: cleanText(err.Error())}
		if errors.As(err, &u) {
			re.label, re.year = "rep.calunknown", u.Year
		}
		if r.errs == nil {
			r.errs = map[int32]repairError{}
		}
		r.errs[e.pen] = re
		e.section, e.flags = secError, repError
		return e, true
	}
	e.stage, e.due, e.rset = uint8(ps.Stage), ps.Due, r.ruleSet(rd.RuleSet)
	if rep != nil && !rep.ReminderSent.IsZero() {
		e.flags |= repReminded
	}
	if ps.Stuck {
		e.flags |= repStuck
	}
	if rd.ApplicationIssue != nil {
		e.flags |= repEarly
	}
	if rec.Severity == credit.General {
		e.flags |= repGeneral
	}
	if rd.Repairable && rd.OnFulfilment && rd.EligibleFrom.IsZero() {
		// Eligible once the obligations are fulfilled: no date to count to.
		e.flags |= repRepairable | repFulfil
		e.section = secOther
		if ps.Stage == credit.StageNotApplied {
			e.section = secFulfil
		} else if ps.Stage == credit.StageUnderReview {
			e.section = secReview
		}
	} else if rd.Repairable {
		e.flags |= repRepairable
		e.elig = rd.EligibleFrom
		daysLeft := int(rd.EligibleFrom - in.today)
		switch {
		case ps.Stage == credit.StageUnderReview:
			e.section = secReview
		case ps.Stage != credit.StageNotApplied:
			e.section = secOther
		case daysLeft <= 0:
			e.section = secNow
		case daysLeft <= in.deadlineDays:
			e.section = secSoon
		default:
			e.section = secLater
		}
	} else {
		e.section = secNotRepairable
	}
	return e, true
}

// compare orders the tab's entries: most urgent first, by section;
// overdue reviews first and by due date; then by eligibility, decision
// and key (the penalty's id). Two entries of different penalties never
// compare equal.
func (r *repairRows) compare(a, b repairEntry) int { return compareRepair(a, &r.pens, b, &r.pens) }

// compareRepair is repairRows.compare of a, an entry of a penalty of pa,
// and b, one of pb.
func compareRepair(a repairEntry, pa *credit.Penalties, b repairEntry, pb *credit.Penalties) int {
	if a.section != b.section {
		return cmp.Compare(a.section, b.section)
	}
	if a.section == secReview {
		as, bs := a.flags&repStuck != 0, b.flags&repStuck != 0
		if as != bs {
			if as {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.due, b.due); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(a.elig, b.elig); c != 0 {
		return c
	}
	ia, ib := int(a.pen), int(b.pen)
	return cmp.Or(cmp.Compare(pa.Decided(ia), pb.Decided(ib)), strings.Compare(pa.ID(ia), pb.ID(ib)))
}

// setPos sets pos from entries (pos has an entry per penalty).
func (r *repairRows) setPos() {
	for i := range r.pos {
		r.pos[i] = -1
	}
	for i, e := range r.entries {
		r.pos[e.pen] = int32(i)
	}
}

// summary returns the tab's summary line, each figure what the section
// below it holds, and notes in y the years of the dates the rows show and
// those the rules did not know.
func (r *repairRows) summary(y *yearNotes) string {
	var nEligible, nSoon, nNot, nRemind, nReview, nReviewLate int
	var last credit.Date
	for _, e := range r.entries {
		if e.elig != last { // runs of one date: the tab is sorted by it
			y.date(e.elig)
			last = e.elig
		}
		switch e.section {
		case secSoon:
			nSoon++
		case secNow:
			nEligible++
			if e.flags&(repReminded|repGeneral) == repGeneral {
				nRemind++
			}
		case secReview:
			nReview++
			if e.flags&repStuck != 0 {
				nReviewLate++
			}
		case secNotRepairable:
			nNot++
		}
	}
	for _, re := range r.errs {
		if re.year != 0 {
			y.err(&credit.UnknownYearError{Year: re.year})
		}
	}
	return r.cat.f("rep.sum", len(r.entries), r.days, nSoon, nEligible, nRemind, nReview, nReviewLate, nNot)
}

// repairDetail is the detail line of the repair tab's row of the penalty
// with key: its code, decision, rule set and dates, the reason it cannot be
// repaired, the current step's deadline and the reminder sent. Rows whose
// dates could not be computed carry their error as Detail instead.
func repairDetail(in buildInput, key string) string {
	rec := findPenalty(in.snap, key)
	if rec == nil {
		return ""
	}
	rep := repairOf(in.snap, key)
	rd, ps, err := placeRepair(&in, rec, rep)
	if err != nil {
		return cleanText(err.Error())
	}
	c := in.cat
	// The strip names the penalty in full first (name, document number,
	// department: what the columns cut at 80 columns), then its dates.
	detail := cleanText(rec.SubjectName+" "+rec.DocNo+" "+in.depts.ShortName(rec.Dept)) + "  " +
		c.f("rep.detail", rec.USCC, rec.Decided, rd.RuleSet, rd.DisclosureDue, rd.MinPeriodEnd, rd.MaxDisclosureEnd)
	if rd.Reason != "" {
		detail += "; " + rd.Reason
	}
	if rd.Regraded != "" {
		detail += "; " + rd.Regraded
	}
	lite := rec.Record()
	if t := credit.CheckThreeInStep(&lite); t.Applicable && !t.Complete() {
		var missing []string
		for _, m := range t.Missing() {
			missing = append(missing, c.text(m))
		}
		detail += "; " + c.f("rep.threemissing", strings.Join(missing, ", "))
	}
	if is := rd.ApplicationIssue; is != nil {
		text := c.text(is.Text)
		detail += "; " + symBad + " " + text
	}
	if !ps.Due.IsZero() {
		detail += "; " + c.f("rep.stagedue", c.stage(ps.Stage), ps.Due)
	}
	if rep != nil && !rep.ReminderSent.IsZero() {
		detail += "; " + c.f("rep.reminddate", rep.ReminderSent)
	}
	return detail
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
	repGeneral                // the penalty's severity is credit.General (the summary counts reminders due)
)

// repairError is why a penalty's row could not be placed: the cell label's
// message key and the error's text (the row's detail line), and the year
// the calendar did not know when that was why (else 0).
type repairError struct {
	label, detail string
	year          int
}

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

var _ table.SharedSource = (*repairRows)(nil)

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

func (r *repairRows) Len() int { return len(r.entries) }

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
// layout, search role and cell. To add a column, add an entry here. As
// the table narrows the credit code yields first (the detail line has it:
// at 160 columns the department shows instead, the name shrinking), then
// the department goes, then the decision date (the detail line has it), the section (the summary
// counts it; the days left and the status say it), 三同步 and the
// severity go in that order; the name shrinks first, and the document
// number (经开应急罚〔2026〕20号, 22 cells) and the status, which tell rows
// apart, last.
var repairTab = []tabColumn[repairRow]{
	{title: "col.section", col: Column{Min: 6, Drop: 3}, key: "section", cell: func(x *repairRow) string {
		return x.memo.Str(memoKey(memoSection, int(x.e.section)), func() string { return sectionLabel(x.r.cat, int(x.e.section), x.r.days) })
	}},
	{title: "col.name", col: Column{Min: 12, Field: searchName, Collate: true}, key: "subject_name", cell: func(x *repairRow) string { return cleanText(x.rec.SubjectName) }},
	{title: "col.dept", col: Column{Drop: 5, Collate: true}, key: "dept", cell: func(x *repairRow) string { return x.r.depts.ShortName(x.rec.Dept) },
		more: []exportColumn[repairRow]{{title: "col.deptcode", key: "dept_code", typ: credit.CellCode,
			value: func(x *repairRow) string { return x.rec.Dept }}}},
	{title: "col.uscc", col: Column{Drop: 6, Yield: true, Field: searchUSCC}, key: "uscc", typ: credit.CellCode, cell: func(x *repairRow) string { return x.rec.USCC }},
	{title: "col.docno", col: Column{Min: 22, Field: searchDocNo}, key: "doc_no", typ: credit.CellCode, cell: func(x *repairRow) string { return cleanText(x.rec.DocNo) }},
	{title: "col.severity", col: Column{Drop: 1}, key: "severity", cell: func(x *repairRow) string { return x.rec.Severity.Chinese() }},
	{title: "col.decided", col: Column{Drop: 4}, key: "decided", typ: credit.CellDate,
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
	{title: "col.status", col: Column{Min: 18}, key: "status", cell: repairStatusCell, value: func(x *repairRow) string {
		if x.err != nil {
			return ""
		}
		return unmarked(repairStatusCell(x))
	}},
	{title: "col.three", col: Column{Drop: 2}, key: "three_in_step", cell: func(x *repairRow) string {
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
