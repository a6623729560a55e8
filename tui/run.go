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
// and output: the alternate screen, and cell-motion mouse reporting when
// Deps.Mouse is set (never otherwise: it takes the terminal's own text
// selection away).
func (m Model) ProgramOptions() []tea.ProgramOption {
	opts := []tea.ProgramOption{tea.WithAltScreen()}
	if m.d.Mouse {
		opts = append(opts, tea.WithMouseCellMotion())
	}
	return opts
}

// HasTerminal reports whether standard input and output are both a
// terminal, which the full-screen view needs.
func HasTerminal() bool {
	return term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd())
}
