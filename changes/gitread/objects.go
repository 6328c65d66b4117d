package gitread

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Hash is a SHA-1 object name.
type Hash [20]byte

func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// ParseHash reads a full 40-digit hexadecimal object name.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 40 {
		return h, fmt.Errorf("object name %q: want 40 hexadecimal digits", s)
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("object name %q: %v", s, err)
	}
	return h, nil
}

// Object types as numbered in pack files.
const (
	typeCommit   = 1
	typeTree     = 2
	typeBlob     = 3
	typeTag      = 4
	typeOfsDelta = 6
	typeRefDelta = 7
)

var typeNames = map[string]int{"commit": typeCommit, "tree": typeTree, "blob": typeBlob, "tag": typeTag}

// Bounds on what one object may cost. Commits, tags and trees are all the
// reader ever inflates; a tree of a million entries is about 40 MB.
const (
	maxObjectSize = 256 << 20
	maxDeltaDepth = 10000
	maxCacheBytes = 64 << 20
	maxAlternates = 16
)

// store finds objects in a repository's object directory: loose objects,
// pack files (through their .idx) and the stores named in
// info/alternates.
type store struct {
	dirs  []string // object directories, the repository's first
	packs []*pack
	cache map[cacheKey][]byte
	size  int
}

type cacheKey struct {
	pack *pack
	off  int64
}

