// Package tflite reads the structure of a TensorFlow Lite model (a
// FlatBuffer with identifier "TFL3"): its version, operator codes and
// subgraphs. Tensors are never read.
//
// Decisions:
//   - A TFLite file holds no Python code and no pickle: what it can run is
//     its operators. Builtin operators are TFLite's own kernels; a custom
//     operator (builtin code CUSTOM) runs whatever kernel the host
//     registered under its name, and a "Flex" custom operator runs the
//     TensorFlow op it names through the Flex delegate. The facts are the
//     operator codes; the policy judges them.
//   - Operator codes and metadata names are bounded by Options; the
//     FlatBuffer is read by offsets (package flatbuf), every one checked.
package tflite

import (
	"errors"
	"fmt"
	"io"

	"github.com/modelgate/modelgate/internal/parse/flatbuf"
)

// Identifier is the FlatBuffer file identifier of TFLite models.
const Identifier = "TFL3"

// BuiltinCustom is the builtin code of custom operators.
const BuiltinCustom = 32

// ErrFormat marks a file that does not follow the TFLite schema.
var ErrFormat = errors.New("invalid tflite")

// Options bounds the reading.
type Options struct {
	// MaxOperatorCodes is how many operator codes are read (default 100 000).
	MaxOperatorCodes int
	// MaxSubgraphs is how many subgraphs are counted (default 10 000).
	MaxSubgraphs int
}

// DefaultOptions returns the default bounds.
func DefaultOptions() Options { return Options{MaxOperatorCodes: 100_000, MaxSubgraphs: 10_000} }

// OperatorCode is one entry of the model's operator table.
type OperatorCode struct {
	Builtin int32
	// Custom is the name of a custom operator ("" for builtins).
	Custom  string
	Version int32
}

// Model is the structure of a TFLite file.
type Model struct {
	Version       uint32
	Description   string
	OperatorCodes []OperatorCode
	Subgraphs     int
	// Metadata are the names of the metadata entries ("min_runtime_version").
	Metadata []string
}

// Parse reads a TFLite model of size bytes from r.
func Parse(r io.ReaderAt, size int64, opt Options) (*Model, error) {
	b := flatbuf.New(r, size)
	if id := b.Identifier(); id != Identifier {
		return nil, fmt.Errorf("offset 4: identifier %q, not %q: %w", id, Identifier, ErrFormat)
	}
	root, err := b.Root()
	if err != nil {
		return nil, wrap(err)
	}
	m := &Model{}
	v, err := root.Int32(0, 0)
	if err != nil {
		return nil, wrap(err)
	}
	m.Version = uint32(v)
	if m.Description, err = root.String(3); err != nil {
		return m, wrap(err)
	}
	codes, n, err := root.Tables(1, opt.MaxOperatorCodes)
	if err == nil && n > opt.MaxOperatorCodes {
		err = fmt.Errorf("%d operator codes, over the limit of %d", n, opt.MaxOperatorCodes)
	}
	for _, c := range codes {
		oc, cerr := operatorCode(c)
		if cerr != nil {
			return m, wrap(cerr)
		}
		m.OperatorCodes = append(m.OperatorCodes, oc)
	}
	if err != nil {
		return m, wrap(err)
	}
	if _, m.Subgraphs, err = root.Vector(2, 4); err != nil {
		return m, wrap(err)
	}
	meta, _, err := root.Tables(6, opt.MaxOperatorCodes)
	for _, t := range meta {
		name, nerr := t.String(0)
		if nerr != nil {
			return m, wrap(nerr)
		}
		m.Metadata = append(m.Metadata, name)
	}
	return m, wrap(err)
}

// operatorCode reads one OperatorCode table: the builtin code is the
// larger of the deprecated byte field and the int field, as TFLite's
// GetBuiltinCode does.
func operatorCode(t flatbuf.Table) (OperatorCode, error) {
	dep, err := t.Int8(0, 0)
	if err != nil {
		return OperatorCode{}, err
	}
	custom, err := t.String(1)
	if err != nil {
		return OperatorCode{}, err
	}
	ver, err := t.Int32(2, 1)
	if err != nil {
		return OperatorCode{}, err
	}
	code, err := t.Int32(3, 0)
	if err != nil {
		return OperatorCode{}, err
	}
	return OperatorCode{Builtin: max(int32(dep), code), Custom: custom, Version: ver}, nil
}

// wrap marks a FlatBuffer error as a TFLite format error.
func wrap(err error) error {
	if err == nil || errors.Is(err, ErrFormat) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrFormat, err)
}
