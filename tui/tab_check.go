package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/czyj/credwatch/credit"
)

// checkPage is the 每日核查 tab: the checklist (the embedded table) over
// the sign-off history. Its columns are checkTab and historyTab; its rows
// are buildCheck's.
type checkPage struct {
	Table         // the checklist
	history Table // the sign-off history, below it
	focus   int   // 0: the checklist, 1: the history
}

var _ tab = (*checkPage)(nil)

func newCheckPage(c common) checkPage {
	p := checkPage{Table: c.newTable(checkColumns(c.cat), "empty"), history: c.newTable(historyColumns(c.cat), "empty")}
	p.history.Blur()
	return p
}

func (p *checkPage) apply(b *built) {
	p.SetRows(b.check.items)
	p.history.SetRows(b.check.history)
}

// setSize gives the checklist what it needs and the history at least
// three lines, a blank line between.
func (p *checkPage) setSize(w, h int) {
	ckH := max(min(p.Len()+1, h-4), 2)
	p.SetSize(w, ckH)
	p.history.SetSize(w, max(h-ckH-1, 2))
}

func (p *checkPage) active() *Table        { return activeOf(p.focus, &p.Table, &p.history) }
func (p *checkPage) update(msg tea.KeyMsg) { moveStacked(msg, &p.focus, &p.Table, &p.history) }
func (p *checkPage) view() string          { return p.View() + "\n\n" + p.history.View() }

func (p *checkPage) summary(b *built) string {
	s := b.check.sum
	if b.check.err != "" {
		s = strings.TrimSpace(s + "  " + symBad + " " + b.check.err)
	}
	return s
}

func (p *checkPage) detail(r Row, _ func() buildInput) string { return r.Detail }

// keys: the sign-off, and the monthly report.
func (p *checkPage) keys(k *KeyMap) []*key.Binding { return []*key.Binding{&k.Signoff, &k.Report} }

func (p *checkPage) exportView() string {
	if p.focus == 1 {
		return "history"
	}
	return "check"
}

// historyDays is how many working days the sign-off history shows.
const historyDays = 30

// checkView is the daily check (Art. 6) ready to show: the checklist, the
// sign-off history and today's state.
type checkView struct {
	ready   bool   // the checklist was computed
	err     string // why it was not
	working bool   // today is a working day
	known   bool   // the calendar knows today
	holiday string // today's holiday, on a day off
	failed  int
	items   []Row
	byID    map[string]credit.CheckItem // the checklist lines, by Row.Key
	history []Row
	missed  int             // working days of the history not signed off (today excluded)
	signed  *credit.Signoff // today's sign-off; nil when not signed
	sum     string
}

// unsigned reports whether today is a working day the officer has not yet
// signed off; the other tabs show a banner while it is.
func (v *checkView) unsigned() bool { return v.ready && v.working && v.signed == nil }

func checkStatusText(c catalog, s credit.CheckStatus) string {
	switch s {
	case credit.CheckPass:
		return symOK + " " + checkStatusWord(c, s)
	case credit.CheckWarn:
		return symWarn + " " + checkStatusWord(c, s)
	}
	return symBad + " " + checkStatusWord(c, s)
}

// checkStatusWord is a checklist line's result without its symbol.
func checkStatusWord(c catalog, s credit.CheckStatus) string {
	switch s {
	case credit.CheckPass:
		return c.t("chk.pass")
	case credit.CheckWarn:
		return c.t("chk.warn")
	}
	return c.t("chk.fail")
}

