package formats

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/ulikunitz/xz/lzma"
)

// xz filter IDs (xz file format 1.2, section 5.3): LZMA2 and the filters
// liblzma (and so Python's lzma module) decodes before it.
const (
	xzDelta    = 0x03
	xzX86      = 0x04
	xzPowerPC  = 0x05
	xzIA64     = 0x06
	xzARM      = 0x07
	xzARMThumb = 0x08
	xzSPARC    = 0x09
	xzARM64    = 0x0a
	xzLZMA2    = 0x21
)

// xzFilter is one entry of a block's filter chain.
type xzFilter struct {
	id    uint64
	props []byte
}

// xzFiltered reads xz streams whose blocks chain delta or branch
// converter (BCJ) filters before LZMA2, as lzma.open and joblib.load
// read them (lzma.open(filters=[{"id": lzma.FILTER_X86}, ...]) writes
// them); the xz package decodes LZMA2 alone. Blocks, the index, the
// footer and the padding of concatenated streams are walked; integrity
// checks are skipped (a stream Python refuses loads nothing).
type xzFiltered struct {
	br  *bufio.Reader
	cur io.Reader // the current block's decoded data, nil between blocks
	// inStream is set between a stream header and its footer.
	inStream bool
	check    int // size of the current stream's block check
	n        *countingByteReader
}

// countingByteReader counts the bytes read through it, to find the block
// padding after the compressed data.
type countingByteReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingByteReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingByteReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// xzNeedsFilters reports whether the first block header in head (an xz
// stream's first bytes) chains a filter other than LZMA2 alone.
func xzNeedsFilters(head []byte) bool {
	const streamHeader = 12
	if len(head) < streamHeader+1 || head[streamHeader] == 0 {
		return false
	}
	size := (int(head[streamHeader]) + 1) * 4
	if len(head) < streamHeader+size {
		return false
	}
	fs, err := xzBlockFilters(head[streamHeader : streamHeader+size])
	return err == nil && (len(fs) > 1 || fs[0].id != xzLZMA2)
}

func newXZFiltered(r io.Reader) *xzFiltered {
	return &xzFiltered{br: bufio.NewReader(r)}
}

func (x *xzFiltered) Read(p []byte) (int, error) {
	for {
		if x.cur == nil {
			if err := x.next(); err != nil {
				return 0, err
			}
		}
		n, err := x.cur.Read(p)
		if errors.Is(err, io.EOF) {
			x.cur = nil
			if err := x.endBlock(); err != nil {
				return n, err
			}
			if n == 0 {
				continue
			}
			err = nil
		}
		return n, err
	}
}

// next reads up to the next block and opens its decoder: a stream header
// first when outside a stream, the index and footer when the stream's
// blocks end, the zero padding between streams. io.EOF ends the content.
func (x *xzFiltered) next() error {
	for {
		if !x.inStream {
			if err := x.streamHeader(); err != nil {
				return err
			}
		}
		b, err := x.br.ReadByte()
		if err != nil {
			return unexpected(err)
		}
		if b == 0 {
			if err := x.indexAndFooter(); err != nil {
				return err
			}
			x.inStream = false
			continue
		}
		hdr := make([]byte, (int(b)+1)*4)
		hdr[0] = b
		if _, err := io.ReadFull(x.br, hdr[1:]); err != nil {
			return fmt.Errorf("xz block header: %w", unexpected(err))
		}
		fs, err := xzBlockFilters(hdr)
		if err != nil {
			return err
		}
		x.n = &countingByteReader{r: x.br}
		x.cur, err = xzChain(x.n, fs)
		return err
	}
}

// streamHeader skips stream padding (zero bytes) and reads a stream
// header; io.EOF at a stream boundary ends the content.
func (x *xzFiltered) streamHeader() error {
	for {
		b, err := x.br.Peek(1)
		if err != nil {
			return io.EOF
		}
		if b[0] != 0 {
			break
		}
		x.br.ReadByte() //nolint:errcheck // peeked
	}
	h := make([]byte, 12)
	if _, err := io.ReadFull(x.br, h); err != nil {
		return fmt.Errorf("xz stream header: %w", unexpected(err))
	}
	if string(h[:6]) != "\xfd7zXZ\x00" {
		return io.EOF // data after the last stream: Python ignores it
	}
	x.check = xzCheckSize(h[7] & 0x0f)
	x.inStream = true
	return nil
}

