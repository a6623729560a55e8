package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
)

// Styles are the application's styles. They set colours and attributes only,
// through lipgloss, so the terminal's colour profile (termenv honours
// NO_COLOR) decides what is drawn; with the Ascii profile nothing is, and the
// screen stays readable because every state is also written as text and
// symbol ("! 异常", "[1 数据共享清单]", the ">" cursor marker).
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
	Table     TableStyles
	Help      help.Styles
}

// DefaultStyles returns adaptive colours for light and dark terminals.
func DefaultStyles() Styles {
	red := lipgloss.AdaptiveColor{Light: "#B00000", Dark: "#FF6060"}
	amber := lipgloss.AdaptiveColor{Light: "#8A5A00", Dark: "#FFB000"}
	green := lipgloss.AdaptiveColor{Light: "#006B00", Dark: "#5FD75F"}
	muted := lipgloss.AdaptiveColor{Light: "#6C6C6C", Dark: "#9E9E9E"}
	return Styles{
		App:       lipgloss.NewStyle().Bold(true),
		Header:    lipgloss.NewStyle(),
		OK:        lipgloss.NewStyle().Foreground(green),
		Warn:      lipgloss.NewStyle().Foreground(amber).Bold(true),
		Err:       lipgloss.NewStyle().Foreground(red).Bold(true),
		Demo:      lipgloss.NewStyle().Reverse(true).Bold(true),
		Tab:       lipgloss.NewStyle().Foreground(muted),
		ActiveTab: lipgloss.NewStyle().Bold(true).Underline(true),
		Summary:   lipgloss.NewStyle().Foreground(muted),
		Detail:    lipgloss.NewStyle().Italic(true),
		Status:    lipgloss.NewStyle(),
		Form:      lipgloss.NewStyle().Bold(true),
		Table:     DefaultTableStyles(),
		Help:      help.New().Styles,
	}
}
