//go:build !windows

package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// checkSafePath refuses a file that someone other than this process's user
// (or root) could change or replace, as sshd's StrictModes does for
// authorized_keys: the file and every directory above it must be owned by
// this user or root and not writable by group or others. A directory
// writable by all but sticky and owned by root (/tmp) is accepted: there
// others can neither rename nor delete what they do not own.
func checkSafePath(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	uid := uint32(os.Getuid())
	fi, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	if o := fileOwner(fi); o != uid && o != 0 {
		return fmt.Errorf("%s is owned by uid %d, not by this user (uid %d) or root: chown it", path, o, uid)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%s may be written by others (mode %04o): chmod go-w it", path, fi.Mode().Perm())
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		di, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		o := fileOwner(di)
		if o != uid && o != 0 {
			return fmt.Errorf("directory %s (above %s) is owned by uid %d, not by this user or root", dir, path, o)
		}
		sticky := di.Mode()&os.ModeSticky != 0 && o == 0
		if di.Mode().Perm()&0o022 != 0 && !sticky {
			return fmt.Errorf("directory %s (above %s) may be written by others (mode %04o): chmod go-w it", dir, path, di.Mode().Perm())
		}
		if dir == filepath.Dir(dir) {
			return nil
		}
	}
}

// fileOwner is the uid owning fi.
func fileOwner(fi os.FileInfo) uint32 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Uid
	}
	return 0
}
