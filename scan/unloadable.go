package scan

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/modelgate/modelgate/internal/parse/pickle"
	"github.com/modelgate/modelgate/internal/parse/pytar"
)

// A file that no loader can read is not a threat. When no format reads an
// input that is named like a pickle, Unloadable tries to prove that every
// loader that may open it refuses it before running anything; the input is
// then reported not scanned at medium instead of high. The loaders and
// what each needs first (docs/loaders.md):
//
//   - pickle.load, pickle.loads, dill.load, cloudpickle: a pickle that
//     gets as far as an import or a call. The head is read with the
//     pickle reader: it must fail (an invalid opcode, a stack or memo
//     error) before any import, call, nested pickle or completed pickle,
//     with at most text persistent ids (PERSID), which pickle.load and
//     joblib refuse (no persistent_load) and torch's persistent_load
//     refuses (it asserts a tuple, or a 'storage' tag). A PNG's first
//     bytes, NEWFALSE and PERSID "NG\r", are such a failure;
//   - torch.load: "PK\x03\x04" as the first four bytes (a zip, read by
//     miniz), else a tar that tarfile opens (a valid first header), else a
//     pickle as above;
//   - numpy.load: the NPY magic (whose first byte is an opcode), a zip
//     ("PK\x03\x04" or "PK\x05\x06"), else pickle.load;
//   - joblib.load: a zlib, gzip, bz2, xz, lzma or lz4 magic, or "ZF"
//     (the format before joblib 0.9.3), else a pickle as above. The
//     format that decompresses such an input may prove that joblib
//     refuses what it decompresses to (Session.JoblibRefuses);
//   - pandas.read_pickle: a compression named by the suffix (.gz, .bz2,
//     .xz, .zip, .zst, .tar and .tgz ...), else a pickle as above.
//
// A proof fails, and the caller fails closed, on an empty head (no byte
// to judge), on any magic above (unless the decompressed bytes were proven
// refused), and on a suffix that names a compression (what the decoder
// makes of the bytes is not proven here).

// joblibMagics are the heads joblib.load decompresses (numpy_pickle_utils).
var joblibMagics = [][]byte{
	[]byte("x"), []byte("\x1f\x8b"), []byte("BZh"), []byte("\xfd7zXZ"), []byte("\x5d\x00\x00"), []byte("\x04\x22\x4d\x18"),
	[]byte("PK\x03\x04"), []byte("PK\x05\x06"), []byte("ZF"),
}

// pandasCompressions are the suffixes pandas.read_pickle decompresses by
// (compression="infer": pandas/io/common.py _extension_to_compression,
// matched on the end of the name; ".tar.gz" and the like end in one of
// these).
var pandasCompressions = []string{".gz", ".bz2", ".zip", ".xz", ".zst", ".tar"}

// Unloadable returns why every loader that may open in rejects it before
// running anything, or "" when that cannot be proven.
//
// joblibRefused, when set, is why joblib.load refuses what it decompresses
// the input to: a proof made by the format that decompressed it.
func Unloadable(in *Input, joblibRefused string) string {
	h := in.Head
	if len(h) == 0 {
		if in.Size == 0 {
			return "the input is empty: every loader raises on it"
		}
		return ""
	}
	why := PickleRefused(in)
	if why == "" {
		return ""
	}
	for _, m := range joblibMagics {
		if bytes.HasPrefix(h, m) {
			if joblibRefused == "" {
				return ""
			}
			why += "; joblib.load decompresses it to bytes that, " + joblibRefused
			break
		}
	}
	ext := strings.ToLower(path.Ext(in.Name))
	for _, c := range pandasCompressions {
		if ext == c {
			return ""
		}
	}
	if pytar.HeaderOK(h) {
		return "" // tarfile opens it: torch.load reads it as a legacy tar
	}
	return "no loader reads it: " + why + ", and it is no zip, tar or compressed stream"
}

// PickleRefused says why every unpickler raises on in before it runs
// anything, or "" when it may not.
func PickleRefused(in *Input) string {
	h := in.Head
	if len(h) == 0 {
		return "" // no byte to judge
	}
	if !pickle.IsOpcode(h[0]) {
		return fmt.Sprintf("its first byte %#02x is no pickle opcode", h[0])
	}
	opts := pickle.DefaultOptions()
	opts.Size = int64(len(h))
	res := pickle.Read(bytes.NewReader(h), opts)
	e := res.Err
	switch {
	case e == nil || res.Limit != nil || res.Pickles > 0 || len(res.Imports) > 0 || len(res.CallGroups) > 0 || len(res.Nested) > 0:
		return ""
	case in.Size != int64(len(h)) && (e.Offset >= int64(len(h))-1 || strings.Contains(e.Msg, "truncated") || strings.Contains(e.Msg, "ran out")):
		return "" // the head ends first: what follows is not read here
	}
	for _, p := range res.PersistentIDs {
		if p.Offset >= int64(len(h)) || h[p.Offset] != 'P' {
			return ""
		}
	}
	if res.PersistentIDCount != len(res.PersistentIDs) {
		return ""
	}
	return fmt.Sprintf("read as a pickle it fails at offset %d (%s: %s) before it imports or calls anything", e.Offset, e.Op, e.Msg)
}
