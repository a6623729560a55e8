package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	credsync "github.com/czyj/credwatch/sync"
	"github.com/czyj/credwatch/tui/table"
)

// Health is the overall state `credwatch status` reports; its value is the
// exit status.
type health int

const (
	healthy  health = 0 // every endpoint completed a pass within 3× its interval, none failing
	degraded health = 1 // some endpoint failing, stale, incomplete or never synced; the sync holder stalled or unable to write
	failing  health = 2 // no cache, no endpoint ever succeeded, or all failing
)

func (h health) String() string {
	switch h {
	case healthy:
		return "healthy"
	case degraded:
		return "degraded"
	}
	return "failing"
}

// statusReport is what `credwatch status --json` prints. Keys are stable:
// scripts and monitoring read them. Times are RFC 3339; a zero time is null.
type statusReport struct {
	Health     string          `json:"health"` // healthy, degraded, failing
	ExitCode   int             `json:"exit_code"`
	Reason     string          `json:"reason"`
	Cache      string          `json:"cache"`
	Demo       bool            `json:"demo"`
	AsOf       time.Time       `json:"as_of"`
	Today      string          `json:"today"`
	SyncHolder *holderReport   `json:"sync_holder"` // null when no process syncs the cache
	Endpoints  []endpointState `json:"endpoints"`
	Depts      []deptState     `json:"departments"`
	Records    map[string]int  `json:"records"` // per kind, every kind present
	Quarantine int             `json:"quarantine"`
	// Officers' actions not yet accepted by the agencies (retried by the
	// syncing process), and those refused for good (to fix and retry by hand).
	OutboxPending int    `json:"outbox_pending"`
	OutboxFailed  int    `json:"outbox_failed"`
	Error         string `json:"error,omitempty"` // why there is no data (no cache, unreadable)
	// Warnings about the configuration every screen must show, such as
	// TLS verification turned off for an endpoint.
	Warnings []string `json:"warnings"`
	// Imports is the last imported file of each department in scope
	// (credwatch import or a folder source), newest first.
	Imports []importState `json:"imports"`
}

// importState is the last import of one department.
type importState struct {
	Dept      string    `json:"dept"`
	Short     string    `json:"short"`
	Source    string    `json:"source"`
	File      string    `json:"file"`
	At        time.Time `json:"at"`
	Added     int       `json:"added"`
	Changed   int       `json:"changed"`
	Unchanged int       `json:"unchanged"`
	Refused   int       `json:"refused"`
	Withdrawn int       `json:"withdrawn"`
}

// lastImports returns, per department in scope, the newest import that
// named it (its counts summed over kinds), newest first.
func (a *app) lastImports(logs []credit.ImportLog) []importState {
	last := map[string]*importState{}
	for _, l := range logs { // oldest first: later ones replace
		per := map[string]*importState{}
		for _, c := range l.Counts {
			if c.Dept == "" || !a.scope.Allows(c.Dept) {
				continue
			}
			st := per[c.Dept]
			if st == nil {
				st = &importState{Dept: c.Dept, Short: a.depts.ShortName(c.Dept), Source: l.Source, File: l.File, At: l.At}
				per[c.Dept] = st
			}
			st.Added += c.Added
			st.Changed += c.Changed
			st.Unchanged += c.Unchanged
			st.Refused += c.Refused
			st.Withdrawn += c.Withdrawn
		}
		maps.Copy(last, per)
	}
	out := []importState{}
	for _, st := range last {
		out = append(out, *st)
	}
	slices.SortFunc(out, func(x, y importState) int {
		if c := y.At.Compare(x.At); c != 0 {
			return c
		}
		return strings.Compare(x.Dept, y.Dept)
	})
	return out
}

type holderReport struct {
	store.Holder
	// Alive is false when the holder file names a process on this host
	// that no longer exists (it crashed; the lock itself was released).
	Alive bool `json:"alive"`
	// Stalled: the holder is alive but has shown no sign of work for
	// credit.StaleAfter intervals (credit.Stalled): stopped (SIGSTOP), hung
	// or starved. No pass can start while it holds the role.
	Stalled  bool       `json:"stalled"`
	LastWork *time.Time `json:"last_work"` // its newest sign of work
}