// buildCheck computes the daily checklist for the officer's departments, and
// the sign-off history, from the check data the Store gathered.
func buildCheck(in buildInput) checkView {
	c := in.cat
	v := checkView{byID: map[string]credit.CheckItem{}}
	day, err := in.rules.Cal.Day(in.today)
	if err == nil {
		v.known, v.working = true, day.Working
		if !day.Working {
			v.holiday = day.Holiday
		}
	}
	if s, ok := in.signoffs[in.today]; ok {
		v.signed = &s
	}
	switch {
	case !in.hasStore:
		v.err = c.t("chk.nostore")
	case in.checkErr != "":
		v.err = in.checkErr
	case in.check == nil:
		v.err = c.t("ev.loading")
	default:
		data := *in.check
		data.Now = in.clock // the endpoints are judged on the wall clock, as on the sync tab
		dc, err := in.shared.dailyCheck(in.rules, &data, in.scope, in.today)
		if err != nil {
			v.err = cleanText(err.Error())
			break
		}
		v.ready, v.failed = true, dc.Failed
		for _, it := range dc.Items {
			v.byID[it.ID] = it
			v.items = append(v.items, checkRow(in, it))
		}
	}
	if in.hasStore {
		v.history, v.missed = buildHistory(in)
	}
	v.sum = checkSummary(c, &v, in.today)
	return v
}

func checkRow(in buildInput, it credit.CheckItem) Row {
	x, open := newCheckLine(in, it)
	detail := x.text
	if x.about != "" {
		detail += ": " + x.about
	}
	if open != "" {
		detail += "  (" + open + ")"
	}
	return Row{
		Key:    it.ID,
		Cells:  tabCells(checkTab, &x),
		Alert:  it.Status == credit.CheckFail,
		Detail: detail,
	}
}

// newCheckLine works out what the checklist row of it is made from, and
// what enter opens from it ("" for nothing).
func newCheckLine(in buildInput, it credit.CheckItem) (x checkLine, open string) {
	c := in.cat
	text := cleanText(c.text(it.Text))
	var about string
	switch {
	case len(it.Keys) > 0:
		about = c.f("chk.records", len(it.Keys))
		open = c.f("chk.openrecs", len(it.Keys))
	case len(it.Depts) > 0:
		names := make([]string, len(it.Depts))
		for i, d := range it.Depts {
			names[i] = in.depts.ShortName(d)
		}
		about = strings.Join(names, ", ")
		open = c.t("chk.opendepts")
	case len(it.Names) > 0:
		names := make([]string, len(it.Names))
		for i, n := range it.Names {
			names[i] = cleanText(n)
		}
		about = strings.Join(names, ", ")
		open = c.t("chk.opensync")
	case it.ID == credit.CheckReceived || it.ID == credit.CheckEndpoints:
		open = c.t("chk.opensync")
	}
	return checkLine{c: c, it: &it, text: text, about: about}, open
}

func buildHistory(in buildInput) ([]Row, int) {
	lines, missed := historyLines(in)
	rows := make([]Row, len(lines))
	for i := range lines {
		rows[i] = lines[i].row
	}
	return rows, missed
}

// historyLines works out the sign-off history's rows, what their cells are
// made from (historyTab), and how many working days were missed.
func historyLines(in buildInput) ([]historyLine, int) {
	c := in.cat
	days, err := in.rules.SignoffHistory(in.today, historyDays, in.signoffs, credit.SignoffStart(in.signoffSince, in.inUseSince, in.signoffs))
	if err != nil {
		return nil, 0
	}
	lines := make([]historyLine, 0, len(days))
	missed := 0
	for _, h := range days {
		x := historyLine{c: c, date: h.Date}
		r := Row{Key: h.Date.String()}
		switch {
		case h.Signoff != nil:
			s := h.Signoff
			x.signoff = s
			x.word = c.t("hist.signed")
			x.result = symOK + " " + x.word
			if !s.At.IsZero() {
				x.at = clock(s.At, h.Date)
			}
			r.Detail = c.f("hist.detail", h.Date, cleanText(s.Officer), x.at, s.Failed, cleanText(s.Note))
		case h.Date == in.today:
			x.word = c.t("hist.today")
			x.result = symNone + " " + x.word
			r.Detail = c.t("hist.todaydetail")
		default:
			x.word = c.t("hist.missed")
			x.result = symBad + " " + x.word
			r.Alert = true
			r.Detail = c.f("hist.misseddetail", h.Date)
			missed++
		}
		r.Cells = tabCells(historyTab, &x)
		x.row = r
		lines = append(lines, x)
	}
	return lines, missed
}

