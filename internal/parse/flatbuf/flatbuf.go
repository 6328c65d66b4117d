// Package flatbuf reads FlatBuffers (the serialisation of TFLite models
// and onnxruntime LoRA adapters) without their generated code: tables,
// scalar fields, strings and vectors, every offset checked against the
// buffer before it is followed.
//
// Decisions:
//   - The buffer is read through an io.ReaderAt, a few bytes per field:
//     the formats that use FlatBuffers keep their tensors in the same
//     buffer, and a model's structure is a small part of it.
//   - Every read is bounds-checked and returns an error with the byte
//     offset; nothing panics on hostile offsets, and a vector's length is
//     checked against the bytes left before anything is allocated.
package flatbuf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// maxString bounds a string read from a buffer (names, descriptions).
const maxString = 1 << 20

// ErrFormat marks a buffer that does not follow the FlatBuffers layout.
var ErrFormat = errors.New("invalid flatbuffer")

// Buf is a FlatBuffer of size bytes read through r.
type Buf struct {
	r    io.ReaderAt
	size int
}

// New returns the buffer of size bytes behind r.
func New(r io.ReaderAt, size int64) Buf {
	if size > 1<<40 {
		size = 1 << 40
	}
	return Buf{r: r, size: int(size)}
}

// Len is the buffer's size.
func (b Buf) Len() int { return b.size }

// Bytes reads n bytes at off.
func (b Buf) Bytes(off, n int) ([]byte, error) {
	if off < 0 || n < 0 || off > b.size-n {
		return nil, b.errf(off, "%d bytes past the end (%d)", n, b.size)
	}
	p := make([]byte, n)
	if _, err := b.r.ReadAt(p, int64(off)); err != nil {
		return nil, fmt.Errorf("offset %d: read: %w", off, err)
	}
	return p, nil
}

// Table is a table of a buffer: its position and its vtable's.
type Table struct {
	b      Buf
	pos    int
	vtable int
	vtLen  int
}

func (b Buf) errf(off int, format string, a ...any) error {
	return fmt.Errorf("offset %d: %s: %w", off, fmt.Sprintf(format, a...), ErrFormat)
}

func (b Buf) u32(off int) (uint32, error) {
	p, err := b.Bytes(off, 4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(p), nil
}

func (b Buf) u16(off int) (uint16, error) {
	p, err := b.Bytes(off, 2)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint16(p), nil
}

// Identifier returns the 4-byte file identifier after the root offset.
func (b Buf) Identifier() string {
	p, err := b.Bytes(4, 4)
	if err != nil {
		return ""
	}
	return string(p)
}

// Root returns the root table.
func (b Buf) Root() (Table, error) {
	off, err := b.u32(0)
	if err != nil {
		return Table{}, err
	}
	return b.table(int(off))
}

// table reads the table at pos and locates its vtable.
func (b Buf) table(pos int) (Table, error) {
	so, err := b.u32(pos)
	if err != nil {
		return Table{}, err
	}
	vt := pos - int(int32(so))
	n, err := b.u16(vt)
	if err != nil {
		return Table{}, err
	}
	vtLen := int(n)
	if vtLen < 4 || vtLen%2 != 0 || vt > b.size-vtLen {
		return Table{}, b.errf(vt, "vtable of %d bytes", vtLen)
	}
	return Table{b: b, pos: pos, vtable: vt, vtLen: vtLen}, nil
}

// field returns the position of field i, or 0 when it is absent.
func (t Table) field(i int) int {
	o := 4 + 2*i
	if o+2 > t.vtLen {
		return 0
	}
	r, err := t.b.u16(t.vtable + o)
	rel := int(r)
	if err != nil || rel == 0 {
		return 0
	}
	return t.pos + rel
}

// Int32 returns scalar field i as a 32-bit integer, or def when absent.
func (t Table) Int32(i int, def int32) (int32, error) {
	p := t.field(i)
	if p == 0 {
		return def, nil
	}
	v, err := t.b.u32(p)
	return int32(v), err
}

// Int8 returns scalar field i as a byte, or def when absent.
func (t Table) Int8(i int, def int8) (int8, error) {
	p := t.field(i)
	if p == 0 {
		return def, nil
	}
	v, err := t.b.Bytes(p, 1)
	if err != nil {
		return 0, err
	}
	return int8(v[0]), nil
}

// indirect follows the offset stored in field i.
func (t Table) indirect(i int) (int, bool, error) {
	p := t.field(i)
	if p == 0 {
		return 0, false, nil
	}
	off, err := t.b.u32(p)
	if err != nil {
		return 0, false, err
	}
	target := p + int(off)
	if off == 0 || target >= t.b.size {
		return 0, false, t.b.errf(p, "offset %d outside the buffer", off)
	}
	return target, true, nil
}

// String returns string field i ("" when absent).
func (t Table) String(i int) (string, error) {
	p, ok, err := t.indirect(i)
	if !ok {
		return "", err
	}
	n, err := t.b.u32(p)
	if err != nil {
		return "", err
	}
	if int64(n) > int64(t.b.size-p-4) {
		return "", t.b.errf(p, "string of %d bytes past the end", n)
	}
	if n > maxString {
		return "", t.b.errf(p, "string of %d bytes over the limit of %d", n, maxString)
	}
	v, err := t.b.Bytes(p+4, int(n))
	return string(v), err
}

// Vector returns the position of the elements and the length of vector
// field i of elements of size elem, checked against the buffer.
func (t Table) Vector(i, elem int) (int, int, error) {
	p, ok, err := t.indirect(i)
	if !ok {
		return 0, 0, err
	}
	n, err := t.b.u32(p)
	if err != nil {
		return 0, 0, err
	}
	if int64(n)*int64(elem) > int64(t.b.size-p-4) {
		return 0, 0, t.b.errf(p, "vector of %d elements of %d bytes past the end", n, elem)
	}
	return p + 4, int(n), nil
}

// Tables returns the tables of vector field i, at most max of them (the
// length is returned too).
func (t Table) Tables(i, max int) ([]Table, int, error) {
	start, n, err := t.Vector(i, 4)
	if err != nil || n == 0 {
		return nil, n, err
	}
	var out []Table
	for k := 0; k < n && k < max; k++ {
		e := start + 4*k
		off, _ := t.b.u32(e)
		tb, err := t.b.table(e + int(off))
		if err != nil {
			return out, n, err
		}
		out = append(out, tb)
	}
	return out, n, nil
}

// Int64s returns vector field i of 64-bit integers, at most max of them.
func (t Table) Int64s(i, max int) ([]int64, error) {
	start, n, err := t.Vector(i, 8)
	if err != nil {
		return nil, err
	}
	n = min(n, max)
	p, err := t.b.Bytes(start, 8*n)
	if err != nil {
		return nil, err
	}
	out := make([]int64, n)
	for k := range out {
		out[k] = int64(binary.LittleEndian.Uint64(p[8*k:]))
	}
	return out, nil
}
