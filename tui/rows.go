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
)

// Status symbols. Each is ASCII, narrow in every terminal, and always
// accompanied by a word.
const (
	symOK      = "+"
	symBad     = "!"
	symSyncing = "*"
	symNone    = "-"
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
	now       time.Time
	cat       catalog
	cachePath string
}

// built is the rows and summary lines of every view, ready to show.
type built struct {
	sharing, endpoints, depts, repair, queue []Row

	sharingSum, syncSum, repairSum, queueSum string

	failing int       // endpoints whose last attempt failed
	synced  bool      // some endpoint has succeeded at least once
	newest  time.Time // newest endpoint success
	years   yearNotes
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
	if in.snap == nil {
		in.snap = &credit.Snapshot{}
	}
	b.sharing, b.sharingSum = buildSharing(in, &b.years)
	b.endpoints, b.failing, b.synced, b.newest = buildEndpoints(in)
	b.depts = buildDepts(in)
	b.syncSum = in.cat.f("sync.sum", len(b.endpoints), b.failing, in.snap.Quarantine, in.cachePath)
	b.repair, b.repairSum = buildRepair(in, &b.years)
	b.queue, b.queueSum = buildQueue(in, &b.years)
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

type disclosureCount struct{ overdue, late, failed int }

// pushStale reports whether a push is older than one working day: more than
// one working day lies between its day and today.
func pushStale(in buildInput, y *yearNotes, push time.Time) bool {
	if push.IsZero() {
		return true
	}
	n, err := in.rules.Cal.WorkingDaysAfter(credit.DateOf(push), in.today)
	if err != nil {
		y.err(err)
		return in.today.AddDays(-1) > credit.DateOf(push)
	}
	return n > 1
}

func buildSharing(in buildInput, y *yearNotes) ([]Row, string) {
	c := in.cat
	// Disclosure timeliness of the cached penalties, per department.
	counts := map[string]*disclosureCount{}
	for i := range in.snap.Penalties {
		rec := &in.snap.Penalties[i]
		if rec.Kind != credit.Penalty {
			continue
		}
		dc := counts[rec.Dept]
		if dc == nil {
			dc = &disclosureCount{}
			counts[rec.Dept] = dc
		}
		d, err := in.rules.Disclosure(rec, in.today)
		if err != nil {
			y.err(err)
			dc.failed++
			continue
		}
		switch d.State {
		case credit.Overdue:
			dc.overdue++
		case credit.DisclosedLate:
			dc.late++
		}
	}

	entries := slices.Clone(in.snap.Sharing)
	// Penalties of a department the sharing list lacks still get a row, so
	// an overdue record is never hidden.
	for dept := range counts {
		if !slices.ContainsFunc(entries, func(e credit.SharingEntry) bool {
			return e.Dept == dept && e.Kind == credit.Penalty
		}) {
			entries = append(entries, credit.SharingEntry{Dept: dept, Kind: credit.Penalty, Received: -1})
		}
	}
	order := deptOrder(in.depts)
	slices.SortFunc(entries, func(a, b credit.SharingEntry) int {
		return cmp.Or(cmp.Compare(order(a.Dept), order(b.Dept)), cmp.Compare(a.Dept, b.Dept),
			cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)), cmp.Compare(a.Kind, b.Kind))
	})

	var totPending, totRejected, totOverdue, totLate, totStale int
	rows := make([]Row, 0, len(entries))
	for _, e := range entries {
		short := in.depts.ShortName(e.Dept)
		stale := pushStale(in, y, e.LastPush)
		push := c.age(in.now, e.LastPush)
		if stale {
			push += " " + symBad
			totStale++
		}
		overdue, late := "-", "-"
		var dc disclosureCount
		if e.Kind == credit.Penalty {
			if p := counts[e.Dept]; p != nil {
				dc = *p
			}
			overdue, late = strconv.Itoa(dc.overdue), strconv.Itoa(dc.late)
			if dc.overdue > 0 {
				overdue = symBad + " " + overdue
			}
			totOverdue += dc.overdue
			totLate += dc.late
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
		if dc.failed > 0 {
			detail += c.f("sharing.bad", dc.failed)
		}
		rows = append(rows, Row{
			Key:    credit.SharingKey(e.Dept, e.Kind),
			Cells:  []string{short, e.Kind.Chinese(), recv, disc, pend, rej, push, overdue, late},
			Alert:  stale || dc.overdue > 0,
			Detail: detail,
		})
	}
	sum := c.f("sharing.sum", totPending, totRejected, totOverdue, totLate, totStale)
	return rows, sum
}