func checkSummary(c catalog, v *checkView, today credit.Date) string {
	var parts []string
	switch {
	case !v.known:
		parts = append(parts, symBad+" "+c.t("day.unknown"))
	case !v.working && v.holiday != "":
		parts = append(parts, c.f("chk.holiday", v.holiday))
	case !v.working:
		parts = append(parts, c.t("chk.dayoff"))
	case v.signed != nil:
		parts = append(parts, symOK+" "+c.f("chk.signed", clock(v.signed.At, today), cleanText(v.signed.Officer)))
	case v.ready:
		parts = append(parts, symBad+" "+c.t("chk.unsigned"))
	}
	if v.ready {
		var pass, warn int
		for _, it := range v.byID {
			switch it.Status {
			case credit.CheckPass:
				pass++
			case credit.CheckWarn:
				warn++
			}
		}
		parts = append(parts, c.f("chk.counts", v.failed, warn, pass))
	}
	if v.missed > 0 {
		parts = append(parts, c.f("chk.missed", historyDays, v.missed))
	}
	return strings.Join(parts, "  ")
}

// checkLine is what a checklist row's cells are made from: the item and
// its text and what it is about, worked out by checkRow.
type checkLine struct {
	c           catalog
	it          *credit.CheckItem
	text, about string
}

// checkTab is the checklist's columns, in order: each one's header, layout
// and cell. To add a column, add an entry here.
var checkTab = []tabColumn[checkLine]{
	{title: "col.result", key: "result", cell: func(x *checkLine) string { return checkStatusText(x.c, x.it.Status) },
		value: func(x *checkLine) string { return checkStatusWord(x.c, x.it.Status) }},
	{title: "col.checkitem", col: Column{Min: 16}, key: "item", cell: func(x *checkLine) string { return x.text }},
	{title: "col.count", col: Column{Right: true}, key: "count", typ: credit.CellNumber,
		cell: func(x *checkLine) string { return strconv.Itoa(x.it.Count) }},
	{title: "col.about", col: Column{Min: 8}, key: "about", cell: func(x *checkLine) string { return x.about }},
}

// checkColumns are the checklist's columns (checkTab).
func checkColumns(c catalog) []Column { return tabColumns(c, checkTab) }

// historyLine is what a sign-off history row's cells are made from: the
// day, its result, and its sign-off if any.
type historyLine struct {
	c       catalog
	date    credit.Date
	result  string
	word    string          // result without its symbol
	signoff *credit.Signoff // nil: not signed
	at      string          // the sign-off's time, "" if unknown
	row     Row             // the row made from it
}

// historyTab is the sign-off history's columns, in order: each one's
// header, layout and cell. To add a column, add an entry here.
var historyTab = []tabColumn[historyLine]{
	{title: "col.date", key: "date", typ: credit.CellDate, cell: func(x *historyLine) string { return x.c.dateWeekday(x.date) },
		value: func(x *historyLine) string { return x.date.String() }},
	{title: "col.result", key: "result", cell: func(x *historyLine) string { return x.result },
		value: func(x *historyLine) string { return x.word }},
	{title: "col.officer", col: Column{Min: 6}, key: "officer", cell: func(x *historyLine) string {
		if x.signoff == nil {
			return ""
		}
		return cleanText(x.signoff.Officer)
	}},
	{title: "col.time", key: "signed_at", typ: credit.CellTime, cell: func(x *historyLine) string { return x.at },
		value: func(x *historyLine) string {
			if x.signoff == nil {
				return ""
			}
			return timeValue(x.signoff.At)
		}},
	{title: "col.failed", col: Column{Right: true, Drop: 1}, key: "failed", typ: credit.CellNumber, cell: func(x *historyLine) string {
		if x.signoff == nil {
			return ""
		}
		return strconv.Itoa(x.signoff.Failed)
	}},
	{title: "col.note", col: Column{Min: 6}, key: "note", cell: func(x *historyLine) string {
		if x.signoff == nil {
			return ""
		}
		return cleanText(x.signoff.Note)
	}},
}

// historyColumns are the sign-off history's columns (historyTab).
func historyColumns(c catalog) []Column { return tabColumns(c, historyTab) }
