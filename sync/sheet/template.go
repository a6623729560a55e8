package sheet

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/czyj/credwatch/credit"
	"github.com/xuri/excelize/v2"
)

// templateFields lists the columns credwatch writes for a kind, in the
// national template's order, then the columns credwatch adds.
func templateFields(k credit.Kind) []Field {
	common := []Field{FSubjectName, FSubjectKind, FUSCC, FLegalRep}
	extra := []Field{FDept, FDisclosed, FNote}
	switch k {
	case credit.Penalty:
		return append(append(common, FDocNo, FViolation, FFacts, FBasis, FPenaltyTypes, FContent, FFineWan, FDecided,
			FValidUntil, FPublishUntil, FAuthority, FAuthCode, FSourceUnit, FSourceCode, FSeverity, FAccident,
			FNoticeGiven, FEducation, FReminderSet), extra...)
	case credit.Licence:
		return append(append(common, FDocNo, FLicenceCat, FCertName, FLicenceNo, FContent, FDecided, FValidFrom, FValidTo,
			FAuthority, FAuthCode, FLicenceState, FSourceUnit, FSourceCode), extra...)
	}
	return append(append(common, FDocNo, FViolation, FFacts, FBasis, FContent, FDecided, FAuthority, FAuthCode, FSourceUnit, FSourceCode), extra...)
}

// templateHeader is the header row: Chinese names as the national
// templates have them.
func templateHeader(k credit.Kind) []string {
	fs := templateFields(k)
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = nameOf(f, k)
		if k == credit.Licence {
			switch f { // the licence template's own names
			case FDocNo:
				out[i] = "行政许可决定文书号"
			case FDecided:
				out[i] = "许可决定日期"
			case FAuthority:
				out[i] = "许可机关"
			case FAuthCode:
				out[i] = "许可机关统一社会信用代码"
			case FContent:
				out[i] = "许可内容"
			}
		}
	}
	return out
}

func boolCell(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func dateText(d credit.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// cellOf is field f of r as a template cell.
func cellOf(r *credit.Record, f Field) any {
	switch f {
	case FSubjectName:
		return r.SubjectName
	case FSubjectKind:
		return r.SubjectKind
	case FUSCC:
		return r.USCC
	case FLegalRep:
		return r.LegalRep
	case FDocNo:
		return r.DocNo
	case FDecided:
		return dateText(r.Decided)
	case FAuthority:
		return r.Authority
	case FAuthCode:
		return r.AuthCode
	case FSourceUnit:
		return r.SourceUnit
	case FSourceCode:
		return r.SourceCode
	case FContent:
		return r.Content
	case FNote:
		return r.Note
	case FViolation:
		return r.Violation
	case FFacts:
		return r.Facts
	case FBasis:
		return r.Basis
	case FPenaltyTypes:
		return strings.Join(r.PenaltyTypes, "；")
	case FFineWan:
		if r.FineYuan == 0 {
			return ""
		}
		return float64(r.FineYuan) / 10000
	case FSeverity:
		return r.Severity.Chinese()
	case FAccident:
		return boolCell(r.Accident)
	case FValidUntil:
		return dateText(r.ValidUntil)
	case FPublishUntil:
		return dateText(r.PublishUntil)
	case FLicenceCat:
		return r.LicenceCategory
	case FCertName:
		return r.CertName
	case FLicenceNo:
		return r.LicenceNo
	case FValidFrom:
		return dateText(r.ValidFrom)
	case FValidTo:
		return dateText(r.ValidTo)
	case FLicenceState:
		return r.LicenceStatus
	case FDisclosed:
		return dateText(r.Disclosed)
	case FDept:
		return r.Dept
	case FNoticeGiven:
		return boolCell(r.NoticeGiven)
	case FEducation:
		return boolCell(r.EducationDone)
	case FReminderSet:
		return boolCell(r.ReminderSet)
	}
	return ""
}

// WriteTemplate writes records of one kind as a 双公示 template file: xlsx
// (one sheet named after the kind, streamed) or csv (UTF-8 with BOM) by
// path's extension. Dates are written as text, credit codes as text.
func WriteTemplate(path string, k credit.Kind, recs []credit.Record) error {
	fields := templateFields(k)
	hdr := templateHeader(k)
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		bw := bufio.NewWriter(f)
		bw.Write([]byte{0xEF, 0xBB, 0xBF})
		cw := csv.NewWriter(bw)
		cw.UseCRLF = true
		cw.Write(hdr)
		row := make([]string, len(fields))
		for i := range recs {
			for j, fl := range fields {
				row[j] = fmt.Sprint(cellOf(&recs[i], fl))
			}
			cw.Write(row)
		}
		cw.Flush()
		err = cw.Error()
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := k.Chinese()
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	h := make([]any, len(hdr))
	for i, s := range hdr {
		h[i] = s
	}
	if err := sw.SetRow("A1", h); err != nil {
		return err
	}
	row := make([]any, len(fields))
	for i := range recs {
		for j, fl := range fields {
			row[j] = cellOf(&recs[i], fl)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.SaveAs(path)
}
