//go:build !unix

package formats

import "os"

// mapFile is not available on this system: callers read the file instead.
func mapFile(f *os.File, size int64) ([]byte, func(), bool) { return nil, nil, false }
