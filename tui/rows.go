package tui

import (
	"cmp"
	"errors"
	"slices"
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

	// prevTabs, if set, are the repair and queue tabs of the last load,
	// which the tabs of a new generation are patched from when they can
	// be (patchPenaltyTabs).
	prevTabs *penaltyTabs

	// shared is Deps.Shared: the repair and queue tabs are taken from it
	// when another Model built them from the same lists (nil: built here).
	shared *Shared

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
	// tabs holds the repair and queue tabs as built (perhaps shared with
	// other Models: Shared), so that they stay shared while shown.
	tabs *penaltyTabs
	// checkIn is what check was computed from.
	checkIn checkInputs
	// prepared: repairPrep and queuePrep are repair and queue laid out
	// for the tables' layouts when the load began (built.prepare), for
	// Update to swap in; otherwise the tables lay them out themselves.
	prepared              bool
	repairPrep, queuePrep table.Prepared
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
		b.penaltyYears, b.reused, b.tabs = r.penaltyYears, true, r.tabs
	} else {
		b.sharing, b.sharingSum = buildSharing(in, &b.years)
		t := in.shared.penaltyTabs(in)
		b.repair, b.repairSum, b.queue, b.queueSum = t.repair, t.repairSum, t.queue, t.queueSum
		b.penaltyYears, b.tabs = t.years, t
	}
	b.years.merge(b.penaltyYears)
	b.today = in.today
	if r := in.reuse; r != nil && r.check.ready && sameCheck(r.checkIn, &in) {
		b.check = r.check
	} else {
		b.check = buildCheck(in)
	}
	b.checkIn = checkInputsOf(&in)
	b.outbox, b.outboxSum, _, _ = buildOutbox(in)
	// The header counts come with the snapshot, read in the same
	// transaction as everything else it shows.
	b.outboxPending, b.outboxFailed = in.snap.OutboxPending, in.snap.OutboxFailed
	return b
}

// cleanText makes free text from the wire safe for one table cell and for
// y/Y's copies: control characters and line breaks become spaces and
// bidirectional controls (credit.IsBidiControl) go (the sync engine already
// strips both and escape sequences; this is the last line of defence for
// the layout and for what an officer pastes elsewhere).
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		if credit.IsBidiControl(r) {
			return -1
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
