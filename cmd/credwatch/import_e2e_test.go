package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFolderSourcePickedUpByRunningSync drives the real binary: a running
// `credwatch sync` with a [[source]] kind = "folder" imports a template
// dropped into the folder once, shows it in status and the event log,
// does not import a copy of the same content under another name, and
// leaves an unreadable file in place, named in the source's status.
func TestFolderSourcePickedUpByRunningSync(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.Mkdir(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte("cache = \""+filepath.Join(dir, "cache.db")+"\"\n\n[[source]]\nname = \"u盘\"\nkind = \"folder\"\npath = \""+inbox+"\"\ninterval = \"1s\"\n"), 0o600)
	env := append(os.Environ(), "CREDWATCH_TODAY=2026-11-30")
	sync := exec.Command(bin, "--config", cfg, "sync")
	sync.Env = env
	var logs strings.Builder
	sync.Stderr = &logs
	if err := sync.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		sync.Process.Signal(os.Interrupt)
		sync.Wait()
	}()
	type status struct {
		Records   map[string]int `json:"records"`
		Endpoints []struct {
			Name      string `json:"name"`
			State     string `json:"state"`
			LastError string `json:"last_error"`
		} `json:"endpoints"`
	}
	read := func() status {
		cmd := exec.Command(bin, "--config", cfg, "status", "--json")
		cmd.Env = env
		out, _ := cmd.Output()
		var st status
		json.Unmarshal(out, &st)
		return st
	}
	waitFor := func(what string, ok func(status) bool) status {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			st := read()
			if ok(st) {
				return st
			}
			if time.Now().After(deadline) {
				t.Fatalf("waited 30 s for %s; status %+v\nsync's log:\n%s", what, st, logs.String())
			}
			time.Sleep(300 * time.Millisecond)
		}
	}
	src, err := os.ReadFile(filepath.Join("..", "..", "sync", "sheet", "testdata", "penalty_gbk.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(inbox, "天宁区11月处罚.csv"), src, 0o644)
	st := waitFor("the dropped file's 2 penalties", func(s status) bool { return s.Records["penalty"] == 2 })
	for _, e := range st.Endpoints {
		if e.Name == "u盘" && e.State != "ok" && e.State != "incomplete" {
			t.Errorf("folder source state %q", e.State)
		}
	}
	// credwatch import beside the running sync: no sync role needed, its
	// records visible to the next read.
	imp := exec.Command(bin, "--config", cfg, "import", filepath.Join("..", "..", "sync", "sheet", "testdata", "licence_codes.csv"))
	imp.Env = env
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("import beside a running sync: %v\n%s", err, out)
	}
	if st := read(); st.Records["licence"] != 2 {
		t.Errorf("after the import, status counts %d licences, want 2", st.Records["licence"])
	}
	// The same content under another name is not imported again.
	os.WriteFile(filepath.Join(inbox, "copy.csv"), src, 0o644)
	// A file that is not a spreadsheet stays and is named.
	os.WriteFile(filepath.Join(inbox, "bad.xlsx"), []byte("not a zip"), 0o644)
	waitFor("the bad file named in the source's status", func(s status) bool {
		for _, e := range s.Endpoints {
			if e.Name == "u盘" && strings.Contains(e.LastError, "bad.xlsx") && e.State == "failing" {
				return true
			}
		}
		return false
	})
	if _, err := os.Stat(filepath.Join(inbox, "bad.xlsx")); err != nil {
		t.Errorf("the bad file was moved or removed: %v", err)
	}
	tail := exec.Command(bin, "--config", cfg, "tail", "-n", "100")
	tail.Env = env
	out, _ := tail.CombinedOutput()
	if n := strings.Count(string(out), "imported 天宁区11月处罚.csv"); n != 1 {
		t.Errorf("event log names the import %d times, want 1:\n%s", n, out)
	}
	if strings.Contains(string(out), "imported copy.csv") {
		t.Errorf("the copy was imported again:\n%s", out)
	}
	if !strings.Contains(string(out), "bad.xlsx") {
		t.Errorf("event log does not name the bad file:\n%s", out)
	}
}

// TestImportCommand runs credwatch import as an officer would: a dry run
// writes nothing, an import and its repeat, then a shorter file declared
// complete, refused at the prompt and accepted with --yes; the report
// then counts what is left.
func TestImportCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte("cache = \""+filepath.Join(dir, "cache.db")+"\"\n"), 0o600)
	run := func(stdin string, args ...string) (string, int) {
		cmd := exec.Command(bin, append([]string{"--config", cfg, "--today", "2026-11-30"}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	write := func(name string, nos ...string) string {
		s := "CF_WSH,CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_JDRQ,CF_CFJG,CF_SJLY,CF_CFLB,CF_WFXW,CF_SY,CF_YJ,CF_NR,CF_NR_FK,SXCD,GSRQ\n"
		for _, no := range nos {
			s += no + ",常州市某公司,法人及非法人组织," + "91350100M000100Y43,张三,2026-11-02,常州市钟楼区应急管理局,常州市钟楼区应急管理局,罚款,未按规定,事实,依据,罚款1万元,1,一般,2026-11-05\n"
		}
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	full := write("钟楼区处罚.csv", "Z1", "Z2", "Z3")
	out, code := run("", "import", "--dry-run", full)
	if code != 0 || !strings.Contains(out, "dry run") || !strings.Contains(out, "钟楼区") {
		t.Fatalf("dry run: %d\n%s", code, out)
	}
	if out, _ := run("", "report", "--month", "2026-11", "--format", "json"); strings.Contains(out, "\"received\": 3") {
		t.Fatalf("the dry run wrote:\n%s", out)
	}
	if out, code = run("", "import", full); code != 0 {
		t.Fatalf("import: %d\n%s", code, out)
	}
	if out, code = run("", "import", full); code != 0 || !strings.Contains(out, "合计         0         0           3") {
		t.Errorf("second import not all unchanged: %d\n%s", code, out)
	}
	short := write("钟楼区处罚-全量.csv", "Z1", "Z3")
	out, code = run("n\n", "import", "--complete", short)
	if code != 1 || !strings.Contains(out, "Withdraw 1 imported records") {
		t.Errorf("--complete answered n: %d\n%s", code, out)
	}
	rep, _ := run("", "report", "--month", "2026-11", "--format", "json")
	if !strings.Contains(rep, "\"received\": 3") {
		t.Errorf("answering n withdrew something:\n%s", rep)
	}
	if out, code = run("", "import", "--complete", "--yes", short); code != 0 {
		t.Errorf("--complete --yes: %d\n%s", code, out)
	}
	rep, _ = run("", "report", "--month", "2026-11", "--format", "json")
	if !strings.Contains(rep, "\"received\": 2") || !strings.Contains(rep, "\"on_time\": 2") {
		t.Errorf("after --complete --yes the report is\n%s", rep)
	}
}