type endpointState struct {
	Name           string     `json:"name"`
	Feeds          []string   `json:"feeds"`
	Configured     bool       `json:"configured"` // false: only in the cache, not in this configuration
	State          string     `json:"state"`      // ok, stale, incomplete, failing, never, unconfigured (credit.JudgeEndpoint)
	IntervalSec    int64      `json:"interval_seconds"`
	LastSuccess    *time.Time `json:"last_success"`
	LastSuccessAge *int64     `json:"last_success_age_seconds"`
	LastAttempt    *time.Time `json:"last_attempt"`
	LastError      string     `json:"last_error"`
	ErrorSince     *time.Time `json:"error_since"`
	Failures       int        `json:"consecutive_failures"`
	Items          int64      `json:"items"`
	// IncompleteFeeds are the feeds never walked to their end: what the
	// cache holds of them may be partial.
	IncompleteFeeds []string   `json:"incomplete_feeds"`
	RetryAt         *time.Time `json:"retry_at"` // when the syncing process tries again after a failure
}

type deptState struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Short           string         `json:"short"`
	Records         map[string]int `json:"records"` // per kind, every kind present
	Total           int            `json:"total"`
	LastReceived    *time.Time     `json:"last_received"`
	LastReceivedAge *int64         `json:"last_received_age_seconds"`
}

// runStatus prints one snapshot of the cache's health: endpoints,
// departments, quarantine and who syncs. It only reads the cache and never
// waits for anything but the cache file's lock (store timeout).
func (a *app) runStatus(args []string) int {
	fs := newFlags("status")
	asJSON := fs.Bool("json", false, "flag.status.json")
	if code, ok := parseFlags(fs, args, a.stdout, a.stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		usageError(&env{stderr: a.stderr}, "status", "unexpected argument %q", fs.Arg(0))
		return 2
	}
	rep := a.status()
	rep.Warnings = append([]string{}, a.cfg.warnings()...)
	var err error
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = writeStatus(a.stdout, rep)
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch status: write: %v\n", err)
	}
	return rep.ExitCode
}

// status reads the cache, as the configured officer's scope sees it
// (departments; endpoints are the installation's), and judges its health. It never fails: a missing
// or unreadable cache is a report with health failing and Error set.
func (a *app) status() *statusReport {
	// Ages are of times credwatch stored, on the wall clock: a pinned day
	// (--today) moves only the business date.
	now := time.Now().In(credit.ChinaZone).Truncate(time.Second)
	rep := &statusReport{Demo: a.demo, AsOf: now, Today: a.today.String(), Records: map[string]int{}}
	for _, k := range credit.Kinds {
		rep.Records[string(k)] = 0
	}
	fail := func(err error) *statusReport {
		rep.Health, rep.ExitCode, rep.Error = failing.String(), int(failing), err.Error()
		if rep.Reason == "" {
			rep.Reason = "cache unreadable"
		}
		if rep.Endpoints == nil {
			rep.Endpoints = []endpointState{}
		}
		rep.Depts = []deptState{}
		rep.Imports = []importState{}
		return rep
	}
	path, err := a.cfg.cachePath(a.demo)
	if err != nil {
		return fail(err)
	}
	rep.Cache = path
	if h, ok := store.SyncHolder(path); ok {
		rep.SyncHolder = &holderReport{Holder: h, Alive: holderAlive(h)}
		if t := timePtr(h.Since); t != nil {
			rep.SyncHolder.Since = *t
		}
	}
	db, err := a.openCache(true)
	if err != nil {
		rep.Reason = "no cache"
		return fail(err)
	}
	defer db.Close()
	snap, err := db.Scoped(a.scope).Overview()
	if err != nil {
		return fail(err)
	}
	rep.Quarantine = snap.Quarantine
	rep.OutboxPending, rep.OutboxFailed = snap.OutboxPending, snap.OutboxFailed
	for k, n := range snap.Counts {
		rep.Records[string(k)] = n
	}
	rep.Endpoints = a.endpointStates(snap, now)
	rep.Depts = a.deptStates(snap, now)
	logs, err := db.Imports()
	if err != nil {
		return fail(err)
	}
	rep.Imports = a.lastImports(logs)
	h, reason := judge(rep.Endpoints)
	worse := func(why string) {
		if h == healthy {
			h, reason = degraded, why
			return
		}
		reason += "; " + why
	}
	if hr := rep.SyncHolder; hr != nil && hr.Alive {
		hr.Stalled, hr.LastWork = a.holderStalled(hr.Holder, snap.Endpoints, now)
		if hr.Stalled {
			worse(fmt.Sprintf("the syncing process (pid %d) has made no progress since %s: no pass can start while it holds the sync role", hr.PID, clockTimePtr(hr.LastWork)))
		}
		if hr.StoreError != "" {
			worse(fmt.Sprintf("the syncing process (pid %d) cannot write the cache: %s", hr.PID, oneLine(hr.StoreError)))
		}
	}
	if rep.OutboxFailed > 0 {
		worse(fmt.Sprintf("%d officer actions refused by the agencies (outbox)", rep.OutboxFailed))
	}
	rep.Health, rep.ExitCode, rep.Reason = h.String(), int(h), reason
	return rep
}

