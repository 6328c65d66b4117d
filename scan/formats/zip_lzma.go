package formats

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/ulikunitz/xz/lzma"

	"github.com/modelgate/modelgate/internal/parse/zipread"
	"github.com/modelgate/modelgate/scan"
)

// zipLZMA is the zip compression method of LZMA (APPNOTE 5.8.8): Python's
// zipfile reads it (ZIP_LZMA), so numpy.load and Keras do; miniz (torch)
// does not. zipread, standard library only, leaves it to this package.
const zipLZMA = 14

// zipLZMAEOS is the general-purpose flag bit that says the LZMA data ends
// with an end-of-stream marker (Python's zipfile always sets it).
const zipLZMAEOS = 0x02

// zipMethodName names the compression methods a trick may mention.
func zipMethodName(m uint16) string {
	switch m {
	case zipread.Bzip2:
		return "bzip2"
	case zipLZMA:
		return "LZMA"
	}
	return "deflate"
}

// checkMemberMethod is zipread.CheckMethod with LZMA added.
func checkMemberMethod(m *zipread.Member) error {
	if m.Method == zipLZMA {
		return nil
	}
	return zipread.CheckMethod(m)
}

// decompressMember is zipread.Decompress with LZMA added. A zip's LZMA
// data starts with a 4-byte header (version, then the length of the
// properties, 5) and the properties; the .lzma ("alone") header the lzma
// package reads is those properties and the uncompressed length, unknown
// (-1) when the end marker ends the data as the EOS flag says. The output
// is cut at the member's declared size, as zipfile does.
func decompressMember(m *zipread.Member, raw io.Reader) (io.ReadCloser, error) {
	if m.Method != zipLZMA {
		return zipread.Decompress(m, raw)
	}
	var hdr [9]byte
	if _, err := io.ReadFull(raw, hdr[:]); err != nil {
		return nil, fmt.Errorf("member %q: LZMA header at offset 0: %w", m.Name, io.ErrUnexpectedEOF)
	}
	if n := binary.LittleEndian.Uint16(hdr[2:]); n != 5 {
		return nil, fmt.Errorf("member %q: LZMA properties of %d bytes at offset 2, not 5", m.Name, n)
	}
	alone := make([]byte, 13)
	copy(alone, hdr[4:9])
	size := uint64(m.Size)
	if m.Flags&zipLZMAEOS != 0 {
		size = ^uint64(0)
	}
	binary.LittleEndian.PutUint64(alone[5:], size)
	r, err := lzma.ReaderConfig{DictCap: maxLZMADict}.NewReader(io.MultiReader(bytes.NewReader(alone), raw))
	var big *lzma.ErrDictSize
	if errors.As(err, &big) {
		return nil, fmt.Errorf("member %q: LZMA dictionary of %d bytes over the %d allowed (maxLZMADict): %w", m.Name, big.HeaderDictSize, maxLZMADict, scan.ErrLimit)
	}
	if err != nil {
		return nil, fmt.Errorf("member %q: LZMA header at offset 4: %w", m.Name, err)
	}
	return io.NopCloser(io.LimitReader(r, m.Size)), nil
}
