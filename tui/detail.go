package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/czyj/credwatch/credit"
)

// ---- 记录详情 and record lists ----

// field is one field of a record in the detail view: its label (a
// message key) and its national field name (双公示 practice), where there
// is one.
type field struct {
	label    string // message key
	penalty  string // CF_ name
	licence  string // XK_ name
	value    func(r *credit.Record, d *credit.Directory) string
	onlyKind credit.Kind // "" for every kind
	// penaltyLabel and licenceLabel are the message keys of the national
	// standard's names for penalties and licences where they differ from
	// label (处罚决定日期, 许可决定日期).
	penaltyLabel, licenceLabel string
}

func dateText(d credit.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// fineWan is a fine in 万元 (CF_NR_FK), from yuan.
func fineWan(yuan int64) string {
	if yuan == 0 {
		return ""
	}
	s := strconv.FormatFloat(float64(yuan)/10000, 'f', 4, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// yesNo is the message key of yes or no.
func yesNo(b bool) string {
	if b {
		return "field.yes"
	}
	return "field.no"
}

var recordFields = []field{
	{label: "field.kind", value: func(r *credit.Record, _ *credit.Directory) string { return r.Kind.Chinese() }},
	{label: "field.record_key", value: func(r *credit.Record, _ *credit.Directory) string { return r.Key() }},
	{label: "field.dept", value: func(r *credit.Record, d *credit.Directory) string { return d.FullName(r.Dept) }},
	{label: "field.subject_name", penalty: "CF_XDR_MC", licence: "XK_XDR_MC", value: func(r *credit.Record, _ *credit.Directory) string { return r.SubjectName }},
	{label: "field.subject_kind", penalty: "CF_XDR_LB", licence: "XK_XDR_LB", value: func(r *credit.Record, _ *credit.Directory) string { return r.SubjectKind }},
	{label: "field.uscc", penalty: "CF_XDR_SHXYM", licence: "XK_XDR_SHXYM", value: func(r *credit.Record, _ *credit.Directory) string { return r.USCC }},
	{label: "field.legal_rep", penalty: "CF_FRDB", licence: "XK_FRDB", value: func(r *credit.Record, _ *credit.Directory) string { return r.LegalRep }},
	{label: "field.doc_no", penalty: "CF_WSH", licence: "XK_WSH", value: func(r *credit.Record, _ *credit.Directory) string { return r.DocNo }},
	{label: "field.violation", penalty: "CF_WFXW", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return r.Violation }},
	{label: "field.facts", penalty: "CF_SY", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return r.Facts }},
	{label: "field.basis", penalty: "CF_YJ", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return r.Basis }},
	{label: "field.penalty_types", penalty: "CF_CFLB", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return strings.Join(r.PenaltyTypes, ", ") }},
	{label: "field.penalty_content", penalty: "CF_NR", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return r.Content }},
	{label: "field.fine_wan", penalty: "CF_NR_FK", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return fineWan(r.FineYuan) }},
	{label: "field.severity", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return r.Severity.Chinese() }},
	{label: "field.accident", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return yesNo(r.Accident) }},
	{label: "field.valid_until", penalty: "CF_YXQ", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return dateText(r.ValidUntil) }},
	{label: "field.publish_until", penalty: "CF_GSJZQ", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return dateText(r.PublishUntil) }},
	{label: "field.licence_category", licence: "XK_XKLB", onlyKind: credit.Licence, value: func(r *credit.Record, _ *credit.Directory) string { return r.LicenceCategory }},
	{label: "field.cert_name", licence: "XK_XKZS", onlyKind: credit.Licence, value: func(r *credit.Record, _ *credit.Directory) string { return r.CertName }},
	{label: "field.licence_no", licence: "XK_XKBH", onlyKind: credit.Licence, value: func(r *credit.Record, _ *credit.Directory) string { return r.LicenceNo }},
	{label: "field.licence_content", licence: "XK_NR", onlyKind: credit.Licence, value: func(r *credit.Record, _ *credit.Directory) string { return r.Content }},
	{label: "field.valid_from", licence: "XK_YXQZ", onlyKind: credit.Licence, value: func(r *credit.Record, _ *credit.Directory) string { return dateText(r.ValidFrom) }},
	{label: "field.valid_to", licence: "XK_YXQZI", onlyKind: credit.Licence, value: func(r *credit.Record, _ *credit.Directory) string { return dateText(r.ValidTo) }},
	{label: "field.licence_status", licence: "XK_ZT", onlyKind: credit.Licence, value: func(r *credit.Record, _ *credit.Directory) string { return r.LicenceStatus }},
	{label: "field.decided", penaltyLabel: "field.decided.penalty", licenceLabel: "field.decided.licence", penalty: "CF_JDRQ", licence: "XK_JDRQ", value: func(r *credit.Record, _ *credit.Directory) string { return dateText(r.Decided) }},
	{label: "field.authority", penaltyLabel: "field.authority.penalty", licenceLabel: "field.authority.licence", penalty: "CF_CFJG", licence: "XK_XKJG", value: func(r *credit.Record, _ *credit.Directory) string { return r.Authority }},
	{label: "field.auth_code", penaltyLabel: "field.auth_code.penalty", licenceLabel: "field.auth_code.licence", penalty: "CF_CFJGDM", licence: "XK_XKJGDM", value: func(r *credit.Record, _ *credit.Directory) string { return r.AuthCode }},
	{label: "field.source_unit", penalty: "CF_SJLY", licence: "XK_LYDW", value: func(r *credit.Record, _ *credit.Directory) string { return r.SourceUnit }},
	{label: "field.source_code", penalty: "CF_SJLYDM", licence: "XK_LYDWDM", value: func(r *credit.Record, _ *credit.Directory) string { return r.SourceCode }},
	{label: "field.content", value: func(r *credit.Record, _ *credit.Directory) string {
		if r.Kind == credit.Penalty || r.Kind == credit.Licence {
			return ""
		}
		return r.Content
	}},
	{label: "field.note", penalty: "BZ", licence: "BZ", value: func(r *credit.Record, _ *credit.Directory) string { return r.Note }},
	{label: "field.disclosed", value: func(r *credit.Record, _ *credit.Directory) string { return dateText(r.Disclosed) }},
	{label: "field.rejected", value: func(r *credit.Record, _ *credit.Directory) string { return r.Rejected }},
}

