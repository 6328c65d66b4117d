package formats

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
	"github.com/modelgate/modelgate/internal/parse/torchlegacy"
	"github.com/modelgate/modelgate/scan"
)

// torchLegacy is PyTorch's legacy serialization (torch.save with
// _use_new_zipfile_serialization=False, the default before 1.6): five
// pickles back to back, then the raw storages (see torchlegacy).
//
// Decisions:
//   - Matched by content: the first pickle returns torch's magic number,
//     looked for in the head, then (for a pickle-looking file with random
//     access) in the first magicWindow bytes, since a payload run before
//     the number may push it out of the head. The first pickle must end
//     at the STOP right after the number: a legacy file nested in a bytes
//     literal of a plain pickle is not one (firstPickleEndsAtMagic).
//   - Every pickle is read with ReadOne and the next one starts at its
//     End; each is reported as the member "pickle#0" to "pickle#4"
//     (numbered from 0: the object itself is "pickle#3"). A pickle that fails or
//     hits a bound ends the scan: torch.load would stop there too.
//   - Storages are skipped by the sizes that pickle#3's persistent ids
//     declare, in the order of pickle#4's keys; only each 8-byte element
//     count is read and checked. A count or size that does not match is a
//     malformed file, which torch.load refuses.
//   - Bytes after the last storage are never read by torch.load, but they
//     are reported as trailing data, and read as pickles (the member
//     "after-storages") in case a second stage hides there.
type torchLegacy struct{}

var _ scan.Format = torchLegacy{}

func (torchLegacy) Name() string { return "torch-legacy" }

// magicWindow is how far the magic number is looked for when it is not in
// the head: a first pickle may run a long payload before returning it.
const magicWindow = 64 << 10

func (torchLegacy) Match(in *scan.Input) bool {
	if torchlegacy.MagicHead(in.Head) {
		return firstPickleEndsAtMagic(in.Head)
	}
	h := in.Head
	if in.At == nil || len(h) < scan.HeadSize || in.Size <= int64(len(h)) || (h[0] != 0x80 && h[0] != 'c' && h[0] != 'L') {
		return false
	}
	buf := make([]byte, min(in.Size, magicWindow))
	n, _ := in.At.ReadAt(buf, 0)
	return torchlegacy.MagicHead(buf[:n]) && firstPickleEndsAtMagic(buf[:n])
}

// firstPickleEndsAtMagic reports whether the magic number found in b is
// what the first pickle returns: the pickle read from offset 0 ends at
// the STOP right after the number. torch.storage._load_from_bytes nests a
// whole legacy file in a bytes literal of an ordinary pickle
// (pickle.dumps of a module with tensors): the number is there, inside a
// literal, and torch.load would refuse such a file at its first pickle,
// which the plain pickle's scan reads anyway. A first pickle the reader
// cannot finish within its bounds is taken as legacy.
func firstPickleEndsAtMagic(b []byte) bool {
	res := pickle.ReadOne(bytes.NewReader(b), pickle.DefaultOptions())
	if res.Limit != nil {
		return true
	}
	if res.Err != nil || res.Pickles != 1 {
		return false
	}
	for _, end := range torchlegacy.MagicEnds(b) {
		if res.End == int64(end) {
			return true
		}
	}
	return false
}

// maxKeysPickle bounds the bytes of the keys pickle whose list is used;
// maxKeys bounds the items of lists kept while it is read: a pickle of
// maxKeysPickle bytes holds at most that many keys of two bytes each
// (SHORT_BINUNICODE of an empty key, BINGET).
const (
	maxKeysPickle = 16 << 20
	maxKeys       = maxKeysPickle / 2
)

func (torchLegacy) Scan(s *scan.Session, in *scan.Input) error {
	s.Read(in)
	parted, err := legacyPass(s, in, false, 0)
	if err != nil || parted < 0 {
		return err
	}
	_, err = legacyPass(s, in, true, parted)
	return err
}

