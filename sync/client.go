package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// maxPageBytes bounds a page body; a larger body is an error, not a crash.
const maxPageBytes = 64 << 20

// HTTPError is a non-2xx answer from an endpoint.
type HTTPError struct {
	Status      int
	Code        string        // api error code, if the body had one
	Message     string        // sanitised, the token redacted
	ContentType string        // of a body that was not the contract's error body
	Start       string        // its first bytes, sanitised, the token redacted
	RetryAfter  time.Duration // from Retry-After, if given (uncapped; the engine caps it)
}

func (e *HTTPError) Error() string {
	s := fmt.Sprintf("HTTP %d", e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Code == "" && e.Message == "" {
		s += " " + describeBody(e.ContentType, e.Start)
	}
	return s
}

// describeBody says what came back when it was not what the contract
// promises: its content type and first bytes.
func describeBody(ctype, start string) string {
	if ctype == "" {
		ctype = "no Content-Type"
	}
	if start == "" {
		return "(" + ctype + ", empty body)"
	}
	return fmt.Sprintf("(%s, body starts: %s)", ctype, start)
}

// bodyStart is the first bytes of a body for an error text: at most 80,
// sanitised, the token redacted.
func bodyStart(body []byte, token string) string {
	b := body
	if len(b) > 80 {
		b = b[:80]
	}
	return redact(credit.Sanitize(strings.TrimSpace(string(b))), token)
}

// fetchWire asks endpoint ep for the page of feed after cursor. A record
// feed's page whose items all decode and pass the checks comes back
// decoded already (decodeRecordPage); any other page comes back as its
// header and the raw bytes of each item (splitPage), so that one bad item
// is refused alone. Only a body whose envelope cannot be read fails, with
// the HTTP status, content type and first bytes of what came back.
func fetchWire(ctx context.Context, hc *http.Client, ep *Endpoint, feed, cursor string) (*wirePage, error) {
	body, ctype, err := fetchBody(ctx, hc, ep, feed, cursor)
	if err != nil {
		return nil, err
	}
	if credit.Kind(feed).Valid() {
		if wp, ok := decodeRecordPage(feed, body); ok {
			releasePage(body)
			if err := checkFeed(feed, wp.Feed); err != nil {
				return nil, err
			}
			return wp, nil
		}
	}
	env, raws, err := splitPage(body)
	if err != nil {
		// encoding/json's words for what is wrong are the familiar ones.
		if jerr := json.Unmarshal(body, new(json.RawMessage)); jerr != nil {
			err = fmt.Errorf("%w: %v", errNotJSON, jerr)
		}
		return nil, fmt.Errorf("decode %s page after cursor %q: HTTP 200 %s: %w", feed, credit.Sanitize(cursor),
			describeBody(ctype, bodyStart(body, ep.Token)), err)
	}
	if err := checkFeed(feed, env.Feed); err != nil {
		return nil, err
	}
	return &wirePage{Page: env, raws: raws}, nil
}

func checkFeed(feed, got string) error {
	if got != "" && got != feed {
		return fmt.Errorf("asked for feed %s, got %q", feed, credit.Sanitize(got))
	}
	return nil
}

// maxErrorBody bounds how much of a non-200 answer is read.
const maxErrorBody = 64 << 10

// pagePresize is the most readPage sizes a page's buffer for at once from
// the length its server declares: a server that declares more than it
// sends costs no more than this.
const pagePresize = 8 << 20

// readPage reads a page's body, maxPageBytes and a byte at most (the
// caller refuses a longer one), into a buffer sized for declared bytes
// (the Content-Length; unknown when not positive). io.ReadAll grows its
// buffer a quarter at a time: a page of 1 MB allocated about 5 MB, a
// sixth of all that `serve` allocated while its data changed.
func readPage(body io.Reader, declared int64) ([]byte, error) {
	limited := io.LimitReader(body, maxPageBytes+1)
	if declared <= 0 {
		return io.ReadAll(limited)
	}
	// MinRead more: bytes.Buffer grows unless that much is free before
	// each read, the last one (which finds the end) included.
	buf := bytes.NewBuffer(pageBuf(int(min(declared, pagePresize)) + bytes.MinRead))
	_, err := buf.ReadFrom(limited)
	return buf.Bytes(), err
}

// pageBufs holds the buffers of pages decoded in one pass, for the next
// pages to be read into: what decodeRecordPage returns holds copies of
// what it read, never slices of the body. A 1M resync reads about 500 MB
// of pages, and a buffer for each was a tenth of what a server allocated
// meanwhile.
var pageBufs gosync.Pool // of *[]byte

// pageBuf returns an empty buffer with room for n bytes, one of pageBufs'
// if it has room.
func pageBuf(n int) []byte {
	if p, ok := pageBufs.Get().(*[]byte); ok && cap(*p) >= n {
		return (*p)[:0]
	}
	return make([]byte, 0, n)
}

// releasePage gives body's buffer to pageBufs: nothing may use body after.
func releasePage(body []byte) {
	body = body[:0]
	pageBufs.Put(&body)
}

// fetchBody asks endpoint ep for the page of feed after cursor and returns
// the body of a 200 answer and its content type; any other answer is an
// *HTTPError. Error texts never hold the token.
func fetchBody(ctx context.Context, hc *http.Client, ep *Endpoint, feed, cursor string) ([]byte, string, error) {
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
		return nil, "", fmt.Errorf("build request for %s: %w", feed, err)
	}
	req.Header.Set("Accept", "application/json")
	if ep.Token != "" {
		req.Header.Set("Authorization", "Bearer "+ep.Token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("fetch %s: %s", feed, redact(redactURL(err).Error(), ep.Token))
	}
	defer resp.Body.Close()
	ctype := credit.Sanitize(resp.Header.Get("Content-Type"))
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		he := &HTTPError{Status: resp.StatusCode, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
		var eb api.ErrorBody
		if json.Unmarshal(body, &eb) == nil && eb.Error.Code != "" {
			he.Code, he.Message = redact(credit.Sanitize(eb.Error.Code), ep.Token), redact(credit.Sanitize(eb.Error.Message), ep.Token)
		} else {
			he.ContentType, he.Start = ctype, bodyStart(body, ep.Token)
		}
		return nil, "", fmt.Errorf("fetch %s: %w", feed, he)
	}
	body, err := readPage(resp.Body, resp.ContentLength)
	if err != nil {
		return nil, "", fmt.Errorf("read %s page (HTTP 200, %s): %s", feed, ctype, redact(err.Error(), ep.Token))
	}
	if len(body) > maxPageBytes {
		return nil, "", fmt.Errorf("%s page is larger than %d MB (HTTP 200 %s)", feed, maxPageBytes>>20, describeBody(ctype, bodyStart(body, ep.Token)))
	}
	return body, ctype, nil
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 if absent or bad.
// It does not cap the wait (the engine does: Options.MaxRetryAfter), but a
// value too large for a Duration is the largest Duration.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseUint(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) && strings.Trim(v, "0123456789") == "" {
		if err != nil || n > uint64(math.MaxInt64/int64(time.Second)) {
			return time.Duration(math.MaxInt64)
		}
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
