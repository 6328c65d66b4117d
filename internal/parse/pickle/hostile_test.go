package pickle

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// hostile returns inputs built to exhaust a naive reader. Each must end
// with the given fact; time and memory are measured by BenchmarkHostile.
func hostile() []struct {
	name, data, err, limit string
} {
	const million = 1_000_000
	return []struct{ name, data, err, limit string }{
		{"lone_ff", "\xff", "invalid load key", ""},
		{"binbytes8_8eib", "\x80\x04\x8e\x00\x00\x00\x00\x00\x00\x00\x7f\x00\x00\x00\x00.", "truncated", ""},                        // PROTO BINBYTES8 ...
		{"frame_8eib", "\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x7fN.\x00\x00\x00", "", ""},                                        // PROTO FRAME NONE STOP
		{"binunicode8_huge", "\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x00", "truncated", ""},                       // PROTO BINUNICODE8
		{"million_marks", strings.Repeat("(", million) + ".", "", "MaxStackDepth"},                                                  // MARK* STOP
		{"million_appends", "]" + strings.Repeat("Na", million) + ".", "", ""},                                                      // EMPTY_LIST (NONE APPEND)* STOP
		{"million_memo", "N" + strings.Repeat("\x94", million) + ".", "", ""},                                                       // NONE MEMOIZE* STOP
		{"million_memo_lists", strings.Repeat("]\x940", million) + "N.", "", ""},                                                    // (EMPTY_LIST MEMOIZE POP)* NONE STOP
		{"full_memo_lists", strings.Repeat("]("+strings.Repeat("N", 32)+"e\x940", 200_000) + "N.", "", "MaxModelBytes"},             // (EMPTY_LIST MARK NONE*32 APPENDS MEMOIZE POP)* NONE STOP
		{"sparse_memo", "N" + strings.Repeat("r\xff\xff\xff\x7f", 1) + sparsePuts(200_000) + ".", "", ""},                           // NONE LONG_BINPUT* STOP
		{"million_dups", "N" + strings.Repeat("2", million) + ".", "", "MaxStackDepth"},                                             // NONE DUP* STOP
		{"get_missing", "\x80\x02j\xff\xff\xff\xff.", "not found", ""},                                                              // PROTO LONG_BINGET STOP
		{"stack_global_non_str", "\x80\x04NN\x93.", "requires str", ""},                                                             // PROTO NONE NONE STACK_GLOBAL STOP
		{"deep_tuples", "N" + strings.Repeat("\x85", million) + ".", "", ""},                                                        // NONE TUPLE1* STOP
		{"long_line", "S'" + strings.Repeat("a", 3<<20), "truncated", ""},                                                           // STRING without newline
		{"million_reduce", "cos\nsystem\n" + strings.Repeat("2)R0", million) + ".", "", "MaxModelBytes"},                            // GLOBAL (DUP EMPTY_TUPLE REDUCE POP)* STOP
		{"million_getattr", "cbuiltins\ngetattr\n" + strings.Repeat("2N\x8c\x01x\x86R0", million) + ".", "", "MaxModelBytes"},       // GLOBAL (DUP NONE SHORT_BINUNICODE TUPLE2 REDUCE POP)* STOP: 4096 calls listed
		{"million_pickles", strings.Repeat("N.", million), "", "MaxPickles"},                                                        // (NONE STOP)*
		{"repeated_loads", "cpickle\nloads\nq\x00C\x04\x80\x02N.\x85q\x01" + strings.Repeat("h\x00h\x01R0", 10_000) + "N.", "", ""}, // GLOBAL BINPUT SHORT_BINBYTES TUPLE1 BINPUT (BINGET BINGET REDUCE POP)* NONE STOP
	}
}

func sparsePuts(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		k := uint32(i)*7919 + 1<<20
		b.WriteString("r" + string([]byte{byte(k), byte(k >> 8), byte(k >> 16), byte(k >> 24)}))
	}
	return b.String()
}

func TestHostile(t *testing.T) {
	for _, h := range hostile() {
		t.Run(h.name, func(t *testing.T) {
			r := Read(strings.NewReader(h.data), DefaultOptions())
			if h.err != "" && (r.Err == nil || !strings.Contains(r.Err.Msg, h.err)) {
				t.Errorf("err %v, want %q", r.Err, h.err)
			}
			if h.limit != "" && (r.Limit == nil || r.Limit.Name != h.limit) {
				t.Errorf("limit %+v, want %s", r.Limit, h.limit)
			}
			if h.err == "" && h.limit == "" && (r.Err != nil || r.Limit != nil) {
				t.Errorf("unexpected err %v limit %+v", r.Err, r.Limit)
			}
		})
	}
}

// TestHostileMemory bounds what each hostile input allocates, in all
// (TotalAlloc, deterministic for one goroutine), so also its peak.
func TestHostileMemory(t *testing.T) {
	const bound = 100 << 20
	for _, h := range hostile() {
		t.Run(h.name, func(t *testing.T) {
			data := []byte(h.data)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			Read(bytes.NewReader(data), DefaultOptions())
			runtime.ReadMemStats(&after)
			if n := after.TotalAlloc - before.TotalAlloc; n > bound {
				t.Errorf("allocated %d bytes, more than %d", n, bound)
			}
		})
	}
}

