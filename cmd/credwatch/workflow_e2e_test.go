package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
)

// TestOfficerWorkflowOfflineThenSent drives the built binary in tmux as an
// officer would, with the agencies unreachable: signs off the daily check,
// marks a reminder sent and records a national-system repair; quits;
// restarts (still offline) and finds all three kept, pending; then, with
// the simulator back on the same address, `credwatch sync --once` sends
// them and the simulator's repair feed reflects them.
func TestOfficerWorkflowOfflineThenSent(t *testing.T) {
	needTmux(t)
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	bin := buildBinary(t)
	url, stopSim := startSimAt(t, bin, "127.0.0.1:0", 1500)
	addr := strings.TrimPrefix(url, "http://")
	dir := t.TempDir()
	cfg := writeConfig(t, dir, url)
	body, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append([]byte("officer = \"张三\"\n"), body...), 0o600)
	env := append(os.Environ(), "CREDWATCH_TODAY=2026-11-30")
	run := func(args ...string) string {
		cmd := exec.Command(bin, append([]string{"--config", cfg}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("credwatch %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("sync", "--once")
	stopSim() // the agencies go away

	home := t.TempDir()
	tmuxEnv := []string{"LANG=zh_CN.UTF-8", "HOME=" + home, "XDG_STATE_HOME=" + home + "/state", "CREDWATCH_TODAY=2026-11-30"}
	s := startTmux(t, "100", "30", tmuxEnv, bin+" --config "+cfg+"; echo EXITED:$?; sleep 60")
	pause := func() { time.Sleep(250 * time.Millisecond) }

	// 1. Sign off the daily check with a note.
	s.waitFor(10*time.Second, "每日核查", "今日尚未签核")
	s.keys("s")
	s.waitFor(5*time.Second, "备注")
	s.keys("已核查，推送延迟已催办")
	pause()
	s.keys("Enter")
	s.waitFor(5*time.Second, "已签核", "张三", "已核查，推送延迟已催办")

	// 2. Mark 到期提醒 sent on the first penalty that needs it.
	s.keys("4")
	s.waitFor(5*time.Second, "可申请修复日")
	s.keys("/")
	pause()
	s.keys("待跟进到期提醒")
	pause()
	s.keys("Enter")
	pause()
	s.keys("g")
	pause()
	s.keys("m")
	s.waitFor(5*time.Second, "记录到期提醒已由信用常州推送")
	s.keys("Enter")
	scr := s.waitFor(5*time.Second, "已保存：到期提醒已推送")
	remindName := regexp.MustCompile(`已保存：到期提醒已推送 ([^，\s]+)`).FindStringSubmatch(scr)[1]

	// 3. Record the bureau's repair in the national system with a receipt.
	s.keys("5")
	s.waitFor(5*time.Second, "阶段")
	s.keys("/")
	pause()
	s.keys("待国家企业信用信息公示系统修复")
	pause()
	s.keys("Enter")
	pause()
	s.keys("g")
	pause()
	s.keys("n")
	s.waitFor(5*time.Second, "回执编号")
	s.keys("GS2026-0001")
	pause()
	s.keys("Enter")
	s.waitFor(5*time.Second, "已保存：国家企业信用信息公示系统修复完成")
	s.keys("q")
	s.waitFor(5*time.Second, "EXITED:0")

	// Restart, still offline: the view comes back as it was left (the tab
	// and its filter, issue 21 item 4); all three are there, pending.
	s2 := startTmux(t, "100", "30", tmuxEnv, bin+" --config "+cfg+"; echo EXITED:$?; sleep 60")
	s2.waitFor(10*time.Second, "[5 修复后续]", "筛选：待国家企业信用信息公示系统修复")
	s2.keys("1")
	s2.waitFor(10*time.Second, "已签核", "张三")
	s2.keys("o")
	// The outbox's column names each action in a few words (the detail line
	// under it in full).
	scr = s2.waitFor(5*time.Second, "待发送操作", "到期提醒", "国家系统修复", "签核")
	if n := strings.Count(scr, "* 待发送"); n != 3 {
		t.Errorf("outbox shows %d pending actions, want 3:\n%s", n, scr)
	}
	s2.keys("q")
	s2.waitFor(5*time.Second, "EXITED:0")
	pending := outboxStates(t, filepath.Join(dir, "cache.db"))
	if pending[credit.OutboxPending] != 3 {
		t.Fatalf("outbox after restart: %v, want 3 pending", pending)
	}

	// The agencies are back on the same address: one sync sends them.
	startSimAt(t, bin, addr, 1500)
	run("sync", "--once")
	if got := outboxStates(t, filepath.Join(dir, "cache.db")); got[credit.OutboxSent] != 3 {
		t.Fatalf("outbox after the agencies returned: %v, want 3 sent", got)
	}
	statusOut := run("status")
	tail := run("tail", "-n", "200")
	for _, w := range []string{"action-sent", "signoff", "reminder_sent", "national_repair_done"} {
		if !strings.Contains(tail, w) {
			t.Errorf("event log lacks %q:\n%s", w, tail)
		}
	}
	t.Logf("reminder sent for %s; status: %s", remindName, firstLine(statusOut))
}

// outboxStates counts the cache's outbox items by state.
func outboxStates(t *testing.T, path string) map[credit.OutboxState]int {
	t.Helper()
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	items, err := db.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	out := map[credit.OutboxState]int{}
	for _, it := range items {
		out[it.State]++
	}
	return out
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return fmt.Sprint(s)
}
