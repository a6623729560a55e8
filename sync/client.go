package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// maxPageBytes bounds a page body; a larger body is an error, not a crash.
const maxPageBytes = 64 << 20

// HTTPError is a non-2xx answer from an endpoint.
type HTTPError struct {
	Status     int
	Code       string        // api error code, if the body had one
	Message    string        // sanitised
	RetryAfter time.Duration // from Retry-After, if given
}

func (e *HTTPError) Error() string {
	s := fmt.Sprintf("HTTP %d", e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// fetchPage asks endpoint ep for the page of feed after cursor.
func fetchPage(ctx context.Context, hc *http.Client, ep *Endpoint, feed, cursor string) (*api.Page, error) {
	body, err := fetchBody(ctx, hc, ep, feed, cursor)
	if err != nil {
		return nil, err
	}
	return parsePage(feed, cursor, body)
}

// fetchWire is fetchPage for the sync: a record feed's page whose items
// all decode and pass the checks comes back decoded already (see
// decodeRecordPage), any other as fetchPage returns it.
func fetchWire(ctx context.Context, hc *http.Client, ep *Endpoint, feed, cursor string) (*wirePage, error) {
	body, err := fetchBody(ctx, hc, ep, feed, cursor)
	if err != nil {
		return nil, err
	}
	if credit.Kind(feed).Valid() {
		if wp, ok := decodeRecordPage(feed, body); ok {
			if err := checkFeed(feed, wp.Feed); err != nil {
				return nil, err
			}
			return wp, nil
		}
	}
	p, err := parsePage(feed, cursor, body)
	if err != nil {
		return nil, err
	}
	return &wirePage{Page: *p}, nil
}

func parsePage(feed, cursor string, body []byte) (*api.Page, error) {
	var p api.Page
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("decode %s page after cursor %q: %w", feed, credit.Sanitize(cursor), err)
	}
	if err := checkFeed(feed, p.Feed); err != nil {
		return nil, err
	}
	return &p, nil
}

func checkFeed(feed, got string) error {
	if got != "" && got != feed {
		return fmt.Errorf("asked for feed %s, got %q", feed, credit.Sanitize(got))
	}
	return nil
}

// fetchBody asks endpoint ep for the page of feed after cursor and returns
// the body of a 200 answer; any other is an *HTTPError.
func fetchBody(ctx context.Context, hc *http.Client, ep *Endpoint, feed, cursor string) ([]byte, error) {
	u := strings.TrimRight(ep.BaseURL, "/") + api.FeedPath(feed)
	q := url.Values{}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	q.Set("limit", strconv.Itoa(ep.pageSize()))
	ctx, cancel := context.WithTimeout(ctx, ep.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u+"?"+q.Encode(), nil)
	if err != nil {
		return nil, fmt.Errorf("build request for %s: %w", feed, err)
	}
	req.Header.Set("Accept", "application/json")
	if ep.Token != "" {
		req.Header.Set("Authorization", "Bearer "+ep.Token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", feed, redactURL(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s page: %w", feed, err)
	}
	if len(body) > maxPageBytes {
		return nil, fmt.Errorf("%s page is larger than %d MB", feed, maxPageBytes>>20)
	}
	if resp.StatusCode != http.StatusOK {
		he := &HTTPError{Status: resp.StatusCode, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
		var eb api.ErrorBody
		if json.Unmarshal(body, &eb) == nil {
			he.Code, he.Message = credit.Sanitize(eb.Error.Code), credit.Sanitize(eb.Error.Message)
		}
		return nil, fmt.Errorf("fetch %s: %w", feed, he)
	}
	return body, nil
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 if absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// redactURL drops the query from url errors so cursors and tokens placed in
// URLs by a misconfigured proxy never reach the screen.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery, u.User = "", nil
			return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
		}
	}
	return err
}
