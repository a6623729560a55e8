package sheet

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/czyj/credwatch/credit"
	"github.com/xuri/excelize/v2"
)

// Report sheet names.
const (
	SheetSummary = "汇总"
	SheetLate    = "迟报明细"
	SheetBad     = "不合规明细"
	SheetRepair  = "信用修复"
)

var summaryHeader = []string{"部门", "信息类别", "归集", "合规", "数据合规率", "按时公示", "迟报", "迟报率", "未到期", "原则上不予公示", "月末未公示"}
var itemHeader = []string{"部门", "信息类别", "决定书文号", "行政相对人名称", "决定日期", "公示期限", "公示日期", "逾期工作日", "状态", "数据质量问题", "来源文件", "工作表", "行", "记录"}
var repairHeader = []string{"部门", "申请", "审核通过", "审核超期（10个工作日）", "注销", "待国家企业信用信息公示系统修复"}

func pct(f float64) string { return fmt.Sprintf("%.2f%%", f*100) }

func summaryCells(r credit.ReportRow, dept func(string) string) []any {
	d, k := dept(r.Dept), r.Kind.Chinese()
	if r.Dept == "" {
		d, k = "合计", ""
	}
	return []any{d, k, r.Received, r.Compliant, pct(r.ComplianceRate()), r.OnTime, r.Late, pct(r.LateRate()),
		r.NotDueYet, r.NotRequired, r.UndisclosedAtMonthEnd}
}

func dateCell(d credit.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func itemCells(it credit.ReportItem, dept func(string) string) []any {
	file, sheet, row := "", "", ""
	if it.Origin != nil {
		file, sheet, row = it.Origin.File, it.Origin.Sheet, fmt.Sprint(it.Origin.Row)
	}
	return []any{dept(it.Dept), it.Kind.Chinese(), it.DocNo, it.Subject, dateCell(it.Decided), dateCell(it.Due),
		dateCell(it.Disclosed), it.LateBy, it.State, strings.Join(it.Issues, " "), file, sheet, row, it.Key}
}

func repairCells(r credit.RepairReportRow, dept func(string) string) []any {
	return []any{dept(r.Dept), r.Applications, r.Approvals, r.ReviewOverdue, r.Cancellations, r.NationalOwed}
}

// WriteReport writes rep as xlsx (four sheets: 汇总, 迟报明细, 不合规明细,
// 信用修复), csv (the summary, UTF-8 with BOM for Excel), text or json.
// dept names a department for people.
func WriteReport(w io.Writer, format string, rep *credit.MonthReport, dept func(string) string) error {
	total := rep.Total
	total.Dept = ""
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "csv":
		if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		cw.UseCRLF = true
		_ = cw.Write(summaryHeader)
		for _, r := range append(rep.Rows, total) {
			_ = cw.Write(strs(summaryCells(r, dept)))
		}
		cw.Flush()
		return cw.Error()
	case "text":
		fmt.Fprintf(w, "%s 双公示月报（截至 %s）\n\n", rep.Month, rep.AsOf)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(summaryHeader, "\t"))
		for _, r := range append(rep.Rows, total) {
			fmt.Fprintln(tw, strings.Join(strs(summaryCells(r, dept)), "\t"))
		}
		tw.Flush()
		fmt.Fprintf(w, "\n迟报 %d 条，不合规 %d 条，异常数据 %d 条（未计入归集）\n", len(rep.Late), len(rep.Bad), rep.Quarantined)
		if len(rep.Repair) > 0 {
			fmt.Fprintln(w)
			tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, strings.Join(repairHeader, "\t"))
			for _, r := range rep.Repair {
				fmt.Fprintln(tw, strings.Join(strs(repairCells(r, dept)), "\t"))
			}
			tw.Flush()
		}
		return nil
	case "xlsx", "":
	default:
		return fmt.Errorf("unknown report format %q: want xlsx, text, csv or json", format)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	put := func(sheet string, header []string, rows [][]any) error {
		if sheet != SheetSummary {
			if _, err := f.NewSheet(sheet); err != nil {
				return err
			}
		}
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		h := make([]any, len(header))
		for i, s := range header {
			h[i] = s
		}
		if err := sw.SetRow("A1", h); err != nil {
			return err
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := sw.SetRow(cell, r); err != nil {
				return err
			}
		}
		return sw.Flush()
	}
	var rows [][]any
	for _, r := range append(rep.Rows, total) {
		rows = append(rows, summaryCells(r, dept))
	}
	if err := put(SheetSummary, summaryHeader, rows); err != nil {
		return err
	}
	for _, s := range []struct {
		name  string
		items []credit.ReportItem
	}{{SheetLate, rep.Late}, {SheetBad, rep.Bad}} {
		rows = rows[:0]
		for _, it := range s.items {
			rows = append(rows, itemCells(it, dept))
		}
		if err := put(s.name, itemHeader, rows); err != nil {
			return err
		}
	}
	rows = rows[:0]
	for _, r := range rep.Repair {
		rows = append(rows, repairCells(r, dept))
	}
	if err := put(SheetRepair, repairHeader, rows); err != nil {
		return err
	}
	return f.Write(w)
}

func strs(cells []any) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = fmt.Sprint(c)
	}
	return out
}
