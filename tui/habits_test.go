package tui

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/czyj/credwatch/credit"
)

// syncBuffer is an Output the commands write to from their goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// hostileDoc is a document number as a hostile or broken agency system
// might send it: an OSC 52 of its own, a BEL ending it, a colour, a C1
// CSI (U+009B) clearing the screen, a NEL (U+0085).
const hostileDoc = "常武应急罚〔2024〕\x1b]52;c;ZXZpbA==\x0737号\x1b[31m\u009b2J\u0085\u202e\u2066"

// hostileDeps is the fixture with one more penalty whose name and
// document number carry escape sequences and control characters.
func hostileDeps(t *testing.T) (Deps, *syncBuffer) {
	t.Helper()
	recs := append(fixturePenalties(),
		penalty("HX-2026-0820", "czjk", "常州\x1b[2J恶意\x07企业", "9132040188990028", hostileDoc, "2026-08-20", "2026-08-26", credit.General))
	snap := fixtureSnapshotOf(summaries(recs))
	d := fixtureDeps(t, "zh")
	d.Snapshot = func() (*credit.Snapshot, error) { return snap, nil }
	out := &syncBuffer{}
	d.Output = out
	return d, out
}

// selectRow puts the active table's cursor on the row whose cells contain
// s.
func selectRow(t *testing.T, m *Model, s string) Row {
	t.Helper()
	tb := m.activeTable()
	for i, r := range tb.Rows() {
		if strings.Contains(strings.Join(r.Cells, "|"), s) {
			tb.SetCursor(i)
			return r
		}
	}
	t.Fatalf("no row with %q", s)
	return Row{}
}

var osc52Seq = regexp.MustCompile("\x1b\\]52;c;([A-Za-z0-9+/=]*)\x07")

// osc52Payloads decodes every OSC 52 sequence written to out.
func osc52Payloads(t *testing.T, out string) []string {
	t.Helper()
	var got []string
	for _, sm := range osc52Seq.FindAllStringSubmatch(out, -1) {
		b, err := base64.StdEncoding.DecodeString(sm[1])
		if err != nil {
			t.Fatalf("OSC 52 payload %q: %v", sm[1], err)
		}
		got = append(got, string(b))
	}
	return got
}

// noControl fails when s holds a C0 or C1 control character (the tab
// between Y's cells excepted).
func noControl(t *testing.T, what, s string) {
	t.Helper()
	for _, r := range s {
		if (r < 0x20 && r != '\t') || (r >= 0x7f && r <= 0x9f) || credit.IsBidiControl(r) {
			t.Errorf("%s carries control character U+%04X: %q", what, r, s)
		}
	}
}

// TestCopyOSC52CarriesSanitisedCell: y copies the selected cell as the
// screen cleans it, Y the row tab-separated; over SSH (Remote) and when
// the system clipboard fails the OSC 52 sequence carries exactly that
// text, with no ESC, BEL or C1 of the hostile record in it.
func TestCopyOSC52CarriesSanitisedCell(t *testing.T) {
	wantDoc := cleanText(hostileDoc)
	if !strings.HasPrefix(wantDoc, "常武应急罚〔2024〕") || strings.ContainsAny(wantDoc, "\x1b\x07\u009b\u0085\u202e\u2066") {
		t.Fatalf("cleanText(hostileDoc) = %q", wantDoc)
	}
	for _, tc := range []struct {
		name      string
		remote    bool
		clipErr   error
		wantOSC   bool
		wantClip  bool
		wantFlash string
	}{
		{"ssh session: OSC 52 only", true, nil, true, false, "已复制整行：已可申请  常州 [2J恶意 企业"},
		{"local, no clipboard tool: OSC 52", false, errors.New("no clipboard utilities available"), true, true, "OSC 52"},
		{"local clipboard", false, nil, false, true, "已复制整行："},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, out := hostileDeps(t)
			d.Remote = tc.remote
			var clip []string
			d.Clipboard = func(s string) error { clip = append(clip, s); return tc.clipErr }
			m := loaded(t, d, 100, 30)
			m = update(t, m, runes("4")) // 信用修复
			row := selectRow(t, &m, "常武应急罚")

			m, cmd := press(t, m, runes("y"))
			m = run(t, m, cmd)
			m, cmd = press(t, m, runes("Y"))
			m = run(t, m, cmd)

			wantRow := make([]string, len(row.Cells))
			for i, c := range row.Cells {
				wantRow[i] = cleanText(c)
			}
			want := []string{wantDoc, strings.Join(wantRow, "\t")}
			got := osc52Payloads(t, out.String())
			if !tc.wantOSC {
				if len(got) != 0 || out.String() != "" {
					t.Errorf("wrote %q to the terminal, want nothing", out.String())
				}
				got = clip
			} else if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
				t.Errorf("OSC 52 carried %q\nwant %q", got, want)
			}
			if tc.wantOSC && strings.Count(out.String(), "\x1b") != 2 {
				t.Errorf("output has more escapes than the two sequences: %q", out.String())
			}
			if tc.wantClip && (len(clip) != 2 || clip[0] != want[0] || clip[1] != want[1]) {
				t.Errorf("system clipboard got %q, want %q", clip, want)
			}
			if !tc.wantClip && len(clip) > 0 {
				t.Errorf("a remote session wrote the server's clipboard: %q", clip)
			}
			for _, s := range append(got, clip...) {
				noControl(t, "copied text", s)
			}
			if !strings.Contains(m.flash, tc.wantFlash) {
				t.Errorf("flash %q, want %q", m.flash, tc.wantFlash)
			}
			noControl(t, "flash", m.flash)
		})
	}
}

