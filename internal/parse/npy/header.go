package npy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"
)

// Magic starts every .npy file.
const Magic = "\x93NUMPY"

// ErrNotNpy is returned when the input does not start with Magic.
var ErrNotNpy = errors.New("not an npy file")

// ErrHeaderSize is returned when the declared header is over
// Options.MaxHeaderBytes.
var ErrHeaderSize = errors.New("npy header over the size bound")

// Options bounds the parsing of a header.
type Options struct {
	// MaxHeaderBytes is the largest header read. Default 1 MiB (numpy
	// writes a few hundred bytes; it refuses more than 10,000 unless
	// pickles are allowed).
	MaxHeaderBytes int
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options { return Options{MaxHeaderBytes: 1 << 20} }

// Header is a parsed .npy header.
type Header struct {
	Major, Minor byte
	// DataOffset is where the array data (or the pickle) starts.
	DataOffset int64
	// Descr is the dtype as written, rendered for messages.
	Descr string
	// Object is set when the dtype holds Python objects: the data is then
	// a pickle of the array.
	Object bool
	// Unknown is set when a dtype string is none this package knows.
	Unknown      bool
	FortranOrder bool
	Shape        []int64
	// ItemSize is the bytes per element of a plain type string ("<f8",
	// "|S5", "<U3"), 0 when the dtype is anything else.
	ItemSize int64
}

// DataSize returns the bytes of array data the header declares, and false
// when it cannot tell (objects, structured dtypes) or the size overflows.
func (h *Header) DataSize() (int64, bool) {
	if h.Object || h.ItemSize <= 0 {
		return 0, false
	}
	n := h.ItemSize
	for _, d := range h.Shape {
		if d != 0 && n > math.MaxInt64/d {
			return 0, false
		}
		n *= d
	}
	return n, true
}

// ErrHeaderParse marks a header that was read whole but that this package
// cannot tell numpy refuses: text its literal parser does not follow
// (ast.literal_eval takes comments, implicit string concatenation, line
// continuations), or a shape numpy's loose check accepts (a bool, a
// negative int). ReadHeader then also returns a Header with only the
// version and DataOffset set.
var ErrHeaderParse = errors.New("header not understood")

// ReadHeader reads the magic, version and header from r. With an error
// wrapping ErrHeaderParse it returns the version and DataOffset too.
func ReadHeader(r io.Reader, opts Options) (*Header, error) {
	if opts.MaxHeaderBytes <= 0 {
		opts.MaxHeaderBytes = DefaultOptions().MaxHeaderBytes
	}
	pre := make([]byte, 8)
	if n, err := io.ReadFull(r, pre); err != nil {
		if n < len(Magic) || string(pre[:len(Magic)]) != Magic {
			return nil, ErrNotNpy
		}
		return nil, fmt.Errorf("read npy version at offset 6: %w", err)
	}
	if string(pre[:len(Magic)]) != Magic {
		return nil, ErrNotNpy
	}
	h := &Header{Major: pre[6], Minor: pre[7]}
	var lenSize int
	switch {
	case h.Major == 1 && h.Minor == 0:
		lenSize = 2
	case (h.Major == 2 || h.Major == 3) && h.Minor == 0:
		lenSize = 4
	default:
		return nil, fmt.Errorf("npy version %d.%d at offset 6: numpy reads only 1.0, 2.0 and 3.0", h.Major, h.Minor)
	}
	lb := make([]byte, 4)
	if _, err := io.ReadFull(r, lb[:lenSize]); err != nil {
		return nil, fmt.Errorf("read npy header length at offset 8: %w", err)
	}
	n := int64(binary.LittleEndian.Uint32(lb))
	if n > int64(opts.MaxHeaderBytes) {
		return nil, fmt.Errorf("header of %d bytes at offset %d: %w", n, 8+lenSize, ErrHeaderSize)
	}
	text := make([]byte, n)
	if _, err := io.ReadFull(r, text); err != nil {
		return nil, fmt.Errorf("read npy header of %d bytes at offset %d: %w", n, 8+lenSize, err)
	}
	h.DataOffset = int64(8+lenSize) + n
	if err := h.parse(text); err != nil {
		err = fmt.Errorf("npy header at offset %d: %w", 8+lenSize, err)
		if errors.Is(err, ErrHeaderParse) {
			// The caller may still want to know where numpy would read
			// the data, should it accept the header.
			return &Header{Major: h.Major, Minor: h.Minor, DataOffset: h.DataOffset}, err
		}
		return nil, err
	}
	return h, nil
}

func (h *Header) parse(text []byte) error {
	var s string
	if h.Major >= 3 {
		if !utf8.Valid(text) {
			return errors.New("header is not utf-8")
		}
		s = string(text)
	} else {
		s = latin1(text)
	}
	v, err := parseLiteral(s, h.Major < 3)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrHeaderParse, err)
	}
	if v.Kind != Dict {
		return errors.New("header is not a dict")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(v.Items); i += 2 {
		k, val := v.Items[i], v.Items[i+1]
		if k.Kind != Str {
			return errors.New("header has a key that is not a string")
		}
		seen[k.Str] = true
		switch k.Str {
		case "descr":
			h.Descr = render(val, 200)
			h.Object, h.Unknown = descrKind(val, 0)
			h.ItemSize = itemSize(val)
		case "fortran_order":
			if val.Kind != Bool {
				return fmt.Errorf("fortran_order is not a bool: %s", render(val, 40))
			}
			h.FortranOrder = val.Bool
		case "shape":
			if err := h.shape(val); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unexpected header key %q", k.Str)
		}
	}
	if len(seen) != 3 {
		return errors.New("header lacks one of descr, fortran_order and shape")
	}
	return nil
}

func (h *Header) shape(v Value) error {
	if v.Kind != Tuple {
		return fmt.Errorf("shape is not a tuple: %s", render(v, 40))
	}
	h.Shape = make([]int64, 0, len(v.Items))
	for _, d := range v.Items {
		if d.Kind == Bool || (d.Kind == Int && d.Int < 0) {
			// isinstance(True, int) holds, and numpy checks no sign.
			return fmt.Errorf("%w: shape has a dimension that is not a non-negative int: %s", ErrHeaderParse, render(d, 40))
		}
		if d.Kind != Int {
			return fmt.Errorf("shape has a dimension that is not a non-negative int: %s", render(d, 40))
		}
		h.Shape = append(h.Shape, d.Int)
	}
	return nil
}

func latin1(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}
