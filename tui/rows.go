package tui

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/tui/table"
)

// Status symbols. Each is ASCII, narrow in every terminal, and always
// accompanied by a word.
const (
	symOK      = "+"
	symBad     = "!"
	symSyncing = "*"
	symNone    = "-"
	symWarn    = "~" // worth a look; also the truncation mark, never alone
)

// buildInput is everything the row builders read. The builders are pure
// functions of it; Update calls them when a snapshot arrives and on the age
// tick, never View.
type buildInput struct {
	snap      *credit.Snapshot
	rules     *credit.Rules
	depts     *credit.Directory
	endpoints []EndpointInfo
	syncing   map[string]bool // endpoints with a pass in progress
	today     credit.Date
	now       time.Time // business clock (Deps.Now): ages of agency times
	clock     time.Time // wall clock (Deps.Clock): ages of credwatch's own times
	cat       catalog
	cachePath string
	// signoffSince is Deps.SignoffSince; inUseSince the day the cache came
	// into use (zero: unknown). Sign-offs are missed only from then on.
	signoffSince, inUseSince credit.Date
	// holder is the process with the sync role, if hasHolder (Deps.Holder).
	holder    HolderInfo
	hasHolder bool

	// partial: snap is an overview without penalties and repairs; the
	// tabs built from them are left empty, saying they are loading.
	partial bool

	// scope is the officer's departments (Deps.OfficerDepts); empty for all.
	scope        []string
	deadlineDays int // Deps.DeadlineDays

	// deptTexts holds deptSearch's strings, when build made it.
	deptTexts map[string]string

	// reuse, if set, is a build from the same penalties and repairs for
	// the same day: its repair and queue tabs are taken as they are (they
	// depend on nothing else), which at 1M records saves seconds and a
	// second copy of 300k rows.
	reuse *built

	// From the Store, when there is one (nil otherwise).
	hasStore bool
	check    *credit.CheckData
	checkErr string // why the check data could not be read
	signoffs map[credit.Date]credit.Signoff
	outbox   []credit.OutboxItem
}

// inScope reports whether the officer's rows include department dept.
func (in *buildInput) inScope(dept string) bool {
	return len(in.scope) == 0 || slices.Contains(in.scope, dept)
}

// deptSearchText is the hidden text a row of dept matches in the filter: the
// department's identifier, code and names.
func deptSearchText(d *credit.Directory, dept string) string {
	if dep, ok := d.Get(dept); ok {
		return dep.ID + " " + dep.Code + " " + dep.Short + " " + dep.Name
	}
	return dept
}

// deptSearch is deptSearchText, made once per department and build: every
// row of a department shares the string (300k repair rows at 1M records).
func (in *buildInput) deptSearch(dept string) string {
	if s, ok := in.deptTexts[dept]; ok {
		return s
	}
	s := deptSearchText(in.depts, dept)
	if in.deptTexts != nil {
		in.deptTexts[dept] = s
	}
	return s
}

// built is the rows and summary lines of every view, ready to show.
type built struct {
	sharing, endpoints, depts []Row
	repair, queue             table.Indexed

	sharingSum, syncSum, repairSum, queueSum string

	check checkView

	partial bool // built from an overview: no sharing, repair or queue rows yet

	outbox                      []Row
	outboxSum                   string
	outboxPending, outboxFailed int // Snapshot.OutboxPending, OutboxFailed: the header's counts

	failing int // endpoints not OK: failing, stale or incomplete
	// holderNote says, on every screen, that the process with the sync
	// role is stalled or cannot write the cache; "" when neither.
	holderNote string
	stalled    bool // that process is stalled: no pass can start
	// holder is buildInput.holder, kept for the rebuilds in Update.
	holder    HolderInfo
	hasHolder bool
	synced    bool      // some endpoint has succeeded at least once
	newest    time.Time // newest endpoint success
	years     yearNotes

	// today is the day the rows were built for; penaltyYears the year
	// notes of the repair and queue tabs alone (included in years);
	// reused marks those tabs as carried over from an earlier build
	// (buildInput.reuse), so their tables keep their rows as they are.
	today        credit.Date
	penaltyYears yearNotes
	reused       bool
}

