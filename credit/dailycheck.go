package credit

import (
	"slices"
	"strings"
	"time"
)

// RecordRef is what the daily check needs of one record, read from the
// store's indexes without decoding the record.
type RecordRef struct {
	Key       string   `json:"key"`
	Dept      string   `json:"dept"`
	Kind      Kind     `json:"kind"`
	Decided   Date     `json:"decided"`
	Disclosed Date     `json:"disclosed,omitempty"`
	Issues    []string `json:"issues,omitempty"` // quality issue codes
	// Severity and Accident of a penalty: its tier decides whether it must
	// be disclosed at all (Rules.Disclosure). Set on CheckData's
	// Undisclosed and LateDisclosed references, which are judged by it;
	// the Quality references do without.
	Severity Severity `json:"severity,omitempty"`
	Accident bool     `json:"accident,omitempty"`
}

// record is the part of the record a reference carries, for the rules.
func (ref *RecordRef) record() Record {
	_, id, _ := strings.Cut(ref.Key, "/")
	return Record{Kind: ref.Kind, ID: id, Dept: ref.Dept, Decided: ref.Decided, Disclosed: ref.Disclosed,
		Severity: ref.Severity, Accident: ref.Accident}
}

// RepairRef is a repair with the department of its penalty.
type RepairRef struct {
	Dept   string `json:"dept"`
	Repair Repair `json:"repair"`
	// Penalty is, for a repair whose application is under review and
	// whose penalty is cached, what the rules judge the application by (an
	// application before eligibility): the penalty's summary, or only the
	// fields Rules.RepairFor reads (ID, Dept, Severity, Decided,
	// PenaltyTypes, Accident). Nil otherwise.
	Penalty *PenaltySummary `json:"-"`
}

// CheckData is what the store gathers for the daily check (Art. 6).
type CheckData struct {
	Since         time.Time               // start of the last working day before today
	Received      map[string]map[Kind]int // dept -> kind -> records received since Since
	Cached        map[string]map[Kind]int // dept -> kind -> records in the cache
	Sharing       []SharingEntry          // without their Rejections (the check counts Rejected)
	Undisclosed   []RecordRef             // records not yet disclosed
	LateDisclosed []RecordRef             // records disclosed on or after the last working day
	Quality       []RecordRef             // records with quality issues
	Repairs       []RepairRef             // the open repairs (Repair.Open), officers' actions applied
	Endpoints     []EndpointStatus
	// Now is when the endpoints are judged (their staleness); zero skips
	// that test.
	Now time.Time
}

// CheckStatus is the outcome of one checklist line.
type CheckStatus string

const (
	CheckPass CheckStatus = "pass"
	CheckFail CheckStatus = "fail"
	CheckWarn CheckStatus = "warn" // worth a look, does not fail the check
)

// Check identifiers: stable, used by `credwatch check --json` and the TUI.
const (
	CheckReceived       = "received"           // each kind received since the last working day
	CheckPushStale      = "push-stale"         // source systems pushed to the platform within a working day
	CheckSharingMissing = "sharing-missing"    // records missing from the sharing list
	CheckRejected       = "sharing-rejected"   // records the platform rejected
	CheckOverdue        = "disclosure-overdue" // not disclosed within 7 working days
	CheckLate           = "disclosure-late"    // disclosed, but late, since the last working day
	CheckQuality        = "quality"            // data-quality errors
	CheckThreeInStepID  = "three-in-step"      // general penalties whose 三同步 steps are not all recorded
	CheckStuck          = "pipeline-stuck"     // repair items stuck in a step
	CheckEndpoints      = "endpoints"          // endpoints failing
)

// CheckItem is one line of the daily checklist.
type CheckItem struct {
	ID     string      `json:"id"`
	Status CheckStatus `json:"status"`
	Count  int         `json:"count"`
	Text   Text        `json:"-"`               // the line, one line, for the catalogue to word
	Keys   []string    `json:"keys,omitempty"`  // record keys behind the line, for drill-down
	Depts  []string    `json:"depts,omitempty"` // departments concerned
	Names  []string    `json:"names,omitempty"` // endpoint names concerned
}

// DailyCheck is the checklist of one working day for a set of departments.
type DailyCheck struct {
	Date    Date        `json:"date"`
	Working bool        `json:"working"`
	Holiday string      `json:"holiday,omitempty"`
	Depts   []string    `json:"departments"`
	Items   []CheckItem `json:"items"`
	Failed  int         `json:"failed"`
}

