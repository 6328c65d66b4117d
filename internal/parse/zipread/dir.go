package zipread

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// Options bounds the work of reading a central directory.
type Options struct {
	// MaxMembers is how many central directory entries are read; the rest
	// are left out and Archive.More is set. Default 100,000.
	MaxMembers int
	// MaxNameBytes caps the bytes of names and extra fields kept for all
	// members together. Default 64 MiB.
	MaxNameBytes int64
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{MaxMembers: 100_000, MaxNameBytes: 64 << 20}
}

// Compression methods.
const (
	Stored   = 0
	Deflated = 8
	Bzip2    = 12
)

// Flag bits of the general purpose field that matter here.
const (
	FlagEncrypted       = 0x1
	FlagStrongEncrypted = 0x40
	FlagUTF8            = 0x800
)

// Member is one central directory entry.
type Member struct {
	// Name is the name as stored in the central directory, bytes as is.
	Name   string
	Flags  uint16
	Method uint16
	CRC32  uint32
	// CompressedSize and Size are the data lengths before and after
	// decompression, from the central directory (zip64 extra included).
	CompressedSize int64
	Size           int64
	// HeaderOffset is where the local header starts in the file, with the
	// archive's shift applied.
	HeaderOffset int64
	// CreatorOS is the host system of "version made by" (3 Unix, 19 macOS),
	// which says how ExternalAttrs reads: on those, its upper half is the
	// file's mode, and unzip restores a symbolic link from it.
	CreatorOS     byte
	ExternalAttrs uint32
	// Err is set when the entry itself is broken (a zip64 extra field
	// without the values it should hold); the member cannot be read.
	Err error
}

// Encrypted reports whether a flag says the data is encrypted (zipfile
// refuses such members without a password, miniz refuses them outright).
func (m *Member) Encrypted() bool { return m.Flags&(FlagEncrypted|FlagStrongEncrypted) != 0 }

// IsSymlink reports whether the entry is a symbolic link as unzip (Info-ZIP)
// restores it: made on Unix or macOS with the link type in its mode. Its
// content is the link's target. Python's zipfile extracts it as a file.
func (m *Member) IsSymlink() bool {
	return (m.CreatorOS == 3 || m.CreatorOS == 19) && (m.ExternalAttrs>>16)&0o170000 == 0o120000
}

// IsDir reports whether the entry names a directory.
func (m *Member) IsDir() bool { return strings.HasSuffix(m.Name, "/") }

// Archive is a zip archive's structure.
type Archive struct {
	r    io.ReaderAt
	size int64
	// End is where the directory was found.
	End *End
	// Members are the directory entries in directory order.
	Members []Member
	// More is set when entries were left out by Options bounds.
	More bool
	// DirErr is set when the directory stopped before the entry count the
	// end record declares, or an entry was cut short.
	DirErr error
	// Miniz is the archive as miniz (torch.load) reads it, when that
	// differs from zipfile's reading (see End.Miniz).
	Miniz *Archive
}

// Open reads the central directory of the archive in r, which holds size
// bytes. Member data is not read.
func Open(r io.ReaderAt, size int64, opts Options) (*Archive, error) {
	e, err := FindEnd(r, size)
	if err != nil {
		return nil, err
	}
	if opts.MaxMembers <= 0 {
		opts.MaxMembers = DefaultOptions().MaxMembers
	}
	if opts.MaxNameBytes <= 0 {
		opts.MaxNameBytes = DefaultOptions().MaxNameBytes
	}
	a := &Archive{r: r, size: size, End: e}
	a.readDir(opts)
	if e.Miniz != nil {
		a.Miniz = &Archive{r: r, size: size, End: e.Miniz}
		a.Miniz.readDir(opts)
	}
	return a, nil
}

