package serve

import (
	"fmt"
	"os"
)

// checkSafePath on Windows checks only that path is a regular file: file
// ownership and ACLs are not read (docs/serve.md: run the server in a
// directory only its account may write).
func checkSafePath(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	return nil
}

// fileOwner is not known on Windows.
func fileOwner(os.FileInfo) uint32 { return 0 }
