package tui

import (
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// TestRendererDecidesEveryStyle: the styles, bubbles' help and the text
// inputs all draw through Deps.Renderer, not the default renderer (which
// this package's tests set to Ascii). A colour renderer colours the screen
// and reverses the line's cursor; an Ascii one (a client with NO_COLOR or
// TERM=dumb) draws no escape sequence at all, whatever the default says.
func TestRendererDecidesEveryStyle(t *testing.T) {
	renderer := func(p termenv.Profile) *lipgloss.Renderer {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(p)
		r.SetHasDarkBackground(true)
		return r
	}
	for _, tc := range []struct {
		name    string
		r       *lipgloss.Renderer
		def     termenv.Profile // the default renderer's profile meanwhile
		escapes bool
	}{
		{"colour session, Ascii server", renderer(termenv.TrueColor), termenv.Ascii, true},
		{"NO_COLOR session, colour server", renderer(termenv.Ascii), termenv.TrueColor, false},
		{"no renderer: the default", nil, termenv.Ascii, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lipgloss.SetColorProfile(tc.def)
			defer lipgloss.SetColorProfile(termenv.Ascii)
			d := fixtureDeps(t, "zh")
			d.Renderer = tc.r
			m := loaded(t, d, 100, 30)
			screen := m.View()
			if got := strings.Contains(screen, "\x1b["); got != tc.escapes {
				t.Fatalf("escape sequences on screen: %v, want %v\n%q", got, tc.escapes, screen)
			}
			if !tc.escapes {
				return
			}
			if !strings.Contains(m.help.View(m.keys), "\x1b[") {
				t.Error("the help line is not drawn by the session's renderer")
			}
			m = keys(t, m, keyMsg("/"))
			if !strings.Contains(m.line.View(), "\x1b[7m") {
				t.Errorf("the filter line's cursor is not reversed by the session's renderer: %q", m.line.View())
			}
		})
	}
}

// TestAsciiCursorVisible: with no colour or attribute (NO_COLOR, TERM=dumb)
// the input line's cursor cannot be reversed, and the program hides the
// terminal's cursor, so the cursor past the end of the text is drawn as
// "_"; a colour terminal keeps the reversed space.
func TestAsciiCursorVisible(t *testing.T) {
	for _, tc := range []struct {
		profile termenv.Profile
		want    string
	}{
		{termenv.Ascii, "化_"},
		{termenv.TrueColor, "化\x1b[7m \x1b[0m"},
	} {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(tc.profile)
		d := fixtureDeps(t, "zh")
		d.Renderer = r
		m := loaded(t, d, 100, 30)
		m = keys(t, m, keyMsg("/"), keyMsg("化"))
		if got := m.line.View(); !strings.Contains(got, tc.want) {
			t.Errorf("profile %v: filter line %q, want it to hold %q", tc.profile, got, tc.want)
		}
	}
}
