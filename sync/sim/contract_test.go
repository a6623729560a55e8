package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/api"
)

// The contract test checks docs/agency-api.md against the wire types and
// the simulator. The labelling convention it relies on is described in the
// document's section "How the examples are checked".

const contractDoc = "../../docs/agency-api.md"

// docBlock is a labelled fenced block of the document.
type docBlock struct {
	label string // the text after "example:"
	lang  string // json or text
	body  string
	line  int
}

// docTable is a labelled table of the document.
type docTable struct {
	name   string
	header []string
	rows   [][]string // cells, trimmed
	line   int
}

type contractDocument struct {
	blocks []docBlock
	tables map[string]docTable
}

var labelRE = regexp.MustCompile(`^<!-- (example|fields): ?(.*?) -->$`)

func readContract(t *testing.T) contractDocument {
	t.Helper()
	b, err := os.ReadFile(contractDoc)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	doc := contractDocument{tables: make(map[string]docTable)}
	prev := "" // the last non-blank line outside fences
	for i := 0; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], " ")
		switch {
		case strings.HasPrefix(l, "```") && len(l) > 3:
			lang := l[3:]
			start := i
			var body []string
			for i++; i < len(lines) && lines[i] != "```"; i++ {
				body = append(body, lines[i])
			}
			m := labelRE.FindStringSubmatch(prev)
			if m != nil && m[1] == "example" {
				doc.blocks = append(doc.blocks, docBlock{label: m[2], lang: lang, body: strings.Join(body, "\n"), line: start + 1})
			} else if lang == "json" {
				t.Errorf("%s:%d: a json block without an <!-- example: ... --> label", contractDoc, start+1)
			}
			prev = ""
			continue
		case l == "<!-- error-codes -->" || labelRE.MatchString(l):
			name := "error-codes"
			if m := labelRE.FindStringSubmatch(l); m != nil {
				if m[1] == "example" {
					prev = l
					continue
				}
				name = m[2]
			}
			tb := docTable{name: name, line: i + 1}
			for i++; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
				cells := strings.Split(strings.Trim(lines[i], "|"), "|")
				for j := range cells {
					cells[j] = strings.TrimSpace(cells[j])
				}
				switch {
				case tb.header == nil:
					tb.header = cells
				case strings.HasPrefix(cells[0], "---"):
				default:
					tb.rows = append(tb.rows, cells)
				}
			}
			if len(tb.rows) == 0 {
				t.Errorf("%s:%d: label %q is not followed by a table", contractDoc, tb.line, name)
			}
			doc.tables[name] = tb
			prev = ""
			continue
		}
		if strings.TrimSpace(l) != "" {
			prev = l
		}
	}
	return doc
}

// column returns the index of the column whose header is name, or -1.
func (tb docTable) column(name string) int {
	return slices.IndexFunc(tb.header, func(h string) bool { return strings.Trim(h, "`") == name })
}

// fields returns the table's rows by field name (first column, unquoted).
func (tb docTable) fields() map[string][]string {
	out := make(map[string][]string, len(tb.rows))
	for _, r := range tb.rows {
		out[strings.Trim(r[0], "`")] = r
	}
	return out
}

// tableTypes maps each field table to its wire type.
var tableTypes = map[string]reflect.Type{
	"health":        reflect.TypeFor[Health](),
	"page":          reflect.TypeFor[api.Page](),
	"item":          reflect.TypeFor[api.Item](),
	"record":        reflect.TypeFor[credit.Record](),
	"sharing":       reflect.TypeFor[credit.SharingEntry](),
	"rejection":     reflect.TypeFor[credit.Rejection](),
	"repair":        reflect.TypeFor[credit.Repair](),
	"action":        reflect.TypeFor[api.Action](),
	"action-result": reflect.TypeFor[api.ActionResult](),
	"error-body":    reflect.TypeFor[api.ActionErrorBody](),
	"error":         reflect.TypeFor[api.ActionErrorDetail](),
}

type jsonField struct {
	name      string
	omitempty bool
	typ       reflect.Type
}

// jsonFields lists the JSON members of struct type t, flattening embedded
// structs the way encoding/json does.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name, strings.Contains(opts, "omitempty"), f.Type})
	}
	return out
}

// docTypeName is the name the document uses for Go type t.
func docTypeName(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[credit.Date]():
		return "date"
	case reflect.TypeFor[time.Time]():
		return "time"
	case reflect.TypeFor[json.RawMessage]():
		return "object"
	}
	for name, tt := range tableTypes {
		if tt == t {
			return name
		}
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "integer"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice:
		return "array of " + docTypeName(t.Elem())
	}
	return t.String()
}

