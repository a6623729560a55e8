package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/credit/credittest"
	"github.com/czyj/credwatch/sync/sheet"
	"github.com/czyj/credwatch/tui"
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
// sharing-list row for penalties), one approved and awaiting cancellation
// for months (in the queue), and a licence row of the sharing list.
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
		Penalties: credittest.Penalties(
			credit.PenaltySummary{ID: "p1", Dept: "320412", SubjectName: "常州市武进区宏达机械制造有限公司", DocNo: "常武应急罚〔2026〕1号",
				Decided: mustDate(t, "2026-10-09"), Severity: credit.General},
			credit.PenaltySummary{ID: "p2", Dept: "320412", SubjectName: "江苏友联石油化工股份有限公司, \"总厂\"", DocNo: "常武应急罚〔2025〕45号",
				Decided: mustDate(t, "2025-03-03"), Severity: credit.General, Disclosed: mustDate(t, "2025-03-05")},
		),
		Repairs: credittest.Repairs(
			credit.Repair{RecordKey: "penalty/p2", Applied: mustDate(t, "2026-06-01"), Reviewed: mustDate(t, "2026-06-10"), Outcome: credit.OutcomeApproved},
		),
		Counts: map[credit.Kind]int{credit.Penalty: 2, credit.Licence: 10},
	}
}

// exportView is what `credwatch export` writes for view from data already
// read (exportOf without the store): tui.ExportFor's one table, its titles,
// its JSON keys and its rows.
func exportView(t *testing.T, a *app, view string, snap *credit.Snapshot, opt tui.TableOptions) (credit.Export, []string, []string, [][]string, error) {
	t.Helper()
	e, err := tui.ExportFor(view, a.tuiDeps("/cache.db"), snap, nil, opt)
	if err != nil {
		return e, nil, nil, nil, err
	}
	if len(e.Tables) != 1 {
		t.Fatalf("export of %s has %d tables, want 1", view, len(e.Tables))
	}
	var titles, keys []string
	for _, c := range e.Tables[0].Columns {
		titles, keys = append(titles, c.Title), append(keys, c.Key)
	}
	return e, titles, keys, e.Tables[0].Rows, nil
}