// Pass reports whether no line failed.
func (c DailyCheck) Pass() bool { return c.Failed == 0 }

// LastWorkingDayStart returns midnight (China time) of the last working day
// before today: the start of the period the daily check covers.
func (r *Rules) LastWorkingDayStart(today Date) (time.Time, error) {
	d, err := r.Cal.PrevWorkingDay(today)
	if err != nil {
		return time.Time{}, err
	}
	return d.Time(), nil
}

// KeepFailing returns, in a new slice, the repairs of repairs that
// DailyCheck on today fails on (stuck past their expected time) or cannot
// place in the pipeline. DailyCheck on today gives the same result with
// these as with all of them: a holder of CheckData for one day keeps these
// rather than every open repair (70k, 20 MB at 1M records).
func (r *Rules) KeepFailing(repairs []RepairRef, today Date) []RepairRef {
	var idx []int32 // a slice of exactly the kept ones is what stays
	for i := range repairs {
		if r.Failing(&repairs[i], today) {
			idx = append(idx, int32(i))
		}
	}
	if len(idx) == 0 {
		return nil
	}
	kept := make([]RepairRef, len(idx))
	for j, i := range idx {
		kept[j] = repairs[i]
	}
	return kept
}

// Failing reports whether DailyCheck on today fails on the repair (stuck
// past its expected time, or an application made too early) or cannot
// place it in the pipeline: the repairs KeepFailing keeps. A repair under
// review is judged by its penalty (RepairRef.Penalty): set it first.
func (r *Rules) Failing(rr *RepairRef, today Date) bool {
	st, err := r.Pipeline(&rr.Repair, today)
	return err != nil || st.Stuck || r.earlyApplication(rr)
}

// earlyApplication reports whether the repair's application, still under
// review, was made before its penalty was eligible, or for one that cannot
// be repaired (RepairDates.ApplicationIssue); false when the penalty is not
// known. Once 信用中国 has reviewed it, the agency has settled it.
func (r *Rules) earlyApplication(rr *RepairRef) bool {
	if rr.Penalty == nil || rr.Repair.Applied.IsZero() || !rr.Repair.Reviewed.IsZero() {
		return false
	}
	rec := rr.Penalty.Record()
	rd, err := r.RepairFor(&rec, &rr.Repair)
	return err == nil && rd.ApplicationIssue != nil
}

