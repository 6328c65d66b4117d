package scan

import (
	"fmt"
	"io"
)

// CountingReader counts the bytes read through it.
type CountingReader struct {
	R io.Reader
	N int64
}

func (c *CountingReader) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N += int64(n)
	return n, err
}

// bombGrace is how many decompressed bytes are always allowed before the
// ratio is checked, so small highly-compressible members pass.
const bombGrace = 1 << 20

// Bounded wraps a decompressing reader so that it fails with ErrLimit when
// the output grows past the member size limit, past Limits.MaxRatio times
// the compressed bytes read from src (src may be nil when unknown), or
// past what is left of the file's decompression budget.
func (s *Session) Bounded(dec io.Reader, src *CountingReader) io.Reader {
	return &boundedReader{r: dec, src: src, lim: s.Limits(), used: &s.decompressed}
}

type boundedReader struct {
	r    io.Reader
	src  *CountingReader
	lim  Limits
	n    int64
	used *int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	*b.used += int64(n)
	switch {
	case b.n > b.lim.MaxMemberSize:
		return n, fmt.Errorf("decompressed size over %d bytes: %w", b.lim.MaxMemberSize, ErrLimit)
	case *b.used > b.lim.MaxDecompressed:
		return n, fmt.Errorf("decompressed bytes for this file over %d: %w", b.lim.MaxDecompressed, ErrLimit)
	case b.src != nil && b.n > bombGrace && b.n > b.lim.MaxRatio*max(b.src.N, 1):
		return n, fmt.Errorf("decompression ratio over %d (%d bytes from %d): %w", b.lim.MaxRatio, b.n, b.src.N, ErrLimit)
	}
	return n, err
}
