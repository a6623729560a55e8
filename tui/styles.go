package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/czyj/credwatch/tui/table"
)

// Styles are the application's styles. They set colours and attributes only,
// through lipgloss, so the terminal's colour profile (termenv honours
// NO_COLOR) decides what is drawn; with the Ascii profile nothing is, and the
// screen stays readable because every state is also written as text and
// symbol ("! 异常", "[1 数据共享清单]", the ">" cursor marker).
//
// Every style belongs to one lipgloss.Renderer, which knows the terminal it
// draws on: its colour profile and whether its background is dark. Build
// them with NewStyles for the terminal the program draws on; an SSH server
// passes each session's own renderer, since the default renderer describes
// the server's standard output, not the officer's terminal.
type Styles struct {
	App       lipgloss.Style
	Header    lipgloss.Style
	OK        lipgloss.Style
	Warn      lipgloss.Style
	Err       lipgloss.Style
	Demo      lipgloss.Style
	Tab       lipgloss.Style
	ActiveTab lipgloss.Style
	Summary   lipgloss.Style
	Detail    lipgloss.Style
	Status    lipgloss.Style
	Form      lipgloss.Style
	Table     table.Styles
	Help      help.Styles
	Input     InputStyles
}

// InputStyles style the text inputs (forms, the filter and command lines):
// bubbles' textinput and its cursor, whose own defaults are built on the
// default renderer.
type InputStyles struct {
	Prompt, Text, Placeholder, Completion lipgloss.Style
	Cursor, CursorText                    lipgloss.Style
}

// Apply sets ti's styles to these. It leaves everything else (value,
// focus, cursor mode) as it was.
func (s InputStyles) Apply(ti *textinput.Model) {
	ti.PromptStyle, ti.TextStyle = s.Prompt, s.Text
	ti.PlaceholderStyle, ti.CompletionStyle = s.Placeholder, s.Completion
	ti.Cursor.Style, ti.Cursor.TextStyle = s.Cursor, s.CursorText
}

// DefaultStyles returns the styles for the process's own terminal (the
// default renderer): NewStyles(nil).
func DefaultStyles() Styles { return NewStyles(nil) }

// NewStyles returns adaptive colours for light and dark terminals, built on
// r (nil: lipgloss's default renderer).
func NewStyles(r *lipgloss.Renderer) Styles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	red := lipgloss.AdaptiveColor{Light: "#B00000", Dark: "#FF6060"}
	amber := lipgloss.AdaptiveColor{Light: "#8A5A00", Dark: "#FFB000"}
	green := lipgloss.AdaptiveColor{Light: "#006B00", Dark: "#5FD75F"}
	muted := lipgloss.AdaptiveColor{Light: "#6C6C6C", Dark: "#9E9E9E"}
	return Styles{
		App:       r.NewStyle().Bold(true),
		Header:    r.NewStyle(),
		OK:        r.NewStyle().Foreground(green),
		Warn:      r.NewStyle().Foreground(amber).Bold(true),
		Err:       r.NewStyle().Foreground(red).Bold(true),
		Demo:      r.NewStyle().Reverse(true).Bold(true),
		Tab:       r.NewStyle().Foreground(muted),
		ActiveTab: r.NewStyle().Bold(true).Underline(true),
		Summary:   r.NewStyle().Foreground(muted),
		Detail:    r.NewStyle().Italic(true),
		Status:    r.NewStyle(),
		Form:      r.NewStyle().Bold(true),
		Table:     table.NewStyles(r),
		Help:      newHelpStyles(r),
		Input:     newInputStyles(r),
	}
}

// newHelpStyles are bubbles' help.New() styles on r: the same colours on
// a dark background; on a light one darker greys than bubbles' (#909090,
// #B2B2B2, #DDDADA, hard to read on white: 3.2:1 and 2.1:1), so that the
// help is readable on a white console (theme = "light").
func newHelpStyles(r *lipgloss.Renderer) help.Styles {
	key := r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#4E4E4E", Dark: "#626262"})
	desc := r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#6C6C6C", Dark: "#4A4A4A"})
	sep := r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#9E9E9E", Dark: "#3C3C3C"})
	return help.Styles{ShortKey: key, ShortDesc: desc, ShortSeparator: sep, Ellipsis: sep,
		FullKey: key, FullDesc: desc, FullSeparator: sep}
}

// newInputStyles are bubbles' textinput.New() styles on r. The cursor is
// drawn in reverse video, which the Ascii profile (NO_COLOR, TERM=dumb)
// leaves out, and the program hides the terminal's own cursor; there the
// cursor at the end of the text, where the officer types, is drawn as
// "_" so that an input line shows where the keys go.
func newInputStyles(r *lipgloss.Renderer) InputStyles {
	grey := r.NewStyle().Foreground(lipgloss.Color("240"))
	cursor := r.NewStyle()
	if r.ColorProfile() == termenv.Ascii {
		cursor = cursor.Transform(asciiCursor)
	}
	return InputStyles{Prompt: r.NewStyle(), Text: r.NewStyle(), Placeholder: grey, Completion: grey,
		Cursor: cursor, CursorText: r.NewStyle()}
}

// asciiCursor draws the cursor cell past the end of the text (a space) as
// "_"; a cursor on a character leaves it as it is.
func asciiCursor(s string) string {
	if s == " " {
		return "_"
	}
	return s
}

// themed returns r (nil: the default renderer) told the terminal's
// background by the configuration's theme: "light" or "dark" override
// what was detected (termenv assumes dark on Windows, where it cannot
// ask the console), "" and "auto" keep it. The colour profile is left as
// it is, so NO_COLOR and TERM=dumb still draw no colour at all.
func themed(r *lipgloss.Renderer, theme string) *lipgloss.Renderer {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	switch theme {
	case "light":
		r.SetHasDarkBackground(false)
	case "dark":
		r.SetHasDarkBackground(true)
	}
	return r
}