// endpointStates lists the configured endpoints in configured order, then
// any others the cache knows (renamed or removed ones), by name.
func (a *app) endpointStates(snap *credit.Snapshot, now time.Time) []endpointState {
	byName := map[string]credit.EndpointStatus{}
	for _, st := range snap.Endpoints {
		byName[st.Name] = st
	}
	intervals := a.endpointIntervals()
	out := []endpointState{}
	seen := map[string]bool{}
	add := func(name string, feeds []string, configured bool) {
		st := byName[name]
		if feeds == nil {
			feeds = st.Feeds
		}
		// The interval the syncing process used, else the configured one; a
		// manual import is never stale.
		iv := cmp.Or(st.Interval, intervals[name], credsync.DefaultInterval)
		if name == importSource {
			iv = 0
		}
		e := endpointState{Name: name, Feeds: append([]string{}, feeds...), Configured: configured,
			IntervalSec: int64(iv / time.Second), LastSuccess: timePtr(st.LastSuccess), LastSuccessAge: agePtr(now, st.LastSuccess),
			LastAttempt: timePtr(st.LastAttempt), LastError: st.LastError, ErrorSince: timePtr(st.ErrorSince),
			Failures: st.Failures, Items: st.Items}
		e.IncompleteFeeds = st.Incomplete(feeds)
		if e.IncompleteFeeds == nil {
			e.IncompleteFeeds = []string{}
		}
		if st.RetryAt.After(now) {
			e.RetryAt = timePtr(st.RetryAt)
		}
		e.State = string(credit.JudgeEndpoint(st, feeds, iv, now))
		if !configured {
			e.State = "unconfigured"
		}
		if st.LastError == "" {
			e.ErrorSince = nil
		}
		out = append(out, e)
		seen[name] = true
	}
	for _, ep := range a.endpointNames() {
		add(ep.Name, ep.Feeds, true)
	}
	for _, src := range a.sourceInfos() { // [[source]]s and the manual import
		if _, known := byName[src.Name]; known || !src.Manual {
			add(src.Name, nil, true)
		}
	}
	var extra []string
	for name := range byName {
		if !seen[name] {
			extra = append(extra, name)
		}
	}
	slices.Sort(extra)
	for _, name := range extra {
		add(name, nil, false)
	}
	return out
}

// holderStalled judges a live sync holder (credit.Stalled) from the
// endpoints' newest sign of work, their scheduled retries and the shortest
// configured interval, and returns its last sign of work.
func (a *app) holderStalled(h store.Holder, eps []credit.EndpointStatus, now time.Time) (bool, *time.Time) {
	last, retry := h.Since, time.Time{}
	for _, st := range eps {
		if st.LastAttempt.After(last) {
			last = st.LastAttempt
		}
		if st.RetryAt.After(retry) {
			retry = st.RetryAt
		}
	}
	iv := time.Duration(0)
	for _, d := range a.endpointIntervals() {
		if d <= 0 {
			d = credsync.DefaultInterval
		}
		if iv == 0 || d < iv {
			iv = d
		}
	}
	return credit.Stalled(last, retry, iv, now), timePtr(last)
}

// endpointIntervals returns each configured endpoint's sync interval (0:
// the engine's default).
func (a *app) endpointIntervals() map[string]time.Duration {
	m := map[string]time.Duration{}
	if a.demo {
		for _, ep := range demoEndpoints("") {
			m[ep.Name] = ep.Interval
		}
		return m
	}
	for _, e := range a.cfg.Endpoints {
		m[e.Name] = e.Interval.Duration
	}
	for _, s := range a.sourceInfos() {
		m[s.Name] = s.Interval
	}
	src, _ := a.cfg.sourceEndpoints(false, nil) // names and intervals only: cannot fail
	for _, e := range src {
		m[e.Name] = e.Interval
	}
	return m
}

