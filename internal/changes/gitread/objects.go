package gitread

import (
	"bufio"
	"bytes"
	"compress/zlib"
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
	// resolving holds the bases of the reference deltas being resolved.
	resolving map[Hash]bool
}

type cacheKey struct {
	pack *pack
	off  int64
}

func openStore(objectsDir string) (*store, error) {
	s := &store{cache: map[cacheKey][]byte{}, resolving: map[Hash]bool{}}
	if err := s.add(objectsDir); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *store) add(dir string) error {
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
		if err := s.add(filepath.Clean(line)); err != nil {
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
		if c, ok := p.file.(io.Closer); ok {
			c.Close()
		}
	}
}
