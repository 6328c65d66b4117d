package formats

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
)

// TestTorchScriptCode scans testdata/torchscript: archives torch.jit.save
// wrote stay at or below medium (here: nothing), and each edited code
// file is reported with its rule, at its severity, in the function that
// makes the call, naming the callable: in __setstate__ (and what it calls,
// in the same file or another) critical, in forward high, a custom op in
// forward medium.
func TestTorchScriptCode(t *testing.T) {
	got := scanPaths(t, nil, "testdata/torchscript")
	tests := []struct {
		file     string
		rule     string
		severity finding.Severity
		member   string
		key      string
		callable string
	}{
		{"benign_control.pt", "", 0, "", "", ""},
		{"benign_state.pt", "", 0, "", "", ""},
		{"benign_traced.pt", "", 0, "", "", ""},
		{"mal_setstate_from_file.pt", finding.RuleTorchScriptOp, finding.Critical, "archive/code/__torch__.py", "State.__setstate__", "torch.from_file"},
		{"mal_setstate_alias.pt", finding.RuleTorchScriptOp, finding.Critical, "archive/code/__torch__.py", "State.__setstate__", "torch.from_file"},
		{"mal_setstate_getattr.pt", finding.RuleTorchScriptOp, finding.Critical, "archive/code/__torch__.py", "State.__setstate__", "torch.from_file"},
		{"mal_setstate_helper.pt", finding.RuleTorchScriptOp, finding.Critical, "archive/code/__torch__.py", "State.prepare", "torch.from_file"},
		{"mal_setstate_other_file.pt", finding.RuleTorchScriptOp, finding.Critical, "archive/code/__torch__/helpers.py", "touch", "torch.from_file"},
		{"mal_forward_save.pt", finding.RuleTorchScriptOp, finding.High, "archive/code/__torch__.py", "State.forward", "torch.save"},
		{"mal_forward_load_library.pt", finding.RuleTorchScriptOp, finding.High, "archive/code/__torch__.py", "State.forward", "torch.ops.load_library"},
		{"mal_forward_custom_op.pt", finding.RuleTorchScriptCustom, finding.Medium, "archive/code/__torch__.py", "State.forward", "torch.ops.mg_ns.touch"},
		{"mal_setstate_custom_class.pt", finding.RuleTorchScriptCustom, finding.High, "archive/code/__torch__.py", "State.__setstate__", "torch.classes.mg_ns.Touch"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, filepath.Ext(tt.file)), func(t *testing.T) {
			f, ok := got[tt.file]
			if !ok {
				t.Fatal("not scanned")
			}
			if f.Format != "torchscript" || f.Status != finding.StatusScanned {
				t.Errorf("format %q status %q", f.Format, f.Status)
			}
			if tt.rule == "" {
				if len(f.Findings) > 0 {
					t.Errorf("benign archive with findings %+v", f.Findings)
				}
				return
			}
			for _, fd := range f.Findings {
				if fd.Rule == tt.rule && fd.Severity == tt.severity && fd.Member == tt.member && fd.Key == tt.key && fd.Callable == tt.callable {
					return
				}
			}
			t.Errorf("no %s %s at %s %s naming %s in %+v", tt.rule, tt.severity, tt.member, tt.key, tt.callable, f.Findings)
		})
	}
}

// TestTorchScriptCodeLimit: a code file over the limit is inconclusive,
// never silently skipped.
func TestTorchScriptCodeLimit(t *testing.T) {
	opts := options()
	opts.Limits.TorchScript.MaxBytes = 100
	f := scanPaths(t, &opts, "testdata/torchscript/mal_setstate_from_file.pt")["mal_setstate_from_file.pt"]
	if f.Status != finding.StatusPartial || !hasRule(f, finding.RuleInconclusive) {
		t.Errorf("status %q findings %+v", f.Status, f.Findings)
	}
}

func hasRule(f finding.FileResult, rule string) bool {
	for _, fd := range f.Findings {
		if fd.Rule == rule {
			return true
		}
	}
	return false
}
