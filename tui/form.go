package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// FormField is one labelled text input of a Form.
type FormField struct {
	Name     string // identifies the field in Values
	Label    string
	Required bool
	Input    textinput.Model
}

// FormKeyMap are a form's keys.
type FormKeyMap struct {
	Submit, Cancel, Next, Prev key.Binding
}

// Form is a small inline form: a title line and one line per field, drawn
// where the detail line usually is. enter submits (after checking required
// fields), esc cancels, tab and shift+tab (or up and down) move between
// fields. Text goes through bubbles/textinput, so Chinese input and pasted
// text (one KeyMsg of many runes) work.
type Form struct {
	Title  string
	Fields []FormField
	KeyMap FormKeyMap

	focus   int
	err     string // validation or Store error, shown on the title line
	pending bool   // submitted; waiting for the Store
	width   int
	hint    string
	missing string // message format for a required field left empty
}

// formResult is what Form.Update reports.
type formResult int

const (
	formEditing formResult = iota
	formSubmitted
	formCancelled
)

func newTextInput(value string, limit int) textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.CharLimit = limit
	ti.SetValue(value)
	ti.Cursor.SetMode(cursor.CursorStatic) // no blink: nothing redraws on a timer
	return ti
}

// NewForm returns a form with the first field focused. hint is the key hint
// after the title; missing is the message for an empty required field, with
// one %s for its label.
func NewForm(title string, fields []FormField, km FormKeyMap, hint, missing string) Form {
	f := Form{Title: title, Fields: fields, KeyMap: km, hint: hint, missing: missing, width: 80}
	f.focusField(0)
	return f
}

func (f *Form) focusField(i int) {
	for j := range f.Fields {
		f.Fields[j].Input.Blur()
	}
	if len(f.Fields) == 0 {
		return
	}
	f.focus = (i + len(f.Fields)) % len(f.Fields)
	in := &f.Fields[f.focus].Input
	in.Focus()
	in.Cursor.SetMode(cursor.CursorStatic)
	in.CursorEnd()
}

// SetWidth sets the width the form draws in.
func (f *Form) SetWidth(w int) {
	f.width = w
	for i := range f.Fields {
		lw := ansi.StringWidth(f.Fields[i].Label) + 6
		f.Fields[i].Input.Width = max(w-lw-1, 8)
	}
}

// Value returns the trimmed text of the named field.
func (f *Form) Value(name string) string {
	for _, fl := range f.Fields {
		if fl.Name == name {
			return strings.TrimSpace(fl.Input.Value())
		}
	}
	return ""
}

// SetError shows err on the title line and accepts input again.
func (f *Form) SetError(err string) { f.err, f.pending = err, false }

// Pending reports whether the form was submitted and waits for the Store.
func (f *Form) Pending() bool { return f.pending }

// Lines is how many lines View draws.
func (f *Form) Lines() int { return 1 + len(f.Fields) }

// Update handles one key. While pending, keys are ignored: an action handed
// to the Store cannot be taken back, so the form waits for its answer.
func (f Form) Update(msg tea.KeyMsg) (Form, formResult) {
	if f.pending {
		return f, formEditing
	}
	switch {
	case key.Matches(msg, f.KeyMap.Cancel):
		return f, formCancelled
	case key.Matches(msg, f.KeyMap.Submit):
		for i, fl := range f.Fields {
			if fl.Required && strings.TrimSpace(fl.Input.Value()) == "" {
				f.err = strings.ReplaceAll(f.missing, "%s", fl.Label)
				f.focusField(i)
				return f, formEditing
			}
		}
		f.err, f.pending = "", true
		return f, formSubmitted
	case key.Matches(msg, f.KeyMap.Next):
		f.focusField(f.focus + 1)
		return f, formEditing
	case key.Matches(msg, f.KeyMap.Prev):
		f.focusField(f.focus - 1)
		return f, formEditing
	}
	if len(f.Fields) > 0 {
		f.Fields[f.focus].Input, _ = f.Fields[f.focus].Input.Update(msg)
		f.err = ""
	}
	return f, formEditing
}

// View draws the title line (led by the error, if any), then a line per
// field with a ">" before the focused one.
func (f Form) View(st Styles) string {
	title := f.Title
	switch {
	case f.err != "":
		// The error goes first: a long title (an enterprise and its
		// document number) would push it past the edge at 80 columns.
		title = symBad + " " + f.err + "  " + title
	case f.hint != "":
		title += "  " + f.hint
	}
	style := st.Form
	if f.err != "" {
		style = st.Err
	}
	lines := []string{style.Render(ansi.Truncate(title, f.width, truncTail))}
	for i, fl := range f.Fields {
		marker := "  "
		if i == f.focus {
			marker = "> "
		}
		req := " "
		if fl.Required {
			req = "*"
		}
		in := fl.Input // a copy: View must not change the form
		st.Input.Apply(&in)
		line := marker + req + fl.Label + ": " + in.View()
		lines = append(lines, ansi.Truncate(line, f.width, truncTail))
	}
	return strings.Join(lines, "\n")
}
