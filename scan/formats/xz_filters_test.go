package formats

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestXZFilters decodes the streams Python's lzma wrote with each filter
// chain (testdata/loaders/gen.py, gen_xz) and compares the content with
// the SHA-256 recorded beside them: a converter that decodes one branch
// wrongly changes it.
func TestXZFilters(t *testing.T) {
	dir := filepath.Join("testdata", "loaders", "xz")
	b, err := os.ReadFile(filepath.Join(dir, "sha256.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sums map[string]string
	if err := json.Unmarshal(b, &sums); err != nil {
		t.Fatal(err)
	}
	for name, want := range sums {
		t.Run(strings.NewReplacer(".", "_").Replace(name), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if !xzNeedsFilters(data) {
				t.Error("filter chain not seen in the head")
			}
			out, err := io.ReadAll(newXZFiltered(bytes.NewReader(data)))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			sum := sha256.Sum256(out)
			if got := hex.EncodeToString(sum[:]); got != want {
				t.Errorf("sha256 %s, want %s (%d bytes)", got, want, len(out))
			}
		})
	}
}

// TestXZFiltersRefused checks that a chain this reader cannot decode is
// an error, never content.
func TestXZFiltersRefused(t *testing.T) {
	tests := []struct {
		name string
		fs   []xzFilter
	}{
		{"riscv", []xzFilter{{id: 0x0b}, {id: xzLZMA2, props: []byte{0x16}}}},
		{"no_lzma2_last", []xzFilter{{id: xzLZMA2, props: []byte{0x16}}, {id: xzX86}}},
		{"huge_dictionary", []xzFilter{{id: xzLZMA2, props: []byte{0x28}}}},
		{"bad_bcj_props", []xzFilter{{id: xzARM, props: []byte{1, 2}}, {id: xzLZMA2, props: []byte{0x16}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := xzChain(&countingByteReader{}, tt.fs); err == nil {
				t.Error("no error")
			}
		})
	}
}

func FuzzXZFiltered(f *testing.F) {
	// Small streams only: a large one makes each run long.
	files, _ := filepath.Glob(filepath.Join("testdata", "loaders", "xz", "small", "*.xz"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		io.Copy(io.Discard, io.LimitReader(newXZFiltered(bytes.NewReader(b)), 1<<20)) //nolint:errcheck // any error is fine
	})
}
