// Package torchlegacy knows the layout of PyTorch's legacy serialization,
// torch.save(..., _use_new_zipfile_serialization=False): five pickles back
// to back (magic number, protocol version, system info, the object, the
// list of storage keys), then for each key in that list an 8-byte
// little-endian element count and the storage's raw bytes.
//
// Decisions:
//   - The package reads no pickle itself beyond the list of storage keys
//     (StorageKeys) and the legacy tar's count pickles (Count): the pickle
//     reader (scan/pickle) reads every pickle and records each storage a
//     persistent id declares (type, key, location, element count) as a
//     fact; the caller turns those into Storage values and skips storage
//     bytes by the declared sizes (ElementSize), never reading them. Of
//     the printable summaries of persistent ids, only 'module' ids are
//     interpreted here (ModuleClass).
//   - Anything it does not understand is an error for the caller to
//     report: it never guesses a size.
package torchlegacy

import (
	"bytes"
	"strings"
)

// Magic is the magic number torch writes as the first pickle.
const Magic = "119547037146038801333356" // 0x1950a86a20f9469cfc6c

// magicLong1 is the magic number as the operand of LONG1 (protocol 2+).
const magicLong1 = "\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."

// MagicHead reports whether head starts a legacy PyTorch file: its first
// pickle holds the magic number (as LONG1 from protocol 2, as a text LONG
// below). The number is looked for anywhere in the first pickle's bytes in
// head, so a first pickle that runs something before returning the magic
// number, which torch.load accepts, is matched too.
func MagicHead(head []byte) bool {
	if len(head) == 0 {
		return false
	}
	return bytes.Contains(head, []byte(magicLong1)) || bytes.Contains(head, []byte("L"+Magic+"L\n.")) ||
		bytes.Contains(head, []byte("L"+Magic+"\n."))
}

// Storage is what a persistent id declares about one storage.
type Storage struct {
	Type     string // the storage class, e.g. "torch.FloatStorage"
	Key      string // the root key, as in the list of storage keys
	Location string // e.g. "cpu"
	Numel    int64  // elements of the root storage
}

// ElementSize returns the bytes per element of a storage class, as
// torch._utils._element_size of its dtype.
func ElementSize(typ string) (int64, bool) {
	name := typ[strings.LastIndexByte(typ, '.')+1:]
	size, ok := map[string]int64{
		"DoubleStorage": 8, "FloatStorage": 4, "HalfStorage": 2, "BFloat16Storage": 2,
		"LongStorage": 8, "IntStorage": 4, "ShortStorage": 2, "CharStorage": 1, "ByteStorage": 1,
		"BoolStorage": 1, "ComplexDoubleStorage": 16, "ComplexFloatStorage": 8, "QInt8Storage": 1,
		"QUInt8Storage": 1, "QInt32Storage": 4, "QUInt4x2Storage": 1, "QUInt2x4Storage": 1,
		"UntypedStorage": 1, "ByteTensor": 1,
	}[name]
	return size, ok && strings.HasPrefix(typ, "torch.")
}

// ModuleClass reads the description of an object that persistent_load
// returns for a 'module' id, "persistent_load(('module', pkg.mod.Class,
// 'file.py', 'source'))": torch's legacy persistent_load returns the
// class itself, so calling that object calls pkg.mod.Class. The class is
// split into module and name at its last dot.
func ModuleClass(desc string) (module, name string, ok bool) {
	rest, found := strings.CutPrefix(desc, "persistent_load(")
	if !found {
		return "", "", false
	}
	items, err := (&literal{s: rest}).tuple(2)
	if err != nil || len(items) < 2 || items[0].kind != litStr || items[0].s != "module" || items[1].kind != litName {
		return "", "", false
	}
	i := strings.LastIndexByte(items[1].s, '.')
	if i <= 0 || i == len(items[1].s)-1 {
		return "", "", false
	}
	return items[1].s[:i], items[1].s[i+1:], true
}
