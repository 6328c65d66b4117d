package formats

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/gguf"
	"github.com/modelgate/modelgate/policy"
	"github.com/modelgate/modelgate/scan"
)

// ggufModel recognises GGUF files by their magic and version and inspects
// their chat templates. Tensor data is never read.
type ggufModel struct{}

var _ scan.Format = ggufModel{}

func (ggufModel) Name() string { return "gguf" }

func (ggufModel) Match(in *scan.Input) bool {
	if len(in.Head) < 8 || !in.HasPrefix(gguf.Magic) {
		return false
	}
	le, be := binary.LittleEndian.Uint32(in.Head[4:]), binary.BigEndian.Uint32(in.Head[4:])
	return le >= 1 && le <= 3 || be >= 1 && be <= 3
}

func (ggufModel) Scan(s *scan.Session, in *scan.Input) error {
	rc, err := in.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	size := in.Size
	if size < 0 {
		size = s.Limits().MaxMemberSize
	}
	s.Read(in)
	f, err := gguf.Parse(rc, size, s.Limits().GGUF)
	if f != nil {
		for _, kv := range f.KVs {
			switch {
			case gguf.TemplateKey(kv.Key) && kv.IsString:
				for _, f := range s.Policy().Template(kv, gguf.InspectTemplate(kv.String, s.Limits().GGUF.Template)) {
					s.Report(in, f)
				}
				templateTricks(s, in, kv)
			case kv.KeySkipped > 0:
				s.Trick(in, policy.Trick{Kind: policy.TrickBudgetFlood, Offset: kv.Offset, Detail: fmt.Sprintf(
					"a metadata key of %d bytes at offset %d, over the %d kept (MaxKey): GGUF readers take any key, "+
						"a reader that stops there never sees the keys after it; its value was read past", kv.KeySkipped, kv.Offset, s.Limits().GGUF.MaxKey)})
			case gguf.TemplateKey(kv.Key) && kv.Skipped > 0:
				s.Partial()
				s.Report(in, finding.Finding{Rule: finding.RuleInconclusive, Offset: kv.Offset, Key: finding.Plain(kv.Key),
					Message: fmt.Sprintf("chat template %s of %d bytes is over the limit of %d and was not inspected",
						finding.Quote(kv.Key, 200), kv.Skipped, s.Limits().GGUF.MaxString)})
			}
		}
	}
	if errors.Is(err, gguf.ErrLimit) {
		return fmt.Errorf("%w (%w)", err, scan.ErrLimit)
	}
	if errors.Is(err, gguf.ErrFormat) {
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: "GGUF header does not follow the format: " + err.Error()})
		return nil
	}
	return err
}
