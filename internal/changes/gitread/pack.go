package gitread

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// pack is one pack file and its index (version 1 or 2).
type pack struct {
	path    string
	file    io.ReaderAt
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
	path := strings.TrimSuffix(idxPath, ".idx") + ".pack"
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil {
		var p *pack
		if p, err = newPack(path, idx, f, fi.Size()); err == nil {
			return p, nil
		}
	}
	f.Close()
	return nil, err
}

// newPack checks a pack's index and header; the pack's bytes are read
// from r as objects are asked for.
func newPack(path string, idx []byte, r io.ReaderAt, size int64) (*pack, error) {
	p := &pack{path: path, file: r, size: size}
	if err := p.parseIndex(idx); err != nil {
		return nil, fmt.Errorf("pack index of %s: %w", path, err)
	}
	var head [12]byte
	if _, err := r.ReadAt(head[:], 0); err != nil || string(head[:4]) != "PACK" {
		return nil, fmt.Errorf("pack %s: not a pack file", path)
	}
	if v := binary.BigEndian.Uint32(head[4:]); v != 2 && v != 3 {
		return nil, fmt.Errorf("pack %s: version %d", path, v)
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
		// A reference delta may name itself, or a chain that comes back:
		// git's index-pack refuses such packs, and so does this reader.
		if s.resolving[h] {
			return 0, nil, fmt.Errorf("pack %s: delta cycle through %s", p.path, h)
		}
		s.resolving[h] = true
		baseType, base, err = s.readDepth(h, depth+1)
		delete(s.resolving, h)
		if err != nil {
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
