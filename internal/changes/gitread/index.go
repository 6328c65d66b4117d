package gitread

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// IndexEntry is one path of the index (the staging area) with the stat
// data git recorded when it last wrote the file.
type IndexEntry struct {
	Path      string
	Mode      uint32
	Hash      Hash
	Size      uint32 // the file size, truncated to 32 bits as git stores it
	MtimeSec  uint32
	MtimeNsec uint32
	Stage     int // 0 unless a merge is in progress
	// AssumeValid, SkipWorktree and IntentToAdd mark entries git does
	// not compare with the work tree, or that hold no content yet.
	AssumeValid, SkipWorktree, IntentToAdd bool
}

// Index is the parsed index file.
type Index struct {
	Entries []IndexEntry
	// Written is when the index file was last written; an entry whose
	// file changed in the same instant may be stale ("racily clean").
	Written time.Time
}

// maxIndexSize bounds the index file read into memory.
const maxIndexSize = 1 << 30

// Index reads the work tree's index.
func (r *Repo) Index() (*Index, error) {
	path := filepath.Join(r.gitDir, "index")
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Index{}, nil
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	data, err := readExactlyUpTo(f, maxIndexSize)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", path, err)
	}
	idx, err := ParseIndex(data)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", path, err)
	}
	idx.Written = fi.ModTime()
	return idx, nil
}

// ParseIndex reads an index file (versions 2, 3 and 4) and checks its
// trailing checksum. Extensions git requires readers to understand (a
// split index's "link", a sparse index's "sdir") are ErrUnsupported.
func ParseIndex(data []byte) (*Index, error) {
	if len(data) < 12+20 || string(data[:4]) != "DIRC" {
		return nil, errors.New("not an index file")
	}
	body, sum := data[:len(data)-20], data[len(data)-20:]
	if want := sha1.Sum(body); !bytes.Equal(sum, want[:]) && !bytes.Equal(sum, make([]byte, 20)) {
		return nil, errors.New("checksum mismatch")
	}
	version := binary.BigEndian.Uint32(data[4:])
	if version < 2 || version > 4 {
		return nil, fmt.Errorf("version %d: %w", version, ErrUnsupported)
	}
	count := binary.BigEndian.Uint32(data[8:])
	if int64(count) > int64(len(body))/40 {
		return nil, fmt.Errorf("declares %d entries in %d bytes", count, len(body))
	}
	idx := &Index{Entries: make([]IndexEntry, 0, count)}
	rest := body[12:]
	prev := ""
	for i := uint32(0); i < count; i++ {
		if len(rest) < 62 {
			return nil, errors.New("truncated entry")
		}
		e := IndexEntry{
			MtimeSec:  binary.BigEndian.Uint32(rest[8:]),
			MtimeNsec: binary.BigEndian.Uint32(rest[12:]),
			Mode:      binary.BigEndian.Uint32(rest[24:]),
			Size:      binary.BigEndian.Uint32(rest[36:]),
		}
		copy(e.Hash[:], rest[40:60])
		flags := binary.BigEndian.Uint16(rest[60:])
		e.AssumeValid = flags&0x8000 != 0
		e.Stage = int(flags>>12) & 3
		nameLen := int(flags & 0xfff)
		head := 62
		if flags&0x4000 != 0 {
			if version < 3 || len(rest) < 64 {
				return nil, errors.New("extended flags in a version 2 index")
			}
			ext := binary.BigEndian.Uint16(rest[62:])
			e.SkipWorktree = ext&0x4000 != 0
			e.IntentToAdd = ext&0x2000 != 0
			head = 64
		}
		if version == 4 {
			strip, n := offsetVarint(rest[head:])
			if n == 0 || strip > uint64(len(prev)) {
				return nil, errors.New("bad path prefix")
			}
			nul := bytes.IndexByte(rest[head+n:], 0)
			if nul < 0 {
				return nil, errors.New("unterminated path")
			}
			e.Path = prev[:len(prev)-int(strip)] + string(rest[head+n:head+n+nul])
			rest = rest[head+n+nul+1:]
		} else {
			if nameLen == 0xfff {
				nul := bytes.IndexByte(rest[head:], 0)
				if nul < 0 {
					return nil, errors.New("unterminated path")
				}
				nameLen = nul
			}
			size := (head + nameLen + 8) &^ 7
			if len(rest) < size || rest[head+nameLen] != 0 {
				return nil, errors.New("truncated path")
			}
			e.Path = string(rest[head : head+nameLen])
			rest = rest[size:]
		}
		if e.Path == "" {
			return nil, errors.New("empty path")
		}
		prev = e.Path
		idx.Entries = append(idx.Entries, e)
	}
	for len(rest) > 0 {
		if len(rest) < 8 {
			return nil, errors.New("truncated extension")
		}
		sig := rest[:4]
		size := binary.BigEndian.Uint32(rest[4:])
		if int64(size) > int64(len(rest)-8) {
			return nil, errors.New("extension larger than the file")
		}
		if sig[0] < 'A' || sig[0] > 'Z' {
			return nil, fmt.Errorf("extension %q: %w", sig, ErrUnsupported)
		}
		rest = rest[8+size:]
	}
	return idx, nil
}

// offsetVarint decodes git's offset varint (each continuation adds one
// before shifting), used for index v4 path prefixes. n is 0 when the
// input is malformed.
func offsetVarint(b []byte) (v uint64, n int) {
	if len(b) == 0 {
		return 0, 0
	}
	c := b[0]
	v = uint64(c & 0x7f)
	n = 1
	for c&0x80 != 0 {
		if n >= len(b) || n > 9 {
			return 0, 0
		}
		c = b[n]
		n++
		v = (v+1)<<7 | uint64(c&0x7f)
	}
	return v, n
}
