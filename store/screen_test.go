package store

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/credit/credittest"
)

// fakeReader is a ScreenReader over a fixed snapshot and check data that
// records which reads LoadScreen made, in order.
type fakeReader struct {
	snap      credit.Snapshot // Penalties and Repairs only in full reads
	check     credit.CheckData
	calls     []string
	sinceGot  *credit.Snapshot
	failSnap  error
	failSigns error
}

func (f *fakeReader) Snapshot() (*credit.Snapshot, error) {
	f.calls = append(f.calls, "Snapshot")
	if f.failSnap != nil {
		return nil, f.failSnap
	}
	s := f.snap
	return &s, nil
}

func (f *fakeReader) SnapshotSince(prev *credit.Snapshot) (*credit.Snapshot, error) {
	f.calls = append(f.calls, "SnapshotSince")
	f.sinceGot = prev
	s := f.snap
	return &s, nil
}

func (f *fakeReader) Overview() (*credit.Snapshot, error) {
	f.calls = append(f.calls, "Overview")
	if f.failSnap != nil {
		return nil, f.failSnap
	}
	s := f.snap
	s.Penalties, s.Repairs = credit.Penalties{}, credit.Repairs{}
	return &s, nil
}

func (f *fakeReader) CheckData(since time.Time) (*credit.CheckData, error) {
	f.calls = append(f.calls, "CheckData")
	c := f.check
	return &c, nil
}

func (f *fakeReader) CheckDataLean(since time.Time) (*credit.CheckData, error) {
	f.calls = append(f.calls, "CheckDataLean")
	c := f.check
	return &c, nil
}

func (f *fakeReader) Signoffs() (map[credit.Date]credit.Signoff, error) {
	if f.failSigns != nil {
		return nil, f.failSigns
	}
	return map[credit.Date]credit.Signoff{}, nil
}

func (f *fakeReader) Outbox() ([]credit.OutboxItem, error) { return nil, nil }

// LoadScreen chooses the read by what the caller shows (Prev): the
// overview first, then everything, then only the overview while the
// cache, generation and day stay the same, else the changes since Prev.
func TestLoadScreenChoosesTheRead(t *testing.T) {
	rules := credit.DefaultRules()
	today := credit.MustDate("2026-03-18") // a Wednesday, a working day
	pens := credittest.Penalties(credit.PenaltySummary{ID: "p1", SubjectName: "甲公司", Dept: "320412"})
	data := credit.Snapshot{Penalties: pens, Generation: 5, Cache: "c1",
		Endpoints: []credit.EndpointStatus{{Name: "hub", LastError: "now failing"}}}
	full := &credit.Screen{Snapshot: &credit.Snapshot{Penalties: pens, Generation: 5, Cache: "c1"}, Today: today,
		Check: &credit.CheckData{}}
	cases := []struct {
		name      string
		prev      *credit.Screen
		today     credit.Date
		gen       uint64
		wantCalls []string
		overview  bool
		unchanged bool
	}{
		{name: "first frame", prev: nil, today: today, gen: 5,
			wantCalls: []string{"CheckData", "Overview"}, overview: true},
		{name: "after the overview", prev: &credit.Screen{Snapshot: &credit.Snapshot{Generation: 5, Cache: "c1"}, Overview: true, Today: today},
			today: today, gen: 5, wantCalls: []string{"CheckDataLean", "Snapshot"}},
		{name: "unknown generation", prev: &credit.Screen{Snapshot: &credit.Snapshot{Cache: "c1"}, Today: today},
			today: today, gen: 5, wantCalls: []string{"CheckDataLean", "Snapshot"}},
		{name: "same generation and day", prev: full, today: today, gen: 5,
			wantCalls: []string{"Overview"}, unchanged: true},
		{name: "same generation, check failed before", prev: &credit.Screen{Snapshot: full.Snapshot, Today: today},
			today: today, gen: 5, wantCalls: []string{"Overview", "CheckDataLean"}, unchanged: true},
		{name: "new generation", prev: full, today: today, gen: 6,
			wantCalls: []string{"Overview", "CheckDataLean", "SnapshotSince"}},
		{name: "next day", prev: full, today: today + 1, gen: 5,
			wantCalls: []string{"Overview", "CheckDataLean", "SnapshotSince"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &fakeReader{snap: data}
			r.snap.Generation = c.gen
			sc, err := LoadScreen(r, credit.ScreenRequest{Today: c.today, Rules: rules, Prev: c.prev})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.calls, c.wantCalls) {
				t.Errorf("reads %v, want %v", r.calls, c.wantCalls)
			}
			if sc.Overview != c.overview || sc.Unchanged != c.unchanged || sc.Today != c.today {
				t.Errorf("overview %v unchanged %v today %v, want %v %v %v", sc.Overview, sc.Unchanged, sc.Today, c.overview, c.unchanged, c.today)
			}
			if wantPens := !c.overview; (sc.Snapshot.Penalties.Len() > 0) != wantPens {
				t.Errorf("%d penalties", sc.Snapshot.Penalties.Len())
			}
			if slices.Contains(c.wantCalls, "SnapshotSince") && r.sinceGot != c.prev.Snapshot {
				t.Errorf("SnapshotSince given %p, want Prev's snapshot %p", r.sinceGot, c.prev.Snapshot)
			}
			// The check judges the endpoints the snapshot shows.
			if sc.Check == nil || len(sc.Check.Endpoints) != 1 || sc.Check.Endpoints[0].LastError != "now failing" {
				t.Errorf("check data %+v", sc.Check)
			}
			if c.unchanged && c.prev.Check != nil && (sc.Check == c.prev.Check || c.prev.Check.Endpoints != nil) {
				t.Error("an unchanged read must copy Prev's check data, not change it")
			}
		})
	}
}

// A failed snapshot read is the error; the sign-offs' is in the Screen.
func TestLoadScreenErrors(t *testing.T) {
	rules := credit.DefaultRules()
	today := credit.MustDate("2026-03-18")
	boom := errors.New("boom")
	r := &fakeReader{failSnap: boom}
	if sc, err := LoadScreen(r, credit.ScreenRequest{Today: today, Rules: rules}); !errors.Is(err, boom) || sc != nil {
		t.Errorf("snapshot failure: %v, %v", sc, err)
	}
	r = &fakeReader{failSigns: boom}
	sc, err := LoadScreen(r, credit.ScreenRequest{Today: today, Rules: rules})
	if err != nil || !errors.Is(sc.SignoffsErr, boom) || sc.Signoffs != nil || sc.Check == nil {
		t.Errorf("sign-off failure: %+v, %v", sc, err)
	}
	// A day the calendar does not know: no check data, said why.
	sc, err = LoadScreen(&fakeReader{}, credit.ScreenRequest{Today: credit.MustDate("1990-01-02"), Rules: rules})
	if err != nil || sc.CheckErr == nil || sc.Check != nil {
		t.Errorf("unknown day: %+v, %v", sc, err)
	}
}
