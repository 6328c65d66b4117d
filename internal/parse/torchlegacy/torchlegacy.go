// Package torchlegacy knows the layout of PyTorch's legacy serialization,
// torch.save(..., _use_new_zipfile_serialization=False): five pickles back
// to back (magic number, protocol version, system info, the object, the
// list of storage keys), then for each key in that list an 8-byte
// little-endian element count and the storage's raw bytes.
//
// Decisions:
//   - The package reads no pickle itself: the pickle reader
//     (internal/parse/pickle) reads every pickle and records as facts
//     each storage a persistent id declares (type, key, location, element
//     count), the items of a persistent id whose result is called, and
//     the value each pickle returns. The caller turns storages into
//     Storage values and skips storage bytes by the declared sizes
//     (ElementSize), never reading them. From the facts, this package
//     interprets 'module' ids (ModuleClass), the list of storage keys
//     (StorageKeys) and the legacy tar's count pickles (Count). Nothing
//     here parses the reader's printable summaries: they are evidence.
//   - Anything it does not understand is an error for the caller to
//     report: it never guesses a size.
package torchlegacy

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/modelgate/modelgate/internal/parse/pickle"
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
	for _, pat := range magicForms {
		if bytes.Contains(head, []byte(pat)) {
			return true
		}
	}
	return false
}

// magicForms are the ways a first pickle writes the magic number and
// returns it: LONG1 from protocol 2, a text LONG with and without
// Python 2's L suffix below.
var magicForms = []string{magicLong1, "L" + Magic + "L\n.", "L" + Magic + "\n."}

// MagicEnds returns the offsets in b just past each place that holds the
// magic number and the STOP after it (as MagicHead matches them), in
// ascending order: where a first pickle that returns the number ends.
func MagicEnds(b []byte) []int {
	var ends []int
	for _, pat := range magicForms {
		for i := 0; ; {
			j := bytes.Index(b[i:], []byte(pat))
			if j < 0 {
				break
			}
			ends = append(ends, i+j+len(pat))
			i += j + 1
		}
	}
	sort.Ints(ends)
	return ends
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

// ModuleClass returns the class in the facts of a 'module' persistent
// id, ('module', pkg.mod.Class, 'file.py', 'source') (Call.PersistentID):
// torch's legacy persistent_load returns the class itself, so calling
// that object calls pkg.mod.Class. The tag may be bytes, as Python 2
// wrote it (torch decodes it). The class is split into module and name at
// the last dot of its full name, as a dotted name is judged whole.
func ModuleClass(id []pickle.ArgFact) (pickle.Global, bool) {
	if len(id) < 2 || !isText(id[0], "module") || id[1].Kind != pickle.ArgGlobal {
		return pickle.Global{}, false
	}
	name := id[1].Global.String()
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 {
		return pickle.Global{}, false
	}
	return pickle.Global{Module: name[:i], Name: name[i+1:]}, true
}

func isText(f pickle.ArgFact, s string) bool {
	return (f.Kind == pickle.ArgStr || f.Kind == pickle.ArgBytes) && f.Str == s
}

// StorageKeys returns the storage keys that the fifth pickle of a legacy
// file returns (res), in the order their data follows: a list of str (or
// bytes, as Python 2 wrote them), every item known to the reader, built
// by a pickle that only builds it. Anything else is an error, and the
// caller falls back on another order.
func StorageKeys(res *pickle.Result) ([]string, error) {
	if off, ok := firstAction(res); ok {
		return nil, fmt.Errorf("storage keys pickle: offset %d: imports, loads or calls something", off)
	}
	ret := res.Returned
	if ret.Value.Kind != pickle.ArgList {
		return nil, fmt.Errorf("storage keys pickle returns %s, not a list", kindName(ret.Value.Kind))
	}
	if int64(len(ret.Items)) != ret.Count {
		return nil, fmt.Errorf("storage keys pickle returns a list of %d items, not all kept", ret.Count)
	}
	keys := make([]string, len(ret.Items))
	for i, it := range ret.Items {
		if it.Kind != pickle.ArgStr && it.Kind != pickle.ArgBytes {
			return nil, fmt.Errorf("storage keys pickle: item %d is %s, not a str", i, kindName(it.Kind))
		}
		keys[i] = it.Str
	}
	return keys, nil
}

// Count returns the int a count pickle returns (res), as torch writes
// before the entries of the "storages" and "tensors" members of its
// legacy tar; data is the pickle, whose opcode at the first import, call
// or persistent id an error names. A bool counts as its int, as range()
// takes it. A pickle that does more than build its int is an error:
// torch's writer never does.
func Count(res *pickle.Result, data []byte) (int64, error) {
	if off, ok := firstAction(res); ok {
		op := -1
		if off >= 0 && off < int64(len(data)) {
			op = int(data[off])
		}
		return 0, fmt.Errorf("count pickle: offset %d: opcode 0x%02x: not a count", off, op)
	}
	if k := res.Returned.Value.Kind; k != pickle.ArgInt && k != pickle.ArgBool {
		return 0, fmt.Errorf("count pickle: offset %d: returns %s, not a count", res.End-1, kindName(k))
	}
	return res.Returned.Value.Int, nil
}

// firstAction returns the offset of the first import, call or persistent
// id of res, if it has any: a pickle read for its value that has one runs
// or loads something besides building that value.
func firstAction(res *pickle.Result) (int64, bool) {
	if len(res.Imports) == 0 && len(res.CallGroups) == 0 && res.PersistentIDCount == 0 {
		return 0, false
	}
	first := int64(math.MaxInt64)
	if len(res.Imports) > 0 {
		first = res.Imports[0].Offset
	}
	if len(res.PersistentIDs) > 0 {
		first = min(first, res.PersistentIDs[0].Offset)
	}
	for _, g := range res.CallGroups {
		first = min(first, g.First)
	}
	if first == math.MaxInt64 {
		first = -1 // persistent ids counted, none listed
	}
	return first, true
}

func kindName(k pickle.ArgKind) string {
	switch k {
	case pickle.ArgGlobal:
		return "a global"
	case pickle.ArgInstance:
		return "an instance"
	case pickle.ArgStr:
		return "a str"
	case pickle.ArgBytes:
		return "bytes"
	case pickle.ArgInt:
		return "an int"
	case pickle.ArgBool:
		return "a bool"
	case pickle.ArgList:
		return "a list"
	}
	return "a value the reader does not know"
}
