package tfgraph

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// field is one decoded protobuf field: bytes for length-delimited fields,
// the number for varints and fixed-size fields.
type field struct {
	num   protowire.Number
	typ   protowire.Type
	bytes []byte
	n     uint64
	off   int // offset of the tag
	val   int // offset of the bytes of a length-delimited field
}

// fields decodes one message level. Groups are rejected: TensorFlow's
// protos are proto3 and do not use them.
func fields(b []byte, base int, fn func(field) error) error {
	for p := 0; p < len(b); {
		num, typ, n := protowire.ConsumeTag(b[p:])
		if n < 0 {
			return fmt.Errorf("offset %d: bad tag: %v: %w", base+p, protowire.ParseError(n), ErrFormat)
		}
		f := field{num: num, typ: typ, off: base + p}
		p += n
		switch typ {
		case protowire.VarintType:
			f.n, n = protowire.ConsumeVarint(b[p:])
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b[p:])
			f.n = uint64(v)
		case protowire.Fixed64Type:
			f.n, n = protowire.ConsumeFixed64(b[p:])
		case protowire.BytesType:
			f.bytes, n = protowire.ConsumeBytes(b[p:])
			f.val = base + p + n - len(f.bytes)
		default:
			return fmt.Errorf("offset %d: wire type %d not used by these messages: %w", f.off, typ, ErrFormat)
		}
		if n < 0 {
			return fmt.Errorf("offset %d: field %d: %v: %w", f.off, num, protowire.ParseError(n), ErrFormat)
		}
		if err := fn(f); err != nil {
			return err
		}
		p += n
	}
	return nil
}
