// Package sim simulates the agency endpoints of the v1 contract
// (docs/agency-api.md): an HTTP+JSON server with the five record feeds, the
// data-sharing list and repair status of Changzhou's emergency-management
// bureaus, generated deterministically from a seed and changing while it
// runs so that background sync has something to show.
//
// The simulator is the demo's data source, the sync engine's test partner and
// the target of fault drills; it imports no credwatch package but credit and
// sync/api.
package sim

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/czyj/credwatch/credit"
)

// Options configure a simulator. The zero value of every field has a default.
type Options struct {
	Seed    int64
	Records int           // total records across the five kinds at start (default 3000)
	Today   credit.Date   // the simulated "today"; decision dates fall in the three years before it (default: the real date in China)
	Tick    time.Duration // how often Run produces changes; 0 (or negative) disables, DefaultTick is the CLI's choice
	Token   string        // if non-empty, feeds require "Authorization: Bearer <token>"
	// Now is the clock. The default is Today's date at the real time of day
	// in China (credit.ChinaZone); the simulated date advances at midnight.
	Now func() time.Time
	// Wrap, if set, wraps the handler that Start serves, e.g. with fault
	// injection. Handler() itself is never wrapped.
	Wrap func(http.Handler) http.Handler
}

// DefaultRecords is used when Options.Records is zero; DefaultTick is the
// tick the command line uses when none is given.
const (
	DefaultRecords = 3000
	DefaultTick    = 3 * time.Second
)

// Sim is a running simulation. It is safe for concurrent use: the handler
// reads under a shared lock, Step changes the data under an exclusive one.
type Sim struct {
	opts  Options
	now   func() time.Time
	epoch string // distinguishes this instance's cursors from another's
	reqID atomic.Uint64

	mu       sync.RWMutex
	acts     *actionStore // POST /v1/actions, guarded by mu
	rng      *rand.Rand
	logs     map[string]*changeLog // by feed; the map itself never changes after New
	depts    []credit.Department
	authName map[string]string // dept ID -> authority name
	authCode map[string]string // dept ID -> authority credit code
	subjects [][]subject       // by index in areas

	recs        map[string]*rec // by record key kind/id
	live        []*rec          // live records in creation order, for deterministic picks
	groups      map[string][]*rec
	sharing     map[string]*credit.SharingEntry
	sharingKeys []string // in department order
	repairs     map[string]*credit.Repair
	repairList  []*credit.Repair // in creation order
	idSeq       map[string]int   // next record number by kind and year
	docSeq      map[string]int   // next document number by prefix and year
	stale       string           // department whose pushes stopped
	staleAt     time.Time        // its last push
	idx         stepIndex        // what Step picks from; see reindex
}

// rec is a record plus what the simulated platform knows about it.
type rec struct {
	credit.Record
	pushed bool // the source system pushed it to the sharing platform
	pos    int  // index in Sim.live
	area   *area
	indexState
}

// New generates the initial data set. Equal Seed, Records and Today give equal
// data; times of day are taken relative to the clock at New.
func New(opts Options) *Sim {
	if opts.Records <= 0 {
		opts.Records = DefaultRecords
	}
	if opts.Today.IsZero() {
		opts.Today = credit.DateOf(time.Now())
	}
	now := opts.Now
	if now == nil {
		offset := opts.Today.Time().Sub(credit.DateOf(time.Now()).Time())
		now = func() time.Time { return time.Now().Add(offset).In(credit.ChinaZone) }
	}
	s := &Sim{
		acts:     &actionStore{byKey: make(map[string]*storedAction)},
		opts:     opts,
		now:      now,
		rng:      rand.New(rand.NewPCG(uint64(opts.Seed), uint64(opts.Seed)^0x9e3779b97f4a7c15)),
		logs:     make(map[string]*changeLog, len(credit.Feeds)),
		authName: make(map[string]string),
		authCode: make(map[string]string),
		recs:     make(map[string]*rec),
		groups:   make(map[string][]*rec),
		sharing:  make(map[string]*credit.SharingEntry),
		repairs:  make(map[string]*credit.Repair),
		idSeq:    make(map[string]int),
		docSeq:   make(map[string]int),
	}
	for _, f := range credit.Feeds {
		s.logs[f] = newChangeLog()
	}
	start := now().In(credit.ChinaZone).Truncate(time.Second)
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%d/%d/%d", opts.Seed, opts.Records, opts.Today, start.UnixNano())
	s.epoch = fmt.Sprintf("%08x", uint32(h.Sum64()))
	s.generate(start)
	return s
}

// Counts returns the number of live items per feed (upserted and not deleted).
func (s *Sim) Counts() map[string]int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]int, len(s.logs))
	for f, l := range s.logs {
		out[f] = l.liveCount()
	}
	return out
}

// Run calls Step every Tick until ctx is done. It returns at once if Tick is
// not positive.
func (s *Sim) Run(ctx context.Context) {
	if s.opts.Tick <= 0 {
		return
	}
	t := time.NewTicker(s.opts.Tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Step()
		}
	}
}

// Start listens on addr (e.g. "127.0.0.1:0"), serves the simulator's handler
// (wrapped by opts.Wrap if set) and runs it, until ctx is done; then it
// shuts the server down, giving open requests a second to finish. It returns
// the base URL, e.g. http://127.0.0.1:43567.
func Start(ctx context.Context, addr string, opts Options) (string, *Sim, error) {
	s := New(opts)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("simulator: listen on %s: %w", addr, err)
	}
	h := s.Handler()
	if opts.Wrap != nil {
		h = opts.Wrap(h)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	// Serve returns http.ErrServerClosed after Shutdown; any other error
	// means the listener broke, which the clients will notice.
	go func() { _ = srv.Serve(ln) }()
	go s.Run(ctx)
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	return "http://" + ln.Addr().String(), s, nil
}

// Records returns a copy of every live record, by kind then ID: the data
// the feeds serve, for writing it elsewhere (credwatch sim --write-sql, --write-templates).
func (s *Sim) Records() []credit.Record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]credit.Record, 0, len(s.live))
	for _, x := range s.live {
		out = append(out, x.Record)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].ID < out[j].ID
	})
	return out
}
