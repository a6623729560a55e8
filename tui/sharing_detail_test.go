package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/czyj/credwatch/credit"
)

// A few rejections are listed whole, record and reason, as before; a long
// list stops near detailRejectBytes with "…", so that a department's
// thousands are not joined at every reload for a line cut at the
// screen's width.
func TestRejectionsText(t *testing.T) {
	few := []credit.Rejection{{RecordID: "P1", Reason: "缺少统一社会信用代码"}, {RecordID: "P2", Reason: "决定日期\x1b[31m无效"}}
	if got, want := rejectionsText(few), "P1 缺少统一社会信用代码; P2 "+cleanText("决定日期\x1b[31m无效"); got != want {
		t.Errorf("few: %q, want %q", got, want)
	}
	var many []credit.Rejection
	for i := range 5000 {
		many = append(many, credit.Rejection{RecordID: fmt.Sprintf("P%05d", i), Reason: "缺少统一社会信用代码"})
	}
	got := rejectionsText(many)
	if !strings.HasPrefix(got, "P00000 缺少统一社会信用代码; P00001 ") || !strings.HasSuffix(got, "; …") {
		t.Errorf("many: %q…%q, want the first ones and a closing …", got[:40], got[len(got)-10:])
	}
	if len(got) < detailRejectBytes || len(got) > detailRejectBytes+100 {
		t.Errorf("many: %d bytes, want about %d", len(got), detailRejectBytes)
	}
	if rejectionsText(nil) != "" {
		t.Error("no rejections: want no text")
	}
}
