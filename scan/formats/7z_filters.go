package formats

import (
	"errors"
	"io"

	"github.com/bodgit/sevenzip"
)

// registerSevenZipFilters adds the ARM-Thumb and IA-64 converters to the
// sevenzip package's decompressors (the xz decoders' own, xzFilterReader):
// without them a member compressed with either is unscannable though
// py7zr reads it. The package keeps its decompressors in a process-wide
// registry, the only way to add one; storing the same functions again is
// harmless, so it is done before each archive is opened rather than
// through state of this package.
// The 7z method IDs are those 7-Zip gives the two converters.
func registerSevenZipFilters() {
	sevenzip.RegisterDecompressor([]byte{0x03, 0x03, 0x07, 0x01}, sevenZipFilter(xzARMThumb))
	sevenzip.RegisterDecompressor([]byte{0x03, 0x03, 0x04, 0x01}, sevenZipFilter(xzIA64))
}

// sevenZipFilter returns a 7z decompressor for the branch converter id.
func sevenZipFilter(id uint64) sevenzip.Decompressor {
	return func(props []byte, _ uint64, readers []io.ReadCloser) (io.ReadCloser, error) {
		if len(readers) != 1 {
			return nil, errors.New("7z branch converter: need exactly one input")
		}
		r, err := xzFilterReader(readers[0], xzFilter{id: id, props: props})
		if err != nil {
			return nil, err
		}
		return struct {
			io.Reader
			io.Closer
		}{r, readers[0]}, nil
	}
}
