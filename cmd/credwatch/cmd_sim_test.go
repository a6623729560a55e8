package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// lockedBuffer is a bytes.Buffer safe to write from the command's goroutine
// while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestSimCommandServes(t *testing.T) {
	var out, errOut lockedBuffer
	e := &env{today: credit.MustDate("2026-03-18"), stdout: &out, stderr: &errOut}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- serveSim(ctx, e, []string{"--listen", "127.0.0.1:0", "--records", "150", "--seed", "3", "--tick", "0", "--token", "tok"})
	}()

	var base string
	deadline := time.Now().Add(10 * time.Second)
	for base == "" {
		if line, _, ok := strings.Cut(out.String(), "\n"); ok {
			base = line
			break
		}
		select {
		case code := <-done:
			t.Fatalf("sim exited with %d: %s", code, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no URL printed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("printed %q, want the base URL", base)
	}

	req, _ := http.NewRequest(http.MethodGet, base+api.FeedPath("penalty")+"?limit=5", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var p api.Page
	err = json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || len(p.Items) != 5 {
		t.Fatalf("penalty page: status %d, %d items, err %v", resp.StatusCode, len(p.Items), err)
	}
	if !strings.Contains(errOut.String(), "150 records") {
		t.Errorf("summary %q does not mention the 150 records", errOut.String())
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit status %d after stop, want 0", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("sim did not stop")
	}
}

// TestSimCommandFaults starts the simulator with --faults, checks the feeds
// fail as asked and that the start-up line says how to change faults, then
// turns them off at run time.
func TestSimCommandFaults(t *testing.T) {
	var out, errOut lockedBuffer
	e := &env{today: credit.MustDate("2026-03-18"), stdout: &out, stderr: &errOut}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- serveSim(ctx, e, []string{"--listen", "127.0.0.1:0", "--records", "50", "--tick", "0", "--faults", "5xx=1:status=503"})
	}()
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; {
		if line, _, ok := strings.Cut(out.String(), "\n"); ok {
			base = line
			break
		}
		select {
		case code := <-done:
			t.Fatalf("sim exited with %d: %s", code, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no URL printed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	status := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := status(http.MethodGet, api.FeedPath("penalty"), ""); code != 503 || !strings.Contains(body, "unavailable") {
		t.Errorf("with --faults 5xx=1: %d %q", code, body)
	}
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(errOut.String(), "_sim/faults"); {
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	want := "faults: 5xx=1:status=503; change at run time: curl -X PUT --data '5xx=1' " + base + "/_sim/faults"
	if !strings.Contains(errOut.String(), want) {
		t.Errorf("start-up lines %q do not contain %q", errOut.String(), want)
	}
	if code, body := status(http.MethodPut, "/_sim/faults", ""); code != 200 || body != "off\n" {
		t.Errorf("PUT off: %d %q", code, body)
	}
	if code, _ := status(http.MethodGet, api.FeedPath("penalty")+"?limit=5", ""); code != 200 {
		t.Errorf("after turning faults off: status %d", code)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit status %d after stop, want 0", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("sim did not stop")
	}
}

func TestSimCommandFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"bad date", []string{"--today", "2026-02-30"}, 2, "--today"},
		{"no records", []string{"--records", "0"}, 2, "--records"},
		{"negative tick", []string{"--tick", "-1s"}, 2, "--tick"},
		{"stray argument", []string{"now"}, 2, "unexpected argument"},
		{"bad faults", []string{"--faults", "5xx=2"}, 2, `--faults: fault rule "5xx=2"`},
		{"unknown fault", []string{"--faults", "flood=1"}, 2, `unknown mode "flood"`},
		{"unknown flag", []string{"--port", "1"}, 2, "port"},
		{"cannot listen", []string{"--listen", "256.0.0.1:1", "--records", "10"}, 1, "listen"},
		{"help", []string{"--help"}, 0, "Usage: credwatch sim"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut lockedBuffer
			e := &env{today: credit.MustDate("2026-03-18"), stdout: &out, stderr: &errOut}
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // a command that starts must stop at once
			if code := serveSim(ctx, e, tt.args); code != tt.code {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tt.code, errOut.String())
			}
			if got := errOut.String() + out.String(); !strings.Contains(got, tt.msg) { // help goes to stdout
				t.Errorf("output %q does not mention %q", got, tt.msg)
			}
		})
	}
}
