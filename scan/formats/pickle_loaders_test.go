package formats

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
)

// The joblib loader model (docs/loaders.md): bytes that joblib.load reads
// as array data are opcodes to pickle.load, torch.load, numpy.load and
// pandas.read_pickle, whatever the file is named; each case must be
// caught with the disagreement named, and a joblib dump whose array bytes
// are data must not be.

// xUnicode is BINUNICODE s.
func xUnicode(s string) string { return "X" + le32(len(s)) + s }

// joblibWrapper is the head of a joblib dump holding one uint8 array of n
// bytes under key "w", up to the BUILD after which joblib reads the
// array's data: PROTO 2, EMPTY_DICT MARK key, NumpyArrayWrapper()
// NEWOBJ, its state dict, BUILD.
func joblibWrapper(n int) string {
	return "\x80\x02}(" + xUnicode("w") + // PROTO EMPTY_DICT MARK BINUNICODE
		"cjoblib.numpy_pickle\nNumpyArrayWrapper\n)\x81}(" + // GLOBAL EMPTY_TUPLE NEWOBJ EMPTY_DICT MARK
		xUnicode("subclass") + "cnumpy\nndarray\n" +
		xUnicode("shape") + "(J" + le32(n) + "t" + // MARK BININT TUPLE
		xUnicode("order") + xUnicode("C") +
		xUnicode("dtype") + "cnumpy\ndtype\n(" + xUnicode("u1") + "\x89\x88tR" + // GLOBAL MARK .. NEWFALSE NEWTRUE TUPLE REDUCE
		"(K\x03" + xUnicode("|") + "NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb" + // the dtype's state, BUILD
		xUnicode("allow_mmap") + "\x89ub" // NEWFALSE SETITEMS BUILD
}

// payload2 is posix.system('touch /tmp/modelgate-redteam') in protocol 2
// opcodes that leave the stack as they found it: GLOBAL BINUNICODE TUPLE1
// REDUCE POP.
const payload2 = "cposix\nsystem\nX\x1b\x00\x00\x00touch /tmp/modelgate-redteam\x85R0"

// joblibSkip is a joblib dump whose array data is data to joblib and a
// payload to pickle.load; its stream ends as both readings end it.
func joblibSkip(data string) string {
	return joblibWrapper(len(data)) + data + "u." // SETITEMS STOP
}

func TestJoblibArrayDataIsOpcodes(t *testing.T) {
	memo := "\x80\x02cposix\nsystem\nq\x070" // PROTO GLOBAL BINPUT POP: memoized before the array
	tests := []struct{ name, file, data string }{
		{"plain_pickle_named_pkl", "features.pkl", joblibSkip(payload2)},
		{"named_joblib", "model.joblib", joblibSkip(payload2)},
		{"named_pt", "pytorch_model.bin", joblibSkip(payload2)},
		{"gzip_named_pkl_gz", "frame.pkl.gz", gzipOf(t, joblibSkip(payload2))},
		// The callable is memoized before the array (and reported as an
		// import there); pickle.load fetches and calls it from the
		// array bytes: BINGET BINUNICODE TUPLE1 REDUCE POP.
		{"callable_from_memo", "features.pkl", memo[:len(memo)-1] + "0" + joblibSkip("h\x07X\x02\x00\x00\x00id\x85R0")[2:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := scanBytes(t, tt.file, []byte(tt.data))
			if worst(res.Findings) < finding.High {
				t.Fatalf("worst %v, want high or critical: %+v", worst(res.Findings), res.Findings)
			}
			if !hasMessage(res.Findings, finding.RulePolyglot, "joblib array data that is also opcodes") {
				t.Errorf("no disagreement naming the trick: %+v", res.Findings)
			}
			if !hasMessage(res.Findings, "", "posix.system") {
				t.Errorf("the call pickle.load makes is not reported: %+v", res.Findings)
			}
		})
	}
}

// TestJoblibSecondReadingReadsTheRest: pickle.load's reading of a dump
// whose first array follows a pickle of 2 MiB starts where joblib's
// reading parts from it, so the file is not read twice: the bytes read
// stay near its size, plain or gzip-compressed
// (random text, so that the compressed stream is about as long).
func TestJoblibSecondReadingReadsTheRest(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("\x80\x02](") // PROTO EMPTY_LIST MARK
	for range 2048 {
		item := make([]byte, 1024)
		for i := range item {
			item[i] = 'a' + byte(rnd.IntN(26))
		}
		b.WriteString(xUnicode(string(item)))
	}
	b.WriteString("e0") // APPENDS POP
	dump := b.String() + joblibSkip(payload2)[2:]
	for _, tt := range []struct{ name, file, data string }{
		{"plain", "features.pkl", dump},
		{"gzip", "features.pkl.gz", gzipOf(t, dump)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, n := scanBytes(t, tt.file, []byte(tt.data))
			if !hasMessage(res.Findings, finding.RulePolyglot, "joblib array data that is also opcodes") || !hasMessage(res.Findings, "", "posix.system") {
				t.Fatalf("the payload in the array bytes is not reported: %+v", res.Findings)
			}
			// Read twice, it costs twice its size (4.3 MB, plain); the
			// rest is the engine's sniffing (the head, the zip check of
			// the last 64 KiB).
			if limit := int64(len(tt.data)) * 5 / 4; n > limit {
				t.Errorf("read %d bytes of a %d-byte file, want at most %d: the pickle before the array was read twice", n, len(tt.data), limit)
			}
			t.Logf("read %d bytes of %d", n, len(tt.data))
		})
	}
}

