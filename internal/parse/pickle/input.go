package pickle

import (
	"bytes"
	"errors"
	"io"
)

// bufSize is the read buffer (smaller for shorter streams of known size):
// operands up to this size are returned as slices of the buffer without
// allocation.
const bufSize = 64 << 10

// input is a buffered, offset-tracking reader that skips large operands
// with Seek (or by discarding) instead of buffering them.
type input struct {
	r    io.Reader
	sk   io.Seeker // nil when r cannot seek
	buf  []byte
	pos  int   // next unread byte in buf
	n    int   // end of valid data in buf
	base int64 // stream offset of buf[0]
	size int64 // stream length, -1 when unknown
	eof  bool
	err  error // first read error other than io.EOF
	line []byte
	// keep, when not nil, keeps the bytes read from r for a fork.
	keep *kept
}

func newInput(r io.Reader, size int64) *input {
	in := &input{r: r, size: -1}
	if size > 0 {
		in.size = size
	}
	if sk, ok := r.(io.Seeker); ok {
		start, err1 := sk.Seek(0, io.SeekCurrent)
		end, err2 := sk.Seek(0, io.SeekEnd)
		_, err3 := sk.Seek(start, io.SeekStart)
		if err1 == nil && err2 == nil && err3 == nil && end >= start {
			in.sk = sk
			if in.size < 0 || end-start < in.size {
				in.size = end - start
			}
		}
	}
	// A short stream of known size (a nested pickle, a small file) gets a
	// buffer of its size: no operand can be longer than the data left.
	n := bufSize
	if in.size >= 0 && in.size < bufSize {
		n = max(int(in.size), 16)
	}
	in.buf = make([]byte, n)
	return in
}

// off is the stream offset of the next unread byte.
func (in *input) off() int64 { return in.base + int64(in.pos) }

// remaining is the number of bytes left, or -1 when unknown.
func (in *input) remaining() int64 {
	if in.size < 0 {
		return -1
	}
	return in.size - in.off()
}

// fits reports whether k more bytes may exist: false only when the size
// is known and too small.
func (in *input) fits(k int64) bool {
	rem := in.remaining()
	return k >= 0 && (rem < 0 || k <= rem)
}

// fill makes at least k (<= bufSize) bytes available unless the stream ends.
func (in *input) fill(k int) bool {
	if in.n-in.pos >= k {
		return true
	}
	if in.pos > 0 {
		copy(in.buf, in.buf[in.pos:in.n])
		in.base += int64(in.pos)
		in.n -= in.pos
		in.pos = 0
	}
	for in.n < k && !in.eof {
		m, err := in.r.Read(in.buf[in.n:])
		in.keep.add(in.buf[in.n : in.n+m])
		in.n += m
		if err != nil {
			in.eof = true
			if !errors.Is(err, io.EOF) {
				in.err = err
			}
			in.keep.end(in.err)
		} else if m == 0 {
			// A reader returning 0, nil forever must not hang us.
			in.eof = true
			in.keep.end(nil)
		}
	}
	return in.n-in.pos >= k
}

// readByte returns the next byte.
func (in *input) readByte() (byte, bool) {
	if in.pos < in.n || in.fill(1) {
		b := in.buf[in.pos]
		in.pos++
		return b, true
	}
	return 0, false
}

// peek returns the next byte without consuming it.
func (in *input) peek() (byte, bool) {
	if in.pos < in.n || in.fill(1) {
		return in.buf[in.pos], true
	}
	return 0, false
}

// next returns the next k (<= bufSize) bytes as a slice of the buffer,
// valid until the next call.
func (in *input) next(k int) ([]byte, bool) {
	if !in.fill(k) {
		in.pos = in.n
		return nil, false
	}
	b := in.buf[in.pos : in.pos+k]
	in.pos += k
	return b, true
}

// readFull fills dst from the stream.
func (in *input) readFull(dst []byte) bool {
	c := copy(dst, in.buf[in.pos:in.n])
	in.pos += c
	if c == len(dst) {
		return true
	}
	if len(dst)-c < bufSize {
		rest, ok := in.next(len(dst) - c)
		copy(dst[c:], rest)
		return ok
	}
	m, err := io.ReadFull(in.r, dst[c:])
	in.keep.add(dst[c : c+m])
	in.base += int64(in.n) + int64(m)
	in.pos, in.n = 0, 0
	if err != nil {
		in.eof = true
		if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			in.err = err
		}
		in.keep.end(in.err)
		return false
	}
	return true
}

// skip consumes k bytes without keeping them.
func (in *input) skip(k int64) bool {
	if k < 0 {
		return false
	}
	if avail := int64(in.n - in.pos); k <= avail {
		in.pos += int(k)
		return true
	}
	k -= int64(in.n - in.pos)
	in.base += int64(in.n)
	in.pos, in.n = 0, 0
	if in.sk != nil {
		in.keep.stop() // a gap: the rest is read again by seeking
		if !in.fits(k) {
			in.base = in.size
			in.eof = true
			return false
		}
		if _, err := in.sk.Seek(k, io.SeekCurrent); err != nil {
			in.err, in.eof = err, true
			return false
		}
		in.base += k
		return true
	}
	var w io.Writer = io.Discard
	if in.keep != nil && !in.keep.closed {
		w = in.keep
	}
	m, err := io.CopyN(w, in.r, k)
	in.base += m
	if err != nil || m < k {
		in.eof = true
		if err != nil && !errors.Is(err, io.EOF) {
			in.err = err
		}
		in.keep.end(in.err)
		return false
	}
	return true
}

// readLine returns the bytes before the next newline and consumes the
// newline. A line longer than max returns its first max bytes with long
// set, the rest is skipped. ok is false when the stream ends before a
// newline, as CPython's readline then raises.
func (in *input) readLine(max int) (line []byte, long, ok bool) {
	// Fast path: the whole line is buffered.
	if i := bytes.IndexByte(in.buf[in.pos:in.n], '\n'); i >= 0 && i <= max {
		line = in.buf[in.pos : in.pos+i]
		in.pos += i + 1
		return line, false, true
	}
	in.line = in.line[:0]
	total := 0
	for {
		if in.pos >= in.n && !in.fill(1) {
			return in.line, long, false
		}
		chunk := in.buf[in.pos:in.n]
		i := bytes.IndexByte(chunk, '\n')
		end := len(chunk)
		if i >= 0 {
			end = i
		}
		if room := max - len(in.line); room > 0 {
			in.line = append(in.line, chunk[:min(end, room)]...)
		}
		total += end
		if total > max {
			long = true
		}
		if i >= 0 {
			in.pos += i + 1
			return in.line, long, true
		}
		in.pos = in.n
	}
}

// skipToEnd consumes the rest of the stream and returns how many bytes
// that was.
func (in *input) skipToEnd() int64 {
	start := in.off()
	if rem := in.remaining(); rem >= 0 && in.sk != nil {
		in.skip(rem)
		return rem
	}
	for in.fill(1) {
		in.base += int64(in.n)
		in.pos, in.n = 0, 0
	}
	return in.off() - start
}
