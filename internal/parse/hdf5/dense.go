package hdf5

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// heap is the part of a fractal heap header needed to find objects.
type heap struct {
	idLen      int
	maxManaged uint64
	hugeTree   int64
	width      uint64
	startBlock uint64
	maxDirect  uint64
	heapBits   int
	root       int64
	rows       int
}

// denseAttributes reads the attributes kept in a fractal heap, found
// through the name index B-tree of an attribute info message.
func (f *file) denseAttributes(m message) ([]Attribute, error) {
	b := m.data
	if len(b) < 2 {
		return nil, formatErr(m.off, "attribute info message truncated")
	}
	p := 2
	if b[1]&1 != 0 {
		p += 2
	}
	if len(b) < p+2*f.offSize {
		return nil, formatErr(m.off, "attribute info message truncated")
	}
	heapAddr, nameTree := f.abs(f.addr(b[p:])), f.abs(f.addr(b[p+f.offSize:]))
	if heapAddr < 0 || nameTree < 0 {
		return nil, nil // no dense storage
	}
	h, err := f.heapHeader(heapAddr)
	if err != nil {
		return nil, err
	}
	recs, err := f.btree2Records(nameTree, 8)
	if err != nil {
		return nil, err
	}
	var out []Attribute
	for _, r := range recs {
		if len(r) < h.idLen {
			return out, formatErr(nameTree, "name index record shorter than a heap id")
		}
		obj, at, err := f.heapObject(h, r[:h.idLen])
		if err != nil {
			return out, err
		}
		a, err := f.attribute(message{typ: msgAttribute, off: at, data: obj})
		if err != nil {
			return out, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (f *file) heapHeader(off int64) (*heap, error) {
	o, l := f.offSize, f.lenSize
	n := int64(22 + 12*l + 3*o + 4)
	b, err := f.read(off, n)
	if err != nil {
		return nil, err
	}
	if string(b[:4]) != "FRHP" {
		return nil, formatErr(off, "fractal heap without FRHP signature")
	}
	if binary.LittleEndian.Uint16(b[7:]) != 0 {
		return nil, fmt.Errorf("offset %d: filtered fractal heap: %w", off, ErrUnsupported)
	}
	h := &heap{idLen: int(binary.LittleEndian.Uint16(b[5:])), maxManaged: uint64(binary.LittleEndian.Uint32(b[10:]))}
	p := 14 + l
	h.hugeTree = f.abs(f.addr(b[p:]))
	p += o + l + o + 8*l
	h.width = uint64(binary.LittleEndian.Uint16(b[p:]))
	h.startBlock, h.maxDirect = f.length(b[p+2:]), f.length(b[p+2+l:])
	p += 2 + 2*l
	h.heapBits = int(binary.LittleEndian.Uint16(b[p:]))
	h.root = f.abs(f.addr(b[p+4:]))
	h.rows = int(binary.LittleEndian.Uint16(b[p+4+o:]))
	if h.idLen < 1 || h.idLen > 64 || h.width == 0 || h.startBlock == 0 || h.maxDirect < h.startBlock || h.heapBits > 64 {
		return nil, formatErr(off, "fractal heap parameters")
	}
	return h, nil
}

// heapObject returns the bytes of the heap object with the given id and
// their file offset.
func (f *file) heapObject(h *heap, id []byte) ([]byte, int64, error) {
	switch id[0] >> 4 & 3 {
	case 0:
		offBytes := (h.heapBits + 7) / 8
		lenBytes := min((bits.Len64(h.maxDirect)-1+7)/8, (bits.Len64(h.maxManaged)-1)/8+1)
		if 1+offBytes+lenBytes > len(id) {
			return nil, 0, formatErr(h.root, "heap id too short")
		}
		off, n := uintN(pad8(id[1:1+offBytes]), 8), uintN(pad8(id[1+offBytes:1+offBytes+lenBytes]), 8)
		at, err := f.managed(h, off)
		if err != nil {
			return nil, 0, err
		}
		if int64(n) > f.opts.MaxValue {
			return nil, 0, fmt.Errorf("offset %d: heap object of %d bytes over the limit (MaxValue): %w", at, n, ErrLimit)
		}
		b, err := f.read(at, int64(n))
		return b, at, err
	case 1:
		return f.huge(h, id)
	case 2:
		n := int(id[0]&0x0f) + 1
		if 1+n > len(id) {
			return nil, 0, formatErr(h.root, "tiny heap object past its id")
		}
		return id[1 : 1+n], h.root, nil
	}
	return nil, 0, formatErr(h.root, "heap id type %d", id[0]>>4&3)
}

// managed returns the file offset of heap offset off: in the root direct
// block, or in a direct block below the root indirect block.
func (f *file) managed(h *heap, off uint64) (int64, error) {
	if h.root < 0 {
		return 0, formatErr(0, "fractal heap without a root block")
	}
	if h.rows == 0 {
		return h.root + int64(off), nil
	}
	start := uint64(0)
	for row := range h.rows {
		size := h.startBlock << max(row-1, 0)
		if size > h.maxDirect {
			break
		}
		if off < start+h.width*size {
			col := (off - start) / size
			entry := h.root + 5 + int64(f.offSize) + int64((h.heapBits+7)/8) + int64((uint64(row)*h.width+col)*uint64(f.offSize))
			b, err := f.read(entry, int64(f.offSize))
			if err != nil {
				return 0, err
			}
			blk := f.abs(f.addr(b))
			if blk < 0 {
				return 0, formatErr(entry, "heap object in an unallocated block")
			}
			return blk + int64(off-start-col*size), nil
		}
		start += h.width * size
	}
	return 0, fmt.Errorf("offset %d: heap object below a nested indirect block: %w", h.root, ErrUnsupported)
}

// huge returns a huge heap object, addressed directly by its id or
// through the huge object B-tree.
func (f *file) huge(h *heap, id []byte) ([]byte, int64, error) {
	o, l := f.offSize, f.lenSize
	var at int64
	var n uint64
	if len(id) >= 1+o+l {
		at, n = f.abs(f.addr(id[1:])), f.length(id[1+o:])
	} else {
		key := uintN(pad8(id[1:min(len(id), 9)]), 8)
		recs, err := f.btree2Records(h.hugeTree, 1)
		if err != nil {
			return nil, 0, err
		}
		found := false
		for _, r := range recs {
			if len(r) >= o+2*l && f.length(r[o+l:]) == key {
				at, n, found = f.abs(f.addr(r)), f.length(r[o:]), true
				break
			}
		}
		if !found {
			return nil, 0, formatErr(h.hugeTree, "huge heap object %d not found", key)
		}
	}
	if int64(n) > f.opts.MaxValue || n > uint64(f.size) {
		return nil, 0, fmt.Errorf("offset %d: heap object of %d bytes over the limit (MaxValue): %w", at, n, ErrLimit)
	}
	b, err := f.read(at, int64(n))
	return b, at, err
}

// pad8 widens a little-endian number of up to 8 bytes to 8 bytes.
func pad8(b []byte) []byte {
	out := make([]byte, 8)
	copy(out, b)
	return out
}
