package pickle

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// wrapperKind says which joblib placeholder an object is.
func wrapperKind(g *Global) string {
	if g == nil {
		return ""
	}
	m := g.Module
	if m != "joblib.numpy_pickle" && m != "joblib.numpy_pickle_compat" &&
		!strings.HasSuffix(m, ".joblib.numpy_pickle") && !strings.HasSuffix(m, ".joblib.numpy_pickle_compat") {
		return ""
	}
	switch g.Name {
	case "NumpyArrayWrapper", "NDArrayWrapper", "ZNDArrayWrapper":
		return g.Name
	}
	return ""
}

// joblibBuild follows joblib's NumpyUnpickler.load_build: when BUILD
// leaves a NumpyArrayWrapper on top, the array is read from the stream
// right here, and replaces the wrapper on the stack.
func (s *scanner) joblibBuild() {
	top, ok := s.top()
	if !ok || top.kind != kObject || !s.objectOf(top).direct {
		return
	}
	w := wrapperKind(s.globalOf(top))
	if w == "" {
		return
	}
	if s.fork != nil && s.fork.s == nil && s.depth == 0 {
		s.takeFork() // the readings part here
	}
	state := s.objectOf(top).item(2)
	s.charge(objectBytes)
	v, o := s.newObject(kObject, 0)
	o.how, o.gi = hJoblib, s.objectOf(top).gi
	s.stack[len(s.stack)-1] = v
	if w != "NumpyArrayWrapper" {
		// NDArrayWrapper and ZNDArrayWrapper keep the array in a file of
		// its own, loaded with np.load(allow_pickle=True).
		s.anomaly(fmt.Sprintf("joblib %s loads the external file %s", w, s.summary(s.dictGet(state, "filename"), s.opts.MaxArgsLen)))
		s.externalFile(w, state)
		return
	}
	start := s.in.off()
	if s.frameEnd >= 0 && s.in.off() < s.frameEnd {
		s.joblibData(start, -1)
		s.limit("Joblib", "joblib array data inside a frame: pickle.py would read it after the frame")
		return
	}
	size, object, err := s.arraySize(state)
	if err != "" {
		s.joblibData(start, -1)
		s.limit("Joblib", "cannot size the joblib array: "+err)
		return
	}
	if object {
		s.inlinePickle()
		s.joblibData(start, s.in.off()-start)
		return
	}
	if align := s.dictGet(state, "numpy_array_alignment_bytes"); align.kind != kAbsent && align.kind != kNone {
		b, ok := s.operand(1)
		if !ok {
			return
		}
		if !s.skipOperand(int64(b[0])) {
			return
		}
	}
	if !s.in.fits(size) || !s.in.skip(size) {
		s.readErr()
		s.failf("EOF: reading array data, expected %d bytes", size)
	}
	s.joblibData(start, s.in.off()-start)
}

// inlinePickle scans the pickle joblib writes inline for an object array
// (read with pickle.load, the standard unpickler), in the same Result.
func (s *scanner) inlinePickle() {
	if s.depth+1 > s.opts.MaxNesting {
		s.limit("MaxNesting", "joblib object array deeper than MaxNesting")
		return
	}
	stack, marks, memo := s.stack, s.marks, s.memo
	proto, maxProto, nops, frameEnd := s.proto, s.maxProto, s.nops, s.frameEnd
	protocols := len(s.res.Protocols)
	joblib := s.opts.Joblib
	s.stack, s.marks = nil, nil
	s.opts.Joblib = false
	s.depth++
	s.pickle()
	s.depth--
	s.opts.Joblib = joblib
	s.res.Protocols = s.res.Protocols[:protocols]
	s.stack, s.marks, s.memo = stack, marks, memo
	s.proto, s.maxProto, s.nops, s.frameEnd = proto, maxProto, nops, frameEnd
}

// dictGet returns d[key] for a dict with str keys, or an absent value.
func (s *scanner) dictGet(d value, key string) value {
	if d.kind != kDict {
		return value{}
	}
	for i := 0; i+1 < len(s.objectOf(d).items); i += 2 {
		if k := s.objectOf(d).items[i]; k.kind == kStr && s.str(k) == key {
			return s.objectOf(d).items[i+1]
		}
	}
	return value{}
}

// arraySize computes the bytes of array data from the wrapper state:
// the product of shape times the dtype's item size, and whether the dtype
// holds Python objects (then a pickle follows instead).
func (s *scanner) arraySize(state value) (int64, bool, string) {
	if state.kind != kDict {
		return 0, false, "wrapper state is not a dict"
	}
	itemsize, object, err := s.dtypeSize(s.dictGet(state, "dtype"))
	if err != "" {
		return 0, false, err
	}
	if object {
		return 0, true, ""
	}
	shape := s.dictGet(state, "shape")
	if shape.kind != kTuple || s.objectOf(shape).count != int64(len(s.objectOf(shape).items)) {
		return 0, false, "shape is not a known tuple"
	}
	count := int64(1)
	for _, d := range s.objectOf(shape).items {
		if d.kind != kInt || d.n < 0 {
			return 0, false, "shape holds a value that is not a size"
		}
		if d.n != 0 && count > math.MaxInt64/d.n {
			return 0, false, "shape overflows"
		}
		count *= d.n
	}
	if itemsize != 0 && count > math.MaxInt64/itemsize {
		return 0, false, "array size overflows"
	}
	return count * itemsize, false, ""
}

// dtypeSize reads numpy.dtype(typestr, align, copy) and its BUILD state
// (version, byteorder, subarray, names, fields, elsize, alignment, flags).
func (s *scanner) dtypeSize(dt value) (int64, bool, string) {
	if dt.kind != kObject || s.objectOf(dt).how != hCall || s.globalOf(dt) == nil || s.globalOf(dt).Name != "dtype" ||
		!strings.HasPrefix(s.globalOf(dt).Module, "numpy") {
		return 0, false, "dtype is not numpy.dtype(...)"
	}
	args := s.objectOf(dt).item(1)
	if args.kind != kTuple || s.objectOf(args).count < 1 || !s.objectOf(args).items[0].isText() {
		return 0, false, "dtype arguments are not literal"
	}
	typ := s.str(s.objectOf(args).items[0])
	state := s.objectOf(dt).item(2)
	var elsize, flags int64 = -1, 0
	if state.kind == kTuple && len(s.objectOf(state).items) >= 8 {
		if e := s.objectOf(state).items[5]; e.kind == kInt {
			elsize = e.n
		}
		if f := s.objectOf(state).items[7]; f.kind == kInt {
			flags = f.n
		}
		if sub := s.objectOf(state).items[2]; sub.kind != kNone {
			return 0, false, "subarray dtypes are not supported"
		}
	}
	kindChar := strings.TrimLeft(typ, "<>|=")
	if kindChar == "" {
		return 0, false, "empty dtype string"
	}
	if kindChar[0] == 'O' || flags&1 != 0 {
		return 0, true, ""
	}
	digits := strings.TrimLeft(kindChar, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ?")
	if i := strings.IndexByte(digits, '['); i >= 0 {
		digits = digits[:i] // datetime units, e.g. M8[ns]
	}
	size, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || size < 0 {
		return 0, false, "dtype string without a size: " + typ
	}
	switch kindChar[0] {
	case 'V', 'U', 'S':
		if elsize >= 0 {
			size = elsize
		}
	}
	return size, false, ""
}
