// Package pytar reads a tar archive the way CPython's tarfile module
// reads it (Lib/tarfile.py, TarFile.next and TarInfo._proc_*), which is
// how torch.load reads a legacy tar checkpoint and how Python tools
// extract archives. Go's archive/tar reads some archives differently, and
// an attacker picks the reading a scanner does not make.
//
// Decisions:
//   - Names are tarfile's: the header name cut at its first NUL; the
//     ustar prefix joined whatever the magic says (for every type but the
//     GNU ones); GNU long names (L) and long links (K); PAX records of a
//     local header (x, X) and of every global header (g), whose path=
//     renames every later member (archive/tar ignores it). Member.Header
//     keeps the name the header block alone gives, and Member.Renamed
//     says what renamed it, so a caller can report the disagreement.
//   - Numbers are nti's: base-256 when the first byte is 0x80 or 0xff,
//     else octal as Python's int(s.strip() or "0", 8) reads it (spaces,
//     a sign, underscores, a 0o prefix). PAX sizes and ids as int(value),
//     0 when invalid.
//   - The end is tarfile's: an all-zero, short or invalid header after the
//     first ends the archive without an error (ignore_zeros is off); at
//     offset 0 it is an error (tarfile.open raises ReadError, and
//     torch.load goes on to read the file as pickles). A bad header after
//     a GNU long name or a PAX header is an error (SubsequentHeaderError).
//   - Data: a member's bytes are Size bytes from DataOffset, as
//     extractfile reads them, even where a PAX size makes them overlap
//     later headers. Sparse members (GNU S, PAX GNU.sparse 0.0, 0.1 and
//     1.0) carry their map; Sparse returns the content tarfile's
//     _FileInFile reads.
//   - Bounds: Options caps members, the bytes of long names and PAX
//     headers, and sparse map entries; past a bound Next returns an error
//     wrapping ErrLimit. The package reads nothing but the headers.
package pytar

import (
	"errors"
	"fmt"
	"io"
)

// ErrLimit is wrapped by errors that come from a bound of Options.
var ErrLimit = errors.New("limit")

// ErrFormat is wrapped by errors that tarfile raises too (ReadError).
var ErrFormat = errors.New("not a tar archive as tarfile reads it")

// Options bounds the reading. Zero fields take the defaults.
type Options struct {
	// MaxMembers caps the members returned. Default 100,000.
	MaxMembers int
	// MaxHeaderBytes caps the data of one GNU long name or PAX header,
	// which is read whole. Default 1 MiB.
	MaxHeaderBytes int64
	// MaxSparse caps the entries of one sparse map. Default 10,000.
	MaxSparse int
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{MaxMembers: 100_000, MaxHeaderBytes: 1 << 20, MaxSparse: 10_000}
}

