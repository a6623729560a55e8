package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// Error codes of POST /v1/actions (docs/agency-api.md, "Actions").
const (
	CodeBadIdempotencyKey   = "bad_idempotency_key"    // 400: Idempotency-Key missing or malformed
	CodeBadJSON             = "bad_json"               // 400: body is not a JSON object of the right shape
	CodeIdempotencyConflict = "idempotency_conflict"   // 409: the key was used with a different body
	CodeTooLarge            = "too_large"              // 413: body larger than api.MaxActionBytes
	CodeUnsupportedMedia    = "unsupported_media_type" // 415: Content-Type is not application/json
	CodeInvalidAction       = "invalid_action"         // 422: a field is missing, unused by the type, or has a bad value
	CodeUnknownRecord       = "unknown_record"         // 422: record_key names no live penalty
	CodeInvalidState        = "invalid_state"          // 422: the repair is not in a stage that allows the action
)

// actionFields lists, per action type, the fields it uses and whether each
// is required, in the order of the document's action table, which is the
// order they are validated in.
var actionFields = map[string][]actionField{
	api.ActionSignoff:              {{"date", true}, {"officer", true}, {"departments", true}, {"note", false}},
	api.ActionReminderSent:         {{"date", true}, {"record_key", true}},
	api.ActionNationalRepairDone:   {{"date", true}, {"record_key", true}, {"receipt", true}},
	api.ActionWithdrawalRequested:  {{"record_key", true}, {"website", true}, {"note", false}},
	api.ActionObligationsFulfilled: {{"date", true}, {"record_key", true}},
}

type actionField struct {
	name     string
	required bool
}

// actionStore holds the actions a Sim accepted, by idempotency key. It is
// guarded by the Sim's mu: read under RLock, written under Lock.
type actionStore struct {
	byKey map[string]*storedAction
	list  []*storedAction // in the order received
}

type storedAction struct {
	canonical []byte // the request body as canonical JSON, to compare replays
	result    api.ActionResult
	body      []byte // the 201 body, repeated on every replay
}

func (s *Sim) actions() *actionStore { return s.acts }

// Actions returns the actions the simulator accepted, oldest first.
func (s *Sim) Actions() []api.ActionResult {
	st := s.actions()
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]api.ActionResult, len(st.list))
	for i, a := range st.list {
		out[i] = a.result
		out[i].Action.Departments = slices.Clone(a.result.Action.Departments)
	}
	return out
}

// onlyPOST answers every method but POST with 405 and Allow: POST.
func onlyPOST(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			WriteError(w, http.StatusMethodNotAllowed, CodeMethod, r.Method+" is not allowed; actions are sent with POST")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// actionError is a refusal of POST /v1/actions.
type actionError struct {
	status      int
	code, field string
	msg         string
}

func invalid(field, format string, args ...any) *actionError {
	return &actionError{http.StatusUnprocessableEntity, CodeInvalidAction, field, fmt.Sprintf(format, args...)}
}

func writeActionError(w http.ResponseWriter, e *actionError) {
	writeJSON(w, e.status, api.ActionErrorBody{Error: api.ActionErrorDetail{
		ErrorDetail: api.ErrorDetail{Code: e.code, Message: e.msg, RequestID: w.Header().Get(RequestIDHeader)},
		Field:       e.field,
	}})
}

// serveActions is POST /v1/actions. Checks run in the documented order:
// Content-Type, size, Idempotency-Key, JSON syntax, then the key's earlier
// use (replay or conflict), then validation. Only accepted actions are
// stored, so a refused request may be corrected and sent with the same key.
func (s *Sim) serveActions(w http.ResponseWriter, r *http.Request) {
	if e := checkMediaType(r.Header.Get("Content-Type")); e != nil {
		writeActionError(w, e)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, api.MaxActionBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeActionError(w, &actionError{http.StatusRequestEntityTooLarge, CodeTooLarge, "", fmt.Sprintf("body is larger than %d bytes", api.MaxActionBytes)})
			return
		}
		writeActionError(w, &actionError{http.StatusBadRequest, CodeBadJSON, "", "read body: " + err.Error()})
		return
	}
	key := r.Header.Get(api.IdempotencyKeyHeader)
	if e := checkIdempotencyKey(key); e != nil {
		writeActionError(w, e)
		return
	}
	canonical, e := canonicalJSON(body)
	if e != nil {
		writeActionError(w, e)
		return
	}

	st := s.actions()
	s.mu.Lock()
	status, out, e := s.acceptAction(st, key, body, canonical)
	s.mu.Unlock()
	if e != nil {
		writeActionError(w, e)
		return
	}
	if status == http.StatusOK {
		w.Header().Set(api.ReplayedHeader, "true")
	}
	writeJSON(w, status, json.RawMessage(out))
}

