//go:build !linux

package store

// canDropMapped: dropMapped does nothing here.
const canDropMapped = false

// dropMapped does nothing where MADV_DONTNEED is not used: the pages stay
// mapped until the file is closed.
func dropMapped(addr, size uintptr) {}
