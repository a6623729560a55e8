package store

import "syscall"

// canDropMapped: dropMapped releases pages here.
const canDropMapped = true

// dropMapped unmaps the resident pages of [addr, addr+size) of a read-only
// file mapping with madvise(MADV_DONTNEED). The caller guarantees that the
// range is such a mapping (see pageRelease); an error leaves the pages
// mapped, which is harmless, so it is ignored.
func dropMapped(addr, size uintptr) {
	if addr == 0 || size == 0 {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, addr, size, syscall.MADV_DONTNEED)
}
