// Package gguf reads the header and metadata key-values of a GGUF file
// (llama.cpp's model format) and inspects its Jinja chat templates. Tensor
// data is never read.
//
// Decisions:
//   - Versions 1 to 3, little- or big-endian (told by the version field).
//     Version 1 has 32-bit counts and lengths, later versions 64-bit.
//   - Every count and length is checked against the bytes left in the file
//     before anything is allocated; string values longer than
//     Options.MaxString and arrays are skipped without being kept (their
//     key and type are still listed).
//   - Template inspection (template.go) parses each chat template with
//     package jinja and reports the facts of its static pass; the policy
//     turns them into findings.
package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/modelgate/modelgate/internal/parse/jinja"
)

// Magic is the 4-byte GGUF magic.
const Magic = "GGUF"

// Value types of metadata.
const (
	TypeUint8 uint32 = iota
	TypeInt8
	TypeUint16
	TypeInt16
	TypeUint32
	TypeInt32
	TypeFloat32
	TypeBool
	TypeString
	TypeArray
	TypeUint64
	TypeInt64
	TypeFloat64
)

// KV is one metadata key-value.
type KV struct {
	Key  string
	Type uint32
	// String holds the value of a string that is at most MaxString bytes.
	String   string
	IsString bool
	// Skipped is the length of a string value over MaxString, not kept.
	Skipped uint64
	// KeySkipped is the length of a key over MaxKey, whose bytes were
	// skipped (Key is empty): its value is still read past, as the GGUF
	// readers of llama.cpp and gguf-py read any key.
	KeySkipped uint64
	// Offset is the byte offset of the key in the file.
	Offset int64
}

// File is the header and metadata of a GGUF file.
type File struct {
	Version     uint32
	BigEndian   bool
	TensorCount uint64
	KVs         []KV
}

// Options bounds the reading.
type Options struct {
	// MaxKVs is how many metadata key-values are read; a file with more
	// is read that far and ends in ErrLimit.
	MaxKVs uint64
	// MaxString is the longest string value kept (longer ones are skipped).
	MaxString uint64
	// MaxArrayDepth is how deeply arrays of arrays may nest; deeper is
	// ErrLimit.
	MaxArrayDepth int
	// MaxKey is the longest key kept; a longer one is skipped
	// (KV.KeySkipped) and the reading goes on.
	MaxKey uint64
	// Template bounds the parse of a chat template.
	Template jinja.Options
}

// DefaultOptions returns 100 000 key-values, 16 MiB strings, arrays nested
// 4 deep, 65 535-byte keys, and jinja.DefaultOptions for templates.
func DefaultOptions() Options {
	return Options{MaxKVs: 100_000, MaxString: 16 << 20, MaxArrayDepth: 4, MaxKey: 65535, Template: jinja.DefaultOptions()}
}

// ErrFormat marks a file that does not follow the GGUF format.
var ErrFormat = errors.New("invalid gguf")

// ErrLimit marks a file that exceeds a bound of Options before its
// metadata ends: what lies past it was not read.
var ErrLimit = errors.New("gguf bound hit")

type reader struct {
	r     *bufio.Reader
	order binary.ByteOrder
	off   int64
	size  int64
	wide  bool // 64-bit counts and lengths
	opts  Options
}

func (r *reader) errf(format string, a ...any) error {
	return fmt.Errorf("offset %d: %s: %w", r.off, fmt.Sprintf(format, a...), ErrFormat)
}

