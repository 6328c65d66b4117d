package formats

import (
	"encoding/binary"
	"fmt"
	"io"
)

// xzFilterReader decodes the filter f over r: delta, or a branch
// converter (BCJ) for x86, PowerPC, IA-64, ARM, ARM-Thumb, SPARC or ARM64,
// as liblzma's simple coders (and xz-embedded's xz_dec_bcj.c) decode them.
// RISC-V is not implemented: such a stream is an error (the content is
// unscannable, not passed).
func xzFilterReader(r io.Reader, f xzFilter) (io.Reader, error) {
	if f.id == xzDelta {
		if len(f.props) != 1 {
			return nil, fmt.Errorf("xz delta filter with %d property bytes", len(f.props))
		}
		return &deltaReader{r: r, dist: int(f.props[0]) + 1}, nil
	}
	b := &bcjReader{r: r}
	switch len(f.props) {
	case 0:
	case 4:
		b.pos = binary.LittleEndian.Uint32(f.props)
	default:
		return nil, fmt.Errorf("xz filter %#x with %d property bytes", f.id, len(f.props))
	}
	switch f.id {
	case xzX86:
		b.conv = b.x86
	case xzPowerPC:
		b.conv = b.powerPC
	case xzIA64:
		b.conv = b.ia64
	case xzARM:
		b.conv = b.arm
	case xzARMThumb:
		b.conv = b.armThumb
	case xzSPARC:
		b.conv = b.sparc
	case xzARM64:
		b.conv = b.arm64
	default:
		return nil, fmt.Errorf("xz filter %#x not supported", f.id)
	}
	return b, nil
}

// deltaReader undoes the delta filter: each byte is stored as its
// difference to the byte dist before it.
type deltaReader struct {
	r    io.Reader
	dist int
	hist [256]byte
	at   uint8
}

func (d *deltaReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	for i := range p[:n] {
		p[i] += d.hist[uint8(int(d.at)-d.dist)]
		d.hist[d.at] = p[i]
		d.at++
	}
	return n, err
}

// bcjReader undoes a branch converter: conv converts buf in place, from
// stream position pos, and returns how many bytes it is done with; the
// rest waits for more data (an instruction may straddle two reads).
type bcjReader struct {
	r    io.Reader
	conv func(buf []byte) int
	pos  uint32
	// buf holds read bytes; buf[:ready] are converted, buf[:out] handed out.
	buf        []byte
	ready, out int
	eof        bool
	err        error
	prevMask   uint32 // x86 state
}

func (b *bcjReader) Read(p []byte) (int, error) {
	for b.out == b.ready {
		if b.eof {
			return 0, b.err
		}
		b.fill()
	}
	n := copy(p, b.buf[b.out:b.ready])
	b.out += n
	return n, nil
}

// fill drops what was handed out, reads up to 64 KiB more and converts.
func (b *bcjReader) fill() {
	b.buf = append(b.buf[:0], b.buf[b.out:]...)
	b.ready -= b.out
	b.out = 0
	if cap(b.buf) < 64<<10 {
		b.buf = append(make([]byte, 0, 64<<10), b.buf...)
	}
	n, err := io.ReadFull(b.r, b.buf[len(b.buf):cap(b.buf)])
	b.buf = b.buf[:len(b.buf)+n]
	if err != nil {
		b.eof = true
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		b.err = err
	}
	done := b.conv(b.buf)
	b.pos += uint32(done)
	b.ready = done
	if b.eof {
		b.ready = len(b.buf) // a tail shorter than an instruction stays as is
	}
}

func x86MSByte(b byte) bool { return b == 0 || b == 0xff }