// TestCopyCleansRawCells: copying cleans the cell itself, not only
// relying on the rows' builders to have done so.
func TestCopyCleansRawCells(t *testing.T) {
	d, out := hostileDeps(t)
	d.Remote = true
	m := loaded(t, d, 100, 30)
	m = update(t, m, runes("2"))
	m.sharing.SetRows([]Row{{Key: "raw", Cells: []string{hostileDoc, "\x1b[5m闪烁\u009d"}}})
	for _, k := range []string{"y", "Y"} {
		mm, cmd := press(t, m, runes(k))
		m = run(t, mm, cmd)
	}
	got := osc52Payloads(t, out.String())
	want := []string{cleanText(hostileDoc), cleanText(hostileDoc) + "\t" + cleanText("\x1b[5m闪烁\u009d")}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("OSC 52 carried %q\nwant %q", got, want)
	}
	for _, s := range got {
		noControl(t, "copied text", s)
	}
}

// TestCopyColumn: the current column is the sort column; unsorted, the
// document number on the 信用修复 tab and the first column elsewhere; a
// record's detail copies the value.
func TestCopyColumn(t *testing.T) {
	d, _ := hostileDeps(t)
	var clip []string
	d.Clipboard = func(s string) error { clip = append(clip, s); return nil }
	m := loaded(t, d, 100, 30)
	copyNow := func() string {
		t.Helper()
		var cmd tea.Cmd
		m, cmd = press(t, m, runes("y"))
		m = run(t, m, cmd)
		if len(clip) == 0 {
			t.Fatal("nothing copied")
		}
		return clip[len(clip)-1]
	}
	m = update(t, m, runes("4"))
	row := selectRow(t, &m, "常武应急罚")
	doc := colOf(repairTab, "col.docno")
	name := colOf(repairTab, "col.name")
	if got := copyNow(); got != cleanText(row.Cells[doc]) {
		t.Errorf("unsorted: copied %q, want the document number %q", got, row.Cells[doc])
	}
	m.activeTable().SetSort(name, false)
	selectRow(t, &m, "常武应急罚")
	if got := copyNow(); got != cleanText(row.Cells[name]) || !strings.Contains(got, "恶意") {
		t.Errorf("sorted by name: copied %q, want %q", got, cleanText(row.Cells[name]))
	}
	m = update(t, m, runes("2")) // 数据共享清单: no document number
	r, _ := m.activeTable().Selected()
	if got := copyNow(); got != cleanText(r.Cells[0]) {
		t.Errorf("sharing: copied %q, want the first column %q", got, r.Cells[0])
	}
}

