package formats

import (
	"errors"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/ortadapter"
	"github.com/modelgate/modelgate/internal/parse/tflite"
	"github.com/modelgate/modelgate/scan"
)

// tfliteModel recognises TensorFlow Lite models by their FlatBuffer
// identifier "TFL3" and judges their operator codes. A TFLite file holds
// no Python code: its risk is the custom and Flex operators it names.
// Tensors are never read.
type tfliteModel struct{}

var _ scan.Format = tfliteModel{}

func (tfliteModel) Name() string { return "tflite" }

func (tfliteModel) Match(in *scan.Input) bool {
	return len(in.Head) >= 8 && string(in.Head[4:8]) == tflite.Identifier
}

func (tfliteModel) Scan(s *scan.Session, in *scan.Input) error {
	ra, err := s.Materialize(in, min(s.Limits().MaxBuffered, s.Limits().MaxMemberSize))
	if err != nil {
		return err
	}
	s.Read(in)
	m, err := tflite.Parse(ra.At, ra.Size, s.Limits().TFLite)
	if m != nil {
		for _, f := range s.Policy().TFLite(m) {
			s.Report(in, f)
		}
	}
	return flatbufferError(s, in, "TFLite model", err, tflite.ErrFormat)
}

// ortAdapter recognises onnxruntime LoRA adapters by their FlatBuffer
// identifier "TORT". An adapter holds tensors only; what is checked is
// that its parameters are what onnxruntime accepts.
type ortAdapter struct{}

var _ scan.Format = ortAdapter{}

func (ortAdapter) Name() string { return "onnx-adapter" }

func (ortAdapter) Match(in *scan.Input) bool {
	return len(in.Head) >= 8 && string(in.Head[4:8]) == ortadapter.Identifier
}

func (ortAdapter) Scan(s *scan.Session, in *scan.Input) error {
	ra, err := s.Materialize(in, min(s.Limits().MaxBuffered, s.Limits().MaxMemberSize))
	if err != nil {
		return err
	}
	s.Read(in)
	_, err = ortadapter.Parse(ra.At, ra.Size, s.Limits().ORTAdapter)
	return flatbufferError(s, in, "onnxruntime adapter", err, ortadapter.ErrFormat)
}

// flatbufferError reports a format error as a malformed model and
// returns other errors (a read failure, a bound) to the engine.
func flatbufferError(s *scan.Session, in *scan.Input, what string, err, errFormat error) error {
	if errors.Is(err, errFormat) {
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: what + " does not follow its format: " + err.Error()})
		return nil
	}
	return err
}
