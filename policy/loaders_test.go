package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
)

// The loaders beyond pickle.load (docs/loaders.md): dill's Unpickler
// resolves a few names its own way, cloudpickle.load is pickle.load, and
// torch's weights_only unpickler accepts a fixed set of globals. The
// judge sees the names as the loader that resolves them reads them.

// TestDillNames: names dill's find_class (dill 0.3.6 _dill.py) resolves
// where pickle.load refuses them are judged as dill resolves them, and
// files dill and cloudpickle write are judged as they are.
func TestDillNames(t *testing.T) {
	tests := []struct {
		name, data, file string
		want             finding.Severity
		rule, callable   string
	}{
		// dill.dill is dill._dill: _create_code makes a code object.
		{name: "dill_dill_module", data: "\x80\x02cdill.dill\n_create_code\n)R.", // PROTO GLOBAL EMPTY_TUPLE REDUCE STOP
			want: finding.Critical, callable: "dill._dill._create_code"},
		// __builtin__.NoneType is type(None) to dill; pickle.load refuses it.
		{name: "builtin_nonetype_p2", data: "\x80\x02c__builtin__\nNoneType\n)R.", want: finding.SeverityInvalid}, // PROTO GLOBAL EMPTY_TUPLE REDUCE STOP
		{name: "builtin_nonetype_p3", data: "\x80\x03c__builtin__\nNoneType\n)R.", want: finding.SeverityInvalid}, // the same, no Python 2 mapping
		{name: "builtins_nonetype_p3", data: "\x80\x03cbuiltins\nNoneType\n)R.", want: finding.SeverityInvalid},   // refused by every loader
		{name: "types_nonetype", data: "\x80\x03ctypes\nNoneType\n)R.", want: finding.SeverityInvalid},            // type(None) since Python 3.10
		{name: "nonetype_attr", data: "\x80\x02c__builtin__\nNoneType.mro\n)R.", want: finding.High},              // a dotted name is no NoneType
		// __builtin__.__main__ is the __main__ module's namespace to dill:
		// writing into it replaces the program's globals.
		{name: "builtin_main_setitems", data: "c__builtin__\n__main__\n(S'x'\nI1\nu.", // GLOBAL MARK STRING INT SETITEMS STOP
			want: finding.Critical, rule: finding.RuleAttributePoison},
		{name: "builtin_main_p3", data: "\x80\x03c__builtin__\n__main__\n.", want: finding.Critical, callable: "__main__.__dict__"}, // PROTO GLOBAL STOP
		{name: "real_dill_function", file: "dill_function.pkl", want: finding.Critical, callable: "dill._dill._create_function"},
		{name: "real_dill_lambda_p2", file: "dill_lambda_p2.pkl", want: finding.Critical, callable: "dill._dill._create_code"},
		{name: "real_dill_dict", file: "dill_dict.pkl", want: finding.SeverityInvalid},
		{name: "real_cloudpickle_function", file: "cloudpickle_function.pkl", want: finding.Critical},
		{name: "real_cloudpickle_dict", file: "cloudpickle_dict.pkl", want: finding.SeverityInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data
			if tt.file != "" {
				b, err := os.ReadFile(filepath.Join("testdata", "loaders", tt.file))
				if err != nil {
					t.Fatal(err)
				}
				data = string(b)
			}
			fs, _ := judgeBytes(data)
			if got := worst(fs); got != tt.want {
				t.Errorf("worst %v, want %v: %+v", got, tt.want, fs)
			}
			if tt.rule != "" && !hasRule(fs, tt.rule) {
				t.Errorf("no %s finding: %+v", tt.rule, fs)
			}
			if tt.callable != "" && !hasCallable(fs, tt.callable) {
				t.Errorf("no finding on %s: %+v", tt.callable, fs)
			}
		})
	}
}

// TestWeightsOnlyAllowlist: every global torch's weights_only unpickler
// accepts (torch 1.13, testdata/loaders/gen.py) yields no finding of
// medium or more: the judge never flags what that loader loads, so its
// findings on torch files name only what weights_only refuses.
func TestWeightsOnlyAllowlist(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "loaders", "weights_only_globals.txt"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, '.')
		fs, _ := judgeBytes("\x80\x02c" + line[:i] + "\n" + line[i+1:] + "\n.") // PROTO GLOBAL STOP
		if got := worst(fs); got >= finding.Medium {
			t.Errorf("%s: worst %v: %+v", line, got, fs)
		}
		n++
	}
	if n < 50 {
		t.Errorf("%d globals read, want the whole allowlist", n)
	}
}

func hasCallable(fs []finding.Finding, name string) bool {
	for _, f := range fs {
		if f.Callable == name {
			return true
		}
	}
	return false
}
