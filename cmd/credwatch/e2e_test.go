package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// tmuxSession drives the built binary in a real terminal.
type tmuxSession struct {
	t    *testing.T
	name string
}

func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CREDWATCH_REQUIRE_TMUX") != "" {
			t.Fatal("tmux is required (CREDWATCH_REQUIRE_TMUX is set) but not installed")
		}
		t.Skip("tmux not installed")
	}
}

// buildBinary builds cmd/credwatch into a temporary directory.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "credwatch")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func startTmux(t *testing.T, width, height string, env []string, command string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, name: tmuxSessionName(t)}
	args := []string{"new-session", "-d", "-s", s.name, "-x", width, "-y", height}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	args = append(args, command)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", s.name).Run() })
	return s
}

// tmuxSessions counts the sessions this test process started.
var tmuxSessions atomic.Int64

// tmuxSessionName is unique to the session: tests that run at the same
// time, one after another, or start several sessions never share one.
func tmuxSessionName(t *testing.T) string {
	return fmt.Sprintf("credwatch-e2e-%d-%d-%s", os.Getpid(), tmuxSessions.Add(1), filepath.Base(filepath.Dir(t.TempDir())))
}

func (s *tmuxSession) screen() string {
	out, _ := exec.Command("tmux", "capture-pane", "-p", "-t", s.name).Output()
	return string(out)
}

func (s *tmuxSession) keys(keys ...string) {
	args := append([]string{"send-keys", "-t", s.name}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		s.t.Fatalf("send-keys %v: %v\n%s", keys, err, out)
	}
}

// waitFor polls the screen until every want appears, or fails showing it.
func (s *tmuxSession) waitFor(timeout time.Duration, want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		scr := s.screen()
		missing := ""
		for _, w := range want {
			if !strings.Contains(scr, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q; last screen:\n%s", missing, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestDemoInRealTerminal runs `credwatch` with no configuration in tmux under
// a Chinese locale: the demo must fill all four tabs from the simulator, and
// q must quit.
func TestDemoInRealTerminal(t *testing.T) {
	needTmux(t)
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	bin := buildBinary(t)
	home := t.TempDir()
	env := []string{"LANG=zh_CN.UTF-8", "HOME=" + home, "XDG_CONFIG_HOME=" + home + "/config", "XDG_CACHE_HOME=" + home + "/cache", "XDG_STATE_HOME=" + home + "/state", "CREDWATCH_CONFIG="}
	s := startTmux(t, "100", "30", env, bin+" --today 2026-11-30; echo EXITED:$?; sleep 30")

	scr := s.waitFor(15*time.Second, "每日核查", "演示数据", "2026-11-30 周一", "今日尚未签核", "自上一工作日起收到")
	if strings.Contains(scr, "\x1b") {
		t.Errorf("raw escape on screen:\n%s", scr)
	}
	s.keys("2")
	s.waitFor(5*time.Second, "数据共享清单", "武进区", "行政处罚")
	s.keys("3")
	s.waitFor(5*time.Second, "江苏省安全生产行政执法系统（常州）", "一网通办", "数据治理与信用修复")
	s.keys("4")
	s.waitFor(5*time.Second, "可申请修复日", "企业名称", "已可申请")
	s.keys("5")
	s.waitFor(5*time.Second, "阶段", "待国家企业信用信息公示系统修复")
	s.keys("j", "j", "k")
	s.keys("q")
	s.waitFor(5*time.Second, "EXITED:0")
	if _, err := os.Stat(filepath.Join(home, "cache", "credwatch", "demo.db")); err != nil {
		t.Errorf("demo cache not where the README says: %v", err)
	}
}
