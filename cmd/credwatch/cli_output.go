package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/czyj/credwatch/tui/i18n"
)

// outputEncoding is the encoding of what the text commands write to
// standard output: UTF-8, or GB18030 for a Windows console whose code page
// is 936, whose pipes (findstr, PowerShell 5.1) read bytes as GBK.
type outputEncoding int

const (
	encUTF8 outputEncoding = iota
	encGB18030
)

// pickEncoding reads --encoding; "" picks the default for stdout
// (defaultEncoding: GB18030 when stdout is a pipe or file of a Windows
// console with code page 936, else UTF-8).
func pickEncoding(flagVal string, stdout io.Writer) (outputEncoding, error) {
	switch strings.ToLower(flagVal) {
	case "":
		return defaultEncoding(stdout), nil
	case "utf-8", "utf8":
		return encUTF8, nil
	case "gb18030", "gbk", "cp936", "936":
		return encGB18030, nil
	}
	return encUTF8, fmt.Errorf("--encoding: want %s, got %q", strings.Join(encodingNames, " or "), flagVal)
}

// encodeOutput returns w re-encoded as enc. The caller must Close it to
// write out the end of a character split between writes. Going to
// GB18030 it drops a UTF-8 byte-order mark at the very start (export
// --format csv writes one for Excel, which reads a CSV without one in the
// code page: GB18030 is what it expects there).
func encodeOutput(w io.Writer, enc outputEncoding) io.WriteCloser {
	if enc != encGB18030 {
		return nopWriteCloser{w}
	}
	e := encoding.ReplaceUnsupported(simplifiedchinese.GB18030.NewEncoder())
	return &bomDropper{w: transform.NewWriter(w, e)}
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// bomDropper drops a byte-order mark at the start of the first write.
type bomDropper struct {
	w       io.WriteCloser
	started bool
}

func (b *bomDropper) Write(p []byte) (int, error) {
	n := 0
	if !b.started {
		b.started = true
		if bytes.HasPrefix(p, []byte("\uFEFF")) {
			n, p = 3, p[3:]
		}
	}
	m, err := b.w.Write(p)
	return n + m, err
}

func (b *bomDropper) Close() error { return b.w.Close() }

// textOutput reports whether the command writes text to standard output,
// which --encoding re-encodes. The TUI draws on the terminal itself; report
// may write a workbook; serve writes to its SSH sessions.
func (c *cliCommand) textOutput() bool {
	switch c.name {
	case "tui", "report", "serve":
		return false
	}
	return true
}

// The legacy Windows console ("使用旧版控制台") cannot give Bubble Tea the
// virtual-terminal input mode: its program stops with "set console mode:
// The parameter is incorrect". tuiError says what to change instead (the
// catalogue's cli.legacyconsole).

// tuiError is the message for err, with which the full-screen view stopped.
func tuiError(err error, lang string) string {
	if !isLegacyConsoleError(err) {
		return err.Error()
	}
	return fmt.Sprintf("%s\n(%v)", i18n.New(lang).T("cli.legacyconsole"), err)
}
