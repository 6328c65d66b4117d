// Package safetensors validates the header of a safetensors file and
// looks for signs that the file is also another format (a polyglot). It
// reads the header and a few bytes at the start of the data region and at
// the end of the file, never the tensors.
//
// Decisions:
//   - Checked as the reference loader would: an 8-byte little-endian
//     header length within the file and at most Options.MaxHeader; a JSON
//     object without duplicate keys; every tensor with a known dtype, a
//     shape whose byte size matches its data_offsets, offsets in bounds,
//     sorted, contiguous from 0 and ending exactly at the end of the file;
//     __metadata__ a map of strings to strings.
//   - A polyglot is a file whose data region, or the bytes after its
//     header JSON, start with a pickle (PROTO opcode) or zip local header,
//     or that ends with a zip end record: a loader of the other format
//     would read it. Where the other content starts is reported for the
//     caller to scan. When the only signs are pickle starts inside the
//     file (Report.Unread), no loader reads from there: the caller decides
//     by what the content does.
//   - Recognised by the start of the header JSON whatever the declared
//     length: a length beyond the file is a malformed file to report.
//   - Problems are facts: the caller decides their severity.
package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/bits"
	"sort"
)

// Options bounds the reading.
type Options struct {
	// MaxHeader is the largest header accepted, in bytes.
	MaxHeader int64
	// MaxTensors is how many tensors are checked.
	MaxTensors int
}

// DefaultOptions returns a 100 MB header and 1 000 000 tensors.
func DefaultOptions() Options { return Options{MaxHeader: 100_000_000, MaxTensors: 1_000_000} }

// Report is what the checks found.
type Report struct {
	// HeaderSize is the length of the JSON header; the data region starts
	// at 8 + HeaderSize.
	HeaderSize int64
	Tensors    int
	// Malformed lists how the file breaks the format.
	Malformed []string
	// Polyglot lists the other formats the file also looks like.
	Polyglot []string
	// Embedded lists the offsets where the content of another format
	// starts (the data region, or bytes after the header JSON): the
	// caller scans the file from there as an input of its own.
	Embedded []int64
	// Unread is set when every sign of another format is a pickle start
	// inside the file (in the data region or after the header JSON): no
	// loader reads a file from there, so the file is only another format
	// if what is there does something when scanned (tensor bytes, such as
	// float16 data, may start like a pickle by chance).
	Unread bool
}

// dtypeBits is the size of each dtype in bits.
var dtypeBits = map[string]uint64{
	"BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8,
	"I16": 16, "U16": 16, "F16": 16, "BF16": 16,
	"I32": 32, "U32": 32, "F32": 32, "C64": 64,
	"F64": 64, "I64": 64, "U64": 64, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
}

// Sniff reports whether head looks like the start of a safetensors file:
// a header length followed by a JSON object whose first token (after JSON
// white space) is a key or its end. The length is not checked against the
// file: a length beyond the file or the limit is reported by Check as a
// malformed file.
func Sniff(head []byte, size int64) bool {
	if len(head) < 10 || head[8] != '{' {
		return false
	}
	rest := bytes.TrimLeft(head[9:], jsonSpace)
	if len(rest) == 0 || rest[0] != '"' && rest[0] != '}' {
		return false
	}
	return binary.LittleEndian.Uint64(head) >= 2
}

// jsonSpace is the white space JSON allows between tokens.
const jsonSpace = " \t\r\n"

type tensor struct {
	Dtype   string  `json:"dtype"`
	Shape   []int64 `json:"shape"`
	Offsets []int64 `json:"data_offsets"`
}

// Check validates the file r of size bytes.
func Check(r io.ReaderAt, size int64, opts Options) (*Report, error) {
	rep := &Report{}
	bad := func(format string, a ...any) { rep.Malformed = append(rep.Malformed, fmt.Sprintf(format, a...)) }
	if size < 10 {
		bad("file of %d bytes is too short", size)
		return rep, nil
	}
	var lb [8]byte
	if _, err := r.ReadAt(lb[:], 0); err != nil {
		return nil, fmt.Errorf("read header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(lb[:])
	if n > uint64(size-8) || int64(n) > opts.MaxHeader {
		bad("header length %d over the file (%d bytes) or the limit (%d)", n, size, opts.MaxHeader)
		if rep.Polyglot = tail(r, size, rep.Polyglot); len(rep.Polyglot) > 0 {
			rep.Embedded = append(rep.Embedded, 8)
		}
		return rep, nil
	}
	rep.HeaderSize = int64(n)
	hdr := make([]byte, n)
	if _, err := r.ReadAt(hdr, 8); err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	dataStart := 8 + int64(n)
	tensors, trail, err := decode(hdr, bad)
	what, paddedZip := otherFormat(trail, size-8-int64(n)+int64(len(trail)))
	if what != "" {
		at := 8 + int64(n) - int64(len(trail))
		rep.Polyglot = append(rep.Polyglot, fmt.Sprintf("header padded at offset %d with %s", at, what))
		rep.Embedded = append(rep.Embedded, at)
	}
	if err == nil {
		rep.Tensors = len(tensors)
		if len(tensors) > opts.MaxTensors {
			bad("%d tensors, over the limit of %d: not checked", len(tensors), opts.MaxTensors)
		} else {
			checkTensors(tensors, size-dataStart, bad)
		}
	}
	k := len(rep.Polyglot)
	var dataZip bool
	rep.Polyglot, dataZip = sniffData(r, dataStart, size, rep.Polyglot)
	pickles := len(rep.Polyglot)
	rep.Polyglot = tail(r, size, rep.Polyglot)
	if len(rep.Polyglot) > k {
		rep.Embedded = append(rep.Embedded, dataStart)
	}
	rep.Unread = len(rep.Polyglot) > 0 && len(rep.Polyglot) == pickles && !dataZip && !paddedZip
	return rep, nil
}

// decode reads the header JSON, reporting duplicate keys and a malformed
// __metadata__, and returns the tensors by name and the bytes after the
// JSON that are not white space.
func decode(hdr []byte, bad func(string, ...any)) (map[string]tensor, []byte, error) {
	dec := json.NewDecoder(bytes.NewReader(hdr))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		bad("header is not a JSON object")
		return nil, nil, fmt.Errorf("header")
	}
	out := map[string]tensor{}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			bad("header JSON: %v", err)
			return nil, nil, err
		}
		key, _ := t.(string)
		if seen[key] {
			bad("duplicate key %q: loaders disagree on which one counts", key)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			bad("header JSON: %v", err)
			return nil, nil, err
		}
		if key == "__metadata__" {
			var m map[string]string
			if err := json.Unmarshal(raw, &m); err != nil {
				bad("__metadata__ is not a map of strings: %v", err)
			}
			continue
		}
		var tn tensor
		if err := json.Unmarshal(raw, &tn); err != nil {
			bad("tensor %q: %v", key, err)
			continue
		}
		out[key] = tn
	}
	if _, err := dec.Token(); err != nil {
		bad("header JSON: %v", err)
		return out, nil, nil
	}
	rest := bytes.TrimLeft(hdr[dec.InputOffset():], jsonSpace)
	if len(rest) > 0 {
		bad("%d bytes after the header JSON", len(rest))
	}
	return out, rest, nil
}

