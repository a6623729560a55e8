package sqlsource

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/store"
	credsync "github.com/czyj/credwatch/sync"
	"github.com/czyj/credwatch/sync/sim"
)

var testToday = credit.MustDate("2026-11-30")

func feeds() []string {
	var out []string
	for _, k := range credit.Kinds {
		out = append(out, string(k))
	}
	return out
}

func openStore(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "cache.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// clock is a settable clock for the engine and the source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newClock() *clock { return &clock{testToday.Time().Add(10 * time.Hour)} }

func sqlEngine(t testing.TB, db *store.DB, src *Source, c *clock) *credsync.Engine {
	t.Helper()
	eng, err := credsync.New(db, []credsync.Endpoint{{Name: "qzk", Feeds: feeds(), PageSize: 97, Source: src}}, credsync.Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

func openSource(t testing.TB, driver, dsn string, c *clock, full time.Duration) *Source {
	t.Helper()
	tables := map[credit.Kind]Table{}
	for k, n := range DefaultTableNames {
		tables[k] = Table{Name: n, Deleted: FixtureDeleted}
	}
	src, err := Open(Config{Name: "qzk", Driver: driver, DSN: dsn, Tables: tables, Now: c.now, FullEvery: full, QueryTimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// simStore is the simulator's records synced over the agency API.
func simStore(t testing.TB, s *sim.Sim) *store.DB {
	t.Helper()
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	db := openStore(t)
	c := newClock()
	// The simulator's server_time is its day at the real time of day: the
	// clock check compares with that, whatever the hour the test runs at.
	simClock := func() time.Time {
		h, m, sec := time.Now().In(credit.ChinaZone).Clock()
		return testToday.Time().Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second)
	}
	eng, err := credsync.New(db, []credsync.Endpoint{{Name: "hub", BaseURL: srv.URL, Feeds: feeds(), PageSize: 97}},
		credsync.Options{Now: c.now, ServerClock: simClock})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func recordJSON(t testing.TB, r credit.Record) string {
	r.UpdatedAt = r.UpdatedAt.UTC()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sameRecords checks that both caches hold every record of recs, equal.
func sameRecords(t testing.TB, recs []credit.Record, viaAPI, viaSQL *store.DB) {
	t.Helper()
	keys := make([]string, len(recs))
	for i, r := range recs {
		keys[i] = r.Key()
	}
	a, err := viaAPI.Records(keys)
	if err != nil {
		t.Fatal(err)
	}
	b, err := viaSQL.Records(keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(recs) || len(b) != len(recs) {
		t.Fatalf("records: %d in the simulator, %d synced from the API, %d from the database", len(recs), len(a), len(b))
	}
	diffs := 0
	for i := range a {
		ja, jb := recordJSON(t, a[i]), recordJSON(t, b[i])
		if ja != jb {
			if diffs++; diffs <= 3 {
				t.Errorf("record %s differs:\n API: %s\n SQL: %s", keys[i], ja, jb)
			}
		}
	}
	if diffs > 0 {
		t.Fatalf("%d of %d records differ", diffs, len(recs))
	}
}

// driveSource runs the shared scenario against a database holding the
// simulator's records as WriteSQL writes them: a first sync equal to the
// API's, then an update, a flagged deletion and a bad row, then a row
// deleted outright, found by the periodic full comparison.
func driveSource(t testing.TB, driver string, load func(script string), update func(stmt string), readerDSN string) {
	s := sim.New(sim.Options{Seed: 5, Records: 1200, Today: testToday})
	recs := s.Records()
	var script bytes.Buffer
	if err := WriteSQL(&script, driver, recs); err != nil {
		t.Fatal(err)
	}
	load(script.String())

	c := newClock()
	src := openSource(t, driver, readerDSN, c, 24*time.Hour)
	db := openStore(t)
	eng := sqlEngine(t, db, src, c)
	ctx := context.Background()
	if err := eng.SyncOnce(ctx); err != nil {
		t.Fatalf("first sync: %v", err)
	}
	sameRecords(t, recs, simStore(t, s), db)
	if q, _ := db.Quarantine(); len(q) != 0 {
		t.Fatalf("quarantined %d rows of valid data, first: %+v", len(q), q[0])
	}
	st, _ := db.EndpointStatus("qzk")
	if st.Failures != 0 || st.LastSuccess.IsZero() {
		t.Fatalf("status after a complete pass: %+v", st)
	}

	// Changes at the source.
	var pen, gone, dropped credit.Record
	for _, r := range recs {
		if r.Kind == credit.Penalty {
			switch {
			case pen.ID == "":
				pen = r
			case gone.ID == "":
				gone = r
			case dropped.ID == "":
				dropped = r
			}
		}
	}
	// Later than every row the source holds: the simulator stamps its rows
	// up to the time of day it was made at, so a fixed time of day would be
	// in the past of the cursor in the afternoon.
	var newest time.Time
	for _, r := range recs {
		if r.UpdatedAt.After(newest) {
			newest = r.UpdatedAt
		}
	}
	later := "'" + newest.Add(time.Minute).In(credit.ChinaZone).Format("2006-01-02 15:04:05") + "'"
	update("UPDATE cf_xzcf SET CF_XDR_MC = '改名后的公司  ', UPDATED_AT = " + later + " WHERE ID = '" + pen.ID + "'")
	update("UPDATE cf_xzcf SET SCBZ = '1', UPDATED_AT = " + later + " WHERE ID = '" + gone.ID + "'")
	update("INSERT INTO cf_xzcf (ID, DEPT, UPDATED_AT, CF_WSH, CF_JDRQ) VALUES ('CF-BAD-1', '320412', " + later + ", '常武应急罚〔2026〕999号', '2026-02-30')")
	if err := eng.SyncOnce(ctx); err != nil {
		t.Fatalf("incremental sync: %v", err)
	}
	if r, ok, _ := db.Record(pen.Key()); !ok || r.SubjectName != "改名后的公司" {
		t.Errorf("updated row: %q, %v; want 改名后的公司", r.SubjectName, ok)
	}
	if _, ok, _ := db.Record(gone.Key()); ok {
		t.Errorf("row flagged deleted (%s) is still cached", gone.Key())
	}
	q, _ := db.Quarantine()
	if len(q) != 1 || q[0].Key != "penalty/CF-BAD-1" || !strings.Contains(q[0].Reason, "table cf_xzcf") ||
		!strings.Contains(strings.ToUpper(q[0].Reason), "CF_JDRQ") || !strings.Contains(q[0].Raw, "2026-02-30") {
		t.Fatalf("quarantine after a bad row: %+v", q)
	}

	// A row deleted outright leaves no trace in the change column: only
	// the periodic full comparison finds it, and keeps the rest meanwhile.
	update("DELETE FROM cf_xzcf WHERE ID = '" + dropped.ID + "'")
	if err := eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.Record(dropped.Key()); !ok {
		t.Fatalf("%s forgotten before a full comparison was due", dropped.Key())
	}
	c.t = c.t.Add(25 * time.Hour)
	if err := eng.SyncOnce(ctx); err != nil {
		t.Fatalf("sync with a full comparison: %v", err)
	}
	if _, ok, _ := db.Record(dropped.Key()); ok {
		t.Errorf("%s deleted at the source is still cached after the full comparison", dropped.Key())
	}
	if r, ok, _ := db.Record(pen.Key()); !ok || r.SubjectName != "改名后的公司" {
		t.Errorf("full comparison lost %s", pen.Key())
	}
	if st, _ := db.EndpointStatus("qzk"); st.Failures != 0 {
		t.Errorf("status after the full comparison: %+v", st)
	}
}

func TestSQLiteSourceMatchesAPI(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qzk.db")
	rw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	run := func(s string) {
		t.Helper()
		if _, err := rw.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	driveSource(t, SQLite, run, run, path)
}

func TestCheckReadOnly(t *testing.T) {
	for _, q := range []string{"SELECT a FROM t", " select * from t where 1=0", "SELECT a FROM t ORDER BY a LIMIT $1"} {
		if err := checkReadOnly(q); err != nil {
			t.Errorf("%q refused: %v", q, err)
		}
	}
	for _, q := range []string{"INSERT INTO t VALUES (1)", "UPDATE t SET a=1", "DELETE FROM t", "DROP TABLE t",
		"SELECT 1; DELETE FROM t", "SELECT a FROM t FOR UPDATE", "SELECT a INTO b FROM t", "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x",
		"CALL p()", "COPY t FROM '/x'", ""} {
		if err := checkReadOnly(q); !errors.Is(err, ErrNotReadOnly) {
			t.Errorf("%q: got %v, want ErrNotReadOnly", q, err)
		}
	}
}

// TestSQLiteWritesRefused: the guard refuses a write before it reaches the
// database, and the connection itself refuses one that bypasses the guard.
func TestSQLiteWritesRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qzk.db")
	rw, _ := sql.Open("sqlite", "file:"+path)
	if _, err := rw.Exec("CREATE TABLE cf_xzcf (ID text primary key, DEPT text, UPDATED_AT text, CF_JDRQ text)"); err != nil {
		t.Fatal(err)
	}
	rw.Close()
	src := openSource(t, SQLite, path, newClock(), 0)
	assertWritesRefused(t, src, "INSERT INTO cf_xzcf (ID) VALUES ('x')")
}

func assertWritesRefused(t testing.TB, src *Source, write string) {
	t.Helper()
	ctx := context.Background()
	if err := src.query(ctx, write, nil, nil); !errors.Is(err, ErrNotReadOnly) {
		t.Errorf("the query path ran %q: %v", write, err)
	}
	if _, err := src.db.ExecContext(ctx, write); err == nil {
		t.Errorf("the source's connection accepted %q outside the query path", write)
	}
	tx, err := src.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: src.dia.name != SQLite})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, write); err == nil {
		t.Errorf("a read-only transaction of the source accepted %q", write)
	}
}

func TestFields(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{
		{"2025-12-10", "2025-12-10"}, {"２０２５－１２－１０", "2025-12-10"}, {"2025/12/10", "2025-12-10"},
		{"2025年12月10日", "2025-12-10"}, {"20251210 ", "2025-12-10"}, {"2025-12-10 08:30:00", "2025-12-10"},
		{"长期", "2099-12-31"}, {"2025-1-2", "2025-01-02"}, {"２０２５年１２月１０日", "2025-12-10"}, {"2025.12.10T08:00", "2025-12-10"}, {time.Date(2025, 12, 10, 0, 0, 0, 0, time.UTC), "2025-12-10"},
		{time.Date(2025, 12, 9, 17, 0, 0, 0, time.FixedZone("X", 0)).In(time.FixedZone("Y", 3600)), "2025-12-10"},
	} {
		d, err := cell{tc.in}.date()
		if err != nil || d.String() != tc.want {
			t.Errorf("date(%v) = %v, %v; want %s", tc.in, d, err, tc.want)
		}
	}
	for _, bad := range []string{"2026-02-30", "明天", "2025-13-01", "12/10/2025", "2025--12-10", "2025-12-10-1", "202512100", "25-12-10"} {
		if d, err := (cell{bad}).date(); err == nil {
			t.Errorf("date(%q) = %v, want an error", bad, d)
		}
	}
	for in, want := range map[any]int64{"30.9": 309000, "３０．９": 309000, " 0.05 ": 500, "1.23456": 12346, "2万元": 20000, int64(3): 30000, 0.5: 5000} {
		if got, err := (cell{in}).wanYuan(); err != nil || got != want {
			t.Errorf("wanYuan(%v) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"-1", "三万", "1e999999"} {
		if _, err := (cell{bad}).wanYuan(); err == nil {
			t.Errorf("wanYuan(%q) accepted", bad)
		}
	}
	if got := splitList("警告；罚款、 责令停产停业 "); strings.Join(got, "|") != "警告|罚款|责令停产停业" {
		t.Errorf("splitList: %q", got)
	}
	if got := (cell{[]byte("江苏某某公司　  ")}).text(); got != "江苏某某公司" {
		t.Errorf("text trims: %q", got)
	}
}

func TestRedact(t *testing.T) {
	src, err := Open(Config{Name: "x", Driver: Postgres, DSN: "postgres://reader:Very$ecret@db.example:5432/qzk"})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for _, s := range []string{
		"connect postgres://reader:Very$ecret@db.example:5432/qzk failed",
		"password=Very$ecret host=db", "auth failed for Very$ecret", "mysql://a:b@tcp(x)/y",
	} {
		got := src.redact(s)
		if strings.Contains(got, "Very$ecret") || strings.Contains(got, ":b@") {
			t.Errorf("redact(%q) = %q", s, got)
		}
	}
}

// TestDatabaseDownIsAnEndpointFailure: nothing listens where the DSN
// points; the pass fails, is counted, and the error carries no secret.
func TestDatabaseDownIsAnEndpointFailure(t *testing.T) {
	for _, driver := range []string{Postgres, MySQL} {
		t.Run(driver, func(t *testing.T) {
			dsn := "postgres://credwatch:Top-Secret-9@127.0.0.1:1/qzk?sslmode=disable&connect_timeout=2"
			if driver == MySQL {
				dsn = "credwatch:Top-Secret-9@tcp(127.0.0.1:1)/qzk?timeout=2s"
			}
			c := newClock()
			src := openSource(t, driver, dsn, c, 0)
			db := openStore(t)
			eng := sqlEngine(t, db, src, c)
			err := eng.SyncOnce(context.Background())
			if err == nil {
				t.Fatal("a pass against a database that is down succeeded")
			}
			st, _ := db.EndpointStatus("qzk")
			if st.Failures != 1 || st.LastError == "" {
				t.Fatalf("status: %+v", st)
			}
			if strings.Contains(st.LastError, "Top-Secret-9") || strings.Contains(err.Error(), "Top-Secret-9") {
				t.Fatalf("the password leaked: %q / %v", st.LastError, err)
			}
			if got := credit.JudgeEndpoint(st, feeds(), 30*time.Second, c.now()); got != credit.StateFailing {
				t.Errorf("judged %v, want failing", got)
			}
		})
	}
}

func TestOpenRefusesBadConfig(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, []byte("not a certificate"), 0o600)
	for name, cfg := range map[string]Config{
		"driver":       {Driver: "oracle", DSN: "x"},
		"tls mode":     {Driver: Postgres, DSN: "postgres://u:pw-1@h/d", TLS: "prefer"},
		"no CA in it":  {Driver: Postgres, DSN: "postgres://u:pw-1@h/d", TLS: "verify-full", CAFile: ca},
		"missing CA":   {Driver: MySQL, DSN: "u:pw-1@tcp(h:3306)/d", TLS: "verify-full", CAFile: ca + ".none"},
		"table name":   {Driver: SQLite, DSN: "x.db", Tables: map[credit.Kind]Table{credit.Penalty: {Name: "cf; DROP TABLE x"}}},
		"column name":  {Driver: SQLite, DSN: "x.db", Tables: map[credit.Kind]Table{credit.Penalty: {Name: "cf", Change: "a b"}}},
		"unknown kind": {Driver: SQLite, DSN: "x.db", Tables: map[credit.Kind]Table{"sharing": {Name: "t"}}},
		"mysql DSN":    {Driver: MySQL, DSN: "u:pw-1@h/d?x"},
	} {
		t.Run(name, func(t *testing.T) {
			src, err := Open(cfg)
			if err == nil {
				src.Close()
				t.Fatal("opened")
			}
			if strings.Contains(err.Error(), "pw-1") {
				t.Errorf("the password leaked: %v", err)
			}
		})
	}
	src, err := Open(Config{Driver: Postgres, DSN: "postgres://u:pw-1@db.example/d", TLS: "verify-full"})
	if err != nil {
		t.Fatal(err)
	}
	src.Close()
}
