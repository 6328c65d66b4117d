package formats

import (
	"fmt"
	"io"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/safetensors"
	"github.com/modelgate/modelgate/scan"
)

// safetensorsModel recognises safetensors files by their header and
// validates it; it reads a few bytes of the data region and of the end of
// the file to find polyglots, never the tensors. A region that only
// starts like a pickle is scanned, and the file called a polyglot only
// when that pickle imports or calls something (Report.Unread).
type safetensorsModel struct{}

var _ scan.Format = safetensorsModel{}

func (safetensorsModel) Name() string { return "safetensors" }

func (safetensorsModel) Match(in *scan.Input) bool { return safetensors.Sniff(in.Head, in.Size) }

func (safetensorsModel) Scan(s *scan.Session, in *scan.Input) error {
	r, size, err := randomAccess(s, in)
	if err != nil {
		return err
	}
	s.Read(in)
	rep, err := safetensors.Check(r, size, s.Limits().Safetensors)
	if err != nil {
		return err
	}
	if len(rep.Malformed) > 0 {
		s.Report(in, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: 0, Length: 8 + rep.HeaderSize,
			Message: "safetensors header does not follow the format: " + finding.Quote(strings.Join(first(rep.Malformed, 5), "; "), 600)})
	}
	if !rep.Unread || pickleActs(s, in, rep.Embedded) {
		for _, p := range rep.Polyglot {
			s.Report(in, finding.Finding{Rule: finding.RulePolyglot, Offset: -1, Message: "safetensors file is also another format: " + p})
		}
	}
	for _, off := range rep.Embedded {
		scanDataRegion(s, in, r, off, size)
	}
	return nil
}

// pickleActs reports whether a pickle read at one of offs imports
// something or hits a bound: tensor bytes (float16 data among them) may
// start like a pickle by chance, and no loader reads the file from
// there, so only a pickle that would act makes the file a polyglot.
func pickleActs(s *scan.Session, in *scan.Input, offs []int64) bool {
	for _, off := range offs {
		res, err := readPicklesAt(in, off, s.PickleOptions(), true)
		if err != nil || res != nil && (len(res.Imports) > 0 || res.Limit != nil) {
			return true
		}
	}
	return false
}

// scanDataRegion scans a polyglot from off (its data region, or what pads
// its header) as an input of its own, so that what the other format's
// loader would run is reported too.
func scanDataRegion(s *scan.Session, in *scan.Input, r io.ReaderAt, off, size int64) {
	name := fmt.Sprintf("(safetensors data at offset %d)", off)
	child, err := scan.NewSectionInput(in.Child(name), name, io.NewSectionReader(r, off, size-off), size-off)
	if err != nil {
		s.Unscannable(&scan.Input{Chain: in.Child(name)}, err)
		return
	}
	child.Depth = in.Depth + 1
	s.Scan(child)
}

// first returns at most n elements of l.
func first(l []string, n int) []string { return l[:min(len(l), n)] }
