package onnx

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

// Sniff reports whether head, the first bytes of a file of size bytes (-1
// when unknown), starts like a ModelProto as writers emit it, fields in
// number order: ir_version (2 to 31) then producer_name, producer_version,
// domain, model_version, doc_string, graph or opset_import, whose length
// fits in the file.
func Sniff(head []byte, size int64) bool {
	if len(head) < 4 || head[0] != 0x08 {
		return false
	}
	v, k := protowire.ConsumeVarint(head[1:])
	if k < 0 || v < 2 || v > 31 {
		return false
	}
	rest := head[1+k:]
	num, typ, t := protowire.ConsumeTag(rest)
	if t < 0 {
		return false
	}
	switch {
	case num == 5 && typ == protowire.VarintType:
		return true
	case num >= 2 && num <= 8 && num != 5 && typ == protowire.BytesType:
		n, l := protowire.ConsumeVarint(rest[t:])
		return l > 0 && (size < 0 || n <= uint64(size))
	}
	return false
}
