package main

import (
	"context"
	"fmt"
	"time"

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