// TestExportFormats checks what Excel and scripts rely on, for every view
// but the daily check (which needs the store's check data): CSV with a BOM,
// CRLF, the Chinese intact and no ages; JSON objects with the pinned
// snake_case keys and counts as numbers; both with the TUI's rows.
func TestExportFormats(t *testing.T) {
	a := demoApp(t)
	snap := exportFixture(t)
	for _, tc := range []struct {
		view string
		keys []string
		want string // a cell the view must hold
	}{
		{"sharing", []string{"dept", "dept_code", "kind", "received", "disclosed", "pending", "rejected", "last_push", "push_state", "overdue", "late"}, "武进区"},
		{"sync", []string{"endpoint", "feeds", "state", "last_success", "last_attempt", "failures", "last_error"}, "江苏省安全生产行政执法系统（常州）"},
		{"repair", []string{"section", "subject_name", "dept", "dept_code", "uscc", "doc_no", "severity", "decided", "eligible_from", "eligibility", "rule_set", "status", "three_in_step"}, "常武应急罚〔2025〕45号"},
		{"queue", []string{"subject_name", "doc_no", "dept", "dept_code", "stage", "rule_set", "since", "working_days", "due", "status"}, "江苏友联石油化工股份有限公司, \"总厂\""},
	} {
		t.Run(tc.view, func(t *testing.T) {
			e, cols, keys, rows, err := exportView(t, a, tc.view, snap, tui.TableOptions{})
			if err != nil {
				t.Fatal(err)
			}
			_, tuiRows, _ := tui.TableFor(tc.view, a.tuiDeps("/cache.db"), snap, nil)
			if len(rows) != len(tuiRows) || len(rows) == 0 {
				t.Fatalf("%d rows %v, the TUI has %d rows", len(rows), cols, len(tuiRows))
			}
			var buf bytes.Buffer
			if err := sheet.WriteExportLang(&buf, "csv", a.lang, e); err != nil {
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
			if len(recs) != len(rows)+1 || !slices.Equal(recs[0], cols) {
				t.Fatalf("CSV has %d records (header %v), want header + %d", len(recs), recs[0], len(rows))
			}
			if !slices.ContainsFunc(recs[1:], func(r []string) bool { return slices.Contains(r, tc.want) }) {
				t.Errorf("CSV lost %q:\n%s", tc.want, raw)
			}
			for _, r := range recs[1:] {
				for _, c := range r {
					if strings.Contains(c, "前") || strings.HasPrefix(c, "剩余") {
						t.Errorf("CSV cell %q is an age, not a date", c)
					}
				}
			}

			if tc.keys != nil && !slices.Equal(keys, tc.keys) {
				t.Errorf("JSON keys %q, want %q (scripts depend on them)", keys, tc.keys)
			}
			buf.Reset()
			if err := sheet.WriteExportLang(&buf, "json", a.lang, e); err != nil {
				t.Fatal(err)
			}
			var objs []map[string]any
			if err := json.Unmarshal(buf.Bytes(), &objs); err != nil {
				t.Fatalf("JSON does not parse: %v\n%s", err, buf.Bytes())
			}
			if len(objs) != len(rows) {
				t.Fatalf("JSON has %d objects, want %d", len(objs), len(rows))
			}
			found := false
			for _, o := range objs {
				for k, v := range o {
					if k != strings.ToLower(k) || strings.ContainsAny(k, " -.") {
						t.Errorf("JSON key %q is not snake_case", k)
					}
					found = found || v == tc.want
				}
			}
			for i, c := range e.Tables[0].Columns {
				if c.Type != credit.CellNumber {
					continue
				}
				for _, o := range objs {
					if _, isNum := o[keys[i]].(float64); !isNum && o[keys[i]] != nil {
						t.Errorf("JSON %s = %#v: a count must be a number", keys[i], o[keys[i]])
					}
				}
			}
			if !found {
				t.Errorf("JSON lost %q:\n%s", tc.want, buf.Bytes())
			}
		})
	}
}

func TestExportCommandUsage(t *testing.T) {
	a := demoApp(t)
	var errb bytes.Buffer
	a.stdout, a.stderr = io.Discard, &errb
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no view", nil, "--view must be one of"},
		{"bad view", []string{"--view", "nope"}, "--view must be one of"},
		{"bad format", []string{"--view", "sync", "--format", "ods"}, "--format must be csv, json or xlsx"},
		{"argument", []string{"--view", "sync", "extra"}, "unexpected argument"},
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

// TestExportFilterSort: --filter, --dept and --sort narrow and order the
// rows as the TUI's /, :ID and sort keys do, by column title in either
// language or JSON key; an unknown column is an error naming the columns.
func TestExportFilterSort(t *testing.T) {
	a := demoApp(t)
	snap := exportFixture(t)
	docs := func(opt tui.TableOptions) []string {
		t.Helper()
		_, cols, _, rows, err := exportView(t, a, "repair", snap, opt)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.Index(cols, "文号")
		if i < 0 {
			t.Fatalf("no 文号 column in %q", cols)
		}
		var out []string
		for _, r := range rows {
			out = append(out, r[i])
		}
		return out
	}
	// The Chinese title of the decision-date column, whatever its wording.
	_, zh, keys, _, _ := exportView(t, a, "repair", snap, tui.TableOptions{})
	decidedTitle := zh[slices.Index(keys, "decided")]
	for _, tc := range []struct {
		name string
		opt  tui.TableOptions
		want string
	}{
		{"filter", tui.TableOptions{Filter: "宏达"}, "常武应急罚〔2026〕1号"},
		{"filter ignores case", tui.TableOptions{Filter: "常武应急罚〔2025〕45号"}, "常武应急罚〔2025〕45号"},
		{"dept", tui.TableOptions{Dept: "320411"}, ""},
		{"sort by JSON key", tui.TableOptions{Sort: "decided"}, "常武应急罚〔2025〕45号,常武应急罚〔2026〕1号"},
		{"sort by English title, descending", tui.TableOptions{Sort: "Decided", Desc: true}, "常武应急罚〔2026〕1号,常武应急罚〔2025〕45号"},
		{"sort by Chinese title", tui.TableOptions{Sort: decidedTitle}, "常武应急罚〔2025〕45号,常武应急罚〔2026〕1号"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(docs(tc.opt), ","); got != tc.want {
				t.Errorf("rows %q, want %q", got, tc.want)
			}
		})
	}
	if _, _, _, _, err := exportView(t, a, "repair", snap, tui.TableOptions{Sort: "no-such"}); err == nil || !strings.Contains(err.Error(), "文号") {
		t.Errorf("unknown sort column: %v; want an error naming the columns", err)
	}
	var out, errb bytes.Buffer
	a.stdout, a.stderr = &out, &errb
	if code := a.runExport([]string{"--view", "repair", "--desc"}); code != 2 || !strings.Contains(errb.String(), "--desc needs --sort") {
		t.Errorf("--desc alone: exit %d, %q", code, errb.String())
	}
}