func (o Options) sane() Options {
	d := DefaultOptions()
	if o.MaxMembers <= 0 {
		o.MaxMembers = d.MaxMembers
	}
	if o.MaxHeaderBytes <= 0 {
		o.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if o.MaxSparse <= 0 {
		o.MaxSparse = d.MaxSparse
	}
	return o
}

// Member types, as tarfile names them.
const (
	TypeReg      = '0'
	TypeAReg     = '\x00'
	TypeLink     = '1'
	TypeSymlink  = '2'
	TypeChar     = '3'
	TypeBlock    = '4'
	TypeDir      = '5'
	TypeFifo     = '6'
	TypeCont     = '7'
	TypeLongName = 'L'
	TypeLongLink = 'K'
	TypeSparse   = 'S'
	TypePAX      = 'x'
	TypeGlobal   = 'g'
	TypeSolaris  = 'X'
)

// Region is one stored run of a sparse member: Size bytes at Offset of
// the member's content.
type Region struct{ Offset, Size int64 }

// Member is one member as tarfile.next returns it.
type Member struct {
	Name     string // the name tarfile gives it (getmember looks it up by this)
	Linkname string
	Type     byte
	Size     int64 // the size tarfile reports: the bytes extractfile reads
	// Offset is where its first header (a GNU long name or PAX header
	// included) starts; DataOffset where its data starts.
	Offset, DataOffset int64
	// Header is the name the member's own header block gives (with the
	// ustar prefix when the block has the ustar magic), before long names
	// and PAX records: the name Go's archive/tar gives when no local PAX
	// record or long name renames it.
	Header string
	// Renamed says what gave the member a name other than Header: "GNU
	// long name", "PAX path", "global PAX path at offset N",
	// "GNU.sparse.name", "ustar prefix in a header without the ustar
	// magic"; "" when nothing did.
	Renamed string
	// Resized says what gave the member a size Go's archive/tar does not
	// give it: "global PAX size at offset N" (tarfile then reads that
	// many bytes, over the headers that follow); "" when nothing did.
	Resized string
	// Sparse is the map of a sparse member (nil otherwise): its content
	// is Size bytes, these runs stored back to back from DataOffset.
	Sparse   []Region
	IsSparse bool
	// PAX holds the PAX records in force for the member, global ones
	// included.
	PAX map[string]string
}

// IsReg reports whether tarfile treats the member as a regular file:
// extractfile returns its data (regular, contiguous and sparse types, and
// every type tarfile does not know).
func (m *Member) IsReg() bool {
	switch m.Type {
	case TypeReg, TypeAReg, TypeCont, TypeSparse:
		return true
	case TypeLink, TypeSymlink, TypeChar, TypeBlock, TypeDir, TypeFifo, TypeLongName, TypeLongLink:
		return false
	}
	return true
}

// Reader returns the members of an archive one by one.
type Reader struct {
	r       io.ReaderAt
	size    int64 // -1 when unknown
	opts    Options
	offset  int64 // tarfile.offset: where the next header starts
	global  *paxRecords
	members int
	done    bool
}

// NewReader returns a reader of the archive in r, of size bytes (-1 when
// unknown: r is then read up to its first short read).
func NewReader(r io.ReaderAt, size int64, opts Options) *Reader {
	return &Reader{r: r, size: size, opts: opts.sane(), global: &paxRecords{}}
}

// Next returns the next member, or io.EOF after the last.
func (t *Reader) Next() (*Member, error) {
	if t.done {
		return nil, io.EOF
	}
	if t.members >= t.opts.MaxMembers {
		t.done = true
		return nil, fmt.Errorf("more than %d members: %w", t.opts.MaxMembers, ErrLimit)
	}
	start := t.offset
	if start > 0 {
		// tarfile seeks to offset-1 and reads a byte: past the end is
		// "unexpected end of data".
		var b [1]byte
		if n, _ := t.r.ReadAt(b[:], start-1); n != 1 {
			t.done = true
			return nil, fmt.Errorf("header at offset %d: unexpected end of data: %w", start, ErrFormat)
		}
	}
	m, err := t.fromTarfile(start)
	if err != nil {
		t.done = true
		var he *headerError
		switch {
		case errors.As(err, &he) && he.subsequent:
			return nil, fmt.Errorf("%w: %w", err, ErrFormat)
		case errors.As(err, &he) && start == 0:
			return nil, fmt.Errorf("%w: %w", err, ErrFormat)
		case errors.As(err, &he):
			return nil, io.EOF // tarfile ends the archive there
		}
		return nil, err
	}
	t.members++
	return m, nil
}

// headerError is one of tarfile's HeaderErrors: empty, truncated, end of
// file, invalid; subsequent when it follows a long name or PAX header.
type headerError struct {
	off        int64
	msg        string
	subsequent bool
}

func (e *headerError) Error() string { return fmt.Sprintf("header at offset %d: %s", e.off, e.msg) }

// block rounds n up to a multiple of 512.
func block(n int64) int64 {
	if n <= 0 {
		return 0
	}
	return (n + 511) / 512 * 512
}

// read returns n bytes at off, fewer at the end of the input.
func (t *Reader) read(off, n int64) ([]byte, error) {
	if t.size >= 0 {
		n = max(min(n, t.size-off), 0)
	}
	b := make([]byte, n)
	k, err := t.r.ReadAt(b, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %d bytes at offset %d: %w", n, off, err)
	}
	return b[:k], nil
}

// HeaderOK reports whether b starts with a header block tarfile accepts
// (its checksum and numbers valid): tarfile.open then reads the input as
// a tar, whatever follows.
func HeaderOK(b []byte) bool {
	if len(b) < 512 {
		return false
	}
	_, err := frombuf(b[:512], 0)
	return err == nil
}