// endBlock skips the block padding and check after a block's data.
func (x *xzFiltered) endBlock() error {
	skip := (4-x.n.n%4)%4 + int64(x.check)
	if _, err := io.CopyN(io.Discard, x.br, skip); err != nil {
		return fmt.Errorf("xz block check: %w", unexpected(err))
	}
	return nil
}

// indexAndFooter skips an index (its indicator byte already read) and the
// stream footer.
func (x *xzFiltered) indexAndFooter() error {
	c := &countingByteReader{r: x.br, n: 1}
	records, err := binary.ReadUvarint(c)
	if err != nil || records > math.MaxInt32 {
		return fmt.Errorf("xz index: %w", unexpected(err))
	}
	for range 2 * records {
		if _, err := binary.ReadUvarint(c); err != nil {
			return fmt.Errorf("xz index record: %w", unexpected(err))
		}
	}
	if _, err := io.CopyN(io.Discard, x.br, (4-c.n%4)%4+4+12); err != nil {
		return fmt.Errorf("xz index and footer: %w", unexpected(err))
	}
	return nil
}

func unexpected(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// xzCheckSize is the size of a block check of the given type.
func xzCheckSize(t byte) int {
	switch {
	case t == 0:
		return 0
	case t <= 3:
		return 4
	case t <= 6:
		return 8
	case t <= 9:
		return 16
	case t <= 12:
		return 32
	}
	return 64
}

// xzBlockFilters decodes the filter chain of a block header.
func xzBlockFilters(hdr []byte) ([]xzFilter, error) {
	if len(hdr) < 2 {
		return nil, errors.New("xz block header truncated")
	}
	flags, b := hdr[1], hdr[2:len(hdr)-4]
	varint := func() (uint64, error) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, fmt.Errorf("xz block header: bad number at offset %d", len(hdr)-len(b))
		}
		b = b[n:]
		return v, nil
	}
	for _, bit := range []byte{0x40, 0x80} {
		if flags&bit != 0 {
			if _, err := varint(); err != nil {
				return nil, err
			}
		}
	}
	var fs []xzFilter
	for range int(flags&3) + 1 {
		id, err := varint()
		if err != nil {
			return nil, err
		}
		n, err := varint()
		if err != nil || n > uint64(len(b)) {
			return nil, errors.New("xz filter properties past the block header")
		}
		fs = append(fs, xzFilter{id: id, props: b[:n]})
		b = b[n:]
	}
	return fs, nil
}

// xzChain returns the reader of a block's data through its filters:
// LZMA2 last, the others decoded after it in reverse order.
func xzChain(r *countingByteReader, fs []xzFilter) (io.Reader, error) {
	last := fs[len(fs)-1]
	if last.id != xzLZMA2 || len(last.props) != 1 {
		return nil, fmt.Errorf("xz filter chain ending in filter %#x, not LZMA2", last.id)
	}
	bits := uint64(last.props[0] & 0x3f)
	dict := uint64(math.MaxUint32)
	if bits < 40 {
		dict = (2 | bits&1) << (bits/2 + 11)
	}
	if dict > maxLZMADict {
		return nil, fmt.Errorf("xz dictionary of %d bytes over the %d allowed", dict, maxLZMADict)
	}
	for _, f := range fs[:len(fs)-1] {
		if _, err := xzFilterReader(nil, f); err != nil {
			return nil, err // checked before any byte is read
		}
	}
	var out io.Reader
	out, err := lzma.Reader2Config{DictCap: int(max(dict, lzma.MinDictCap))}.NewReader2(r)
	if err != nil {
		return nil, fmt.Errorf("xz LZMA2: %w", err)
	}
	for i := len(fs) - 2; i >= 0; i-- {
		if out, err = xzFilterReader(out, fs[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