// acceptAction replays, refuses or stores one action. The caller holds s.mu
// exclusively: lookup, validation, the repair update and storing happen as
// one step, so concurrent requests with one key act once.
func (s *Sim) acceptAction(st *actionStore, key string, body, canonical []byte) (int, []byte, *actionError) {
	if prev := st.byKey[key]; prev != nil {
		if bytes.Equal(prev.canonical, canonical) {
			return http.StatusOK, prev.body, nil
		}
		return 0, nil, &actionError{http.StatusConflict, CodeIdempotencyConflict, api.IdempotencyKeyHeader,
			"Idempotency-Key " + key + " was already used with a different body (action " + prev.result.ID + "); use a new key for a new action"}
	}
	now := s.now().In(credit.ChinaZone).Truncate(time.Second)
	a, apply, e := s.validateAction(body, credit.DateOf(now))
	if e != nil {
		return 0, nil, e
	}
	res := api.ActionResult{
		ID:             fmt.Sprintf("act-%s-%06d", s.epoch, len(st.list)+1),
		ReceivedAt:     now,
		IdempotencyKey: key,
		Action:         a,
	}
	out, err := json.Marshal(res)
	if err != nil {
		return 0, nil, &actionError{http.StatusInternalServerError, CodeInternal, "", "encode action"}
	}
	if apply != nil {
		apply(now)
	}
	sa := &storedAction{canonical: canonical, result: res, body: out}
	st.byKey[key] = sa
	st.list = append(st.list, sa)
	return http.StatusCreated, out, nil
}

func checkMediaType(ct string) *actionError {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return &actionError{http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "Content-Type", fmt.Sprintf("Content-Type %q: send application/json", ct)}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return &actionError{http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "Content-Type", "charset " + cs + ": bodies are UTF-8"}
	}
	return nil
}

func checkIdempotencyKey(key string) *actionError {
	bad := func(msg string) *actionError {
		return &actionError{http.StatusBadRequest, CodeBadIdempotencyKey, api.IdempotencyKeyHeader, msg}
	}
	if key == "" {
		return bad("the Idempotency-Key header is required: generate one key (e.g. a UUID) per action and send it with every attempt")
	}
	if len(key) > api.MaxIdempotencyKeyLen {
		return bad(fmt.Sprintf("Idempotency-Key is longer than %d characters", api.MaxIdempotencyKeyLen))
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return bad("Idempotency-Key must be printable ASCII without spaces")
		}
	}
	return nil
}

