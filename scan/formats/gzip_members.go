package formats

import (
	"bufio"
	"compress/flate"
	"errors"
	"fmt"
	"io"
)

// gzip header flags (RFC 1952).
const (
	gzipFHCRC    = 0x02
	gzipFEXTRA   = 0x04
	gzipFNAME    = 0x08
	gzipFCOMMENT = 0x10
)

// gzipMembers reads the members of a gzip file one after the other as
// Python's gzip module does (_GzipReader), which pandas.read_pickle and
// joblib.load use: the header is read field by field and its CRC16
// (FHCRC) skipped unchecked, reserved flags ignored; each member's deflate
// data is decoded and its trailer skipped (Python checks the CRC32 only
// after it has handed out the data, so a pickle has run by then); zero
// bytes after a member are padding, and the end of the data after them
// ends the content. Go's compress/gzip refuses a header whose CRC16 is
// wrong, which Python loads.
type gzipMembers struct {
	br *bufio.Reader
	fr io.ReadCloser
	// err ends every read once the content has ended or failed.
	err error
}

func newGzipMembers(r io.Reader) (*gzipMembers, error) {
	g := &gzipMembers{br: bufio.NewReader(r)}
	if err := g.header(); err != nil {
		return nil, err
	}
	return g, nil
}

func (g *gzipMembers) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.read(p)
	if err != nil {
		g.err = err
	}
	return n, err
}

func (g *gzipMembers) read(p []byte) (int, error) {
	for {
		n, err := g.fr.Read(p)
		if !errors.Is(err, io.EOF) {
			return n, err
		}
		if n > 0 {
			return n, nil
		}
		if _, err := io.CopyN(io.Discard, g.br, 8); err != nil { // CRC32, ISIZE
			return 0, io.ErrUnexpectedEOF // as compress/gzip reports a cut trailer
		}
		// Skip padding, then the next member or the end.
		for {
			b, err := g.br.ReadByte()
			if err != nil {
				return 0, io.EOF
			}
			if b != 0 {
				g.br.UnreadByte() //nolint:errcheck // a byte was just read
				break
			}
		}
		if err := g.header(); err != nil {
			return 0, fmt.Errorf("gzip member after the first: %w", err)
		}
	}
}

// header reads a member header as Python's _read_gzip_header does and
// starts its deflate decoder.
func (g *gzipMembers) header() error {
	var h [10]byte
	if _, err := io.ReadFull(g.br, h[:]); err != nil {
		return fmt.Errorf("gzip header: %w", io.ErrUnexpectedEOF)
	}
	if h[0] != 0x1f || h[1] != 0x8b {
		return errors.New("gzip header: not a gzipped file")
	}
	if h[2] != 8 {
		return fmt.Errorf("gzip header: unknown compression method %d", h[2])
	}
	flags := h[3]
	if flags&gzipFEXTRA != 0 {
		var n [2]byte
		if _, err := io.ReadFull(g.br, n[:]); err != nil {
			return fmt.Errorf("gzip extra field: %w", io.ErrUnexpectedEOF)
		}
		if _, err := io.CopyN(io.Discard, g.br, int64(n[0])|int64(n[1])<<8); err != nil {
			return fmt.Errorf("gzip extra field: %w", io.ErrUnexpectedEOF)
		}
	}
	for _, f := range []byte{gzipFNAME, gzipFCOMMENT} {
		if flags&f != 0 {
			if _, err := g.br.ReadSlice(0); err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				return fmt.Errorf("gzip name or comment: %w", io.ErrUnexpectedEOF)
			} else if err != nil {
				if err := skipPast(g.br, 0); err != nil {
					return err
				}
			}
		}
	}
	if flags&gzipFHCRC != 0 {
		if _, err := io.CopyN(io.Discard, g.br, 2); err != nil { // not checked, as Python does not
			return fmt.Errorf("gzip header CRC: %w", io.ErrUnexpectedEOF)
		}
	}
	g.fr = flate.NewReader(g.br)
	return nil
}

// skipPast reads up to and including the next byte c.
func skipPast(br *bufio.Reader, c byte) error {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return fmt.Errorf("gzip name or comment: %w", io.ErrUnexpectedEOF)
		}
		if b == c {
			return nil
		}
	}
}