func openStore(objectsDir string) (*store, error) {
	s := &store{cache: map[cacheKey][]byte{}}
	if err := s.add(objectsDir, 0); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *store) add(dir string, depth int) error {
	for _, d := range s.dirs {
		if d == dir {
			return nil
		}
	}
	if len(s.dirs) >= maxAlternates {
		return fmt.Errorf("%s: more than %d object directories (alternates)", dir, maxAlternates)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("object directory %s: not found", dir)
	}
	s.dirs = append(s.dirs, dir)
	idxs, err := filepath.Glob(filepath.Join(dir, "pack", "*.idx"))
	if err != nil {
		return err
	}
	sort.Strings(idxs)
	for _, idx := range idxs {
		p, err := openPack(idx)
		if err != nil {
			return err
		}
		s.packs = append(s.packs, p)
	}
	alt, err := os.ReadFile(filepath.Join(dir, "info", "alternates"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	for _, line := range strings.Split(string(alt), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, `"`) {
			return fmt.Errorf("%s: quoted alternate paths are not supported", filepath.Join(dir, "info", "alternates"))
		}
		if !filepath.IsAbs(line) {
			line = filepath.Join(dir, line)
		}
		if err := s.add(filepath.Clean(line), depth+1); err != nil {
			return err
		}
	}
	return nil
}

// errMissing means no store holds the object.
var errMissing = errors.New("object not found")

// read returns the type and content of an object.
func (s *store) read(h Hash) (int, []byte, error) {
	return s.readDepth(h, 0)
}

func (s *store) readDepth(h Hash, depth int) (int, []byte, error) {
	for _, p := range s.packs {
		if off, ok := p.find(h); ok {
			return s.readPacked(p, off, depth)
		}
	}
	for _, d := range s.dirs {
		hx := h.String()
		f, err := os.Open(filepath.Join(d, hx[:2], hx[2:]))
		if errors.Is(err, os.ErrNotExist) {
			continue
		} else if err != nil {
			return 0, nil, err
		}
		typ, data, err := readLoose(f)
		f.Close()
		if err != nil {
			return 0, nil, fmt.Errorf("loose object %s: %w", hx, err)
		}
		return typ, data, nil
	}
	return 0, nil, fmt.Errorf("%s: %w", h, errMissing)
}

// readLoose reads a zlib-compressed loose object: "type size\x00" and the
// content.
func readLoose(r io.Reader) (int, []byte, error) {
	z, err := zlib.NewReader(bufio.NewReader(r))
	if err != nil {
		return 0, nil, err
	}
	defer z.Close()
	br := bufio.NewReader(z)
	head, err := br.ReadString(0)
	if err != nil || len(head) > 32 {
		return 0, nil, errors.New("bad header")
	}
	name, sizeText, ok := strings.Cut(strings.TrimSuffix(head, "\x00"), " ")
	typ := typeNames[name]
	size, err := strconv.ParseInt(sizeText, 10, 64)
	if !ok || typ == 0 || err != nil || size < 0 {
		return 0, nil, fmt.Errorf("bad header %q", head)
	}
	if size > maxObjectSize {
		return 0, nil, fmt.Errorf("declares %d bytes, more than the %d this reader inflates", size, maxObjectSize)
	}
	data, err := readExactly(br, size)
	if err != nil {
		return 0, nil, err
	}
	return typ, data, nil
}

// readExactly reads n bytes and fails if the stream has more or fewer.
func readExactly(r io.Reader, n int64) ([]byte, error) {
	var buf bytes.Buffer
	got, err := io.Copy(&buf, io.LimitReader(r, n+1))
	if err != nil {
		return nil, err
	}
	if got != n {
		return nil, fmt.Errorf("declares %d bytes, holds %d or more", n, got)
	}
	return buf.Bytes(), nil
}

// pack is one pack file and its index (version 1 or 2).
type pack struct {
	path    string
	file    *os.File
	size    int64
	fanout  [256]uint32
	names   []byte // n × 20
	offsets func(i int) (int64, error)
}

func openPack(idxPath string) (*pack, error) {
	idx, err := os.ReadFile(idxPath)
	if err != nil {
		return nil, err
	}
	p := &pack{path: strings.TrimSuffix(idxPath, ".idx") + ".pack"}
	if err := p.parseIndex(idx); err != nil {
		return nil, fmt.Errorf("pack index %s: %w", idxPath, err)
	}
	f, err := os.Open(p.path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	p.file, p.size = f, fi.Size()
	var head [12]byte
	if _, err := f.ReadAt(head[:], 0); err != nil || string(head[:4]) != "PACK" {
		f.Close()
		return nil, fmt.Errorf("pack %s: not a pack file", p.path)
	}
	if v := binary.BigEndian.Uint32(head[4:]); v != 2 && v != 3 {
		f.Close()
		return nil, fmt.Errorf("pack %s: version %d", p.path, v)
	}
	return p, nil
}

func (p *pack) parseIndex(idx []byte) error {
	short := errors.New("truncated")
	fan := idx
	v2 := len(idx) >= 8 && string(idx[:4]) == "\xfftOc"
	if v2 {
		if binary.BigEndian.Uint32(idx[4:]) != 2 {
			return fmt.Errorf("version %d", binary.BigEndian.Uint32(idx[4:]))
		}
		fan = idx[8:]
	}
	if len(fan) < 1024 {
		return short
	}
	prev := uint32(0)
	for i := range p.fanout {
		p.fanout[i] = binary.BigEndian.Uint32(fan[i*4:])
		if p.fanout[i] < prev {
			return errors.New("fan-out table not sorted")
		}
		prev = p.fanout[i]
	}
	n := int64(p.fanout[255])
	rest := fan[1024:]
	if !v2 {
		if int64(len(rest)) < n*24 {
			return short
		}
		names := make([]byte, 0, n*20)
		for i := int64(0); i < n; i++ {
			names = append(names, rest[i*24+4:i*24+24]...)
		}
		p.names = names
		p.offsets = func(i int) (int64, error) { return int64(binary.BigEndian.Uint32(rest[i*24:])), nil }
		return nil
	}
	if int64(len(rest)) < n*28 {
		return short
	}
	p.names = rest[:n*20]
	small := rest[n*24 : n*28]
	large := rest[n*28:]
	p.offsets = func(i int) (int64, error) {
		o := binary.BigEndian.Uint32(small[i*4:])
		if o&0x80000000 == 0 {
			return int64(o), nil
		}
		j := int(o & 0x7fffffff)
		if len(large) < (j+1)*8 {
			return 0, short
		}
		v := binary.BigEndian.Uint64(large[j*8:])
		if v > 1<<62 {
			return 0, errors.New("offset out of range")
		}
		return int64(v), nil
	}
	return nil
}

// span returns the index range of names starting with byte b.
func (p *pack) span(b byte) (lo, hi int) {
	if b > 0 {
		lo = int(p.fanout[b-1])
	}
	return lo, int(p.fanout[b])
}

func (p *pack) name(i int) []byte { return p.names[i*20 : i*20+20] }

func (p *pack) find(h Hash) (int64, bool) {
	lo, hi := p.span(h[0])
	i := lo + sort.Search(hi-lo, func(k int) bool { return bytes.Compare(p.name(lo+k), h[:]) >= 0 })
	if i >= hi || !bytes.Equal(p.name(i), h[:]) {
		return 0, false
	}
	off, err := p.offsets(i)
	return off, err == nil
}

// readPacked reads the object at off, applying deltas.
func (s *store) readPacked(p *pack, off int64, depth int) (int, []byte, error) {
	if depth > maxDeltaDepth {
		return 0, nil, fmt.Errorf("pack %s: delta chain deeper than %d", p.path, maxDeltaDepth)
	}
	key := cacheKey{p, off}
	if e, ok := s.cache[key]; ok {
		return int(e[0]), e[1:], nil
	}
	if off < 12 || off >= p.size {
		return 0, nil, fmt.Errorf("pack %s: object offset %d out of range", p.path, off)
	}
	r := bufio.NewReaderSize(io.NewSectionReader(p.file, off, p.size-off), 4096)
	c, err := r.ReadByte()
	if err != nil {
		return 0, nil, err
	}
	typ := int(c>>4) & 7
	size := int64(c & 15)
	for shift := uint(4); c&0x80 != 0; shift += 7 {
		if shift > 56 {
			return 0, nil, fmt.Errorf("pack %s: bad object header at %d", p.path, off)
		}
		if c, err = r.ReadByte(); err != nil {
			return 0, nil, err
		}
		size |= int64(c&0x7f) << shift
	}
	if size > maxObjectSize {
		return 0, nil, fmt.Errorf("pack %s: object at %d declares %d bytes, more than the %d this reader inflates", p.path, off, size, maxObjectSize)
	}
	var baseType int
	var base []byte
	switch typ {
	case typeCommit, typeTree, typeBlob, typeTag:
	case typeOfsDelta:
		c, err := r.ReadByte()
		if err != nil {
			return 0, nil, err
		}
		rel := int64(c & 0x7f)
		for n := 0; c&0x80 != 0; n++ {
			if n > 8 {
				return 0, nil, fmt.Errorf("pack %s: bad delta offset at %d", p.path, off)
			}
			if c, err = r.ReadByte(); err != nil {
				return 0, nil, err
			}
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		if rel <= 0 || rel > off {
			return 0, nil, fmt.Errorf("pack %s: delta base offset out of range at %d", p.path, off)
		}
		if baseType, base, err = s.readPacked(p, off-rel, depth+1); err != nil {
			return 0, nil, err
		}
	case typeRefDelta:
		var h Hash
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return 0, nil, err
		}
		if baseType, base, err = s.readDepth(h, depth+1); err != nil {
			return 0, nil, err
		}
	default:
		return 0, nil, fmt.Errorf("pack %s: unknown object type %d at %d", p.path, typ, off)
	}
	z, err := zlib.NewReader(r)
	if err != nil {
		return 0, nil, fmt.Errorf("pack %s: object at %d: %w", p.path, off, err)
	}
	data, err := readExactly(z, size)
	if err != nil {
		return 0, nil, fmt.Errorf("pack %s: object at %d: %w", p.path, off, err)
	}
	if base != nil {
		if data, err = applyDelta(base, data); err != nil {
			return 0, nil, fmt.Errorf("pack %s: delta at %d: %w", p.path, off, err)
		}
		typ = baseType
	}
	s.remember(key, typ, data)
	return typ, data, nil
}

// remember keeps recently read objects so delta chains that share a base
// inflate it once. The cache is bounded; when full it starts over.
func (s *store) remember(key cacheKey, typ int, data []byte) {
	if len(data) > maxCacheBytes/4 {
		return
	}
	if s.size+len(data) > maxCacheBytes {
		s.cache, s.size = map[cacheKey][]byte{}, 0
	}
	entry := make([]byte, 1+len(data))
	entry[0] = byte(typ)
	copy(entry[1:], data)
	s.cache[key] = entry
	s.size += len(entry)
}

// applyDelta rebuilds an object from its base and a git delta: the base
// and result sizes, then copy (from the base) and insert instructions.
func applyDelta(base, delta []byte) ([]byte, error) {
	varint := func() (int64, error) {
		var v int64
		for shift := uint(0); ; shift += 7 {
			if len(delta) == 0 || shift > 56 {
				return 0, errors.New("truncated size")
			}
			c := delta[0]
			delta = delta[1:]
			v |= int64(c&0x7f) << shift
			if c&0x80 == 0 {
				return v, nil
			}
		}
	}
	baseSize, err := varint()
	if err != nil {
		return nil, err
	}
	if baseSize != int64(len(base)) {
		return nil, fmt.Errorf("base is %d bytes, delta wants %d", len(base), baseSize)
	}
	size, err := varint()
	if err != nil {
		return nil, err
	}
	if size > maxObjectSize {
		return nil, fmt.Errorf("result declares %d bytes", size)
	}
	out := make([]byte, 0, size)
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		switch {
		case op&0x80 != 0:
			var fields [7]int64
			for i := range fields {
				if op&(1<<i) != 0 {
					if len(delta) == 0 {
						return nil, errors.New("truncated copy")
					}
					fields[i] = int64(delta[0])
					delta = delta[1:]
				}
			}
			o := fields[0] | fields[1]<<8 | fields[2]<<16 | fields[3]<<24
			n := fields[4] | fields[5]<<8 | fields[6]<<16
			if n == 0 {
				n = 0x10000
			}
			if o+n > int64(len(base)) || int64(len(out))+n > size {
				return nil, errors.New("copy out of range")
			}
			out = append(out, base[o:o+n]...)
		case op != 0:
			n := int(op)
			if n > len(delta) || int64(len(out)+n) > size {
				return nil, errors.New("insert out of range")
			}
			out = append(out, delta[:n]...)
			delta = delta[n:]
		default:
			return nil, errors.New("reserved instruction 0")
		}
	}
	if int64(len(out)) != size {
		return nil, fmt.Errorf("result is %d bytes, delta declares %d", len(out), size)
	}
	return out, nil
}

// prefixMatches returns the objects whose names start with the hex
// prefix, up to two (enough to tell unique from ambiguous).
func (s *store) prefixMatches(prefix string) ([]Hash, error) {
	seen := map[Hash]bool{}
	var out []Hash
	addName := func(b []byte) {
		var h Hash
		copy(h[:], b)
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	first, err := strconv.ParseUint(prefix[:2], 16, 8)
	if err != nil {
		return nil, err
	}
	for _, p := range s.packs {
		lo, hi := p.span(byte(first))
		for i := lo; i < hi && len(out) < 2; i++ {
			if strings.HasPrefix(hex.EncodeToString(p.name(i)), prefix) {
				addName(p.name(i))
			}
		}
	}
	for _, d := range s.dirs {
		ents, err := os.ReadDir(filepath.Join(d, prefix[:2]))
		if err != nil {
			continue
		}
		for _, e := range ents {
			name := prefix[:2] + e.Name()
			if len(out) < 2 && len(name) == 40 && strings.HasPrefix(name, prefix) {
				if b, err := hex.DecodeString(name); err == nil {
					addName(b)
				}
			}
		}
	}
	return out, nil
}

func (s *store) close() {
	for _, p := range s.packs {
		p.file.Close()
	}
}
