package formats

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strings"

	"github.com/modelgate/modelgate/scan"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// compressed is a stream compressed as a whole: gzip, bz2, xz, raw LZMA
// ("alone", as Python's lzma.FORMAT_ALONE writes), zlib or an LZ4 frame.
// joblib.dump(compress=...) writes exactly these around a joblib pickle,
// and tar.gz and friends are the same around a tar.
//
// Decisions:
//   - Matched by content: the codec's magic number (for zlib, whose two
//     header bytes are weak, also a valid header checksum and a trial
//     decode of the head; for raw LZMA a sane property byte, dictionary
//     size and length).
//   - The content is one member: its name is the original name a gzip
//     header records (FNAME), else the base name without the
//     compression extension ("model.pkl.gz" holds "model.pkl",
//     "model.tgz" holds "model.tar"), else "<codec>" ("model.bin" holds
//     "<zlib>"). It is decompressed through Session.Bounded, so size,
//     ratio and the file's budget are bounded; a second pass over it
//     restarts decompression.
//   - The reported format is the codec ("gzip"), or "joblib-<codec>" for a
//     compressed joblib dump, which joblib.load reads as one: its pickle
//     is then reported as the compressed input itself, not as a member. A
//     compressed stream of nothing modelgate knows is passed over like its
//     content would be, unless it is named like a pickle.
//   - Dictionaries of (raw or xz) LZMA are capped at 64 MiB, the largest
//     preset of xz and Python's lzma; larger ones fail to open and are
//     reported unscannable rather than allocated. An xz decoder allocates
//     the dictionary its block declares (8 MiB for the default preset),
//     not the cap; the cap is checked on the first block's header, in the
//     head. A later block of a multi-block stream is decoded with the size
//     it declares (the decoder has no hook to refuse it).
//   - An xz stream whose blocks chain delta or branch converter (BCJ)
//     filters before LZMA2 (lzma.open(filters=...), xz --x86) is read by
//     xzFiltered, which decodes them as liblzma does; the RISC-V
//     converter is refused (unscannable).
//   - Gzip members are read one after the other, with the zero bytes
//     between and after them skipped, as Python's gzip module does
//     (padding is no error); their headers are read as Python reads them,
//     the header CRC16 skipped unchecked (gzipMembers).
//   - Data after a bzip2 stream that starts no other stream ends the
//     content, as Python's bz2 module ignores it.
//   - Raw LZMA streams are read on past their end, like Python's
//     LZMAFile (which joblib.load uses, format auto) does: a stream that
//     follows, xz or raw LZMA, continues the content; data that is no
//     stream ends it, as Python ignores it. A pickle split over two
//     streams is one pickle to joblib.
//   - The content is decompressed once when the format that matches it
//     reads it from the start (see NewStreamInput): the head and the scan
//     share one decoder.
type compressed string

// The codecs of compressed streams.
const (
	gzipStream  compressed = "gzip"
	bzip2Stream compressed = "bz2"
	xzStream    compressed = "xz"
	lzmaStream  compressed = "lzma"
	zlibStream  compressed = "zlib"
	lz4Stream   compressed = "lz4"
)

var _ scan.Format = gzipStream

// maxLZMADict bounds the dictionary an LZMA stream may ask for.
const maxLZMADict = 64 << 20

func (c compressed) Name() string { return string(c) }

func (c compressed) Match(in *scan.Input) bool { return c.sniff(in.Head) }

// sniff reports whether head starts a stream of codec c.
func (c compressed) sniff(h []byte) bool {
	switch c {
	case gzipStream:
		return len(h) >= 10 && h[0] == 0x1f && h[1] == 0x8b && h[2] == 8
	case bzip2Stream:
		return len(h) >= 10 && bytes.HasPrefix(h, []byte("BZh")) && h[3] >= '1' && h[3] <= '9' &&
			(bytes.HasPrefix(h[4:], []byte("1AY&SY")) || bytes.HasPrefix(h[4:], []byte("\x17rE8P\x90")))
	case xzStream:
		return bytes.HasPrefix(h, []byte("\xfd7zXZ\x00"))
	case lzmaStream:
		return lzmaAlone(h)
	case zlibStream:
		return zlibHeader(h)
	case lz4Stream:
		return bytes.HasPrefix(h, []byte("\x04\x22\x4d\x18"))
	}
	return false
}

