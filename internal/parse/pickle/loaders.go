package pickle

import "fmt"

// Loaders read the same bytes in different ways: CPython's two
// unpicklers (_pickle.c behind pickle.load, pickle.loads, torch.load,
// dill.load and cloudpickle.load; pickle.py's _Unpickler behind
// joblib.load) and joblib's NumpyUnpickler, which reads array data where
// pickle.load reads opcodes. The reader follows one reading (_pickle.c's, or joblib's with
// Options.Joblib) and records where the others leave it, so that the
// caller can read the stream again the other way and the policy can name
// the disagreement.

// Disagreement is a place where two real loaders read the same bytes
// differently: what one runs, the other refuses or reads as data. No
// writer of pickles produces one; it is how a payload is shown to one
// loader and hidden from another.
type Disagreement struct {
	Offset int64
	Op     string // the opcode at Offset
	// Trick names the construct, e.g. "operand crosses the end of a FRAME".
	Trick string
	// Readings says what each side does, "loaders: what they do".
	Readings [2]string
}

// Span is a range of the stream.
type Span struct{ Offset, Size int64 }

// ExternalFile is a file a joblib NDArrayWrapper or ZNDArrayWrapper
// names: joblib.load opens it (from the dump's folder) with numpy.load
// and allow_pickle=True, so a file that is no .npy is unpickled.
type ExternalFile struct {
	Offset  int64
	Wrapper string // NDArrayWrapper or ZNDArrayWrapper
	Name    string // the file name as the wrapper's state holds it; "" when not a literal str
}

// maxSpans bounds Result.JoblibData and Result.JoblibFiles.
const maxSpans = 64

// disagree records a disagreement at the current opcode.
func (s *scanner) disagree(trick, first, second string) {
	if len(s.res.Disagreements) >= s.opts.MaxAnomalies {
		return
	}
	s.res.Disagreements = append(s.res.Disagreements, Disagreement{
		Offset: s.opStart, Op: opNames[s.op], Trick: trick, Readings: [2]string{first, second}})
}

// joblibData records bytes that joblib's reading treats as array data
// (raw, or an inline pickle of an object array) where pickle.load reads
// opcodes of the same pickle.
func (s *scanner) joblibData(off, size int64) {
	if len(s.res.JoblibData) < maxSpans {
		s.res.JoblibData = append(s.res.JoblibData, Span{Offset: off, Size: size})
	}
}

// externalFile records the file an old joblib wrapper names.
func (s *scanner) externalFile(w string, state value) {
	if len(s.res.JoblibFiles) >= maxSpans {
		return
	}
	f := ExternalFile{Offset: s.opStart, Wrapper: w}
	if v := s.dictGet(state, "filename"); v.kind == kStr && v.flags&fTrunc == 0 {
		f.Name = s.str(v)
	}
	s.res.JoblibFiles = append(s.res.JoblibFiles, f)
}

// IsOpcode reports whether b starts a pickle opcode: a stream whose first
// byte is not one makes every unpickler raise before it runs anything.
func IsOpcode(b byte) bool { return isOpcode(b) }

// frameRest returns where the reader of the next pickle starts when the
// file is read without peek: the end of the frame the STOP just read lies
// in, with bytes left in it, or the offset after STOP. Bytes left in a
// frame after STOP are a disagreement: CPython 3.11's pickle.load of a
// buffered file starts the next load right after STOP, of an unbuffered
// file or io.BytesIO (and pickle.py) at the frame's end.
func (s *scanner) frameRest() int64 {
	off, end := s.in.off(), s.frameEnd
	if s.in.size >= 0 && end > s.in.size {
		end = s.in.size // a short frame: only what is there
	}
	if s.frameEnd < 0 || end <= off {
		return off
	}
	if len(s.res.FrameRests) < maxSpans {
		s.res.FrameRests = append(s.res.FrameRests, Span{Offset: off, Size: end - off})
	}
	s.disagree(fmt.Sprintf("the pickle's STOP leaves %d bytes of its FRAME unread", end-off),
		"pickle.load of a buffered file (open(path, 'rb'); torch.load's legacy pickles): the next load starts right after STOP",
		"pickle.load of an unbuffered file or io.BytesIO (torch's legacy tar members, dill.loads(bytes)) and pickle.py: the next load starts at the frame's end")
	return end
}
