package formats

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/scan"
)

// TestLoaderReadings scans testdata/loaders, one sample per row of
// docs/loaders.md: files that the real loader reads in a way a naive
// reader would not (field order, text encodings, zip names as Python
// gives them, model folders, analysis budgets), with the expectations
// gen.py wrote beside them.
func TestLoaderReadings(t *testing.T) {
	root := filepath.Join("testdata", "loaders")
	b, err := os.ReadFile(filepath.Join(root, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want []variantExpectation
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	opts := options()
	opts.Roots = []string{root}
	rep, err := scan.Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]finding.FileResult{}
	for _, f := range rep.Files {
		rel, err := filepath.Rel(root, f.Path)
		if err != nil {
			t.Fatal(err)
		}
		got[filepath.ToSlash(rel)] = f
	}
	for _, w := range want {
		t.Run(strings.NewReplacer(".", "_", "/", "_", "-", "_").Replace(w.Path), func(t *testing.T) {
			f, ok := got[w.Path]
			if !ok {
				t.Fatal("not in the report")
			}
			checkVariant(t, w, f)
		})
	}
}

// TestONNXExternalDataLinks checks that external data whose location
// stays in the model's folder by its text but is a symlink out of it is
// reported, naming the link, and that a link inside the folder is not.
func TestONNXExternalDataLinks(t *testing.T) {
	model, err := os.ReadFile(filepath.Join("testdata", "loaders", "benign_l_onnx_ir_last.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "environ")
	if err := os.WriteFile(outside, []byte("SECRET=1"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		target func(dir string) string
		want   bool
	}{
		{"link_outside", func(string) string { return outside }, true},
		{"link_inside", func(dir string) string { return filepath.Join(dir, "real.bin") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "model.onnx"), model, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "real.bin"), make([]byte, 16), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(tt.target(dir), filepath.Join(dir, "weights.bin")); err != nil {
				t.Fatal(err)
			}
			f := scanPaths(t, nil, dir)["model.onnx"]
			found := false
			for _, fd := range f.Findings {
				if fd.Rule == finding.RuleONNXExternalPath && fd.Severity >= finding.High && strings.Contains(fd.Message, "symlink") {
					found = true
				}
			}
			if found != tt.want {
				t.Errorf("symlink finding %v, want %v: %+v", found, tt.want, f.Findings)
			}
		})
	}
}
