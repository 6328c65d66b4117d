package torchscript

import (
	"archive/zip"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestParseCalls checks the calls found in each function, with the ways
// a call can be written: plain, aliased, parenthesised, by getattr, over
// several lines; and what is not a call (strings, comments, headers).
func TestParseCalls(t *testing.T) {
	tests := []struct {
		name, src string
		fn        string   // function whose calls are checked ("" the module)
		want      []string // callees, in order
	}{
		{"plain", "def f(x: Tensor) -> Tensor:\n  return torch.add(x, 1)\n", "f", []string{"torch.add"}},
		{"method", "class A(Module):\n  def forward(self: __torch__.A,\n    x: Tensor) -> Tensor:\n    return torch.relu(x)\n", "A.forward", []string{"torch.relu"}},
		{"nested_call", "def f(x: Tensor) -> Tensor:\n  return torch.add(torch.mul(x, 2), 1)\n", "f", []string{"torch.mul", "torch.add"}},
		{"alias", "def f() -> Tensor:\n  _0 = torch.from_file\n  return _0(\"p\", True, 4)\n", "f", []string{"torch.from_file"}},
		{"alias_module", "_0 = torch.ops\ndef f(x: Tensor) -> Tensor:\n  return _0.ns.op(x)\n", "f", []string{"torch.ops.ns.op"}},
		{"parenthesised", "def f() -> Tensor:\n  return (torch).from_file(\"p\")\n", "f", []string{"torch.from_file"}},
		{"getattr", "def f() -> Tensor:\n  return getattr(torch, \"from_file\")(\"p\")\n", "f", []string{"getattr", "torch.from_file"}},
		{"multiline", "def f() -> Tensor:\n  return torch.from_file(\n    \"p\",\n    True)\n", "f", []string{"torch.from_file"}},
		{"self_alias", "class A(Module):\n  def g(self: __torch__.A) -> int:\n    lin = self.lin\n    return (lin).forward(1, )\n", "A.g", []string{"self.lin.forward"}},
		{"string_not_call", "def f() -> str:\n  return \"torch.from_file(x)\"\n", "f", nil},
		{"triple_string", "def f() -> str:\n  return '''a\ntorch.from_file(x)\n'''\n", "f", nil},
		{"comment", "def f() -> int:\n  # torch.from_file(x)\n  return 1\n", "f", nil},
		{"header_not_call", "class A(Module):\n  def from_file(self: __torch__.A) -> int:\n    return 1\n", "A.from_file", nil},
		{"result_method", "def f(x: Tensor) -> Tensor:\n  return torch.tensor([1]).copy_(x)\n", "f", []string{"torch.tensor", "?.copy_"}},
		{"module_level", "op_version_set = 1\ntorch.ops.load_library(\"x.so\")\n", "", []string{"torch.ops.load_library"}},
		{"backslash", "def f() -> Tensor:\n  return torch.\\\nfrom_file(\"p\")\n", "f", []string{"torch.from_file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.src), DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			calls := f.Module
			if tt.fn != "" {
				i := slices.IndexFunc(f.Functions, func(fn Function) bool { return fn.Name == tt.fn })
				if i < 0 {
					t.Fatalf("no function %s in %+v", tt.fn, f.Functions)
				}
				calls = f.Functions[i].Calls
			}
			var got []string
			for _, c := range calls {
				got = append(got, c.Callee)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("calls %q, want %q", got, tt.want)
			}
		})
	}
}

// TestParseErrors: bounds and broken code end in errors with offsets.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		opt       Options
		want      string
	}{
		{"too_big", "x = 1\n", Options{MaxBytes: 3, MaxTokens: 10}, "over the limit"},
		{"too_many_tokens", strings.Repeat("x = 1\n", 100), Options{MaxBytes: 1 << 20, MaxTokens: 50}, "over 50 tokens"},
		{"open_string", "x = 'abc\n", DefaultOptions(), "offset 4"},
		{"bad_char", "x = $\n", DefaultOptions(), "offset 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.src), tt.opt); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// codeFiles returns the code files of the TorchScript fixtures.
func codeFiles(tb testing.TB) [][]byte {
	paths, _ := filepath.Glob("../../../scan/formats/testdata/torchscript/*.pt")
	var out [][]byte
	for _, p := range paths {
		z, err := zip.OpenReader(p)
		if err != nil {
			tb.Fatal(err)
		}
		for _, m := range z.File {
			if !strings.HasSuffix(m.Name, ".py") {
				continue
			}
			rc, err := m.Open()
			if err != nil {
				tb.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, b)
		}
		z.Close()
	}
	return out
}

// TestParseFixtures: every code file torch.jit.save wrote parses.
func TestParseFixtures(t *testing.T) {
	files := codeFiles(t)
	if len(files) < 10 {
		t.Fatalf("%d code files", len(files))
	}
	for _, b := range files {
		if _, err := Parse(b, DefaultOptions()); err != nil {
			t.Errorf("%v in\n%s", err, b)
		}
	}
}

// FuzzParse feeds the tokenizer and parser hostile code, seeded with the
// fixtures' code files.
func FuzzParse(f *testing.F) {
	for _, b := range codeFiles(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Parse(b, Options{MaxBytes: 1 << 16, MaxTokens: 1 << 14})
		if err == nil && file == nil {
			t.Error("no file and no error")
		}
	})
}
