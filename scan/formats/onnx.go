package formats

import (
	"errors"
	"fmt"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/onnx"
	"github.com/modelgate/modelgate/scan"
)

// onnxModel recognises ONNX models by their protobuf structure and reports
// external data that leaves the model's folder and operators of custom
// domains.
type onnxModel struct{}

var _ scan.Format = onnxModel{}

func (onnxModel) Name() string { return "onnx" }

func (onnxModel) Match(in *scan.Input) bool { return onnx.Sniff(in.Head, in.Size) }

func (onnxModel) Scan(s *scan.Session, in *scan.Input) error {
	b, done, err := wholeInput(s, in)
	if err != nil {
		return err
	}
	defer done()
	s.Read(in)
	var m *onnx.Model
	guardFaults(func() { m, err = onnx.Parse(b, onnx.DefaultOptions()) })
	if errors.Is(err, onnx.ErrFormat) {
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: "ONNX model does not parse: " + err.Error()})
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range m.External {
		if onnx.LeavesFolder(e.Location) {
			key := plain(externalKey(e))
			s.Report(in, finding.Finding{Rule: finding.RuleONNXExternalPath, Offset: -1, Key: key, Evidence: scan.Quote(e.Location, 200),
				Message: fmt.Sprintf("tensor %s at %s loads external data from %s, outside the model's folder",
					scan.Quote(e.Tensor, 200), key, scan.Quote(e.Location, 200))})
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
		s.Report(in, finding.Finding{Rule: finding.RuleONNXCustomDomain, Offset: -1, Key: plain(key), Callable: plain(n.Domain + "." + n.OpType),
			Message: fmt.Sprintf("operator %s of custom domain %s (node %s at %s) needs a native operator library",
				scan.Quote(n.OpType, 100), scan.Quote(n.Domain, 100), scan.Quote(n.Name, 100), strings.TrimSpace(n.Key))})
	}
	if m.Truncated {
		s.Unscannable(in, fmt.Errorf("more than %d nodes and tensors: %w", onnx.DefaultOptions().MaxItems, scan.ErrLimit))
	}
	return nil
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
