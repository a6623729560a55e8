//go:build !windows

package serve

import (
	"io"

	"github.com/charmbracelet/ssh"
)

// ptyOutput is the session's PTY as the renderer sees it, or nil if the
// session has none.
func ptyOutput(pty ssh.Pty) io.Writer {
	if pty.Slave == nil {
		return nil
	}
	return pty.Slave
}
