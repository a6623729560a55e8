package sync

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// httpClientFor returns the HTTP client for one endpoint: the standard proxy
// environment variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) are honoured;
// a custom CA file is added to the system roots for intranet TLS; TLS
// verification is off only when the endpoint says so explicitly, and
// callers must show that (see Endpoint.InsecureSkipVerify). Redirects
// follow redirectPolicy.
func httpClientFor(ep *Endpoint, base *http.Client) (*http.Client, error) {
	origin, err := url.Parse(ep.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("endpoint %s: base URL: %w", ep.Name, err)
	}
	hc := *base
	hc.CheckRedirect = redirectPolicy(origin, base.CheckRedirect)
	if ep.CAFile == "" && !ep.InsecureSkipVerify {
		return &hc, nil
	}
	tr := pooledTransport()
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
	hc.Transport = tr
	return &hc, nil
}

// pooledTransport is Go's default transport (proxy from the environment)
// keeping up to feedFetchers idle connections to each host, not two: an
// endpoint's feeds are fetched at once (fetchOrdered), and the
// connections of one pass are reused by the next instead of being closed
// and opened anew (a TLS handshake each) every pass.
func pooledTransport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	tr.MaxIdleConnsPerHost = max(feedFetchers, http.DefaultMaxIdleConnsPerHost)
	return tr
}

// maxRedirects is how many redirects one request follows.
const maxRedirects = 5

// redirectPolicy is the CheckRedirect of an endpoint whose base URL is
// origin. The bearer token goes only to the configured origin (scheme,
// host and port): a redirect anywhere else is followed without the
// Authorization header (Go's client keeps it for the same host on another
// port or scheme). A redirect from https to http is refused outright, with
// an error naming both URLs (without their queries), as is a chain longer
// than maxRedirects. next, if set, is the base client's own policy.
func redirectPolicy(origin *url.URL, next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		from := via[len(via)-1].URL
		if len(via) > maxRedirects {
			return fmt.Errorf("stopped after %d redirects (last to %s)", maxRedirects, bareURL(req.URL))
		}
		if strings.EqualFold(from.Scheme, "https") && !strings.EqualFold(req.URL.Scheme, "https") ||
			strings.EqualFold(origin.Scheme, "https") && !strings.EqualFold(req.URL.Scheme, "https") {
			return fmt.Errorf("refused a redirect from %s to %s: it leaves https", bareURL(from), bareURL(req.URL))
		}
		if !sameOrigin(origin, req.URL) {
			req.Header.Del("Authorization")
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}

// sameOrigin compares scheme, host and port (the scheme's default port
// when none is given).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

// bareURL is u without its query, fragment and user information.
func bareURL(u *url.URL) string {
	c := *u
	c.RawQuery, c.Fragment, c.User = "", "", nil
	return c.String()
}
