package tui

import (
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
)

// Run shows m full screen on the process's own terminal (the alternate
// screen) until the officer quits, and returns why the program ended if
// not by the officer's choice. An SSH server runs a session's Model
// through its own program instead (tui/serve).
func Run(m Model) error {
	_, err := tea.NewProgram(m, tea.WithAltScreen()).Run()
	return err
}

// HasTerminal reports whether standard input and output are both a
// terminal, which the full-screen view needs.
func HasTerminal() bool {
	return term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd())
}
