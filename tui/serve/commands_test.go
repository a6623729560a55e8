package serve

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/store/audit"
)

// fakeCommands are the commands a session without a terminal runs in
// these tests: small stand-ins for credwatch's own (cmd/credwatch, whose
// tests run them over SSH), enough to see what the server lets a session
// read and how it ends it.
//
//   - status prints the names of the scope's departments;
//   - tail [-f] [-n N] prints the newest N events the session may see,
//     one a line (type, endpoint, feed, error, actor, message), and with -f
//     follows the event log until the session ends;
//   - audit prints the audit trail of today, one event a line;
//   - export reads credwatch export's flags and refuses any --sort, as
//     export refuses a column it does not have.
func fakeCommands(db *store.DB, auditDir string) map[string]Command {
	return map[string]Command{
		"status": func(_ context.Context, inv Invocation) int {
			for _, d := range credit.DefaultDepartments() {
				if len(inv.Scope.Depts) == 0 || slices.Contains(inv.Scope.Depts, d.ID) {
					fmt.Fprintln(inv.Stdout, d.Short, d.Name)
				}
			}
			return 0
		},
		"tail": func(ctx context.Context, inv Invocation) int {
			fs := flag.NewFlagSet("tail", flag.ContinueOnError)
			fs.SetOutput(inv.Stderr)
			follow := fs.Bool("f", false, "")
			n := fs.Int("n", 20, "")
			if fs.Parse(inv.Args) != nil {
				return 2
			}
			last, err := db.LastSeq()
			if err != nil {
				fmt.Fprintln(inv.Stderr, err)
				return 1
			}
			evs, err := db.LastEvents(100000)
			if err != nil {
				fmt.Fprintln(inv.Stderr, err)
				return 1
			}
			var shown []credit.Event
			for _, ev := range evs {
				if inv.Visible(ev) {
					shown = append(shown, ev)
				}
			}
			for _, ev := range shown[max(0, len(shown)-*n):] {
				fmt.Fprintln(inv.Stdout, eventLine(ev))
			}
			if !*follow {
				return 0
			}
			for ev := range db.Follow(ctx, last, 100*time.Millisecond) {
				if inv.Visible(ev) {
					if _, err := fmt.Fprintln(inv.Stdout, eventLine(ev)); err != nil {
						return 0
					}
				}
			}
			return 0
		},
		"audit": func(_ context.Context, inv Invocation) int {
			err := audit.Read(auditDir, time.Now().Add(-24*time.Hour), func(ev credit.Event) error {
				_, err := fmt.Fprintln(inv.Stdout, eventLine(ev))
				return err
			})
			if err != nil {
				fmt.Fprintln(inv.Stderr, err)
				return 1
			}
			return 0
		},
		"export": func(_ context.Context, inv Invocation) int {
			fs := flag.NewFlagSet("export", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			fs.String("view", "", "")
			fs.String("format", "csv", "")
			fs.String("filter", "", "")
			fs.String("dept", "", "")
			sort := fs.String("sort", "", "")
			fs.Bool("desc", false, "")
			if err := fs.Parse(inv.Args); err != nil {
				fmt.Fprintf(inv.Stderr, "credwatch export: %v\n", err)
				return 2
			}
			if *sort != "" {
				fmt.Fprintf(inv.Stderr, "credwatch export: no column %q\n", *sort)
				return 1
			}
			return 0
		},
	}
}

// eventLine is one event as the fake tail and audit print it.
func eventLine(ev credit.Event) string {
	s := fmt.Sprintf("%s %s", ev.At.Format(time.RFC3339), ev.Type)
	for _, kv := range [][2]string{{"endpoint", ev.Endpoint}, {"feed", ev.Feed}, {"error", ev.Err}, {"actor", ev.Actor}, {"message", ev.Message}} {
		if kv[1] != "" {
			s += fmt.Sprintf(" %s=%q", kv[0], kv[1])
		}
	}
	return s
}

// lockedBuffer is a bytes.Buffer safe to write from the server's
// goroutines while the test reads it.
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