func sharingColumns(c catalog) []Column {
	return []Column{
		{Title: c.t("col.dept"), Min: 6},
		{Title: c.t("col.kind"), Min: 8},
		{Title: c.t("col.received"), Right: true},
		{Title: c.t("col.disclosed"), Right: true},
		{Title: c.t("col.pending"), Right: true},
		{Title: c.t("col.rejected"), Right: true},
		{Title: c.t("col.lastpush"), Min: 8},
		{Title: c.t("col.overdue"), Right: true},
		{Title: c.t("col.late"), Right: true, Drop: 1},
	}
}

// ---- 同步状态 ----

func buildEndpoints(in buildInput) (rows []Row, failing int, synced bool, newest time.Time) {
	c := in.cat
	status := map[string]credit.EndpointStatus{}
	for _, st := range in.snap.Endpoints {
		status[st.Name] = st
	}
	list := slices.Clone(in.endpoints)
	for _, st := range in.snap.Endpoints {
		if !slices.ContainsFunc(list, func(e EndpointInfo) bool { return e.Name == st.Name }) {
			list = append(list, EndpointInfo{Name: st.Name, Feeds: st.Feeds})
		}
	}
	for _, ep := range list {
		st := status[ep.Name]
		feeds := make([]string, 0, len(ep.Feeds))
		for _, f := range ep.Feeds {
			if k := credit.Kind(f); k.Valid() {
				feeds = append(feeds, k.Short())
			} else {
				feeds = append(feeds, c.feedLabel(f))
			}
		}
		var state string
		bad := st.LastError != ""
		switch {
		case in.syncing[ep.Name]:
			state = symSyncing + " " + c.t("state.sync")
		case bad:
			state = symBad + " " + c.t("state.error")
		case st.LastSuccess.IsZero():
			state = symNone + " " + c.t("state.never")
		default:
			state = symOK + " " + c.t("state.ok")
		}
		if bad {
			failing++
		}
		if !st.LastSuccess.IsZero() {
			synced = true
			if st.LastSuccess.After(newest) {
				newest = st.LastSuccess
			}
		}
		errText := cleanText(st.LastError)
		detail := c.f("sync.epdetail", cleanText(ep.Name), c.age(in.now, st.LastAttempt), c.age(in.now, st.LastSuccess), st.Items)
		if bad {
			detail += c.f("sync.errsince", clock(st.ErrorSince, in.today), errText)
		}
		rows = append(rows, Row{
			Key:    ep.Name,
			Cells:  []string{cleanText(ep.Name), strings.Join(feeds, ","), state, c.age(in.now, st.LastSuccess), strconv.Itoa(st.Failures), errText},
			Alert:  bad,
			Detail: detail,
		})
	}
	return rows, failing, synced, newest
}

func endpointColumns(c catalog) []Column {
	return []Column{
		{Title: c.t("col.endpoint"), Min: 8},
		{Title: c.t("col.feeds"), Min: 6},
		{Title: c.t("col.state")},
		{Title: c.t("col.lastok"), Min: 8},
		{Title: c.t("col.failures"), Right: true},
		{Title: c.t("col.lasterr"), Min: 8},
	}
}

func buildDepts(in buildInput) []Row {
	c := in.cat
	stats := map[string]credit.DeptStats{}
	for _, s := range in.snap.Depts {
		stats[s.Dept] = s
	}
	ids := make([]string, 0, len(in.depts.All())+len(in.snap.Depts))
	for _, d := range in.depts.All() {
		ids = append(ids, d.ID)
	}
	var unknown []string
	for _, s := range in.snap.Depts {
		if _, ok := in.depts.Get(s.Dept); !ok {
			unknown = append(unknown, s.Dept)
		}
	}
	slices.Sort(unknown)
	ids = append(ids, unknown...)
	rows := make([]Row, 0, len(ids))
	for _, id := range ids {
		st := stats[id]
		cells := []string{in.depts.ShortName(id)}
		total := 0
		for _, k := range credit.Kinds {
			n := st.Records[k]
			total += n
			cells = append(cells, strconv.Itoa(n))
		}
		cells = append(cells, strconv.Itoa(total), c.age(in.now, st.LastReceived))
		rows = append(rows, Row{
			Key:    id,
			Cells:  cells,
			Detail: c.f("sync.dept", deptFullName(in.depts, id), total, c.age(in.now, st.LastReceived)),
		})
	}
	return rows
}

