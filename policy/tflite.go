package policy

import (
	"fmt"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/tflite"
)

// TFLite judges the operator codes of a TensorFlow Lite model. The file
// holds no Python code and no pickle: what it can make the interpreter do
// is run the kernels its operators name. A Flex operator ("Flex" + a
// TensorFlow op) runs that TensorFlow op through the Flex delegate and is
// judged as the op itself (MG110 for the ops that touch files or run
// Python); any other custom operator runs a kernel the host registered
// (MG170, low).
func (p *Judge) TFLite(m *tflite.Model) []finding.Finding {
	var out []finding.Finding
	seen := map[string]bool{}
	for i, c := range m.OperatorCodes {
		if c.Builtin != tflite.BuiltinCustom && c.Custom == "" || seen[c.Custom] {
			continue
		}
		seen[c.Custom] = true
		key := fmt.Sprintf("operator_codes[%d]", i)
		op, flex := strings.CutPrefix(c.Custom, "Flex")
		if what, ok := tensorFlowOps[op]; ok && flex {
			out = append(out, finding.Finding{Rule: finding.RuleTensorFlowOp, Offset: -1, Key: key, Callable: finding.Plain("tf." + op),
				Evidence: finding.Quote(c.Custom, 200),
				Message:  fmt.Sprintf("TFLite operator %s runs TensorFlow's %s through the Flex delegate: it %s", finding.Quote(c.Custom, 200), op, what)})
			continue
		}
		msg := fmt.Sprintf("TFLite custom operator %s runs the kernel the host registers under that name; the file holds no Python code", finding.Quote(c.Custom, 200))
		if flex {
			msg = fmt.Sprintf("TFLite operator %s runs TensorFlow's %s through the Flex delegate; the file holds no Python code", finding.Quote(c.Custom, 200), finding.Quote(op, 200))
		}
		out = append(out, finding.Finding{Rule: finding.RuleTFLiteCustomOp, Offset: -1, Key: key, Callable: finding.Plain(c.Custom),
			Evidence: finding.Quote(c.Custom, 200), Message: msg})
	}
	return out
}
