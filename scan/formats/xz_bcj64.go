package formats

import "encoding/binary"

// ia64BranchSlots says, by bundle template, which of the three slots of
// a 16-byte bundle may hold a branch (bit i for slot i).
var ia64BranchSlots = [32]uint8{
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	4, 4, 6, 6, 0, 0, 7, 7, 4, 4, 0, 0, 4, 4, 0, 0,
}

// ia64 converts the targets of IP-relative branches in 41-bit slots.
func (b *bcjReader) ia64(buf []byte) int {
	i := 0
	for ; i+16 <= len(buf); i += 16 {
		mask := ia64BranchSlots[buf[i]&0x1f]
		for slot, bitPos := 0, 5; slot < 3; slot, bitPos = slot+1, bitPos+41 {
			if mask>>slot&1 == 0 {
				continue
			}
			bytePos, bitRes := bitPos>>3, uint(bitPos&7)
			var instr uint64
			for j := range 6 {
				instr |= uint64(buf[i+j+bytePos]) << (8 * j)
			}
			norm := instr >> bitRes
			if norm>>37&0x0f != 0x05 || norm>>9&0x07 != 0 {
				continue
			}
			addr := uint32(norm>>13&0x0fffff) | uint32(norm>>36&1)<<20
			addr = (addr<<4 - (b.pos + uint32(i))) >> 4
			norm &^= uint64(0x8fffff) << 13
			norm |= uint64(addr&0x0fffff) << 13
			norm |= uint64(addr&0x100000) << (36 - 20)
			instr &= 1<<bitRes - 1
			instr |= norm << bitRes
			for j := range 6 {
				buf[i+j+bytePos] = byte(instr >> (8 * j))
			}
		}
	}
	return i
}

// arm64 converts BL and ADRP.
func (b *bcjReader) arm64(buf []byte) int {
	i := 0
	for ; i+4 <= len(buf); i += 4 {
		in := binary.LittleEndian.Uint32(buf[i:])
		pc := b.pos + uint32(i)
		switch {
		case in>>26 == 0x25:
			in = 0x94000000 | (in-pc>>2)&0x03ffffff
		case in&0x9f000000 == 0x90000000:
			addr := in>>29&3 | in>>3&0x001ffffc
			if (addr+0x00020000)&0x001c0000 != 0 {
				continue
			}
			addr -= pc >> 12
			in &= 0x9000001f
			in |= (addr & 3) << 29
			in |= (addr & 0x0003fffc) << 3
			in |= (0 - addr&0x00020000) & 0x00e00000
		default:
			continue
		}
		binary.LittleEndian.PutUint32(buf[i:], in)
	}
	return i
}
