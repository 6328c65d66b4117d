package policy

import (
	"fmt"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/onnx"
)

// ONNX turns the facts of an ONNX model into findings: external data whose
// location leaves the model's folder (the loader reads whatever file it
// names) by its text or, as linked says (location -> where it leads),
// through a symlink, and operators of custom domains, which need a native
// library.
func (p *Judge) ONNX(m *onnx.Model, linked map[string]string) []finding.Finding {
	var out []finding.Finding
	for _, e := range m.External {
		dest, viaLink := linked[e.Location]
		if !viaLink && !onnx.LeavesFolder(e.Location) {
			continue
		}
		key := finding.Plain(externalKey(e))
		how := "outside the model's folder (" + leaveHow(e.Location) + ")"
		if viaLink {
			how = "a symlink that leads outside the model's folder, to " + finding.Quote(dest, 200)
		}
		out = append(out, finding.Finding{Rule: finding.RuleONNXExternalPath, Offset: -1, Key: key, Evidence: finding.Quote(e.Location, 200),
			Message: fmt.Sprintf("tensor %s at %s loads external data from %s, %s",
				finding.Quote(e.Tensor, 200), key, finding.Quote(e.Location, 200), how)})
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

// leaveHow names the way a location leaves the folder by its text.
func leaveHow(loc string) string {
	l := strings.ReplaceAll(loc, `\`, "/")
	switch {
	case strings.ContainsRune(l, 0):
		return "a NUL in the path"
	case strings.HasPrefix(l, "/") || len(l) >= 2 && l[1] == ':':
		return "an absolute path"
	}
	return "a .. segment"
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
