package zipread

import (
	"compress/bzip2"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// ErrMethod is returned for a compression method this package cannot
// decompress.
var ErrMethod = errors.New("unknown compression method")

// ErrTruncated is returned with the data that is present when a member's
// data runs past the end of the file.
var ErrTruncated = errors.New("member data runs past the end of the file")

// Local is what a member's local header says.
type Local struct {
	// Name is the name in the local header, which may differ from the
	// central directory's (the latter is the one loaders use).
	Name string
	// DataOffset is where the member's data starts in the file.
	DataOffset int64
}

// Local reads the local header of m.
func (a *Archive) Local(m *Member) (Local, error) {
	if m.Err != nil {
		return Local{}, m.Err
	}
	hdr := make([]byte, localLen)
	if m.HeaderOffset < 0 || m.HeaderOffset > a.size-localLen {
		return Local{}, fmt.Errorf("local header of %q at offset %d: outside the file", m.Name, m.HeaderOffset)
	}
	if _, err := a.r.ReadAt(hdr, m.HeaderOffset); err != nil {
		return Local{}, fmt.Errorf("read local header of %q at offset %d: %w", m.Name, m.HeaderOffset, err)
	}
	if string(hdr[:4]) != sigLocal {
		return Local{}, fmt.Errorf("local header of %q at offset %d: bad signature %q", m.Name, m.HeaderOffset, hdr[:4])
	}
	nameLen := int64(binary.LittleEndian.Uint16(hdr[26:]))
	extraLen := int64(binary.LittleEndian.Uint16(hdr[28:]))
	l := Local{DataOffset: m.HeaderOffset + localLen + nameLen + extraLen}
	name := make([]byte, min(nameLen, max(0, a.size-m.HeaderOffset-localLen)))
	if _, err := a.r.ReadAt(name, m.HeaderOffset+localLen); err != nil && err != io.EOF {
		return Local{}, fmt.Errorf("read local header of %q at offset %d: %w", m.Name, m.HeaderOffset, err)
	}
	l.Name = string(name)
	return l, nil
}

// Raw returns the member's data as stored (compressed when it is). When
// the data runs past the end of the file, the part present is returned
// with ErrTruncated.
func (a *Archive) Raw(m *Member) (*io.SectionReader, error) {
	l, err := a.Local(m)
	if err != nil {
		return nil, err
	}
	n := m.CompressedSize
	if m.Method == Stored {
		// Both loaders stop at the smaller of the two sizes.
		n = min(n, m.Size)
	}
	if l.DataOffset > a.size {
		return nil, fmt.Errorf("data of %q at offset %d: %w", m.Name, l.DataOffset, ErrTruncated)
	}
	if left := a.size - l.DataOffset; n > left {
		return io.NewSectionReader(a.r, l.DataOffset, left), fmt.Errorf("data of %q at offset %d: %d bytes declared, %d present: %w",
			m.Name, l.DataOffset, n, left, ErrTruncated)
	}
	return io.NewSectionReader(a.r, l.DataOffset, n), nil
}

// CheckMethod returns ErrMethod (wrapped) when the member's compression
// method cannot be decompressed, without creating a decompressor.
func CheckMethod(m *Member) error {
	switch m.Method {
	case Stored, Deflated, Bzip2:
		return nil
	}
	return fmt.Errorf("member %q: method %d: %w", m.Name, m.Method, ErrMethod)
}

// Decompress returns a reader of the member's content, decompressing raw
// (as returned by Raw) with the member's method. The output is cut at the
// member's declared size, as both loaders do. The caller bounds it.
func Decompress(m *Member, raw io.Reader) (io.ReadCloser, error) {
	var rc io.ReadCloser
	switch m.Method {
	case Stored:
		rc = io.NopCloser(raw)
	case Deflated:
		rc = flate.NewReader(raw)
	case Bzip2:
		rc = io.NopCloser(bzip2.NewReader(raw))
	default:
		return nil, CheckMethod(m)
	}
	return limitCloser{io.LimitReader(rc, m.Size), rc}, nil
}

type limitCloser struct {
	io.Reader
	c io.Closer
}

func (l limitCloser) Close() error { return l.c.Close() }

// LocalEntry reads the local header at off as a member of its own: for a
// local header that no central entry references. Name, flags, method and
// sizes come from that header (a zip64 extra field included); sizes that
// are zero because a data descriptor follows the data stay zero, and the
// caller bounds them.
func (a *Archive) LocalEntry(off int64) (Member, error) {
	le := binary.LittleEndian
	hdr := make([]byte, localLen)
	if off < 0 || off > a.size-localLen {
		return Member{}, fmt.Errorf("local header at offset %d: outside the file", off)
	}
	if _, err := a.r.ReadAt(hdr, off); err != nil {
		return Member{}, fmt.Errorf("read local header at offset %d: %w", off, err)
	}
	if string(hdr[:4]) != sigLocal {
		return Member{}, fmt.Errorf("local header at offset %d: bad signature %q", off, hdr[:4])
	}
	nameLen, extraLen := int64(le.Uint16(hdr[26:])), int64(le.Uint16(hdr[28:]))
	if off+localLen+nameLen+extraLen > a.size {
		return Member{}, fmt.Errorf("local header at offset %d: name and extra run past the end of the file", off)
	}
	varPart := make([]byte, nameLen+extraLen)
	if _, err := a.r.ReadAt(varPart, off+localLen); err != nil {
		return Member{}, fmt.Errorf("read local header at offset %d: %w", off, err)
	}
	m := Member{
		Name:         string(varPart[:nameLen]),
		Flags:        le.Uint16(hdr[6:]),
		Method:       le.Uint16(hdr[8:]),
		CRC32:        le.Uint32(hdr[14:]),
		HeaderOffset: off,
	}
	csize, usize := uint64(le.Uint32(hdr[18:])), uint64(le.Uint32(hdr[22:]))
	if csize == math.MaxUint32 || usize == math.MaxUint32 {
		var err error
		if usize, csize, _, err = zip64Extra(varPart[nameLen:], usize, csize, 0); err != nil {
			return Member{}, fmt.Errorf("local header at offset %d: %w", off, err)
		}
	}
	if csize > math.MaxInt64/2 || usize > math.MaxInt64/2 {
		return Member{}, fmt.Errorf("local header at offset %d: sizes out of range", off)
	}
	m.CompressedSize, m.Size = int64(csize), int64(usize)
	return m, nil
}

// DataOffset returns where m's data starts, reading only the fixed 30
// bytes of its local header: enough to size the member, at a fraction of
// Local's cost on archives of thousands of members.
func (a *Archive) DataOffset(m *Member) (int64, error) {
	if m.Err != nil {
		return 0, m.Err
	}
	if m.HeaderOffset < 0 || m.HeaderOffset > a.size-localLen {
		return 0, fmt.Errorf("local header of %q at offset %d: outside the file", m.Name, m.HeaderOffset)
	}
	var hdr [localLen]byte
	if _, err := a.r.ReadAt(hdr[:], m.HeaderOffset); err != nil {
		return 0, fmt.Errorf("read local header of %q at offset %d: %w", m.Name, m.HeaderOffset, err)
	}
	if string(hdr[:4]) != sigLocal {
		return 0, fmt.Errorf("local header of %q at offset %d: bad signature %q", m.Name, m.HeaderOffset, hdr[:4])
	}
	nameLen := int64(binary.LittleEndian.Uint16(hdr[26:]))
	extraLen := int64(binary.LittleEndian.Uint16(hdr[28:]))
	return m.HeaderOffset + localLen + nameLen + extraLen, nil
}