// x86 converts E8 (CALL) and E9 (JMP) targets back to relative ones.
func (b *bcjReader) x86(buf []byte) int {
	maskAllowed := [8]bool{true, true, true, false, true, false, false, false}
	maskBit := [8]uint32{0, 1, 2, 2, 3, 3, 3, 3}
	if len(buf) <= 4 {
		return 0
	}
	size := len(buf) - 4
	prevPos := -1
	prevMask := b.prevMask
	i := 0
	for ; i < size; i++ {
		if buf[i]&0xfe != 0xe8 {
			continue
		}
		d := i - prevPos
		if d > 3 {
			prevMask = 0
		} else {
			prevMask = (prevMask << (d - 1)) & 7
			if prevMask != 0 {
				c := buf[i+4-int(maskBit[prevMask])]
				if !maskAllowed[prevMask] || x86MSByte(c) {
					prevPos = i
					prevMask = prevMask<<1 | 1
					continue
				}
			}
		}
		prevPos = i
		if !x86MSByte(buf[i+4]) {
			prevMask = prevMask<<1 | 1
			continue
		}
		src := binary.LittleEndian.Uint32(buf[i+1:])
		var dest uint32
		for {
			dest = src - (b.pos + uint32(i) + 5)
			if prevMask == 0 {
				break
			}
			j := maskBit[prevMask] * 8
			if !x86MSByte(byte(dest >> (24 - j))) {
				break
			}
			src = dest ^ (1<<(32-j) - 1)
		}
		dest &= 0x01ffffff
		dest |= 0 - dest&0x01000000
		binary.LittleEndian.PutUint32(buf[i+1:], dest)
		i += 4
	}
	if d := i - prevPos; d > 3 {
		b.prevMask = 0
	} else {
		b.prevMask = prevMask << (d - 1)
	}
	return i
}

// powerPC converts "bl" targets.
func (b *bcjReader) powerPC(buf []byte) int {
	i := 0
	for ; i+4 <= len(buf); i += 4 {
		in := binary.BigEndian.Uint32(buf[i:])
		if in&0xfc000003 == 0x48000001 {
			in = (in&0x03fffffc-(b.pos+uint32(i)))&0x03fffffc | 0x48000001
			binary.BigEndian.PutUint32(buf[i:], in)
		}
	}
	return i
}

// arm converts BL targets.
func (b *bcjReader) arm(buf []byte) int {
	i := 0
	for ; i+4 <= len(buf); i += 4 {
		if buf[i+3] != 0xeb {
			continue
		}
		addr := uint32(buf[i]) | uint32(buf[i+1])<<8 | uint32(buf[i+2])<<16
		addr = (addr<<2 - (b.pos + uint32(i) + 8)) >> 2
		buf[i], buf[i+1], buf[i+2] = byte(addr), byte(addr>>8), byte(addr>>16)
	}
	return i
}

// armThumb converts Thumb BL pairs.
func (b *bcjReader) armThumb(buf []byte) int {
	i := 0
	for ; i+4 <= len(buf); i += 2 {
		if buf[i+1]&0xf8 != 0xf0 || buf[i+3]&0xf8 != 0xf8 {
			continue
		}
		addr := uint32(buf[i+1]&7)<<19 | uint32(buf[i])<<11 | uint32(buf[i+3]&7)<<8 | uint32(buf[i+2])
		addr = (addr<<1 - (b.pos + uint32(i) + 4)) >> 1
		buf[i+1] = byte(0xf0 | addr>>19&7)
		buf[i] = byte(addr >> 11)
		buf[i+3] = byte(0xf8 | addr>>8&7)
		buf[i+2] = byte(addr)
		i += 2
	}
	return i
}

// sparc converts "call" targets.
func (b *bcjReader) sparc(buf []byte) int {
	i := 0
	for ; i+4 <= len(buf); i += 4 {
		in := binary.BigEndian.Uint32(buf[i:])
		if in>>22 != 0x100 && in>>22 != 0x1ff {
			continue
		}
		in = (in<<2 - (b.pos + uint32(i))) >> 2
		in = (0x40000000 - in&0x400000) | 0x40000000 | in&0x3fffff
		binary.BigEndian.PutUint32(buf[i:], in)
	}
	return i
}
