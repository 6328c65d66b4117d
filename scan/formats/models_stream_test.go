package formats

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/keras"
	"github.com/modelgate/modelgate/policy"
	"github.com/modelgate/modelgate/scan"
)

// scanStream scans b as a stream member of an archive (no random access),
// the way members of compressed containers reach a format.
func scanStream(t *testing.T, name string, b []byte) *finding.FileResult {
	t.Helper()
	res := &finding.FileResult{}
	s := newSession(options(), res)
	in, err := scan.NewStreamInput([]string{name}, name, int64(len(b)), func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	in.Depth = 1
	res.Format = s.Scan(in)
	return res
}

func modelFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "formats", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestModelFormatsAsStreams(t *testing.T) {
	tests := []struct{ file, format, rule string }{
		{"mal_lambda_latest.h5", "hdf5", finding.RuleKerasLambda},
		{"mal_module_os_earliest.h5", "hdf5", finding.RuleKerasDangerous},
		{"mal_ssti_v3.gguf", "gguf", finding.RuleGGUFTemplate},
		{"mal_polyglot_pickle.safetensors", "safetensors", finding.RulePolyglot},
		{"mal_traversal.onnx", "onnx", finding.RuleONNXExternalPath},
		{"mal_readfile.pb", "tensorflow", finding.RuleTensorFlowOp},
		{"mal_lambda_keras_metadata.pb", "keras-metadata", finding.RuleKerasLambda},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.file, ".", "_"), func(t *testing.T) {
			res := scanStream(t, tt.file, modelFixture(t, tt.file))
			if res.Format != tt.format || len(res.Findings) == 0 || res.Findings[0].Rule != tt.rule {
				t.Errorf("format %q findings %+v", res.Format, res.Findings)
			}
			if len(res.Findings) > 0 && res.Findings[0].Member != tt.file {
				t.Errorf("member %q", res.Findings[0].Member)
			}
		})
	}
}

// TestModelFormatsTruncated cuts each benign fixture: every cut is either
// not claimed or reported as malformed (medium), never a crash.
func TestModelFormatsTruncated(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "formats", "benign_*"))
	for _, p := range files {
		b := modelFixture(t, filepath.Base(p))
		for _, n := range []int{len(b) / 4, len(b) / 2, len(b) - 3} {
			res := scanStream(t, filepath.Base(p), b[:n])
			for _, f := range res.Findings {
				if f.Severity > finding.Medium {
					t.Errorf("%s cut at %d: %+v", filepath.Base(p), n, f)
				}
			}
		}
	}
}

// TestKerasArchiveMembers checks that the other members of a .keras
// archive are scanned like any archive member, at depth.
func TestKerasArchiveMembers(t *testing.T) {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, body := range map[string][]byte{
		"config.json":      []byte(`{"module": "keras", "class_name": "Sequential", "config": {"layers": []}}`),
		"metadata.json":    []byte(`{"keras_version": "3.3.3"}`),
		"assets/chat.gguf": modelFixture(t, "mal_ssti_v3.gguf"),
	} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	z.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "model.keras"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := options()
	opts.Roots = []string{dir}
	rep, err := scan.Scan(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Files[0]
	if f.Format != "keras" || len(f.Findings) != 1 || f.Findings[0].Rule != finding.RuleGGUFTemplate || f.Findings[0].Member != "assets/chat.gguf" {
		t.Errorf("format %q findings %+v", f.Format, f.Findings)
	}
}

func TestKerasArchiveAsStream(t *testing.T) {
	for _, tt := range []struct{ file, rule string }{
		{"mal_module_os.keras", finding.RuleKerasDangerous},
		{"mal_lambda.keras", finding.RuleKerasLambda},
	} {
		t.Run(strings.ReplaceAll(tt.file, ".", "_"), func(t *testing.T) {
			res := scanStream(t, tt.file, modelFixture(t, tt.file))
			if res.Format != "keras" || len(res.Findings) != 1 || res.Findings[0].Rule != tt.rule ||
				res.Findings[0].Member != tt.file+scan.MemberSep+"config.json" {
				t.Errorf("format %q findings %+v", res.Format, res.Findings)
			}
		})
	}
}

// TestKerasPolicy checks that Keras references are judged by the policy:
// an allowed custom object passes, a denied module is critical.
func TestKerasPolicy(t *testing.T) {
	pol, err := policy.New(policy.Config{
		Allow: []policy.Entry{{Global: "my_pkg.layers.MyLayer", Reason: "our layer"}},
		Deny:  []policy.Entry{{Global: "my_pkg.evil.*", Reason: "not ours"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, config, rule string }{
		{"allowed_custom_object", `{"module": "my_pkg.layers", "class_name": "MyLayer", "config": {}, "registered_name": "MyPkg>MyLayer"}`, ""},
		{"denied_module", `{"module": "my_pkg.evil", "class_name": "Run", "config": {}, "registered_name": "MyPkg>Run"}`, finding.RuleKerasDangerous},
		{"unknown_module", `{"module": "other_pkg", "class_name": "Thing", "config": {}}`, finding.RuleKerasExternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := options()
			opts.Policy = pol
			res := &finding.FileResult{}
			s := scan.NewSession(opts, res)
			reportKeras(s, &scan.Input{Name: "config.json"}, keras.Analyze([]byte(tt.config), s.Limits().Keras, s.Policy().KerasSideEffects()), "")
			switch {
			case tt.rule == "" && len(res.Findings) > 0:
				t.Errorf("findings %+v", res.Findings)
			case tt.rule != "" && (len(res.Findings) != 1 || res.Findings[0].Rule != tt.rule):
				t.Errorf("findings %+v, want %s", res.Findings, tt.rule)
			}
		})
	}
}

// TestKerasArchiveWithPrefix checks that data before the archive does not
// hide the config: zipfile, and so Keras, still reads such an archive.
func TestKerasArchiveWithPrefix(t *testing.T) {
	dir := t.TempDir()
	b := append([]byte("#!/bin/sh\nexit 0\n"), modelFixture(t, "mal_module_os.keras")...)
	if err := os.WriteFile(filepath.Join(dir, "model.keras"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	opts := options()
	opts.Roots = []string{dir}
	rep, err := scan.Scan(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Files[0]
	found := false
	for _, fd := range f.Findings {
		found = found || fd.Rule == finding.RuleKerasDangerous && fd.Member == "config.json"
	}
	if f.Format != "keras" || !found {
		t.Errorf("format %q findings %+v", f.Format, f.Findings)
	}
}
