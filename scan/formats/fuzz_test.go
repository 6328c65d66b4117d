package formats

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzScanZip scans arbitrary bytes as a file through every format, from
// the zip, npy and pickle fixtures: no input may panic, and a finding
// always comes with the format that reported it.
func FuzzScanZip(f *testing.F) {
	paths, _ := filepath.Glob("testdata/zip/*")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) < 4096 && filepath.Ext(p) != ".py" && filepath.Ext(p) != ".md" {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		res, _ := scanBytes(t, "fuzz.bin", b)
		if res.Format == "" && len(res.Findings) > 0 {
			t.Errorf("findings without a format: %v", res.Findings)
		}
	})
}
