package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/czyj/credwatch/tui/serve"
)

// TestServeWithOpenSSHInTmux runs the real binary's `serve` and the
// system's OpenSSH client in tmux, as an officer would: an idle view is
// told so and ends, a removed key's view ends with a message, and SIGTERM
// with a view open says goodbye and exits 0 within the grace.
func TestServeWithOpenSSHInTmux(t *testing.T) {
	needTmux(t)
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	for _, tool := range []string{"ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	bin := buildBinary(t)
	url := startSimProcess(t, bin, 1500)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, url)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	keys := filepath.Join(dir, "authorized_keys")
	body, _ := os.ReadFile(cfg)
	body = append(body, fmt.Sprintf("[serve]\nlisten = %q\nhost_key = %q\nauthorized_keys = %q\nidle_timeout = \"3s\"\n",
		addr, filepath.Join(dir, "state", "host_key"), keys)...)
	if err := os.WriteFile(cfg, body, 0o600); err != nil {
		t.Fatal(err)
	}
	line := map[string]string{}
	for who, opts := range map[string]string{
		"officer": `credwatch-name="张三",credwatch-role="officer",credwatch-depts="320412"`,
		"admin":   `credwatch-name="王五",credwatch-role="admin"`,
	} {
		key := filepath.Join(dir, who)
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key, "-C", who).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
		pub, _ := os.ReadFile(key + ".pub")
		line[who] = opts + " " + strings.TrimSpace(string(pub))
	}
	writeKeys := func(who ...string) {
		var b strings.Builder
		for _, w := range who {
			b.WriteString(line[w] + "\n")
		}
		if err := os.WriteFile(keys, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeKeys("officer", "admin")

	var stderr lockedBuffer
	srv := exec.Command(bin, "--config", cfg, "serve")
	srv.Env = append(os.Environ(), "CREDWATCH_TODAY=2026-11-30", "HOME="+dir)
	srv.Stderr = &stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	t.Cleanup(func() { srv.Process.Kill() })
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not listen on %s", addr)
		}
	}
	ssh := func(who string) string {
		return fmt.Sprintf("ssh -F /dev/null -i %s -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -p %s -t duty@127.0.0.1; echo EXITED:$?; sleep 60",
			filepath.Join(dir, who), port)
	}
	env := []string{"LANG=zh_CN.UTF-8", "HOME=" + dir}

	idle := startTmux(t, "100", "30", env, ssh("officer"))
	idle.waitFor(20*time.Second, "每日核查")
	scr := idle.waitFor(10*time.Second, "无操作", "EXITED:1")
	if strings.Contains(scr, "每日核查") {
		t.Errorf("the idle view did not leave the alternate screen:\n%s", scr)
	}

	revoked := startTmux(t, "100", "30", env, ssh("officer"))
	revoked.waitFor(20*time.Second, "每日核查")
	writeKeys("admin")
	revoked.waitFor(3*serve.KeysCheckEvery, "此密钥已被撤销", "EXITED:1")

	open := startTmux(t, "100", "30", env, ssh("admin"))
	open.waitFor(20*time.Second, "每日核查")
	began := time.Now()
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if took := time.Since(began); err != nil || took > serve.ShutdownGrace {
			t.Errorf("after SIGTERM: %v in %s; want exit 0 within %s", err, took, serve.ShutdownGrace)
		}
		t.Logf("SIGTERM with an OpenSSH view open: exited in %s", time.Since(began).Round(time.Millisecond))
	case <-time.After(2 * serve.ShutdownGrace):
		t.Fatalf("serve still running %s after SIGTERM\n%s", 2*serve.ShutdownGrace, stderr.String())
	}
	open.waitFor(5*time.Second, "服务器正在关闭", "EXITED:1")
}
