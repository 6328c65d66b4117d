package hdf5

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// maxHeapObjects bounds the objects walked in one global heap collection.
const maxHeapObjects = 1 << 16

// attributes reads the attributes of the object whose header is at off,
// compact (attribute messages) and dense (attribute info message).
func (f *file) attributes(off int64) ([]Attribute, error) {
	msgs, err := f.messages(off)
	if err != nil {
		return nil, err
	}
	return f.attributesOf(msgs)
}

// attributesOf reads the attributes among the messages of one object.
func (f *file) attributesOf(msgs []message) ([]Attribute, error) {
	var out []Attribute
	for _, m := range msgs {
		switch m.typ {
		case msgAttribute:
			a, err := f.attribute(m)
			if err != nil {
				return out, err
			}
			out = append(out, a)
		case msgAttrInfo:
			dense, err := f.denseAttributes(m)
			out = append(out, dense...)
			if err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// attribute decodes an attribute message.
func (f *file) attribute(m message) (Attribute, error) {
	b := m.data
	if len(b) < 8 {
		return Attribute{}, formatErr(m.off, "attribute message truncated")
	}
	ver, flags := b[0], b[1]
	nameSize, dtSize, dsSize := int(binary.LittleEndian.Uint16(b[2:])), int(binary.LittleEndian.Uint16(b[4:])), int(binary.LittleEndian.Uint16(b[6:]))
	pad := func(n int) int { return n }
	p := 8
	switch ver {
	case 1:
		pad = func(n int) int { return (n + 7) &^ 7 }
	case 2:
	case 3:
		p = 9
	default:
		return Attribute{}, formatErr(m.off, "attribute message version %d", ver)
	}
	if p+pad(nameSize)+pad(dtSize)+pad(dsSize) > len(b) {
		return Attribute{}, formatErr(m.off, "attribute message fields past its end")
	}
	name := string(bytes.TrimRight(b[p:p+nameSize], "\x00"))
	p += pad(nameSize)
	dt := b[p : p+dtSize]
	p += pad(dtSize)
	ds := b[p : p+dsSize]
	p += pad(dsSize)
	a := Attribute{Name: name}
	if flags&2 != 0 {
		return a, nil // shared dataspace: not written for attributes in practice
	}
	if flags&1 != 0 {
		shared, err := f.sharedDatatype(dt, m.off)
		if err != nil {
			return a, err
		}
		dt, a.Committed = shared, true
	}
	n, err := elements(ds, f.lenSize)
	if err != nil || n != 1 || len(dt) < 8 {
		return a, nil // not a single value: listed by name only
	}
	v, ok, err := f.stringValue(dt, b[p:], m.off+int64(p))
	a.Value, a.IsString = v, ok
	if size := int(binary.LittleEndian.Uint32(dt[4:])); ok && dt[0]&0x0f == 3 && size <= len(b)-p {
		a.Raw = bytes.TrimRight(b[p:p+size], "\x00")
	}
	return a, err
}

// sharedDatatype resolves a shared datatype reference (a shared message,
// versions 1 to 3, of the object header kind) to the datatype message of
// the committed datatype it names.
func (f *file) sharedDatatype(ref []byte, off int64) ([]byte, error) {
	if len(ref) < 2 {
		return nil, formatErr(off, "shared datatype reference truncated")
	}
	p := 2
	switch ref[0] {
	case 1:
		p = 8
	case 2:
	case 3:
		if ref[1] != 2 {
			return nil, fmt.Errorf("offset %d: datatype shared in the file's message heap: %w", off, ErrUnsupported)
		}
	default:
		return nil, formatErr(off, "shared message version %d", ref[0])
	}
	if len(ref) < p+f.offSize {
		return nil, formatErr(off, "shared datatype reference truncated")
	}
	msgs, err := f.messages(f.abs(f.addr(ref[p:])))
	if err != nil {
		return nil, fmt.Errorf("committed datatype: %w", err)
	}
	for _, m := range msgs {
		if m.typ == msgDatatype && len(m.data) >= 8 {
			return m.data, nil
		}
	}
	return nil, formatErr(off, "committed datatype without a datatype message")
}

// elements returns the number of elements a dataspace message describes.
func elements(ds []byte, lenSize int) (uint64, error) {
	if len(ds) < 4 {
		return 0, fmt.Errorf("dataspace truncated: %w", ErrFormat)
	}
	rank, p := int(ds[1]), 8
	if ds[0] == 2 {
		p = 4
		if ds[3] == 2 {
			return 0, nil // null dataspace
		}
	}
	n := uint64(1)
	for i := range rank {
		at := p + i*lenSize
		if at+lenSize > len(ds) {
			return 0, fmt.Errorf("dataspace dimensions truncated: %w", ErrFormat)
		}
		d := uintN(ds[at:], lenSize)
		if d != 0 && n > (1<<62)/d {
			return 0, fmt.Errorf("dataspace too large: %w", ErrFormat)
		}
		n *= d
	}
	return n, nil
}

// stringValue decodes one fixed-length or variable-length string.
func (f *file) stringValue(dt, data []byte, off int64) (string, bool, error) {
	class, size := dt[0]&0x0f, int64(binary.LittleEndian.Uint32(dt[4:]))
	switch {
	case class == 3:
		if size > f.opts.MaxValue {
			return "", false, fmt.Errorf("offset %d: string of %d bytes over the limit (MaxValue): %w", off, size, ErrLimit)
		}
		if int64(len(data)) < size {
			return "", false, formatErr(off, "string value of %d bytes truncated", size)
		}
		s := data[:size]
		if i := bytes.IndexByte(s, 0); i >= 0 {
			s = s[:i]
		}
		return string(bytes.TrimRight(s, " ")), true, nil
	case class == 9 && dt[1]&0x0f == 1:
		if len(data) < 8+f.offSize {
			return "", false, formatErr(off, "variable-length string reference truncated")
		}
		n := int64(binary.LittleEndian.Uint32(data))
		coll := f.abs(f.addr(data[4:]))
		idx := binary.LittleEndian.Uint32(data[4+f.offSize:])
		s, err := f.globalHeap(coll, idx, n)
		return s, err == nil, err
	}
	return "", false, nil
}

// globalHeap returns object idx of the global heap collection at off as
// a string, without its trailing NULs.
func (f *file) globalHeap(off int64, idx uint32, want int64) (string, error) {
	b, err := f.globalHeapRaw(off, idx, want)
	return string(bytes.TrimRight(b, "\x00")), err
}

// heapObject is where one object of a global heap collection lies.
type heapObject struct{ at, size int64 }

// maxHeapIndexed bounds the global heap objects indexed in one file, over
// all its collections.
const maxHeapIndexed = 1 << 20

// globalHeapRaw returns object idx of the global heap collection at off,
// at most want bytes of it. Each collection is indexed once per file, so
// that many references into it cost one walk.
func (f *file) globalHeapRaw(off int64, idx uint32, want int64) ([]byte, error) {
	if off < 0 {
		if want == 0 {
			return nil, nil
		}
		return nil, formatErr(off, "variable-length string in an undefined heap")
	}
	objs, err := f.heapIndex(off)
	if err != nil {
		return nil, err
	}
	o, ok := objs[idx]
	if !ok {
		return nil, formatErr(off, "global heap object %d not found", idx)
	}
	if o.size > f.opts.MaxValue {
		return nil, fmt.Errorf("offset %d: heap object of %d bytes over the limit (MaxValue): %w", o.at, o.size, ErrLimit)
	}
	n := o.size
	if want >= 0 && want < n {
		n = want
	}
	return f.read(o.at, n)
}

// heapIndex lists the objects of the global heap collection at off.
func (f *file) heapIndex(off int64) (map[uint32]heapObject, error) {
	if objs, ok := f.heaps[off]; ok {
		return objs, nil
	}
	h, err := f.read(off, int64(8+f.lenSize))
	if err != nil {
		return nil, err
	}
	if string(h[:4]) != "GCOL" {
		return nil, formatErr(off, "global heap without GCOL signature")
	}
	end := off + int64(min(f.length(h[8:]), uint64(f.size)))
	hdr := int64(8 + f.lenSize)
	objs := map[uint32]heapObject{}
	for p := off + hdr; p+hdr <= end && len(objs) < maxHeapObjects; {
		if f.heapIndexed++; f.heapIndexed > maxHeapIndexed {
			return nil, fmt.Errorf("offset %d: more than %d global heap objects: %w", off, maxHeapIndexed, ErrLimit)
		}
		o, err := f.read(p, hdr)
		if err != nil {
			return nil, err
		}
		index, size := binary.LittleEndian.Uint16(o), f.length(o[8:])
		if index == 0 || size > uint64(end-p) {
			break // free space runs to the end of the collection
		}
		objs[uint32(index)] = heapObject{at: p + hdr, size: int64(size)}
		p += hdr + (int64(size)+7)&^7
	}
	if f.heaps == nil {
		f.heaps = map[int64]map[uint32]heapObject{}
	}
	f.heaps[off] = objs
	return objs, nil
}