// detailRows lays a record out as rows of three cells: label, value and the
// national field name, or for computed values the rule set that produced
// them. Long values are truncated in the table and shown in full in the
// detail line of the selected row.
func detailRows(in buildInput, rec *credit.Record) []Row {
	c := in.cat
	var rows []Row
	n := 0
	add := func(label, value, source string, alert bool) {
		value = cleanText(value)
		n++
		rows = append(rows, Row{Key: strconv.Itoa(n), Cells: []string{label, value, source}, Alert: alert,
			Detail: label + ": " + value})
	}
	section := func(key string) {
		n++
		title := "[" + c.t(key) + "]"
		rows = append(rows, Row{Key: strconv.Itoa(n), Cells: []string{title, "", ""}, Detail: title})
	}
	label := func(f field) string {
		switch {
		case rec.Kind == credit.Penalty && f.penaltyLabel != "":
			return c.t(f.penaltyLabel)
		case rec.Kind == credit.Licence && f.licenceLabel != "":
			return c.t(f.licenceLabel)
		}
		return c.t(f.label)
	}

	rep := repairOf(in.snap, rec.Key())
	if rec.Kind == credit.Penalty {
		rows = append(rows, repairDetailRows(in, rec, rep, &n)...)
	}

	// Disclosure within 7 working days.
	section("det.disclosure")
	if disc, err := in.rules.Disclosure(rec, in.today); err != nil {
		add(c.t("det.error"), err.Error(), "", true)
	} else {
		state := disc.State.Chinese()
		bad := disc.State == credit.Overdue || disc.State == credit.DisclosedLate
		if disc.LateBy > 0 {
			state += " " + c.f("det.lateby", disc.LateBy)
		}
		if bad {
			state = symBad + " " + state
		}
		add(c.t("det.discstate"), state, "", bad)
		if disc.State == credit.NotRequired || (disc.Due.IsZero() && disc.State == credit.DisclosedOnTime) {
			add(c.t("det.discdue"), c.t("det.notdisclosed"), "", false)
		} else {
			due := disc.Due.String()
			if ys := in.rules.Cal.ProvisionalBetween(rec.Decided, disc.Due); len(ys) > 0 {
				due += " " + c.f("det.provisional", joinInts(ys))
			}
			add(c.t("det.discdue"), due, c.f("det.wd", in.rules.DisclosureWorkingDays), false)
		}
	}

	// 三同步.
	section("det.three")
	if t := credit.CheckThreeInStep(rec); !t.Applicable {
		why := c.text(t.Why)
		add(c.t("det.three"), c.f("det.notapplicable", why), "", false)
	} else {
		step := func(key string, done bool) {
			if done {
				add(c.t(key), symOK+" "+c.t("det.done"), "", false)
			} else {
				add(c.t(key), symBad+" "+c.t("det.notdone"), "", true)
			}
		}
		step("det.notice", t.Notice)
		step("det.education", t.Education)
		step("det.reminderset", t.Reminder)
	}

	// Data quality.
	section("det.quality")
	if issues := append(credit.CheckRecord(rec, in.today), in.rules.CheckPenalty(rec, rep)...); len(issues) == 0 {
		add(c.t("det.noissues"), symOK+" "+c.t("det.ok"), "", false)
	} else {
		for _, is := range issues {
			text := c.text(is.Text)
			add(symBad+" "+is.Code, text, is.Field, true)
		}
	}

	// Actions of this record still on their way.
	var pend []credit.OutboxItem
	for _, it := range in.outbox {
		if it.Action.RecordKey == rec.Key() && it.State != credit.OutboxSent {
			pend = append(pend, it)
		}
	}
	if len(pend) > 0 {
		section("det.outbox")
		for _, it := range pend {
			state := symSyncing + " " + c.t("ob.pending")
			if it.State == credit.OutboxFailed {
				state = symBad + " " + c.t("ob.failed")
			}
			add(actionLabel(c, it.Action.Type), state+" "+cleanText(it.LastError), "#"+strconv.FormatUint(it.Seq, 10), it.State == credit.OutboxFailed)
		}
	}

	// Every field of the record, last: the computed state comes first so
	// it is on screen without scrolling.
	section("det.fields")
	for _, f := range recordFields {
		if f.onlyKind != "" && f.onlyKind != rec.Kind {
			continue
		}
		v := f.value(rec, in.depts)
		if v == "" && f.onlyKind == "" && (f.label == "field.content" || f.label == "field.rejected") {
			continue
		}
		name := f.penalty
		if rec.Kind == credit.Licence {
			name = f.licence
		} else if rec.Kind != credit.Penalty {
			name = "" // no national field standard for the other kinds
		}
		if f.label == "field.accident" {
			v = c.t(v) // yesNo's key
		}
		add(label(f), v, name, false)
	}
	if issue := uscCheck(rec); issue != "" {
		add(c.t("det.usccbad"), issue, "", true)
	}
	if o := rec.Origin; o != nil { // an imported record: where it came from
		section("det.origin")
		add(c.t("det.ofile"), o.File, "", false)
		if o.Sheet != "" {
			add(c.t("det.osheet"), o.Sheet, "", false)
		}
		add(c.t("det.orow"), strconv.Itoa(o.Row), "", false)
		add(c.t("det.ohash"), o.Hash, "", false)
		add(c.t("det.oat"), o.ImportedAt.In(credit.ChinaZone).Format("2006-01-02 15:04:05"), "", false)
	}

	return rows
}

