package main

import (
	"errors"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/windows"
)

// defaultEncoding is GB18030 when stdout is a pipe or a file (not the
// console itself, which Go writes in UTF-16) of a process whose console
// uses code page 936: cmd, findstr and PowerShell 5.1 read such output as
// GBK. Without a console (a service) it is UTF-8.
func defaultEncoding(stdout io.Writer) outputEncoding {
	f, ok := stdout.(*os.File)
	if !ok {
		return encUTF8
	}
	var mode uint32
	if windows.GetConsoleMode(windows.Handle(f.Fd()), &mode) == nil {
		return encUTF8 // the console itself
	}
	if cp, err := windows.GetConsoleOutputCP(); err == nil && cp == 936 {
		return encGB18030
	}
	return encUTF8
}

// isLegacyConsoleError recognises Bubble Tea's failure to set the input
// mode of the legacy console.
func isLegacyConsoleError(err error) bool {
	return errors.Is(err, windows.ERROR_INVALID_PARAMETER) && strings.Contains(err.Error(), "console mode")
}