// TestJoblibSelfLoad: joblib's old NDArrayWrapper names the dump itself,
// so joblib.load unpickles it again, from offset 0, with numpy.load.
func TestJoblibSelfLoad(t *testing.T) {
	wrapper := xUnicode("b") + "cjoblib.numpy_pickle_compat\nNDArrayWrapper\n)\x81}(" +
		xUnicode("filename") + xUnicode("model.joblib") +
		xUnicode("subclass") + "cnumpy\nndarray\nub" // SETITEMS BUILD
	data := joblibWrapper(len(payload2)) + payload2 + wrapper + "u."
	res, _ := scanBytes(t, "model.joblib", []byte(data))
	if !hasMessage(res.Findings, finding.RulePolyglot, "names this very file") {
		t.Errorf("no self-load disagreement: %+v", res.Findings)
	}
}

// TestJoblibArrayDataBenign: dumps written by joblib, whose array data
// pickle.load reads as garbage or as the same object-array pickle joblib
// reads, give no disagreement; nor does a hand-built dump whose array
// bytes spell no name.
func TestJoblibArrayDataBenign(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "containers", "h*"))
	more, _ := filepath.Glob(filepath.Join("testdata", "library_benign", "*joblib*"))
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatal("no joblib fixtures")
	}
	cases := map[string][]byte{"zeros.pkl": []byte(joblibSkip(strings.Repeat("\x00", 4096))),
		"floats.pkl": []byte(joblibSkip("\x00\x00\x80?\x00\x00\x00@\x00\x00@@\x00\x00\x80@"))}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases[filepath.Base(f)] = b
	}
	for name, b := range cases {
		t.Run(strings.NewReplacer(".", "_", "-", "_").Replace(strings.ToLower(name)), func(t *testing.T) {
			res, _ := scanBytes(t, name, b)
			if hasMessage(res.Findings, finding.RulePolyglot, "loaders disagree") {
				t.Errorf("disagreement on a benign dump: %+v", res.Findings)
			}
		})
	}
}

// hasMessage reports whether a finding of rule ("" any) says what.
func hasMessage(fs []finding.Finding, rule, what string) bool {
	for _, f := range fs {
		if (rule == "" || f.Rule == rule) && strings.Contains(f.Message, what) {
			return true
		}
	}
	return false
}

// TestFrameRestPayload: bytes after a STOP inside its FRAME are skipped
// by pickle.load of an unbuffered file or io.BytesIO, which starts the
// next pickle at the frame's end; a payload there must be read.
func TestFrameRestPayload(t *testing.T) {
	first := "\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00K\x01.\xff\xfe\xfd" // PROTO FRAME(6) BININT1 STOP junk
	res, _ := scanBytes(t, "state.pkl", []byte(first+rtPayload))
	if !hasMessage(res.Findings, "", "posix.system") || !hasMessage(res.Findings, finding.RulePolyglot, "leaves 3 bytes of its FRAME") {
		t.Errorf("findings %+v", res.Findings)
	}
	// torch's legacy_load reads a tar's storages member unbuffered: the
	// entries start at the count pickle's frame end.
	count := "\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00K\x01." + strings.Repeat("\x00", 8) // PROTO FRAME(11) BININT1 STOP, 8 bytes left
	storages := count + tarStorage + tarEmpty + rtPayload
	res, _ = scanBytes(t, "model.pt", []byte(legacyTar(t, [2]string{"storages", storages}, [2]string{"tensors", "I0\n."}, [2]string{"pickle", "N."})))
	if w := worst(res.Findings); w < finding.High || !hasMessage(res.Findings, "", "posix.system") {
		t.Errorf("legacy tar: worst %v findings %+v", w, res.Findings)
	}
}

// TestLegacyUnbufferedPayload: a legacy checkpoint whose magic number
// pickle leaves bytes in its FRAME. torch.load of the path reads the next
// pickle right after STOP (junk: it raises); torch.load(io.BytesIO(...))
// reads it at the frame's end, where the payload is.
func TestLegacyUnbufferedPayload(t *testing.T) {
	magic := "\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."                             // LONG1 STOP
	first := "\x80\x04\x95" + le64(len(magic)+4) + magic + "\xff\xfe\xfd\xfc" // PROTO FRAME, 4 bytes left
	res, _ := scanBytes(t, "model.pt", []byte(first+rtPayload))
	if res.Format != "torch-legacy" || !hasMessage(res.Findings, "", "posix.system") || !hasMessage(res.Findings, finding.RulePolyglot, "leaves 4 bytes of its FRAME") {
		t.Errorf("format %q findings %+v", res.Format, res.Findings)
	}
}
