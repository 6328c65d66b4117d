package pickle

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// decoder names a callable that turns a literal into bytes.
type decoder uint8

const (
	decBase64 decoder = iota + 1
	decURLBase64
	decBase32
	decHex
	decEncode // str.encode / codecs.encode(str, encoding) / bytes(str, encoding)
	decCodecs // codecs.decode(x, encoding): base64 and hex codecs
)

// decoders are the callables whose literal arguments the reader decodes,
// so that a pickle hidden in base64 or hex still reaches its loader.
var decoders = map[Global]decoder{
	{"base64", "b64decode"}: decBase64, {"base64", "decodebytes"}: decBase64,
	{"base64", "standard_b64decode"}: decBase64, {"base64", "decodestring"}: decBase64,
	{"binascii", "a2b_base64"}: decBase64, {"base64", "urlsafe_b64decode"}: decURLBase64,
	{"base64", "b32decode"}: decBase32, {"base64", "b16decode"}: decHex,
	{"binascii", "unhexlify"}: decHex, {"binascii", "a2b_hex"}: decHex,
	{"builtins", "bytes.fromhex"}: decHex, {"builtins", "bytearray.fromhex"}: decHex,
	{"_codecs", "encode"}: decEncode, {"codecs", "encode"}: decEncode,
	{"builtins", "bytes"}: decEncode, {"builtins", "bytearray"}: decEncode,
	{"builtins", "str.encode"}: decEncode,
	{"codecs", "decode"}:       decCodecs, {"_codecs", "decode"}: decCodecs,
}

// loaders are the callables that unpickle their argument: loads-style
// take the data, load-style a file (io.BytesIO over the data).
var loaders = map[Global]bool{
	{"pickle", "loads"}: true, {"_pickle", "loads"}: true, {"pickle", "_loads"}: true,
	{"dill", "loads"}: true, {"dill._dill", "loads"}: true, {"cloudpickle", "loads"}: true,
	{"cloudpickle.cloudpickle", "loads"}: true, {"torch.storage", "_load_from_bytes"}: true,
	{"pickle", "load"}: false, {"_pickle", "load"}: false, {"pickle", "_load"}: false,
	{"dill", "load"}: false, {"dill._dill", "load"}: false, {"cloudpickle", "load"}: false,
	{"torch", "load"}: false, {"torch.serialization", "load"}: false,
	{"joblib", "load"}: false, {"joblib.numpy_pickle", "load"}: false,
}

func isBytesIO(g *Global) bool {
	return g != nil && g.Name == "BytesIO" && (g.Module == "io" || g.Module == "_io")
}

// decode computes what a decoder returns for literal arguments.
func (s *scanner) decode(g Global, args value) (value, bool) {
	d, ok := decoders[g]
	if !ok || args.kind != kTuple || s.objectOf(args).count < 1 {
		return value{}, false
	}
	in := s.objectOf(args).items[0]
	if !in.isData() {
		if in.literal() && in.flags&fTrunc != 0 {
			return value{kind: kBytes, ref: in.ref, n: in.n, flags: fTrunc | fDecode}, true
		}
		return value{}, false
	}
	enc := ""
	if s.objectOf(args).count > 1 && s.objectOf(args).items[1].isText() {
		enc = strings.ToLower(strings.ReplaceAll(s.str(s.objectOf(args).items[1]), "-", "_"))
	}
	var out []byte
	var err error
	switch d {
	case decBase64:
		out, err = b64(s.str(in), false)
	case decURLBase64:
		out, err = b64(s.str(in), true)
	case decBase32:
		out, err = base32.StdEncoding.DecodeString(s.str(in))
	case decHex:
		out, err = hex.DecodeString(strings.Join(strings.Fields(s.str(in)), ""))
	case decEncode:
		if in.kind != kStr {
			return value{}, false
		}
		out, ok = s.encodeText(in, enc)
	case decCodecs:
		switch enc {
		case "base64", "base_64", "base64_codec":
			out, err = b64(s.str(in), false)
		case "hex", "hex_codec":
			out, err = hex.DecodeString(s.str(in))
		default:
			return value{}, false
		}
	}
	if err != nil || !ok {
		return value{}, false
	}
	n := int64(len(out))
	if k, whole := s.keep(n); !whole {
		return s.text(kBytes, string(out[:k]), n, fTrunc|fDecode), true
	}
	return s.text(kBytes, string(out), n, fDecode), true
}

// b64 decodes base64 as Python's b64decode does by default: characters
// outside the alphabet are discarded.
func b64(s string, url bool) ([]byte, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if url {
			switch c {
			case '-':
				c = '+'
			case '_':
				c = '/'
			}
		}
		if (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' {
			b.WriteByte(c)
		}
	}
	return base64.RawStdEncoding.DecodeString(b.String())
}

// encodeText encodes a str with a byte-per-character or UTF-8 codec.
func (s *scanner) encodeText(v value, enc string) ([]byte, bool) {
	switch enc {
	case "", "utf8", "utf_8", "u8":
		if v.flags&fPy2 != 0 {
			return nil, false
		}
		return []byte(s.str(v)), true
	case "latin1", "latin_1", "iso8859_1", "iso_8859_1", "l1", "ascii", "us_ascii":
	default:
		return nil, false
	}
	if v.flags&fPy2 != 0 {
		return []byte(s.str(v)), true
	}
	out := make([]byte, 0, len(s.str(v)))
	for _, r := range s.str(v) {
		if r > 0xff || r == utf8.RuneError {
			return nil, false
		}
		out = append(out, byte(r))
	}
	return out, true
}

// loader scans, as a nested pickle, literal data that a loader receives.
func (s *scanner) loader(g Global, args value) {
	direct, ok := loaders[g]
	if !ok || args.kind != kTuple || s.objectOf(args).count < 1 {
		return
	}
	data := s.objectOf(args).items[0]
	if !direct {
		f := data
		if f.kind != kObject || s.objectOf(f).how != hCall || !s.objectOf(f).direct || !isBytesIO(s.globalOf(f)) {
			return
		}
		a := s.objectOf(f).item(1)
		if a.kind != kTuple || s.objectOf(a).count < 1 {
			return
		}
		data = s.objectOf(a).items[0]
	}
	if !data.literal() || (data.kind != kBytes && data.kind != kByteArray && data.kind != kStr) {
		return
	}
	if data.flags&fTrunc != 0 {
		s.limit("MaxNestedBytes", "data reaching "+g.String()+" was not kept whole")
		return
	}
	if s.depth+1 > s.opts.MaxNesting {
		s.limit("MaxNesting", "nested pickle deeper than MaxNesting")
		return
	}
	if !s.fact() {
		return
	}
	s.sh.nested += int64(len(s.str(data)))
	if s.sh.nested > s.opts.MaxNestedBytes {
		s.limit("MaxNestedBytes", "more nested pickle data than MaxNestedBytes")
		return
	}
	var res *Result
	if strings.HasPrefix(s.str(data), "PK\x03\x04") {
		res = &Result{Limit: &Limit{Name: "Nested", Msg: "nested data is a zip archive (torch.save format), not a pickle"}}
	} else {
		opts := s.opts
		opts.Size = int64(len(s.str(data)))
		opts.Joblib = g.Module == "joblib" || g.Module == "joblib.numpy_pickle"
		res = readShared(strings.NewReader(s.str(data)), opts, s.depth+1, false, s.sh)
	}
	s.res.Nested = append(s.res.Nested, Nested{Offset: s.opStart, Loader: g, Result: res})
}