// checkTensors checks dtypes, shapes and offsets against a data region of
// dataLen bytes.
func checkTensors(ts map[string]tensor, dataLen int64, bad func(string, ...any)) {
	names := make([]string, 0, len(ts))
	for k := range ts {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := ts[names[i]].Offsets, ts[names[j]].Offsets
		if len(a) == 2 && len(b) == 2 && a[0] != b[0] {
			return a[0] < b[0]
		}
		return names[i] < names[j]
	})
	end := int64(0)
	for _, name := range names {
		t := ts[name]
		if len(t.Offsets) != 2 || t.Offsets[0] < 0 || t.Offsets[1] < t.Offsets[0] || t.Offsets[1] > dataLen {
			bad("tensor %q: data_offsets %v outside the data region (%d bytes)", name, t.Offsets, dataLen)
			continue
		}
		if t.Offsets[0] != end {
			bad("tensor %q starts at %d, not at %d: data not contiguous or overlapping", name, t.Offsets[0], end)
		}
		end = t.Offsets[1]
		b, ok := dtypeBits[t.Dtype]
		if !ok {
			bad("tensor %q: unknown dtype %q", name, t.Dtype)
			continue
		}
		count, over := uint64(1), false
		for _, d := range t.Shape {
			if d < 0 {
				over = true
				break
			}
			hi, lo := bits.Mul64(count, uint64(d))
			over = over || hi != 0
			count = lo
		}
		hi, total := bits.Mul64(count, b)
		if over || hi != 0 || total%8 != 0 || total/8 != uint64(t.Offsets[1]-t.Offsets[0]) {
			bad("tensor %q: shape %v of %s does not match its %d bytes", name, t.Shape, t.Dtype, t.Offsets[1]-t.Offsets[0])
		}
	}
	if end != dataLen {
		bad("tensors end at %d but the data region has %d bytes", end, dataLen)
	}
}

// sniffData looks at the first bytes of the data region; isZip reports a
// zip local header there.
func sniffData(r io.ReaderAt, off, size int64, out []string) (_ []string, isZip bool) {
	var b [11]byte
	if size-off < int64(len(b)) {
		return out, false
	}
	if _, err := r.ReadAt(b[:], off); err != nil {
		return out, false
	}
	what, isZip := otherFormat(b[:], size-off)
	if what != "" {
		out = append(out, fmt.Sprintf("data region at offset %d starts with %s", off, what))
	}
	return out, isZip
}

// otherFormat names the format b starts with, "" for none: a pickle
// (PROTO then FRAME, for protocols 4 and 5, or a first opcode pickle
// writers emit, for protocols 2 and 3, so that tensor bytes that merely
// start with 0x80 are not taken for a pickle) or a zip local header. avail
// is how many bytes follow from the start of b; isZip reports a zip.
func otherFormat(b []byte, avail int64) (what string, isZip bool) {
	if len(b) < 4 {
		return "", false
	}
	frame := len(b) >= 11 && b[2] == 0x95 && binary.LittleEndian.Uint64(b[3:]) <= uint64(avail)
	switch {
	case b[0] == 0x80 && b[1] >= 2 && b[1] <= 5 && (frame || bytes.IndexByte([]byte("}](cq\x8c"), b[2]) >= 0):
		return fmt.Sprintf("a pickle PROTO %d opcode", b[1]), false
	case string(b[:4]) == "PK\x03\x04":
		return "a zip local file header", true
	}
	return "", false
}

// tail looks for a zip end of central directory record in the last bytes.
func tail(r io.ReaderAt, size int64, out []string) []string {
	n := min(size, 1024)
	b := make([]byte, n)
	if _, err := r.ReadAt(b, size-n); err != nil && err != io.EOF {
		return out
	}
	if i := bytes.LastIndex(b, []byte("PK\x05\x06")); i >= 0 && int64(len(b)-i) >= 22 {
		out = append(out, fmt.Sprintf("zip end of central directory record at offset %d", size-n+int64(i)))
	}
	return out
}
