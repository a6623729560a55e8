package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/czyj/credwatch/credit"
)

// ---- 记录详情 and record lists ----

// field is one field of a record in the detail view: its Chinese and English
// labels and its national field name (双公示 practice), where there is one.
type field struct {
	zh, en   string
	penalty  string // CF_ name
	licence  string // XK_ name
	value    func(r *credit.Record, d *credit.Directory) string
	onlyKind credit.Kind // "" for every kind
	// zhPenalty and zhLicence are the national standard's names for
	// penalties and licences where they differ from zh (处罚决定日期,
	// 许可决定日期).
	zhPenalty, zhLicence string
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

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

var recordFields = []field{
	{zh: "信息类别", en: "Kind", value: func(r *credit.Record, _ *credit.Directory) string { return r.Kind.Chinese() }},
	{zh: "记录键", en: "Record key", value: func(r *credit.Record, _ *credit.Directory) string { return r.Key() }},
	{zh: "部门", en: "Department", value: func(r *credit.Record, d *credit.Directory) string { return d.FullName(r.Dept) }},
	{zh: "行政相对人名称", en: "Subject name", penalty: "CF_XDR_MC", licence: "XK_XDR_MC", value: func(r *credit.Record, _ *credit.Directory) string { return r.SubjectName }},
	{zh: "行政相对人类别", en: "Subject kind", penalty: "CF_XDR_LB", licence: "XK_XDR_LB", value: func(r *credit.Record, _ *credit.Directory) string { return r.SubjectKind }},
	{zh: "统一社会信用代码", en: "Credit code (USCC)", penalty: "CF_XDR_SHXYM", licence: "XK_XDR_SHXYM", value: func(r *credit.Record, _ *credit.Directory) string { return r.USCC }},
	{zh: "法定代表人", en: "Legal representative", penalty: "CF_FRDB", licence: "XK_FRDB", value: func(r *credit.Record, _ *credit.Directory) string { return r.LegalRep }},
	{zh: "决定书文号", en: "Document number", penalty: "CF_WSH", licence: "XK_WSH", value: func(r *credit.Record, _ *credit.Directory) string { return r.DocNo }},
	{zh: "违法行为类型", en: "Violation type", penalty: "CF_WFXW", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return r.Violation }},
	{zh: "违法事实", en: "Facts", penalty: "CF_SY", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return r.Facts }},
	{zh: "处罚依据", en: "Legal basis", penalty: "CF_YJ", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return r.Basis }},
	{zh: "处罚类别", en: "Penalty types", penalty: "CF_CFLB", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return strings.Join(r.PenaltyTypes, ", ") }},
	{zh: "处罚内容", en: "Penalty content", penalty: "CF_NR", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return r.Content }},
	{zh: "罚款金额（万元）", en: "Fine (10k yuan)", penalty: "CF_NR_FK", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return fineWan(r.FineYuan) }},
	{zh: "失信程度", en: "Dishonesty tier", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return r.Severity.Chinese() }},
	{zh: "涉及生产安全事故", en: "Production-safety accident", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return yesNo(r.Accident) }},
	{zh: "处罚有效期", en: "Penalty valid until", penalty: "CF_YXQ", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return dateText(r.ValidUntil) }},
	{zh: "公示截止期", en: "Publication ends", penalty: "CF_GSJZQ", onlyKind: credit.Penalty, value: func(r *credit.Record, _ *credit.Directory) string { return dateText(r.PublishUntil) }},
	{zh: "许可类别", en: "Licence category", licence: "XK_XKLB", onlyKind: credit.Licence, value: func(r *credit.Record, _ *credit.Directory) string { return r.LicenceCategory }},
	{zh: "许可证书名称", en: "Certificate", licence: "XK_XKZS", onlyKind: credit.Licence, value: func(r *credit.Record, _ *credit.Directory) string { return r.CertName }},
	{zh: "许可编号", en: "Licence number", licence: "XK_XKBH", onlyKind: credit.Licence, value: func(r *credit.Record, _ *credit.Directory) string { return r.LicenceNo }},
	{zh: "许可内容", en: "Licence content", licence: "XK_NR", onlyKind: credit.Licence, value: func(r *credit.Record, _ *credit.Directory) string { return r.Content }},
	{zh: "有效期自", en: "Valid from", licence: "XK_YXQZ", onlyKind: credit.Licence, value: func(r *credit.Record, _ *credit.Directory) string { return dateText(r.ValidFrom) }},
	{zh: "有效期至", en: "Valid to", licence: "XK_YXQZI", onlyKind: credit.Licence, value: func(r *credit.Record, _ *credit.Directory) string { return dateText(r.ValidTo) }},
	{zh: "当前状态", en: "Licence status", licence: "XK_ZT", onlyKind: credit.Licence, value: func(r *credit.Record, _ *credit.Directory) string { return r.LicenceStatus }},
	{zh: "决定日期", zhPenalty: "处罚决定日期", zhLicence: "许可决定日期", en: "Decision date", penalty: "CF_JDRQ", licence: "XK_JDRQ", value: func(r *credit.Record, _ *credit.Directory) string { return dateText(r.Decided) }},
	{zh: "决定机关", zhPenalty: "处罚机关", zhLicence: "许可机关", en: "Authority", penalty: "CF_CFJG", licence: "XK_XKJG", value: func(r *credit.Record, _ *credit.Directory) string { return r.Authority }},
	{zh: "决定机关代码", zhPenalty: "处罚机关代码", zhLicence: "许可机关代码", en: "Authority code", penalty: "CF_CFJGDM", licence: "XK_XKJGDM", value: func(r *credit.Record, _ *credit.Directory) string { return r.AuthCode }},
	{zh: "数据来源单位", en: "Source unit", penalty: "CF_SJLY", licence: "XK_LYDW", value: func(r *credit.Record, _ *credit.Directory) string { return r.SourceUnit }},
	{zh: "数据来源单位代码", en: "Source unit code", penalty: "CF_SJLYDM", licence: "XK_LYDWDM", value: func(r *credit.Record, _ *credit.Directory) string { return r.SourceCode }},
	{zh: "内容", en: "Content", value: func(r *credit.Record, _ *credit.Directory) string {
		if r.Kind == credit.Penalty || r.Kind == credit.Licence {
			return ""
		}
		return r.Content
	}},
	{zh: "备注", en: "Note", penalty: "BZ", licence: "BZ", value: func(r *credit.Record, _ *credit.Directory) string { return r.Note }},
	{zh: "公示日期", en: "Disclosed on", value: func(r *credit.Record, _ *credit.Directory) string { return dateText(r.Disclosed) }},
	{zh: "平台退回原因", en: "Rejected because", value: func(r *credit.Record, _ *credit.Directory) string { return r.Rejected }},
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
		case c.en:
			return f.en
		case rec.Kind == credit.Penalty && f.zhPenalty != "":
			return f.zhPenalty
		case rec.Kind == credit.Licence && f.zhLicence != "":
			return f.zhLicence
		}
		return f.zh
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
		if v == "" && f.onlyKind == "" && (f.zh == "内容" || f.zh == "平台退回原因") {
			continue
		}
		name := f.penalty
		if rec.Kind == credit.Licence {
			name = f.licence
		} else if rec.Kind != credit.Penalty {
			name = "" // no national field standard for the other kinds
		}
		if c.en && f.zh == "涉及生产安全事故" {
			v = map[bool]string{true: "yes", false: "no"}[rec.Accident]
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
		{Title: c.t("col.name"), Min: 12},
		{Title: c.t("col.uscc"), Drop: 1},
		{Title: c.t("col.docno"), Min: 12},
		{Title: c.t("col.decidedany")},
		{Title: c.t("col.disclosure")},
		{Title: c.t("col.issues"), Right: true},
	}
}
