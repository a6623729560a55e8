package sync

import (
	"regexp"
	"strings"
)

// bearerPattern matches an Authorization value quoted in a text: "Bearer"
// and the credential that follows it.
var bearerPattern = regexp.MustCompile(`(?i)\bbearer[\s:=]+[A-Za-z0-9\-._~+/]+=*`)

// redacted replaces a secret in texts.
const redacted = "[redacted]"

// redact removes the endpoint's token, and anything shaped like a bearer
// credential, from s. Every error text the engine stores or shows passes
// through it: an endpoint (or a proxy) that quotes the request's
// Authorization header in an error body must not make credwatch store the
// token in the cache, print it in `status` or stream it in `tail`.
func redact(s, token string) string {
	if token != "" && strings.Contains(s, token) {
		s = strings.ReplaceAll(s, token, redacted)
	}
	if strings.Contains(strings.ToLower(s), "bearer") {
		s = bearerPattern.ReplaceAllString(s, "Bearer "+redacted)
	}
	return s
}
