package sim

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// Error codes of the v1 contract (docs/agency-api.md).
const (
	CodeBadCursor     = "bad_cursor"         // 400: the cursor is not one this server issued for this feed
	CodeCursorExpired = "cursor_expired"     // 410: the cursor belongs to an earlier run of the log; resync from ""
	CodeBadLimit      = "bad_limit"          // 400: limit is not an integer in 1..api.MaxLimit
	CodeUnknownFeed   = "unknown_feed"       // 404: no such feed
	CodeNotFound      = "not_found"          // 404: no such path
	CodeMethod        = "method_not_allowed" // 405: only GET is served
	CodeUnauthorized  = "unauthorized"       // 401: missing or wrong bearer token
	CodeInternal      = "internal"           // 500: the server failed
)

// RequestIDHeader carries the id the server gives each request; error bodies
// repeat it as request_id.
const RequestIDHeader = "X-Request-Id"

// Health is the body of GET /v1/health.
type Health struct {
	Status     string    `json:"status"` // "ok"
	Version    string    `json:"version"`
	ServerTime time.Time `json:"server_time"`
	Feeds      []string  `json:"feeds"`
}

// Handler returns the simulator's HTTP handler: GET /v1/feeds/{feed},
// GET /v1/health and POST /v1/actions (actions.go). Every response carries
// an X-Request-Id; every error is a JSON api.ErrorBody (see WriteError).
// The method is checked before the token. Middleware such as fault
// injection wraps the returned handler; it can answer with WriteError itself.
func (s *Sim) Handler() http.Handler {
	feeds := http.NewServeMux()
	feeds.HandleFunc("/"+api.Version+"/feeds/{feed}", s.serveFeed)
	feeds.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, http.StatusNotFound, CodeNotFound, "no such path: "+r.URL.Path)
	})

	mux := http.NewServeMux()
	mux.Handle("/"+api.Version+"/health", onlyGET(http.HandlerFunc(s.serveHealth))) // needs no token, so monitors can probe it
	mux.Handle(api.ActionsPath, onlyPOST(s.requireToken(http.HandlerFunc(s.serveActions))))
	mux.Handle("/", onlyGET(s.requireToken(feeds)))
	return s.withRequestID(mux)
}

func (s *Sim) withRequestID(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if w.Header().Get(RequestIDHeader) == "" {
			w.Header().Set(RequestIDHeader, fmt.Sprintf("sim-%s-%06d", s.epoch, s.reqID.Add(1)))
		}
		h.ServeHTTP(w, r)
	})
}

func onlyGET(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			WriteError(w, http.StatusMethodNotAllowed, CodeMethod, r.Method+" is not allowed; the v1 feeds are read with GET")
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Sim) requireToken(h http.Handler) http.Handler {
	if s.opts.Token == "" {
		return h
	}
	want := []byte("Bearer " + s.opts.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("Authorization")
		if subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="credwatch-sim"`)
			msg := "missing bearer token"
			if got != "" {
				msg = "invalid bearer token"
			}
			WriteError(w, http.StatusUnauthorized, CodeUnauthorized, msg)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// WriteError answers with status and a JSON api.ErrorBody carrying code,
// message and the request id already set on w (if any).
func WriteError(w http.ResponseWriter, status int, code, message string) {
	body := api.ErrorBody{Error: api.ErrorDetail{Code: code, Message: message, RequestID: w.Header().Get(RequestIDHeader)}}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"encode response"}}`)
	}
	b = append(b, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *Sim) serveHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, Health{Status: "ok", Version: api.Version, ServerTime: s.now().In(credit.ChinaZone), Feeds: credit.Feeds})
}

func (s *Sim) serveFeed(w http.ResponseWriter, r *http.Request) {
	feed := r.PathValue("feed")
	l := s.logs[feed]
	if l == nil {
		WriteError(w, http.StatusNotFound, CodeUnknownFeed, fmt.Sprintf("unknown feed %q; feeds are %s", feed, strings.Join(credit.Feeds, ", ")))
		return
	}
	q := r.URL.Query()
	limit := api.DefaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > api.MaxLimit {
			WriteError(w, http.StatusBadRequest, CodeBadLimit, fmt.Sprintf("limit %q: want an integer from 1 to %d", v, api.MaxLimit))
			return
		}
		limit = n
	}
	cursor := q.Get("cursor")
	epoch, seq, ok := decodeCursor(feed, cursor)
	if !ok {
		WriteError(w, http.StatusBadRequest, CodeBadCursor, "cursor is not one this server issued for feed "+feed+"; send the next_cursor of the last page, or none to start from the beginning")
		return
	}

	page := api.Page{Feed: feed, Items: []api.Item{}, NextCursor: cursor}
	s.mu.RLock()
	if cursor != "" && (epoch != s.epoch || seq > l.head) {
		s.mu.RUnlock()
		WriteError(w, http.StatusGone, CodeCursorExpired, "cursor is from an earlier run of this feed's log; discard it and sync the feed again from the beginning")
		return
	}
	entries, more := l.after(seq, limit)
	for _, e := range entries {
		it := api.Item{Op: api.OpUpsert, Key: e.key}
		if e.val == nil {
			it.Op = api.OpDelete
		} else {
			b, err := json.Marshal(e.val)
			if err != nil {
				s.mu.RUnlock()
				WriteError(w, http.StatusInternalServerError, CodeInternal, "encode "+feed+" item "+e.key)
				return
			}
			it.Data = b
		}
		page.Items = append(page.Items, it)
	}
	if len(entries) > 0 {
		page.NextCursor = s.encodeCursor(feed, entries[len(entries)-1].seq)
	}
	page.HasMore = more
	page.ServerTime = s.now().In(credit.ChinaZone)
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, page)
}

// A cursor is base64url("<epoch>.<feed>.<seq>"): the instance that issued
// it, the feed it belongs to and the last sequence number returned. Clients
// must treat it as opaque.
func (s *Sim) encodeCursor(feed string, seq uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(s.epoch + "." + feed + "." + strconv.FormatUint(seq, 10)))
}

// decodeCursor parses a cursor for feed; "" is the beginning.
func decodeCursor(feed, c string) (epoch string, seq uint64, ok bool) {
	if c == "" {
		return "", 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", 0, false
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 || parts[1] != feed || parts[0] == "" {
		return "", 0, false
	}
	seq, err = strconv.ParseUint(parts[2], 10, 64)
	if err != nil || seq == 0 {
		return "", 0, false
	}
	return parts[0], seq, true
}
