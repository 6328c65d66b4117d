package tflite

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

const fixtures = "../../../scan/formats/testdata/flatbuffers"

func parseFile(t testing.TB, name string) (*Model, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(bytes.NewReader(b), int64(len(b)), DefaultOptions())
}

// TestParse reads the operator codes flatc wrote, custom names and
// builtin codes over 127 included.
func TestParse(t *testing.T) {
	tests := []struct {
		file   string
		codes  []int32
		custom []string
	}{
		{"benign_builtin.tflite", []int32{3, 19, 0}, []string{"", "", ""}},
		{"benign_extended_code.tflite", []int32{150}, []string{""}},
		{"custom_op.tflite", []int32{BuiltinCustom}, []string{"Convolution2DTransposeBias"}},
		{"mal_flex_writefile.tflite", []int32{19, BuiltinCustom}, []string{"", "FlexWriteFile"}},
	}
	for _, tt := range tests {
		t.Run(tt.file[:len(tt.file)-len(".tflite")], func(t *testing.T) {
			m, err := parseFile(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			var codes []int32
			var custom []string
			for _, c := range m.OperatorCodes {
				codes, custom = append(codes, c.Builtin), append(custom, c.Custom)
			}
			if !slices.Equal(codes, tt.codes) || !slices.Equal(custom, tt.custom) || m.Version != 3 || m.Subgraphs != 1 {
				t.Errorf("model %+v", m)
			}
			if !slices.Equal(m.Metadata, []string{"min_runtime_version"}) {
				t.Errorf("metadata %q", m.Metadata)
			}
		})
	}
}

// TestParseErrors: a wrong identifier, a truncated file and a bound hit
// are format errors with offsets.
func TestParseErrors(t *testing.T) {
	if _, err := parseFile(t, "bad_truncated.tflite"); !errors.Is(err, ErrFormat) {
		t.Errorf("truncated: %v", err)
	}
	if _, err := Parse(bytes.NewReader([]byte("\x08\x00\x00\x00TORT")), 8, DefaultOptions()); !errors.Is(err, ErrFormat) {
		t.Errorf("identifier: %v", err)
	}
	b, _ := os.ReadFile(filepath.Join(fixtures, "benign_builtin.tflite"))
	if _, err := Parse(bytes.NewReader(b), int64(len(b)), Options{MaxOperatorCodes: 2, MaxSubgraphs: 1}); !errors.Is(err, ErrFormat) {
		t.Errorf("bound: %v", err)
	}
}

// FuzzParse feeds the reader hostile buffers seeded with the fixtures.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(fixtures, "*.tflite"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(bytes.NewReader(b), int64(len(b)), Options{MaxOperatorCodes: 1000, MaxSubgraphs: 100})
		if err == nil && m == nil {
			t.Error("no model and no error")
		}
	})
}
