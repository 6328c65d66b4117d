package tfgraph

import (
	"bytes"
	"fmt"
)

// KerasObject is one Keras object of a SavedModel's keras_metadata.pb.
type KerasObject struct {
	// Path is the object's path from the root, e.g. "root.layer-2".
	Path string
	// Identifier says how Keras loads it, e.g. "_tf_keras_layer".
	Identifier string
	// Metadata is the JSON of the object's Keras config.
	Metadata string
}

// kerasPrefix starts every identifier Keras writes.
const kerasPrefix = "_tf_keras_"

// SniffKerasMetadata reports whether head starts like keras_metadata.pb:
// a SavedMetadata (nodes=1) whose first bytes hold a Keras identifier.
// Field numbers, from keras/protobuf/saved_metadata.proto:
// SavedMetadata{nodes=1}; SavedObject{version=1, node_id=2, node_path=3,
// identifier=4, metadata=5}.
func SniffKerasMetadata(head []byte) bool {
	return len(head) > 2 && head[0] == 0x0a && bytes.Contains(head, []byte(kerasPrefix))
}

// KerasMetadata reads keras_metadata.pb. Every node must have only the
// fields of SavedObject, with their wire types, and at least one a Keras
// identifier.
func KerasMetadata(b []byte) ([]KerasObject, error) {
	var out []KerasObject
	keras := false
	err := fields(b, 0, func(f field) error {
		if f.Num != 1 || f.Bytes == nil {
			return fmt.Errorf("offset %d: field %d in a SavedMetadata: %w", f.Off, f.Num, ErrFormat)
		}
		var o KerasObject
		err := fields(f.Bytes, f.Val, func(g field) error {
			switch {
			case g.Num == 1 && g.Bytes != nil, g.Num == 2 && g.Typ == 0:
			case g.Num == 3 && g.Bytes != nil:
				o.Path = string(g.Bytes)
			case g.Num == 4 && g.Bytes != nil:
				o.Identifier = string(g.Bytes)
			case g.Num == 5 && g.Bytes != nil:
				o.Metadata = string(g.Bytes)
			default:
				return fmt.Errorf("offset %d: field %d in a SavedObject: %w", g.Off, g.Num, ErrFormat)
			}
			return nil
		})
		keras = keras || bytes.HasPrefix([]byte(o.Identifier), []byte(kerasPrefix))
		out = append(out, o)
		return err
	})
	if err == nil && !keras {
		err = fmt.Errorf("no Keras object: %w", ErrFormat)
	}
	return out, err
}
