package tui

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"

	"github.com/czyj/credwatch/credit"
)

// sharingPage is the 数据共享清单 tab: one table (embedded), its columns
// sharingTab, its rows buildSharing's.
type sharingPage struct {
	oneTable
}

var _ tab = (*sharingPage)(nil)

func newSharingPage(c common) sharingPage {
	return sharingPage{oneTable{c.newTable(sharingColumns(c.cat), "empty")}}
}

func (p *sharingPage) apply(b *built) { p.SetRows(b.sharing) }

func (p *sharingPage) summary(b *built) string { return b.sharingSum }

func (p *sharingPage) detail(r Row, _ func() buildInput) string { return r.Detail }

// keys: the monthly report.
func (p *sharingPage) keys(k *KeyMap) []*key.Binding { return []*key.Binding{&k.Report} }

func (p *sharingPage) exportView() string { return "sharing" }

// sharingRefs are the records the sharing tab reckons timeliness over:
// the check data's (every kind) when there is a Store, else the
// penalties of the snapshot, as the check data would list them.
func sharingRefs(in buildInput) (undisclosed, recent []credit.RecordRef) {
	if in.check != nil {
		return in.check.Undisclosed, in.check.LateDisclosed
	}
	since, err := in.rules.Cal.PrevWorkingDay(in.today)
	for i := range in.snap.Penalties.Len() {
		p := in.snap.Penalties.At(i)
		ref := credit.RecordRef{Key: p.Key(), Dept: p.Dept, Kind: credit.Penalty, Decided: p.Decided, Disclosed: p.Disclosed,
			Severity: p.Severity, Accident: p.Accident}
		switch {
		case p.Disclosed.IsZero():
			undisclosed = append(undisclosed, ref)
		case err == nil && !p.Disclosed.Before(since):
			recent = append(recent, ref)
		}
	}
	return undisclosed, recent
}

// pushStale reports whether a push is older than one working day: more than
// one working day lies between its day and today.
func pushStale(in buildInput, y *yearNotes, push time.Time) bool {
	stale, err := in.rules.PushStale(push, in.today)
	if err != nil {
		y.err(err)
		return in.today.AddDays(-1) > credit.DateOf(push)
	}
	return stale
}

// buildSharing works out the sharing tab's rows and its summary line.
func buildSharing(in buildInput, y *yearNotes) ([]Row, string) {
	lines, sum := sharingLines(in, y)
	rows := make([]Row, len(lines))
	for i := range lines {
		rows[i] = lines[i].row
	}
	return rows, sum
}

