package formats

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/testtree"
	"github.com/modelgate/modelgate/scan"
)

// qaWriteTree writes files (path -> content) under dir.
func qaWriteTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	testtree.Write(t, dir, files)
}

func lfsPointerText(size string, eol string) string {
	return "version https://git-lfs.github.com/spec/v1" + eol +
		"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393" + eol +
		"size " + size + eol
}

// TestLFSPointers checks that a pointer named like a model, or whose
// size says model, is a high finding and leaves the file unscanned, and
// that a tree of pointers only fails a gate at high.
func TestLFSPointers(t *testing.T) {
	dir := t.TempDir()
	qaWriteTree(t, dir, map[string]string{
		"model.safetensors":    lfsPointerText("1234", "\n"),
		"pytorch_model.bin":    lfsPointerText("524288000", "\n"),
		"weights":              lfsPointerText("5368709120", "\n"),
		"weights_crlf":         lfsPointerText("5368709120", "\r\n"),
		"clf.pkl.gz":           lfsPointerText("2048", "\n"),
		"old_spec.pt":          "version https://hawser.github.com/spec/v1\noid sha256:4d7a2146\nsize 100\n",
		"docs/diagram.svg":     lfsPointerText("2048", "\n"),
		"checkpoints/model.pt": lfsPointerText("99", "\n"),
		"blank_first.h5":       "\n" + lfsPointerText("99", "\n"),
		"git_media.onnx":       "version http://git-media.io/v/2\noid sha256:4d7a2146\nsize 100\n",
	})
	tests := []struct {
		file string
		high bool
	}{
		{"model.safetensors", true},
		{"pytorch_model.bin", true},
		{"weights", true},
		{"weights_crlf", true},
		{"clf.pkl.gz", true},
		{"old_spec.pt", true},
		{"diagram.svg", false},
		{"model.pt", true},
		{"blank_first.h5", true},
		{"git_media.onnx", true},
	}
	got := scanPaths(t, nil, dir)
	gate := false
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := got[tt.file]
			high := slices.ContainsFunc(f.Findings, func(fd finding.Finding) bool {
				return fd.Rule == finding.RuleLFSPointer && fd.Severity >= finding.High
			})
			gate = gate || high
			if high != tt.high {
				t.Errorf("LFS finding of at least high: %v, want %v (format %q findings %+v)", high, tt.high, f.Format, f.Findings)
			}
			if tt.high && f.Status != finding.StatusNotScanned && f.Status != finding.StatusPartial {
				t.Errorf("status %q, want not scanned or partial", f.Status)
			}
		})
	}
	if !gate {
		t.Error("a tree where every model is an LFS pointer has no finding at high")
	}
}

// TestSymlinks checks that links are never followed: a link to a model
// outside the tree (by the link's name or the target's) is reported, a
// link inside the tree and a link loop are passed over, and the walk ends.
func TestSymlinks(t *testing.T) {
	outside := t.TempDir()
	qaWriteTree(t, outside, map[string]string{"secret.pkl": "\x80\x02cposix\nsystem\n(Vid\ntR.", "blob": "x"})
	dir := t.TempDir()
	qaWriteTree(t, dir, map[string]string{"real.txt": "hello\n"})
	links := map[string]string{
		"to_model.pkl":   filepath.Join(outside, "secret.pkl"),
		"named_model.pt": filepath.Join(outside, "blob"),
		"relative.pkl":   "../" + filepath.Base(outside) + "/secret.pkl",
		"inside.pkl":     "real.txt",
		"loop_a.pkl":     "loop_b.pkl",
		"loop_b.pkl":     "loop_a.pkl",
		"sub/up":         "..",
		"self":           "self",
	}
	for name, target := range links {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.Symlink(target, p); err != nil {
			t.Skipf("symlinks not supported: %v", err)
		}
	}
	done := make(chan map[string]finding.FileResult)
	go func() { done <- scanPaths(t, nil, dir) }()
	var got map[string]finding.FileResult
	select {
	case got = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the walk did not end")
	}
	for _, name := range []string{"to_model.pkl", "named_model.pt", "relative.pkl"} {
		f, ok := got[name]
		if !ok || f.Format != "symlink" || !slices.ContainsFunc(f.Findings, func(fd finding.Finding) bool { return fd.Rule == finding.RuleSymlink }) {
			t.Errorf("%s: link to a model outside the tree not reported: %+v", name, f)
		}
		if slices.ContainsFunc(f.Findings, func(fd finding.Finding) bool { return fd.Rule == finding.RuleDangerousCallable }) {
			t.Errorf("%s: the link was followed", name)
		}
	}
	for _, name := range []string{"inside.pkl", "loop_a.pkl", "loop_b.pkl", "up", "self"} {
		if f, ok := got[name]; ok && len(f.Findings) > 0 {
			t.Errorf("%s: %+v, want passed over", name, f.Findings)
		}
	}
	if _, ok := got["real.txt"]; !ok {
		t.Error("the regular file was not listed")
	}
	if _, err := scan.Scan(context.Background(), scan.Options{Roots: []string{filepath.Join(dir, "loop_a.pkl")}, Formats: Default()}); err != nil {
		t.Errorf("a loop given as a root: %v", err)
	}
}

// TestScanWalk scans a small tree: what the walk skips, excludes and
// reports without reading.
func TestScanWalk(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"README.md":          "hello",
		".git/objects/x.pkl": "\x80\x04K\x01.",
		"models/model.bin":   "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123456789\n",
		"third_party/a.txt":  "x",
		"notes.pkl":          "not a pickle at all",
	})
	if err := os.Symlink("/etc/outside/model.pt", filepath.Join(dir, "link.pt")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	opts := options()
	opts.Exclude = []string{"third_party/**"}
	rep, err := scan.Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]finding.FileResult{}
	for _, f := range rep.Files {
		got[f.Path] = f
	}
	if _, ok := got[".git/objects/x.pkl"]; ok {
		t.Error(".git was not skipped")
	}
	if rep.Summary.Excluded != 1 {
		t.Errorf("excluded = %d, want 1", rep.Summary.Excluded)
	}
	tests := []struct {
		path   string
		format string
		status finding.Status
		rule   string
	}{
		{"README.md", "none", finding.StatusSkipped, ""},
		{"models/model.bin", "lfs-pointer", finding.StatusPartial, finding.RuleLFSPointer},
		{"notes.pkl", "none", finding.StatusNotScanned, finding.RuleUnscannable},
		{"link.pt", "symlink", finding.StatusNotScanned, finding.RuleSymlink},
	}
	for _, tt := range tests {
		f, ok := got[tt.path]
		if !ok {
			t.Errorf("%s not in report", tt.path)
			continue
		}
		if f.Format != tt.format || f.Status != tt.status {
			t.Errorf("%s: format %q status %q, want %q %q", tt.path, f.Format, f.Status, tt.format, tt.status)
		}
		if tt.rule == "" && len(f.Findings) > 0 {
			t.Errorf("%s: unexpected findings %v", tt.path, f.Findings)
		}
		if tt.rule != "" && (len(f.Findings) != 1 || f.Findings[0].Rule != tt.rule) {
			t.Errorf("%s: findings %v, want one %s", tt.path, f.Findings, tt.rule)
		}
	}
}
