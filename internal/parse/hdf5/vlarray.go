package hdf5

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
)

// Object header message types read for the data of object arrays.
const (
	msgDataspace = 0x01
	msgLayout    = 0x08
	msgFilters   = 0x0B
)

// HDF5 filter IDs understood in object arrays.
const (
	filterDeflate    = 1
	filterShuffle    = 2
	filterFletcher32 = 3
)

// objectArray reports whether a dataset's attributes mark a PyTables
// object array: CLASS "VLARRAY" and PSEUDOATOM "object" (ObjectAtom, what
// pandas' fixed format writes for object columns). PyTables unpickles each
// row when the array is read.
func objectArray(attrs []Attribute) bool {
	class, atom := false, false
	for _, a := range attrs {
		class = class || a.Name == "CLASS" && a.Value == "VLARRAY"
		atom = atom || a.Name == "PSEUDOATOM" && a.Value == "object"
	}
	return class && atom
}

// objectRows reads the rows of an object array: a one-dimensional dataset
// of variable-length sequences of bytes, chunked (version 3 layout, a
// version 1 chunk B-tree) or contiguous, each element a global heap
// reference. Filters other than deflate, shuffle and Fletcher-32 are
// ErrUnsupported; rows are bounded by Options.MaxObjects in all, and the
// array's chunk data, read and inflated, by Options.MaxValue (chunks of a
// B-tree may all point at one small chunk that inflates far).
func (f *file) objectRows(path string, msgs []message, out *Contents) error {
	var rows uint64
	var layout, filters []byte
	for _, m := range msgs {
		switch m.typ {
		case msgDataspace:
			n, err := elements(m.data, f.lenSize)
			if err != nil {
				return err
			}
			rows = n
		case msgLayout:
			layout = m.data
		case msgFilters:
			filters = m.data
		}
	}
	if rows > uint64(f.opts.MaxObjects) {
		return fmt.Errorf("%d rows, over %d (MaxObjects): %w", rows, f.opts.MaxObjects, ErrLimit)
	}
	pipe, err := f.pipeline(filters)
	if err != nil {
		return err
	}
	elem := int64(4 + f.offSize + 4)
	budget := f.opts.MaxValue // bytes of chunk data, read and inflated, for the whole array
	return f.layoutChunks(layout, func(start int64, raw []byte, mask uint32) error {
		if budget -= int64(len(raw)); budget < 0 {
			return fmt.Errorf("object array data over %d bytes (MaxValue): %w", f.opts.MaxValue, ErrLimit)
		}
		data, err := unfilter(raw, pipe, mask, elem, budget)
		if err != nil {
			return err
		}
		budget -= int64(len(data))
		for i := int64(0); (i+1)*elem <= int64(len(data)); i++ {
			if uint64(start+i) >= rows {
				break
			}
			if len(out.Rows) >= f.opts.MaxObjects {
				return fmt.Errorf("more than %d rows (MaxObjects): %w", f.opts.MaxObjects, ErrLimit)
			}
			e := data[i*elem:]
			n := int64(binary.LittleEndian.Uint32(e))
			row, err := f.globalHeapRaw(f.abs(f.addr(e[4:])), binary.LittleEndian.Uint32(e[4+f.offSize:]), n)
			if err != nil {
				return err
			}
			out.Rows = append(out.Rows, Row{Object: path, Index: start + i, Data: row})
		}
		return nil
	})
}

// layoutChunks calls chunk for each piece of a dataset's raw data, with
// the element index it starts at and its filter mask.
func (f *file) layoutChunks(layout []byte, chunk func(start int64, raw []byte, mask uint32) error) error {
	if len(layout) < 2 || layout[0] != 3 {
		return fmt.Errorf("data layout message version %d: %w", firstByte(layout), ErrUnsupported)
	}
	switch layout[1] {
	case 1: // contiguous
		if len(layout) < 2+f.offSize+f.lenSize {
			return formatErr(0, "contiguous layout truncated")
		}
		at, n := f.abs(f.addr(layout[2:])), f.length(layout[2+f.offSize:])
		if at < 0 {
			return nil // never written
		}
		if n > uint64(f.opts.MaxValue) {
			return fmt.Errorf("dataset of %d bytes over the limit (MaxValue): %w", n, ErrLimit)
		}
		raw, err := f.read(at, int64(n))
		if err != nil {
			return err
		}
		return chunk(0, raw, 0)
	case 2: // chunked
		if len(layout) < 3+f.offSize {
			return formatErr(0, "chunked layout truncated")
		}
		dims := int(layout[2])
		tree := f.abs(f.addr(layout[3:]))
		if tree < 0 {
			return nil
		}
		if len(layout) < 3+f.offSize+4*dims || dims < 2 {
			return formatErr(0, "chunked layout dimensions truncated")
		}
		budget := f.opts.MaxMessages
		return f.chunkTree(tree, dims, 0, &budget, chunk)
	}
	return fmt.Errorf("data layout class %d: %w", layout[1], ErrUnsupported)
}

func firstByte(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	return int(b[0])
}

