//go:build linux

package sqlsource

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/sim"
)

// testCA makes a CA and a server certificate for 127.0.0.1 signed by it,
// written as PEM files into dir (owned by owner when run as root, as the
// server requires of its key). It returns the CA's file.
func testCA(t *testing.T, dir, owner string) (caFile, certFile, keyFile string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "credwatch test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	srvKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srv := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	srvDER, err := x509.CreateCertificate(rand.Reader, srv, ca, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(srvKey)
	write := func(name, typ string, der []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		if os.Geteuid() == 0 {
			if u, err := user.Lookup(owner); err == nil {
				uid, _ := strconv.Atoi(u.Uid)
				gid, _ := strconv.Atoi(u.Gid)
				os.Chown(path, uid, gid)
			}
		}
		return path
	}
	return write("ca.crt", "CERTIFICATE", caDER), write("server.crt", "CERTIFICATE", srvDER), write("server.key", "EC PRIVATE KEY", keyDER)
}

// tls = "verify-full" reads a TLS PostgreSQL with the configured CA, and
// refuses one whose certificate another CA signed (which also shows the
// connection negotiated TLS: the certificate was checked).
func TestPostgresTLSVerifyFull(t *testing.T) {
	certDir, err := os.MkdirTemp("", "credwatch-tls-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(certDir) })
	os.Chmod(certDir, 0o755)
	_, certFile, keyFile := testCA(t, certDir, "postgres")
	d := startPostgres(t, "-c", "ssl=on", "-c", "ssl_cert_file="+certFile, "-c", "ssl_key_file="+keyFile)
	var script bytes.Buffer
	if err := WriteSQL(&script, Postgres, sim.New(sim.Options{Seed: 2, Records: 60, Today: testToday}).Records()); err != nil {
		t.Fatal(err)
	}
	d.exec(t, script.String())
	caFile := filepath.Join(certDir, "ca.crt")
	other, err := os.MkdirTemp("", "credwatch-tls-other-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(other) })
	wrongCA, _, _ := testCA(t, other, "postgres")
	dsn := strings.Replace(d.adminDSN, "sslmode=disable", "sslmode=prefer", 1)
	tables := map[credit.Kind]Table{credit.Penalty: {Name: DefaultTableNames[credit.Penalty], Deleted: FixtureDeleted}}
	for _, tc := range []struct {
		name, ca string
		ok       bool
	}{{"the bureau's CA", caFile, true}, {"another CA", wrongCA, false}} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			src, err := Open(Config{Name: "qzk", Driver: Postgres, DSN: dsn, TLS: "verify-full", CAFile: tc.ca, Tables: tables, Now: c.now, QueryTimeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			page, err := src.ReadPage(context.Background(), "penalty", "", 10)
			switch {
			case tc.ok && err != nil:
				t.Fatalf("verify-full with the server's CA: %v", err)
			case tc.ok && len(page.Items) == 0:
				t.Fatal("verify-full with the server's CA read no rows")
			case !tc.ok && (err == nil || !strings.Contains(err.Error(), "certificate")):
				t.Fatalf("verify-full with another CA: %v, want a certificate error", err)
			}
		})
	}
}
