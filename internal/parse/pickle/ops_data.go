package pickle

import (
	"encoding/binary"
	"fmt"
	"math"
)

// operand reads k (<= bufSize) operand bytes and checks them against the
// current frame.
func (s *scanner) operand(k int) ([]byte, bool) {
	start := s.in.off()
	b, ok := s.in.next(k)
	if !ok {
		s.readErr()
		s.fail("pickle data was truncated")
		return nil, false
	}
	s.span(start, s.in.off())
	return b, true
}

// span checks an operand that occupied [start, end) against the frame.
// CPython 3.11 reads an operand that crosses the end of a frame in three
// ways: pickle.loads and pickle.load of a buffered file (one with peek)
// read on; pickle.load of io.BytesIO or an unbuffered file raises
// EOFError; pickle.py's _Unframer raises. The reader reads on and records
// the disagreement.
func (s *scanner) span(start, end int64) {
	if s.frameEnd >= 0 && start < s.frameEnd && end > s.frameEnd {
		s.disagree(fmt.Sprintf("an operand crosses the end of the FRAME at %d", s.frameEnd),
			"pickle.loads(bytes) and pickle.load of a buffered file (open(path, 'rb'); torch.load, dill.load of a path): read on and run what follows",
			"pickle.load of a reader without peek (io.BytesIO, open(path, 'rb', 0); torch.load of a zip's data.pkl, dill.loads(bytes)) and pickle.py's _Unpickler (joblib.load): raise")
		s.frameEnd = -1
	}
}

// line reads a text operand that must be whole (a number, a name).
func (s *scanner) line() ([]byte, bool) {
	b, long, ok := s.longLine()
	if ok && long {
		s.limit("MaxLineBytes", fmt.Sprintf("text operand longer than %d bytes", s.opts.MaxLineBytes))
		return nil, false
	}
	return b, ok
}

// longLine reads a text operand that may be longer than MaxLineBytes
// (STRING, UNICODE): b then holds its first MaxLineBytes and long is set.
func (s *scanner) longLine() (b []byte, long, ok bool) {
	start := s.in.off()
	b, long, ok = s.in.readLine(s.opts.MaxLineBytes)
	if !ok {
		s.readErr()
		s.fail("pickle data was truncated")
		return nil, false, false
	}
	s.span(start, s.in.off())
	return b, long, true
}

func (s *scanner) frame() {
	if s.frameEnd >= 0 && s.opStart < s.frameEnd {
		s.disagree("a FRAME starts before the end of the current frame",
			"_pickle.c (pickle.load, pickle.loads, torch.load, dill.load, whatever the reader): reads on and runs what follows",
			"pickle.py's _Unpickler (joblib.load): raises 'beginning of a new frame before end of current frame'")
	}
	b, ok := s.operand(8)
	if !ok {
		return
	}
	n := binary.LittleEndian.Uint64(b)
	if n > math.MaxInt64 {
		s.failf("FRAME length exceeds system's maximum of %d bytes", int64(math.MaxInt64))
		return
	}
	if !s.in.fits(int64(n)) {
		// _pickle.c raises here before running the frame; pickle.py runs
		// what is there. Read on, so nothing inside is missed.
		// A truncated file does this too: it is a disagreement when the
		// pickle completes inside the short frame (see shortFrameStop).
		s.anomaly(fmt.Sprintf("FRAME declares %d bytes but only %d remain: _pickle.c raises, pickle.py runs them", n, s.in.remaining()))
		s.shortFrame = &Disagreement{Offset: s.opStart, Op: opNames[s.op],
			Trick:    fmt.Sprintf("a FRAME declares %d bytes but only %d remain, and the pickle ends inside it", n, s.in.remaining()),
			Readings: [2]string{"pickle.py's _Unpickler (joblib.load): runs the bytes that are there and returns", "_pickle.c (pickle.load, pickle.loads, torch.load, dill.load): raises before running the frame"}}
	}
	s.frameEnd = s.in.off() + int64(n)
	if s.frameEnd < 0 {
		s.frameEnd = math.MaxInt64
	}
}