// judge decides the overall health from the configured endpoints (those
// only in the cache are shown but not judged, unless nothing is configured).
func judge(eps []endpointState) (health, string) {
	var judged []endpointState
	for _, e := range eps {
		if e.Configured {
			judged = append(judged, e)
		}
	}
	if len(judged) == 0 {
		judged = eps
	}
	if len(judged) == 0 {
		return failing, "no endpoints configured"
	}
	var bad, ever []string
	nFailing := 0
	for _, e := range judged {
		if e.LastSuccess != nil || e.State == string(credit.StateIncomplete) {
			ever = append(ever, e.Name) // holds data, complete or not
		}
		switch e.State {
		case "ok":
		case "failing":
			nFailing++
			bad = append(bad, e.Name+" failing")
		default: // stale, never, unconfigured (when nothing is configured)
			bad = append(bad, e.Name+" "+e.State)
		}
	}
	switch {
	case len(ever) == 0:
		return failing, "no endpoint has ever synced"
	case nFailing == len(judged):
		return failing, fmt.Sprintf("all %d endpoints failing", len(judged))
	case len(bad) > 0:
		return degraded, fmt.Sprintf("%d of %d endpoints not OK: %s", len(bad), len(judged), strings.Join(bad, "; "))
	}
	return healthy, fmt.Sprintf("all %d endpoints completed a pass within %d intervals", len(judged), credit.StaleAfter)
}

func (a *app) deptStates(snap *credit.Snapshot, now time.Time) []deptState {
	stats := map[string]credit.DeptStats{}
	for _, s := range snap.Depts {
		stats[s.Dept] = s
	}
	var ids []string
	for _, d := range a.depts.All() {
		if a.scope.Allows(d.ID) {
			ids = append(ids, d.ID)
		}
	}
	var unknown []string
	for _, s := range snap.Depts {
		if _, ok := a.depts.Get(s.Dept); !ok && a.scope.Allows(s.Dept) {
			unknown = append(unknown, s.Dept)
		}
	}
	slices.Sort(unknown)
	out := []deptState{}
	for _, id := range append(ids, unknown...) {
		st := stats[id]
		d := deptState{ID: id, Name: a.depts.FullName(id), Short: a.depts.ShortName(id), Records: map[string]int{},
			LastReceived: timePtr(st.LastReceived), LastReceivedAge: agePtr(now, st.LastReceived)}
		for _, k := range credit.Kinds {
			d.Records[string(k)] = st.Records[k]
			d.Total += st.Records[k]
		}
		out = append(out, d)
	}
	return out
}

// writeStatus prints the report as aligned plain text, without colour, for
// SSH sessions and logs.
func writeStatus(w io.Writer, r *statusReport) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "credwatch status: %s (exit %d): %s\n", strings.ToUpper(r.Health), r.ExitCode, r.Reason)
	if r.Error != "" {
		fmt.Fprintf(ew, "error:       %s\n", r.Error)
	}
	for _, wn := range r.Warnings {
		fmt.Fprintf(ew, "WARNING:     %s\n", wn)
	}
	cache := r.Cache
	if r.Demo {
		cache += " (demo)"
	}
	fmt.Fprintf(ew, "cache:       %s\n", cache)
	switch {
	case r.SyncHolder == nil:
		fmt.Fprintln(ew, "sync role:   nobody (start `credwatch sync` or the TUI to keep the cache current)")
	case !r.SyncHolder.Alive:
		fmt.Fprintf(ew, "sync role:   nobody (%s crashed or was killed)\n", holderText(r.SyncHolder.Holder))
	case r.SyncHolder.Stalled:
		fmt.Fprintf(ew, "sync role:   STALLED: %s; no progress since %s, no pass can start\n", holderText(r.SyncHolder.Holder), clockTimePtr(r.SyncHolder.LastWork))
	default:
		fmt.Fprintf(ew, "sync role:   %s\n", holderText(r.SyncHolder.Holder))
	}
	if h := r.SyncHolder; h != nil && h.StoreError != "" {
		fmt.Fprintf(ew, "sync role:   CANNOT WRITE THE CACHE since %s: %s\n", clockTime(h.StoreErrorAt), oneLine(h.StoreError))
	}
	fmt.Fprintf(ew, "as of:       %s (today %s)\n", clockTime(r.AsOf), r.Today)
	if r.Error != "" {
		return ew.err
	}
	var total []string
	for _, k := range credit.Kinds {
		total = append(total, fmt.Sprintf("%s %d", k, r.Records[string(k)]))
	}
	fmt.Fprintf(ew, "records:     %s\n", strings.Join(total, ", "))
	fmt.Fprintf(ew, "quarantine:  %d\n", r.Quarantine)
	fmt.Fprintf(ew, "outbox:      %d pending, %d refused\n\n", r.OutboxPending, r.OutboxFailed)

	rows := [][]string{{"ENDPOINT", "STATE", "LAST SUCCESS", "AGE", "FAILURES", "NEXT TRY", "ITEMS", "FEEDS", "LAST ERROR"}}
	for _, e := range r.Endpoints {
		state := e.State
		if len(e.IncompleteFeeds) > 0 && len(e.IncompleteFeeds) < len(e.Feeds) {
			state += " (" + strings.Join(e.IncompleteFeeds, ",") + ")"
		}
		next := "-"
		if e.RetryAt != nil {
			next = clockTime(*e.RetryAt)
		}
		rows = append(rows, []string{e.Name, state, clockTimePtr(e.LastSuccess), ageText(e.LastSuccessAge),
			strconv.Itoa(e.Failures), next, strconv.FormatInt(e.Items, 10), strings.Join(e.Feeds, ","), orDash(oneLine(e.LastError))})
	}
	writeColumns(ew, rows)
	fmt.Fprintln(ew)

	head := []string{"DEPARTMENT"}
	for _, k := range credit.Kinds {
		head = append(head, strings.ToUpper(string(k)))
	}
	rows = [][]string{append(head, "TOTAL", "LAST RECEIVED", "AGE")}
	for _, d := range r.Depts {
		row := []string{d.Short}
		for _, k := range credit.Kinds {
			row = append(row, strconv.Itoa(d.Records[string(k)]))
		}
		rows = append(rows, append(row, strconv.Itoa(d.Total), clockTimePtr(d.LastReceived), ageText(d.LastReceivedAge)))
	}
	writeColumns(ew, rows)
	if len(r.Imports) > 0 {
		fmt.Fprintln(ew)
		rows = [][]string{{"LAST IMPORT", "AT", "SOURCE", "FILE", "ADDED", "CHANGED", "UNCHANGED", "REFUSED", "WITHDRAWN"}}
		for _, im := range r.Imports {
			rows = append(rows, []string{im.Short, clockTime(im.At), im.Source, im.File, strconv.Itoa(im.Added), strconv.Itoa(im.Changed),
				strconv.Itoa(im.Unchanged), strconv.Itoa(im.Refused), strconv.Itoa(im.Withdrawn)})
		}
		writeColumns(ew, rows)
	}
	return ew.err
}

