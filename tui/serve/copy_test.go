package serve

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeCopyGoesToItsSession: y in a session writes an OSC 52
// sequence to that session's terminal, carrying the cell shown there;
// another session open at the same time receives none.
func TestServeCopyGoesToItsSession(t *testing.T) {
	f := startServe(t)
	a := f.terminal(t, "officer", nil)
	b := f.terminal(t, "readonly", nil)
	a.waitFor(t, 10*time.Second, "每日核查", "今日尚未签核")
	b.waitFor(t, 10*time.Second, "每日核查", "今日尚未签核")
	a.send(t, "2", "y") // 数据共享清单: its first row's department
	seq := regexp.MustCompile("\x1b\\]52;c;([A-Za-z0-9+/=]+)\x07")
	deadline := time.Now().Add(10 * time.Second)
	var m []string
	for m == nil {
		if m = seq.FindStringSubmatch(a.out.String()); m == nil && time.Now().After(deadline) {
			t.Fatalf("no OSC 52 in the session's output:\n%q", tail(a.out.String(), 2000))
		}
		time.Sleep(50 * time.Millisecond)
	}
	text, err := base64.StdEncoding.DecodeString(m[1])
	if err != nil || len(text) == 0 {
		t.Fatalf("OSC 52 payload %q: %v", m[1], err)
	}
	a.waitFor(t, 5*time.Second, "已复制："+string(text))
	if strings.Contains(b.out.String(), "\x1b]52;") {
		t.Error("the other session received the OSC 52 sequence")
	}
	a.quit(t)
	b.quit(t)
}