// yearNotes collects the years the views needed the calendar for and could
// not get, and the years of the dates they show.
type yearNotes struct {
	unknown map[int]bool
	shown   map[int]bool
}

func (y *yearNotes) err(err error) {
	var u *credit.UnknownYearError
	if errors.As(err, &u) {
		if y.unknown == nil {
			y.unknown = map[int]bool{}
		}
		y.unknown[u.Year] = true
	}
}

func (y *yearNotes) date(d credit.Date) {
	if d.IsZero() {
		return
	}
	if y.shown == nil {
		y.shown = map[int]bool{}
	}
	y.shown[d.Year()] = true
}

// merge adds o's notes to y's.
func (y *yearNotes) merge(o yearNotes) {
	for yr := range o.unknown {
		y.err(&credit.UnknownYearError{Year: yr})
	}
	for yr := range o.shown {
		if y.shown == nil {
			y.shown = map[int]bool{}
		}
		y.shown[yr] = true
	}
}

// missing returns, in order, the years to warn about: today's year and the
// next (when a shown date falls there) if the calendar lacks them, and every
// year a computation failed on.
func (y *yearNotes) missing(cal *credit.Calendar, today credit.Date) []int {
	set := map[int]bool{}
	if ty := today.Year(); !cal.Knows(ty) {
		set[ty] = true
	}
	if ny := today.Year() + 1; y.shown[ny] && !cal.Knows(ny) {
		set[ny] = true
	}
	for yr := range y.unknown {
		set[yr] = true
	}
	out := make([]int, 0, len(set))
	for yr := range set {
		out = append(out, yr)
	}
	slices.Sort(out)
	return out
}

// build computes every view from the snapshot. A nil snapshot gives empty
// views with the configured endpoints.
func build(in buildInput) built {
	var b built
	in.deptTexts = map[string]string{}
	if in.snap == nil {
		in.snap = &credit.Snapshot{}
	}
	b.endpoints, b.failing, b.synced, b.newest = buildEndpoints(in)
	b.holderNote, b.stalled = holderNote(in)
	b.holder, b.hasHolder = in.holder, in.hasHolder
	b.depts = buildDepts(in)
	b.syncSum = in.cat.f("sync.sum", len(b.endpoints), b.failing, in.snap.Quarantine, in.cachePath)
	if in.partial {
		// The sharing tab's overdue counts need the penalties too.
		b.partial = true
		loading := in.cat.t("ev.loading")
		b.sharingSum, b.repairSum, b.queueSum = loading, loading, loading
	} else if r := in.reuse; r != nil {
		b.sharing, b.sharingSum = buildSharing(in, &b.years)
		b.repair, b.repairSum, b.queue, b.queueSum = r.repair, r.repairSum, r.queue, r.queueSum
		b.penaltyYears, b.reused = r.penaltyYears, true
	} else {
		b.sharing, b.sharingSum = buildSharing(in, &b.years)
		var src *repairRows
		src, b.repairSum = buildRepair(in, &b.penaltyYears)
		b.repair = table.Index(src)
		var q *queueRows
		q, b.queueSum = buildQueue(in, &b.penaltyYears)
		b.queue = table.Index(q)
	}
	b.years.merge(b.penaltyYears)
	b.today = in.today
	b.check = buildCheck(in)
	b.outbox, b.outboxSum, _, _ = buildOutbox(in)
	// The header counts come with the snapshot, read in the same
	// transaction as everything else it shows.
	b.outboxPending, b.outboxFailed = in.snap.OutboxPending, in.snap.OutboxFailed
	return b
}

// cleanText makes free text from the wire safe for one table cell: control
// characters and line breaks become spaces (the sync engine already strips
// escape sequences; this is the last line of defence for the layout).
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// deptOrder returns a sort key placing directory departments in configured
// order and unknown ones after them.
func deptOrder(d *credit.Directory) func(id string) int {
	idx := map[string]int{}
	for i, dep := range d.All() {
		idx[dep.ID] = i
	}
	return func(id string) int {
		if i, ok := idx[id]; ok {
			return i
		}
		return len(idx)
	}
}

