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

// expectation is one entry of testdata/expected.json, written by
// testdata/generate.py beside the files it describes.
type expectation struct {
	Path          string   `json:"path"`
	Verdict       string   `json:"verdict"`
	MaxSeverity   string   `json:"max_severity"`
	Format        string   `json:"format"`
	Member        string   `json:"member"`
	Callables     []string `json:"callables"`
	PickleMembers []string `json:"pickle_members"`
}

// TestFixtures scans the fixture tree written by the real libraries and
// checks every file against expected.json: benign files stay at or below
// their allowed severity, malicious ones reach theirs at the right member,
// and every pickle member is read.
func TestFixtures(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	b, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var want []expectation
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	opts := options()
	opts.Roots = []string{"testdata/benign", "testdata/malicious", "testdata/examples"}
	rep, err := scan.Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]finding.FileResult{}
	for _, f := range rep.Files {
		got[f.Path] = f
	}
	for _, w := range want {
		t.Run(w.Path, func(t *testing.T) {
			f, ok := got["testdata/"+w.Path]
			if !ok {
				t.Fatal("not in the report")
			}
			checkFile(t, w, f)
		})
	}
}

func checkFile(t *testing.T, w expectation, f finding.FileResult) {
	t.Helper()
	if w.Format != f.Format {
		t.Errorf("format %q, want %q", f.Format, w.Format)
	}
	for _, m := range w.PickleMembers {
		if m == "" || (w.Format == "pickle" && strings.HasPrefix(m, "pickle#")) { // the file itself
			if f.Status != finding.StatusScanned && f.Status != finding.StatusPartial {
				t.Errorf("status %q: the file itself was not read", f.Status)
			}
			continue
		}
		if !slices.Contains(f.Members, m) {
			t.Errorf("member %q not read; read %q", m, f.Members)
		}
	}
	limit, _ := finding.ParseSeverity(w.MaxSeverity)
	switch w.Verdict {
	case "benign":
		for _, fd := range f.Findings {
			if fd.Severity > limit || (w.MaxSeverity == "none" && fd.Severity >= finding.Low) {
				t.Errorf("false alarm (allowed up to %s): %s %s %s", w.MaxSeverity, fd.Rule, fd.Severity, fd.Message)
			}
		}
	case "malicious":
		hit := false
		for _, fd := range f.Findings {
			if fd.Severity < limit || fd.Severity < finding.High || !sameMember(w, fd.Member) {
				continue
			}
			if len(w.Callables) == 0 || slices.ContainsFunc(w.Callables, func(c string) bool { return sameCallable(c, fd.Callable) }) {
				hit = true
			}
		}
		if !hit {
			t.Errorf("no finding of at least %s for %v at member %q; findings:", w.MaxSeverity, w.Callables, w.Member)
			for _, fd := range f.Findings {
				t.Logf("  %s %s member=%q callable=%q %s", fd.Rule, fd.Severity, fd.Member, fd.Callable, fd.Message)
			}
		}
	}
}

// sameMember compares the member of a finding with the expected one. A
// raw pickle file's findings are located by offset in the file itself, so
// the fixture's "pickle#N" (the Nth pickle of the stream) matches "".
func sameMember(w expectation, got string) bool {
	if w.Format == "pickle" && strings.HasPrefix(w.Member, "pickle#") {
		return got == "" || got == w.Member
	}
	return w.Member == "" || got == w.Member
}

// sameCallable compares callables as the unpickler resolves them: the
// fixtures spell names as the pickle writes them (protocol 2 writes
// __builtin__.exec), the scanner as Python 3 maps them (builtins.exec).
func sameCallable(want, got string) bool {
	if rest, ok := strings.CutPrefix(want, "__builtin__."); ok {
		want = "builtins." + rest
	}
	// A dotted path is reported by what it resolves to: pathlib.os.system
	// as os.system.
	return want == got || strings.HasSuffix(want, "."+got)
}