// intLine is INT and LONG (numbers.go has the rules).
func (s *scanner) intLine(long bool) {
	b, ok := s.line()
	if !ok {
		return
	}
	if len(b) == 0 {
		s.fail("pickle data was truncated")
		return
	}
	var n num
	if long {
		t := b
		if t[len(t)-1] == 'L' {
			t = t[:len(t)-1]
		}
		if n, ok = pyLong(cString(t), 0); !ok {
			s.failf("invalid literal for int() with base 0: %s", s.summary(s.text(kStr, string(b), int64(len(b)), fPy2), 40))
			return
		}
	} else {
		z := cString(b)
		if n, ok = strtol(z); ok {
			if len(b) == 2 && (n.n == 0 || n.n == 1) {
				s.push(value{kind: kBool, n: n.n})
				return
			}
		} else if n, ok = pyLong(z, 0); !ok {
			s.fail(errInt.Error())
			return
		}
	}
	if n.digits > maxStrDigits {
		s.anomaly(fmt.Sprintf("integer literal of %d digits: CPython 3.11 and later raise ValueError beyond %d digits unless sys.set_int_max_str_digits was raised; read on", n.digits, maxStrDigits))
	}
	if n.big {
		s.push(value{kind: kBigInt, n: int64(len(b))})
		return
	}
	s.push(intValue(n.n))
}

func (s *scanner) binInt(op byte) {
	switch op {
	case opBININT:
		if b, ok := s.operand(4); ok {
			s.push(intValue(int64(int32(binary.LittleEndian.Uint32(b)))))
		}
	case opBININT1:
		if b, ok := s.operand(1); ok {
			s.push(intValue(int64(b[0])))
		}
	default:
		if b, ok := s.operand(2); ok {
			s.push(intValue(int64(binary.LittleEndian.Uint16(b))))
		}
	}
}

// long reads LONG1 and LONG4: a little-endian two's complement integer.
func (s *scanner) long(op byte) {
	var n int64
	if op == opLONG1 {
		b, ok := s.operand(1)
		if !ok {
			return
		}
		n = int64(b[0])
	} else {
		b, ok := s.operand(4)
		if !ok {
			return
		}
		n = int64(int32(binary.LittleEndian.Uint32(b)))
		if n < 0 {
			s.fail("LONG pickle has negative byte count")
			return
		}
	}
	if n <= 8 {
		b, ok := s.operand(int(n))
		if !ok {
			return
		}
		var x int64
		for i := len(b) - 1; i >= 0; i-- {
			x = x<<8 | int64(b[i])
		}
		if n > 0 && n < 8 && b[n-1]&0x80 != 0 {
			x -= 1 << (8 * n)
		}
		s.push(intValue(x))
		return
	}
	if !s.skipOperand(n) {
		return
	}
	s.push(value{kind: kBigInt, n: n})
}

// skipOperand skips n operand bytes after checking them against the
// remaining data.
func (s *scanner) skipOperand(n int64) bool {
	if !s.in.fits(n) {
		s.fail("pickle data was truncated")
		return false
	}
	start := s.in.off()
	if !s.in.skip(n) {
		s.readErr()
		s.fail("pickle data was truncated")
		return false
	}
	s.span(start, s.in.off())
	return true
}

// floatLine is FLOAT (numbers.go has the rules).
func (s *scanner) floatLine() {
	b, ok := s.line()
	if !ok {
		return
	}
	if len(b) == 0 {
		s.fail("pickle data was truncated")
		return
	}
	f, err := parseFloatC(b)
	if err != nil {
		s.fail(err.Error())
		return
	}
	s.push(value{kind: kFloat, n: int64(math.Float64bits(f))})
}

func (s *scanner) binFloat() {
	if b, ok := s.operand(8); ok {
		s.push(value{kind: kFloat, n: int64(binary.BigEndian.Uint64(b))})
	}
}
