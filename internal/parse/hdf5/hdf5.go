// Package hdf5 reads the attributes of an HDF5 file's groups and datasets,
// in pure Go, far enough to get the string attributes Keras stores in the
// root group (model_config, training_config), and what PyTables unpickles
// on any object: string attributes and the rows of object arrays
// (ReadObjects). It does not read the data of other datasets.
//
// Decisions:
//   - Superblocks 0 to 3 are understood, at offset 0 or after a user block
//     (512, 1024, ... bytes); object headers version 1 and 2 with their
//     continuation blocks; attribute messages 1 to 3; compact and dense
//     attribute storage (a fractal heap found through its name index
//     B-tree, and its huge object B-tree: version 2 B-trees of any depth,
//     bounded by Options.MaxMessages records).
//   - Values are decoded for fixed-length and variable-length strings
//     (global heap), scalar or one element, their datatype given in the
//     attribute or shared (a committed datatype, as h5py writes for a named
//     string type); other attributes are listed by name only.
//   - Every address and length is checked against the file size before it
//     is read and every count is bounded by Options: a hostile file yields
//     an error with the offset, never a large allocation or a loop.
package hdf5

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Signature is the 8-byte HDF5 format signature.
const Signature = "\x89HDF\r\n\x1a\n"

// Attribute is one attribute of the root group.
type Attribute struct {
	Name string
	// Value is the string value when IsString is set.
	Value    string
	IsString bool
	// Raw is the whole value of a fixed-length string with its trailing
	// NULs removed, as numpy gives it to PyTables (which unpickles a value
	// that ends with "."); Value stops at the first NUL.
	Raw []byte
	// Committed is set when the value's datatype is a shared (committed,
	// named) datatype stored elsewhere in the file, which h5py resolves:
	// a reader that takes the datatype inline misses the value.
	Committed bool
}

// Options bounds the reading.
type Options struct {
	// MaxMessages is how many object header messages are read in all.
	MaxMessages int
	// MaxChunks is how many header continuation blocks are followed.
	MaxChunks int
	// MaxValue is the largest attribute value read, in bytes.
	MaxValue int64
	// MaxObjects is how many groups and datasets ReadObjects reads, and
	// how many object array rows.
	MaxObjects int
}

// DefaultOptions returns 10 000 messages, 64 continuation blocks,
// 64 MiB per value and 100 000 objects.
func DefaultOptions() Options {
	return Options{MaxMessages: 10_000, MaxChunks: 64, MaxValue: 64 << 20, MaxObjects: 100_000}
}

// ErrFormat marks a file that does not follow the HDF5 format.
var ErrFormat = errors.New("invalid hdf5")

// ErrLimit marks a read that hit a bound of Options before it had read
// everything asked for: what lies past it was not read.
var ErrLimit = errors.New("hdf5 bound hit")

// ErrUnsupported marks a valid feature this reader does not implement.
var ErrUnsupported = errors.New("unsupported hdf5 feature")

type file struct {
	r       io.ReaderAt
	size    int64
	base    int64
	offSize int
	lenSize int
	opts    Options
	nmsg    int
	chunks  int
	// heaps caches the index of each global heap collection read;
	// heapIndexed counts the objects indexed, over all of them.
	heaps       map[int64]map[uint32]heapObject
	heapIndexed int
}

func formatErr(off int64, format string, a ...any) error {
	return fmt.Errorf("offset %d: %s: %w", off, fmt.Sprintf(format, a...), ErrFormat)
}

// read returns n bytes at off, checked against the file size.
func (f *file) read(off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off > f.size || n > f.size-off {
		return nil, formatErr(off, "%d bytes past the end of the file (%d bytes)", n, f.size)
	}
	b := make([]byte, n)
	if _, err := f.r.ReadAt(b, off); err != nil && err != io.EOF {
		return nil, fmt.Errorf("offset %d: read: %w", off, err)
	}
	return b, nil
}

// FindSuperblock returns the offset of the superblock: 0, or after a user
// block of 512, 1024, 2048, ... bytes; -1 when there is none.
func FindSuperblock(r io.ReaderAt, size int64) int64 {
	sig := make([]byte, 8)
	for off := int64(0); off+8 <= size; off = max(off*2, 512) {
		if _, err := r.ReadAt(sig, off); err != nil {
			return -1
		}
		if string(sig) == Signature {
			return off
		}
	}
	return -1
}

// RootAttributes reads the attributes of the root group.
func RootAttributes(r io.ReaderAt, size int64, opts Options) ([]Attribute, error) {
	sb := FindSuperblock(r, size)
	if sb < 0 {
		return nil, formatErr(0, "no superblock signature")
	}
	f := &file{r: r, size: size, opts: opts}
	root, err := f.superblock(sb)
	if err != nil {
		return nil, err
	}
	return f.attributes(root)
}

func (f *file) superblock(off int64) (int64, error) {
	b, err := f.read(off, min(96, f.size-off))
	if err != nil {
		return 0, err
	}
	if len(b) < 12 {
		return 0, formatErr(off, "superblock truncated")
	}
	ver := b[8]
	switch ver {
	case 0, 1:
		if len(b) < 24 {
			return 0, formatErr(off, "superblock truncated")
		}
		f.offSize, f.lenSize = int(b[13]), int(b[14])
		p := 24
		if ver == 1 {
			p += 4
		}
		if err := f.checkSizes(off); err != nil {
			return 0, err
		}
		// base, free-space, end of file, driver; then the root symbol
		// table entry: link name offset, object header address.
		if len(b) < p+6*f.offSize {
			return 0, formatErr(off, "superblock truncated")
		}
		f.base = int64(f.addr(b[p:]))
		return f.abs(f.addr(b[p+5*f.offSize:])), nil
	case 2, 3:
		f.offSize, f.lenSize = int(b[9]), int(b[10])
		if err := f.checkSizes(off); err != nil {
			return 0, err
		}
		if len(b) < 12+4*f.offSize {
			return 0, formatErr(off, "superblock truncated")
		}
		f.base = int64(f.addr(b[12:]))
		return f.abs(f.addr(b[12+3*f.offSize:])), nil
	}
	return 0, fmt.Errorf("offset %d: superblock version %d: %w", off, ver, ErrUnsupported)
}

func (f *file) checkSizes(off int64) error {
	ok := func(n int) bool { return n == 2 || n == 4 || n == 8 }
	if !ok(f.offSize) || !ok(f.lenSize) {
		return formatErr(off, "sizes of offsets %d and lengths %d", f.offSize, f.lenSize)
	}
	return nil
}

// addr decodes an offset-sized little-endian value; the undefined address
// (all ones) becomes -1 through abs.
func (f *file) addr(b []byte) uint64 { return uintN(b, f.offSize) }

func (f *file) length(b []byte) uint64 { return uintN(b, f.lenSize) }

func (f *file) abs(a uint64) int64 {
	if a == 1<<(8*f.offSize)-1 || a == ^uint64(0) || a > uint64(f.size) {
		return -1
	}
	return f.base + int64(a)
}

func uintN(b []byte, n int) uint64 {
	if len(b) < n {
		return ^uint64(0)
	}
	switch n {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.LittleEndian.Uint16(b))
	case 4:
		return uint64(binary.LittleEndian.Uint32(b))
	}
	return binary.LittleEndian.Uint64(b)
}
