package gitread

import (
	"errors"
	"fmt"
)

// applyDelta rebuilds an object from its base and a git delta: the base
// and result sizes, then copy (from the base) and insert instructions.
func applyDelta(base, delta []byte) ([]byte, error) {
	varint := func() (int64, error) {
		var v int64
		for shift := uint(0); ; shift += 7 {
			if len(delta) == 0 || shift > 56 {
				return 0, errors.New("truncated size")
			}
			c := delta[0]
			delta = delta[1:]
			v |= int64(c&0x7f) << shift
			if c&0x80 == 0 {
				return v, nil
			}
		}
	}
	baseSize, err := varint()
	if err != nil {
		return nil, err
	}
	if baseSize != int64(len(base)) {
		return nil, fmt.Errorf("base is %d bytes, delta wants %d", len(base), baseSize)
	}
	size, err := varint()
	if err != nil {
		return nil, err
	}
	if size > maxObjectSize {
		return nil, fmt.Errorf("result declares %d bytes", size)
	}
	out := make([]byte, 0, size)
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		switch {
		case op&0x80 != 0:
			var fields [7]int64
			for i := range fields {
				if op&(1<<i) != 0 {
					if len(delta) == 0 {
						return nil, errors.New("truncated copy")
					}
					fields[i] = int64(delta[0])
					delta = delta[1:]
				}
			}
			o := fields[0] | fields[1]<<8 | fields[2]<<16 | fields[3]<<24
			n := fields[4] | fields[5]<<8 | fields[6]<<16
			if n == 0 {
				n = 0x10000
			}
			if o+n > int64(len(base)) || int64(len(out))+n > size {
				return nil, errors.New("copy out of range")
			}
			out = append(out, base[o:o+n]...)
		case op != 0:
			n := int(op)
			if n > len(delta) || int64(len(out)+n) > size {
				return nil, errors.New("insert out of range")
			}
			out = append(out, delta[:n]...)
			delta = delta[n:]
		default:
			return nil, errors.New("reserved instruction 0")
		}
	}
	if int64(len(out)) != size {
		return nil, fmt.Errorf("result is %d bytes, delta declares %d", len(out), size)
	}
	return out, nil
}
