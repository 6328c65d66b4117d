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
// value 2) into n.Attrs when its value is a string (AttrValue.s, 2) or a
// tensor with strings (AttrValue.tensor 8, TensorProto.string_val 8, the
// first kept), and into n.Calls when it names functions (AttrValue.func
// 10, NameAttrList.name 1; AttrValue.list 1, ListValue.func 9). A repeated
// key keeps its last value, as a protobuf map does.
func attr(n *Node, f field) error {
	key, val, isString := "", "", false
	err := fields(f.Bytes, f.Val, func(e field) error {
		switch {
		case e.Num == 1 && e.Bytes != nil:
			key = string(e.Bytes)
		case e.Num == 2 && e.Bytes != nil:
			return fields(e.Bytes, e.Val, func(v field) error {
				switch {
				case v.Num == 2 && v.Bytes != nil:
					val, isString = string(v.Bytes), true
				case v.Num == 8 && v.Bytes != nil && !isString:
					val, isString = firstString(v)
				case v.Num == 10 && v.Bytes != nil:
					return funcName(n, v)
				case v.Num == 1 && v.Bytes != nil:
					return fields(v.Bytes, v.Val, func(l field) error {
						if l.Num == 9 && l.Bytes != nil {
							return funcName(n, l)
						}
						return nil
					})
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

// firstString returns the first string_val (8) of a TensorProto.
func firstString(t field) (val string, ok bool) {
	_ = fields(t.Bytes, t.Val, func(f field) error {
		if f.Num == 8 && f.Bytes != nil && !ok {
			val, ok = string(f.Bytes), true
		}
		return nil
	})
	return val, ok
}

// funcName adds the name of a NameAttrList (name 1) to n.Calls.
func funcName(n *Node, l field) error {
	return fields(l.Bytes, l.Val, func(f field) error {
		if f.Num == 1 && f.Bytes != nil {
			n.Calls = append(n.Calls, string(f.Bytes))
		}
		return nil
	})
}