// setEndpoint replaces the status of endpoint name in the store's
// snapshot and check data.
func setEndpoint(st *fakeStore, name string, fail bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	eps := append([]credit.EndpointStatus(nil), st.snap.Endpoints...)
	for i := range eps {
		if eps[i].Name != name {
			continue
		}
		ok := fxNow.Add(-2 * time.Minute)
		eps[i].LastAttempt, eps[i].LastSuccess, eps[i].FeedsDone = ok, ok, walked(ok, eps[i].Feeds...)
		eps[i].LastError, eps[i].Failures, eps[i].ErrorSince = "", 0, time.Time{}
		if fail {
			eps[i].LastSuccess = fxNow.Add(-2 * time.Hour)
			eps[i].LastError, eps[i].Failures, eps[i].ErrorSince = "GET /v1/penalty: 502 Bad Gateway", 2, fxNow.Add(-time.Minute)
		}
	}
	st.snap.Endpoints, st.check.Endpoints = eps, eps
}

// reload runs one full load of the store and applies it, returning the
// model and how many bells it rang.
func reload(t *testing.T, m Model, out *syncBuffer) (Model, int) {
	t.Helper()
	before := strings.Count(out.String(), "\a")
	m.cooling, m.dirty = false, false
	cmd := m.startLoad()
	nm, next := m.Update(cmd())
	m = run(t, nm.(Model), next)
	return m, strings.Count(out.String(), "\a") - before
}

// TestBellOnNewFailure: the first load rings nothing; an endpoint that
// turns from passing to failing (and with it the check line counting
// failing endpoints) rings exactly once and is marked 新 until seen; the
// same data again rings nothing; [ui] bell = false marks without ringing.
func TestBellOnNewFailure(t *testing.T) {
	for _, quiet := range []bool{false, true} {
		dp, st := storeDeps(t, "zh")
		out := &syncBuffer{}
		dp.Output, dp.NoBell = out, quiet
		setEndpoint(st, "gov-service", false)
		setEndpoint(st, "law-enforcement", false)
		m := loadedStore(t, dp, 100, 30)
		if m.tab != tabCheck {
			t.Fatalf("start tab %d, want the check", m.tab)
		}
		if strings.Contains(out.String(), "\a") || len(m.alerts.fresh) != 0 {
			t.Fatalf("first load rang or marked: %q, %v", out.String(), m.alerts.fresh)
		}
		endpointsLine := func() credit.CheckStatus {
			return m.view.check.byID["endpoints"].Status
		}
		if endpointsLine() != credit.CheckPass {
			t.Fatalf("check line endpoints %v, want pass before the failure (byID %v)", endpointsLine(), m.view.check.byID)
		}

		setEndpoint(st, "law-enforcement", true)
		m, bells := reload(t, m, out)
		wantBells := 1
		if quiet {
			wantBells = 0
		}
		if bells != wantBells || m.alerts.rung != wantBells {
			t.Errorf("quiet %v: pass -> fail rang %d bells (rung %d), want %d", quiet, bells, m.alerts.rung, wantBells)
		}
		if endpointsLine() != credit.CheckFail {
			t.Fatalf("check line endpoints %v after the failure", endpointsLine())
		}
		want := map[alertKey]bool{{placeCheck, "endpoints"}: true, {placeSync, "law-enforcement"}: true}
		if len(m.alerts.fresh) != len(want) || !m.alerts.fresh[alertKey{placeCheck, "endpoints"}] || !m.alerts.fresh[alertKey{placeSync, "law-enforcement"}] {
			t.Fatalf("new: %v, want %v", m.alerts.fresh, want)
		}
		v := m.View()
		if !strings.Contains(v, "新情况 2 项") || !strings.Contains(v, "\n新") || !strings.Contains(v, "3 同步状态+") {
			t.Errorf("marks missing on the check tab:\n%s", v)
		}

		m, bells = reload(t, m, out)
		if bells != 0 || len(m.alerts.fresh) != 2 {
			t.Errorf("the same data again: %d bells, %d new, want 0 and still 2", bells, len(m.alerts.fresh))
		}

		// "3" is pressed on the check tab: its line is seen; the endpoint
		// is marked until a key is pressed on the sync tab.
		m = update(t, m, runes("3"))
		if len(m.alerts.fresh) != 1 || !m.alerts.fresh[alertKey{placeSync, "law-enforcement"}] {
			t.Errorf("after a key on the check tab: new %v, want only the endpoint", m.alerts.fresh)
		}
		v = m.View()
		// The endpoint is the cursor row, which keeps its "> ": the table
		// marks it, the count says it.
		if !m.sync.endpoints.Marked("law-enforcement") || !strings.Contains(v, "新情况 1 项") {
			t.Errorf("sync tab does not mark the endpoint:\n%s", v)
		}
		m = update(t, m, runes("j"))
		if len(m.alerts.fresh) != 0 || strings.Contains(m.View(), "新情况") {
			t.Errorf("after a key on the sync tab: new %v", m.alerts.fresh)
		}
		m, bells = reload(t, m, out)
		if bells != 0 || len(m.alerts.fresh) != 0 {
			t.Errorf("a seen failure that persists: %d bells, new %v", bells, m.alerts.fresh)
		}
	}
}

