//go:build !linux

package store

// dropMapped does nothing where MADV_DONTNEED is not used: the pages stay
// mapped until the file is closed.
func dropMapped(addr, size uintptr) {}
