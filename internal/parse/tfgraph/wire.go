package tfgraph

import "github.com/modelgate/modelgate/internal/parse/protofield"

// field is one decoded protobuf field.
type field = protofield.Field

// fields decodes one message level; a field that cannot be decoded is an
// ErrFormat error.
func fields(b []byte, base int, fn func(field) error) error {
	return protofield.Walk(b, base, ErrFormat, fn)
}
