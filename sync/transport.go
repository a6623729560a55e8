package sync

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
)

// httpClientFor returns the HTTP client for one endpoint: the standard proxy
// environment variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) are honoured;
// a custom CA file is added to the system roots for intranet TLS; TLS
// verification is off only when the endpoint says so explicitly, and
// callers must show that (see Endpoint.InsecureSkipVerify).
func httpClientFor(ep *Endpoint, base *http.Client) (*http.Client, error) {
	if ep.CAFile == "" && !ep.InsecureSkipVerify {
		return base, nil
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if ep.CAFile != "" {
		pem, err := os.ReadFile(ep.CAFile)
		if err != nil {
			return nil, fmt.Errorf("endpoint %s: read CA file: %w", ep.Name, err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("endpoint %s: CA file %s holds no PEM certificate", ep.Name, ep.CAFile)
		}
		cfg.RootCAs = pool
	}
	cfg.InsecureSkipVerify = ep.InsecureSkipVerify
	tr.TLSClientConfig = cfg
	return &http.Client{Transport: tr}, nil
}
