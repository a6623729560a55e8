package sim

import (
	"math/rand/v2"
	"time"

	"github.com/czyj/credwatch/credit"
)

// tickKinds weights the kinds of records that appear while running.
var tickKinds = []struct {
	kind   credit.Kind
	weight int
}{
	{credit.Penalty, 35}, {credit.Inspection, 35}, {credit.Licence, 10}, {credit.Coercion, 10}, {credit.Reward, 10},
}

// Step produces one tick of changes, all dated the simulated today and
// appended to the change logs: one to three new records (not yet disclosed),
// up to three earlier records disclosed, one repair moved on a step (now and
// then a new one started), now and then a record withdrawn, and the sharing
// rows those changes affect.
func (s *Sim) Step() {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.rng
	now := s.now().In(credit.ChinaZone).Truncate(time.Second)
	today := credit.DateOf(now)
	touched := make(map[string]bool)
	var order []string // touched sharing keys, in the order first touched
	touch := func(x *rec) {
		k := credit.SharingKey(x.Dept, x.Kind)
		if !touched[k] {
			touched[k] = true
			order = append(order, k)
		}
	}
	pushed := make(map[string]bool)

	// New records, decided today.
	for n := between(r, 1, 3); n > 0; n-- {
		x := s.newRecord(pickTickKind(r), today)
		s.number(x)
		if x.Dept == s.stale {
			x.pushed, x.Rejected = false, ""
		} else {
			pushed[credit.SharingKey(x.Dept, x.Kind)] = true
		}
		x.UpdatedAt = now
		s.add(x)
		touch(x)
	}

	// Earlier records disclosed.
	s.indexFor(today)
	for _, x := range s.pickWaiting(r, today) {
		x.Disclosed = today
		x.UpdatedAt = now
		s.logs[string(x.Kind)].upsert(x.ID, &x.Record)
		s.reindex(x)
		touch(x)
	}

	// A repair moves on; now and then an eligible penalty gets its reminder.
	// (Counted, then found, without collecting them: the list is long.)
	active := func(rp *credit.Repair) bool {
		st := stageOf(rp)
		return st != stageRejected && st != stageNational
	}
	n := 0
	for _, rp := range s.repairList {
		if active(rp) {
			n++
		}
	}
	if n > 0 {
		k := r.IntN(n)
		var rp *credit.Repair
		for _, rp = range s.repairList {
			if active(rp) {
				if k == 0 {
					break
				}
				k--
			}
		}
		if s.advance(rp, today, now) {
			s.logs["repair"].upsert(rp.RecordKey, rp)
		}
	}
	if chance(r, 0.3) {
		if n := s.idx.cand.n; n > 0 {
			x := s.live[s.idx.cand.kth(r.IntN(n))]
			rp := &credit.Repair{RecordKey: x.Key(), ReminderSent: today, UpdatedAt: now}
			s.repairs[rp.RecordKey] = rp
			s.repairList = append(s.repairList, rp)
			s.logs["repair"].upsert(rp.RecordKey, rp)
			s.reindex(x)
		}
	}

	// Now and then a record is withdrawn at its source.
	if chance(r, 0.12) && len(s.live) > 1 {
		x := s.live[r.IntN(len(s.live))]
		s.withdraw(x)
		touch(x)
	}

	for _, k := range order {
		e := s.sharing[k]
		if e == nil {
			continue // no department owns this kind: nothing on the list
		}
		before := [...]int{e.Received, e.Disclosed, e.Rejected}
		s.recount(k)
		if !pushed[k] && before == [...]int{e.Received, e.Disclosed, e.Rejected} {
			continue // e.g. a record the platform never received was withdrawn
		}
		if pushed[k] {
			e.LastPush = now
		}
		e.UpdatedAt = now
		s.logs["sharing"].upsert(k, e)
	}
}

// pickWaiting picks up to three records waiting for disclosure, as a scan
// of s.live in order followed by removals at random would: the random
// numbers drawn and the records chosen are the same. The index must be up
// to date for today.
func (s *Sim) pickWaiting(r *rand.Rand, today credit.Date) []*rec {
	if s.idx.waitLatest > today {
		// Some waiting record is decided after today (the clock went
		// back): only a scan knows which to leave out.
		var all []*rec
		for _, x := range s.live {
			if x.inWait && !x.Decided.After(today) {
				all = append(all, x)
			}
		}
		return pickRemoving(r, len(all), func(i int) *rec { return all[i] })
	}
	return pickRemoving(r, s.idx.wait.n, func(i int) *rec { return s.live[s.idx.wait.kth(i)] })
}

// pickRemoving picks up to three of the m items that at returns by index:
// each time one at random, which the last item then replaces.
func pickRemoving(r *rand.Rand, m int, at func(int) *rec) []*rec {
	n := min(m, between(r, 0, 3))
	if n == 0 {
		return nil
	}
	moved := make(map[int]*rec, n) // indexes whose item the last one replaced
	get := func(i int) *rec {
		if x, ok := moved[i]; ok {
			return x
		}
		return at(i)
	}
	picked := make([]*rec, 0, n)
	for ; n > 0; n-- {
		i := r.IntN(m)
		picked = append(picked, get(i))
		moved[i] = get(m - 1)
		m--
	}
	return picked
}

func pickTickKind(r *rand.Rand) credit.Kind {
	total := 0
	for _, tk := range tickKinds {
		total += tk.weight
	}
	n := r.IntN(total)
	for _, tk := range tickKinds {
		if n < tk.weight {
			return tk.kind
		}
		n -= tk.weight
	}
	return credit.Inspection
}

// withdraw removes a live record, and the repair of a penalty, and logs the
// deletes.
func (s *Sim) withdraw(x *rec) {
	last := s.live[len(s.live)-1]
	s.unindex(x)
	s.live[x.pos] = last
	s.move(last, x.pos)
	s.live = s.live[:len(s.live)-1]
	delete(s.recs, x.Key())
	sk := credit.SharingKey(x.Dept, x.Kind)
	g := s.groups[sk]
	for i, y := range g {
		if y == x {
			s.groups[sk] = append(g[:i:i], g[i+1:]...)
			break
		}
	}
	s.logs[string(x.Kind)].remove(x.ID)
	if rp := s.repairs[x.Key()]; rp != nil {
		delete(s.repairs, x.Key())
		for i, y := range s.repairList {
			if y == rp {
				s.repairList = append(s.repairList[:i:i], s.repairList[i+1:]...)
				break
			}
		}
		s.logs["repair"].remove(rp.RecordKey)
	}
}
