package formats

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/gguf"
	"github.com/modelgate/modelgate/internal/parse/jinja"
	"github.com/modelgate/modelgate/internal/parse/protofield"
	"github.com/modelgate/modelgate/internal/parse/pyjson"
	"github.com/modelgate/modelgate/internal/parse/zipread"
	"github.com/modelgate/modelgate/policy"
	"github.com/modelgate/modelgate/scan"
)

// reportIrregular names the places where a protobuf model departs from
// protoc's layout (fields out of ascending order, a singular message split
// in parts): the loader's parser reads them, a reader that assumed
// protoc's output would not, so each is a trick (policy.Trick) of its own.
func reportIrregular(s *scan.Session, in *scan.Input, irr []protofield.Irregular) {
	for _, x := range irr {
		kind := policy.TrickFieldOrder
		switch {
		case x.Split:
			kind = policy.TrickSplitMessage
		case x.Unknown:
			kind = policy.TrickUnknownField
		}
		s.Trick(in, policy.Trick{Kind: kind, Detail: x.What, Offset: int64(x.Off)})
	}
}

// xzFilterNames names the filters of the first block's chain in head.
var xzFilterNames = map[uint64]string{xzDelta: "delta", xzX86: "x86", xzPowerPC: "PowerPC", xzIA64: "IA-64",
	xzARM: "ARM", xzARMThumb: "ARM-Thumb", xzSPARC: "SPARC", xzARM64: "ARM64", xzLZMA2: "LZMA2"}

// compressedTricks names what the head of a compressed stream shows that
// Python reads and a stricter reader refuses: a gzip header whose CRC16
// is wrong (Python's _GzipReader skips it, Go's compress/gzip refuses the
// stream), an xz block with filters before LZMA2 (liblzma decodes them,
// the xz package refuses them). Only the first member or block is seen
// here; the reading itself covers every one.
func compressedTricks(s *scan.Session, in *scan.Input, c compressed) {
	switch c {
	case gzipStream:
		if len(in.Head) > 3 && in.Head[3]&0xe0 != 0 {
			s.Trick(in, policy.Trick{Kind: policy.TrickGzipHeader, Offset: 3, Detail: fmt.Sprintf(
				"gzip header flags %#02x at offset 3 set reserved bits: Python's gzip ignores them, Go's compress/gzip refuses the stream", in.Head[3])})
		}
		if off, stored, want, ok := gzipHeaderCRC(in.Head); ok && stored != want {
			s.Trick(in, policy.Trick{Kind: policy.TrickGzipHeader, Offset: off, Detail: fmt.Sprintf(
				"gzip header CRC16 at offset %d is %#04x, the header's is %#04x: Python's gzip skips it unchecked, "+
					"Go's compress/gzip refuses the stream", off, stored, want)})
		}
	case xzStream:
		if !xzNeedsFilters(in.Head) {
			return
		}
		size := (int(in.Head[12]) + 1) * 4
		fs, _ := xzBlockFilters(in.Head[12 : 12+size])
		var names []string
		for _, f := range fs {
			n, ok := xzFilterNames[f.id]
			if !ok {
				n = fmt.Sprintf("%#x", f.id)
			}
			names = append(names, n)
		}
		s.Trick(in, policy.Trick{Kind: policy.TrickXZFilters, Offset: 12, Detail: fmt.Sprintf(
			"xz block at offset 12 chains the filters %s: liblzma (Python's lzma, joblib) decodes them, "+
				"readers that know LZMA2 alone refuse the stream", strings.Join(names, ", "))})
	}
}

// gzipHeaderCRC returns the offset and value of the header CRC16 of the
// gzip member at the start of head and the CRC16 its header bytes have
// (the low half of their CRC-32, RFC 1952); ok is false when the header
// has no FHCRC or does not fit in head.
func gzipHeaderCRC(h []byte) (off int64, stored, want uint16, ok bool) {
	if len(h) < 10 || h[3]&gzipFHCRC == 0 {
		return 0, 0, 0, false
	}
	p := 10
	if h[3]&gzipFEXTRA != 0 {
		if len(h) < p+2 {
			return 0, 0, 0, false
		}
		p += 2 + int(binary.LittleEndian.Uint16(h[p:]))
	}
	for _, f := range []byte{gzipFNAME, gzipFCOMMENT} {
		if h[3]&f == 0 || p >= len(h) {
			continue
		}
		end := bytes.IndexByte(h[p:], 0)
		if end < 0 {
			return 0, 0, 0, false
		}
		p += end + 1
	}
	if p+2 > len(h) {
		return 0, 0, 0, false
	}
	return int64(p), binary.LittleEndian.Uint16(h[p:]), uint16(crc32.ChecksumIEEE(h[:p])), true
}

