package policy

import (
	"fmt"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/onnx"
)

// ONNX turns the facts of an ONNX model into findings: external data whose
// location leaves the model's folder (the loader reads whatever file it
// names), and operators of custom domains, which need a native library.
func (p *Judge) ONNX(m *onnx.Model) []finding.Finding {
	var out []finding.Finding
	for _, e := range m.External {
		if onnx.LeavesFolder(e.Location) {
			key := finding.Plain(externalKey(e))
			out = append(out, finding.Finding{Rule: finding.RuleONNXExternalPath, Offset: -1, Key: key, Evidence: finding.Quote(e.Location, 200),
				Message: fmt.Sprintf("tensor %s at %s loads external data from %s, outside the model's folder",
					finding.Quote(e.Tensor, 200), key, finding.Quote(e.Location, 200))})
		}
	}
	local := map[string]bool{}
	for _, f := range m.Functions {
		local[f] = true
	}
	seen := map[string]bool{}
	for _, n := range m.Nodes {
		if onnx.StandardDomain(n.Domain) || local[n.Domain+":"+n.OpType] || seen[n.Domain+":"+n.OpType] {
			continue
		}
		seen[n.Domain+":"+n.OpType] = true
		key := n.Key
		if n.Name != "" {
			key = n.Name
		}
		out = append(out, finding.Finding{Rule: finding.RuleONNXCustomDomain, Offset: -1, Key: finding.Plain(key), Callable: finding.Plain(n.Domain + "." + n.OpType),
			Message: fmt.Sprintf("operator %s of custom domain %s (node %s at %s) needs a native operator library",
				finding.Quote(n.OpType, 100), finding.Quote(n.Domain, 100), finding.Quote(n.Name, 100), strings.TrimSpace(n.Key))})
	}
	return out
}

// externalKey names the place of an external data location by tensor
// name, as people write it: graph.initializer[W].external_data.location.
func externalKey(e onnx.External) string {
	k := e.Key
	if i := strings.LastIndexByte(k, '['); i >= 0 && e.Tensor != "" {
		k = k[:i] + "[" + e.Tensor + "]"
	}
	return k + ".external_data.location"
}
