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
