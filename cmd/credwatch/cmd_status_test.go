package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
)

func TestJudge(t *testing.T) {
	ok := endpointState{Name: "a", Configured: true, State: "ok", LastSuccess: new(time.Time)}
	with := func(e endpointState, state string) endpointState { e.State = state; return e }
	never := endpointState{Name: "n", Configured: true, State: "never"}
	for _, tc := range []struct {
		name string
		eps  []endpointState
		want health
	}{
		{"all ok", []endpointState{ok, ok}, healthy},
		{"one stale", []endpointState{ok, with(ok, "stale")}, degraded},
		{"one failing", []endpointState{ok, with(ok, "failing")}, degraded},
		{"one never synced", []endpointState{ok, never}, degraded},
		{"one incomplete", []endpointState{ok, with(never, "incomplete")}, degraded},
		{"a first sync killed half way", []endpointState{with(never, "incomplete")}, degraded},
		{"all failing", []endpointState{with(ok, "failing"), with(ok, "failing")}, failing},
		{"none ever synced", []endpointState{never, with(never, "failing")}, failing},
		{"nothing configured or cached", nil, failing},
		{"unconfigured ones are not judged", []endpointState{ok, {Name: "old", State: "unconfigured"}}, healthy},
		{"only unconfigured ones", []endpointState{{Name: "old", State: "unconfigured", LastSuccess: new(time.Time)}}, degraded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, reason := judge(tc.eps); got != tc.want {
				t.Errorf("judge = %s (%s), want %s", got, reason, tc.want)
			}
		})
	}
}

func TestEndpointStates(t *testing.T) {
	a := demoApp(t)
	now := a.now()
	walked := func(st credit.EndpointStatus, except ...string) credit.EndpointStatus {
		st.FeedsDone = map[string]time.Time{}
		for _, f := range credit.Feeds {
			if !slices.Contains(except, f) {
				st.FeedsDone[f] = st.LastSuccess
			}
		}
		return st
	}
	for _, tc := range []struct {
		name string
		eps  []credit.EndpointStatus
		want map[string]string
	}{
		{"complete", []credit.EndpointStatus{
			walked(credit.EndpointStatus{Name: "一网通办", LastSuccess: now.Add(-2 * time.Second)}),
			walked(credit.EndpointStatus{Name: "数据治理与信用修复", LastSuccess: now.Add(-time.Hour)}), // demo interval is 4s: stale
			walked(credit.EndpointStatus{Name: "江苏省安全生产行政执法系统（常州）", LastSuccess: now.Add(-time.Hour), LastError: "connection refused", Failures: 3}),
			{Name: "旧接口", LastSuccess: now.Add(-time.Hour)},
		}, map[string]string{"一网通办": "ok", "数据治理与信用修复": "stale", "江苏省安全生产行政执法系统（常州）": "failing", "旧接口": "unconfigured"}},
		// A first sync killed half way: pages stored, no walk complete, no
		// pass complete. A feed added to a synced endpoint: never walked.
		{"partial", []credit.EndpointStatus{
			{Name: "一网通办", LastAttempt: now.Add(-time.Second)},
			walked(credit.EndpointStatus{Name: "数据治理与信用修复", LastSuccess: now.Add(-time.Second)}, "repair"),
		}, map[string]string{"一网通办": "incomplete", "数据治理与信用修复": "incomplete", "江苏省安全生产行政执法系统（常州）": "never"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]string{}
			for _, e := range a.endpointStates(&credit.Snapshot{Endpoints: tc.eps}, now) {
				got[e.Name] = e.State
			}
			for k, w := range tc.want {
				if got[k] != w {
					t.Errorf("%s: state %q, want %q", k, got[k], w)
				}
			}
			if h, reason := judge(a.endpointStates(&credit.Snapshot{Endpoints: tc.eps}, now)); h == healthy {
				t.Errorf("judged healthy (%s)", reason)
			}
		})
	}
}