// TestContractFieldTables checks that every field table lists exactly the
// JSON fields of its wire type, with the right types and presence.
func TestContractFieldTables(t *testing.T) {
	doc := readContract(t)
	for name, typ := range tableTypes {
		tb, ok := doc.tables[name]
		if !ok {
			t.Errorf("no <!-- fields: %s --> table for %s", name, typ)
			continue
		}
		rows := tb.fields()
		typeCol, presCol := tb.column("type"), tb.column("presence")
		if typeCol < 0 {
			t.Errorf("table %s (line %d) has no type column", name, tb.line)
			continue
		}
		seen := make(map[string]bool)
		for _, f := range jsonFields(typ) {
			seen[f.name] = true
			r, ok := rows[f.name]
			if !ok {
				t.Errorf("table %s (line %d) does not describe field %q of %s", name, tb.line, f.name, typ)
				continue
			}
			if got, want := strings.Trim(r[typeCol], "`"), docTypeName(f.typ); got != want {
				t.Errorf("table %s: field %s has type %q, the code says %q", name, f.name, got, want)
			}
			if presCol >= 0 {
				p := r[presCol]
				if !slices.Contains([]string{"required", "always", "optional"}, p) {
					t.Errorf("table %s: field %s has presence %q; want required, always or optional", name, f.name, p)
				} else if (p == "optional") != f.omitempty {
					t.Errorf("table %s: field %s is %q, but omitempty is %v in the code", name, f.name, p, f.omitempty)
				}
			}
		}
		for f := range rows {
			if !seen[f] {
				t.Errorf("table %s (line %d) describes field %q, which %s does not have", name, tb.line, f, typ)
			}
		}
	}

	// The action table's per-type columns are the simulator's validation.
	tb := doc.tables["action"]
	rows := tb.fields()
	for _, typ := range api.ActionTypes {
		col := tb.column(typ)
		if col < 0 {
			t.Errorf("action table has no column %s", typ)
			continue
		}
		want := map[string]string{"type": "required"}
		for _, f := range actionFields[typ] {
			want[f.name] = map[bool]string{true: "required", false: "optional"}[f.required]
		}
		for f, r := range rows {
			w := want[f]
			if w == "" {
				w = "—"
			}
			if r[col] != w {
				t.Errorf("action table: %s in %s is %q, the simulator validates it as %q", f, typ, r[col], w)
			}
		}
	}
}

// simCodes parses the simulator's non-test sources for error-code
// constants (Code...) and the status their comment starts with.
func simCodes(t *testing.T) map[string]int {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	codes := make(map[string]int)
	for _, fn := range files {
		if strings.HasSuffix(fn, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, fn, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !regexp.MustCompile(`^Code[A-Z]`).MatchString(n.Name) || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					code, _ := strconv.Unquote(lit.Value)
					status := 0
					if vs.Comment != nil {
						fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(vs.Comment.List[0].Text, "//")), "%d", &status)
					}
					codes[code] = status
				}
			}
		}
	}
	if len(codes) < 8 {
		t.Fatalf("found only %d error codes in the simulator's sources", len(codes))
	}
	return codes
}

// TestContractErrorCodes checks that every error code the simulator
// declares is in the document's error table with its status, and that
// every code there has an example.
func TestContractErrorCodes(t *testing.T) {
	doc := readContract(t)
	tb, ok := doc.tables["error-codes"]
	if !ok {
		t.Fatal("no <!-- error-codes --> table")
	}
	statusCol, codeCol := tb.column("status"), tb.column("code")
	table := make(map[string]int)
	for _, r := range tb.rows {
		st, err := strconv.Atoi(r[statusCol])
		if err != nil {
			t.Errorf("error table: status %q", r[statusCol])
		}
		table[strings.Trim(r[codeCol], "`")] = st
	}
	for code, status := range simCodes(t) {
		st, ok := table[code]
		switch {
		case !ok:
			t.Errorf("error code %q (%d) of the simulator is not in the document's error table", code, status)
		case status != 0 && st != status:
			t.Errorf("error code %q: the document says %d, the simulator declares %d", code, st, status)
		}
	}
	examples := make(map[string]bool) // "status code"
	for _, b := range doc.blocks {
		f := strings.Fields(b.label)
		if len(f) < 3 || b.lang != "json" {
			continue
		}
		var eb api.ActionErrorBody
		if json.Unmarshal([]byte(b.body), &eb) == nil && eb.Error.Code != "" {
			examples[f[2]+" "+eb.Error.Code] = true
		}
	}
	for code, st := range table {
		if !examples[fmt.Sprintf("%d %s", st, code)] {
			t.Errorf("error code %q (%d) has no labelled example", code, st)
		}
	}
}