// writeColumns writes rows as left-aligned columns two spaces apart, padded
// by display width (a Chinese character takes two columns, as in the TUI),
// with no trailing spaces.
func writeColumns(w io.Writer, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], table.Width(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		b.Reset()
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-table.Width(c)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// errWriter remembers the first write error, so a report can be written
// with Fprintf and checked once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// holderAlive reports whether the recorded holder still runs. A holder on
// another host (a cache on a shared disk) is assumed alive.
func holderAlive(h store.Holder) bool {
	if host, _ := os.Hostname(); host != h.Host {
		return true
	}
	p, err := os.FindProcess(h.PID)
	if err != nil {
		return false
	}
	defer p.Release()
	if runtime.GOOS == "windows" {
		return true // FindProcess opened it, so it exists
	}
	if err = p.Signal(syscall.Signal(0)); err != nil && !errors.Is(err, os.ErrPermission) {
		return false
	}
	// A killed process stays a zombie until its parent reaps it; it no
	// longer holds the lock.
	if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", h.PID)); err == nil {
		if i := strings.LastIndexByte(string(stat), ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			return false
		}
	}
	return true
}

// holderText is Holder.String with the time in China time, like every other
// time status prints.
func holderText(h store.Holder) string {
	return fmt.Sprintf("%s, pid %d on %s, since %s", h.Command, h.PID, h.Host, clockTime(h.Since))
}

// timePtr returns t in China time to the second, or nil for the zero time.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.In(credit.ChinaZone).Truncate(time.Second)
	return &t
}

func agePtr(now, t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	s := int64(now.Sub(t) / time.Second)
	return &s
}

// clockTime formats t in China time, to the second.
func clockTime(t time.Time) string { return t.In(credit.ChinaZone).Format("2006-01-02 15:04:05") }

func clockTimePtr(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return clockTime(*t)
}

// ageText renders an age in seconds compactly: 45s, 12m, 3h, 2d.
func ageText(sec *int64) string {
	if sec == nil {
		return "-"
	}
	d := time.Duration(*sec) * time.Second
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", *sec)
	case d < time.Hour:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dd", d/(24*time.Hour))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine keeps free text (an endpoint's error) on one line of output.
func oneLine(s string) string {
	return strings.Join(strings.Fields(credit.Sanitize(s)), " ")
}
