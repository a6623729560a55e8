package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

func TestWriteEvent(t *testing.T) {
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	for _, tc := range []struct {
		name string
		ev   credit.Event
		want string
	}{
		{"page", credit.Event{Seq: 7, At: at, Type: credit.EventPage, Endpoint: "一网通办", Feed: "licence", Items: 3},
			`2026-11-30T09:00:00+08:00 page endpoint="一网通办" feed=licence items=3` + "\n"},
		{"officer action", credit.Event{At: at, Type: credit.EventAction, Actor: "张三", Message: "reminder_sent penalty/p1"},
			`2026-11-30T09:00:00+08:00 action actor="张三" message="reminder_sent penalty/p1"` + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeEvent(&b, tc.ev, false); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got  %q\nwant %q", b.String(), tc.want)
			}
			b.Reset()
			if err := writeEvent(&b, tc.ev, true); err != nil {
				t.Fatal(err)
			}
			var back credit.Event
			if err := json.Unmarshal(b.Bytes(), &back); err != nil || bytes.Count(b.Bytes(), []byte("\n")) != 1 {
				t.Fatalf("not one JSON line: %v %q", err, b.String())
			}
			if back.Seq != tc.ev.Seq || back.Type != tc.ev.Type || back.Actor != tc.ev.Actor || !back.At.Equal(tc.ev.At) {
				t.Errorf("JSON round trip: %+v, want %+v", back, tc.ev)
			}
		})
	}
}

// failWriter fails like a pipe whose reader is gone.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("write |1: broken pipe") }

func TestWriteEventReportsWriteErrors(t *testing.T) {
	if err := writeEvent(failWriter{}, credit.Event{Type: credit.EventDone}, false); err == nil {
		t.Error("a failed write was not reported (tail -f would never stop)")
	}
}

func TestTailUsage(t *testing.T) {
	a := demoApp(t)
	var errb bytes.Buffer
	a.stdout, a.stderr = &bytes.Buffer{}, &errb
	for _, args := range [][]string{{"-n", "-1"}, {"extra"}, {"--nope"}} {
		if code := a.runTail(args); code != 2 {
			t.Errorf("tail %v: exit %d, want 2", args, code)
		}
	}
}
