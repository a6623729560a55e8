package main

import (
	"context"
	"fmt"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	credsync "github.com/czyj/credwatch/sync"
	"github.com/czyj/credwatch/sync/sim"
)

// Demo settings: a city-sized slice of data that changes every few seconds.
const (
	demoSeed     = 1
	demoRecords  = 3000
	demoTick     = 3 * time.Second
	demoInterval = 4 * time.Second
)

// startDemo starts the agency simulator on a free loopback port for the life
// of ctx, and returns endpoints that split its feeds the way the real source
// systems do (DOMAIN.md: 执法系统, 一网通办, and the credit platforms). The
// demo cache is kept between runs, so the demo opens on the last data at
// once; the new simulator expires the old cursors, and each feed is then
// fetched anew.
func (a *app) startDemo(ctx context.Context) ([]credsync.Endpoint, error) {
	url, _, err := sim.Start(ctx, "127.0.0.1:0", sim.Options{Seed: demoSeed, Records: demoRecords, Today: a.today, Tick: demoTick})
	if err != nil {
		return nil, fmt.Errorf("start the demo simulator: %w", err)
	}
	return demoEndpoints(url), nil
}

// demoEndpoints are the demo's endpoints on the simulator at url.
func demoEndpoints(url string) []credsync.Endpoint {
	return []credsync.Endpoint{
		{Name: "江苏省安全生产行政执法系统（常州）", BaseURL: url, Feeds: []string{"penalty", "coercion", "inspection"}, Interval: demoInterval},
		{Name: "一网通办", BaseURL: url, Feeds: []string{"licence", "reward"}, Interval: demoInterval},
		{Name: "数据治理与信用修复", BaseURL: url, Feeds: []string{"sharing", "repair"}, Interval: demoInterval},
	}
}

// seedDemoSignoffs gives a demo cache that has none the sign-off history
// of a bureau that has used credwatch for a while: the 25 working days
// before today, signed off by two officers, with two days missed. The
// sign-offs go to the simulator like any others.
func (a *app) seedDemoSignoffs(db *store.DB) error {
	have, err := db.Signoffs()
	if err != nil || len(have) > 0 {
		return err
	}
	var depts []string
	for _, d := range a.depts.All() {
		depts = append(depts, d.ID)
	}
	officers := []string{"张伟", "李娜"}
	d := a.today
	for i := 1; i <= 25; i++ {
		if d, err = a.rules.Cal.PrevWorkingDay(d); err != nil {
			return nil // the calendar's first year: a shorter history
		}
		if i == 6 || i == 17 { // missed: the history shows what that looks like
			continue
		}
		at := d.Time().Add(9*time.Hour + time.Duration(i%7)*4*time.Minute)
		act := credit.Action{ID: credit.NewActionID(), Type: credit.ActionSignoff, Officer: officers[i%2], At: at, Date: d,
			Depts: depts, Failed: i % 3, Note: "演示数据：已核对数据共享清单"}
		if _, err := db.RecordAction(act); err != nil {
			return fmt.Errorf("seed the demo's sign-offs: %w", err)
		}
	}
	return nil
}
