package formats

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/scan"
)

// variantBenign returns the benign samples of testdata/format_variants (not the archives)
// by name.
func variantBenign(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, w := range variantManifest(t) {
		if w.Verdict != "benign" || strings.Contains(w.Path, "/") {
			continue
		}
		b, err := os.ReadFile(filepath.Join("testdata", "format_variants", w.Path))
		if err != nil {
			t.Fatal(err)
		}
		out[w.Path] = b
	}
	return out
}

// variantScan writes files into a fresh folder and scans it.
func variantScan(t *testing.T, files map[string][]byte) map[string]finding.FileResult {
	t.Helper()
	dir := t.TempDir()
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts := options()
	opts.Roots = []string{dir}
	rep, err := scan.Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]finding.FileResult{}
	for _, f := range rep.Files {
		got[filepath.Base(f.Path)] = f
	}
	return got
}

func noInternalError(t *testing.T, name string, f finding.FileResult) {
	t.Helper()
	for _, fd := range f.Findings {
		if strings.Contains(fd.Message, "internal error") {
			t.Errorf("%s: %s", name, fd.Message)
		}
	}
}

// TestFormatVariantsTruncated cuts every benign sample at several points: each cut
// is scanned to the end without a fault and gets at most a medium
// finding (a file that does not load is not an attack). A zip cut before
// the name of its first member is only a zip fragment, not recognisably
// Keras: it is held to the first condition only.
func TestFormatVariantsTruncated(t *testing.T) {
	files := map[string][]byte{}
	fragment := map[string]bool{}
	for name, b := range variantBenign(t) {
		for _, cut := range []int{1, 8, 9, 12, 16, 24, 40, 100, len(b) / 4, len(b) / 3, len(b) / 2, len(b) * 3 / 4, len(b) - 8, len(b) - 1} {
			if cut > 0 && cut < len(b) {
				n := fmt.Sprintf("%s.cut%d", name, cut)
				files[n] = b[:cut]
				fragment[n] = bytes.HasPrefix(b, []byte("PK\x03\x04")) && cut < 30+int(binary.LittleEndian.Uint16(b[26:]))
			}
		}
	}
	for name, f := range variantScan(t, files) {
		noInternalError(t, name, f)
		if f.Worst() > finding.Medium && !fragment[name] {
			t.Errorf("%s (%s): above medium: %+v", name, f.Format, f.Findings)
		}
	}
}

// TestFormatVariantsFlipped flips random bytes of every benign sample (a fixed
// seed): each result is scanned to the end without a fault, and a file
// whose format is still recognised is reported under that format or as
// not a model.
func TestFormatVariantsFlipped(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	files := map[string][]byte{}
	for name, b := range variantBenign(t) {
		for i := range 12 {
			m := append([]byte(nil), b...)
			for range 1 + rng.IntN(8) {
				m[rng.IntN(len(m))] ^= byte(1 + rng.IntN(255))
			}
			files[fmt.Sprintf("%s.flip%d", name, i)] = m
		}
	}
	for name, f := range variantScan(t, files) {
		noInternalError(t, name, f)
	}
}
