package zipread

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Signatures and fixed record lengths of the zip format.
const (
	sigLocal   = "PK\x03\x04"
	sigDir     = "PK\x01\x02"
	sigEnd     = "PK\x05\x06"
	sigEnd64   = "PK\x06\x06"
	sigLocator = "PK\x06\x07"

	endLen     = 22
	end64Len   = 56
	locatorLen = 20
	dirLen     = 46
	localLen   = 30
	maxComment = 65535
)

// maxCandidates bounds the end-record candidates tried, so that a tail
// full of signatures costs little.
const maxCandidates = 32

// ErrNotZip is returned when no end of central directory record that
// leads to a central directory is found.
var ErrNotZip = errors.New("no zip end of central directory record")

// End describes where the central directory of an archive lies.
type End struct {
	// Offset is where the end of central directory record starts.
	Offset int64
	// Zip64 is set when a zip64 end record gave the directory's place.
	Zip64 bool
	// Entries is the member count the end record declares.
	Entries uint64
	// DirOffset is where the central directory starts in the file.
	DirOffset int64
	// DirEnd is where the central directory may end at most: the start of
	// the (zip64) end record.
	DirEnd int64
	// Shift is the number of bytes before the archive: it is added to
	// every offset recorded in the archive (zipfile's "concat").
	Shift int64
	// Miniz is set when zipfile's reading (a shift) and miniz's (the
	// recorded offset as is, anywhere in the file, the comment included)
	// both find a central directory, and they differ: torch.load reads
	// the archive miniz's way, numpy.load zipfile's.
	Miniz *End
}

// FindEnd locates the end record and the central directory. It reads the
// last firstTail bytes of the file, then, only when no end record there
// leads to a directory, the last 64 KiB + 22 bytes (an archive comment may
// be that long), and a few bytes per candidate. Either way the candidates
// are tried from the end, so the result is the same as one read of the
// whole window.
func FindEnd(r io.ReaderAt, size int64) (*End, error) {
	if size < endLen {
		return nil, ErrNotZip
	}
	short := min(size, firstTail)
	if e, err := findEndIn(r, size, short); e != nil || err != nil {
		return e, err
	}
	if full := min(size, maxComment+endLen); full > short {
		if e, err := findEndIn(r, size, full); e != nil || err != nil {
			return e, err
		}
	}
	return nil, ErrNotZip
}

// firstTail is how much of the end of a file is read first: an end record
// with a comment of up to a kilobyte.
const firstTail = 1024 + endLen

// findEndIn tries the end record candidates in the last tailLen bytes; it
// returns nil, nil when none leads to a central directory.
func findEndIn(r io.ReaderAt, size, tailLen int64) (*End, error) {
	tail := make([]byte, tailLen)
	if _, err := r.ReadAt(tail, size-tailLen); err != nil && err != io.EOF {
		return nil, fmt.Errorf("read zip end at offset %d: %w", size-tailLen, err)
	}
	i := len(tail) - endLen
	for tries := 0; i >= 0 && tries < maxCandidates; tries++ {
		i = bytes.LastIndex(tail[:i+len(sigEnd)], []byte(sigEnd))
		if i < 0 {
			break
		}
		if e, ok := resolve(r, size, size-tailLen+int64(i), tail[i:]); ok {
			return e, nil
		}
		i--
	}
	return nil, nil
}

// resolve checks an end record candidate at pos (rec holds the bytes from
// there to the end of the file) and finds its central directory.
func resolve(r io.ReaderAt, size, pos int64, rec []byte) (*End, bool) {
	if len(rec) < endLen {
		return nil, false
	}
	e := &End{
		Offset:  pos,
		Entries: uint64(binary.LittleEndian.Uint16(rec[10:])),
		DirEnd:  pos,
	}
	dirSize := uint64(binary.LittleEndian.Uint32(rec[12:]))
	dirOff := uint64(binary.LittleEndian.Uint32(rec[16:]))
	if z, ok := readEnd64(r, pos); ok {
		e.Zip64, e.Entries, e.DirEnd = true, z.entries, z.pos
		dirSize, dirOff = z.dirSize, z.dirOff
	}
	if dirSize > uint64(e.DirEnd) || dirOff > uint64(size) {
		// An impossible size: try the recorded offset alone.
		dirSize = 0
	}
	empty := e.Entries == 0
	// zipfile: the directory ends where the end record starts.
	if start := e.DirEnd - int64(dirSize); dirSize > 0 && hasSig(r, start, sigDir) {
		e.DirOffset, e.Shift = start, start-int64(dirOff)
		// miniz checks only that the directory lies within the file.
		if e.Shift != 0 && dirOff+dirSize <= uint64(size) && hasSig(r, int64(dirOff), sigDir) {
			e.Miniz = &End{Offset: pos, Zip64: e.Zip64, Entries: e.Entries, DirOffset: int64(dirOff), DirEnd: int64(dirOff + dirSize)}
		}
		return e, true
	}
	// miniz: the recorded offset as is.
	if dirOff < uint64(e.DirEnd) && hasSig(r, int64(dirOff), sigDir) {
		e.DirOffset = int64(dirOff)
		return e, true
	}
	if empty && dirSize == 0 {
		e.DirOffset = e.DirEnd
		return e, true
	}
	return nil, false
}

type end64 struct {
	pos             int64
	entries         uint64
	dirSize, dirOff uint64
}

// readEnd64 reads the zip64 end record that a locator just before pos
// points at. Like zipfile it looks right before the locator first, then
// at the offset the locator records.
func readEnd64(r io.ReaderAt, pos int64) (end64, bool) {
	if pos < locatorLen {
		return end64{}, false
	}
	loc := make([]byte, locatorLen)
	if _, err := r.ReadAt(loc, pos-locatorLen); err != nil || string(loc[:4]) != sigLocator {
		return end64{}, false
	}
	for _, at := range []int64{pos - locatorLen - end64Len, int64(binary.LittleEndian.Uint64(loc[8:]))} {
		if at < 0 || at > pos-locatorLen-end64Len {
			continue
		}
		rec := make([]byte, end64Len)
		if _, err := r.ReadAt(rec, at); err != nil || string(rec[:4]) != sigEnd64 {
			continue
		}
		return end64{
			pos:     at,
			entries: binary.LittleEndian.Uint64(rec[32:]),
			dirSize: binary.LittleEndian.Uint64(rec[40:]),
			dirOff:  binary.LittleEndian.Uint64(rec[48:]),
		}, true
	}
	return end64{}, false
}

func hasSig(r io.ReaderAt, at int64, sig string) bool {
	if at < 0 {
		return false
	}
	b := make([]byte, 4)
	_, err := r.ReadAt(b, at)
	return err == nil && string(b) == sig
}