// canonicalJSON checks that body is one UTF-8 JSON object and returns it
// re-encoded with sorted members and no insignificant space, so that
// replays compare equal however the client formatted them.
func canonicalJSON(body []byte) ([]byte, *actionError) {
	bad := func(msg string) *actionError { return &actionError{http.StatusBadRequest, CodeBadJSON, "", msg} }
	if !utf8.Valid(body) {
		return nil, bad("body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, bad("body is not JSON: " + err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad("body holds more than one JSON value")
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, bad("body must be a JSON object")
	}
	out, err := json.Marshal(v)
	if err != nil {
		return nil, bad("body: " + err.Error())
	}
	return out, nil
}

// validateAction decodes and checks an action, field by field so that every
// refusal names its field. On success it returns the action and, for types
// that change a feed, the change to make once the action is stored.
func (s *Sim) validateAction(body []byte, today credit.Date) (api.Action, func(now time.Time), *actionError) {
	var a api.Action
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil {
		return a, nil, &actionError{http.StatusBadRequest, CodeBadJSON, "", "body must be a JSON object"}
	}
	str := func(name string, dst *string) *actionError {
		raw, ok := members[name]
		if !ok || string(raw) == "null" {
			return nil
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return &actionError{http.StatusBadRequest, CodeBadJSON, name, name + " must be a JSON string"}
		}
		return nil
	}
	if e := str("type", &a.Type); e != nil {
		return a, nil, e
	}
	fields, ok := actionFields[a.Type]
	switch {
	case a.Type == "":
		return a, nil, invalid("type", "type is required: one of %s", strings.Join(api.ActionTypes, ", "))
	case !ok:
		return a, nil, invalid("type", "unknown action type %q: want one of %s", a.Type, strings.Join(api.ActionTypes, ", "))
	}
	names := make([]string, 0, len(members))
	for n := range members {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if n != "type" && !slices.ContainsFunc(fields, func(f actionField) bool { return f.name == n }) {
			return a, nil, invalid(n, "%s is not a field of %s actions", n, a.Type)
		}
	}

	var date string
	for _, f := range fields {
		var e *actionError
		present := true
		switch f.name {
		case "date":
			if e = str("date", &date); e == nil && date != "" {
				d, err := credit.ParseDate(date)
				switch {
				case err != nil:
					e = invalid("date", "date %q: want an existing day as YYYY-MM-DD", date)
				case d.After(today):
					e = invalid("date", "date %s is after today (%s)", d, today)
				}
				a.Date = d
			}
			present = date != ""
		case "departments":
			if raw, ok := members["departments"]; ok && string(raw) != "null" {
				if err := json.Unmarshal(raw, &a.Departments); err != nil {
					e = &actionError{http.StatusBadRequest, CodeBadJSON, "departments", "departments must be an array of strings"}
				}
			}
			present = len(a.Departments) > 0
			if e == nil && present {
				e = s.checkDepartments(a.Departments)
			}
		default:
			dst := map[string]*string{"officer": &a.Officer, "record_key": &a.RecordKey, "receipt": &a.Receipt, "website": &a.Website, "note": &a.Note}[f.name]
			if e = str(f.name, dst); e == nil {
				e = checkText(f.name, *dst)
			}
			present = strings.TrimSpace(*dst) != ""
		}
		if e != nil {
			return a, nil, e
		}
		if f.required && !present {
			return a, nil, invalid(f.name, "%s is required for %s actions", f.name, a.Type)
		}
	}

	if a.RecordKey == "" {
		return a, nil, nil // signoff: recorded, no feed changes
	}
	id, ok := strings.CutPrefix(a.RecordKey, string(credit.Penalty)+"/")
	if !ok || id == "" {
		return a, nil, invalid("record_key", "record_key %q: want penalty/<id>, the key of the penalty's repair item", a.RecordKey)
	}
	x := s.recs[a.RecordKey]
	if x == nil {
		return a, nil, &actionError{http.StatusUnprocessableEntity, CodeUnknownRecord, "record_key", "no live penalty " + a.RecordKey + " (withdrawn, or never served by this server)"}
	}
	if !a.Date.IsZero() && a.Date.Before(x.Decided) {
		return a, nil, invalid("date", "date %s is before the penalty's decision (%s)", a.Date, x.Decided)
	}
	rp := s.repairs[a.RecordKey]
	switch a.Type {
	case api.ActionReminderSent:
		if !ruleRepairable(x) {
			return a, nil, &actionError{http.StatusUnprocessableEntity, CodeInvalidState, "record_key", a.RecordKey + " cannot be repaired (责令停产停业 or 吊销许可证件 in production safety, decided before 2023-05-01)"}
		}
		return a, func(now time.Time) {
			if rp == nil {
				rp = &credit.Repair{RecordKey: a.RecordKey}
				s.repairs[rp.RecordKey] = rp
				s.repairList = append(s.repairList, rp)
				s.reindex(x)
			}
			rp.ReminderSent = a.Date
			rp.UpdatedAt = now
			s.logs[credit.FeedRepair].upsert(rp.RecordKey, rp)
		}, nil
	case api.ActionNationalRepairDone:
		switch {
		case rp == nil || rp.Outcome != credit.OutcomeApproved:
			return a, nil, &actionError{http.StatusUnprocessableEntity, CodeInvalidState, "record_key", "the repair of " + a.RecordKey + " has not been approved by 信用中国"}
		case !rp.NationalDone.IsZero():
			return a, nil, &actionError{http.StatusUnprocessableEntity, CodeInvalidState, "record_key",
				fmt.Sprintf("%s was already repaired nationally on %s (receipt %s)", a.RecordKey, rp.NationalDone, rp.NationalReceipt)}
		case a.Date.Before(rp.Reviewed):
			return a, nil, invalid("date", "date %s is before 信用中国 approved the repair (%s)", a.Date, rp.Reviewed)
		}
		return a, func(now time.Time) {
			rp.NationalDone, rp.NationalReceipt, rp.UpdatedAt = a.Date, a.Receipt, now
			s.logs[credit.FeedRepair].upsert(rp.RecordKey, rp)
		}, nil
	case api.ActionObligationsFulfilled:
		if !ruleRepairable(x) {
			return a, nil, &actionError{http.StatusUnprocessableEntity, CodeInvalidState, "record_key", a.RecordKey + " cannot be repaired (责令停产停业 or 吊销许可证件 in production safety, decided before 2023-05-01)"}
		}
		if rp != nil && !rp.Fulfilled.IsZero() {
			return a, nil, &actionError{http.StatusUnprocessableEntity, CodeInvalidState, "record_key",
				fmt.Sprintf("the obligations of %s were already recorded as fulfilled on %s", a.RecordKey, rp.Fulfilled)}
		}
		return a, func(now time.Time) {
			if rp == nil {
				rp = &credit.Repair{RecordKey: a.RecordKey}
				s.repairs[rp.RecordKey] = rp
				s.repairList = append(s.repairList, rp)
				s.reindex(x)
			}
			rp.Fulfilled, rp.UpdatedAt = a.Date, now
			s.logs[credit.FeedRepair].upsert(rp.RecordKey, rp)
		}, nil
	}
	return a, nil, nil // withdrawal_requested: recorded, no feed changes
}

// checkText applies the text rules to one string field: no control
// characters or bidirectional overrides, and a length limit.
func checkText(name, v string) *actionError {
	if credit.Sanitize(v) != v {
		return invalid(name, "%s contains control characters, line breaks or bidirectional overrides", name)
	}
	limit := api.MaxActionNameRunes
	if name == "note" {
		limit = api.MaxActionTextRunes
	}
	if n := utf8.RuneCountInString(v); n > limit {
		return invalid(name, "%s is %d characters long; at most %d", name, n, limit)
	}
	return nil
}

func (s *Sim) checkDepartments(ids []string) *actionError {
	if len(ids) > api.MaxActionDepartments {
		return invalid("departments", "at most %d departments", api.MaxActionDepartments)
	}
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		field := fmt.Sprintf("departments[%d]", i)
		if seen[id] {
			return invalid(field, "department %q is listed twice", id)
		}
		seen[id] = true
		if !slices.ContainsFunc(s.depts, func(d credit.Department) bool { return d.ID == id }) {
			return invalid(field, "unknown department %q", id)
		}
	}
	return nil
}