// strictDecode decodes b into v, refusing unknown fields and trailing data.
func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data")
	}
	return nil
}

// decodeItem decodes one feed item strictly into its Go type.
func decodeItem(feed string, b []byte) error {
	switch feed {
	case credit.FeedSharing:
		return strictDecode(b, new(credit.SharingEntry))
	case credit.FeedRepair:
		return strictDecode(b, new(credit.Repair))
	}
	var r credit.Record
	if err := strictDecode(b, &r); err != nil {
		return err
	}
	if string(r.Kind) != feed {
		return fmt.Errorf("record of kind %q labelled %s", r.Kind, feed)
	}
	return nil
}

// responseExample is a parsed "METHOD PATH STATUS [OPTION...]" label.
type responseExample struct {
	docBlock
	method, path string
	status       int
	opts         map[string]string
}

func (e responseExample) feed() string {
	p, _, _ := strings.Cut(e.path, "?")
	f, ok := strings.CutPrefix(p, api.FeedPath(""))
	if !ok {
		return ""
	}
	return f
}

// rootTable is the field table of the answer's top-level object.
func (e responseExample) rootTable() string {
	switch {
	case e.status >= 300:
		return "error-body"
	case e.path == "/v1/health":
		return "health"
	case e.path == api.ActionsPath:
		return "action-result"
	}
	return "page"
}

// decodeAnswer strictly decodes an answer into the Go type of its table.
func decodeAnswer(e responseExample, b []byte) error {
	switch e.rootTable() {
	case "error-body":
		return strictDecode(b, new(api.ActionErrorBody))
	case "health":
		return strictDecode(b, new(Health))
	case "action-result":
		return strictDecode(b, new(api.ActionResult))
	}
	var p api.Page
	if err := strictDecode(b, &p); err != nil {
		return err
	}
	for _, it := range p.Items {
		if it.Data != nil {
			if err := decodeItem(e.feed(), it.Data); err != nil {
				return fmt.Errorf("item %s: %w", it.Key, err)
			}
		}
	}
	return nil
}

// TestContractExamples decodes every example strictly, then sends each
// labelled request to a simulator and compares its answer with the example.
func TestContractExamples(t *testing.T) {
	doc := readContract(t)
	requests := make(map[string][]byte)
	var responses []responseExample
	for _, b := range doc.blocks {
		f := strings.Fields(b.label)
		switch {
		case len(f) == 2 && f[0] == "item":
			if err := decodeItem(f[1], []byte(b.body)); err != nil {
				t.Errorf("line %d: item %s: %v", b.line, f[1], err)
			}
		case len(f) == 2 && f[0] == "request":
			if b.lang == "json" {
				if err := strictDecode([]byte(b.body), new(api.Action)); err != nil {
					t.Errorf("line %d: request %s: %v", b.line, f[1], err)
				}
			}
			requests[f[1]] = []byte(b.body)
		case len(f) >= 3:
			st, err := strconv.Atoi(f[2])
			if err != nil {
				t.Errorf("line %d: label %q: status %q", b.line, b.label, f[2])
				continue
			}
			e := responseExample{docBlock: b, method: f[0], path: f[1], status: st, opts: make(map[string]string)}
			for _, o := range f[3:] {
				k, v, _ := strings.Cut(o, "=")
				e.opts[k] = v
			}
			if err := decodeAnswer(e, []byte(b.body)); err != nil {
				t.Errorf("line %d: %s: %v", b.line, b.label, err)
			}
			responses = append(responses, e)
		default:
			t.Errorf("line %d: label %q is neither item, request nor response", b.line, b.label)
		}
	}
	if len(responses) < 30 {
		t.Fatalf("only %d response examples", len(responses))
	}

	for _, e := range responses {
		if _, ok := e.opts["doc-only"]; ok {
			continue
		}
		t.Run(fmt.Sprintf("line %d %s", e.line, e.label), func(t *testing.T) {
			checkLive(t, doc, requests, e)
		})
	}
}

const contractToken = "s3cret"

