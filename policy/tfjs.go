package policy

import (
	"fmt"
	"path"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/tfjs"
)

// TFJS judges a TensorFlow.js model.json. It runs no Python: a graph
// model's ops are judged as TensorFlow's (MG110 for those that touch files
// or run Python, which a TensorFlow backend would run), and a weight path
// that is absolute, names a scheme or climbs out of the folder is MG171:
// the loader fetches it relative to model.json and reads what it names.
func (p *Judge) TFJS(m *tfjs.Model) []finding.Finding {
	var out []finding.Finding
	for _, n := range m.Nodes {
		what, ok := tensorFlowOps[n.Op]
		if !ok {
			continue
		}
		key, where := n.Name, "graph"
		if n.Function != "" {
			key, where = n.Function+"/"+n.Name, "function "+finding.Quote(n.Function, 200)
		}
		out = append(out, finding.Finding{Rule: finding.RuleTensorFlowOp, Offset: -1, Key: finding.Plain(key), Callable: finding.Plain("tf." + n.Op),
			Message: fmt.Sprintf("TensorFlow.js %s node %s is a %s op: it %s", where, finding.Quote(n.Name, 200), finding.Quote(n.Op, 100), what)})
	}
	for i, w := range m.WeightPaths {
		if why := outsidePath(w); why != "" {
			out = append(out, finding.Finding{Rule: finding.RuleTFJSWeightsPath, Offset: -1, Key: fmt.Sprintf("weightsManifest.paths[%d]", i),
				Evidence: finding.Quote(w, 300), Message: fmt.Sprintf("weight shard path %s %s", finding.Quote(w, 300), why)})
		}
	}
	return out
}

// outsidePath says why a weight path leaves the model's folder, or "".
func outsidePath(w string) string {
	p := strings.ReplaceAll(w, `\`, "/")
	switch {
	case strings.Contains(p, "://") || strings.HasPrefix(strings.ToLower(p), "file:") || strings.HasPrefix(strings.ToLower(p), "data:"):
		return "names a scheme: the loader fetches it wherever it points"
	case strings.HasPrefix(p, "/") || len(p) > 1 && p[1] == ':':
		return "is absolute: the loader reads it outside the model's folder"
	case path.Clean(p) == ".." || strings.HasPrefix(path.Clean(p), "../"):
		return "climbs out of the model's folder"
	}
	return ""
}
