package hdf5

import (
	"encoding/binary"
	"fmt"
)

// Object header message types this reader acts on.
const (
	msgAttribute    = 0x0C
	msgContinuation = 0x10
	msgAttrInfo     = 0x15
)

type message struct {
	typ  int
	off  int64 // file offset of the message data
	data []byte
}

// chunk is a piece of an object header still to read.
type chunk struct {
	off, size int64
}

// messages reads every message of the object header at off, following
// continuation blocks.
func (f *file) messages(off int64) ([]message, error) {
	if off < 0 {
		return nil, formatErr(off, "undefined object header address")
	}
	sig, err := f.read(off, min(4, f.size-off))
	if err != nil {
		return nil, err
	}
	if string(sig) == "OHDR" {
		return f.messagesV2(off)
	}
	return f.messagesV1(off)
}

func (f *file) messagesV1(off int64) ([]message, error) {
	h, err := f.read(off, 16)
	if err != nil {
		return nil, err
	}
	if h[0] != 1 {
		return nil, formatErr(off, "object header version %d", h[0])
	}
	var out []message
	queue := []chunk{{off + 16, int64(binary.LittleEndian.Uint32(h[8:]))}}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		b, err := f.read(c.off, c.size)
		if err != nil {
			return nil, err
		}
		for p := 0; p+8 <= len(b); {
			typ, size := int(binary.LittleEndian.Uint16(b[p:])), int(binary.LittleEndian.Uint16(b[p+2:]))
			start := p + 8
			if start+size > len(b) {
				return nil, formatErr(c.off+int64(p), "message of %d bytes past its header block", size)
			}
			m := message{typ: typ, off: c.off + int64(start), data: b[start : start+size]}
			if queue, err = f.collect(&out, m, queue); err != nil {
				return nil, err
			}
			p = start + (size+7)&^7
		}
	}
	return out, nil
}

func (f *file) messagesV2(off int64) ([]message, error) {
	h, err := f.read(off, min(32, f.size-off))
	if err != nil {
		return nil, err
	}
	if len(h) < 7 || h[4] != 2 {
		return nil, formatErr(off, "object header v2 prefix")
	}
	flags := h[5]
	p := 6
	if flags&0x20 != 0 {
		p += 16
	}
	if flags&0x10 != 0 {
		p += 4
	}
	n := 1 << (flags & 3)
	if p+n > len(h) {
		return nil, formatErr(off, "object header v2 prefix truncated")
	}
	size := int64(uintN(h[p:], n))
	var out []message
	queue := []chunk{{off + int64(p+n), size}}
	for first := true; len(queue) > 0; first = false {
		c := queue[0]
		queue = queue[1:]
		if !first {
			sig, err := f.read(c.off, 4)
			if err != nil {
				return nil, err
			}
			if string(sig) != "OCHK" {
				return nil, formatErr(c.off, "continuation block without OCHK signature")
			}
			c = chunk{c.off + 4, c.size - 8} // signature and checksum
		}
		b, err := f.read(c.off, max(c.size, 0))
		if err != nil {
			return nil, err
		}
		hdr := 4
		if flags&0x04 != 0 {
			hdr = 6
		}
		for p := 0; p+hdr <= len(b); {
			typ, size := int(b[p]), int(binary.LittleEndian.Uint16(b[p+1:]))
			start := p + hdr
			if start+size > len(b) {
				return nil, formatErr(c.off+int64(p), "message of %d bytes past its header block", size)
			}
			m := message{typ: typ, off: c.off + int64(start), data: b[start : start+size]}
			if queue, err = f.collect(&out, m, queue); err != nil {
				return nil, err
			}
			p = start + size
		}
	}
	return out, nil
}

// collect keeps a message and queues the block a continuation points to.
func (f *file) collect(out *[]message, m message, queue []chunk) ([]chunk, error) {
	f.nmsg++
	if f.nmsg > f.opts.MaxMessages {
		return nil, fmt.Errorf("offset %d: more than %d object header messages (MaxMessages): %w", m.off, f.opts.MaxMessages, ErrLimit)
	}
	if m.typ != msgContinuation {
		*out = append(*out, m)
		return queue, nil
	}
	if len(m.data) < f.offSize+f.lenSize {
		return nil, formatErr(m.off, "continuation message truncated")
	}
	f.chunks++
	if f.chunks > f.opts.MaxChunks {
		return nil, fmt.Errorf("offset %d: more than %d header continuation blocks (MaxChunks): %w", m.off, f.opts.MaxChunks, ErrLimit)
	}
	at, n := f.abs(f.addr(m.data)), f.length(m.data[f.offSize:])
	if at < 0 || n > uint64(f.size) {
		return nil, formatErr(m.off, "continuation block out of the file")
	}
	return append(queue, chunk{at, int64(n)}), nil
}