// legacyPass reads the five pickles and the storages as torch.load reads
// them from a buffered file (each pickle right after the last STOP) or,
// with unbuffered, from an unbuffered file or io.BytesIO
// (torch.load(io.BytesIO(...)), torch.storage._load_from_bytes: each
// pickle at the end of the FRAME the last STOP lies in). The two part
// after a STOP that leaves bytes in its frame (pickle.Result.FrameRests,
// reported as a disagreement); the buffered pass returns the first pickle
// whose start differs (-1 when none), and the unbuffered pass reports
// from that pickle on, its parts named "unbuffered/pickle#k".
func legacyPass(s *scan.Session, in *scan.Input, unbuffered bool, from int) (int, error) {
	var results [6]*pickle.Result
	off, parted := int64(0), -1
	for k := 1; k <= 5; k++ {
		opts := legacyOptions(s)
		if k == 5 {
			opts.MaxReturnedItems = maxKeys // the storage keys, read from Result.Returned
		}
		res, err := readPicklesAt(in, off, opts, true)
		if err != nil {
			return parted, fmt.Errorf("read pickle#%d at offset %d: %w", k-1, off, err)
		}
		resolveModuleIDs(res)
		switch {
		case !unbuffered:
			s.Pickle(legacyMember(in, "pickle#"+strconv.Itoa(k-1)), res, "")
		case k-1 >= from:
			s.Pickle(legacyMember(in, "unbuffered/pickle#"+strconv.Itoa(k-1)), res, "")
		}
		if res.Err != nil || res.Limit != nil || res.Pickles != 1 {
			return parted, nil
		}
		results[k] = res
		if res.FrameEnd != res.End && parted < 0 {
			parted = k
		}
		if unbuffered {
			off += res.FrameEnd
		} else {
			off += res.End
		}
	}
	decl, err := declaredStorages(results[4])
	if err != nil {
		return parted, legacyMalformed(s, in, -1, err)
	}
	order := storageOrder(results[5], decl)
	end, err := skipStorages(in, off, order, decl)
	if err != nil {
		return parted, legacyMalformed(s, in, end, err)
	}
	return parted, legacyAfter(s, in, end, "the last storage")
}

// resolveModuleIDs names the callee of calls on what persistent_load
// returns for a 'module' id: torch's legacy loader returns the class
// itself, so the policy judges a call of that class (what a whole-model
// save contains) rather than a call of an unknown object.
func resolveModuleIDs(res *pickle.Result) {
	for i, c := range res.Calls {
		if c.Known {
			continue
		}
		if class, ok := torchlegacy.ModuleClass(c.PersistentID); ok {
			res.Calls[i].Callee = class
			res.Calls[i].Known, res.Calls[i].Desc = true, ""
		}
	}
}

// legacyMember is the input standing for one part of a legacy file.
func legacyMember(in *scan.Input, name string) *scan.Input {
	return &scan.Input{Chain: in.Child(name), Name: name, Size: -1, Depth: in.Depth + 1}
}

func legacyMalformed(s *scan.Session, in *scan.Input, off int64, err error) error {
	s.Partial()
	s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: off,
		Message: "legacy PyTorch file: " + err.Error() + "; what follows was not checked"})
	return nil
}

// readPickleAt reads one pickle (one=true) or all pickles from off, as
// torch.load reads them.
func readPickleAt(s *scan.Session, in *scan.Input, off int64, one bool) (*pickle.Result, error) {
	return readPicklesAt(in, off, legacyOptions(s), one)
}

// legacyOptions are the reader's options for the parts of a legacy file:
// plain pickles, no joblib arrays between them.
func legacyOptions(s *scan.Session) pickle.Options {
	opts := s.PickleOptions()
	opts.Joblib = false
	return opts
}