// kerasArchiveTricks names what a .keras archive does that Keras accepts
// and a reader of what Keras writes may not: no metadata.json (Keras
// writes it and never reads it), several members named config.json.
func kerasArchiveTricks(s *scan.Session, in *scan.Input, a *zipread.Archive) {
	meta, configs := false, 0
	for i := range a.Members {
		meta = meta || pyZipName(a.Members[i].Name) == "metadata.json"
		if pyZipName(a.Members[i].Name) == "config.json" {
			configs++
		}
	}
	if configs > 1 {
		s.Trick(in, policy.Trick{Kind: policy.TrickZipName, Offset: -1, Detail: fmt.Sprintf(
			"%d zip members named config.json: Python's zipfile opens the last, a reader that takes the first sees another config", configs)})
	}
	if !meta {
		s.Trick(in, policy.Trick{Kind: policy.TrickKerasNoMeta, Offset: -1, Detail: ".keras archive without metadata.json: " +
			"Keras writes it but reads only config.json, so the archive loads; a reader that requires metadata.json takes it for a plain zip"})
	}
}

// jsonEncodingTrick names a config.json that is not UTF-8 without a BOM,
// as Keras writes it: Python's json.loads detects UTF-16 and UTF-32 (by
// BOM or by the NULs of the first bytes) and skips a UTF-8 BOM
// (pyjson.Encoding), where a reader of UTF-8 alone finds no JSON.
func jsonEncodingTrick(s *scan.Session, in *scan.Input, b []byte) {
	enc := pyjson.Encoding(b)
	if enc == "utf-8" {
		return
	}
	s.Trick(in, policy.Trick{Kind: policy.TrickJSONEncoding, Offset: 0, Detail: "config.json is encoded as " + enc +
		": Python's json.loads detects the encoding, a reader of UTF-8 alone finds no JSON"})
}

// templateTricks names a chat template whose tags close brackets with
// what also ends a tag ("}}" of a nested dict literal): Jinja reads on,
// a reader that cuts the tag there misses what follows.
func templateTricks(s *scan.Session, in *scan.Input, kv gguf.KV) {
	ends := jinja.InnerEnds(kv.String, s.Limits().GGUF.Template)
	if len(ends) == 0 {
		return
	}
	s.Trick(in, policy.Trick{Kind: policy.TrickTemplateEnd, Offset: kv.Offset, Key: kv.Key, Detail: fmt.Sprintf(
		"chat template %s closes brackets inside a tag with a tag end at offset %d of the template: Jinja's lexer balances "+
			"brackets and reads on, a reader that ends the tag there takes the rest for printed text", finding.Quote(kv.Key, 200), ends[0])})
}

// zipMethodTricks names the members compressed with bzip2 or LZMA:
// Python's zipfile (numpy.load, Keras) reads them, miniz and readers of
// deflate alone do not.
func zipMethodTricks(s *scan.Session, in *scan.Input, a *zipread.Archive) {
	for i := range a.Members {
		m := &a.Members[i]
		if m.Method != zipread.Bzip2 && m.Method != zipLZMA {
			continue
		}
		bare := &scan.Input{Chain: in.Child(m.Name), Name: m.Name, Size: m.Size, Depth: in.Depth + 1}
		s.Trick(bare, policy.Trick{Kind: policy.TrickZipMethod, Offset: -1, Detail: fmt.Sprintf(
			"zip member %s is compressed with method %d (%s): Python's zipfile (numpy.load, Keras) reads it, "+
				"miniz (torch.load) and readers of deflate alone do not", finding.Quote(m.Name, 200), m.Method, zipMethodName(m.Method))})
	}
}
