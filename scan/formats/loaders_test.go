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

// TestHFCacheSnapshot scans a Hugging Face cache snapshot folder, whose
// files are links to ../../blobs/<sha>: each is scanned with its blob's
// content under the link's name and says where it points, so a malicious
// pickle fails the gate; a link out of the snapshot that is no blob is
// still only reported; scanning the whole repository folder scans each
// blob once.
func TestHFCacheSnapshot(t *testing.T) {
	dir := t.TempDir()
	repo := filepath.Join(dir, "models--acme--tiny")
	for _, d := range []string{"blobs", "snapshots/abc123/sub", "elsewhere"} {
		if err := os.MkdirAll(filepath.Join(repo, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"blobs/1111":          "cos\nsystem\n(S'true'\ntR.", // GLOBAL MARK STRING TUPLE REDUCE STOP
		"blobs/2222":          `{"model_type": "bert"}`,
		"elsewhere/model.pkl": "cos\nsystem\n(S'true'\ntR.",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(repo, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"snapshots/abc123/pytorch_model.bin": "../../blobs/1111",
		"snapshots/abc123/config.json":       "../../blobs/2222",
		"snapshots/abc123/sub/model.pkl":     "../../../blobs/1111",
		"snapshots/abc123/other.pkl":         "../../elsewhere/model.pkl",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(repo, name)); err != nil {
			t.Fatal(err)
		}
	}
	got := scanPaths(t, nil, filepath.Join(repo, "snapshots", "abc123"))
	tests := []struct {
		file, format, link string
		worst              finding.Severity
	}{
		{"pytorch_model.bin", "pickle", "../../blobs/1111", finding.Critical},
		{"model.pkl", "pickle", "../../../blobs/1111", finding.Critical},
		{"config.json", "none", "../../blobs/2222", finding.SeverityInvalid},
		{"other.pkl", "symlink", "", finding.Medium},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.file, ".", "_"), func(t *testing.T) {
			f := got[tt.file]
			if f.Format != tt.format || f.LinkTarget != tt.link || f.Worst() != tt.worst {
				t.Errorf("format %q link %q worst %v, want %q %q %v: %+v", f.Format, f.LinkTarget, f.Worst(), tt.format, tt.link, tt.worst, f.Findings)
			}
		})
	}
	whole := scanPaths(t, nil, repo)
	if _, ok := whole["pytorch_model.bin"]; ok {
		t.Error("a blob inside the scanned tree was scanned again through its link")
	}
	if f := whole["1111"]; f.Worst() != finding.Critical {
		t.Errorf("blob: %+v", f)
	}
}
