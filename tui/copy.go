package tui

import (
	"io"
	"os"
	"strings"

	"github.com/atotto/clipboard"
	osc52 "github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// Copying (y and Y). The table has no column cursor of its own; the
// "selected cell" is the selected row's cell in the current column:
//
//   - the column the table is sorted by, when it is sorted (< and >
//     choose it, a click on a header too, and the summary line names it:
//     排序：文书号 升序);
//   - else the value column of a record's detail view;
//   - else the tab's document number column (信用修复, 修复后续), or the
//     first column where there is none.
//
// Y copies every cell of the row, hidden columns included, joined by tabs.
// Both copy the cells' text after cleanText, the cleaning the screen
// applies: no control character (ESC, BEL, C1) of hostile agency data
// reaches the clipboard or the terminal inside the OSC 52 sequence.

// copiedMsg is the outcome of a copy: the text copied, whether it went
// through OSC 52 (and why: remote, or no system clipboard), or the error.
type copiedMsg struct {
	text     string
	row      bool // Y: the whole row
	osc52    bool
	fallback bool // the system clipboard failed; OSC 52 was used instead
	err      error
}

// copyColumn is the current column of t (see above).
func (m *Model) copyColumn(t *Table) int {
	if col, _ := t.Sort(); col >= 0 {
		return col
	}
	if top := m.top(); top != nil && top.kind == viewDetail {
		return 1
	}
	if top := m.top(); top == nil && (m.tab == tabRepair || m.tab == tabQueue) {
		for i, c := range t.Columns() {
			if c.Field == searchDocNo {
				return i
			}
		}
	}
	return 0
}

// copyText is what y (row false) or Y (row true) copies from the selected
// row of the active table; ok is false when there is no row.
func (m *Model) copyText(row bool) (string, bool) {
	t := m.activeTable()
	r, ok := t.Selected()
	if !ok {
		return "", false
	}
	if row {
		cells := make([]string, len(r.Cells))
		for i, c := range r.Cells {
			cells[i] = cleanText(c)
		}
		return strings.Join(cells, "\t"), true
	}
	col := m.copyColumn(t)
	if col >= len(r.Cells) {
		return "", true
	}
	return cleanText(r.Cells[col]), true
}

// copyCmd copies the selected cell or row. Over SSH (Deps.Remote) it
// writes an OSC 52 sequence to the session's terminal, which puts the
// text on the clipboard of the officer's own machine; locally it uses the
// system clipboard (Deps.Clipboard), and OSC 52 when that fails (no
// xclip, xsel or wl-copy on a Linux console, say).
func (m *Model) copyCmd(row bool) tea.Cmd {
	text, ok := m.copyText(row)
	if !ok {
		return nil
	}
	out, remote, sys := m.output(), m.d.Remote, m.d.Clipboard
	if sys == nil {
		sys = clipboard.WriteAll
	}
	return func() tea.Msg {
		msg := copiedMsg{text: text, row: row}
		if !remote {
			if err := sys(text); err == nil {
				return msg
			}
			msg.fallback = true
		}
		msg.osc52 = true
		_, msg.err = io.WriteString(out, osc52.New(text).String())
		return msg
	}
}

// output is the terminal the program draws on, for what the TUI writes
// there besides frames: the bell and OSC 52. Such a write is one short
// sequence that moves no cursor, so the frames around it are unaffected.
func (m *Model) output() io.Writer {
	if m.d.Output != nil {
		return m.d.Output
	}
	return os.Stdout
}

// copyFlashWidth bounds the copied text the flash repeats.
const copyFlashWidth = 40

// handleCopied says what was copied.
func (m *Model) handleCopied(msg copiedMsg) {
	if msg.err != nil {
		m.flash, m.flashBad = m.cat.f("copy.failed", cleanText(msg.err.Error())), true
		return
	}
	shown := ansi.Truncate(strings.ReplaceAll(msg.text, "\t", "  "), copyFlashWidth, truncTail)
	key, how := "copy.done", ""
	if msg.row {
		key = "copy.row"
	}
	if msg.fallback { // said first: a long row's text is cut at the edge
		how = m.cat.t("copy.osc52")
	}
	m.flash, m.flashBad = m.cat.f(key, how, shown), false
}
