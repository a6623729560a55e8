package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// maxActionResponseBytes bounds the answer to POST /v1/actions.
const maxActionResponseBytes = 1 << 20

// ActionError is the failure of PostAction. Retryable says whether sending
// the same action again with the same idempotency key makes sense: true
// for network failures, timeouts, 429, 5xx and answers that are not the
// contract (e.g. a proxy's HTML page); false for every other 4xx (the
// request or the configuration must change first) and when the caller's
// context ended. Retrying with the same key never acts twice.
type ActionError struct {
	Status     int           // HTTP status; 0 if no answer arrived
	Code       string        // api error code, if the body had one
	Field      string        // the request field or header at fault, if named
	Message    string        // sanitised
	RetryAfter time.Duration // from Retry-After (429, 503), if given
	Retryable  bool
	Err        error // the underlying failure when no answer arrived
}

func (e *ActionError) Error() string {
	var b strings.Builder
	b.WriteString("post action: ")
	if e.Status == 0 {
		b.WriteString(e.Err.Error())
		return b.String()
	}
	fmt.Fprintf(&b, "HTTP %d", e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Field != "" {
		b.WriteString(" (" + e.Field + ")")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

func (e *ActionError) Unwrap() error { return e.Err }

// PostAction sends one officer action to ep with POST /v1/actions under the
// idempotency key key, once, within ep's request timeout. It returns the
// stored action whether the server created it now (201) or had it already
// (200, a replay). Any failure is an *ActionError; retry only if its
// Retryable is set, with the same key and action, after a back-off that
// honours RetryAfter. The returned strings are sanitised.
func PostAction(ctx context.Context, hc *http.Client, ep Endpoint, key string, a api.Action) (api.ActionResult, error) {
	var res api.ActionResult
	body, err := json.Marshal(a)
	if err != nil {
		return res, &ActionError{Err: fmt.Errorf("encode %s action: %w", a.Type, err)}
	}
	rctx, cancel := context.WithTimeout(ctx, ep.timeout())
	defer cancel()
	u := strings.TrimRight(ep.BaseURL, "/") + api.ActionsPath
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return res, &ActionError{Err: fmt.Errorf("build request: %w", err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if key != "" {
		req.Header.Set(api.IdempotencyKeyHeader, key)
	}
	if ep.Token != "" {
		req.Header.Set("Authorization", "Bearer "+ep.Token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		// The caller giving up is final; our own timeout or a network
		// failure is not: the server may never have seen the request.
		return res, &ActionError{Err: redactURL(err), Retryable: ctx.Err() == nil}
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, maxActionResponseBytes+1))
	if err != nil {
		return res, &ActionError{Status: resp.StatusCode, Message: "read answer: " + credit.Sanitize(err.Error()), Retryable: ctx.Err() == nil}
	}
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated {
		if len(rb) > maxActionResponseBytes || json.Unmarshal(rb, &res) != nil || res.ID == "" {
			// Whatever answered is not the contract; a replay is safe.
			return api.ActionResult{}, &ActionError{Status: resp.StatusCode, Message: "the answer is not a stored action", Retryable: true}
		}
		res.ID = credit.Sanitize(res.ID)
		res.IdempotencyKey = credit.Sanitize(res.IdempotencyKey)
		return res, nil
	}
	ae := &ActionError{
		Status:     resp.StatusCode,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		Retryable:  resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500,
	}
	var eb api.ActionErrorBody
	if json.Unmarshal(rb, &eb) == nil {
		ae.Code, ae.Field, ae.Message = credit.Sanitize(eb.Error.Code), credit.Sanitize(eb.Error.Field), credit.Sanitize(eb.Error.Message)
	}
	return res, ae
}

// IsRetryable reports whether err is an *ActionError worth retrying.
func IsRetryable(err error) bool {
	var ae *ActionError
	return errors.As(err, &ae) && ae.Retryable
}
