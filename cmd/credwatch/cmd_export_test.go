package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

// demoApp is the app of `credwatch --demo --today 2026-11-30`.
func demoApp(t *testing.T) *app {
	t.Helper()
	a, err := newApp(globals{demo: true, today: "2026-11-30"}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustDate(t *testing.T, s string) credit.Date {
	t.Helper()
	d, err := credit.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// exportFixture has a penalty overdue for disclosure in 武进区 (which has no
// sharing-list row for penalties), one in the queue (approved, awaiting
// cancellation for months), and a licence row of the sharing list.
func exportFixture(t *testing.T) *credit.Snapshot {
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	return &credit.Snapshot{
		Sharing: []credit.SharingEntry{
			{Dept: "320412", Kind: credit.Licence, Received: 10, Disclosed: 7, Rejected: 1, LastPush: at},
		},
		Endpoints: []credit.EndpointStatus{
			{Name: "一网通办", Feeds: []string{"licence", "reward"}, LastSuccess: at, LastAttempt: at, Items: 10},
		},
		Depts: []credit.DeptStats{{Dept: "320412", Records: map[credit.Kind]int{credit.Penalty: 2, credit.Licence: 10}, LastReceived: at}},
		Penalties: []credit.Record{
			{Kind: credit.Penalty, ID: "p1", Dept: "320412", SubjectName: "常州市武进区宏达机械制造有限公司", DocNo: "常武应急罚〔2026〕1号",
				Decided: mustDate(t, "2026-10-09"), Severity: credit.General},
			{Kind: credit.Penalty, ID: "p2", Dept: "320412", SubjectName: "江苏友联石油化工股份有限公司, \"总厂\"", DocNo: "常武应急罚〔2025〕45号",
				Decided: mustDate(t, "2025-03-03"), Severity: credit.General, Disclosed: mustDate(t, "2025-03-05")},
		},
		Repairs: map[string]credit.Repair{
			"penalty/p2": {RecordKey: "penalty/p2", Applied: mustDate(t, "2026-06-01"), Reviewed: mustDate(t, "2026-06-10"), Outcome: credit.OutcomeApproved},
		},
		Counts: map[credit.Kind]int{credit.Penalty: 2, credit.Licence: 10},
	}
}

func TestExportTables(t *testing.T) {
	a := demoApp(t)
	snap := exportFixture(t)
	for _, tc := range []struct {
		view  string
		rows  int
		first []string // leading CSV cells of the first data row
	}{
		{"sharing", 2, []string{"武进区", "行政许可", "10", "7", "2", "1"}},
		{"sync", 3, []string{"江苏省安全生产行政执法系统（常州）"}}, // configured demo endpoints, in order
		{"depts", len(a.depts.All()), []string{"政策法规处", "0"}},
		{"repair", 2, []string{"江苏友联石油化工股份有限公司, \"总厂\""}},
		{"queue", 1, []string{"江苏友联石油化工股份有限公司, \"总厂\"", "常武应急罚〔2025〕45号", "待注销"}},
	} {
		t.Run(tc.view, func(t *testing.T) {
			tbl := a.exportTable(tc.view, snap)
			if len(tbl.rows) != tc.rows {
				t.Fatalf("%d rows, want %d", len(tbl.rows), tc.rows)
			}
			var buf bytes.Buffer
			if err := writeCSVTable(&buf, tbl, "zh"); err != nil {
				t.Fatal(err)
			}
			raw := buf.Bytes()
			if !bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) {
				t.Errorf("CSV has no UTF-8 byte-order mark: %q", raw[:min(10, len(raw))])
			}
			if n, crlf := bytes.Count(raw, []byte("\n")), bytes.Count(raw, []byte("\r\n")); n != crlf {
				t.Errorf("%d line ends, %d of them CRLF", n, crlf)
			}
			recs, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
			if err != nil {
				t.Fatalf("CSV does not parse back: %v\n%s", err, raw)
			}
			if len(recs) != tc.rows+1 {
				t.Fatalf("CSV has %d records, want header + %d", len(recs), tc.rows)
			}
			for i, want := range tc.first {
				if recs[1][i] != want {
					t.Errorf("row 1 cell %d = %q, want %q", i, recs[1][i], want)
				}
			}
			buf.Reset()
			if err := writeJSONTable(&buf, tbl); err != nil {
				t.Fatal(err)
			}
			var objs []map[string]any
			if err := json.Unmarshal(buf.Bytes(), &objs); err != nil {
				t.Fatalf("JSON does not parse: %v\n%s", err, buf.Bytes())
			}
			if len(objs) != tc.rows {
				t.Fatalf("JSON has %d objects, want %d", len(objs), tc.rows)
			}
			for k := range objs[0] {
				if k != strings.ToLower(k) || strings.ContainsAny(k, " -") {
					t.Errorf("JSON key %q is not snake_case", k)
				}
			}
			if got := objs[0][tbl.cols[0].key]; got != tc.first[0] {
				t.Errorf("JSON %s = %q, want %q", tbl.cols[0].key, got, tc.first[0])
			}
		})
	}
}

// The overdue penalty of a department without a penalty row in the sharing
// list still gets a row there, as in the TUI.
func TestExportSharingKeepsOverdue(t *testing.T) {
	a := demoApp(t)
	tbl := a.exportTable("sharing", exportFixture(t))
	last := tbl.rows[len(tbl.rows)-1]
	if last[1] != "行政处罚" || last[2] != nil || last[7] != 1 || last[9] != true {
		t.Errorf("penalty row = %v, want 行政处罚 with no counts, 1 overdue, alert", last)
	}
}

func TestExportCommand(t *testing.T) {
	a := demoApp(t)
	var out, errb bytes.Buffer
	a.stdout, a.stderr = &out, &errb
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no view", nil, "--view must be one of"},
		{"bad view", []string{"--view", "nope"}, "--view must be one of"},
		{"bad format", []string{"--view", "sync", "--format", "xlsx"}, "--format must be csv or json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errb.Reset()
			if code := a.runExport(tc.args); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Errorf("stderr %q lacks %q", errb.String(), tc.want)
			}
		})
	}
}

func TestWriteFileAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := writeFileAtomic(path, func(w io.Writer) error {
		io.WriteString(w, "half")
		return io.ErrShortWrite
	})
	if err == nil {
		t.Fatal("no error from a failing write")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("failed export replaced the file: %q", b)
	}
	if err := writeFileAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("file = %q", b)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}
