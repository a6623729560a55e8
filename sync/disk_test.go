package sync

import (
	"context"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	"github.com/czyj/credwatch/sync/sim"
)

// TestFullDiskLeavesCacheConsistent syncs into a cache on a 1 MB tmpfs until
// the disk is full: the sync fails with an error naming the cache and the
// cause, the endpoint shows it, and the cache still opens with its records,
// indexes and aggregates agreeing. It needs to mount a tmpfs (root); where
// that is not allowed it says so and skips.
func TestFullDiskLeavesCacheConsistent(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v: %s); the full-disk drill needs root", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })

	s := sim.New(sim.Options{Seed: 6, Records: 3000, Today: testToday})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	path := filepath.Join(dir, "cache.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := New(db, hub(srv.URL), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	err = eng.SyncOnce(context.Background())
	if err == nil {
		t.Fatal("3000 records fit in 1 MB; the drill did not fill the disk")
	}
	if !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the cache and the cause", err)
	}
	st, _ := db.EndpointStatus("hub")
	t.Logf("endpoint status after the full disk: failures=%d error=%q", st.Failures, st.LastError)

	// The cache, still on the full disk, reads back consistent.
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatalf("cache unreadable after a full disk: %v", err)
	}
	total := 0
	for _, n := range snap.Counts {
		total += n
	}
	penalties := 0
	for _, d := range snap.Depts {
		penalties += d.Records[credit.Penalty]
	}
	if penalties != snap.Penalties.Len() {
		t.Errorf("aggregates say %d penalties, the cache holds %d", penalties, snap.Penalties.Len())
	}
	d, err := db.CheckData(testToday.Time())
	if err != nil {
		t.Fatalf("indexes unreadable: %v", err)
	}
	t.Logf("records stored before the disk filled: %d; check data reads (%d undisclosed)", total, len(d.Undisclosed))
}
