// Package ortadapter reads onnxruntime LoRA adapter files (.onnx_adapter:
// a FlatBuffer with identifier "TORT", written by onnxruntime's
// adapter_format): versions and parameters, each a name, dims, an ONNX
// data type and raw little-endian data. Parameter data is never read.
//
// Decisions:
//   - An adapter holds tensors only: no graph, no operators, no code. The
//     facts are what a loader would check: every parameter's byte length
//     against its dims and data type (onnxruntime refuses a mismatch, so a
//     mismatch says the file is not what it claims).
//   - Parameters are bounded by Options; every offset is checked (package
//     flatbuf).
package ortadapter

import (
	"errors"
	"fmt"
	"io"

	"github.com/modelgate/modelgate/internal/parse/flatbuf"
)

// Identifier is the FlatBuffer file identifier of onnxruntime adapters.
const Identifier = "TORT"

// ErrFormat marks a file that does not follow the adapter schema.
var ErrFormat = errors.New("invalid onnxruntime adapter")

// Options bounds the reading.
type Options struct {
	// MaxParameters is how many parameters are read (default 100 000).
	MaxParameters int
	// MaxDims is the largest rank read (default 32).
	MaxDims int
}

// DefaultOptions returns the default bounds.
func DefaultOptions() Options { return Options{MaxParameters: 100_000, MaxDims: 32} }

// Parameter is one named tensor of the adapter.
type Parameter struct {
	Name     string
	Dims     []int64
	DataType int32
	// Bytes is the length of the raw data; Offset where it starts.
	Bytes  int64
	Offset int64
}

// Adapter is the content of an adapter file.
type Adapter struct {
	FormatVersion, AdapterVersion, ModelVersion int32
	Parameters                                  []Parameter
}

// elemSize is the byte size of ONNX TensorProto data types with a fixed
// size (0 for others: strings, sub-byte types).
func elemSize(t int32) int64 {
	switch t {
	case 2, 3, 9: // uint8, int8, bool
		return 1
	case 4, 5, 10, 16: // uint16, int16, float16, bfloat16
		return 2
	case 1, 6, 12: // float, int32, uint32
		return 4
	case 7, 11, 13, 14: // int64, double, uint64, complex64
		return 8
	case 15: // complex128
		return 16
	}
	return 0
}

// Parse reads an adapter of size bytes from r.
func Parse(r io.ReaderAt, size int64, opt Options) (*Adapter, error) {
	b := flatbuf.New(r, size)
	if id := b.Identifier(); id != Identifier {
		return nil, fmt.Errorf("offset 4: identifier %q, not %q: %w", id, Identifier, ErrFormat)
	}
	root, err := b.Root()
	if err != nil {
		return nil, wrap(err)
	}
	a := &Adapter{}
	for i, v := range []*int32{&a.FormatVersion, &a.AdapterVersion, &a.ModelVersion} {
		if *v, err = root.Int32(i, 0); err != nil {
			return nil, wrap(err)
		}
	}
	params, n, err := root.Tables(3, opt.MaxParameters)
	if err == nil && n > opt.MaxParameters {
		err = fmt.Errorf("%d parameters, over the limit of %d", n, opt.MaxParameters)
	}
	for _, t := range params {
		p, perr := parameter(t, opt)
		if perr != nil {
			return a, wrap(perr)
		}
		a.Parameters = append(a.Parameters, p)
	}
	return a, wrap(err)
}

// parameter reads one Parameter table and checks its data length.
func parameter(t flatbuf.Table, opt Options) (Parameter, error) {
	var p Parameter
	var err error
	if p.Name, err = t.String(0); err != nil {
		return p, err
	}
	if p.Dims, err = t.Int64s(1, opt.MaxDims+1); err != nil {
		return p, err
	}
	if len(p.Dims) > opt.MaxDims {
		return p, fmt.Errorf("parameter %q: rank over %d", p.Name, opt.MaxDims)
	}
	if p.DataType, err = t.Int32(2, 0); err != nil {
		return p, err
	}
	start, n, err := t.Vector(3, 1)
	if err != nil {
		return p, err
	}
	p.Bytes, p.Offset = int64(n), int64(start)
	want := elemSize(p.DataType)
	for _, d := range p.Dims {
		if d < 0 || want > 0 && d > 0 && want > (1<<62)/d {
			return p, fmt.Errorf("parameter %q: dimension %d", p.Name, d)
		}
		want *= d
	}
	if elemSize(p.DataType) == 0 {
		return p, fmt.Errorf("parameter %q: data type %d has no fixed size", p.Name, p.DataType)
	}
	if want != p.Bytes {
		return p, fmt.Errorf("parameter %q: %d bytes of data for dims %v of type %d (%d expected)", p.Name, p.Bytes, p.Dims, p.DataType, want)
	}
	return p, nil
}

func wrap(err error) error {
	if err == nil || errors.Is(err, ErrFormat) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrFormat, err)
}