// lzmaAlone recognises the 13-byte header of the .lzma format: properties
// lc=3 lp=0 pb=2 (what every common writer uses), a dictionary size of
// 2^n or 2^n+2^(n-1) from 4 KiB, and a length that is unknown (all ones)
// or below 2^50.
func lzmaAlone(h []byte) bool {
	if len(h) < 14 || h[0] != 0x5d {
		return false
	}
	dict := binary.LittleEndian.Uint32(h[1:5])
	if dict < 1<<12 || dict > 3<<30 {
		return false
	}
	top := uint32(1) << (31 - leadingZeros32(dict))
	if dict != top && dict != top|top>>1 {
		return false
	}
	size := binary.LittleEndian.Uint64(h[5:13])
	return size == ^uint64(0) || size < 1<<50
}

func leadingZeros32(x uint32) int {
	n := 0
	for x&(1<<31) == 0 {
		x <<= 1
		n++
	}
	return n
}

// zlibHeader recognises a zlib header (deflate, no preset dictionary,
// valid check bits) whose head decodes without error.
func zlibHeader(h []byte) bool {
	if len(h) < 3 || h[0]&0x0f != 8 || h[0]>>4 > 7 || h[1]&0x20 != 0 || (uint16(h[0])<<8|uint16(h[1]))%31 != 0 {
		return false
	}
	zr, err := zlib.NewReader(bytes.NewReader(h))
	if err != nil {
		return false
	}
	_, err = zr.Read(make([]byte, 1))
	return err == nil || err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF)
}

// reader returns a decompressor for c over r.
func (c compressed) reader(r io.Reader) (io.Reader, error) {
	switch c {
	case gzipStream:
		return newGzipMembers(r)
	case bzip2Stream:
		return &bzip2Streams{r: bzip2.NewReader(r)}, nil
	case xzStream:
		// A chain of delta or branch (BCJ) filters before LZMA2, which
		// Python's lzma decodes and the xz package refuses, is read by
		// xzFiltered.
		br := bufio.NewReader(r)
		if h, _ := br.Peek(1024); xzNeedsFilters(h) {
			return newXZFiltered(br), nil
		}
		// DictCap is a floor here: the block's own size is used when larger.
		return xz.ReaderConfig{DictCap: lzma.MinDictCap}.NewReader(br)
	case lzmaStream:
		return newLZMAStreams(r)
	case zlibStream:
		return zlib.NewReader(r)
	case lz4Stream:
		return lz4.NewReader(r), nil
	}
	return nil, fmt.Errorf("unknown codec %q", string(c))
}

// gzipName returns the original file name a gzip header records (FNAME,
// what gzip -N restores and Python's gzip.open writes), base name only,
// or "" when there is none in head.
func gzipName(h []byte) string {
	if len(h) < 10 || h[3]&0x08 == 0 {
		return ""
	}
	rest := h[10:]
	if h[3]&0x04 != 0 { // FEXTRA: a 2-byte length, then that many bytes
		if len(rest) < 2 {
			return ""
		}
		n := int(binary.LittleEndian.Uint16(rest))
		if len(rest) < 2+n {
			return ""
		}
		rest = rest[2+n:]
	}
	end := bytes.IndexByte(rest, 0)
	if end <= 0 {
		return ""
	}
	latin1 := make([]rune, end)
	for i, b := range rest[:end] {
		latin1[i] = rune(b)
	}
	name := path.Base(strings.ReplaceAll(string(latin1), "\\", "/"))
	if name == "." || name == ".." || name == "/" {
		return ""
	}
	return memberName(name)
}

// memberName is the name of the content of a compressed input.
func (c compressed) memberName(name string) string {
	base := path.Base(name)
	lower := strings.ToLower(base)
	exts := map[compressed][]string{
		gzipStream: {".gz", ".tgz"}, bzip2Stream: {".bz2", ".tbz2", ".tbz"}, xzStream: {".xz", ".txz"},
		lzmaStream: {".lzma", ".tlz"}, zlibStream: {".zlib", ".z"}, lz4Stream: {".lz4"},
	}[c]
	for _, ext := range exts {
		if strings.HasSuffix(lower, ext) && len(base) > len(ext) {
			if strings.HasPrefix(ext, ".t") {
				return base[:len(base)-len(ext)] + ".tar"
			}
			return base[:len(base)-len(ext)]
		}
	}
	return "<" + string(c) + ">"
}

