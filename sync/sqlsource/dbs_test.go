//go:build linux

package sqlsource

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// The real-database tests start their own PostgreSQL and MariaDB servers
// from the distribution's packages: on loopback, on a free port, in a
// throwaway directory, as an unprivileged user when run as root, and stop
// them when the test ends. Without the packages they skip, unless
// CREDWATCH_REQUIRE_DBS is set (.ci/run sets it after installing them).

func skipOrFail(t testing.TB, format string, a ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, a...)
	if os.Getenv("CREDWATCH_REQUIRE_DBS") != "" {
		t.Fatal(msg + " (CREDWATCH_REQUIRE_DBS is set)")
	}
	t.Skip(msg)
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// serverDir is a throwaway directory the server's user can use.
func serverDir(t testing.TB, owner string) (string, *syscall.Credential) {
	t.Helper()
	dir, err := os.MkdirTemp("", "credwatch-db-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() != 0 {
		return dir, nil
	}
	u, err := user.Lookup(owner)
	if err != nil {
		skipOrFail(t, "running as root and there is no user %s to run the database server as", owner)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	return dir, &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
}

func command(cred *syscall.Credential, name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	c.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	return c
}

// startServer runs cmd until the test ends, and waits until ping works.
func startServer(t testing.TB, what string, cmd *exec.Cmd, logf string, ping func() error) {
	t.Helper()
	out, err := os.Create(logf)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", what, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		out.Close()
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		err := ping()
		if err == nil {
			return
		}
		select {
		case <-done:
			b, _ := os.ReadFile(logf)
			t.Fatalf("%s exited: %s", what, b)
		default:
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logf)
			t.Fatalf("%s did not come up in 60s: %v\n%s", what, err, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// testDB is a running database server: a DSN for its administrator and
// one for credwatch's read-only account, and how to run a script.
type testDB struct {
	driver    string
	adminDSN  string
	readerDSN string
}

func (d *testDB) exec(t testing.TB, script string) {
	t.Helper()
	db, err := sql.Open(map[string]string{Postgres: "pgx", MySQL: "mysql"}[d.driver], d.adminDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(script); err != nil {
		t.Fatalf("run script on %s: %v", d.driver, err)
	}
}

func startPostgres(t testing.TB, extra ...string) *testDB {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		skipOrFail(t, "PostgreSQL is not installed: apt-get install postgresql (.ci/run does)")
	}
	bin := filepath.Dir(bins[len(bins)-1])
	dir, cred := serverDir(t, "postgres")
	data := filepath.Join(dir, "data")
	if out, err := command(cred, filepath.Join(bin, "initdb"), "-D", data, "-U", "admin", "--auth=trust", "-E", "UTF8", "--locale=C").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	port := freePort(t)
	cmd := command(cred, filepath.Join(bin, "postgres"), append([]string{"-D", data, "-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off"}, extra...)...)
	d := &testDB{driver: Postgres,
		adminDSN:  fmt.Sprintf("postgres://admin@127.0.0.1:%d/postgres?sslmode=disable", port),
		readerDSN: fmt.Sprintf("postgres://credwatch:s3cret-pw@127.0.0.1:%d/postgres?sslmode=disable", port)}
	startServer(t, "postgres", cmd, filepath.Join(dir, "log"), func() error {
		db, err := sql.Open("pgx", d.adminDSN)
		if err != nil {
			return err
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		return db.PingContext(ctx)
	})
	return d
}

func startMariaDB(t testing.TB) *testDB {
	t.Helper()
	server, err := exec.LookPath("mariadbd")
	if err != nil {
		if _, err2 := os.Stat("/usr/sbin/mariadbd"); err2 != nil {
			skipOrFail(t, "MariaDB is not installed: apt-get install mariadb-server (.ci/run does)")
		}
		server = "/usr/sbin/mariadbd"
	}
	installer, err := exec.LookPath("mariadb-install-db")
	if err != nil {
		skipOrFail(t, "mariadb-install-db is missing: apt-get install mariadb-server")
	}
	dir, _ := serverDir(t, "mysql")
	data := filepath.Join(dir, "data")
	args := []string{"--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=normal", "--skip-test-db"}
	userArgs := []string{}
	if os.Geteuid() == 0 {
		userArgs = []string{"--user=mysql"}
	}
	if out, err := exec.Command(installer, append(args, userArgs...)...).CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	port := freePort(t)
	cmd := exec.Command(server, append([]string{"--no-defaults", "--datadir=" + data, "--port=" + strconv.Itoa(port),
		"--bind-address=127.0.0.1", "--socket=" + filepath.Join(dir, "sock"), "--pid-file=" + filepath.Join(dir, "pid"),
		"--skip-log-bin", "--innodb-buffer-pool-size=64M", "--innodb-flush-log-at-trx-commit=0", "--skip-name-resolve"}, userArgs...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	d := &testDB{driver: MySQL,
		adminDSN:  fmt.Sprintf("root@tcp(127.0.0.1:%d)/?multiStatements=true", port),
		readerDSN: fmt.Sprintf("credwatch:s3cret-pw@tcp(127.0.0.1:%d)/qzk", port)}
	startServer(t, "mariadbd", cmd, filepath.Join(dir, "log"), func() error {
		db, err := sql.Open("mysql", d.adminDSN)
		if err != nil {
			return err
		}
		defer db.Close()
		return db.Ping()
	})
	d.exec(t, "CREATE DATABASE qzk CHARACTER SET utf8mb4")
	d.adminDSN = strings.Replace(d.adminDSN, ")/?", ")/qzk?", 1)
	return d
}

// grantReader creates credwatch's account with SELECT on the tables only.
func (d *testDB) grantReader(t testing.TB) {
	t.Helper()
	switch d.driver {
	case Postgres:
		d.exec(t, "DROP ROLE IF EXISTS credwatch; CREATE ROLE credwatch LOGIN PASSWORD 's3cret-pw'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO credwatch")
	case MySQL:
		d.exec(t, "CREATE USER IF NOT EXISTS 'credwatch'@'%' IDENTIFIED BY 's3cret-pw'; GRANT SELECT ON qzk.* TO 'credwatch'@'%'")
	}
}

func TestPostgresSourceMatchesAPI(t *testing.T) {
	d := startPostgres(t)
	driveSource(t, Postgres, func(s string) { d.exec(t, s); d.grantReader(t) }, func(s string) { d.exec(t, s) }, d.readerDSN)
}

func TestMariaDBSourceMatchesAPI(t *testing.T) {
	d := startMariaDB(t)
	driveSource(t, MySQL, func(s string) { d.exec(t, s); d.grantReader(t) }, func(s string) { d.exec(t, s) }, d.readerDSN)
}

// TestRealDatabasesRefuseWrites connects as the administrator, who may
// write: only credwatch's own guard, session and transactions stop it.
func TestRealDatabasesRefuseWrites(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start func(testing.TB) *testDB
	}{{"postgres", func(t testing.TB) *testDB { return startPostgres(t) }}, {"mariadb", startMariaDB}} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.start(t)
			d.exec(t, "CREATE TABLE cf_xzcf (ID varchar(64) PRIMARY KEY, DEPT text, UPDATED_AT timestamp, CF_JDRQ text)")
			src := openSource(t, d.driver, d.adminDSN, newClock(), 0)
			if d.driver == Postgres {
				// The session is read-only: even a statement outside any
				// explicit transaction is refused.
				assertWritesRefused(t, src, "INSERT INTO cf_xzcf (ID) VALUES ('x')")
				return
			}
			// MySQL has no read-only session default credwatch can set on
			// every server; the guard and READ ONLY transactions stop it.
			ctx := context.Background()
			if err := src.query(ctx, "INSERT INTO cf_xzcf (ID) VALUES ('x')", nil, nil); !errors.Is(err, ErrNotReadOnly) {
				t.Errorf("query path: %v", err)
			}
			tx, err := src.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if _, err := tx.ExecContext(ctx, "INSERT INTO cf_xzcf (ID) VALUES ('x')"); err == nil {
				t.Error("a READ ONLY transaction accepted an INSERT")
			}
		})
	}
}
