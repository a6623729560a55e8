package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestOfflineStartShowsCacheAndMarksEndpoints syncs a cache from a
// simulator, stops the simulator, and starts the TUI with every endpoint
// down: the cached data must be on screen at once, with the failing
// endpoint marked and no modal error hiding anything.
func TestOfflineStartShowsCacheAndMarksEndpoints(t *testing.T) {
	needTmux(t)
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	bin := buildBinary(t)
	url := startSimProcess(t, bin, 2000)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, url)
	env := append(os.Environ(), "CREDWATCH_TODAY=2026-11-30")
	cmd := exec.Command(bin, "--config", cfg, "sync", "--once")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sync --once: %v\n%s", err, out)
	}
	// Point the configuration at a port nobody listens on.
	body, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(body), url, "http://127.0.0.1:9", 1)), 0o600)

	home := t.TempDir()
	s := startTmux(t, "100", "30", []string{"LANG=zh_CN.UTF-8", "HOME=" + home, "CREDWATCH_TODAY=2026-11-30"},
		bin+" --config "+cfg+"; echo EXITED:$?; sleep 30")
	start := time.Now()
	s.waitFor(5*time.Second, "每日核查", "自上一工作日起收到 许可")
	t.Logf("cached data on screen %v after start", time.Since(start).Round(time.Millisecond))
	s.waitFor(10*time.Second, "1个接口同步异常")
	s.keys("2")
	s.waitFor(5*time.Second, "武进区", "行政处罚")
	s.keys("3")
	// The sync tab names the failing endpoint and its error.
	s.waitFor(10*time.Second, "hub", "! 异常", "127.0.0.1:9")
	s.keys("q")
	s.waitFor(5*time.Second, "EXITED:0")
}
