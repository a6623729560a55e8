package sheet

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var update = flag.Bool("update", false, "rewrite the testdata files")

const goodUSCC = "91350100M000100Y43"

// TestFixtures writes testdata/ with -update; without it, checks they exist.
// The files are what a department sends: see testdata/README.md.
func TestFixtures(t *testing.T) {
	files := map[string]func(string) error{
		"penalty_merged.xlsx":  writePenaltyXLSX,
		"licence_codes.csv":    writeLicenceCSV,
		"penalty_gbk.csv":      writeGBKCSV,
		"penalty_numbers.xlsx": writeNumbersXLSX,
	}
	for name, write := range files {
		p := filepath.Join("testdata", name)
		if *update {
			if err := write(p); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s missing: run go test ./sync/sheet -run TestFixtures -update", p)
		}
	}
}

// writePenaltyXLSX: a merged title row and a merged group heading above
// the Chinese header, dates as Excel serials (date-formatted), one row with
// an impossible date, a row with a 处罚类别 outside the national list
// (stored with a quality issue), and trailing empty rows.
func writePenaltyXLSX(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	sh := "行政处罚（法人）"
	f.SetSheetName("Sheet1", sh)
	f.SetCellValue(sh, "A1", "武进区应急管理局行政处罚信息（2026年11月）")
	f.MergeCell(sh, "A1", "K1")
	f.SetCellValue(sh, "A2", "行政相对人信息")
	f.MergeCell(sh, "A2", "C2")
	f.SetCellValue(sh, "D2", "处罚信息")
	f.MergeCell(sh, "D2", "K2")
	hdr := []any{"行政相对人名称", "行政相对人类别", "统一社会信用代码", "法定代表人", "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）", "处罚决定日期", "处罚机关", "数据来源单位", "失信程度", "公示日期"}
	f.SetSheetRow(sh, "A3", &hdr)
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	rows := [][]any{
		{"常州市甲化工有限公司", "法人及非法人组织", goodUSCC, "张三", "常武应急罚〔2026〕101号", "未按规定培训", "未对从业人员进行安全培训", "《安全生产法》第九十七条", "罚款", "罚款人民币2万元", 2, 46327, "常州市武进区应急管理局", "常州市武进区应急管理局", "一般", 46330},
		{"常州市乙机械有限公司", "法人及非法人组织", goodUSCC, "李四", "常武应急罚〔2026〕102号", "未排查隐患", "未建立隐患排查制度", "《安全生产法》第一百零一条", "警告;罚款", "警告并罚款1.5万元", 1.5, 46328, "常州市武进区应急管理局", "常州市武进区应急管理局", "一般", 46342},
		{"常州市丙物流有限公司", "法人及非法人组织", goodUSCC, "王五", "常武应急罚〔2026〕103号", "无证经营", "未取得许可", "《危险化学品安全管理条例》", "罚款", "罚款5万元", 5, "2026-13-01", "常州市武进区应急管理局", "常州市武进区应急管理局", "一般", ""},
		{"常州市丁科技有限公司", "法人及非法人组织", goodUSCC, "赵六", "常武应急罚〔2026〕104号", "未按规定", "事实", "依据", "罚金", "内容", 1, "2026/11/20", "常州市武进区应急管理局", "常州市武进区应急管理局", "一般", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, 4+i)
		f.SetSheetRow(sh, cell, &r)
	}
	f.SetCellStyle(sh, "L4", "L7", style)
	f.SetCellStyle(sh, "P4", "P7", style)
	// Trailing empty rows: cells touched but empty, as Excel leaves them.
	f.SetCellValue(sh, "A9", "")
	f.SetCellValue(sh, "B12", " ")
	return f.SaveAs(path)
}

// writeLicenceCSV: UTF-8 with BOM, field-code headers in a shuffled order.
func writeLicenceCSV(path string) error {
	s := "\ufeffXK_XKBH,XK_XDR_MC,XK_XDR_LB,XK_XDR_SHXYM,XK_FRDB,XK_WSH,XK_XKLB,XK_XKZS,XK_NR,XK_JDRQ,XK_YXQZ,XK_YXQZI,XK_XKJG,XK_LYDW,DEPT\r\n" +
		"（苏）WH安许证字〔D00123〕,常州市戊化工有限公司,法人及非法人组织," + goodUSCC + ",钱七,苏（常）危化经字〔2026〕5号,普通,危险化学品经营许可证,危险化学品经营,2026-11-03,2026-11-03,2029-11-02,常州市应急管理局,常州市应急管理局,city-whp\r\n" +
		"（苏）WH安许证字〔D00124〕,常州市己化工有限公司,法人及非法人组织," + goodUSCC + ",孙八,苏（常）危化经字〔2026〕6号,普通,危险化学品经营许可证,危险化学品经营,2026-11-04,2026-11-04,长期,常州市应急管理局,常州市应急管理局,city-whp\r\n" +
		",,,,,,,,,,,,,,\r\n"
	return os.WriteFile(path, []byte(s), 0o644)
}

// writeGBKCSV: a penalty csv saved by Chinese Excel (GB18030/GBK), natural
// person row without a code, department by its short name.
func writeGBKCSV(path string) error {
	s := strings.Join([]string{
		"行政相对人名称,行政相对人类别,统一社会信用代码,决定书文号,违法行为类型,违法事实,处罚依据,处罚类别,处罚内容,罚款金额(万元),处罚决定日期,处罚机关,数据来源单位,失信程度,部门",
		"周九,自然人,,常天应急罚〔2026〕7号,违章作业,未持证作业,《安全生产法》,罚款,罚款0.5万元,0.5,2026年11月10日,常州市天宁区应急管理局,常州市天宁区应急管理局,一般,天宁区",
		"常州市庚贸易有限公司,法人及非法人组织," + goodUSCC + ",常天应急罚〔2026〕8号,未按规定,事实,依据,罚款,罚款1万元,1,2026-11-11,常州市天宁区应急管理局,常州市天宁区应急管理局,严重,天宁区",
	}, "\r\n") + "\r\n"
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// writeNumbersXLSX: credit codes typed into a number-formatted column:
// one kept whole as an integer, one that Excel turned into 9.13E+17.
func writeNumbersXLSX(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	sh := "Sheet1"
	hdr := []any{"CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_FRDB", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR", "CF_NR_FK", "CF_JDRQ", "CF_CFJG", "CF_SJLY", "SXCD"}
	f.SetSheetRow(sh, "A1", &hdr)
	r1 := []any{"常州市辛公司", "法人及非法人组织", 913204000000000357, "吴十", "常新应急罚〔2026〕1号", "未按规定", "事实", "依据", "罚款", "罚款1万元", 1, 46335, "常州市新北区应急管理局", "常州市新北区应急管理局", "一般"}
	r2 := []any{"常州市壬公司", "法人及非法人组织", 9.13204123456789e17, "郑十一", "常新应急罚〔2026〕2号", "未按规定", "事实", "依据", "罚款", "罚款1万元", 1, 46336, "常州市新北区应急管理局", "常州市新北区应急管理局", "一般"}
	f.SetSheetRow(sh, "A2", &r1)
	f.SetSheetRow(sh, "A3", &r2)
	return f.SaveAs(path)
}

func osWrite(p, s string) error { return os.WriteFile(p, []byte(s), 0o644) }
