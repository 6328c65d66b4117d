package scan

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/testtree"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	return testtree.New(t, files)
}

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
	opts := DefaultOptions()
	opts.Exclude = []string{"third_party/**"}
	rep, err := Scan(context.Background(), opts)
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

func TestScanMissingRoot(t *testing.T) {
	opts := DefaultOptions()
	opts.Roots = []string{filepath.Join(t.TempDir(), "nope")}
	if _, err := Scan(context.Background(), opts); err == nil {
		t.Fatal("scan of a missing root succeeded")
	}
}

func TestSectionInputSeeks(t *testing.T) {
	in, err := NewSectionInput(nil, "x", strings.NewReader("hello world"), 11)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := in.Open()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rc.(io.Seeker); !ok {
		t.Error("Open of a section input does not seek")
	}
}
