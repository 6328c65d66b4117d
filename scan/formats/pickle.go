package formats

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/modelgate/modelgate/internal/parse/pickle"
	"github.com/modelgate/modelgate/scan"
)

// rawPickle is a stream of pickles from its first byte: a .pkl file, a
// pytorch_model.bin that is a bare pickle, a pickle member of an archive.
//
// Decisions:
//   - Protocols 2 to 5 start with PROTO and a version up to 5: matched on
//     the head alone. Protocols 0 and 1 have no header (and a pickle may
//     start with FRAME or any opcode): the first sniffWindow bytes are
//     parsed, and the input is a pickle when a pickle completes with
//     STOP, when an import of valid dotted Python identifiers was
//     recorded before an error, when a bound was hit, or when a file
//     longer than the window parsed for half of it. When the window ends
//     inside an operand CPython reads on (BINBYTES of 100 KB, a long
//     STRING line), the parse goes on past it (long operands skipped by
//     Seek, up to sniffDeepBytes read): a payload placed after one long
//     operand is not left unsniffed. Text files (README,
//     .py, .json, CMake files starting with "c" or "(") fail early
//     without a valid import and are not pickles.
//   - The whole stream is read with pickle.Read (every pickle back to
//     back) over a seekable reader when the input has random access, so
//     large operands are skipped, not read. Options.Joblib is set: a
//     stream without joblib's array wrappers reads exactly as without it.
//   - An error of the input itself (a decompression bound of an archive
//     member) is returned, so the scan is reported inconclusive rather
//     than the pickle malformed.
type rawPickle struct{}

var _ scan.Format = rawPickle{}

// sniffWindow is how much of a headerless input is parsed to decide
// whether it is a pickle.
const sniffWindow = scan.SniffSize

func (rawPickle) Name() string { return "pickle" }

func (rawPickle) Match(in *scan.Input) bool {
	h := in.Head
	switch {
	case len(h) == 0 || !isPickleOpcode(h[0]):
		return false
	case h[0] == 0x80: // PROTO
		return len(h) > 1 && h[1] <= 5
	}
	return sniffPickle(in)
}

func (rawPickle) Scan(s *scan.Session, in *scan.Input) error { return scanPickleStream(s, in) }

// sniffPickle parses the start of a headerless input as a pickle: the
// first sniffWindow bytes, and, when the window ends inside an operand
// that CPython would read on (a long BINBYTES, a long STRING line), on
// through the input with sniffDeep, so that a payload cannot hide behind
// one long operand.
func sniffPickle(in *scan.Input) bool {
	longer := func(buf []byte) bool { return in.Size < 0 || in.Size > int64(len(buf)) }
	// The head first: most inputs fail or succeed there, with no read.
	res, cut := sniffRead(in, in.Head, longer(in.Head))
	if sniffed(res) || !cut || !longer(in.Head) {
		return sniffed(res)
	}
	rc, err := in.Open()
	if err != nil {
		return false
	}
	window := int64(sniffWindow)
	if in.Size >= 0 {
		window = min(window, in.Size)
	}
	buf := make([]byte, window)
	n, err := io.ReadFull(rc, buf)
	rc.Close()
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false
	}
	buf = buf[:n]
	res, cut = sniffRead(in, buf, longer(buf))
	switch {
	case sniffed(res):
		return true
	case res.Err != nil && len(buf) == sniffWindow && res.Err.Offset >= sniffWindow/2:
		return true
	case longer(buf) && len(buf) == sniffWindow && cut && res.Err != nil && readsOn(buf, res.Err.Offset):
		return sniffDeep(in)
	}
	return false
}

// sniffRead parses buf, the start of in, and reports whether the parse
// asked for more than buf holds. With longer set the input goes on past
// buf: operands are checked against the input's size, not buf's, so that
// one that runs past buf is cut rather than refused.
func sniffRead(in *scan.Input, buf []byte, longer bool) (*pickle.Result, bool) {
	w := &sniffReader{r: bytes.NewReader(buf), left: int64(len(buf))}
	opts := pickle.DefaultOptions()
	opts.Size = int64(len(buf))
	if longer {
		opts.Size = max(in.Size, 0) // 0: unknown
	}
	return pickle.Read(w, opts), w.cut
}

// readsOn reports whether the opcode at off, cut by the end of buf, is
// one whose operand CPython reads on however long it is: counted strings
// and bytes, frames, and text lines that are still a valid prefix of
// their operand. GLOBAL, INST and PERSID lines are not: no module or
// persistent id is that long, so nothing follows them.
func readsOn(buf []byte, off int64) bool {
	if off < 0 || off >= int64(len(buf)) {
		return false
	}
	rest := buf[off+1:]
	switch buf[off] {
	case 'B', 'T', 'X', 0x8d, 0x8e, 0x96, 0x95: // BINBYTES BINSTRING BINUNICODE BINUNICODE8 BINBYTES8 BYTEARRAY8 FRAME
		return true
	case 'V': // UNICODE: raw-unicode-escape, any bytes
		return true
	case 'S': // STRING: quoted
		return len(rest) > 0 && (rest[0] == '\'' || rest[0] == '"')
	case 'F', 'I', 'L', 'g', 'p': // FLOAT INT LONG GET PUT: a number
		return len(bytes.Trim(rest, "0123456789+-._ \teEinfatyINFATY")) == 0
	}
	return false
}

// sniffDeepBytes bounds the bytes read by sniffDeep (operands skipped by
// Seek are not read). An input that is still a valid pickle prefix there
// is a pickle.
const sniffDeepBytes = 16 << 20