func (c compressed) Scan(s *scan.Session, in *scan.Input) error {
	name := c.memberName(in.Name)
	compressedTricks(s, in, c)
	if c == xzStream {
		if d := xzDictSize(in.Head); d > maxLZMADict {
			return fmt.Errorf("open xz stream: dictionary of %d bytes over the %d allowed: %w", d, maxLZMADict, scan.ErrLimit)
		}
	}
	if c == gzipStream {
		if n := gzipName(in.Head); n != "" {
			name = n
		}
	}
	open := func() (io.ReadCloser, error) {
		rc, err := in.Open()
		if err != nil {
			return nil, err
		}
		src := &scan.CountingReader{R: bufio.NewReader(rc)}
		dec, err := c.reader(src)
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("open %s stream at offset %d: %w", c, src.N, err)
		}
		return readCloser{s.Bounded(dec, src), rc}, nil
	}
	inner, err := scan.NewStreamInput(in.Child(name), name, -1, open)
	if err != nil {
		return fmt.Errorf("read head of %s stream: %w", c, err)
	}
	inner.Depth = in.Depth + 1
	before, members := s.FindingCount(), s.MemberCount()
	got := scanMember(s, inner)
	containerDone(s, in, btoi(got != ""), before)
	if got == "joblib" {
		s.SetFormat(in, "joblib-"+string(c))
		s.Rechain(inner.Member(), in.Member(), before, members)
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// readCloser reads from one reader and closes another.
type readCloser struct {
	io.Reader
	io.Closer
}

// xzDictSize returns the largest LZMA2 dictionary the first block header
// of an xz stream declares, or 0 when head does not hold that header.
func xzDictSize(h []byte) uint64 {
	const streamHeader = 12
	if len(h) < streamHeader+2 || h[streamHeader] == 0 {
		return 0 // no block: an empty stream, its index follows
	}
	end := min(streamHeader+(int(h[streamHeader])+1)*4, len(h))
	b := h[streamHeader+2 : end]
	flags := h[streamHeader+1]
	varint := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	for _, bit := range []byte{0x40, 0x80} { // compressed, uncompressed size present
		if flags&bit != 0 {
			if _, ok := varint(); !ok {
				return 0
			}
		}
	}
	dict := uint64(0)
	for range int(flags&3) + 1 {
		id, ok1 := varint()
		n, ok2 := varint()
		if !ok1 || !ok2 || n > uint64(len(b)) {
			return dict
		}
		if id == 0x21 && n == 1 { // LZMA2: the dictionary size in one byte
			bits := uint64(b[0] & 0x3f)
			d := uint64(math.MaxUint32)
			if bits < 40 {
				d = (2 | bits&1) << (bits/2 + 11)
			}
			dict = max(dict, d)
		}
		b = b[n:]
	}
	return dict
}

// lzmaStreams reads concatenated raw LZMA (and xz) streams as one, as
// Python's LZMAFile does with format auto: after the end of a stream, the
// next bytes start another, or end the content when they are none.
type lzmaStreams struct {
	br  *bufio.Reader
	cur io.Reader
}

func newLZMAStreams(r io.Reader) (*lzmaStreams, error) {
	// The decoders read the bufio.Reader byte by byte (an io.ByteReader):
	// nothing past a stream's end is consumed.
	br := bufio.NewReader(r)
	first, err := lzma.ReaderConfig{DictCap: maxLZMADict}.NewReader(br)
	if err != nil {
		return nil, err
	}
	return &lzmaStreams{br: br, cur: first}, nil
}

func (l *lzmaStreams) Read(p []byte) (int, error) {
	for {
		if l.cur == nil {
			if l.cur = l.next(); l.cur == nil {
				return 0, io.EOF
			}
		}
		n, err := l.cur.Read(p)
		if errors.Is(err, io.EOF) {
			l.cur = nil
			if n == 0 {
				continue
			}
			err = nil
		}
		return n, err
	}
}

// next opens the stream that starts at the next byte, or returns nil when
// none does (the end, or trailing data Python ignores).
func (l *lzmaStreams) next() io.Reader {
	h, _ := l.br.Peek(6)
	switch {
	case len(h) == 0:
		return nil
	case bytes.HasPrefix(h, []byte("\xfd7zXZ\x00")):
		r, err := xz.ReaderConfig{DictCap: lzma.MinDictCap}.NewReader(l.br)
		if err != nil {
			return nil
		}
		return r
	}
	r, err := lzma.ReaderConfig{DictCap: maxLZMADict}.NewReader(l.br)
	if err != nil {
		return nil
	}
	return r
}

// bzip2Streams ends the content where Go's reader finds data after a
// stream that is not another stream: Python's bz2 module (BZ2File, which
// joblib.load uses) ignores such trailing data.
// The end is kept: Go's reader would read on past its error.
type bzip2Streams struct {
	r    io.Reader
	done bool
}

func (b *bzip2Streams) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	n, err := b.r.Read(p)
	var se bzip2.StructuralError
	if errors.As(err, &se) && string(se) == "bad magic value in continuation file" {
		b.done, err = true, io.EOF
	}
	return n, err
}