// calDateText is a working-day date of rd for the detail view: the date,
// "unknown" when the calendar lacks its year, and a provisional mark when it
// was counted through a provisional year.
func calDateText(c catalog, rd credit.RepairDates, d credit.Date, name string) string {
	switch {
	case rd.NotDisclosed && name == "disclosure_due":
		return c.t("det.notdisclosed")
	case slices.Contains(rd.Unknown, name):
		return symBad + " " + c.f("det.calunknown", joinInts(rd.UnknownYears))
	case slices.Contains(rd.Provisional, name):
		return d.String() + " " + c.f("det.provisional", joinInts(rd.ProvisionalYears))
	}
	return d.String()
}

// joinInts writes years as "2027" or "2027, 2028".
func joinInts(ys []int) string {
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = strconv.Itoa(y)
	}
	return strings.Join(parts, ", ")
}

// uscCheck returns why a record's credit code fails GB 32100, or "".
func uscCheck(rec *credit.Record) string {
	if rec.USCC == "" {
		return ""
	}
	if err := credit.ValidateUSCC(rec.USCC); err != nil {
		return err.Error()
	}
	return ""
}

// repairDetailRows are the computed repair dates of a penalty, with the rule
// set that produced them, and each dated step of its repair.
func repairDetailRows(in buildInput, rec *credit.Record, rep *credit.Repair, n *int) []Row {
	c := in.cat
	var rows []Row
	add := func(label, value, source string, alert bool) {
		value = cleanText(value)
		*n++
		rows = append(rows, Row{Key: strconv.Itoa(*n), Cells: []string{label, value, source}, Alert: alert, Detail: label + ": " + value})
	}
	section := func(key string) {
		*n++
		title := "[" + c.t(key) + "]"
		rows = append(rows, Row{Key: strconv.Itoa(*n), Cells: []string{title, "", ""}, Detail: title})
	}

	section("det.repair")
	rd, err := in.rules.RepairFor(rec, rep)
	if err != nil {
		add(c.t("det.error"), err.Error(), "", true)
	} else {
		set := rd.RuleSet
		rs, _ := in.rules.RuleSetByName(rd.RuleSet)
		title := ""
		if rs != nil {
			title = rs.Title
		}
		add(c.t("det.ruleset"), strings.TrimSpace(rd.RuleSet+" "+title), "", false)
		if rs != nil && rs.Source != "" {
			add(c.t("det.rsource"), rs.Source, set, false)
		}
		if rd.Regraded != "" {
			add(c.t("det.tier"), rd.Tier.Chinese()+"; "+rd.Regraded, set, true)
		}
		add(c.t("det.discdue"), calDateText(c, rd, rd.DisclosureDue, "disclosure_due"), set, len(rd.Unknown) > 0)
		add(c.t("det.minend"), rd.MinPeriodEnd.String(), set, false)
		switch {
		case !rd.Repairable:
			add(c.t("col.eligible"), c.t("rep.norepair")+"; "+rd.Reason, set, false)
		case rd.OnFulfilment && rd.EligibleFrom.IsZero():
			add(c.t("col.eligible"), c.t("det.onfulfil"), set, false)
		default:
			elig := rd.EligibleFrom.String()
			if rd.EligibleFrom <= in.today {
				elig += " " + c.t("rep.now")
			} else {
				elig += " " + c.f("det.indays", int(rd.EligibleFrom-in.today))
			}
			add(c.t("col.eligible"), elig, set, false)
		}
		add(c.t("det.maxend"), rd.MaxDisclosureEnd.String(), set, false)
		if !rd.Applied.IsZero() {
			add(c.t("det.reviewdue"), calDateText(c, rd, rd.ReviewDue, "review_due"), set, false)
		}
		if is := rd.ApplicationIssue; is != nil {
			text := c.text(is.Text)
			add(symBad+" "+c.t("det.appissue"), text, is.Code, true)
		}
	}

	section("det.pipeline")
	ps, err := in.rules.Pipeline(rep, in.today)
	if err != nil {
		add(c.t("det.error"), err.Error(), "", true)
		return rows
	}
	stage := c.stage(ps.Stage)
	if !ps.Since.IsZero() {
		stage += " " + c.f("det.since", ps.Since, ps.AgeWorkingDays)
	}
	if !ps.Due.IsZero() {
		stage += " " + c.f("det.due", ps.Due)
	}
	if ps.Stuck {
		stage = symBad + " " + stage + " " + c.t("q.stuck")
	}
	add(c.t("det.stage"), stage, "", ps.Stuck)
	var r credit.Repair
	if rep != nil {
		r = *rep
	}
	step := func(key string, d credit.Date, extra string) {
		v := dateText(d)
		if v == "" {
			v = symNone
		}
		if extra != "" {
			v += " " + extra
		}
		add(c.t(key), v, "", false)
	}
	step("det.reminder", r.ReminderSent, "")
	if rd.OnFulfilment || !r.Fulfilled.IsZero() {
		step("det.fulfilled", r.Fulfilled, "")
	}
	step("det.applied", r.Applied, "")
	outcome := ""
	switch r.Outcome {
	case credit.OutcomeApproved:
		outcome = c.t("det.approved")
	case credit.OutcomeRejected:
		outcome = c.t("det.rejected")
	}
	step("det.reviewed", r.Reviewed, outcome)
	step("det.cancelled", r.Cancelled, "")
	step("det.regraded", r.Regraded, "")
	receipt := ""
	if r.NationalReceipt != "" {
		receipt = c.f("det.receipt", r.NationalReceipt)
	}
	step("det.national", r.NationalDone, receipt)
	if r.WithdrawalNote != "" {
		add(c.t("det.withdrawal"), r.WithdrawalNote, "", false)
	}
	return rows
}