// declaredStorages collects the storages pickle#3 declares, by root key;
// the first declaration of a key wins, as in torch.load.
func declaredStorages(res *pickle.Result) (map[string]torchlegacy.Storage, error) {
	decl := map[string]torchlegacy.Storage{}
	for _, st := range res.Storages {
		if st.Elements < 0 || st.Type.IsZero() {
			return nil, fmt.Errorf("pickle#3 at offset %d: storage %s declares no literal type and element count", st.Offset, finding.Quote(st.Key, 40))
		}
		if _, seen := decl[st.Key]; !seen {
			decl[st.Key] = torchlegacy.Storage{Type: st.Type.String(), Key: st.Key, Location: st.Location, Numel: st.Elements}
		}
	}
	return decl, nil
}

// storageOrder returns the keys in the order of the list the keys
// pickle (res) returns, or sorted (the order torch writes) when that
// pickle is longer than maxKeysPickle or returns no list of str.
func storageOrder(res *pickle.Result, decl map[string]torchlegacy.Storage) []string {
	if res.End <= maxKeysPickle {
		if keys, err := torchlegacy.StorageKeys(res); err == nil {
			return keys
		}
	}
	keys := make([]string, 0, len(decl))
	for k := range decl {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// skipStorages checks each storage's element count and skips its data. It
// returns the offset after the last storage, or where it stopped.
func skipStorages(in *scan.Input, off int64, order []string, decl map[string]torchlegacy.Storage) (int64, error) {
	r, c, err := openAt(in, off)
	if err != nil {
		return off, err
	}
	defer c.Close()
	sk, _ := r.(io.Seeker)
	for i, key := range order {
		st, ok := decl[key]
		if !ok {
			return off, fmt.Errorf("storage key %s (number %d) is declared by no persistent id", finding.Quote(key, 40), i+1)
		}
		es, ok := torchlegacy.ElementSize(st.Type)
		if !ok {
			return off, fmt.Errorf("storage %s has unknown type %s", finding.Quote(key, 40), finding.Quote(st.Type, 60))
		}
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return off, fmt.Errorf("storage %s: element count truncated: %w", finding.Quote(key, 40), err)
		}
		n := binary.LittleEndian.Uint64(hdr[:])
		if n != uint64(st.Numel) {
			return off, fmt.Errorf("storage %s holds %d elements, pickle#3 declares %d", finding.Quote(key, 40), n, st.Numel)
		}
		if st.Numel > (math.MaxInt64-off)/es-8 {
			return off, fmt.Errorf("storage %s: size overflows", finding.Quote(key, 40))
		}
		size := st.Numel * es
		if in.Size >= 0 && off+8+size > in.Size {
			return off, fmt.Errorf("storage %s: %d bytes declared, %d left", finding.Quote(key, 40), size, in.Size-off-8)
		}
		if sk != nil {
			_, err = sk.Seek(size, io.SeekCurrent)
		} else if m, cerr := io.CopyN(io.Discard, r, size); cerr != nil {
			err = fmt.Errorf("%d of %d bytes: %w", m, size, cerr)
		}
		if err != nil {
			return off, fmt.Errorf("skip storage %s: %w", finding.Quote(key, 40), err)
		}
		off += 8 + size
	}
	return off, nil
}

// legacyAfter reports what follows the last part torch reads, at off.
func legacyAfter(s *scan.Session, in *scan.Input, off int64, what string) error {
	if in.Size >= 0 && off >= in.Size {
		return nil
	}
	res, err := readPickleAt(s, in, off, false)
	if err != nil {
		return fmt.Errorf("read after %s at offset %d: %w", what, off, err)
	}
	size := int64(0)
	if res.Trailing != nil {
		size = res.Trailing.Offset + res.Trailing.Size
	}
	size = max(size, res.End)
	if in.Size >= 0 {
		size = in.Size - off
	}
	if size == 0 {
		return nil
	}
	s.Report(in, finding.Finding{Rule: finding.RuleTrailingData, Offset: off, Length: size,
		Message: fmt.Sprintf("%d bytes after %s, which torch.load never reads", size, what)})
	if res.Pickles > 0 || len(res.Imports) > 0 || len(res.Calls) > 0 {
		s.Pickle(legacyMember(in, "after-storages"), res, "")
	}
	return nil
}