func (r *reader) bytes(n uint64) ([]byte, error) {
	if n > uint64(r.size-r.off) {
		return nil, r.errf("%d bytes past the end of the file", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r.r, b); err != nil {
		return nil, r.errf("read: %v", err)
	}
	r.off += int64(n)
	return b, nil
}

func (r *reader) skip(n uint64) error {
	if n > uint64(r.size-r.off) {
		return r.errf("%d bytes past the end of the file", n)
	}
	if _, err := r.r.Discard(int(n)); err != nil {
		return r.errf("read: %v", err)
	}
	r.off += int64(n)
	return nil
}

func (r *reader) u32() (uint32, error) {
	b, err := r.bytes(4)
	if err != nil {
		return 0, err
	}
	return r.order.Uint32(b), nil
}

func (r *reader) count() (uint64, error) {
	if !r.wide {
		n, err := r.u32()
		return uint64(n), err
	}
	b, err := r.bytes(8)
	if err != nil {
		return 0, err
	}
	return r.order.Uint64(b), nil
}

// Parse reads the header and metadata from r, which holds size bytes.
func Parse(r io.Reader, size int64, opts Options) (*File, error) {
	rd := &reader{r: bufio.NewReader(r), order: binary.LittleEndian, size: size, opts: opts, wide: true}
	head, err := rd.bytes(8)
	if err != nil {
		return nil, err
	}
	if string(head[:4]) != Magic {
		return nil, fmt.Errorf("offset 0: no GGUF magic: %w", ErrFormat)
	}
	f := &File{Version: binary.LittleEndian.Uint32(head[4:])}
	if f.Version > 0xffff {
		f.Version, f.BigEndian, rd.order = binary.BigEndian.Uint32(head[4:]), true, binary.BigEndian
	}
	if f.Version < 1 || f.Version > 3 {
		return nil, fmt.Errorf("offset 4: version %d: %w", f.Version, ErrFormat)
	}
	rd.wide = f.Version > 1
	if f.TensorCount, err = rd.count(); err != nil {
		return f, err
	}
	n, err := rd.count()
	if err != nil {
		return f, err
	}
	least := uint64(13) // length, type and a one-byte value; 9 with version 1's 32-bit lengths
	if !rd.wide {
		least = 9
	}
	if n > uint64(size)/least {
		return f, fmt.Errorf("offset %d: %d metadata key-values: %w", rd.off, n, ErrFormat)
	}
	for range min(n, opts.MaxKVs) {
		kv, err := rd.kv()
		if err != nil {
			return f, err
		}
		f.KVs = append(f.KVs, kv)
	}
	if n > opts.MaxKVs {
		return f, fmt.Errorf("offset %d: %d metadata key-values, more than %d (MaxKVs): %w", rd.off, n, opts.MaxKVs, ErrLimit)
	}
	return f, nil
}

func (r *reader) kv() (KV, error) {
	kv := KV{Offset: r.off}
	n, err := r.count()
	if err != nil {
		return kv, err
	}
	if n > r.opts.MaxKey {
		kv.KeySkipped = n
		if err := r.skip(n); err != nil {
			return kv, err
		}
	} else {
		k, err := r.bytes(n)
		if err != nil {
			return kv, err
		}
		kv.Key = string(k)
	}
	if kv.Type, err = r.u32(); err != nil {
		return kv, err
	}
	if kv.Type == TypeString {
		l, err := r.count()
		if err != nil {
			return kv, err
		}
		if l > r.opts.MaxString {
			kv.Skipped = l
			return kv, r.skip(l)
		}
		b, err := r.bytes(l)
		kv.String, kv.IsString = string(b), err == nil
		return kv, err
	}
	return kv, r.value(kv.Type, 0)
}

// value skips one value of type t.
func (r *reader) value(t uint32, depth int) error {
	if sz := scalarSize(t); sz > 0 {
		return r.skip(sz)
	}
	switch t {
	case TypeString:
		l, err := r.count()
		if err != nil {
			return err
		}
		return r.skip(l)
	case TypeArray:
		if depth >= r.opts.MaxArrayDepth {
			return fmt.Errorf("offset %d: arrays nested deeper than %d (MaxArrayDepth): %w", r.off, r.opts.MaxArrayDepth, ErrLimit)
		}
		et, err := r.u32()
		if err != nil {
			return err
		}
		n, err := r.count()
		if err != nil {
			return err
		}
		if sz := scalarSize(et); sz > 0 {
			if n > uint64(r.size)/sz {
				return r.errf("array of %d elements past the end of the file", n)
			}
			return r.skip(n * sz)
		}
		if n > uint64(r.size-r.off)/4 { // every string or array element takes 4 bytes or more
			return r.errf("array of %d elements past the end of the file", n)
		}
		for range n {
			if err := r.value(et, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return r.errf("value type %d", t)
}

func scalarSize(t uint32) uint64 {
	switch t {
	case TypeUint8, TypeInt8, TypeBool:
		return 1
	case TypeUint16, TypeInt16:
		return 2
	case TypeUint32, TypeInt32, TypeFloat32:
		return 4
	case TypeUint64, TypeInt64, TypeFloat64:
		return 8
	}
	return 0
}
