package tfgraph

import "github.com/modelgate/modelgate/internal/parse/protofield"

// field is one decoded protobuf field.
type field = protofield.Field

// fields decodes one message level; a field that cannot be decoded is an
// ErrFormat error.
func fields(b []byte, base int, fn func(field) error) error {
	return protofield.Walk(b, base, ErrFormat, fn)
}

// maxAttrs bounds the string attributes kept per node.
const maxAttrs = 64

// attr reads one entry of NodeDef.attr (map<string, AttrValue>: key 1,
// value 2) into n.Attrs when its value is a string (AttrValue.s, 2). A
// repeated key keeps its last value, as a protobuf map does.
func attr(n *Node, f field) error {
	key, val, isString := "", "", false
	err := fields(f.Bytes, f.Val, func(e field) error {
		switch {
		case e.Num == 1 && e.Bytes != nil:
			key = string(e.Bytes)
		case e.Num == 2 && e.Bytes != nil:
			return fields(e.Bytes, e.Val, func(v field) error {
				if v.Num == 2 && v.Bytes != nil {
					val, isString = string(v.Bytes), true
				}
				return nil
			})
		}
		return nil
	})
	if err != nil || !isString {
		return err
	}
	if n.Attrs == nil {
		n.Attrs = map[string]string{}
	}
	if _, ok := n.Attrs[key]; ok || len(n.Attrs) < maxAttrs {
		n.Attrs[key] = val
	}
	return nil
}
