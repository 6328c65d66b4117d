package formats

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/scan"
)

// variantExpectation is one entry of testdata/format_variants/expected.json, written by
// testdata/format_variants/gen.py beside the samples it describes.
type variantExpectation struct {
	Path    string `json:"path"`
	Verdict string `json:"verdict"`
	Format  string `json:"format"`
	Rule    string `json:"rule"`
	Key     string `json:"key"`
	Min     string `json:"min"`
	Max     string `json:"max"`
	// Inner lists [member, rule] pairs an archive must report.
	Inner [][2]string `json:"inner"`
}

func variantManifest(t *testing.T) []variantExpectation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "format_variants", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want []variantExpectation
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	return want
}

func variantSeverity(t *testing.T, name string, def finding.Severity) finding.Severity {
	t.Helper()
	if name == "" {
		return def
	}
	s, err := finding.ParseSeverity(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestFormatVariants scans the second, independent sample set of the
// Keras, HDF5, TensorFlow, ONNX, GGUF and safetensors risks: malicious
// samples reach their severity with the rule at the config key, node or
// metadata key; benign ones stay at or below medium; malformed ones get
// their finding and nothing above their bound.
func TestFormatVariants(t *testing.T) {
	opts := options()
	root := filepath.Join("testdata", "format_variants")
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
	for _, w := range variantManifest(t) {
		name := strings.NewReplacer(".", "_", "/", "_", "-", "_").Replace(w.Path)
		t.Run(name, func(t *testing.T) {
			f, ok := got[w.Path]
			if !ok {
				t.Fatal("not in the report")
			}
			checkVariant(t, w, f)
		})
	}
}

func checkVariant(t *testing.T, w variantExpectation, f finding.FileResult) {
	t.Helper()
	if w.Format != "" && f.Format != w.Format {
		t.Errorf("format %q, want %q", f.Format, w.Format)
	}
	floor := variantSeverity(t, w.Min, finding.Low)
	switch w.Verdict {
	case "benign":
		if f.Worst() > finding.Medium {
			t.Errorf("benign file above medium: %+v", f.Findings)
		}
	case "malicious":
		floor = variantSeverity(t, w.Min, finding.High)
		if f.Worst() < floor {
			t.Errorf("worst severity %v, want at least %v: %+v", f.Worst(), floor, f.Findings)
		}
	case "malformed":
		if max := variantSeverity(t, w.Max, finding.Medium); f.Worst() > max {
			t.Errorf("malformed file above %v: %+v", max, f.Findings)
		}
	default:
		t.Fatalf("verdict %q", w.Verdict)
	}
	for _, in := range w.Inner {
		if !slices.ContainsFunc(f.Findings, func(fd finding.Finding) bool { return fd.Rule == in[1] && strings.Contains(fd.Member, in[0]) }) {
			t.Errorf("no finding of rule %s in member %s: %+v", in[1], in[0], f.Findings)
		}
	}
	if w.Rule == "" && w.Key == "" {
		return
	}
	for _, fd := range f.Findings {
		if (w.Rule == "" || fd.Rule == w.Rule) && (w.Key == "" || fd.Key == w.Key) && fd.Severity >= floor {
			return
		}
	}
	t.Errorf("no finding of rule %q at key %q (at least %v) in %+v", w.Rule, w.Key, floor, f.Findings)
}
