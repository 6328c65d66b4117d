package ortadapter

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixtures = "../../../scan/formats/testdata/flatbuffers"

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParse reads the parameters of an adapter flatc wrote.
func TestParse(t *testing.T) {
	b := read(t, "benign_lora.onnx_adapter")
	a, err := Parse(bytes.NewReader(b), int64(len(b)), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if a.FormatVersion != 1 || len(a.Parameters) != 2 || a.Parameters[0].Name != "lora_a" || a.Parameters[0].Bytes != 16 || a.Parameters[1].Name != "lora_b" {
		t.Errorf("adapter %+v", a)
	}
}

// TestParseErrors: data that does not fit its dims, a wrong identifier,
// and too many parameters are format errors.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		opt  Options
		want string
	}{
		{"size", read(t, "bad_size_lora.onnx_adapter"), DefaultOptions(), "12 bytes of data"},
		{"identifier", []byte("\x08\x00\x00\x00TFL3"), DefaultOptions(), "identifier"},
		{"bound", read(t, "benign_lora.onnx_adapter"), Options{MaxParameters: 1, MaxDims: 4}, "over the limit"},
		{"truncated", read(t, "benign_lora.onnx_adapter")[:60], DefaultOptions(), "past the end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(bytes.NewReader(tt.b), int64(len(tt.b)), tt.opt)
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// FuzzParse feeds the reader hostile buffers seeded with the fixtures.
func FuzzParse(f *testing.F) {
	for _, n := range []string{"benign_lora.onnx_adapter", "bad_size_lora.onnx_adapter"} {
		f.Add(read(f, n))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Parse(bytes.NewReader(b), int64(len(b)), Options{MaxParameters: 100, MaxDims: 8})
		if err == nil && a == nil {
			t.Error("no adapter and no error")
		}
	})
}