func TestWriteColumnsAlignsChinese(t *testing.T) {
	var b bytes.Buffer
	writeColumns(&b, [][]string{{"ENDPOINT", "STATE"}, {"一网通办", "ok"}, {"hub", "failing"}})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	// "一网通办" is 8 columns wide, like "ENDPOINT": the second column starts
	// at the same screen column on every line.
	want := []string{"ENDPOINT  STATE", "一网通办  ok", "hub       failing"}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, lines[i], want[i])
		}
	}
}

func TestAgeText(t *testing.T) {
	for sec, want := range map[int64]string{0: "0s", 59: "59s", 60: "1m", 3600: "1h", 47 * 3600: "47h", 3 * 86400: "3d", -5: "0s"} {
		if got := ageText(&sec); got != want {
			t.Errorf("ageText(%d) = %q, want %q", sec, got, want)
		}
	}
	if got := ageText(nil); got != "-" {
		t.Errorf("ageText(nil) = %q", got)
	}
}

func TestHolderAlive(t *testing.T) {
	host, _ := os.Hostname()
	if !holderAlive(store.Holder{PID: os.Getpid(), Host: host}) {
		t.Error("this process is not alive")
	}
	if !holderAlive(store.Holder{PID: 1 << 22, Host: "another-host"}) {
		t.Error("a holder on another host must be assumed alive")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	deadline := time.Now().Add(10 * time.Second)
	for holderAlive(store.Holder{PID: pid, Host: host}) { // exited, not yet reaped: a zombie
		if time.Now().After(deadline) {
			t.Fatal("an exited, unreaped process counts as alive")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Wait()
	if holderAlive(store.Holder{PID: pid, Host: host}) {
		t.Error("a reaped process counts as alive")
	}
}

// A live holder of the sync role that shows no sign of work is reported as
// stalled, with its pid, and degrades the health; a holder that cannot
// write the cache says so in the holder file, and status shows it.
func TestStatusStalledHolderAndStoreError(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "http://127.0.0.1:9")
	// Today is the real day: the stored times are the real clock's.
	a, err := newApp(globals{config: cfg, today: credit.DateOf(time.Now().In(credit.ChinaZone)).String()}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "cache.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	long := time.Now().Add(-2 * time.Hour)
	all := map[string]time.Time{}
	for _, f := range []string{"licence", "penalty", "coercion", "reward", "inspection", "sharing", "repair"} {
		all[f] = long
	}
	if err := db.SaveEndpointStatus(credit.EndpointStatus{Name: "hub", LastAttempt: long, LastSuccess: long, FeedsDone: all}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	host, _ := os.Hostname()
	lock, err := store.LockSync(path, store.Holder{PID: os.Getpid(), Command: "credwatch sync", Host: host, Since: long})
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()

	rep := a.status()
	if rep.SyncHolder == nil || !rep.SyncHolder.Stalled || rep.ExitCode != int(degraded) ||
		!strings.Contains(rep.Reason, fmt.Sprintf("pid %d", os.Getpid())) || !strings.Contains(rep.Reason, "no pass can start") {
		t.Errorf("stalled holder: %+v, exit %d, reason %q", rep.SyncHolder, rep.ExitCode, rep.Reason)
	}
	var out bytes.Buffer
	if err := writeStatus(&out, rep); err != nil || !strings.Contains(out.String(), "STALLED") {
		t.Errorf("text status does not say STALLED:\n%s", out.String())
	}

	if !lock.RecordStoreError(errors.New("store 1 page(s) of hub/penalty: open cache.db: permission denied"), time.Now()) {
		t.Fatal("the holder file was not rewritten")
	}
	os.Chmod(dir, 0o500) // the failure: the directory went read-only
	defer os.Chmod(dir, 0o700)
	rep = a.status()
	if rep.SyncHolder == nil || !strings.Contains(rep.SyncHolder.StoreError, "permission denied") || !strings.Contains(rep.Reason, "cannot write the cache") {
		t.Errorf("store error: %+v, reason %q", rep.SyncHolder, rep.Reason)
	}
	if !lock.RecordStoreError(nil, time.Now()) {
		t.Error("clearing the note failed in a read-only directory")
	}
	if rep = a.status(); rep.SyncHolder == nil || rep.SyncHolder.StoreError != "" {
		t.Errorf("store error not cleared: %+v", rep.SyncHolder)
	}
}
