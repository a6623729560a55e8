package tui

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	credsync "github.com/czyj/credwatch/sync"
	"github.com/czyj/credwatch/sync/sim"
)

// One truth, as a property of generated caches: over simulated data of
// several seeds and sizes (changed and withdrawn records, late and overdue
// records of every kind, quarantined items), every figure the tabs show
// equals the rows it stands for:
//
//   - each daily-check line that names records counts exactly those;
//   - the sharing tab's summary is the sum of its rows, its overdue and
//     late totals are the check's lines, its stale-push count the check's
//     departments;
//   - the repair tab's summary counts its sections' rows;
//   - the 修复后续 summary counts its rows by stage;
//   - the header's failing endpoints are the sync tab's alert rows and the
//     check's endpoint line.
func TestFiguresAreTheirRows(t *testing.T) {
	if testing.Short() {
		t.Skip("syncs simulated caches")
	}
	today := credit.MustDate("2026-11-30")
	for _, c := range []struct{ seed, records int }{{3, 600}, {17, 2500}, {29, 5000}} {
		t.Run(fmt.Sprintf("seed %d, %d records", c.seed, c.records), func(t *testing.T) {
			s := sim.New(sim.Options{Seed: int64(c.seed), Records: c.records, Today: today})
			faults, err := sim.ParseFaults("invalid=0.01")
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(faults.Wrap(s.Handler()))
			defer srv.Close()
			db, err := store.Open(filepath.Join(t.TempDir(), "cache.db"), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			now := func() time.Time { return today.Time().Add(10 * time.Hour) }
			eps := []credsync.Endpoint{{Name: "hub", BaseURL: srv.URL, Feeds: credit.Feeds, PageSize: 500, Interval: time.Hour}}
			// The simulator's server_time is its day at the real time of
			// day; the clock check compares with that at any hour.
			simClock := func() time.Time {
				h, m, sec := time.Now().In(credit.ChinaZone).Clock()
				return today.Time().Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second)
			}
			eng, err := credsync.New(db, eps, credsync.Options{Now: now, ServerClock: simClock})
			if err != nil {
				t.Fatal(err)
			}
			for round := range 3 { // then changes and withdrawals arrive
				if err := eng.SyncOnce(context.Background()); err != nil {
					t.Fatalf("sync round %d: %v", round, err)
				}
				for range 20 {
					s.Step()
				}
			}
			d := Deps{Store: db.Scoped(credit.Scope{}), Endpoints: []EndpointInfo{{Name: "hub", Feeds: credit.Feeds, Interval: time.Hour}},
				Today: today, Now: now, Lang: "zh"}
			m := loadedStore(t, d, 160, 40)
			checkFiguresAgainstRows(t, m)
		})
	}
}

func checkFiguresAgainstRows(t *testing.T, m Model) {
	t.Helper()
	in := m.input()
	c := in.cat
	b := m.view
	counts := map[string]int{}
	for _, it := range b.check.byID {
		counts[it.ID] = it.Count
		if len(it.Keys) > 0 && len(it.Keys) != it.Count {
			t.Errorf("check line %s counts %d, names %d records", it.ID, it.Count, len(it.Keys))
		}
	}
	if counts[credit.CheckOverdue] == 0 {
		t.Fatalf("no overdue records: the data proves nothing (%v)", counts)
	}

	// 数据共享清单.
	num := func(s string) int {
		n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(s, symBad)))
		return n
	}
	var pending, rejected, overdue, late int
	stale := map[string]bool{}
	for _, r := range b.sharing {
		pending += num(r.Cells[4])
		rejected += num(r.Cells[5])
		overdue += num(r.Cells[7])
		late += num(r.Cells[8])
		if strings.HasSuffix(r.Cells[6], symBad) {
			stale[r.Dept] = true
		}
	}
	if want := c.f("sharing.sum", pending, rejected, overdue, late, len(stale)); b.sharingSum != want {
		t.Errorf("sharing summary %q, its rows say %q", b.sharingSum, want)
	}
	if overdue != counts[credit.CheckOverdue] || late != counts[credit.CheckLate] || len(stale) != counts[credit.CheckPushStale] {
		t.Errorf("sharing rows: overdue %d, late %d, stale departments %d; check: %d, %d, %d", overdue, late, len(stale),
			counts[credit.CheckOverdue], counts[credit.CheckLate], counts[credit.CheckPushStale])
	}

	// 信用修复: each summary figure is its section's rows.
	src := b.repair.Source().(*repairRows)
	sec := map[int]int{}
	remind, reviewLate := 0, 0
	for _, e := range src.entries {
		sec[int(e.section)]++
		if e.section == secNow && e.flags&repReminded == 0 && in.snap.Penalties.At(int(e.pen)).Severity == credit.General {
			remind++
		}
		if e.section == secReview && e.flags&repStuck != 0 {
			reviewLate++
		}
	}
	if want := c.f("rep.sum", len(src.entries), in.deadlineDays, sec[secSoon], sec[secNow], remind, sec[secReview], reviewLate, sec[secNotRepairable]); b.repairSum != want {
		t.Errorf("repair summary %q, its sections say %q", b.repairSum, want)
	}

	// 修复后续: by stage, stuck first.
	q := b.queue.Source().(*queueRows)
	stage := map[credit.Stage]int{}
	stuck := 0
	for _, e := range q.entries {
		stage[credit.Stage(e.stage)]++
		if e.stuck {
			stuck++
		}
	}
	if want := c.f("q.sum", stuck, stage[credit.StageAwaitingCancel], stage[credit.StageAwaitingRegrade], stage[credit.StageAwaitingNational], stage[credit.StageUnderReview]); b.queueSum != want {
		t.Errorf("queue summary %q, its rows say %q", b.queueSum, want)
	}
	if stuck != counts[credit.CheckStuck] {
		t.Errorf("queue: %d stuck rows; check: %d stuck repair items", stuck, counts[credit.CheckStuck])
	}

	// Endpoints.
	alerts := 0
	for _, r := range b.endpoints {
		if r.Alert {
			alerts++
		}
	}
	if b.failing != alerts || b.failing != counts[credit.CheckEndpoints] {
		t.Errorf("header counts %d endpoints not OK, the sync tab %d alert rows, the check %d", b.failing, alerts, counts[credit.CheckEndpoints])
	}
}