// DailyCheck computes the checklist for depts (all departments when empty)
// from data, as of today. Every failing line carries the record keys or
// names behind it. A calendar that does not know today is an error: the
// check never guesses which days are working days.
func (r *Rules) DailyCheck(data *CheckData, depts []string, today Date) (DailyCheck, error) {
	day, err := r.Cal.Day(today)
	if err != nil {
		return DailyCheck{}, err
	}
	c := DailyCheck{Date: today, Working: day.Working, Depts: depts}
	if !day.Working {
		c.Holiday = day.Holiday
	}
	in := func(dept string) bool { return len(depts) == 0 || slices.Contains(depts, dept) }

	// Received since the last working day, per kind.
	recv := map[Kind]int{}
	for dept, m := range data.Received {
		if in(dept) {
			for k, n := range m {
				recv[k] += n
			}
		}
	}
	total := 0
	for _, k := range Kinds {
		total += recv[k]
	}
	c.add(CheckItem{ID: CheckReceived, Status: CheckPass, Count: total,
		Text: text("check.received", recv[Licence], recv[Penalty], recv[Coercion], recv[Reward], recv[Inspection])})

	// The sharing list: pushes, missing and rejected records.
	var stale, missing, rejected []string
	nMissing, nRejected := 0, 0
	lastWD, lwErr := r.Cal.PrevWorkingDay(today)
	for _, s := range data.Sharing {
		if !in(s.Dept) {
			continue
		}
		if st, err := r.PushStale(s.LastPush, today); err == nil && st {
			stale = appendOnce(stale, s.Dept)
		}
		cached := data.Cached[s.Dept][s.Kind]
		if d := cached - s.Received - s.Rejected; d > 0 {
			missing = appendOnce(missing, s.Dept)
			nMissing += d
		}
		if s.Rejected > 0 {
			rejected = appendOnce(rejected, s.Dept)
			nRejected += s.Rejected
		}
	}
	c.add(statusItem(CheckPushStale, len(stale), stale, nil, text("check.push-stale", len(stale))))
	c.add(statusItem(CheckSharingMissing, nMissing, missing, nil, text("check.sharing-missing", nMissing)))
	c.add(statusItem(CheckRejected, nRejected, rejected, nil, text("check.sharing-rejected", nRejected)))

	// Disclosure within 7 working days.
	tl, err := r.Timeliness(data.Undisclosed, data.LateDisclosed, today, in)
	if err != nil {
		return c, err
	}
	overdue, late := refKeys(tl.Overdue), refKeys(tl.Late)
	c.add(statusItem(CheckOverdue, len(overdue), nil, overdue, text("check.disclosure-overdue", len(overdue))))
	lateItem := statusItem(CheckLate, len(late), nil, late, text("check.disclosure-late", len(late)))
	if lateItem.Status == CheckFail {
		lateItem.Status = CheckWarn
	}
	c.add(lateItem)

	// Data quality, and 三同步 (Art. 7, 常信用办〔2022〕7号): a general
	// penalty's steps are due with the decision, so every one still missing
	// is a duty missed; those decided since the last working day are new.
	// Sized for every reference at once: grown, the lists of a 1M-record
	// cache were copied a dozen times at every reload.
	bad, tis := make([]string, 0, len(data.Quality)+len(data.Repairs)), make([]string, 0, len(data.Quality))
	newTIS := 0
	for _, ref := range data.Quality {
		if !in(ref.Dept) {
			continue
		}
		quality := false
		for _, code := range ref.Issues {
			if !IsQualityIssue(code) {
				tis = append(tis, ref.Key)
				if lwErr == nil && !ref.Decided.Before(lastWD) {
					newTIS++
				}
			} else {
				quality = true
			}
		}
		if quality {
			bad = append(bad, ref.Key)
		}
	}
	// An application made before the penalty was eligible, or for one that
	// cannot be repaired, is a quality issue too (RepairDates.ApplicationIssue).
	var listed map[string]bool // bad as a set, once an early application needs it
	for i := range data.Repairs {
		if rr := &data.Repairs[i]; in(rr.Dept) && r.earlyApplication(rr) {
			if listed == nil {
				listed = make(map[string]bool, len(bad))
				for _, k := range bad {
					listed[k] = true
				}
			}
			if k := rr.Repair.RecordKey; !listed[k] {
				listed[k] = true
				bad = append(bad, k)
			}
		}
	}
	c.add(statusItem(CheckQuality, len(bad), nil, bad, text("check.quality", len(bad))))
	c.add(statusItem(CheckThreeInStepID, len(tis), nil, tis, text("check.three-in-step", len(tis), newTIS)))

	// Stuck repair pipeline items.
	stuck := make([]string, 0, len(data.Repairs))
	for _, rr := range data.Repairs {
		if !in(rr.Dept) {
			continue
		}
		st, err := r.Pipeline(&rr.Repair, today)
		if err != nil {
			return c, err
		}
		if st.Stuck {
			stuck = append(stuck, rr.Repair.RecordKey)
		}
	}
	c.add(statusItem(CheckStuck, len(stuck), nil, stuck, text("check.pipeline-stuck", len(stuck))))

	// Endpoints: every one not OK (EndpointState.Bad: failing, stale, or
	// never synced to the end of every feed, so the check would be
	// computed on partial data), as the sync tab and status count them.
	var failing, incomplete []string
	for _, e := range data.Endpoints {
		switch st := e.Judge(data.Now); {
		case st.Bad():
			failing = append(failing, e.Name)
			if st == StateIncomplete {
				incomplete = append(incomplete, e.Name)
			}
		}
	}
	txt := text("check.endpoints", len(failing))
	if len(incomplete) > 0 {
		txt = text("check.endpoints-incomplete", len(failing), len(incomplete))
	}
	it := statusItem(CheckEndpoints, len(failing), nil, nil, txt)
	it.Names = failing
	c.add(it)
	return c, nil
}

func (c *DailyCheck) add(it CheckItem) {
	if it.Status == CheckFail {
		c.Failed++
	}
	c.Items = append(c.Items, it)
}

// statusItem is a line of the check, failing when n > 0. It keeps keys,
// or a copy of exactly their length when keys has much more room (a list
// sized for every candidate), and nil when empty.
func statusItem(id string, n int, depts, keys []string, txt Text) CheckItem {
	switch {
	case len(keys) == 0:
		keys = nil
	case cap(keys) > 2*len(keys)+16:
		keys = slices.Clone(keys)
	}
	it := CheckItem{ID: id, Status: CheckPass, Count: n, Text: txt, Depts: depts, Keys: keys}
	if n > 0 {
		it.Status = CheckFail
	}
	return it
}

