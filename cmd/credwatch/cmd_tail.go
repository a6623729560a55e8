package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/signal"
	"slices"
	"syscall"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
)

// runTail prints the newest events of the cache's shared event log, one
// greppable line (or JSON object) each, and with -f keeps printing new ones
// as any process appends them, until SIGINT, SIGTERM or until standard
// output is closed (a pipe into `head`, an SSH session that ended). It needs
// no terminal and only reads the cache.
//
// A closed output is noticed at the next line written; while something
// syncs, that is within one sync interval.
func (a *app) runTail(args []string) int {
	// A write to a closed pipe must fail with EPIPE, which ends the command
	// quietly, rather than kill it with SIGPIPE.
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return a.tail(ctx, args)
}

// tail is runTail writing to a.stdout and a.stderr, following until ctx is
// done (an SSH session that ended, the server shutting down) or a write
// fails.
func (a *app) tail(ctx context.Context, args []string) int {
	fs := newFlags("tail")
	follow := fs.Bool("f", false, "flag.tail.f")
	n := fs.Int("n", 20, "flag.tail.n")
	asJSON := fs.Bool("json", false, "flag.tail.json")
	if code, ok := parseFlags(fs, args, a.stdout, a.stderr); !ok {
		return code
	}
	if *n < 0 || fs.NArg() > 0 {
		flagError(a.stderr, "tail", "-n must not be negative, and there are no arguments")
		return 2
	}
	db, err := a.openCache(true)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	defer db.Close()
	evs, err := a.lastEvents(db, *n)
	if err != nil {
		fmt.Fprintf(a.stderr, "credwatch: %v\n", err)
		return 1
	}
	var after uint64
	if len(evs) > 0 {
		after = evs[len(evs)-1].Seq
	} else if after, err = db.LastSeq(); err != nil {
		fmt.Fprintf(a.stderr, "credwatch: read events of %s: %v\n", db.Path(), err)
		return 1
	}
	out := bufio.NewWriter(a.stdout)
	for _, ev := range evs {
		if writeEvent(out, ev, *asJSON) != nil {
			return 0
		}
	}
	if out.Flush() != nil || !*follow {
		return 0
	}
	ch := db.Follow(ctx, after, followEvery)
	for ev := range ch {
		if a.eventFilter == nil || a.eventFilter(ev) {
			if writeEvent(out, ev, *asJSON) != nil {
				return 0
			}
		}
		if len(ch) == 0 && out.Flush() != nil {
			return 0
		}
	}
	return 0
}

// lastEvents returns the newest n events that a.eventFilter lets through,
// oldest first.
func (a *app) lastEvents(db *store.DB, n int) ([]credit.Event, error) {
	if a.eventFilter == nil || n == 0 {
		return db.LastEvents(n)
	}
	evs, err := db.LastEvents(store.DefaultMaxEvents)
	if err != nil {
		return nil, err
	}
	evs = slices.DeleteFunc(evs, func(ev credit.Event) bool { return !a.eventFilter(ev) })
	return evs[max(len(evs)-n, 0):], nil
}

// writeEvent writes one event as a line: formatEvent's text (with who did it
// and the message, for officer actions) or JSON with the event's own keys.
func writeEvent(w io.Writer, ev credit.Event, asJSON bool) error {
	if asJSON {
		b, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	line := formatEvent(ev)
	if ev.Actor != "" {
		line += fmt.Sprintf(" actor=%q", ev.Actor)
	}
	if ev.Message != "" {
		line += fmt.Sprintf(" message=%q", ev.Message)
	}
	_, err := fmt.Fprintln(w, line)
	return err
}
