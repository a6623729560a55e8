package tui

import (
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
)

// Run shows m full screen on the process's own terminal (the alternate
// screen) until the officer quits, and returns why the program ended if
// not by the officer's choice. An SSH server runs a session's Model
// through its own program instead (tui/serve). Mouse reporting is on only
// when Deps.Mouse says so (ProgramOptions).
func Run(m Model) error {
	_, err := tea.NewProgram(m, m.ProgramOptions()...).Run()
	return err
}

// ProgramOptions are the tea.Program options m needs besides its input
// and output: the alternate screen, the renderer at runFPS, and
// cell-motion mouse reporting when Deps.Mouse is set (never otherwise: it
// takes the terminal's own text selection away).
func (m Model) ProgramOptions() []tea.ProgramOption {
	opts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithFPS(runFPS)}
	if m.d.Mouse {
		opts = append(opts, tea.WithMouseCellMotion())
	}
	return opts
}

// runFPS is how often, at most, the renderer writes a changed frame to the
// terminal: Bubble Tea's highest. A key's frame waits for the renderer's
// next tick after Update and View, half a tick on average: 8.3 ms at the
// default 60 Hz, 4.2 ms at 120 Hz, a quarter of the 16 ms the filter's
// keystroke-to-frame target allows (docs/PERFORMANCE.md, issue 20 item
// 4). A tick with no new frame compares the frame with the last one and
// writes nothing.
const runFPS = 120

// HasTerminal reports whether standard input and output are both a
// terminal, which the full-screen view needs.
func HasTerminal() bool {
	return term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd())
}
