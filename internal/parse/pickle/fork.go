package pickle

import (
	"errors"
	"io"
)

// A second reading costs only the bytes that differ. joblib.load and
// pickle.load read a stream the same way up to the first BUILD of a
// joblib array wrapper: there joblib reads the array (or opens another
// file) where pickle.load goes on reading opcodes. Everything before that
// point (the stack, the metastack, the memo, the frame, the facts) is the
// same for both, so instead of reading the stream again from offset 0 as
// pickle.load, ReadFork copies the machine at that point (the fork) and
// Fork.Resume reads on from there as pickle.load: the result is the one
// Read with Options.Joblib unset returns, at the cost of a copy of the
// model built so far and of the bytes after the parting.
//
// The bytes after the parting are kept as the first reading reads them,
// up to Options.MaxForkBytes: what was buffered at the parting and what it
// reads next from the underlying reader, until it seeks (a file with
// random access, where reading them again costs a seek) or the bound is
// reached. The fork reads the kept bytes first and asks its caller for a
// reader at the offset after them only when it reads further, so a
// decompressed stream is decompressed again from its start only when
// pickle.load reads more than MaxForkBytes past the parting (random array
// bytes end its reading within a few bytes).

// Fork is pickle.load's reading of a stream, stopped where joblib's
// reading first parted from it.
type Fork struct {
	// Offset is where the readings part: the byte after the BUILD of the
	// first joblib array wrapper.
	Offset   int64
	s        *scanner
	keep     *kept
	seekable bool
	size     int64
	bufLen   int
}

// ReadFork is Read with Options.Joblib set, and returns as well the fork
// of pickle.load's reading at the first place the two part (nil when
// they read the whole stream the same way).
func ReadFork(r io.Reader, opts Options) (*Result, *Fork) {
	opts = opts.sane()
	opts.Joblib = true
	s := newScanner(r, opts, 0, &shared{})
	s.fork = &Fork{}
	s.stream(false)
	s.done()
	if s.fork.s == nil {
		return s.res, nil
	}
	return s.res, s.fork
}

// Resume reads on from the parting as pickle.load does and returns the
// facts of the whole stream, as Read with Options.Joblib unset would.
// open returns the stream from a given offset; it is called at most once,
// when the reading needs bytes the first reading did not keep. A fork
// resumes once; later calls return nil.
func (f *Fork) Resume(open func(off int64) (io.Reader, error)) *Result {
	s := f.s
	if s == nil {
		return nil
	}
	f.s = nil
	fr := &forkReader{kept: f.keep.b, eof: f.keep.eof, off: f.Offset, open: open}
	s.in = &input{r: fr, buf: make([]byte, f.bufLen), base: f.Offset, size: f.size}
	if f.seekable {
		s.in.sk = fr
	}
	if s.finish(false) {
		s.stream(false)
	}
	s.done()
	return s.res
}

// takeFork copies the machine as pickle.load's reading has it here, and
// starts keeping the bytes that follow for it.
func (s *scanner) takeFork() {
	c := s.clone()
	k := &kept{max: s.opts.MaxForkBytes}
	k.add(s.in.buf[s.in.pos:s.in.n])
	if s.in.eof {
		k.end(s.in.err)
	}
	s.in.keep = k
	*s.fork = Fork{Offset: s.in.off(), s: c, keep: k, seekable: s.in.sk != nil, size: s.in.size, bufLen: len(s.in.buf)}
	s.fork.s.fork = nil
}

// kept collects the bytes the first reading reads after the parting, in
// order and without a gap, up to max.
type kept struct {
	b      []byte
	max    int64
	eof    bool // b runs to the end of the stream
	closed bool // no more bytes are kept
}

func (k *kept) add(p []byte) {
	if k == nil || k.closed {
		return
	}
	if room := k.max - int64(len(k.b)); int64(len(p)) > room {
		k.b = append(k.b, p[:room]...)
		k.closed = true
		return
	}
	k.b = append(k.b, p...)
}

// Write keeps p (the bytes a skip discards).
func (k *kept) Write(p []byte) (int, error) {
	k.add(p)
	return len(p), nil
}

// end records that the stream ended with err (nil at its end): the kept
// bytes then run to the end unless some were dropped.
func (k *kept) end(err error) {
	if k == nil || k.closed {
		return
	}
	k.eof = err == nil
	k.closed = true
}

// stop ends the keeping at a gap (a seek).
func (k *kept) stop() {
	if k != nil {
		k.closed = true
	}
}

// forkReader is the stream from the parting: the kept bytes, then the
// caller's reader opened where they end.
type forkReader struct {
	kept []byte
	eof  bool
	off  int64
	open func(off int64) (io.Reader, error)
	r    io.Reader
	err  error
}

func (fr *forkReader) Read(p []byte) (int, error) {
	if len(fr.kept) > 0 {
		n := copy(p, fr.kept)
		fr.kept = fr.kept[n:]
		fr.off += int64(n)
		return n, nil
	}
	if fr.eof {
		return 0, io.EOF
	}
	if err := fr.openAt(); err != nil {
		return 0, err
	}
	n, err := fr.r.Read(p)
	fr.off += int64(n)
	return n, err
}

// openAt opens the caller's reader at fr.off, once.
func (fr *forkReader) openAt() error {
	if fr.r == nil && fr.err == nil {
		fr.r, fr.err = fr.open(fr.off)
		if fr.r == nil && fr.err == nil {
			fr.err = errors.New("fork: no reader")
		}
	}
	return fr.err
}

// errSeek is returned for a seek input.skip never asks for.
var errSeek = errors.New("fork: only forward seeks from the current offset")

// Seek moves forward from the current offset, the one seek input.skip
// makes: within the kept bytes, or by seeking the caller's reader (which
// is opened at the new offset when it is not open yet).
func (fr *forkReader) Seek(k int64, whence int) (int64, error) {
	if whence != io.SeekCurrent || k < 0 {
		return 0, errSeek
	}
	if k <= int64(len(fr.kept)) {
		fr.kept = fr.kept[k:]
		fr.off += k
		return fr.off, nil
	}
	k -= int64(len(fr.kept))
	fr.off += int64(len(fr.kept))
	fr.kept = nil
	if fr.r != nil {
		sk, ok := fr.r.(io.Seeker)
		if !ok {
			return 0, errSeek
		}
		if _, err := sk.Seek(k, io.SeekCurrent); err != nil {
			return 0, err
		}
	}
	fr.off += k
	return fr.off, nil
}