// TestNonSeekable reads a large operand through a plain reader (discard)
// and through a seeker, with equal results.
func TestNonSeekable(t *testing.T) {
	big := strings.Repeat("x", 3<<20)
	data := "\x80\x04\x8e" + string([]byte{0, 0, 0x30, 0, 0, 0, 0, 0}) + big + "cos\nsystem\n." // PROTO BINBYTES8 GLOBAL STOP
	a := Read(strings.NewReader(data), DefaultOptions())
	b := Read(struct{ *bytes.Buffer }{bytes.NewBufferString(data)}, DefaultOptions())
	if !reflect.DeepEqual(a, b) {
		t.Errorf("seekable and plain readers differ:\n%+v\n%+v", a, b)
	}
	if len(a.Imports) != 1 || a.Imports[0].Offset != int64(11+len(big)) || a.Err != nil {
		t.Errorf("import after a skipped operand: %+v err %v", a.Imports, a.Err)
	}
}

func TestReadOneEnd(t *testing.T) {
	data := "\x80\x02K\x01.\x80\x02K\x02.RAWDATA" // PROTO BININT1 STOP PROTO BININT1 STOP raw
	r := ReadOne(strings.NewReader(data), DefaultOptions())
	if r.End != 5 || r.Pickles != 1 {
		t.Fatalf("ReadOne end %d pickles %d", r.End, r.Pickles)
	}
	all := Read(strings.NewReader(data), DefaultOptions())
	if all.Pickles != 2 || all.Trailing == nil || all.Trailing.Offset != 10 || all.Trailing.Size != 7 || all.Err != nil || all.End != 10 {
		t.Fatalf("Read: pickles %d trailing %+v err %v end %d", all.Pickles, all.Trailing, all.Err, all.End)
	}
}

// TestFrameDisagreement holds the three places where _pickle.c and
// pickle.py's _Unpickler read a FRAME differently: each is recorded as a
// disagreement naming the trick, and the reader reads on as _pickle.c
// (or, when _pickle.c refuses, as pickle.py) so the payload is seen.
func TestFrameDisagreement(t *testing.T) {
	tests := []struct{ name, data, trick string }{
		{"operand_crosses_frame_end",
			"\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00\x8c\x04abcdN.", // PROTO FRAME(3) SHORT_BINUNICODE NONE STOP
			"crosses the end of the FRAME at 14"},
		{"frame_inside_frame",
			"\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00\x95\x02\x00\x00\x00\x00\x00\x00\x00N.", // PROTO FRAME(11) FRAME(2) NONE STOP
			"starts before the end of the current frame"},
		{"frame_longer_than_input",
			"\x80\x04\x95\xff\x00\x00\x00\x00\x00\x00\x00N.", // PROTO FRAME(255) NONE STOP
			"declares 255 bytes but only 2 remain, and the pickle ends inside it"},
	}
	// A truncated pickle: its last frame is short, and neither loader
	// returns. Not a disagreement.
	if r := Read(strings.NewReader("\x80\x04\x95\xff\x00\x00\x00\x00\x00\x00\x00N"), DefaultOptions()); len(r.Disagreements) != 0 {
		t.Errorf("truncated pickle: disagreements %+v", r.Disagreements)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Read(strings.NewReader(tt.data), DefaultOptions())
			if len(r.Disagreements) != 1 || !strings.Contains(r.Disagreements[0].Trick, tt.trick) {
				t.Fatalf("disagreements %+v, want one with %q", r.Disagreements, tt.trick)
			}
			if r.Pickles != 1 {
				t.Errorf("pickles %d err %v: the reader must read on", r.Pickles, r.Err)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	for _, dir := range []string{"oracle", "joblib"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*"))
		for _, file := range files {
			if strings.HasSuffix(file, ".json") {
				continue
			}
			if b, err := os.ReadFile(file); err == nil && len(b) < 16<<10 {
				f.Add(b, dir == "joblib")
			}
		}
	}
	for _, h := range hostile() {
		if len(h.data) < 4096 {
			f.Add([]byte(h.data), false)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, joblib bool) {
		opts := DefaultOptions()
		opts.Joblib = joblib
		a := Read(bytes.NewReader(data), opts)
		b := Read(bytes.NewReader(data), opts)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("two reads differ")
		}
		one := ReadOne(bytes.NewReader(data), opts)
		if one.End < 0 || one.End > int64(len(data)) || a.End > int64(len(data)) {
			t.Fatalf("end out of range: %d %d of %d", one.End, a.End, len(data))
		}
		if joblib {
			// The fork, with or without random access, keeping all or
			// a few of the bytes after the parting, must read as
			// pickle.load from offset 0 does.
			checkFork(t, data, len(data)%2 == 0, int64(len(data)%3)*int64(len(data)%61))
		}
	})
}

// TestFrameRest: a STOP that leaves bytes in its FRAME. CPython 3.11's
// pickle.load of a buffered file starts the next load right after STOP,
// of an unbuffered file or io.BytesIO at the frame's end (checked by
// running it on this input).
func TestFrameRest(t *testing.T) {
	data := "\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00K\x01.\xff\xfe\xfd" + "\x80\x04K\x02." // PROTO FRAME(6) BININT1 STOP junk | PROTO BININT1 STOP
	r := ReadOne(strings.NewReader(data), DefaultOptions())
	if r.End != 14 || r.FrameEnd != 17 || len(r.FrameRests) != 1 || r.FrameRests[0] != (Span{Offset: 14, Size: 3}) {
		t.Errorf("end %d frame end %d rests %+v", r.End, r.FrameEnd, r.FrameRests)
	}
	if len(r.Disagreements) != 1 || !strings.Contains(r.Disagreements[0].Trick, "leaves 3 bytes of its FRAME") {
		t.Errorf("disagreements %+v", r.Disagreements)
	}
	if r := ReadOne(strings.NewReader("\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00K\x01."), DefaultOptions()); r.FrameEnd != r.End || len(r.Disagreements) != 0 {
		t.Errorf("a frame that ends at its STOP: end %d frame end %d disagreements %+v", r.End, r.FrameEnd, r.Disagreements)
	}
}
