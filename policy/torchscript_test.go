package policy

import (
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/torchscript"
)

// TestTorchScript judges calls of hand-written code: torch's own ops and
// the model's own methods pass; file and native-library ops are MG160,
// custom ops and classes MG161, each raised when __setstate__ reaches it.
func TestTorchScript(t *testing.T) {
	const cls = "class M(Module):\n  def forward(self: __torch__.M, x: Tensor) -> Tensor:\n"
	const set = "class M(Module):\n  def __setstate__(self: __torch__.M, s: Tuple[int]) -> NoneType:\n"
	tests := []struct {
		name, src string
		rule      string
		severity  finding.Severity
	}{
		{"aten_prim", cls + "    ops.prim.RaiseException(\"x\")\n    return torch.ops.aten.relu(torch.add(x, 1))\n", "", 0},
		{"quantized_and_prepacked", cls + "    _0 = ops.quantized.linear(x, torch.classes.quantized.LinearPackedParamsBase(), 1.0, 0)\n    return ops.prepacked.linear_clamp_run(_0, x)\n", "", 0},
		{"own_method_named_save", cls + "    return (self).save(x)\n", "", 0},
		{"torchvision_op", cls + "    return torch.ops.torchvision.nms(x, x, 0.5)\n", finding.RuleTorchScriptCustom, finding.SeverityInvalid}, // the rule default, medium
		{"ops_builtin_custom", cls + "    return ops.my_ns.run(x)\n", finding.RuleTorchScriptCustom, finding.SeverityInvalid},                 // the rule default, medium
		{"forward_from_file", cls + "    return torch.from_file(\"f\", True, 4)\n", finding.RuleTorchScriptOp, finding.SeverityInvalid},
		{"storage_from_file", set + "    _0 = torch.UntypedStorage.from_file(\"f\", True, 4)\n    return None\n", finding.RuleTorchScriptOp, finding.Critical},
		{"setstate_load_library", set + "    torch.classes.load_library(\"x.so\")\n    return None\n", finding.RuleTorchScriptOp, finding.Critical},
		{"setstate_custom_op", set + "    _0 = torch.ops.evil.run(1)\n    return None\n", finding.RuleTorchScriptCustom, finding.High},
		{"import", "import os\n", finding.RuleTorchScriptCustom, finding.SeverityInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := torchscript.Parse([]byte(tt.src), torchscript.DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			got := Default().TorchScript([]*torchscript.File{f})
			if tt.rule == "" {
				if len(got) > 0 {
					t.Errorf("findings %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Finding.Rule != tt.rule || got[0].Finding.Severity != tt.severity {
				t.Errorf("findings %+v, want one %s at %v", got, tt.rule, tt.severity)
			}
		})
	}
}