// sharingLines works out the sharing tab's rows, what their cells are
// made from (sharingTab), and its summary line.
func sharingLines(in buildInput, y *yearNotes) ([]sharingRow, string) {
	c := in.cat
	// Disclosure timeliness (credit.Rules.Timeliness, the daily check's
	// reckoning), per department and kind: every kind from the check data
	// when there is a Store, else the penalties the snapshot holds.
	undisclosed, recent := sharingRefs(in)
	var overdueN, lateN map[string]map[credit.Kind]int
	failed := false
	if o, l, err := in.shared.timeliness(in.rules, undisclosed, recent, in.today, in.scope, in.check != nil); err != nil {
		y.err(err)
		failed = true
	} else {
		overdueN, lateN = o, l
	}

	entries := slices.DeleteFunc(slices.Clone(in.snap.Sharing), func(e credit.SharingEntry) bool { return !in.inScope(e.Dept) })
	// Records of a department and kind the sharing list lacks still get a
	// row, so an overdue record is never hidden.
	cached := map[string]map[credit.Kind]int{}
	if in.check != nil {
		cached = in.check.Cached
	} else {
		for i := range in.snap.Penalties.Len() {
			d := in.snap.Penalties.Dept(i)
			if cached[d] == nil {
				cached[d] = map[credit.Kind]int{}
			}
			cached[d][credit.Penalty]++
		}
	}
	for _, m := range []map[string]map[credit.Kind]int{cached, overdueN, lateN} {
		for dept, kinds := range m {
			for k, n := range kinds {
				if n == 0 || !in.inScope(dept) {
					continue
				}
				if !slices.ContainsFunc(entries, func(e credit.SharingEntry) bool { return e.Dept == dept && e.Kind == k }) {
					entries = append(entries, credit.SharingEntry{Dept: dept, Kind: k, Received: -1})
				}
			}
		}
	}
	order := deptOrder(in.depts)
	slices.SortFunc(entries, func(a, b credit.SharingEntry) int {
		return cmp.Or(cmp.Compare(order(a.Dept), order(b.Dept)), cmp.Compare(a.Dept, b.Dept),
			cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)), cmp.Compare(a.Kind, b.Kind))
	})

	var totPending, totRejected, totOverdue, totLate int
	staleDepts := map[string]bool{}
	lines := make([]sharingRow, 0, len(entries))
	for _, e := range entries {
		short := in.depts.ShortName(e.Dept)
		stale := pushStale(in, y, e.LastPush)
		push := c.age(in.now, e.LastPush)
		if stale {
			push += " " + symBad
			staleDepts[e.Dept] = true
		}
		overdue, late := "-", "-"
		nOverdue, nLate := overdueN[e.Dept][e.Kind], lateN[e.Dept][e.Kind]
		if !failed && (in.check != nil || e.Kind == credit.Penalty) {
			overdue, late = strconv.Itoa(nOverdue), strconv.Itoa(nLate)
			if nOverdue > 0 {
				overdue = symBad + " " + overdue
			}
			totOverdue += nOverdue
			totLate += nLate
		}
		var recv, disc, pend, rej, detail string
		if e.Received < 0 { // penalties cached, but no sharing-list row
			recv, disc, pend, rej = "-", "-", "-", "-"
			detail = short + " " + e.Kind.Chinese() + c.t("sharing.nopush")
		} else {
			pending := e.Received - e.Disclosed - e.Rejected
			totPending += pending
			totRejected += e.Rejected
			recv, disc, pend, rej = strconv.Itoa(e.Received), strconv.Itoa(e.Disclosed), strconv.Itoa(pending), strconv.Itoa(e.Rejected)
			detail = c.f("sharing.detail", short, e.Kind.Chinese(), e.Received, e.Disclosed, pending, e.Rejected, c.age(in.now, e.LastPush))
			if len(e.Rejections) > 0 {
				detail += c.f("sharing.rej", rejectionsText(e.Rejections))
			}
		}
		if failed {
			detail += c.t("sharing.bad")
		}
		x := sharingRow{c: c, e: e, short: short, kind: e.Kind.Chinese(), recv: recv, disc: disc, pend: pend, rej: rej, push: push,
			overdue: overdue, late: late, stale: stale, counted: overdue != "-", nOverdue: nOverdue, nLate: nLate}
		x.row = tabRow(sharingTab, &x)
		x.row.Key, x.row.Alert, x.row.Detail = credit.SharingKey(e.Dept, e.Kind), stale || nOverdue > 0, detail
		x.row.Dept, x.row.Search = e.Dept, in.deptSearch(e.Dept)
		lines = append(lines, x)
	}
	sum := c.f("sharing.sum", totPending, totRejected, totOverdue, totLate, len(staleDepts))
	return lines, sum
}

// detailRejectBytes is about the most of a row's rejections its detail
// line holds. The line is cut at the screen's width; a list of thousands
// joined in full, for every row at every reload of every session, was a
// fifth of what `serve` allocated while its data changed (1M records, 32
// sessions).
const detailRejectBytes = 1024

// rejectionsText is the rejections as the detail line lists them (record
// and reason), "; " between them, ending in "…" where more follow than
// detailRejectBytes holds.
func rejectionsText(rejs []credit.Rejection) string {
	var b strings.Builder
	for i, r := range rejs {
		if i > 0 {
			b.WriteString("; ")
		}
		if b.Len() >= detailRejectBytes {
			b.WriteString("…")
			break
		}
		b.WriteString(cleanText(r.RecordID))
		b.WriteByte(' ')
		b.WriteString(cleanText(r.Reason))
	}
	return b.String()
}

