package scan

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"strings"
	"testing"
)

// The container red-team cases: files that a loader (pickle.load,
// joblib.load, torch.load) would unpickle with a dangerous callable, built
// so that a scanner finds no pickle where the loader reads one. Each must
// be flagged at high or worse; the benign look-alikes must not be.

// rtPayload is posix.system('touch /tmp/modelgate-redteam'), protocol 0.
const rtPayload = "cposix\nsystem\n(S'touch /tmp/modelgate-redteam'\ntR." // GLOBAL MARK STRING TUPLE REDUCE STOP

func le32(n int) string {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(n))
	return string(b[:])
}

func le64(n int) string {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	return string(b[:])
}

func gzipOf(t *testing.T, data string) string {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// longOperandPickles hide the payload behind one long operand (or many)
// that ends past the scanner's sniffing window: the first 64 KiB hold no
// import and no error.
var longOperandPickles = []struct{ name, data string }{
	{"binbytes_100k", "B" + le32(100000) + strings.Repeat("\x00", 100000) + "0" + rtPayload},                      // BINBYTES POP <payload>
	{"binbytes8_100k", "\x8e" + le64(100000) + strings.Repeat("\x00", 100000) + "0" + rtPayload},                  // BINBYTES8 POP <payload>
	{"binunicode_100k", "X" + le32(100000) + strings.Repeat("a", 100000) + "0" + rtPayload},                       // BINUNICODE POP <payload>
	{"string_line_100k", "S'" + strings.Repeat("a", 100000) + "'\n0" + rtPayload},                                 // STRING POP <payload>
	{"unicode_line_100k", "V" + strings.Repeat("a", 100000) + "\n0" + rtPayload},                                  // UNICODE POP <payload>
	{"float_line_100k", "F0." + strings.Repeat("0", 100000) + "1\n0" + rtPayload},                                 // FLOAT POP <payload>
	{"frame_100k", "\x95" + le64(100006) + "B" + le32(100000) + strings.Repeat("\x00", 100000) + "0" + rtPayload}, // FRAME BINBYTES POP <payload>
	{"binbytes_chain_20m", strings.Repeat("B"+le32(100000)+strings.Repeat("\x00", 100000)+"0", 200) + rtPayload},  // (BINBYTES POP)*200 <payload>
}

func TestRedteamLongOperandSniff(t *testing.T) {
	for _, tt := range longOperandPickles {
		for _, v := range []struct{ suffix, data string }{
			{"", tt.data},
			{"_gzip", gzipOf(t, tt.data)}, // joblib.load reads a gzip stream whatever the name
		} {
			t.Run(tt.name+v.suffix, func(t *testing.T) {
				// Named .bin (pytorch_model.bin): a name that says
				// nothing about pickles.
				res, _ := scanBytes(t, "pytorch_model.bin", []byte(v.data))
				if w := worst(res.Findings); w < High || !strings.Contains(strings.Join(callables(res), " "), "posix.system") {
					t.Errorf("format %q status %q worst %v callables %q", res.Format, res.Status, w, callables(res))
				}
			})
		}
	}
}

// TestRedteamLongOperandBenign checks that files which only start like a
// long operand are not taken for pickles.
func TestRedteamLongOperandBenign(t *testing.T) {
	readme := "This is a README. " + strings.Repeat("Plain text, nothing more.\n", 4000)
	bmp := "BM" + le32(200000) + strings.Repeat("\x00\x11\x22\x33", 50000)
	tests := []struct{ name, data string }{
		{"text_t", readme},
		{"text_t_gzip", gzipOf(t, readme)},
		{"bmp", bmp},
		{"bmp_gzip", gzipOf(t, bmp)},
		{"binbytes_then_garbage", "B" + le32(100000) + strings.Repeat("\x00", 100000) + "\xff\xfe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := scanBytes(t, "data.bin", []byte(tt.data))
			if w := worst(res.Findings); w >= Medium {
				t.Errorf("format %q worst %v findings %+v", res.Format, w, res.Findings)
			}
		})
	}
}
