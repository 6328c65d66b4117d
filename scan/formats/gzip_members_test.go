package formats

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func FuzzGzipMembers(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "loaders", "*.gz"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := newGzipMembers(bytes.NewReader(b))
		if err != nil {
			return
		}
		copied, _ := io.Copy(io.Discard, io.LimitReader(g, 1<<20))
		if copied == 1<<20 {
			return
		}
		if n, err := g.Read(make([]byte, 8)); n != 0 || err == nil {
			t.Fatalf("read after the end: %d, %v", n, err)
		}
	})
}
