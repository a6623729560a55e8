package serve

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/czyj/credwatch/credit"
)

// TestServeSessionsShareOneReadModel (issue 20 item 1): an admin and two
// officers of 320412 share one read of the cache per data generation and
// one build of the tabs per scope; the officers, though they share the
// server's model with the admin, find no row of another district by the
// filter or by a jump to its document number, while the admin does; a new
// generation (an action recorded) is read once more and built once more
// per scope, not once per session.
func TestServeSessionsShareOneReadModel(t *testing.T) {
	f := startServeWith(t, serveOpts{extra: 1})
	snap, err := f.db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	ours := map[string]bool{}
	var mine string // a penalty of 320412
	for i := range snap.Penalties.Len() {
		if p := snap.Penalties.At(i); p.Dept == "320412" {
			ours[p.SubjectName], ours[p.DocNo] = true, true
			mine = p.Key()
		}
	}
	var other credit.PenaltySummary
	for i := range snap.Penalties.Len() {
		if p := snap.Penalties.At(i); p.Dept != "320412" && !ours[p.SubjectName] && !ours[p.DocNo] && p.DocNo != "" && !strings.ContainsAny(p.SubjectName, " （(") {
			other = p
			break
		}
	}
	if other.ID == "" || mine == "" {
		t.Fatal("the fixture has no penalty of 320412 or none of another district")
	}

	adm := f.terminal(t, "admin", nil)
	adm.waitFor(t, 10*time.Second, "每日核查")
	off := f.terminal(t, "officer", nil)
	ext := f.terminal(t, "extra0", nil)
	off.waitFor(t, 10*time.Second, "每日核查")
	ext.waitFor(t, 10*time.Second, "每日核查")
	eventually(t, 15*time.Second, "the tabs of both scopes built", func() bool { return f.srv.shared.Builds() >= 2 })
	time.Sleep(time.Second) // every session's full load has ended
	if r, b, sf := f.srv.reads.Reads(), f.srv.shared.Builds(), f.srv.reads.ScopeFilters(); r != 1 || b != 2 || sf != 1 {
		t.Errorf("3 sessions of 2 scopes: %d reads of the penalties, %d builds of the tabs, %d scope filters; want 1, 2, 1", r, b, sf)
	}
	if c := f.srv.reads.CheckReads(); c != 1 {
		t.Errorf("3 sessions read the check data %d times, want once", c)
	}

	// The repair tab, filtered by the other district's company.
	for _, tm := range []*terminal{adm, off} {
		tm.send(t, "4", "/", other.SubjectName, "\r")
	}
	off.waitFor(t, 10*time.Second, "没有符合筛选的行")
	adm.waitFor(t, 10*time.Second, other.DocNo)
	// A jump to its document number.
	off.send(t, ":", other.DocNo, "\r")
	off.waitFor(t, 10*time.Second, "未找到："+other.DocNo)
	adm.send(t, "\x1b", ":", other.DocNo, "\r")
	adm.waitFor(t, 10*time.Second, "详情："+other.SubjectName)

	// A new generation (one of 320412's penalties changed, and a pass
	// done that every session is told of): every session reloads; the
	// model reads once more and builds once more per scope.
	recs, err := f.db.Records([]string{mine})
	if err != nil || len(recs) != 1 {
		t.Fatalf("records of %s: %v, %v", mine, recs, err)
	}
	rec := recs[0]
	rec.SubjectName += "（更名）"
	if err := f.db.ApplyPage(&credit.Page{Endpoint: "hub", Feed: string(credit.Penalty), FetchedAt: time.Now(),
		Changes: []credit.Change{{Op: credit.OpUpsert, Key: rec.Key(), Record: &rec}}}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.AppendEvent(credit.Event{At: time.Now(), Type: credit.EventDone, Endpoint: "hub"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 15*time.Second, "the new generation read and built", func() bool { return f.srv.reads.Reads() >= 2 && f.srv.shared.Builds() >= 4 })
	time.Sleep(time.Second)
	if r, b, sf := f.srv.reads.Reads(), f.srv.shared.Builds(), f.srv.reads.ScopeFilters(); r != 2 || b != 4 || sf != 2 {
		t.Errorf("after a new generation: %d reads, %d builds, %d scope filters; want 2, 4, 2", r, b, sf)
	}
	for _, tm := range []*terminal{off, ext} {
		s := ansi.Strip(tm.out.String())
		// The officer typed its name and document number; its id and
		// credit code would be on a row or in a detail.
		if strings.Contains(s, other.ID) || other.USCC != "" && strings.Contains(s, other.USCC) {
			t.Errorf("an officer of 320412 was shown %s of %s", other.ID, other.Dept)
		}
	}
	adm.quit(t)
	off.quit(t)
	ext.quit(t)
}
