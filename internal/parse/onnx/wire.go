package onnx

import (
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/modelgate/modelgate/internal/parse/protofield"
)

// field is one decoded protobuf field.
type field = protofield.Field

// fields decodes one message level; a field that cannot be decoded is an
// ErrFormat error.
func fields(b []byte, base int, fn func(field) error) error {
	return protofield.Walk(b, base, ErrFormat, fn)
}

// Sniff reports whether head, the first bytes of a file of size bytes (-1
// when unknown), starts like a ModelProto: top-level fields in any order
// (protobuf parsers take them so), each of the wire type onnx.proto gives
// it and of a length that fits in the file, with ir_version (2 to 31)
// among them or a graph that starts like a GraphProto. Fields cut by the
// end of head are not held against it.
func Sniff(head []byte, size int64) bool {
	ir, graph, n := false, false, 0
	for b := head; len(b) > 0; n++ {
		num, typ, t := protowire.ConsumeTag(b)
		if t < 0 || !modelField(num, typ) {
			return false
		}
		if typ == protowire.VarintType {
			v, k := protowire.ConsumeVarint(b[t:])
			if k < 0 {
				break
			}
			if num == 1 {
				ir = v >= 2 && v <= 31
				if !ir {
					return false
				}
			}
			b = b[t+k:]
			continue
		}
		l, k := protowire.ConsumeVarint(b[t:])
		if k < 0 || size >= 0 && l > uint64(size) {
			return false
		}
		if num == 7 && n == 0 {
			graph = graphStart(b[t+k:])
		}
		if l > uint64(len(b)-t-k) {
			break
		}
		b = b[t+k+int(l):]
	}
	return ir && n >= 2 || graph
}

// modelField reports whether a ModelProto field of this number has this
// wire type: varints ir_version (1) and model_version (5), messages and
// strings for the rest up to 8, doc_string 6, metadata_props 14,
// training_info 20, functions 25; later numbers are taken as fields of a
// later version.
func modelField(num protowire.Number, typ protowire.Type) bool {
	switch num {
	case 1, 5:
		return typ == protowire.VarintType
	case 2, 3, 4, 6, 7, 8, 14, 20, 25:
		return typ == protowire.BytesType
	}
	return num > 8 && num < 1<<16 && (typ == protowire.VarintType || typ == protowire.BytesType)
}

// graphStart reports whether b starts with a GraphProto field of its
// wire type: node (1), name (2), initializer (5), doc_string (10),
// input (11), output (12), value_info (13), quantization_annotation (14),
// sparse_initializer (15) or metadata_props (16), all length-delimited.
func graphStart(b []byte) bool {
	num, typ, t := protowire.ConsumeTag(b)
	if t < 0 || typ != protowire.BytesType {
		return false
	}
	switch num {
	case 1, 2, 5, 10, 11, 12, 13, 14, 15, 16:
		return true
	}
	return false
}
