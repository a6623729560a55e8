package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	bolt "go.etcd.io/bbolt"
)

// summaryFacts decodes what decodeSummary does of the severity and the
// accident flag, and fails where it fails.
func TestSummaryFacts(t *testing.T) {
	for name, p := range map[string]credit.PenaltySummary{
		"full":     {ID: "CF-1", Dept: "320412", SubjectName: "常州市某某化工有限公司", USCC: "91320412MA1XXXXX0X", DocNo: "常武应急罚〔2025〕1号", Severity: credit.Serious, Decided: credit.MustDate("2025-03-01"), Disclosed: credit.MustDate("2025-03-04"), PenaltyTypes: []string{"警告", "罚款"}},
		"empty":    {ID: "x"},
		"accident": {ID: "CF-2", Dept: "320412", Severity: credit.General, Decided: credit.MustDate("2025-03-01"), Accident: true},
		"三同步":      {ID: "CF-3", Dept: "320412", Severity: credit.Minor, Accident: true, NoticeGiven: true, ReminderSet: true},
	} {
		v := appendSummary(nil, &p)
		for _, in := range []interner{nil, {}} {
			sev, accident, err := summaryFacts(v, in)
			if err != nil || sev != p.Severity || accident != p.Accident {
				t.Errorf("%s: got %q %v (%v), want %q %v", name, sev, accident, err, p.Severity, p.Accident)
			}
		}
		for i := 0; i < len(v); i++ {
			if _, _, err := summaryFacts(v[:i], nil); err == nil {
				t.Errorf("%s truncated to %d bytes: no error", name, i)
			}
		}
		if _, _, err := summaryFacts(append(v, 0), nil); err == nil {
			t.Errorf("%s with a trailing byte: no error", name)
		}
		v1 := append([]byte{sumV1}, v[1:len(v)-1]...) // no flags byte
		if sev, accident, err := summaryFacts(v1, nil); err != nil || sev != p.Severity || accident {
			t.Errorf("%s as v1: got %q %v (%v), want %q and no accident flag", name, sev, accident, err, p.Severity)
		}
	}
}

// factsFixture writes 300 penalties of every severity, some with the
// accident flag, every fifth undisclosed and every fifth disclosed since
// the day before at, some sharing a number (on the quality list), and a
// licence among them; it returns the summaries by key.
func factsFixture(t *testing.T, db *DB, at time.Time) map[string]credit.PenaltySummary {
	t.Helper()
	sevs := []credit.Severity{credit.Minor, credit.General, credit.Serious}
	want := map[string]credit.PenaltySummary{}
	var changes []credit.Change
	for i := range 300 {
		r := penalty(fmt.Sprintf("P%04d", i), "320412", "2026-06-01")
		r.Severity = sevs[i%3]
		r.Accident = i%7 == 0
		switch i % 5 {
		case 0: // undisclosed
		case 1:
			r.Disclosed = credit.DateOf(at) // disclosed since the check's day: late
		default:
			r.Disclosed = credit.MustDate("2026-06-03")
		}
		if i%11 == 0 {
			r.DocNo = "常武应急罚〔2025〕共用号" // shared: on the quality list too
		}
		if i >= 290 {
			r.USCC = "bad" // a quality issue, at the end of the key range
		}
		changes = append(changes, upsert(r))
		want[r.Key()] = credit.Summarize(r)
	}
	applyAll(t, db, &credit.Page{Endpoint: "e", Feed: "penalty", Changes: changes, NextCursor: "c", FetchedAt: at})
	lic := &credit.Record{Kind: credit.Licence, ID: "L1", Dept: "320412", DocNo: "常武应急罚〔2025〕共用号", Decided: credit.MustDate("2026-06-01"), UpdatedAt: at}
	applyAll(t, db, &credit.Page{Endpoint: "e", Feed: "licence", Changes: []credit.Change{upsert(lic)}, NextCursor: "c", FetchedAt: at})
	return want
}

