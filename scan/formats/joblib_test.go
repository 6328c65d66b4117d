package formats

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/scan"
)

// streamFixtures scans testdata/streams once per test binary run.
func streamFixtures(t *testing.T) map[string]finding.FileResult {
	t.Helper()
	opts := options()
	opts.Roots = []string{"testdata/streams"}
	rep, err := scan.Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]finding.FileResult{}
	for _, f := range rep.Files {
		got[strings.TrimPrefix(f.Path, "testdata/streams/")] = f
	}
	return got
}

// outcome renders what a fixture test checks: format, status, the members
// where posix.system is found, and the findings of the container rules.
func outcome(f finding.FileResult) string {
	var system, rules []string
	for _, fd := range f.Findings {
		switch {
		case fd.Callable == "posix.system":
			system = append(system, fd.Member)
		case fd.Rule == finding.RuleMalformedFormat || fd.Rule == finding.RuleTrailingData || fd.Rule == finding.RuleUnscannable || fd.Rule == finding.RuleInconclusive:
			rules = append(rules, fd.Rule+"@"+fd.Member)
		}
	}
	slices.Sort(system)
	system = slices.Compact(system)
	return fmt.Sprintf("%s %s system=%q rules=%q", f.Format, f.Status, system, rules)
}

type fixtureCase struct{ file, want string }

func checkFixtures(t *testing.T, tests []fixtureCase) {
	t.Helper()
	got := streamFixtures(t)
	for _, tt := range tests {
		t.Run(strings.NewReplacer(".", "_", "-", "_").Replace(tt.file), func(t *testing.T) {
			f, ok := got[tt.file]
			if !ok {
				t.Fatalf("%s not scanned", tt.file)
			}
			if s := outcome(f); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
}

func TestJoblibFixtures(t *testing.T) {
	checkFixtures(t, []fixtureCase{
		{"joblib_arrays.joblib", "joblib scanned system=[] rules=[]"},
		{"joblib_sklearn.joblib", "joblib scanned system=[] rules=[]"},
		{"joblib_sklearn_zlib.joblib", "joblib-zlib scanned system=[] rules=[]"},
		{"joblib_sklearn_gzip.joblib", "joblib-gzip scanned system=[] rules=[]"},
		{"joblib_sklearn_bz2.joblib", "joblib-bz2 scanned system=[] rules=[]"},
		{"joblib_sklearn_xz.joblib", "joblib-xz scanned system=[] rules=[]"},
		{"joblib_sklearn_lzma.joblib", "joblib-lzma scanned system=[] rules=[]"},
		{"joblib_sklearn_lz4.joblib", "joblib-lz4 scanned system=[] rules=[]"},
		{"evil_joblib_after_array.joblib", `joblib scanned system=[""] rules=[]`},
		{"evil_joblib_zlib.joblib", `joblib-zlib scanned system=[""] rules=[]`},
		{"evil_joblib_lzma.joblib", `joblib-lzma scanned system=[""] rules=[]`},
	})
}

// joblibDumpBytes writes what joblib.dump writes for a dict of float64
// arrays of n elements each (protocol 4 without frames or memo, which
// pickle accepts alike), with an optional payload after the last array.
func joblibDumpBytes(arrays, n int, payload bool) []byte {
	var b bytes.Buffer
	b.WriteString("\x80\x04}(") // PROTO EMPTY_DICT MARK
	for i := range arrays {
		b.WriteString("\x8c\x01" + string(rune('a'+i)))                                                     // SHORT_BINUNICODE key
		b.WriteString("\x8c\x13joblib.numpy_pickle\x8c\x11NumpyArrayWrapper\x93)\x81}(")                    // STACK_GLOBAL EMPTY_TUPLE NEWOBJ EMPTY_DICT MARK
		b.WriteString("\x8c\x08subclass\x8c\x05numpy\x8c\x07ndarray\x93")                                   // subclass: numpy.ndarray
		b.WriteString("\x8c\x05shapeJ" + string(binary.LittleEndian.AppendUint32(nil, uint32(n))) + "\x85") // shape: (n,)
		b.WriteString("\x8c\x05order\x8c\x01C")                                                             // order: 'C'
		b.WriteString("\x8c\x05dtype\x8c\x05numpy\x8c\x05dtype\x93\x8c\x02f8\x89\x88\x87R")                 // dtype: numpy.dtype('f8', False, True)
		b.WriteString("(K\x03\x8c\x01<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb")                        // BUILD (3, '<', None, None, None, -1, -1, 0)
		b.WriteString("\x8c\nallow_mmap\x88\x8c\x1bnumpy_array_alignment_bytesK\x10ub")                     // SETITEMS BUILD
		pad := 16 - (b.Len()+1)%16
		b.WriteByte(byte(pad))
		b.Write(bytes.Repeat([]byte{0xff}, pad))
		for j := range n {
			b.Write(binary.LittleEndian.AppendUint64(nil, math.Float64bits(float64(j))))
		}
	}
	if payload {
		b.WriteString("\x8c\x01zcposix\nsystem\n\x8c\x13touch /tmp/modelgate\x85R") // GLOBAL SHORT_BINUNICODE TUPLE1 REDUCE
	}
	b.WriteString("u.") // SETITEMS STOP
	return b.Bytes()
}

func TestJoblibSkipsArrays(t *testing.T) {
	data := joblibDumpBytes(4, 1<<18, true) // 8 MiB of arrays
	ra := &countingReaderAt{r: bytes.NewReader(data)}
	res := &finding.FileResult{}
	s := newSession(options(), res)
	in, err := scan.NewSectionInput(nil, "big.joblib", ra, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Scan(in); got != "joblib" {
		t.Errorf("format %q, want joblib", got)
	}
	if s := outcome(*res); s != `  system=[""] rules=[]` {
		t.Errorf("outcome %s", s)
	}
	if ra.n > 1<<20 {
		t.Errorf("read %d of %d bytes: inline arrays were read, not skipped", ra.n, len(data))
	}
}

func BenchmarkJoblib(b *testing.B) {
	data := joblibDumpBytes(8, 1<<21, true) // 128 MiB of arrays
	for _, tt := range []struct {
		name string
		file []byte
	}{
		{"uncompressed", data},
		{"zlib", compressBench(b, data)},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				res := &finding.FileResult{}
				opts := options()
				s := newSession(opts, res)
				in, err := scan.NewSectionInput(nil, "big.joblib", bytes.NewReader(tt.file), int64(len(tt.file)))
				if err != nil {
					b.Fatal(err)
				}
				if got := s.Scan(in); !strings.HasPrefix(got, "joblib") || len(res.Findings) == 0 {
					b.Fatalf("format %q, findings %v", got, res.Findings)
				}
			}
		})
	}
}

func compressBench(b *testing.B, data []byte) []byte {
	var buf bytes.Buffer
	w, _ := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	w.Write(data)
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}