func kindOrder(k credit.Kind) int {
	if i := slices.Index(credit.Kinds, k); i >= 0 {
		return i
	}
	return len(credit.Kinds)
}

// ---- 数据共享清单 ----

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
	if tl, err := in.rules.Timeliness(undisclosed, recent, in.today, in.inScope); err != nil {
		y.err(err)
		failed = true
	} else {
		overdueN, lateN = credit.ByDeptKind(tl.Overdue), credit.ByDeptKind(tl.Late)
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
				parts := make([]string, 0, len(e.Rejections))
				for _, r := range e.Rejections {
					parts = append(parts, cleanText(r.RecordID)+" "+cleanText(r.Reason))
				}
				detail += c.f("sharing.rej", strings.Join(parts, "; "))
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
// (and the text it shows to sharingRow).
var sharingTab = []tabColumn[sharingRow]{
	{title: "col.dept", col: Column{Min: 6}, key: "dept", cell: func(x *sharingRow) string { return x.short },
		more: []exportColumn[sharingRow]{{title: "col.deptcode", key: "dept_code", typ: credit.CellCode,
			value: func(x *sharingRow) string { return x.e.Dept }}}},
	{title: "col.kind", col: Column{Min: 8}, key: "kind", cell: func(x *sharingRow) string { return x.kind }},
	{title: "col.received", col: Column{Right: true}, key: "received", typ: credit.CellNumber,
		cell: func(x *sharingRow) string { return x.recv }, value: func(x *sharingRow) string { return x.listed(x.e.Received) }},
	{title: "col.disclosed", col: Column{Right: true}, key: "disclosed", typ: credit.CellNumber,
		cell: func(x *sharingRow) string { return x.disc }, value: func(x *sharingRow) string { return x.listed(x.e.Disclosed) }},
	{title: "col.pending", col: Column{Right: true}, key: "pending", typ: credit.CellNumber,
		cell:  func(x *sharingRow) string { return x.pend },
		value: func(x *sharingRow) string { return x.listed(x.e.Received - x.e.Disclosed - x.e.Rejected) }},
	{title: "col.rejected", col: Column{Right: true}, key: "rejected", typ: credit.CellNumber,
		cell: func(x *sharingRow) string { return x.rej }, value: func(x *sharingRow) string { return x.listed(x.e.Rejected) }},
	{title: "col.lastpush", col: Column{Min: 8}, key: "last_push", typ: credit.CellTime,
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
	{title: "col.late", col: Column{Right: true, Drop: 1}, key: "late", typ: credit.CellNumber,
		cell: func(x *sharingRow) string { return x.late }, value: func(x *sharingRow) string { return x.timely(x.nLate) }},
}

// sharingColumns are the sharing tab's columns (sharingTab).
func sharingColumns(c catalog) []Column { return tabColumns(c, sharingTab) }

// ---- 同步状态 ----

func buildEndpoints(in buildInput) (rows []Row, failing int, synced bool, newest time.Time) {
	lines, failing, synced, newest := endpointLines(in)
	rows = make([]Row, len(lines))
	for i := range lines {
		rows[i] = lines[i].row
	}
	return rows, failing, synced, newest
}

// endpointLines works out the sync tab's endpoint rows and what their
// cells are made from (endpointTab).
func endpointLines(in buildInput) (lines []endpointLine, failing int, synced bool, newest time.Time) {
	c := in.cat
	status := map[string]credit.EndpointStatus{}
	for _, st := range in.snap.Endpoints {
		status[st.Name] = st
	}
	list := slices.DeleteFunc(slices.Clone(in.endpoints), func(e EndpointInfo) bool {
		_, known := status[e.Name]
		return e.Manual && !known
	})
	for _, st := range in.snap.Endpoints {
		if !slices.ContainsFunc(list, func(e EndpointInfo) bool { return e.Name == st.Name }) {
			list = append(list, EndpointInfo{Name: st.Name, Feeds: st.Feeds})
		}
	}
	for _, ep := range list {
		st := status[ep.Name]
		if ep.Feeds == nil { // a source of records: the kinds it has delivered
			ep.Feeds = st.Feeds
		}
		feeds := make([]string, 0, len(ep.Feeds))
		for _, f := range ep.Feeds {
			if k := credit.Kind(f); k.Valid() {
				feeds = append(feeds, k.Short())
			} else {
				feeds = append(feeds, c.feedLabel(f))
			}
		}
		iv := cmp.Or(st.Interval, ep.Interval, credit.DefaultSyncInterval)
		if ep.Manual {
			iv = 0 // a manual import is never stale
		}
		judged := credit.JudgeEndpoint(st, ep.Feeds, iv, in.clock)
		bad := judged.Bad()
		var sym, state string
		switch {
		case in.syncing[ep.Name]:
			sym, state = symSyncing, c.t("state.sync")
		case judged == credit.StateFailing:
			sym, state = symBad, c.t("state.error")
		case judged == credit.StateStale:
			sym, state = symBad, c.t("state.stale")
		case judged == credit.StateIncomplete:
			sym, state = symBad, c.t("state.incomplete")
		case judged == credit.StateNever:
			sym, state = symNone, c.t("state.never")
		default:
			sym, state = symOK, c.t("state.ok")
		}
		if bad {
			failing++
		}
		if !st.LastSuccess.IsZero() || judged == credit.StateIncomplete {
			synced = true
			if st.LastSuccess.After(newest) {
				newest = st.LastSuccess
			}
		}
		errText := cleanText(st.LastError)
		detail := c.f("sync.epdetail", cleanText(ep.Name), c.age(in.clock, st.LastAttempt), c.age(in.clock, st.LastSuccess), st.Items)
		if st.LastError != "" {
			detail += c.f("sync.errsince", clock(st.ErrorSince, in.today), errText)
		}
		if st.RetryAt.After(in.clock) {
			detail += c.f("sync.retryat", clock(st.RetryAt, in.today))
		}
		if inc := st.Incomplete(ep.Feeds); len(inc) > 0 && st.LastError == "" {
			detail += c.f("sync.incomplete", strings.Join(inc, ","))
		}
		if st.RetryAt.After(in.clock) && errText != "" {
			errText = c.f("sync.retrycell", clock(st.RetryAt, in.today)) + errText
		}
		x := endpointLine{c: c, clock: in.clock, st: st, name: cleanText(ep.Name), feeds: strings.Join(feeds, ","),
			sym: sym, state: state, errText: errText}
		x.row = tabRow(endpointTab, &x)
		x.row.Key, x.row.Alert, x.row.Detail = ep.Name, bad, detail
		lines = append(lines, x)
	}
	return lines, failing, synced, newest
}

// endpointLine is what a sync tab endpoint row's cells are made from,
// worked out by endpointLines, and the row made from it.
type endpointLine struct {
	c                   catalog
	clock               time.Time
	st                  credit.EndpointStatus
	name, feeds         string
	sym, state, errText string
	row                 Row
}

// endpointTab is the sync tab's endpoint columns, in order: each one's
// header, layout, cell, sort key and export. To add a column, add an
// entry here.
var endpointTab = []tabColumn[endpointLine]{
	{title: "col.endpoint", col: Column{Min: 8}, key: "endpoint", cell: func(x *endpointLine) string { return x.name }},
	{title: "col.feeds", col: Column{Min: 6}, key: "feeds", cell: func(x *endpointLine) string { return x.feeds }},
	{title: "col.state", key: "state", cell: func(x *endpointLine) string { return x.sym + " " + x.state },
		value: func(x *endpointLine) string { return x.state }},
	{title: "col.lastok", col: Column{Min: 8}, key: "last_success", typ: credit.CellTime,
		cell:  func(x *endpointLine) string { return x.c.age(x.clock, x.st.LastSuccess) },
		sort:  func(x *endpointLine) string { return timeKey(x.st.LastSuccess) },
		value: func(x *endpointLine) string { return timeValue(x.st.LastSuccess) },
		more: []exportColumn[endpointLine]{{title: "col.lastattempt", key: "last_attempt", typ: credit.CellTime,
			value: func(x *endpointLine) string { return timeValue(x.st.LastAttempt) }}}},
	{title: "col.failures", col: Column{Right: true}, key: "failures", typ: credit.CellNumber,
		cell: func(x *endpointLine) string { return strconv.Itoa(x.st.Failures) }},
	{title: "col.lasterr", col: Column{Min: 8}, key: "last_error", cell: func(x *endpointLine) string { return x.errText }},
}

// holderNote judges the process with the sync role as every process on
// the cache sees it: stalled (alive, another process, no sign of work for
// credit.StaleAfter intervals: credit.Stalled) or unable to write the
// cache. It returns the line every screen shows ("" if neither) and
// whether no pass can start.
func holderNote(in buildInput) (string, bool) {
	h := in.holder
	if !in.hasHolder || !h.Alive {
		return "", false
	}
	c := in.cat
	last, retry, iv := time.Time{}, time.Time{}, time.Duration(0)
	for _, st := range in.snap.Endpoints {
		last = latest(last, st.LastAttempt)
		retry = latest(retry, st.RetryAt)
	}
	for _, ep := range in.endpoints {
		d := cmp.Or(ep.Interval, credit.DefaultSyncInterval)
		if iv == 0 || d < iv {
			iv = d
		}
	}
	stalled := !h.Self && credit.Stalled(last, retry, iv, in.clock)
	var notes []string
	if stalled {
		notes = append(notes, c.f("holder.stalled", cleanText(h.Command), h.PID, last.In(credit.ChinaZone).Format("15:04:05")))
	}
	if h.StoreError != "" {
		notes = append(notes, c.f("holder.storeerr", h.PID, clock(h.StoreErrorAt, in.today), cleanText(h.StoreError)))
	}
	return strings.Join(notes, "; "), stalled
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// endpointColumns are the sync tab's endpoint columns (endpointTab).
func endpointColumns(c catalog) []Column { return tabColumns(c, endpointTab) }

// buildDepts works out the sync tab's department rows: every department in
// the officer's scope, then the unknown ones the cache has records of.
func buildDepts(in buildInput) []Row {
	lines := deptLines(in)
	rows := make([]Row, 0, len(lines))
	for _, l := range lines {
		rows = append(rows, l.row)
	}
	return rows
}

// deptLines works out the sync tab's department rows and what their cells
// are made from (deptTab).
func deptLines(in buildInput) []deptLine {
	stats := map[string]credit.DeptStats{}
	for _, s := range in.snap.Depts {
		stats[s.Dept] = s
	}
	ids := make([]string, 0, len(in.depts.All())+len(in.snap.Depts))
	for _, d := range in.depts.All() {
		if in.inScope(d.ID) {
			ids = append(ids, d.ID)
		}
	}
	var unknown []string
	for _, s := range in.snap.Depts {
		if _, ok := in.depts.Get(s.Dept); !ok && in.inScope(s.Dept) {
			unknown = append(unknown, s.Dept)
		}
	}
	slices.Sort(unknown)
	ids = append(ids, unknown...)
	c := in.cat
	lines := make([]deptLine, 0, len(ids))
	for _, id := range ids {
		x := deptLine{c: c, clock: in.clock, id: id, short: in.depts.ShortName(id), st: stats[id]}
		for _, k := range credit.Kinds {
			x.total += x.st.Records[k]
		}
		x.row = tabRow(deptTab, &x)
		x.row.Key, x.row.Dept, x.row.Search = id, id, in.deptSearch(id)
		x.row.Detail = c.f("sync.dept", in.depts.FullName(id), x.total, c.age(in.clock, x.st.LastReceived))
		lines = append(lines, x)
	}
	return lines
}

// deptLine is what a sync tab department row's cells are made from, and
// the row made from it.
type deptLine struct {
	c         catalog
	clock     time.Time
	id, short string
	st        credit.DeptStats
	total     int
	row       Row
}

// deptTab is the sync tab's department columns, in order: the department,
// a count per kind of record (credit.Kinds), the total and the last
// receipt. To add a column, add an entry here.
var deptTab = func() []tabColumn[deptLine] {
	tab := []tabColumn[deptLine]{{title: "col.dept", col: Column{Min: 6}, key: "dept",
		cell: func(x *deptLine) string { return x.short },
		more: []exportColumn[deptLine]{{title: "col.deptcode", key: "dept_code", typ: credit.CellCode,
			value: func(x *deptLine) string { return x.id }}}}}
	for _, k := range credit.Kinds {
		tab = append(tab, tabColumn[deptLine]{head: k.Short(), col: Column{Right: true},
			key: string(k), typ: credit.CellNumber,
			cell: func(x *deptLine) string { return strconv.Itoa(x.st.Records[k]) }})
	}
	return append(tab,
		tabColumn[deptLine]{title: "col.total", col: Column{Right: true}, key: "total", typ: credit.CellNumber,
			cell: func(x *deptLine) string { return strconv.Itoa(x.total) }},
		tabColumn[deptLine]{title: "col.lastrecv", col: Column{Min: 8}, key: "last_received", typ: credit.CellTime,
			cell:  func(x *deptLine) string { return x.c.age(x.clock, x.st.LastReceived) },
			sort:  func(x *deptLine) string { return timeKey(x.st.LastReceived) },
			value: func(x *deptLine) string { return timeValue(x.st.LastReceived) }})
}()

// deptColumns are the sync tab's department columns (deptTab).
func deptColumns(c catalog) []Column { return tabColumns(c, deptTab) }

// ---- 信用修复 ----

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

// target is what the action keys may do with a penalty's repair.
type target struct {
	key, name, doc string
	stage          credit.Stage
	remind         bool // 到期提醒 may be marked sent: eligible now, not applied, not yet marked
	national       bool // the bureau's national repair may be recorded (待国家企业信用信息公示系统修复)
	withdraw       bool // a withdrawal request may be noted (approved, none noted yet)
	fulfil         bool // the fulfilment of a minor penalty's obligations may be recorded (none yet)
}

// targetOfKey works out the actions possible on the penalty with key from
// the snapshot: what the action keys may do on its repair or queue row. It
// is computed when a key needs it rather than kept for every row (300k
// penalties at 1M records). ok is false when the snapshot has neither the
// penalty nor a repair of it, or the repair's stage cannot be placed.
func targetOfKey(snap *credit.Snapshot, rules *credit.Rules, today credit.Date, key string) (target, bool) {
	if snap == nil {
		return target{}, false
	}
	rep := repairOf(snap, key)
	ps, err := rules.Pipeline(rep, today)
	if err != nil {
		return target{}, false
	}
	sum := findPenalty(snap, key)
	if sum == nil {
		if rep == nil {
			return target{}, false
		}
		return targetFor(key, nil, rep, ps, credit.RepairDates{}, today), true
	}
	lite := sum.Record()
	rd, _ := rules.RepairFor(&lite, rep) // zero dates when the rules cannot place it
	return targetFor(key, sum, rep, ps, rd, today), true
}

// repairOf returns (a copy of) the repair of the record with key in snap,
// or nil when there is none.
func repairOf(snap *credit.Snapshot, key string) *credit.Repair {
	if r, ok := snap.Repairs.Get(key); ok {
		return &r
	}
	return nil
}

// placeRepair works out a penalty's repair dates and where its repair
// (nil: none reported) stands in the pipeline on in.today.
func placeRepair(in *buildInput, rec *credit.PenaltySummary, rep *credit.Repair) (credit.RepairDates, credit.PipelineStatus, error) {
	lite := rec.Record()
	rd, err := in.rules.RepairFor(&lite, rep)
	if err != nil {
		return rd, credit.PipelineStatus{}, err
	}
	ps, err := in.rules.Pipeline(rep, in.today)
	return rd, ps, err
}

// findPenalty returns (a copy of) the summary of the penalty with key in
// snap, or nil.
func findPenalty(snap *credit.Snapshot, key string) *credit.PenaltySummary {
	if snap == nil {
		return nil
	}
	if i := penaltyIndex(&snap.Penalties, key); i >= 0 {
		p := snap.Penalties.At(i)
		return &p
	}
	return nil
}

// penaltyIndex returns the index in pens of the penalty with key
// ("penalty/id"), or -1.
func penaltyIndex(pens *credit.Penalties, key string) int {
	id, ok := strings.CutPrefix(key, string(credit.Penalty)+"/")
	if !ok {
		return -1
	}
	return pens.Index(id)
}

// targetFor works out the actions possible on a penalty's repair; rec may be
// nil (a repair whose penalty is not cached) and rd holds its dates (zero
// when the rules could not place it).
func targetFor(key string, rec *credit.PenaltySummary, rep *credit.Repair, ps credit.PipelineStatus, rd credit.RepairDates, today credit.Date) target {
	eligible := rd.EligibleFrom
	if !rd.Repairable {
		eligible = 0
	}
	t := target{key: key, name: key, stage: ps.Stage}
	if rec != nil {
		t.name, t.doc = cleanText(rec.SubjectName), cleanText(rec.DocNo)
	}
	reminded := rep != nil && !rep.ReminderSent.IsZero()
	t.remind = rec != nil && !eligible.IsZero() && eligible <= today && ps.Stage == credit.StageNotApplied && !reminded
	t.national = ps.Stage == credit.StageAwaitingNational
	t.fulfil = rec != nil && rd.Repairable && rd.OnFulfilment && rd.Fulfilled.IsZero() && ps.Stage == credit.StageNotApplied
	switch ps.Stage {
	case credit.StageAwaitingCancel, credit.StageAwaitingRegrade, credit.StageAwaitingNational, credit.StageDone:
		t.withdraw = rep != nil && rep.WithdrawalNote == ""
	}
	return t
}

// buildRepair works out every penalty's repair row (the rules run here,
// once per build) and returns them, sorted, as a RowSource that makes each
// row's cells when the table asks, with the tab's summary line.
func buildRepair(in buildInput, y *yearNotes) (*repairRows, string) {
	c := in.cat
	days := in.deadlineDays
	pens := in.snap.Penalties
	src := &repairRows{penaltySource: penaltySource{pens}, entries: make([]repairEntry, 0, pens.Len()), pos: make([]int32, pens.Len()),
		search: map[string]string{}, depts: in.depts, cat: c, today: in.today, days: days}
	var nEligible, nSoon, nNot, nRemind, nReview, nReviewLate int
	for i := range pens.Len() {
		src.pos[i] = -1
		if !in.inScope(pens.Dept(i)) {
			continue
		}
		sum := pens.At(i)
		rec := &sum
		if _, ok := src.search[rec.Dept]; !ok {
			src.search[rec.Dept] = in.deptSearch(rec.Dept)
		}
		rep := repairOf(in.snap, rec.Key())
		e := repairEntry{pen: int32(i)}
		rd, ps, err := placeRepair(&in, rec, rep)
		if err != nil {
			y.err(err)
			var u *credit.UnknownYearError
			label := "rep.error"
			if errors.As(err, &u) {
				label = "rep.calunknown"
			}
			if src.errs == nil {
				src.errs = map[int32]repairError{}
			}
			src.errs[e.pen] = repairError{label: label, detail: cleanText(err.Error())}
			e.section, e.flags = secError, repError
			src.entries = append(src.entries, e)
			continue
		}
		e.stage, e.due, e.rset = uint8(ps.Stage), ps.Due, src.ruleSet(rd.RuleSet)
		reminded := rep != nil && !rep.ReminderSent.IsZero()
		if reminded {
			e.flags |= repReminded
		}
		if ps.Stuck {
			e.flags |= repStuck
		}
		if rd.ApplicationIssue != nil {
			e.flags |= repEarly
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
			y.date(rd.EligibleFrom)
			daysLeft := int(rd.EligibleFrom - in.today)
			switch {
			case ps.Stage == credit.StageUnderReview:
				e.section = secReview
			case ps.Stage != credit.StageNotApplied:
				e.section = secOther
			case daysLeft <= 0:
				e.section = secNow
			case daysLeft <= days:
				e.section = secSoon
			default:
				e.section = secLater
			}
		} else {
			e.section = secNotRepairable
		}
		// The summary counts the sections' rows, each figure what the
		// section below it holds.
		switch e.section {
		case secSoon:
			nSoon++
		case secNow:
			nEligible++
			if !reminded && rec.Severity == credit.General {
				nRemind++
			}
		case secReview:
			nReview++
			if ps.Stuck {
				nReviewLate++
			}
		case secNotRepairable:
			nNot++
		}
		src.entries = append(src.entries, e)
	}
	// Most urgent first: by section; overdue reviews first and by due date;
	// then by eligibility, decision and key (the penalty's id).
	slices.SortFunc(src.entries, func(a, b repairEntry) int {
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
		pa, pb := int(a.pen), int(b.pen)
		return cmp.Or(cmp.Compare(pens.Decided(pa), pens.Decided(pb)), strings.Compare(pens.ID(pa), pens.ID(pb)))
	})
	for i, e := range src.entries {
		src.pos[e.pen] = int32(i)
	}
	return src, c.f("rep.sum", len(src.entries), days, nSoon, nEligible, nRemind, nReview, nReviewLate, nNot)
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
	detail := c.f("rep.detail", rec.USCC, rec.Decided, rd.RuleSet, rd.DisclosureDue, rd.MinPeriodEnd, rd.MaxDisclosureEnd)
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

// ---- 修复后续 ----

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
	c := in.cat
	snap, rules := in.snap, in.rules
	src := &queueRows{penaltySource: penaltySource{in.snap.Penalties}, search: map[string]string{}, depts: in.depts, cat: c,
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
	perStage := map[credit.Stage]int{}
	stuck := 0
	for i := range in.snap.Repairs.Len() { // in key order
		k, rep := in.snap.Repairs.Key(i), in.snap.Repairs.At(i)
		pen := int32(penaltyIndex(&in.snap.Penalties, k))
		var dept string
		if pen >= 0 {
			dept = in.snap.Penalties.Dept(int(pen))
		}
		// A repair whose penalty is not cached has no known department: an
		// officer scoped to departments does not see it.
		if len(in.scope) > 0 && (pen < 0 || !in.inScope(dept)) {
			continue
		}
		ps, err := in.rules.Pipeline(&rep, in.today)
		if err != nil {
			y.err(err)
			continue // the repair tab shows the error on the penalty's row
		}
		if !inQueue(ps) {
			continue
		}
		if _, ok := src.search[dept]; !ok {
			src.search[dept] = in.deptSearch(dept)
		}
		y.date(ps.Due)
		perStage[ps.Stage]++
		if ps.Stuck {
			stuck++
		}
		src.entries = append(src.entries, queueEntry{key: k, pen: pen, since: ps.Since, due: ps.Due,
			age: int32(ps.AgeWorkingDays), stage: uint8(ps.Stage), stuck: ps.Stuck})
	}
	sortQueue(src.entries)
	sum := c.f("q.sum", stuck, perStage[credit.StageAwaitingCancel], perStage[credit.StageAwaitingRegrade],
		perStage[credit.StageAwaitingNational], perStage[credit.StageUnderReview])
	return src, sum
}

// sortQueue puts stuck items first, then the oldest (most working days in
// the stage), then the earliest start, then by key.
func sortQueue(entries []queueEntry) {
	slices.SortFunc(entries, func(a, b queueEntry) int {
		if a.stuck != b.stuck {
			if a.stuck {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.age, a.age), cmp.Compare(a.since, b.since), strings.Compare(a.key, b.key))
	})
}
