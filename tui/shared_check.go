package tui

import (
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
)

// The daily check of one generation, and the sharing tab's disclosure
// timeliness, are the same for every Model of one scope: an SSH server's
// 32 sessions each computed them for themselves after every sync pass
// that changed the data (at 1M records they go over tens of thousands of
// references, and the check's result held about 0.8 MB a session).
// Shared keeps the last result of each scope and hands it to every Model
// asking with the same inputs.

// sharedDailyCheck is a daily check computed once for the Models of one
// scope (Shared.dailyCheck).
type sharedDailyCheck struct {
	rules *credit.Rules
	today credit.Date
	scope string // scopeText
	data  credit.CheckData
	dc    credit.DailyCheck
	err   error
}

// dailyCheck returns rules.DailyCheck(data, scope, today): the result
// computed for another Model from the same inputs (sameCheckData), or
// computed now and kept for the others. The result is shared and must not
// be modified.
func (s *Shared) dailyCheck(rules *credit.Rules, data *credit.CheckData, scope []string, today credit.Date) (credit.DailyCheck, error) {
	if s == nil {
		return rules.DailyCheck(data, scope, today)
	}
	key := scopeText(scope)
	s.mu.Lock()
	for _, c := range s.checks {
		if c.rules == rules && c.today == today && c.scope == key &&
			c.data.Now.IsZero() == data.Now.IsZero() && sameCheckData(&c.data, data, c.data.Now, data.Now) {
			s.mu.Unlock()
			s.checksShared.Add(1)
			return c.dc, c.err
		}
	}
	s.mu.Unlock()
	dc, err := rules.DailyCheck(data, scope, today)
	c := &sharedDailyCheck{rules: rules, today: today, scope: key, data: *data, dc: dc, err: err}
	s.mu.Lock()
	s.checks = slices.DeleteFunc(s.checks, func(o *sharedDailyCheck) bool {
		return o.rules == rules && o.scope == key // the scope's last result only
	})
	s.checks = append(s.checks, c)
	s.mu.Unlock()
	return dc, err
}

// Forget drops the daily checks and timeliness kept for the Models to come (a server
// whose last session ended); the tabs go with the last Model showing them.
func (s *Shared) Forget() {
	s.mu.Lock()
	s.checks, s.timely = nil, nil
	s.mu.Unlock()
}

// ChecksShared returns how many times a Model was given a daily check
// another had computed.
func (s *Shared) ChecksShared() int64 { return s.checksShared.Load() }

// scopeText names a set of departments, in any order.
func scopeText(scope []string) string {
	d := slices.Clone(scope)
	slices.Sort(d)
	return strings.Join(slices.Compact(d), "\x00")
}

// sameCheckData reports whether the daily check of b, judged at bt, is
// that of a judged at at: the same lists (the very same arrays and maps,
// as the read model and an unchanged reload share them: comparing them is
// not walking them), the same day of reckoning, and endpoints equal and
// judged alike at bt as at at (the check reads the time for the
// endpoints' staleness alone). It is the one comparison of check data for
// a check kept from an earlier build (sameCheck) and for one computed by
// another Model (Shared.dailyCheck).
func sameCheckData(a, b *credit.CheckData, at, bt time.Time) bool {
	if !a.Since.Equal(b.Since) ||
		!sameRef(a.Received, b.Received) || !sameRef(a.Cached, b.Cached) ||
		!sameRef(a.Sharing, b.Sharing) || !sameRef(a.Undisclosed, b.Undisclosed) ||
		!sameRef(a.LateDisclosed, b.LateDisclosed) || !sameRef(a.Quality, b.Quality) ||
		!sameRef(a.Repairs, b.Repairs) || !reflect.DeepEqual(a.Endpoints, b.Endpoints) {
		return false
	}
	for _, e := range a.Endpoints {
		if e.Judge(at) != e.Judge(bt) {
			return false
		}
	}
	return true
}

// sameRef reports whether a and b, two slices or two maps of one type,
// are the very same: the same array and length, or the same map (both nil
// included).
func sameRef(a, b any) bool {
	x, y := reflect.ValueOf(a), reflect.ValueOf(b)
	if x.Pointer() != y.Pointer() {
		return false
	}
	return x.Kind() != reflect.Slice || x.Len() == y.Len()
}

// sharedTimeliness is the disclosure timeliness of one scope's check data
// (Shared.timeliness), by department and kind.
type sharedTimeliness struct {
	rules               *credit.Rules
	today               credit.Date
	scope               string // scopeText
	undisclosed, recent []credit.RecordRef
	overdue, late       map[string]map[credit.Kind]int
	err                 error
}

// timeliness returns rules.Timeliness over undisclosed and recent for the
// departments of scope (all when empty), by department and kind
// (credit.ByDeptKind): the result computed for another Model from the
// same lists (the very same, sameRef), or computed now and, when shared
// (the lists are a Store's check data, which the read model shares), kept
// for the others. The maps are shared and must not be modified.
func (s *Shared) timeliness(rules *credit.Rules, undisclosed, recent []credit.RecordRef, today credit.Date, scope []string, shared bool) (overdue, late map[string]map[credit.Kind]int, err error) {
	key := scopeText(scope)
	if s != nil && shared {
		s.mu.Lock()
		for _, t := range s.timely {
			if t.rules == rules && t.today == today && t.scope == key && sameRef(t.undisclosed, undisclosed) && sameRef(t.recent, recent) {
				s.mu.Unlock()
				return t.overdue, t.late, t.err
			}
		}
		s.mu.Unlock()
	}
	in := func(dept string) bool { return len(scope) == 0 || slices.Contains(scope, dept) }
	tl, err := rules.Timeliness(undisclosed, recent, today, in)
	if err == nil {
		overdue, late = credit.ByDeptKind(tl.Overdue), credit.ByDeptKind(tl.Late)
	}
	if s != nil && shared {
		t := &sharedTimeliness{rules: rules, today: today, scope: key, undisclosed: undisclosed, recent: recent, overdue: overdue, late: late, err: err}
		s.mu.Lock()
		s.timely = slices.DeleteFunc(s.timely, func(o *sharedTimeliness) bool { return o.rules == rules && o.scope == key })
		s.timely = append(s.timely, t)
		s.mu.Unlock()
	}
	return overdue, late, err
}