func (a *Archive) readDir(opts Options) {
	e := a.End
	br := bufio.NewReaderSize(io.NewSectionReader(a.r, e.DirOffset, e.DirEnd-e.DirOffset), 64<<10)
	off := e.DirOffset
	var kept int64
	hdr := make([]byte, dirLen)
	for {
		if _, err := io.ReadFull(br, hdr[:4]); err != nil || string(hdr[:4]) != sigDir {
			break
		}
		if len(a.Members) >= opts.MaxMembers {
			a.More = true
			return
		}
		if _, err := io.ReadFull(br, hdr[4:]); err != nil {
			a.DirErr = fmt.Errorf("central directory entry at offset %d cut short: %w", off, err)
			return
		}
		nameLen := int(binary.LittleEndian.Uint16(hdr[28:]))
		extraLen := int(binary.LittleEndian.Uint16(hdr[30:]))
		commentLen := int(binary.LittleEndian.Uint16(hdr[32:]))
		if kept += int64(nameLen + extraLen); kept > opts.MaxNameBytes {
			a.More = true
			return
		}
		varPart := make([]byte, nameLen+extraLen)
		if _, err := io.ReadFull(br, varPart); err != nil {
			a.DirErr = fmt.Errorf("central directory entry at offset %d cut short: %w", off, err)
			return
		}
		if _, err := br.Discard(commentLen); err != nil {
			a.DirErr = fmt.Errorf("central directory entry at offset %d cut short: %w", off, err)
			return
		}
		a.Members = append(a.Members, parseEntry(hdr, varPart[:nameLen], varPart[nameLen:], e.Shift))
		off += int64(dirLen + nameLen + extraLen + commentLen)
	}
	if uint64(len(a.Members)) < e.Entries && a.DirErr == nil {
		a.DirErr = fmt.Errorf("central directory ends at offset %d after %d entries, %d declared", off, len(a.Members), e.Entries)
	}
}

func parseEntry(hdr, name, extra []byte, shift int64) Member {
	le := binary.LittleEndian
	m := Member{
		Name:          string(name),
		Flags:         le.Uint16(hdr[8:]),
		Method:        le.Uint16(hdr[10:]),
		CRC32:         le.Uint32(hdr[16:]),
		CreatorOS:     hdr[5],
		ExternalAttrs: le.Uint32(hdr[38:]),
	}
	csize, usize, off := uint64(le.Uint32(hdr[20:])), uint64(le.Uint32(hdr[24:])), uint64(le.Uint32(hdr[42:]))
	if csize == math.MaxUint32 || usize == math.MaxUint32 || off == math.MaxUint32 {
		var err error
		usize, csize, off, err = zip64Extra(extra, usize, csize, off)
		if err != nil {
			m.Err = fmt.Errorf("member %q: %w", m.Name, err)
		}
	}
	if csize > math.MaxInt64/2 || usize > math.MaxInt64/2 || off > math.MaxInt64/2 {
		m.Err = fmt.Errorf("member %q: sizes or offset out of range", m.Name)
		csize, usize, off = 0, 0, 0
	}
	m.CompressedSize, m.Size, m.HeaderOffset = int64(csize), int64(usize), int64(off)+shift
	return m
}

// errZip64 is a zip64 extra field that lacks a value the entry defers to it.
var errZip64 = errors.New("zip64 extra field lacks a size or offset")

// zip64Extra reads the values that are 0xFFFFFFFF in the entry from the
// zip64 extra field (id 1), in the order of the specification.
func zip64Extra(extra []byte, usize, csize, off uint64) (uint64, uint64, uint64, error) {
	le := binary.LittleEndian
	for len(extra) >= 4 {
		id, n := le.Uint16(extra), int(le.Uint16(extra[2:]))
		body := extra[4:min(4+n, len(extra))]
		extra = extra[min(4+n, len(extra)):]
		if id != 1 {
			continue
		}
		for _, v := range []*uint64{&usize, &csize, &off} {
			if *v != math.MaxUint32 {
				continue
			}
			if len(body) < 8 {
				return usize, csize, off, errZip64
			}
			*v, body = le.Uint64(body), body[8:]
		}
		return usize, csize, off, nil
	}
	return usize, csize, off, errZip64
}