// click is a left-button press at x, y.
func click(x, y int) tea.MouseMsg {
	return tea.MouseMsg{X: x, Y: y, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft}
}

// lineOf returns the index of the first line of the view containing s.
func lineOf(t *testing.T, m Model, s string) (int, string) {
	t.Helper()
	for i, l := range strings.Split(m.View(), "\n") {
		if strings.Contains(l, s) {
			return i, l
		}
	}
	t.Fatalf("no line with %q:\n%s", s, m.View())
	return 0, ""
}

// TestMouse drives an 80x24 model with clicks where View draws things,
// CJK labels two cells a character.
func TestMouse(t *testing.T) {
	d := fixtureDeps(t, "zh")
	d.Mouse = true
	m := loaded(t, d, 80, 24)
	if m.tab != tabSharing {
		t.Fatalf("start tab %d", m.tab)
	}
	y, line := lineOf(t, m, "4 信用修复")
	// "4 信用修复" starts after " 1 每日核查 " and "[2 数据共享清单]" and the
	// spaces between: 12 + 1 + 16 + 1 + 12 + 1 cells.
	x := strings.Index(line, " 4 信用修复")
	x = ansiWidth(line[:x]) + 3 // on "信"
	m = update(t, m, click(x, y))
	if m.tab != tabRepair {
		t.Fatalf("click at %d,%d on %q: tab %d, want 信用修复", x, y, line, m.tab)
	}
	m = update(t, m, click(ansiWidth(line)+5, y)) // past the last tab
	if m.tab != tabRepair {
		t.Errorf("a click past the tabs changed the tab to %d", m.tab)
	}

	// A click on a row selects it.
	tb := m.activeTable()
	third := tb.Rows()[2]
	y, _ = lineOf(t, m, string([]rune(third.Cells[colOf(repairTab, "col.name")])[:5]))
	m = update(t, m, click(10, y))
	if r, _ := m.activeTable().Selected(); r.Key != third.Key {
		t.Errorf("click on row at y %d selected %q, want %q", y, r.Key, third.Key)
	}

	// A click on a header sorts by it; again, the other way.
	hy, header := lineOf(t, m, "文号")
	hx := ansiWidth(header[:strings.Index(header, "文号")]) + 1
	doc := colOf(repairTab, "col.docno")
	m = update(t, m, click(hx, hy))
	if col, desc := m.activeTable().Sort(); col != doc || desc {
		t.Errorf("click on the 文号 header: sort %d desc %v, want %d ascending", col, desc, doc)
	}
	m = update(t, m, click(hx, hy))
	if col, desc := m.activeTable().Sort(); col != doc || !desc {
		t.Errorf("second click: sort %d desc %v, want %d descending", col, desc, doc)
	}
	if c := m.activeTable().ColumnAt(hx - 3); c == doc {
		t.Errorf("cell %d, left of the header text, is still column %d", hx-3, c)
	}

	// The wheel moves the cursor of the table under the pointer.
	m.activeTable().GotoTop()
	m = update(t, m, tea.MouseMsg{X: 10, Y: hy + 2, Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown})
	if c := m.activeTable().Cursor(); c != wheelRows {
		t.Errorf("wheel down: cursor %d, want %d", c, wheelRows)
	}
	m = update(t, m, tea.MouseMsg{X: 10, Y: hy + 2, Action: tea.MouseActionPress, Button: tea.MouseButtonWheelUp})
	if c := m.activeTable().Cursor(); c != 0 {
		t.Errorf("wheel up: cursor %d, want 0", c)
	}

	// The sync tab's second table starts below the first and a blank line.
	m = update(t, m, runes("3"))
	dy, _ := lineOf(t, m, "危化处")
	m = update(t, m, click(10, dy))
	if r, _ := m.sync.depts.Selected(); m.sync.focus != 1 || !strings.Contains(r.Cells[0], "危化处") {
		t.Errorf("click on a department row (y %d): focus %d, row %q", dy, m.sync.focus, r.Cells)
	}

	withMouse := len(m.ProgramOptions())
	// Mouse off (the default): clicks do nothing.
	d.Mouse = false
	m = loaded(t, d, 80, 24)
	m = update(t, m, click(x, 3))
	if m.tab != tabSharing {
		t.Error("a click acted with the mouse off")
	}
	if n := len(m.ProgramOptions()); n != withMouse-1 {
		t.Errorf("program options: %d with the mouse on, %d off; want exactly one more (mouse reporting) with it on", withMouse, n)
	}
}

