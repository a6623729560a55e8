//go:build windows

package serve

import (
	"io"

	"github.com/charmbracelet/ssh"
)

// ptyOutput is nil on Windows: the SSH library's Windows PTY exposes no file
// for the renderer to probe, so sessions served from Windows are drawn
// without colour (states are always shown as text and symbols too).
func ptyOutput(ssh.Pty) io.Writer { return nil }
