package main

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
)

// exportCol is one column of an exported view: its snake_case JSON key and
// the CSV header in each language (the TUI's column titles).
type exportCol struct{ key, zh, en string }

// exportTable is one view's rows, in the TUI's order. A cell is a string,
// an int, a bool, a time.Time, a credit.Date or nil (no value).
type exportTable struct {
	cols []exportCol
	rows [][]any
}

// exportViews are the views export knows, in the TUI's tab order (the 同步状态
// tab has two tables: sync and depts).
var exportViews = []string{"sharing", "sync", "depts", "repair", "queue"}

// runExport writes one view of the cache as CSV or JSON. The rows and their
// order are those of the TUI's tab; values are raw (dates, counts, RFC 3339
// times) instead of the screen's ages and symbols, and an alert column says
// which rows the TUI highlights.
func (a *app) runExport(args []string) int {
	fs := flag.NewFlagSet("credwatch export", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	view := fs.String("view", "", "sharing, sync, depts, repair or queue")
	format := fs.String("format", "csv", "csv (UTF-8 with BOM, CRLF: opens in Excel) or json (an array of objects)")
	out := fs.String("out", "", "write to FILE (replaced atomically) instead of standard output")
	fs.Usage = func() {
		fmt.Fprint(a.stderr, `Usage: credwatch export --view NAME [--format csv|json] [--out FILE]

Writes the rows of one view, as the TUI shows them, from the cache:
  sharing   数据共享清单: per department and kind
  sync      同步状态: per endpoint
  depts     同步状态: per department, records per kind
  repair    修复期限: every penalty, by repair eligibility
  queue     注销队列: post-approval items, stuck first
CSV is UTF-8 with a byte-order mark and CRLF line ends, so Excel on Chinese
Windows opens it correctly; headers follow --lang. JSON is an array of
objects with snake_case keys.
`)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	usageErr := func(format string, args ...any) int {
		fmt.Fprintf(a.stderr, "credwatch export: "+format+" (see credwatch export -h)\n", args...)
		return 2
	}
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected argument %q", fs.Arg(0))
	case !slices.Contains(exportViews, *view):
		return usageErr("--view must be one of %s, not %q", strings.Join(exportViews, ", "), *view)
	case *format != "csv" && *format != "json":
		return usageErr("--format must be csv or json, not %q", *format)
	}
	db, err := a.openCache(true)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	defer db.Close()
	snap, err := db.Snapshot()
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	t := a.exportTable(*view, snap)
	write := func(w io.Writer) error {
		if *format == "json" {
			return writeJSONTable(w, t)
		}
		return writeCSVTable(w, t, a.lang)
	}
	if *out == "" {
		bw := bufio.NewWriter(a.stdout)
		if err := write(bw); err != nil || bw.Flush() != nil {
			fmt.Fprintf(a.stderr, "credwatch export: write: %v\n", cmp.Or(err, bw.Flush()))
			return 1
		}
		return 0
	}
	if err := writeFileAtomic(*out, write); err != nil {
		fmt.Fprintf(a.stderr, "credwatch export: %v\n", err)
		return 1
	}
	fmt.Fprintf(a.stderr, "credwatch export: %d rows of %s to %s\n", len(t.rows), *view, *out)
	return 0
}

// writeFileAtomic writes a file next to path and renames it over path, so
// a reader (or a crash) never sees half an export.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Close()
	} else {
		f.Close()
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// writeCSVTable writes UTF-8 with a byte-order mark and CRLF line ends,
// quoted as encoding/csv does: what Excel on Chinese Windows needs to show
// the Chinese text instead of mojibake.
func writeCSVTable(w io.Writer, t exportTable, lang string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	head := make([]string, len(t.cols))
	for i, c := range t.cols {
		head[i] = c.zh
		if lang == "en" {
			head[i] = c.en
		}
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(t.cols))
	for _, r := range t.rows {
		for i, v := range r {
			rec[i] = cellText(v, "2006-01-02 15:04:05") // a form Excel reads as a date and time
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeJSONTable writes an array of objects whose keys keep the column order.
func writeJSONTable(w io.Writer, t exportTable) error {
	bw := &errWriter{w: w}
	io.WriteString(bw, "[")
	for i, r := range t.rows {
		if i > 0 {
			io.WriteString(bw, ",")
		}
		io.WriteString(bw, "\n  {")
		for j, v := range r {
			if j > 0 {
				io.WriteString(bw, ", ")
			}
			k, _ := json.Marshal(t.cols[j].key)
			var val []byte
			var err error
			switch v := v.(type) {
			case time.Time, credit.Date:
				val, err = json.Marshal(cellText(v, time.RFC3339))
			default:
				val, err = json.Marshal(v)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(bw, "%s: %s", k, val)
		}
		io.WriteString(bw, "}")
	}
	if len(t.rows) > 0 {
		io.WriteString(bw, "\n")
	}
	io.WriteString(bw, "]\n")
	return bw.err
}

// cellText renders a cell for CSV (and times for JSON); nil and zero times
// are empty.
func cellText(v any, timeLayout string) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.In(credit.ChinaZone).Format(timeLayout)
	case credit.Date:
		if v.IsZero() {
			return ""
		}
		return v.String()
	}
	return fmt.Sprint(v)
}

// exportTable builds one view's rows from the snapshot.
//
// Stopgap: the TUI's row builders (tui/rows.go) are unexported, so this
// repeats their selection, order and credit.Rules calls in raw-value form.
// It should give way to an exported tui function once there is one.
func (a *app) exportTable(view string, snap *credit.Snapshot) exportTable {
	switch view {
	case "sharing":
		return a.exportSharing(snap)
	case "sync":
		return a.exportSync(snap)
	case "depts":
		return a.exportDepts(snap)
	case "repair":
		return a.exportRepair(snap)
	}
	return a.exportQueue(snap)
}

var alertCol = exportCol{"alert", "提示", "Alert"}

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

func (a *app) exportSharing(snap *credit.Snapshot) exportTable {
	t := exportTable{cols: []exportCol{{"dept", "部门", "Dept"}, {"kind", "类别", "Kind"},
		{"received", "归集", "Recv"}, {"disclosed", "已公示", "Discl"}, {"pending", "未公示", "Pending"},
		{"rejected", "退回", "Rej"}, {"last_push", "最近推送", "Last push"}, {"overdue", "逾期未公示", "Overdue"},
		{"late", "逾期公示", "Late"}, alertCol}}
	type count struct{ overdue, late int }
	counts := map[string]*count{}
	for i := range snap.Penalties {
		rec := &snap.Penalties[i]
		if rec.Kind != credit.Penalty {
			continue
		}
		c := counts[rec.Dept]
		if c == nil {
			c = &count{}
			counts[rec.Dept] = c
		}
		if d, err := a.rules.Disclosure(rec, a.today); err == nil {
			switch d.State {
			case credit.Overdue:
				c.overdue++
			case credit.DisclosedLate:
				c.late++
			}
		}
	}
	entries := slices.Clone(snap.Sharing)
	for dept := range counts { // penalties without a sharing-list row still get one
		if !slices.ContainsFunc(entries, func(e credit.SharingEntry) bool { return e.Dept == dept && e.Kind == credit.Penalty }) {
			entries = append(entries, credit.SharingEntry{Dept: dept, Kind: credit.Penalty, Received: -1})
		}
	}
	order := deptOrder(a.depts)
	slices.SortFunc(entries, func(x, y credit.SharingEntry) int {
		return cmp.Or(cmp.Compare(order(x.Dept), order(y.Dept)), cmp.Compare(x.Dept, y.Dept),
			cmp.Compare(slices.Index(credit.Kinds, x.Kind), slices.Index(credit.Kinds, y.Kind)), cmp.Compare(x.Kind, y.Kind))
	})
	for _, e := range entries {
		stale := e.LastPush.IsZero()
		if !stale {
			n, err := a.rules.Cal.WorkingDaysAfter(credit.DateOf(e.LastPush), a.today)
			stale = n > 1 || (err != nil && a.today.AddDays(-1) > credit.DateOf(e.LastPush))
		}
		var recv, disc, pend, rej, overdue, late any
		if e.Received >= 0 {
			recv, disc, pend, rej = e.Received, e.Disclosed, e.Received-e.Disclosed-e.Rejected, e.Rejected
		}
		alert := stale
		if e.Kind == credit.Penalty {
			c := counts[e.Dept]
			if c == nil {
				c = &count{}
			}
			overdue, late = c.overdue, c.late
			alert = alert || c.overdue > 0
		}
		t.rows = append(t.rows, []any{a.depts.ShortName(e.Dept), e.Kind.Chinese(), recv, disc, pend, rej, e.LastPush, overdue, late, alert})
	}
	return t
}

func (a *app) exportSync(snap *credit.Snapshot) exportTable {
	t := exportTable{cols: []exportCol{{"endpoint", "接口", "Endpoint"}, {"feeds", "数据", "Feeds"},
		{"state", "状态", "State"}, {"last_success", "最近成功", "Last success"}, {"failures", "连续失败", "Failures"},
		{"last_error", "最近错误", "Last error"}, alertCol}}
	for _, e := range a.endpointStates(snap, a.now()) {
		state := "ok" // the TUI's states: ok, failing, never (staleness is status's verdict)
		switch {
		case e.LastError != "":
			state = "failing"
		case e.LastSuccess == nil:
			state = "never"
		}
		var last any
		if e.LastSuccess != nil {
			last = *e.LastSuccess
		}
		t.rows = append(t.rows, []any{e.Name, strings.Join(e.Feeds, ","), state, last, e.Failures, oneLine(e.LastError), e.LastError != ""})
	}
	return t
}

func (a *app) exportDepts(snap *credit.Snapshot) exportTable {
	t := exportTable{cols: []exportCol{{"dept", "部门", "Dept"}}}
	for _, k := range credit.Kinds {
		t.cols = append(t.cols, exportCol{string(k), k.Short(), k.Short()})
	}
	t.cols = append(t.cols, exportCol{"total", "合计", "Total"}, exportCol{"last_received", "最近收到", "Last received"})
	for _, d := range a.deptStates(snap, a.now()) {
		row := []any{d.Short}
		for _, k := range credit.Kinds {
			row = append(row, d.Records[string(k)])
		}
		var last any
		if d.LastReceived != nil {
			last = *d.LastReceived
		}
		t.rows = append(t.rows, append(row, d.Total, last))
	}
	return t
}

func (a *app) exportRepair(snap *credit.Snapshot) exportTable {
	t := exportTable{cols: []exportCol{{"name", "企业名称", "Enterprise"}, {"uscc", "统一社会信用代码", "USCC"},
		{"doc_no", "文号", "Doc no."}, {"severity", "程度", "Tier"}, {"decided", "决定日期", "Decided"},
		{"eligible_from", "可申请修复日", "Eligible from"}, {"days_left", "剩余", "Left"}, {"status", "状态", "Status"}, alertCol}}
	type item struct {
		row           []any
		group         int // repairable, not repairable, rules failed
		elig, decided credit.Date
		key           string
	}
	var items []item
	for i := range snap.Penalties {
		rec := &snap.Penalties[i]
		if rec.Kind != credit.Penalty {
			continue
		}
		var rep *credit.Repair
		if r, ok := snap.Repairs[rec.Key()]; ok {
			rep = &r
		}
		it := item{decided: rec.Decided, key: rec.Key()}
		row := []any{oneLine(rec.SubjectName), rec.USCC, oneLine(rec.DocNo), rec.Severity.Chinese(), rec.Decided}
		rd, err := a.rules.RepairFor(rec, rep)
		var ps credit.PipelineStatus
		if err == nil {
			ps, err = a.rules.Pipeline(rep, a.today)
		}
		if err != nil {
			it.group, it.row = 2, append(row, nil, nil, "无法计算: "+oneLine(err.Error()), true)
			items = append(items, it)
			continue
		}
		status, alert := ps.Stage.Chinese(), ps.Stuck
		reminded := rep != nil && !rep.ReminderSent.IsZero()
		if reminded {
			status += " 到期提醒已发"
		}
		var elig, left any
		if rd.Repairable {
			it.elig, elig = rd.EligibleFrom, rd.EligibleFrom
			days := int(rd.EligibleFrom - a.today)
			left = max(days, 0)
			if days <= 0 && !reminded && ps.Stage == credit.StageNotApplied && rec.Severity == credit.General {
				status += " 待发到期提醒" // 三同步: the "eligible now" reminder is due
				alert = true
			}
		} else {
			it.group = 1
			status = "不可修复 " + status
		}
		if ps.Stuck {
			status += " 超期"
		}
		it.row = append(row, elig, left, status, alert)
		items = append(items, it)
	}
	slices.SortFunc(items, func(x, y item) int {
		return cmp.Or(cmp.Compare(x.group, y.group), cmp.Compare(x.elig, y.elig), cmp.Compare(x.decided, y.decided), cmp.Compare(x.key, y.key))
	})
	for _, it := range items {
		t.rows = append(t.rows, it.row)
	}
	return t
}

func (a *app) exportQueue(snap *credit.Snapshot) exportTable {
	t := exportTable{cols: []exportCol{{"name", "企业名称", "Enterprise"}, {"doc_no", "文号", "Doc no."},
		{"stage", "阶段", "Stage"}, {"since", "自", "Since"}, {"working_days", "工作日", "WD"},
		{"due", "应完成", "Due"}, {"stuck", "超期", "Overdue"}}}
	byKey := make(map[string]*credit.Record, len(snap.Penalties))
	for i := range snap.Penalties {
		byKey[snap.Penalties[i].Key()] = &snap.Penalties[i]
	}
	type item struct {
		row []any
		ps  credit.PipelineStatus
		key string
	}
	var items []item
	for k, rep := range snap.Repairs {
		ps, err := a.rules.Pipeline(&rep, a.today)
		if err != nil {
			continue // the repair view shows the error on the penalty's row
		}
		switch ps.Stage { // the TUI's inQueue
		case credit.StageAwaitingCancel, credit.StageAwaitingRegrade, credit.StageAwaitingNational:
		case credit.StageUnderReview:
			if !ps.Stuck {
				continue
			}
		default:
			continue
		}
		name, doc := k+"（缓存中无此处罚）", ""
		if rec := byKey[k]; rec != nil {
			name, doc = oneLine(rec.SubjectName), oneLine(rec.DocNo)
		}
		items = append(items, item{ps: ps, key: k, row: []any{name, doc, ps.Stage.Chinese(), ps.Since, ps.AgeWorkingDays, ps.Due, ps.Stuck}})
	}
	slices.SortFunc(items, func(x, y item) int { // stuck first, then oldest
		if x.ps.Stuck != y.ps.Stuck {
			if x.ps.Stuck {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(y.ps.AgeWorkingDays, x.ps.AgeWorkingDays), cmp.Compare(x.ps.Since, y.ps.Since), cmp.Compare(x.key, y.key))
	})
	for _, it := range items {
		t.rows = append(t.rows, it.row)
	}
	return t
}