// TestEveryFrameNarrow: data full of East-Asian-ambiguous punctuation
// (“”‘’…—·×§) reaches the tables, the detail line, the flash and the
// views opened over the tabs; no frame of any of them draws one.
func TestEveryFrameNarrow(t *testing.T) {
	const odd = "“华信”‘安’…—·×§"
	recs := append(fixturePenalties(),
		penalty("AM-2026-0820", "czjk", "常州"+odd+"有限公司", "9132040188990036", "常应急罚〔2026〕"+odd+"号", "2026-08-20", "2026-08-26", credit.General))
	snap := fixtureSnapshotOf(summaries(recs))
	snap.Endpoints[1].LastError = "连接被拒绝“" + odd + "”"
	for _, lang := range []string{"zh", "en"} {
		d := fixtureDeps(t, lang)
		d.Snapshot = func() (*credit.Snapshot, error) { return snap, nil }
		d.Clipboard = func(string) error { return nil }
		m := loaded(t, d, 100, 30)
		var frames []string
		m = update(t, m, runes("4"))
		selectRow(t, &m, "华信")
		frames = append(frames, m.View()) // the detail line
		if !strings.Contains(m.View(), "\"华信\"") {
			t.Errorf("%s: the detail line lost the text instead of narrowing it:\n%s", lang, m.View())
		}
		m = update(t, m, runes("Y"))
		mm, cmd := press(t, m, runes("y"))
		m = run(t, mm, cmd)
		frames = append(frames, m.View()) // the flash
		m = update(t, m, keyMsg("enter"))
		frames = append(frames, m.View()) // records or detail
		m = update(t, m, runes("3"))
		selectRow(t, &m, "gov-service")
		frames = append(frames, m.View())
		m = update(t, m, runes("?"))
		frames = append(frames, tabViews(t, m)...)
		for i, f := range frames {
			if r, bad := ambiguous(f); bad {
				t.Errorf("%s frame %d draws ambiguous %q (U+%04X):\n%s", lang, i, r, r, f)
			}
			for _, l := range strings.Split(f, "\n") {
				if ansiWidth(l) > 100 {
					t.Errorf("%s frame %d: line wider than the screen: %q", lang, i, l)
				}
			}
		}
	}
}

// TestTheme: theme = "light" draws the light colours and "dark" the dark
// ones whatever was detected; "auto" keeps the detection; with the Ascii
// profile (NO_COLOR) no theme draws a colour.
func TestTheme(t *testing.T) {
	red := map[bool]string{true: "38;2;255;96;96", false: "38;2;176;0;0"} // dark, light
	for _, tc := range []struct {
		theme    string
		detected bool // dark
		profile  termenv.Profile
		want     string // "" no colour at all
	}{
		{"light", true, termenv.TrueColor, red[false]},
		{"dark", false, termenv.TrueColor, red[true]},
		{"auto", false, termenv.TrueColor, red[false]},
		{"", true, termenv.TrueColor, red[true]},
		{"light", true, termenv.Ascii, ""},
	} {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(tc.profile)
		r.SetHasDarkBackground(tc.detected)
		d := fixtureDeps(t, "zh")
		d.Renderer, d.Theme = r, tc.theme
		m := loaded(t, d, 100, 30)
		got := m.styles.Err.Render("x")
		switch {
		case tc.want == "" && strings.Contains(m.View(), "\x1b["):
			t.Errorf("theme %q with NO_COLOR draws escapes", tc.theme)
		case tc.want != "" && !strings.Contains(got, tc.want):
			t.Errorf("theme %q (detected dark %v): error style %q, want %s", tc.theme, tc.detected, got, tc.want)
		}
	}
	// Light: the help's greys are readable on white (bubbles' #B2B2B2 is not).
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	s := NewStyles(themed(r, "light"))
	if got := s.Help.ShortDesc.Render("x"); !strings.Contains(got, "38;2;108;108;108") {
		t.Errorf("light help text %q, want #6C6C6C", got)
	}
}