// sharingRow is what one sharing-list row's cells are made from, worked
// out by sharingLines: the entry, and its cells' text; and the row made
// from it.
type sharingRow struct {
	c                                                       catalog
	e                                                       credit.SharingEntry // Received < 0: no sharing-list row
	short, kind, recv, disc, pend, rej, push, overdue, late string
	stale                                                   bool // the last push is older than the rules allow
	counted                                                 bool // the overdue and late figures are known
	nOverdue, nLate                                         int
	row                                                     Row
}

// listed returns the figure n as an export writes it: "" where the
// sharing list has no row for the entry.
func (x *sharingRow) listed(n int) string {
	if x.e.Received < 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// timely returns the timeliness figure n as an export writes it: "" when
// it is not known.
func (x *sharingRow) timely(n int) string {
	if !x.counted {
		return ""
	}
	return strconv.Itoa(n)
}

// sharingTab is the sharing tab's columns, in order: each one's header,
// layout, cell, sort key and export. To add a column, add an entry here
// (and the text it shows to sharingRow). When the table is narrow (60
// columns) the disclosed count (received less pending and returned) and
// then the last push (the summary line names a department that has not
// pushed) give way; the overdue counts never do.
var sharingTab = []tabColumn[sharingRow]{
	{title: "col.dept", col: Column{Min: 6, Collate: true}, key: "dept", cell: func(x *sharingRow) string { return x.short },
		more: []exportColumn[sharingRow]{{title: "col.deptcode", key: "dept_code", typ: credit.CellCode,
			value: func(x *sharingRow) string { return x.e.Dept }}}},
	{title: "col.kind", col: Column{Min: 8}, key: "kind", cell: func(x *sharingRow) string { return x.kind }},
	{title: "col.received", col: Column{Right: true}, key: "received", typ: credit.CellNumber,
		cell: func(x *sharingRow) string { return x.recv }, value: func(x *sharingRow) string { return x.listed(x.e.Received) }},
	{title: "col.disclosed", col: Column{Right: true, Drop: 2}, key: "disclosed", typ: credit.CellNumber,
		cell: func(x *sharingRow) string { return x.disc }, value: func(x *sharingRow) string { return x.listed(x.e.Disclosed) }},
	{title: "col.pending", col: Column{Right: true}, key: "pending", typ: credit.CellNumber,
		cell:  func(x *sharingRow) string { return x.pend },
		value: func(x *sharingRow) string { return x.listed(x.e.Received - x.e.Disclosed - x.e.Rejected) }},
	{title: "col.rejected", col: Column{Right: true}, key: "rejected", typ: credit.CellNumber,
		cell: func(x *sharingRow) string { return x.rej }, value: func(x *sharingRow) string { return x.listed(x.e.Rejected) }},
	{title: "col.lastpush", col: Column{Min: 8, Drop: 1}, key: "last_push", typ: credit.CellTime,
		cell:  func(x *sharingRow) string { return x.push },
		sort:  func(x *sharingRow) string { return timeKey(x.e.LastPush) },
		value: func(x *sharingRow) string { return timeValue(x.e.LastPush) },
		more: []exportColumn[sharingRow]{{title: "col.pushstate", key: "push_state",
			value: func(x *sharingRow) string {
				if x.stale {
					return x.c.t("state.stale")
				}
				return ""
			}}}},
	{title: "col.overdue", col: Column{Right: true}, key: "overdue", typ: credit.CellNumber,
		cell: func(x *sharingRow) string { return x.overdue }, value: func(x *sharingRow) string { return x.timely(x.nOverdue) }},
	{title: "col.late", col: Column{Right: true}, key: "late", typ: credit.CellNumber,
		cell: func(x *sharingRow) string { return x.late }, value: func(x *sharingRow) string { return x.timely(x.nLate) }},
}

// sharingColumns are the sharing tab's columns (sharingTab).
func sharingColumns(c catalog) []Column { return tabColumns(c, sharingTab) }
