//go:build unix

package formats

import (
	"os"
	"syscall"
)

// mapFile maps a whole file read-only, so that a protobuf parser can walk
// a model of gigabytes without copying it to the heap: the pages are the
// page cache's and are read only where the parser looks. The caller must
// call unmap, and must run the parse with debug.SetPanicOnFault so that a
// file truncated under it becomes a recovered panic rather than a crash.
func mapFile(f *os.File, size int64) (data []byte, unmap func(), ok bool) {
	if size <= 0 || int64(int(size)) != size {
		return nil, nil, false
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, false
	}
	return b, func() { syscall.Munmap(b) }, true
}