// TestNoBellMidPass: a check line is not judged while a pass is under
// way (the cache between two states, a line may fail for a moment); the
// endpoint's own error is news at once. Once the pass is done, the line
// still failing is marked, and rings once a minute after the last bell.
func TestNoBellMidPass(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	out := &syncBuffer{}
	dp.Output = out
	wall := fxNow
	dp.Clock = func() time.Time { return wall }
	setEndpoint(st, "gov-service", false)
	m := loadedStore(t, dp, 100, 30)
	setEndpoint(st, "law-enforcement", true)
	m.syncing = map[string]bool{"law-enforcement": true}
	m, bells := reload(t, m, out)
	if bells != 1 || !m.alerts.fresh[alertKey{placeSync, "law-enforcement"}] || m.alerts.fresh[alertKey{placeCheck, "endpoints"}] {
		t.Errorf("mid-pass: %d bells, new %v; want one for the endpoint, the check left alone", bells, m.alerts.fresh)
	}
	clear(m.syncing)
	wall = wall.Add(bellGap)
	m, bells = reload(t, m, out)
	if bells != 1 || !m.alerts.fresh[alertKey{placeCheck, "endpoints"}] {
		t.Errorf("after the pass: %d bells, new %v; want one, the check line marked", bells, m.alerts.fresh)
	}
}

// TestOneBellAMinute: endpoints failing one after the other within a
// minute (an outage) ring once and are all marked.
func TestOneBellAMinute(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	out := &syncBuffer{}
	dp.Output = out
	wall := fxNow
	dp.Clock = func() time.Time { return wall }
	setEndpoint(st, "gov-service", false)
	m := loadedStore(t, dp, 100, 30)
	setEndpoint(st, "law-enforcement", true)
	m, first := reload(t, m, out)
	wall = wall.Add(20 * time.Second)
	setEndpoint(st, "gov-service", true)
	m, second := reload(t, m, out)
	if first != 1 || second != 0 {
		t.Errorf("bells %d then %d, want 1 then 0", first, second)
	}
	if !m.alerts.fresh[alertKey{placeSync, "gov-service"}] || !m.alerts.fresh[alertKey{placeSync, "law-enforcement"}] {
		t.Errorf("new %v, want both endpoints marked", m.alerts.fresh)
	}
}

// TestRefusedActionMarked: an action the agencies refuse (a failed
// outbox item) rings and is marked in the outbox; there it is the
// cursor's row, so its detail line says 新; a key there is seeing it.
func TestRefusedActionMarked(t *testing.T) {
	dp, st := storeDeps(t, "zh")
	out := &syncBuffer{}
	dp.Output = out
	m := loadedStore(t, dp, 100, 30)
	st.mu.Lock()
	st.outbox = append([]credit.OutboxItem{{Seq: 13, State: credit.OutboxFailed, Attempts: 1, LastError: "422 validation: date: not a working day",
		Action: credit.Action{ID: "a13", Type: credit.ActionSignoff, Officer: "张三", At: fxNow, Date: fxToday}}}, st.outbox...)
	st.mu.Unlock()
	m, bells := reload(t, m, out)
	if bells != 1 || !m.alerts.fresh[alertKey{placeOutbox, "13"}] || len(m.alerts.fresh) != 1 {
		t.Fatalf("refused action: %d bells, new %v", bells, m.alerts.fresh)
	}
	m = update(t, m, runes("o"))
	if r, _ := m.activeTable().Selected(); r.Key != "13" || !m.activeTable().Marked("13") {
		t.Fatalf("outbox: cursor on %q, marked %v", r.Key, m.activeTable().Marked("13"))
	}
	if !strings.Contains(m.View(), "\n新 #13") && !strings.Contains(m.View(), "\n新 ") {
		t.Errorf("the detail line of the marked cursor row does not start with 新:\n%s", m.View())
	}
	m = update(t, m, runes("j"))
	if len(m.alerts.fresh) != 0 || strings.Contains(m.View(), "新情况") {
		t.Errorf("a key in the outbox did not see item 13: %v", m.alerts.fresh)
	}
}
