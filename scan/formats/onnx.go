package formats

import (
	"errors"
	"fmt"

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
	guardFaults(func() { m, err = onnx.Parse(b, s.Limits().ONNX) })
	switch {
	case errors.Is(err, onnx.ErrFormat):
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: "ONNX model does not parse: " + err.Error()})
	case errors.Is(err, onnx.ErrLimit):
		s.Unscannable(in, fmt.Errorf("%w (%w)", err, scan.ErrLimit))
	case err != nil:
		return err
	}
	if m == nil {
		return nil
	}
	reportIrregular(s, in, m.Irregular)
	archiveLinkChecks(s, in, m.External)
	for _, f := range s.Policy().ONNX(m, linkedOutside(in, m.External)) {
		s.Report(in, f)
	}
	if m.Truncated {
		s.Unscannable(in, fmt.Errorf("more than %d nodes and tensors: %w", s.Limits().ONNX.MaxItems, scan.ErrLimit))
	}
	return nil
}