// chunkTree walks a version 1 B-tree of raw data chunks (node type 1):
// each key holds the chunk's size, filter mask and offsets.
func (f *file) chunkTree(off int64, dims, depth int, budget *int, chunk func(int64, []byte, uint32) error) error {
	if depth > 64 {
		return formatErr(off, "chunk B-tree deeper than 64")
	}
	h, err := f.read(off, int64(8+2*f.offSize))
	if err != nil {
		return err
	}
	if string(h[:4]) != "TREE" || h[4] != 1 {
		return formatErr(off, "chunk B-tree node without TREE signature")
	}
	level, n := int(h[5]), int(binary.LittleEndian.Uint16(h[6:]))
	if *budget -= n + 1; *budget < 0 {
		return fmt.Errorf("offset %d: chunk B-trees with more than %d entries (MaxMessages): %w", off, f.opts.MaxMessages, ErrLimit)
	}
	key := int64(8 + 8*dims)
	step := key + int64(f.offSize)
	b, err := f.read(off+int64(len(h)), int64(n)*step+key)
	if err != nil {
		return err
	}
	for i := range n {
		k := b[int64(i)*step:]
		child := f.abs(f.addr(k[key:]))
		if child < 0 || child == off {
			return formatErr(off, "chunk B-tree child %d at an invalid address", i)
		}
		if level > 0 {
			err = f.chunkTree(child, dims, depth+1, budget, chunk)
		} else {
			size, mask := int64(binary.LittleEndian.Uint32(k)), binary.LittleEndian.Uint32(k[4:])
			if size > f.opts.MaxValue {
				return fmt.Errorf("offset %d: chunk of %d bytes over the limit (MaxValue): %w", child, size, ErrLimit)
			}
			var raw []byte
			if raw, err = f.read(child, size); err == nil {
				err = chunk(int64(binary.LittleEndian.Uint64(k[8:])), raw, mask)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// pipeline reads a filter pipeline message (versions 1 and 2) into the
// list of filter IDs, in the order they were applied when writing.
func (f *file) pipeline(b []byte) ([]uint16, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if len(b) < 2 {
		return nil, formatErr(0, "filter pipeline truncated")
	}
	ver, n, p := b[0], int(b[1]), 8
	if ver == 2 {
		p = 2
	}
	var ids []uint16
	for range n {
		if p+2 > len(b) {
			return nil, formatErr(0, "filter pipeline truncated")
		}
		id := binary.LittleEndian.Uint16(b[p:])
		if ver == 1 || id >= 256 {
			if p+8 > len(b) {
				return nil, formatErr(0, "filter description truncated")
			}
			nameLen, nvals := int(binary.LittleEndian.Uint16(b[p+2:])), int(binary.LittleEndian.Uint16(b[p+6:]))
			p += 8 + nameLen
			if ver == 1 {
				p += (nameLen+7)&^7 - nameLen + 4*nvals + 4*(nvals&1)
			} else {
				p += 4 * nvals
			}
		} else {
			if p+6 > len(b) {
				return nil, formatErr(0, "filter description truncated")
			}
			p += 6 + 4*int(binary.LittleEndian.Uint16(b[p+4:]))
		}
		switch id {
		case filterDeflate, filterShuffle, filterFletcher32:
		default:
			return nil, fmt.Errorf("filter %d on an object array: %w", id, ErrUnsupported)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// unfilter undoes the filters of a chunk, last applied first; a filter
// whose bit is set in mask was skipped for this chunk. A chunk that
// inflates past max bytes is a bound hit.
func unfilter(raw []byte, ids []uint16, mask uint32, elem, max int64) ([]byte, error) {
	for i := len(ids) - 1; i >= 0; i-- {
		if mask&(1<<i) != 0 {
			continue
		}
		switch ids[i] {
		case filterFletcher32:
			if len(raw) < 4 {
				return nil, formatErr(0, "Fletcher-32 chunk shorter than its checksum")
			}
			raw = raw[:len(raw)-4]
		case filterShuffle:
			raw = unshuffle(raw, int(elem))
		case filterDeflate:
			zr, err := zlib.NewReader(bytes.NewReader(raw))
			if err != nil {
				return nil, formatErr(0, "deflated chunk: %v", err)
			}
			out, err := io.ReadAll(io.LimitReader(zr, max+1))
			if err != nil {
				return nil, formatErr(0, "deflated chunk: %v", err)
			}
			if int64(len(out)) > max {
				return nil, fmt.Errorf("deflated chunk over %d bytes (MaxValue): %w", max, ErrLimit)
			}
			raw = out
		}
	}
	return raw, nil
}

// unshuffle undoes the shuffle filter: byte j of every element was
// stored together, for each j.
func unshuffle(b []byte, size int) []byte {
	n := len(b) / size
	if size <= 1 || n == 0 {
		return b
	}
	out := make([]byte, len(b))
	for j := range size {
		for i := range n {
			out[i*size+j] = b[j*n+i]
		}
	}
	copy(out[n*size:], b[n*size:])
	return out
}