func deptFullName(d *credit.Directory, id string) string {
	if dep, ok := d.Get(id); ok {
		return dep.Name
	}
	return id
}

func deptColumns(c catalog) []Column {
	cols := []Column{{Title: c.t("col.dept"), Min: 6}}
	for _, k := range credit.Kinds {
		cols = append(cols, Column{Title: k.Short(), Right: true})
	}
	return append(cols, Column{Title: c.t("col.total"), Right: true}, Column{Title: c.t("col.lastrecv"), Min: 8})
}

// ---- 修复期限 ----

// repairGroup orders the repair tab: repairable penalties by eligibility,
// then those that are not repairable, then those the rules could not place.
const (
	groupRepairable = iota
	groupNotRepairable
	groupError
)

type repairItem struct {
	row     Row
	group   int
	elig    credit.Date
	decided credit.Date
}

func buildRepair(in buildInput, y *yearNotes) ([]Row, string) {
	c := in.cat
	var items []repairItem
	var nEligible, nSoon, nNot, nRemind int
	for i := range in.snap.Penalties {
		rec := &in.snap.Penalties[i]
		if rec.Kind != credit.Penalty {
			continue
		}
		var rep *credit.Repair
		if r, ok := in.snap.Repairs[rec.Key()]; ok {
			rep = &r
		}
		it := repairItem{decided: rec.Decided}
		cells := []string{cleanText(rec.SubjectName), rec.USCC, cleanText(rec.DocNo), rec.Severity.Chinese(), rec.Decided.String()}
		rd, err := in.rules.RepairFor(rec, rep)
		var ps credit.PipelineStatus
		if err == nil {
			ps, err = in.rules.Pipeline(rep, in.today)
		}
		if err != nil {
			y.err(err)
			var u *credit.UnknownYearError
			label := c.t("rep.error")
			if errors.As(err, &u) {
				label = c.t("rep.calunknown")
			}
			it.group = groupError
			it.row = Row{
				Key:    rec.Key(),
				Cells:  append(cells, symBad+" "+label, "-", "-"),
				Alert:  true,
				Detail: cleanText(err.Error()),
			}
			items = append(items, it)
			continue
		}
		status := ps.Stage.Chinese()
		reminded := rep != nil && !rep.ReminderSent.IsZero()
		if reminded {
			status += " " + c.t("rep.reminded")
		}
		var elig, left string
		alert := ps.Stuck
		if rd.Repairable {
			it.group, it.elig = groupRepairable, rd.EligibleFrom
			y.date(rd.EligibleFrom)
			elig = rd.EligibleFrom.String()
			days := int(rd.EligibleFrom - in.today)
			if days <= 0 {
				left = c.t("rep.now")
				nEligible++
				// 三同步: a general penalty's enterprise must get the
				// "eligible now" reminder once the minimum period passed.
				if !reminded && ps.Stage == credit.StageNotApplied && rec.Severity == credit.General {
					status = symBad + " " + status + " " + c.t("rep.remind")
					alert = true
					nRemind++
				}
			} else {
				left = c.f("rep.days", days)
				if days <= 30 {
					nSoon++
				}
			}
		} else {
			it.group = groupNotRepairable
			elig, left = c.t("rep.norepair"), "-"
			nNot++
		}
		if ps.Stuck {
			status = symBad + " " + status
		}
		detail := c.f("rep.detail", rec.USCC, rec.Decided, rd.RuleSet, rd.DisclosureDue, rd.MinPeriodEnd, rd.MaxDisclosureEnd)
		if rd.Reason != "" {
			detail += "; " + rd.Reason
		}
		it.row = Row{Key: rec.Key(), Cells: append(cells, elig, left, status), Alert: alert, Detail: detail}
		items = append(items, it)
	}
	slices.SortFunc(items, func(a, b repairItem) int {
		return cmp.Or(cmp.Compare(a.group, b.group), cmp.Compare(a.elig, b.elig),
			cmp.Compare(a.decided, b.decided), cmp.Compare(a.row.Key, b.row.Key))
	})
	rows := make([]Row, len(items))
	for i := range items {
		rows[i] = items[i].row
	}
	return rows, c.f("rep.sum", len(rows), nEligible, nSoon, nNot, nRemind)
}