func detailColumns(c catalog) []Column {
	return []Column{
		{Title: c.t("col.field"), Min: 8},
		{Title: c.t("col.value"), Min: 20},
		{Title: c.t("col.source"), Min: 6, Drop: 1},
	}
}

// recordRows lists records for a drill-down: a department's records of one
// kind, or the records behind a checklist line.
func recordRows(in buildInput, recs []credit.Record) []Row {
	c := in.cat
	rows := make([]Row, 0, len(recs))
	for i := range recs {
		rec := &recs[i]
		state := "-"
		alert := false
		if disc, err := in.rules.Disclosure(rec, in.today); err == nil {
			state = disc.State.Chinese()
			if disc.State == credit.Overdue || disc.State == credit.DisclosedLate {
				state = symBad + " " + state
				alert = disc.State == credit.Overdue
			}
		} else {
			state = symBad + " " + c.t("rep.error")
			alert = true
		}
		issues := credit.CheckRecord(rec, in.today)
		q := strconv.Itoa(len(issues))
		if len(issues) > 0 {
			q = symBad + " " + q
			alert = true
		}
		detail := fmt.Sprintf("%s  %s  %s", rec.Key(), in.depts.FullName(rec.Dept), cleanText(rec.DocNo))
		if len(issues) > 0 {
			texts := make([]string, len(issues))
			for j, is := range issues {
				texts[j] = c.text(is.Text)
			}
			detail += "; " + cleanText(strings.Join(texts, "; "))
		}
		rows = append(rows, Row{
			Key:    rec.Key(),
			Cells:  []string{rec.Kind.Short(), cleanText(rec.SubjectName), rec.USCC, cleanText(rec.DocNo), dateText(rec.Decided), state, q},
			Alert:  alert,
			Detail: detail,
			Dept:   rec.Dept,
			Search: in.deptSearch(rec.Dept),
		})
	}
	return rows
}

func recordColumns(c catalog) []Column {
	return []Column{
		{Title: c.t("col.kind")},
		{Title: c.t("col.name"), Min: 12, Collate: true},
		{Title: c.t("col.uscc"), Drop: 1},
		{Title: c.t("col.docno"), Min: 12},
		{Title: c.t("col.decidedany")},
		{Title: c.t("col.disclosure")},
		{Title: c.t("col.issues"), Right: true},
	}
}