// checkFacts fails unless every penalty among d's undisclosed and late
// references has its summary's severity and accident flag, and there are
// as many as factsFixture made.
func checkFacts(t *testing.T, d *credit.CheckData, want map[string]credit.PenaltySummary) {
	t.Helper()
	n := 0
	for _, list := range [][]credit.RecordRef{d.Undisclosed, d.LateDisclosed} {
		for _, r := range list {
			if r.Kind != credit.Penalty {
				continue
			}
			n++
			if w := want[r.Key]; r.Severity != w.Severity || r.Accident != w.Accident {
				t.Errorf("%s: severity %q accident %v, want %q %v", r.Key, r.Severity, r.Accident, w.Severity, w.Accident)
			}
		}
	}
	if n != 60+60 {
		t.Errorf("%d penalty references, want 120: undisclosed %d, late %d", n, len(d.Undisclosed), len(d.LateDisclosed))
	}
}

// The undisclosed penalties carry their facts in their index entries, the
// late ones get them from their records.
func TestCheckDataPenaltyFacts(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	want := factsFixture(t, db, at)
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bUndisclosed).ForEach(func(k, v []byte) error {
			if r, known, err := decodeRef(k[4:], v, nil); err != nil || r.Kind == credit.Penalty && !known {
				t.Errorf("%s: undisclosed entry without its facts (%v)", k[4:], err)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CheckData(at.Add(-24 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	checkFacts(t, d, want)
}

// A schema-2 cache, whose undisclosed entries lack the facts: the check
// looks them up in the summaries, however they fall in key order; a
// read-only open leaves it as it is, the next open for writing adds them
// to the entries and makes it schema 3.
func TestCheckDataPenaltyFactsOfAnOlderCache(t *testing.T) {
	db, path := openTemp(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	want := factsFixture(t, db, at)
	var reps []credit.Change // open repairs under review, of every third penalty
	for i := 0; i < 300; i += 3 {
		rep := &credit.Repair{RecordKey: fmt.Sprintf("penalty/P%04d", i), Applied: credit.MustDate("2026-11-02")}
		reps = append(reps, credit.Change{Op: credit.OpUpsert, Key: rep.RecordKey, Repair: rep})
	}
	applyAll(t, db, &credit.Page{Endpoint: "e", Feed: "repair", Changes: reps, NextCursor: "r", FetchedAt: at})
	legacy := func(tx *bolt.Tx) error { // the entries as a schema-2 credwatch wrote them
		if err := legacyOpenRepairs(tx); err != nil {
			return err
		}
		b := tx.Bucket(bUndisclosed)
		var keys, vals [][]byte
		err := b.ForEach(func(k, v []byte) error {
			r, _, err := decodeRef(k[4:], v, nil)
			m := recMeta{Dept: r.Dept, Kind: r.Kind, Decided: r.Decided, Disclosed: r.Disclosed, Issues: r.Issues}
			keys, vals = append(keys, append([]byte(nil), k...)), append(vals, refValue(&m))
			return err
		})
		for i := range keys {
			if err == nil {
				err = b.Put(keys[i], vals[i])
			}
		}
		if err == nil {
			err = tx.Bucket(bMeta).Put(keySchema, []byte("2"))
		}
		return err
	}
	if err := db.update(legacy); err != nil {
		t.Fatal(err)
	}
	d, err := db.CheckData(at.Add(-24 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	checkFacts(t, d, want)
	checkRepairFacts(t, d, want, 100)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	lacking := func(db *DB) (n int) {
		t.Helper()
		err := db.view(func(tx *bolt.Tx) error {
			return tx.Bucket(bUndisclosed).ForEach(func(k, v []byte) error {
				if r, known, err := decodeRef(k[4:], v, nil); err != nil || r.Kind == credit.Penalty && !known {
					n++
				}
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := lacking(ro); n != 60 {
		t.Errorf("read-only open: %d entries lack their facts, want the 60 it may not rewrite", n)
	}
	ro.Close()
	rw, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if n := lacking(rw); n != 0 {
		t.Errorf("after an open for writing, %d entries lack their facts", n)
	}
	if known, _ := openFactsIn(t, rw); len(known) != 100 || slices.Contains(slices.Collect(maps.Values(known)), false) {
		t.Errorf("after an open for writing, open repairs carrying their facts: %v", known)
	}
	if err := rw.view(func(tx *bolt.Tx) error {
		if v := string(tx.Bucket(bMeta).Get(keySchema)); v != "3" {
			t.Errorf("schema %q after an open for writing, want 3", v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if d, err = rw.CheckData(at.Add(-24 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	checkFacts(t, d, want)
	checkRepairFacts(t, d, want, 100)
}

// legacyOpenRepairs rewrites the open_repairs entries as schema 2 did:
// the department, then the repair.
func legacyOpenRepairs(tx *bolt.Tx) error {
	b := tx.Bucket(bOpenRepairs)
	var keys, vals [][]byte
	err := b.ForEach(func(k, v []byte) error {
		e, err := decodeOpen(k, v, nil)
		keys, vals = append(keys, append([]byte(nil), k...)), append(vals, appendRepair(appendStr(nil, e.dept), &e.rep))
		return err
	})
	for i := range keys {
		if err == nil {
			err = b.Put(keys[i], vals[i])
		}
	}
	return err
}

// checkRepairFacts fails unless d lists n open repairs, each under review
// with its penalty's severity, decision date and accident flag.
func checkRepairFacts(t *testing.T, d *credit.CheckData, want map[string]credit.PenaltySummary, n int) {
	t.Helper()
	if len(d.Repairs) != n {
		t.Errorf("%d open repairs, want %d", len(d.Repairs), n)
	}
	for _, rr := range d.Repairs {
		w := want[rr.Repair.RecordKey]
		if p := rr.Penalty; p == nil || p.Severity != w.Severity || p.Decided != w.Decided || p.Accident != w.Accident || p.Dept != w.Dept {
			t.Errorf("%s: penalty %+v, want %+v", rr.Repair.RecordKey, p, w)
		}
	}
}

// recordFacts reads what decodeRecord does of the severity and accident
// flag; a value cut short gives an error or, cut after its flags byte,
// the same facts.
func TestRecordFacts(t *testing.T) {
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	for i, sev := range []credit.Severity{credit.Minor, credit.General, credit.Serious, ""} {
		r := penalty(fmt.Sprintf("P%d", i), "320412", "2026-06-01")
		r.Severity, r.Accident, r.PenaltyTypes, r.UpdatedAt = sev, i%2 == 0, []string{"警告", "罚款"}, at
		r.ValidUntil = credit.MustDate("2027-06-01")
		m := recMeta{Dept: r.Dept, Kind: r.Kind, ID: r.ID, DocNo: r.DocNo, Decided: r.Decided, Issues: []string{"uscc"}}
		v := appendRecord(nil, r, &m)
		for _, in := range []interner{nil, {}} {
			if s, a, err := recordFacts(v, in); err != nil || s != sev || a != r.Accident {
				t.Errorf("%q: got %q %v (%v), want %q %v", sev, s, a, err, sev, r.Accident)
			}
		}
		var back credit.Record
		if err := decodeRecord(v, &back, nil, nil); err != nil || back.Severity != sev || back.Accident != r.Accident {
			t.Fatalf("%q: the record decodes to %q %v (%v)", sev, back.Severity, back.Accident, err)
		}
		for n := 0; n < len(v); n++ {
			s, a, err := recordFacts(v[:n], nil)
			if err == nil && (s != sev || a != r.Accident) {
				t.Errorf("%q cut to %d bytes: %q %v and no error", sev, n, s, a)
			}
		}
	}
}

// A penalty rewritten with another severity or accident flag has them
// anew in its undisclosed entry; one disclosed since leaves the entry.
func TestUndisclosedFactsFollowTheRecord(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	r := penalty("P1", "320412", "2026-06-01")
	facts := func() (credit.Severity, bool, int) {
		t.Helper()
		d, err := db.CheckData(at.Add(-24 * time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Undisclosed) != 1 {
			return "", false, len(d.Undisclosed)
		}
		return d.Undisclosed[0].Severity, d.Undisclosed[0].Accident, 1
	}
	for i, step := range []struct {
		sev      credit.Severity
		accident bool
	}{{credit.General, false}, {credit.Minor, false}, {credit.Minor, true}, {credit.Serious, false}} {
		r.Severity, r.Accident = step.sev, step.accident
		r.UpdatedAt = at.Add(time.Duration(i) * time.Minute)
		applyAll(t, db, &credit.Page{Endpoint: "e", Feed: "penalty", Changes: []credit.Change{upsert(r)}, NextCursor: fmt.Sprint(i), FetchedAt: at})
		if sev, acc, n := facts(); n != 1 || sev != step.sev || acc != step.accident {
			t.Errorf("step %d: %d entries, %q %v; want %q %v", i, n, sev, acc, step.sev, step.accident)
		}
	}
	r.Disclosed = credit.MustDate("2026-06-05")
	applyAll(t, db, &credit.Page{Endpoint: "e", Feed: "penalty", Changes: []credit.Change{upsert(r)}, NextCursor: "d", FetchedAt: at})
	if _, _, n := facts(); n != 0 {
		t.Errorf("disclosed: %d undisclosed entries, want 0", n)
	}
}

// Every open repair with an application under review gets its penalty's
// summary, wherever the penalties fall in key order; one whose penalty is
// not cached, or already reviewed, gets none.
func TestCheckDataReviewedRepairsGetTheirPenalty(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	var pens, reps []credit.Change
	for i := range 200 {
		p := penalty(fmt.Sprintf("R%04d", i*37%1000), "320412", "2026-06-01")
		p.Severity = []credit.Severity{credit.Minor, credit.General, credit.Serious}[i%3]
		if i%9 != 0 { // every ninth penalty is not cached
			pens = append(pens, upsert(p))
		}
		rep := &credit.Repair{RecordKey: p.Key(), Applied: credit.MustDate("2026-11-02")}
		if i%4 == 0 {
			rep.Reviewed = credit.MustDate("2026-11-10")
		}
		reps = append(reps, credit.Change{Op: credit.OpUpsert, Key: rep.RecordKey, Repair: rep})
	}
	applyAll(t, db,
		&credit.Page{Endpoint: "e", Feed: "penalty", Changes: pens, NextCursor: "c", FetchedAt: at},
		&credit.Page{Endpoint: "e", Feed: "repair", Changes: reps, NextCursor: "c", FetchedAt: at})
	cached := map[string]credit.Severity{}
	for _, c := range pens {
		cached[c.Key] = c.Record.Severity
	}
	d, err := db.CheckData(at.Add(-24 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	with := 0
	for _, rr := range d.Repairs {
		sev, ok := cached[rr.Repair.RecordKey]
		switch want := ok && rr.Repair.Reviewed.IsZero(); {
		case want && (rr.Penalty == nil || rr.Penalty.Severity != sev || rr.Penalty.Key() != rr.Repair.RecordKey):
			t.Errorf("%s: penalty %+v, want its summary (%s)", rr.Repair.RecordKey, rr.Penalty, sev)
		case !want && rr.Penalty != nil:
			t.Errorf("%s: penalty %+v, want none (cached %v, reviewed %v)", rr.Repair.RecordKey, rr.Penalty, ok, rr.Repair.Reviewed)
		case want:
			with++
		}
	}
	if with < 100 {
		t.Errorf("%d of %d open repairs had their penalty: the fixture did not make what it meant to", with, len(d.Repairs))
	}
}

// openFactsIn returns, for each open_repairs entry, whether it carries its
// penalty's facts and the facts decoded (nil: not cached).
func openFactsIn(t *testing.T, db *DB) (known map[string]bool, facts map[string]*credit.PenaltySummary) {
	t.Helper()
	known, facts = map[string]bool{}, map[string]*credit.PenaltySummary{}
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bOpenRepairs).ForEach(func(k, v []byte) error {
			e, err := decodeOpen(k, v, nil)
			if err != nil {
				return err
			}
			known[string(k)] = e.known
			facts[string(k)], err = e.openFactsOf(string(k), nil)
			return err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return known, facts
}

// An open repair's entry follows its penalty: none before the penalty
// arrives, its department and facts once it does and whenever it changes,
// none again once it is deleted.
func TestOpenRepairFactsFollowThePenalty(t *testing.T) {
	db, _ := openTemp(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone)
	p := penalty("P1", "320412", "2026-06-01")
	rep := &credit.Repair{RecordKey: p.Key(), Applied: credit.MustDate("2026-11-02")}
	applyAll(t, db, &credit.Page{Endpoint: "e", Feed: "repair", Changes: []credit.Change{{Op: credit.OpUpsert, Key: rep.RecordKey, Repair: rep}}, NextCursor: "r", FetchedAt: at})
	expect := func(step string, want *credit.PenaltySummary) {
		t.Helper()
		known, facts := openFactsIn(t, db)
		got := facts[p.Key()]
		if !known[p.Key()] {
			t.Fatalf("%s: the entry does not carry its penalty's facts", step)
		}
		if (got == nil) != (want == nil) || got != nil && (got.Dept != want.Dept || got.Severity != want.Severity ||
			got.Decided != want.Decided || !slices.Equal(got.PenaltyTypes, want.PenaltyTypes) || got.Accident != want.Accident) {
			t.Errorf("%s: facts %+v, want %+v", step, got, want)
		}
		d, err := db.CheckData(at.Add(-24 * time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Repairs) != 1 || (d.Repairs[0].Penalty == nil) != (want == nil) {
			t.Fatalf("%s: check data repairs %+v", step, d.Repairs)
		}
		if wantDept := ""; want != nil && d.Repairs[0].Dept != want.Dept || want == nil && d.Repairs[0].Dept != wantDept {
			t.Errorf("%s: department %q", step, d.Repairs[0].Dept)
		}
	}
	expect("repair before its penalty", nil)
	for i, change := range []func(){
		func() {},
		func() { p.Severity = credit.Serious },
		func() { p.PenaltyTypes = []string{"警告", "罚款"} },
		func() { p.Accident = true },
		func() { p.Dept = "320411" },
		func() { p.Decided = credit.MustDate("2026-05-01") },
	} {
		change()
		p.UpdatedAt = at.Add(time.Duration(i) * time.Minute)
		applyAll(t, db, &credit.Page{Endpoint: "e", Feed: "penalty", Changes: []credit.Change{upsert(p)}, NextCursor: fmt.Sprint(i), FetchedAt: at})
		s := credit.Summarize(p)
		expect(fmt.Sprintf("penalty write %d", i), &s)
	}
	applyAll(t, db, &credit.Page{Endpoint: "e", Feed: "penalty", Changes: []credit.Change{{Op: credit.OpDelete, Key: p.Key()}}, NextCursor: "del", FetchedAt: at})
	expect("penalty deleted", nil)
}

// sharingCounts is credit.SharingEntry without Rejections: every other
// field, with its JSON name, so the check reads what the entry holds.
func TestSharingCountsMirrorsTheEntry(t *testing.T) {
	full, lean := reflect.TypeFor[credit.SharingEntry](), reflect.TypeFor[sharingCounts]()
	for i := range full.NumField() {
		f := full.Field(i)
		if f.Name == "Rejections" {
			continue
		}
		g, ok := lean.FieldByName(f.Name)
		if !ok || g.Type != f.Type || g.Tag.Get("json") != f.Tag.Get("json") {
			t.Errorf("sharingCounts lacks %s %v `json:%q`", f.Name, f.Type, f.Tag.Get("json"))
		}
	}
	if lean.NumField() != full.NumField()-1 {
		t.Errorf("sharingCounts has %d fields, want %d", lean.NumField(), full.NumField()-1)
	}
	e := credit.SharingEntry{Dept: "320412", Kind: credit.Penalty, Received: 5, Disclosed: 3, Rejected: 1,
		LastPush: time.Date(2026, 11, 30, 9, 0, 0, 0, credit.ChinaZone), UpdatedAt: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC),
		Rejections: []credit.Rejection{{RecordID: "P1", Reason: "缺少统一社会信用代码"}}}
	b, _ := json.Marshal(e)
	var s sharingCounts
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	want := e
	want.Rejections = nil
	got := s.entry()
	if !got.LastPush.Equal(want.LastPush) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("read back times %v %v, want %v %v", got.LastPush, got.UpdatedAt, want.LastPush, want.UpdatedAt)
	}
	got.LastPush, got.UpdatedAt = want.LastPush, want.UpdatedAt // JSON keeps the offset, not the zone's name
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %+v, want %+v", got, want)
	}
}