func appendOnce(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

// Timeliness is the one reckoning of the 7-working-day disclosure rule
// (Art. 6) that the daily check's lines, the sharing list's columns and
// their exports count: Overdue are the records not disclosed whose
// deadline has passed by today; Late the records disclosed after their
// deadline, of those disclosed since the last working day (the check's
// window). All five kinds.
type Timeliness struct {
	Overdue, Late []RecordRef
}

// Timeliness reckons the rule over undisclosed records and records
// disclosed since the last working day (CheckData.Undisclosed and
// LateDisclosed), for the departments in allows.
func (r *Rules) Timeliness(undisclosed, recent []RecordRef, today Date, in func(dept string) bool) (Timeliness, error) {
	var t Timeliness
	var idx []int32 // grown, rather than the references (100 bytes each)
	judge := func(refs []RecordRef, want DisclosureState, into *[]RecordRef) error {
		idx = idx[:0]
		for i := range refs {
			if !in(refs[i].Dept) {
				continue
			}
			rec := refs[i].record()
			d, err := r.Disclosure(&rec, today) // a tier not disclosed (minor) is NotRequired
			if err != nil {
				return err
			}
			if d.State == want {
				idx = append(idx, int32(i))
			}
		}
		if len(idx) > 0 {
			*into = make([]RecordRef, len(idx))
			for j, i := range idx {
				(*into)[j] = refs[i]
			}
		}
		return nil
	}
	if err := judge(undisclosed, Overdue, &t.Overdue); err != nil {
		return t, err
	}
	return t, judge(recent, DisclosedLate, &t.Late)
}

// ByDeptKind counts refs per department and kind.
func ByDeptKind(refs []RecordRef) map[string]map[Kind]int {
	out := map[string]map[Kind]int{}
	for _, ref := range refs {
		if out[ref.Dept] == nil {
			out[ref.Dept] = map[Kind]int{}
		}
		out[ref.Dept][ref.Kind]++
	}
	return out
}

func refKeys(refs []RecordRef) []string {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		out = append(out, r.Key)
	}
	return out
}

// PushStale is the one definition of a stale push to the sharing list
// (Art. 6: departments push daily): no push at all, or the last before the
// previous working day. The daily check's line counts the departments with
// a stale row; the sharing tab marks the rows and counts the departments.
func (r *Rules) PushStale(push time.Time, today Date) (bool, error) {
	if push.IsZero() {
		return true, nil
	}
	lastWD, err := r.Cal.PrevWorkingDay(today)
	if err != nil {
		return false, err
	}
	return DateOf(push).Before(lastWD), nil
}

// SignoffStart is the first day a sign-off can have been missed: the
// configured day if there is one, else the earlier of the day the cache
// came into use and the first sign-off it holds (zero if neither is
// known). Before it, credwatch was not in use.
func SignoffStart(configured, inUse Date, signoffs map[Date]Signoff) Date {
	if !configured.IsZero() {
		return configured
	}
	start := inUse
	for d := range signoffs {
		if start.IsZero() || d.Before(start) {
			start = d
		}
	}
	return start
}

// HistoryDay is one working day of the sign-off history.
type HistoryDay struct {
	Date    Date
	Signoff *Signoff // nil: not signed off (a missed day, unless it is today)
}

// SignoffHistory returns the last n working days up to and including today
// (today only if it is a working day), newest first, each with its sign-off,
// but none before since (the day sign-offs began to be kept: a day before
// it was not missed; zero: no such day).
func (r *Rules) SignoffHistory(today Date, n int, signoffs map[Date]Signoff, since Date) ([]HistoryDay, error) {
	var out []HistoryDay
	d := today
	if ok, err := r.Cal.IsWorkingDay(d); err != nil {
		return nil, err
	} else if !ok {
		if d, err = r.Cal.PrevWorkingDay(d); err != nil {
			return nil, err
		}
	}
	for len(out) < n {
		if !since.IsZero() && d.Before(since) && d != today {
			break
		}
		h := HistoryDay{Date: d}
		if s, ok := signoffs[d]; ok {
			h.Signoff = &s
		}
		out = append(out, h)
		prev, err := r.Cal.PrevWorkingDay(d)
		if err != nil {
			break // the calendar's first known year: history stops there
		}
		d = prev
	}
	return out, nil
}
