package policy

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// The red-team tests run the reader and the policy together over real
// bytes: every known way around a pickle scanner, written here by hand
// (opcodes in the trailing comment), must be flagged; real files from
// real libraries (library_benign_test.go) must not be.

// scanBytes reads data as a stream of pickles and judges it with the
// default policy.
func judgeBytes(data string) ([]finding.Finding, *pickle.Result) {
	res := pickle.Read(strings.NewReader(data), Default().PickleOptions(pickle.DefaultOptions()))
	return Default().Pickle(res), res
}

// judgeCase is a hand-written stream and the worst severity it must get.
type judgeCase struct {
	name string
	data string
	want finding.Severity
}

// runJudgeCases checks each case's worst severity.
func runJudgeCases(t *testing.T, tests []judgeCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, res := judgeBytes(tt.data)
			if got := worst(fs); got != tt.want {
				t.Errorf("worst %s, want %s%s", got, tt.want, dumpFindings(fs, res))
			}
		})
	}
}

// worst returns the highest severity among fs.
func worst(fs []finding.Finding) finding.Severity {
	w := finding.SeverityInvalid
	for _, f := range fs {
		if f.Severity > w {
			w = f.Severity
		}
	}
	return w
}

// dumpFindings renders findings and facts for a failure message.
func dumpFindings(fs []finding.Finding, res *pickle.Result) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n  %s %s %q: %s", f.Rule, f.Severity, f.Callable, f.Message)
	}
	fmt.Fprintf(&b, "\n  facts: pickles=%d err=%v limit=%v", res.Pickles, res.Err, res.Limit)
	for _, c := range res.Calls {
		fmt.Fprintf(&b, "\n  call %s@%d %s known=%v onglobal=%v desc=%q args=%q", c.Op, c.Offset, c.Callee, c.Known, c.OnGlobal, c.Desc, c.Args)
	}
	return b.String()
}

// TestOutsideCorpus is an outside check against a folder of samples with
// a manifest.json (verdict malicious: a finding of at least high; benign:
// nothing above medium). It runs only when MODELGATE_CORPUS names the
// folder; the samples are not part of the project.
func TestOutsideCorpus(t *testing.T) {
	dir := os.Getenv("MODELGATE_CORPUS")
	if dir == "" {
		t.Skip("MODELGATE_CORPUS not set")
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []struct{ Path, Verdict, Format string }
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatal(err)
	}
	pass, total := 0, 0
	for _, e := range entries {
		if e.Format != "pickle" || e.Verdict == "either" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Path))
		if err != nil {
			t.Fatal(err)
		}
		fs, res := judgeBytes(string(data))
		w := worst(fs)
		total++
		if (e.Verdict == "malicious" && w >= finding.High) || (e.Verdict == "benign" && w <= finding.Medium) {
			pass++
			continue
		}
		t.Errorf("%s (%s): worst %s%s", e.Path, e.Verdict, w, dumpFindings(fs, res))
	}
	t.Logf("corpus: %d of %d pickle samples as expected", pass, total)
}

// TestPickledTensorIsLow: pickle.dumps(tensor) hands a legacy torch file
// (pickles, then raw storage bytes) to torch.storage._load_from_bytes. The
// storage bytes are not trailing data, and a nested load that does nothing
// unknown is low, not a medium that would drown real findings.
func TestPickledTensorIsLow(t *testing.T) {
	b, err := os.ReadFile("../scan/formats/testdata/library_benign/benign/torch_tensor_pickled.pkl")
	if err != nil {
		t.Fatal(err)
	}
	fs, res := judgeBytes(string(b))
	if len(res.Nested) == 0 {
		t.Fatal("no nested pickle found")
	}
	for _, f := range fs {
		if f.Severity > finding.Low || f.Rule == finding.RuleTrailingData {
			t.Errorf("finding %s %s: %s", f.Rule, f.Severity, f.Message)
		}
	}
}

// TestDottedNameInsideDeniedModule: a dotted name under a module that is
// denied as a whole is still reported by what it resolves to.
func TestDottedNameInsideDeniedModule(t *testing.T) {
	fs, _ := judgeBytes("\x80\x04cshutil\nos.system\n(X\x02\x00\x00\x00idtR.") // PROTO GLOBAL MARK BINUNICODE TUPLE REDUCE STOP
	for _, f := range fs {
		if f.Rule == finding.RuleDangerousCallable && f.Callable == "os.system" {
			return
		}
	}
	t.Errorf("no MG001 finding for os.system in %+v", fs)
}
