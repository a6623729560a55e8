package sync

import (
	"context"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/czyj/credwatch/sync/sim"
)

func TestIntranetTLS(t *testing.T) {
	s := sim.New(sim.Options{Seed: 2, Records: 50, Today: testToday})
	srv := httptest.NewTLSServer(s.Handler())
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(t.TempDir(), "junk.pem")
	os.WriteFile(junk, []byte("not a certificate"), 0o600)

	cases := []struct {
		name    string
		ep      Endpoint
		wantErr string // "" = sync succeeds
		newErr  string // error from New
	}{
		{"unknown CA is refused", Endpoint{}, "certificate", ""},
		{"custom CA file", Endpoint{CAFile: caFile}, "", ""},
		{"verification off", Endpoint{InsecureSkipVerify: true}, "", ""},
		{"missing CA file", Endpoint{CAFile: "/nonexistent/ca.pem"}, "", "read CA file"},
		{"CA file without certificates", Endpoint{CAFile: junk}, "", "no PEM certificate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ep := c.ep
			ep.Name, ep.BaseURL, ep.Feeds = "tls", srv.URL, []string{"penalty"}
			eng, err := New(openStore(t), []Endpoint{ep}, Options{Now: testNow})
			if c.newErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.newErr) {
					t.Fatalf("New err = %v, want %q", err, c.newErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			err = eng.SyncOnce(context.Background())
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("sync failed: %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Errorf("err = %v, want %q", err, c.wantErr)
			}
		})
	}
}
