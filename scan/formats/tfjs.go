package formats

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/tfjs"
	"github.com/modelgate/modelgate/scan"
)

// tfjsModel recognises a TensorFlow.js model.json by content: a JSON
// object whose head names modelTopology or weightsManifest. Its weight
// shards are raw tensors a loader never interprets, so only model.json is
// read.
type tfjsModel struct{}

var _ scan.Format = tfjsModel{}

func (tfjsModel) Name() string { return "tfjs" }

func (tfjsModel) Match(in *scan.Input) bool {
	head := bytes.TrimLeft(in.Head, " \t\r\n\ufeff")
	return len(head) > 0 && head[0] == '{' &&
		(bytes.Contains(in.Head, []byte(`"modelTopology"`)) || bytes.Contains(in.Head, []byte(`"weightsManifest"`)))
}

func (tfjsModel) Scan(s *scan.Session, in *scan.Input) error {
	opt := s.Limits().TFJS
	if in.Size > opt.MaxBytes {
		return fmt.Errorf("model.json of %d bytes is over the limit of %d: %w", in.Size, opt.MaxBytes, scan.ErrLimit)
	}
	rc, err := in.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	s.Read(in)
	b, err := io.ReadAll(io.LimitReader(rc, opt.MaxBytes+1))
	if err != nil {
		return fmt.Errorf("read model.json: %w", err)
	}
	m, err := tfjs.Parse(b, opt)
	if m != nil {
		for _, f := range s.Policy().TFJS(m) {
			s.Report(in, f)
		}
	}
	if errors.Is(err, tfjs.ErrFormat) {
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: "TensorFlow.js model.json does not follow its format: " + err.Error()})
		return nil
	}
	return err
}