func repairColumns(c catalog) []Column {
	return []Column{
		{Title: c.t("col.name"), Min: 14},
		{Title: c.t("col.uscc"), Drop: 2},
		{Title: c.t("col.docno"), Min: 14},
		{Title: c.t("col.severity")},
		{Title: c.t("col.decided"), Drop: 1},
		{Title: c.t("col.eligible")},
		{Title: c.t("col.remaining"), Right: true},
		{Title: c.t("col.status"), Min: 12},
	}
}

// ---- 注销队列 ----

type queueItem struct {
	row Row
	ps  credit.PipelineStatus
}

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

func buildQueue(in buildInput, y *yearNotes) ([]Row, string) {
	c := in.cat
	byKey := make(map[string]*credit.Record, len(in.snap.Penalties))
	for i := range in.snap.Penalties {
		byKey[in.snap.Penalties[i].Key()] = &in.snap.Penalties[i]
	}
	keys := make([]string, 0, len(in.snap.Repairs))
	for k := range in.snap.Repairs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var items []queueItem
	perStage := map[credit.Stage]int{}
	stuck := 0
	for _, k := range keys {
		rep := in.snap.Repairs[k]
		ps, err := in.rules.Pipeline(&rep, in.today)
		if err != nil {
			y.err(err)
			continue // the repair tab shows the error on the penalty's row
		}
		if !inQueue(ps) {
			continue
		}
		y.date(ps.Due)
		perStage[ps.Stage]++
		name, doc := k, ""
		if rec := byKey[k]; rec != nil {
			name, doc = cleanText(rec.SubjectName), cleanText(rec.DocNo)
		}
		state := symOK + " " + c.t("q.ok")
		if ps.Stuck {
			state = symBad + " " + c.t("q.stuck")
			stuck++
		}
		var todo string
		switch ps.Stage {
		case credit.StageUnderReview:
			todo = c.t("q.review")
		case credit.StageAwaitingCancel:
			todo = c.t("q.cancel")
		case credit.StageAwaitingRegrade:
			todo = c.t("q.regrade")
		case credit.StageAwaitingNational:
			todo = c.t("q.national")
		}
		if byKey[k] == nil {
			name += c.t("q.norecord")
		}
		detail := name + " " + doc + ": " + todo + "; " + c.f("q.since", ps.Since, ps.AgeWorkingDays, ps.Due)
		items = append(items, queueItem{ps: ps, row: Row{
			Key:    k,
			Cells:  []string{name, doc, ps.Stage.Chinese(), ps.Since.String(), strconv.Itoa(ps.AgeWorkingDays), ps.Due.String(), state},
			Alert:  ps.Stuck,
			Detail: detail,
		}})
	}
	sortQueue(items)
	rows := make([]Row, len(items))
	for i := range items {
		rows[i] = items[i].row
	}
	sum := c.f("q.sum", stuck, perStage[credit.StageAwaitingCancel], perStage[credit.StageAwaitingRegrade],
		perStage[credit.StageAwaitingNational], perStage[credit.StageUnderReview])
	return rows, sum
}

// sortQueue puts stuck items first, then the oldest (most working days in
// the stage), then the earliest start.
func sortQueue(items []queueItem) {
	slices.SortStableFunc(items, func(a, b queueItem) int {
		if a.ps.Stuck != b.ps.Stuck {
			if a.ps.Stuck {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.ps.AgeWorkingDays, a.ps.AgeWorkingDays), cmp.Compare(a.ps.Since, b.ps.Since),
			cmp.Compare(a.row.Key, b.row.Key))
	})
}

func queueColumns(c catalog) []Column {
	return []Column{
		{Title: c.t("col.name"), Min: 16},
		{Title: c.t("col.docno"), Min: 12},
		{Title: c.t("col.stage")},
		{Title: c.t("col.since"), Drop: 1}, // also in the detail line
		{Title: c.t("col.age"), Right: true},
		{Title: c.t("col.due")},
		{Title: c.t("col.status")},
	}
}