// contractSim is the simulator of the document's examples.
func contractSim(seed int64) *Sim {
	start := time.Date(2026, 3, 18, 10, 30, 0, 0, credit.ChinaZone)
	return New(Options{Seed: seed, Records: 3000, Today: credit.MustDate("2026-03-18"), Token: contractToken, Now: func() time.Time { return start }})
}

type contractCall struct {
	method, path string
	body         []byte
	key          string // Idempotency-Key; "" = none
	contentType  string
	noToken      bool
}

func (c contractCall) do(h http.Handler) *httptest.ResponseRecorder {
	req := httptest.NewRequest(c.method, c.path, bytes.NewReader(c.body))
	if !c.noToken {
		req.Header.Set("Authorization", "Bearer "+contractToken)
	}
	if c.method == http.MethodPost {
		req.Header.Set("Content-Type", c.contentType)
		if c.key != "" {
			req.Header.Set(api.IdempotencyKeyHeader, c.key)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// cursorAt walks feed from the beginning to its end and returns the last
// cursor; with first set, it returns the first page's cursor instead.
func cursorAt(t *testing.T, h http.Handler, feed, query string, first bool) string {
	t.Helper()
	cursor := ""
	for range 10000 {
		q, _ := url.ParseQuery(query)
		q.Set("cursor", cursor)
		if !first {
			q.Set("limit", strconv.Itoa(api.MaxLimit))
		}
		w := contractCall{method: http.MethodGet, path: api.FeedPath(feed) + "?" + q.Encode()}.do(h)
		var p api.Page
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &p) != nil {
			t.Fatalf("walk %s: %d %s", feed, w.Code, w.Body)
		}
		cursor = p.NextCursor
		if first || !p.HasMore {
			return cursor
		}
	}
	t.Fatal("walk did not end")
	return ""
}

func checkLive(t *testing.T, doc contractDocument, requests map[string][]byte, e responseExample) {
	s := contractSim(1)
	h := s.Handler()
	call := contractCall{method: e.method, path: e.path, contentType: "application/json", key: "contract-key-1"}
	if _, ok := e.opts["no-key"]; ok {
		call.key = ""
	}
	if _, ok := e.opts["no-token"]; ok {
		call.noToken = true
	}
	if ct, ok := e.opts["ctype"]; ok {
		call.contentType = ct
	}
	if name, ok := e.opts["body"]; ok {
		if name == "@large" {
			call.body = []byte(`{"type":"signoff","note":"` + strings.Repeat("长", api.MaxActionBytes/3+1) + `"}`)
		} else if call.body, ok = requests[name]; !ok {
			t.Fatalf("no request example %q", name)
		}
	}
	// Placeholders in the path.
	if strings.Contains(call.path, "{") {
		path, query, _ := strings.Cut(call.path, "?")
		feed := strings.TrimPrefix(path, api.FeedPath(""))
		q, _ := url.ParseQuery(query)
		q.Del("cursor")
		var cursor string
		switch {
		case strings.Contains(query, "{next}"):
			cursor = cursorAt(t, h, feed, q.Encode(), true)
		case strings.Contains(query, "{end}"):
			cursor = cursorAt(t, h, feed, "", false)
		case strings.Contains(query, "{expired}"):
			cursor = cursorAt(t, contractSim(2).Handler(), feed, "limit=1", true)
		default:
			t.Fatalf("unknown placeholder in %s", call.path)
		}
		q.Set("cursor", cursor)
		call.path = path + "?" + q.Encode()
	}
	if name, ok := e.opts["after"]; ok {
		body, ok := requests[name]
		if !ok {
			t.Fatalf("no request example %q", name)
		}
		key := call.key
		if key == "" || call.method != http.MethodPost {
			key = "contract-key-0"
		}
		if w := (contractCall{method: http.MethodPost, path: api.ActionsPath, body: body, key: key, contentType: "application/json"}).do(h); w.Code != http.StatusCreated {
			t.Fatalf("after=%s: %d %s", name, w.Code, w.Body)
		}
	}

	w := call.do(h)
	if w.Code != e.status {
		t.Fatalf("the simulator answers %d, the document says %d: %s", w.Code, e.status, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if e.status >= 300 {
		var got, want api.ActionErrorBody
		json.Unmarshal(w.Body.Bytes(), &got)
		json.Unmarshal([]byte(e.body), &want)
		if got.Error.Code != want.Error.Code || got.Error.Field != want.Error.Field {
			t.Errorf("the simulator answers code %q field %q, the document %q %q", got.Error.Code, got.Error.Field, want.Error.Code, want.Error.Field)
		}
	}
	var live, documented any
	if err := json.Unmarshal(w.Body.Bytes(), &live); err != nil {
		t.Fatalf("decode the simulator's answer: %v", err)
	}
	json.Unmarshal([]byte(e.body), &documented)
	checkKeys(t, doc, e.feed(), "$", live, documented, e.rootTable())
}

// checkKeys requires every member of the live JSON value to be in the
// documented example at the same place or in the field table of the object
// that holds it.
func checkKeys(t *testing.T, doc contractDocument, feed, at string, live, documented any, table string) {
	t.Helper()
	switch v := live.(type) {
	case map[string]any:
		d, _ := documented.(map[string]any)
		var types map[string][]string
		typeCol := -1
		if tb, ok := doc.tables[table]; ok {
			types, typeCol = tb.fields(), tb.column("type")
		}
		for k, child := range v {
			_, inExample := d[k]
			row, inTable := types[k]
			if !inExample && !inTable {
				t.Errorf("the simulator sends %s.%s, which the document does not describe", at, k)
				continue
			}
			childTable := ""
			if inTable {
				typ := strings.TrimPrefix(strings.Trim(row[typeCol], "`"), "array of ")
				if _, ok := doc.tables[typ]; ok {
					childTable = typ
				}
			}
			if table == "item" && k == "data" {
				childTable = map[string]string{credit.FeedSharing: "sharing", credit.FeedRepair: "repair"}[feed]
				if childTable == "" {
					childTable = "record"
				}
			}
			checkKeys(t, doc, feed, at+"."+k, child, d[k], childTable)
		}
	case []any:
		// Compare each element with all documented elements merged.
		merged := make(map[string]any)
		if d, ok := documented.([]any); ok {
			for _, el := range d {
				if m, ok := el.(map[string]any); ok {
					for k, x := range m {
						merged[k] = x
					}
				}
			}
		}
		for _, el := range v {
			checkKeys(t, doc, feed, at+"[]", el, merged, table)
		}
	}
}

// TestContractActionFieldsLive takes each action type's documented request
// that the document shows accepted, and checks that leaving out a required
// member, or adding one the type does not use, is refused naming it.
func TestContractActionFieldsLive(t *testing.T) {
	doc := readContract(t)
	accepted := make(map[string]string) // request name of a 201 example
	requests := make(map[string][]byte)
	for _, b := range doc.blocks {
		f := strings.Fields(b.label)
		if len(f) == 2 && f[0] == "request" && b.lang == "json" {
			requests[f[1]] = []byte(b.body)
		}
		if len(f) >= 4 && f[0] == http.MethodPost && f[2] == "201" {
			accepted[strings.TrimPrefix(f[3], "body=")] = b.label
		}
	}
	dummy := map[string]any{"date": "2026-03-18", "departments": []string{"320412"}, "officer": "x", "record_key": "penalty/x", "receipt": "x", "website": "x", "note": "x"}
	covered := make(map[string]bool)
	for name := range accepted {
		var a map[string]any
		if err := json.Unmarshal(requests[name], &a); err != nil {
			t.Fatalf("request %s: %v", name, err)
		}
		typ, _ := a["type"].(string)
		covered[typ] = true
		h := contractSim(1).Handler()
		uses := make(map[string]bool)
		for _, f := range actionFields[typ] {
			uses[f.name] = true
		}
		n := 0
		try := func(field string, body map[string]any) {
			n++
			b, _ := json.Marshal(body)
			w := contractCall{method: http.MethodPost, path: api.ActionsPath, body: b, key: fmt.Sprintf("k%d", n), contentType: "application/json"}.do(h)
			var eb api.ActionErrorBody
			json.Unmarshal(w.Body.Bytes(), &eb)
			if w.Code != http.StatusUnprocessableEntity || eb.Error.Code != CodeInvalidAction || eb.Error.Field != field {
				t.Errorf("%s %s: %d %s, want 422 invalid_action naming %s", typ, b, w.Code, w.Body, field)
			}
		}
		for _, f := range actionFields[typ] {
			if f.required {
				body := maps(a)
				delete(body, f.name)
				try(f.name, body)
			}
		}
		for field, v := range dummy {
			if !uses[field] {
				body := maps(a)
				body[field] = v
				try(field, body)
			}
		}
	}
	for _, typ := range api.ActionTypes {
		if !covered[typ] {
			t.Errorf("action type %s has no 201 example", typ)
		}
	}
}

func maps(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
