// Package protofield walks the fields of one level of a protobuf message
// in the wire format, for the parsers of protobuf model formats (ONNX
// models, TensorFlow graphs and Keras metadata).
//
// Decisions:
//   - One level at a time: the caller decides which length-delimited
//     fields are messages and walks them with their offset, so that every
//     error and every field carries its byte offset in the file.
//   - Groups (wire types 3 and 4) are rejected: the messages read with it
//     (ONNX's, TensorFlow's proto3 ones) do not use them.
//   - Errors wrap the sentinel the caller passes, so that each format keeps
//     its own "not this format" error.
package protofield

import (
	"fmt"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field is one decoded protobuf field: bytes for length-delimited fields,
// the number for varints and fixed-size fields.
type Field struct {
	Num   protowire.Number
	Typ   protowire.Type
	Bytes []byte // the content of a length-delimited field, else nil
	N     uint64 // the value of a varint or fixed-size field
	Off   int    // offset of the tag
	Val   int    // offset of the bytes of a length-delimited field
}

// Walk decodes one message level, b, which starts at offset base, and
// calls fn for each field in order, stopping at the first error. A field
// that cannot be decoded is an error wrapping malformed.
func Walk(b []byte, base int, malformed error, fn func(Field) error) error {
	for p := 0; p < len(b); {
		num, typ, n := protowire.ConsumeTag(b[p:])
		if n < 0 {
			return fmt.Errorf("offset %d: bad tag: %v: %w", base+p, protowire.ParseError(n), malformed)
		}
		f := Field{Num: num, Typ: typ, Off: base + p}
		p += n
		switch typ {
		case protowire.VarintType:
			f.N, n = protowire.ConsumeVarint(b[p:])
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b[p:])
			f.N = uint64(v)
		case protowire.Fixed64Type:
			f.N, n = protowire.ConsumeFixed64(b[p:])
		case protowire.BytesType:
			f.Bytes, n = protowire.ConsumeBytes(b[p:])
			f.Val = base + p + n - len(f.Bytes)
		default:
			return fmt.Errorf("offset %d: wire type %d not used by these messages: %w", f.Off, typ, malformed)
		}
		if n < 0 {
			return fmt.Errorf("offset %d: field %d: %v: %w", f.Off, num, protowire.ParseError(n), malformed)
		}
		if err := fn(f); err != nil {
			return err
		}
		p += n
	}
	return nil
}

// Irregular is a place where a message departs from how protoc writes it
// although every protobuf parser reads it: a fact for the formats to
// report, so that a layout meant to pass a reader that assumed protoc's
// output is named.
type Irregular struct {
	Off  int    // offset of the field's tag
	What string // e.g. "ModelProto field 1 after field 7"
	// Split is set for a singular field given again, Unknown for a field
	// the schema does not name (every parser skips it); else the field
	// came after one of a higher number.
	Split   bool
	Unknown bool
}

// Order follows the fields of one message level, in the order Walk hands
// them out, and notes where they depart from protoc's output: protoc
// writes fields in ascending number order and a singular message once.
// Parsers merge a repeated singular message and take fields in any order.
type Order struct {
	// Message names the message in Irregular.What, e.g. "ModelProto".
	Message string
	last    protowire.Number
	seen    []protowire.Number // singular fields met
}

// Note records f and returns the departure it makes, if any. singular
// says the schema gives f's number a single value (so a second one is a
// message split in parts, or a value given twice).
func (o *Order) Note(f Field, singular bool) *Irregular {
	last := o.last
	o.last = f.Num
	if singular {
		// The schema's singular fields are few: seen stays small.
		if slices.Contains(o.seen, f.Num) {
			return &Irregular{Off: f.Off, What: fmt.Sprintf("%s field %d given again at offset %d (split in parts, merged by the parser)", o.Message, f.Num, f.Off), Split: true}
		}
		o.seen = append(o.seen, f.Num)
	}
	if f.Num < last {
		return &Irregular{Off: f.Off, What: fmt.Sprintf("%s field %d after field %d at offset %d (protoc writes fields in ascending order)", o.Message, f.Num, last, f.Off)}
	}
	return nil
}
