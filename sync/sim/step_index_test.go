package sim

import (
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
)

// stepScript runs s through n steps with the clock moving six hours a step
// (so repairs become due across month ends and a year end), one jump back
// of forty days half way, and an officer's reminder for a penalty without a
// repair every 50 steps, and returns a digest of every feed's log: every
// entry's sequence, key and served value.
func stepScript(t *testing.T, s *Sim, c *clock, n int, check func(step int)) string {
	t.Helper()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for i := 0; i < n; i++ {
		s.Step()
		if check != nil {
			check(i)
		}
		switch {
		case i == n/2:
			c.Add(-40 * 24 * time.Hour)
		default:
			c.Add(6 * time.Hour)
		}
		if i%50 == 25 {
			key := firstUnrepaired(s)
			if key == "" {
				continue
			}
			today := credit.DateOf(c.Now())
			body := fmt.Sprintf(`{"type":"reminder_sent","record_key":%q,"date":%q}`, key, today.String())
			status, b, _ := postJSON(t, srv, fmt.Sprintf("script-%d", i), body)
			if status != http.StatusCreated && status != http.StatusUnprocessableEntity {
				t.Fatalf("step %d: reminder for %s: %d %s", i, key, status, b)
			}
		}
	}
	return logDigest(s)
}

// firstUnrepaired returns the key of the last live penalty, in creation
// order, that has no repair ("" if none).
func firstUnrepaired(s *Sim) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for i := len(s.live) - 1; i >= 0; i-- {
		x := s.live[i]
		if x.Kind == credit.Penalty && s.repairs[x.Key()] == nil {
			return x.Key()
		}
	}
	return ""
}

// logDigest hashes every feed's live log entries in order.
func logDigest(s *Sim) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	h := fnv.New64a()
	for _, f := range credit.Feeds {
		l := s.logs[f]
		page, _ := l.after(0, len(l.entries)+1)
		for _, e := range page {
			fmt.Fprintf(h, "%s|%d|%s|", f, e.seq, e.key)
			digestValue(h, e.val)
		}
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

func digestValue(w io.Writer, v any) {
	switch v := v.(type) {
	case *credit.Record:
		fmt.Fprintf(w, "%+v\n", *v)
	case *credit.Repair:
		fmt.Fprintf(w, "%+v\n", *v)
	case *credit.SharingEntry:
		fmt.Fprintf(w, "%+v\n", *v)
	default:
		fmt.Fprintf(w, "%v\n", v)
	}
}

// TestStepDigestUnchanged pins what a run of steps produces. The digest was
// taken from the simulator before Step used indexes (it scanned every live
// record for the records waiting for disclosure and for the penalties due a
// reminder): the indexes must change its cost only, not its choices.
func TestStepDigestUnchanged(t *testing.T) {
	c := newClock()
	s := New(Options{Seed: 7, Records: 4000, Today: testToday, Now: c.Now})
	got := stepScript(t, s, c, 3000, nil)
	const want = "8923716afbabba6c"
	if got != want {
		t.Errorf("digest after 3000 steps = %s, want %s", got, want)
	}
}

// TestStepIndexMatchesScan checks after every step of the script that the
// index holds exactly what a scan of the live records finds, in order.
func TestStepIndexMatchesScan(t *testing.T) {
	c := newClock()
	s := New(Options{Seed: 11, Records: 3000, Today: testToday, Now: c.Now})
	var fallbacks, dueSeen int
	stepScript(t, s, c, 2000, func(step int) {
		s.mu.RLock()
		defer s.mu.RUnlock()
		ix := &s.idx
		var wantWait, wantCand, gotWait, gotCand []string
		for _, x := range s.live {
			if x.pushed && x.Disclosed.IsZero() && x.Rejected == "" {
				wantWait = append(wantWait, x.Key())
			}
			if x.Kind == credit.Penalty && s.repairs[x.Key()] == nil && !x.Disclosed.IsZero() {
				if e, ok := repairable(x); ok && !e.After(ix.candDay) {
					wantCand = append(wantCand, x.Key())
				}
			}
		}
		for k := 0; k < ix.wait.n; k++ {
			gotWait = append(gotWait, s.live[ix.wait.kth(k)].Key())
		}
		for k := 0; k < ix.cand.n; k++ {
			gotCand = append(gotCand, s.live[ix.cand.kth(k)].Key())
		}
		if fmt.Sprint(gotWait) != fmt.Sprint(wantWait) {
			t.Fatalf("step %d: waiting for disclosure: index has %d, a scan finds %d (or another order)", step, len(gotWait), len(wantWait))
		}
		if fmt.Sprint(gotCand) != fmt.Sprint(wantCand) {
			t.Fatalf("step %d: due a reminder on %s: index has %d, a scan finds %d (or another order)", step, ix.candDay, len(gotCand), len(wantCand))
		}
		if ix.waitLatest > credit.DateOf(c.Now()) {
			fallbacks++
		}
		dueSeen = max(dueSeen, len(ix.due))
	})
	// The script must have reached the paths it is meant to test.
	if fallbacks == 0 || dueSeen == 0 || s.idx.cand.n == 0 {
		t.Errorf("the script missed a path: %d steps scanned after the clock went back, %d penalties queued at most, %d due at the end", fallbacks, dueSeen, s.idx.cand.n)
	}
}

func TestPosSetKth(t *testing.T) {
	var p posSet
	p.reset(100)
	in := make([]bool, 100)
	for _, i := range []int{0, 3, 64, 65, 99} {
		in[i] = true
	}
	p.load(in)
	p.add(3, -1)
	p.add(50, 1)
	want := []int{0, 50, 64, 65, 99}
	if p.n != len(want) {
		t.Fatalf("n = %d, want %d", p.n, len(want))
	}
	for k, pos := range want {
		if got := p.kth(k); got != pos {
			t.Errorf("kth(%d) = %d, want %d", k, got, pos)
		}
	}
}