// sniffDeep parses an input whose first sniffWindow bytes are a valid
// pickle prefix ending inside a long operand on through its end, up to
// sniffDeepBytes read. With random access, operands over MaxOperandBytes
// are skipped by Seek, not read.
func sniffDeep(in *scan.Input) bool {
	opts := pickle.DefaultOptions()
	opts.MaxOperandBytes = 4 << 10
	opts.Size = max(in.Size, 0)
	w := &sniffReader{left: sniffDeepBytes}
	var r io.Reader = w
	if in.At != nil {
		sec := io.NewSectionReader(in.At, 0, in.Size)
		w.r = sec
		r = struct {
			io.Reader
			io.Seeker
		}{w, sec}
	} else {
		rc, err := in.Open()
		if err != nil {
			return false
		}
		defer rc.Close()
		w.r = rc
	}
	res := pickle.Read(r, opts)
	return sniffed(res) || w.cut
}

// sniffed reports whether a sniffing parse found a pickle: one completed,
// a bound was hit, or an import of valid dotted Python identifiers was
// recorded (before any error).
func sniffed(res *pickle.Result) bool {
	if res.Pickles > 0 || res.Limit != nil {
		return true
	}
	for _, im := range res.Imports {
		if dottedIdent(im.Global.Module) && dottedIdent(im.Global.Name) {
			return true
		}
	}
	return false
}

// sniffReader reads at most left bytes of r, and records in cut whether
// more was asked for after they were spent: the parse ran past its window
// without failing of its own.
type sniffReader struct {
	r    io.Reader
	left int64
	cut  bool
}

func (w *sniffReader) Read(p []byte) (int, error) {
	if w.left <= 0 {
		w.cut = true
		return 0, io.EOF
	}
	if int64(len(p)) > w.left {
		p = p[:w.left]
	}
	n, err := w.r.Read(p)
	w.left -= int64(n)
	return n, err
}

// dottedIdent reports whether s is a dotted Python identifier (ASCII
// letters, digits and underscores; non-ASCII letters are accepted).
func dottedIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" || (part[0] >= '0' && part[0] <= '9') {
			return false
		}
		for _, c := range part {
			ok := c == '_' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
			if !ok {
				return false
			}
		}
	}
	return true
}

// pickleOpcodes are the bytes that start a pickle opcode, protocols 0 to 5.
const pickleOpcodes = "(.012FGIJKLMNPQRSTUVXabcdeghijlopqrstu}])" +
	"\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b" +
	"BC" + "\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95" + "\x96\x97\x98"

func isPickleOpcode(b byte) bool { return strings.IndexByte(pickleOpcodes, b) >= 0 }

// scanPickleAt reads every pickle of in from offset off, judges them and
// returns the facts. With joblibOff the stream is read as plain
// pickle.load reads it. prefix starts each message (offsets are relative
// to off). The error is the input's own, not the pickle's.
func scanPickleAt(s *scan.Session, in *scan.Input, off int64, joblibOff bool, prefix string) (*pickle.Result, error) {
	opts := s.PickleOptions()
	opts.Joblib = !joblibOff
	res, err := readPicklesAt(in, off, opts, false)
	return judgeRead(s, in, res, err, prefix)
}

// judgeRead judges res, read from in with the input's error err.
func judgeRead(s *scan.Session, in *scan.Input, res *pickle.Result, err error, prefix string) (*pickle.Result, error) {
	if res == nil {
		return nil, err
	}
	if err != nil && res.Err != nil && strings.HasPrefix(res.Err.Msg, "read: ") {
		res.Err = nil // the input failed, not the pickle: returned below
	}
	s.Pickle(in, res, prefix)
	return res, err
}

// readPicklesAt reads one pickle (one=true) or all pickles of in from
// off with opts, their Size set from in. The error is the input's own
// (opening it, skipping to off, a failed read), not the pickle's.
func readPicklesAt(in *scan.Input, off int64, opts pickle.Options, one bool) (*pickle.Result, error) {
	read := pickle.Read
	if one {
		read = pickle.ReadOne
	}
	res, _, err := readWith(in, off, opts, func(r io.Reader, o pickle.Options) (*pickle.Result, *pickle.Fork) {
		return read(r, o), nil
	})
	return res, err
}

// readWith runs read over in from off with opts, their Size set from in.
func readWith(in *scan.Input, off int64, opts pickle.Options, read func(io.Reader, pickle.Options) (*pickle.Result, *pickle.Fork)) (*pickle.Result, *pickle.Fork, error) {
	r, c, err := openAt(in, off)
	if err != nil {
		return nil, nil, err
	}
	defer c.Close()
	opts.Size = 0
	if in.Size >= 0 {
		opts.Size = max(in.Size-off, 0)
	}
	er := &inputErr{r: r}
	res, fork := read(er.reader(), opts)
	return res, fork, er.err
}

// openAt returns a reader of in from off: a seekable section with random
// access, else the stream opened afresh with off bytes discarded.
func openAt(in *scan.Input, off int64) (io.Reader, io.Closer, error) {
	if in.At != nil {
		return io.NewSectionReader(in.At, off, max(in.Size-off, 0)), io.NopCloser(nil), nil
	}
	rc, err := in.Open()
	if err != nil {
		return nil, nil, err
	}
	if n, err := io.CopyN(io.Discard, rc, off); err != nil {
		rc.Close()
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, nil, fmt.Errorf("skip to offset %d: at %d: %w", off, n, err)
	}
	return rc, rc, nil
}

// inputErr remembers the first error of r other than io.EOF.
type inputErr struct {
	r   io.Reader
	err error
}

// reader returns e, keeping the Seek of the underlying reader.
func (e *inputErr) reader() io.Reader {
	if sk, ok := e.r.(io.Seeker); ok {
		return struct {
			io.Reader
			io.Seeker
		}{e, sk}
	}
	return e
}

func (e *inputErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && e.err == nil {
		e.err = err
	}
	return n, err
}
